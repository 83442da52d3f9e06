"""The fiche de suivi PDF: the whole path across school years, as each role may read it.

The psychologist's work is planted with unique markers in every field that holds it; they must
appear for psychologists only, and never for anyone else (the administrator included), whatever
the URL says.
"""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aides.enums import TypeAide
from aides.models import DemandeAide, PresenceSeance
from aides.pdf.suivi import donnees_fiche_suivi
from aides.selectors.documents import fiche_suivi_lue
from eleves.models import JournalAcces
from tests.conftest import PERSONAS
from tests.factories import (
    AnneeScolaireFactory,
    ClasseFactory,
    InscriptionFactory,
    UtilisateurFactory,
)
from tests.factories_aides import DemandeAideFactory
from tests.factories_parcours import (
    accord,
    aide_en_cours,
    aides_en_cours,
    autre_reponse,
    bilan,
    conclusion_ecrite,
    observation_notee,
    programme_valide,
    reunion_tenue,
    seance_notee,
)

# One marker per field of the psychologist's work; none may leave the psychologists' space.
MARQUEURS_PSY = {
    "observation": "OBSPSY-a91",
    "seance_contenu": "SEANCEPSY-b27",
    "seance_observation": "PRESPSY-c38",
    "objectif": "OBJPSY-d44",
    "critere": "CRITPSY-e55",
    "action": "ACTPSY-f66",
    "avis_eleve": "AVISELEVEPSY-g77",
    "avis_famille": "AVISFAMPSY-h88",
    "synthese": "SYNTHPSY-i99",
    "instrument": "INSTRPSY-j10",
    "estime_debut": "41,37",
    "estime_fin": "58,19",
    "conclusion_privee": "CONCLPRIVEE-k21",
}
CONCLUSION_PARTAGEE = "CONCLPARTAGEE-m32"
HOSTILE = '<script>alert(1)</script><img src="file:///etc/passwd">'


def texte_pdf(contenu: bytes) -> str:
    """The PDF's text with white space folded (lines wrap)."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages).split())


def suivi_complet(monde, demande, debut: date, *, lignes: int = 1, terminer: bool = True) -> None:
    """A request through the whole workflow: analysis, an E aid and a psychological follow-up,
    programmes, ``lignes`` objectives and sessions each, reviews (final ones that end both aids
    and close the request, or intermediate ones that keep them going), conclusions."""
    e, psy = monde["maitre_e"], monde["psychologue"]
    observation_notee(demande, auteur=psy, type="dialogue", date=debut,
                      contenu=f"Entretien : {MARQUEURS_PSY['observation']}")
    aides = aides_en_cours(demande, {TypeAide.E: e, TypeAide.PSY: psy}, referent=e, auteur=e, debut=debut,
                           motif="Décodage fragile, repli en classe.")
    accord(demande, "transmission", auteur=psy, date=debut)
    reunion_tenue(demande, auteur=e, type="equipe_educative", lieu="École",
                  decisions="Aide E et rencontre avec le psychologue.",
                  date=timezone.make_aware(datetime.combine(debut, datetime.min.time())),
                  participants=[e, monde["directeur"]], externes=[("Mme Petit", "mère")])
    aide_e, aide_psy = aides[TypeAide.E], aides[TypeAide.PSY]

    prog_e = programme_valide(aide_e, objectifs=[
        {"ordre": i, "intitule": f"Décoder les syllabes {i}", "critere": "Lit 20 syllabes en une minute",
         "responsable": "Maître E"} for i in range(lignes)])
    prog_psy = programme_valide(
        aide_psy, modalite="individuel", avis_eleve=MARQUEURS_PSY["avis_eleve"],
        avis_famille=MARQUEURS_PSY["avis_famille"],
        objectifs=[{"ordre": i, "visee": "estime", "intitule": f"{MARQUEURS_PSY['objectif']} {i}",
                    "critere": MARQUEURS_PSY["critere"], "responsable": "Psychologue"} for i in range(lignes)],
        actions=[{"acteur": "rased", "description": MARQUEURS_PSY["action"]} for _ in range(lignes)],
    )

    for i in range(lignes):
        jour = debut + timedelta(days=7 * i + 1)
        seance_notee(e, [aide_e], date=jour, duree=45, contenu="Syllabes complexes")
        seance_notee(psy, [PresenceSeance(aide=aide_psy, observation=MARQUEURS_PSY["seance_observation"])],
                     date=jour, duree=30, contenu=MARQUEURS_PSY["seance_contenu"])
    fin = debut + timedelta(weeks=7)
    issue = {"type": "finale", "suite": "arret"} if terminer else {"type": "intermediaire", "suite": "poursuite"}
    bilan(prog_e, date=fin, synthese="Progrès nets en lecture.", **issue,
          resultat={"atteinte": "atteint", "maitrise_debut": "fragile", "maitrise_actuelle": "satisfaisante"})
    bilan(prog_psy, date=fin, synthese=MARQUEURS_PSY["synthese"], estime_instrument=MARQUEURS_PSY["instrument"],
          estime_debut=Decimal("41.37"), estime_fin=Decimal("58.19"), **issue, resultat={"atteinte": "partiel"})
    conclusion_ecrite(aide_psy, date=fin, texte=f"Conclusion : {CONCLUSION_PARTAGEE}", partagee=True)
    conclusion_ecrite(aide_psy, date=fin, texte=MARQUEURS_PSY["conclusion_privee"], partagee=False)


def _demande(monde, classe, auteur, **champs):
    """Léa Petit's request filed in ``classe`` (a past year's possibly), sent (a row)."""
    return DemandeAideFactory(
        eleve=monde.eleve_a1, classe=classe, auteur=auteur, envoyee=True,
        **({"difficultes": "Lecture lente.", "famille_informee_le": date(2024, 9, 20)} | champs),
    )


@pytest.fixture
def trois_annees(monde):
    """Léa Petit: GS two years ago (a request of the directeur, answered by advice), CP last year
    (an E aid and a psychological follow-up, both ended), CE1 this year (a G aid under way)."""
    annee = monde.classe_a1.annee.debut
    gs = ClasseFactory(ecole=monde.ecole_a, annee=AnneeScolaireFactory(debut=annee - 2), nom="GS A",
                       niveaux=["GS"])
    cp = monde.classe_a_annee_passee
    InscriptionFactory(eleve=monde.eleve_a1, classe=gs)
    InscriptionFactory(eleve=monde.eleve_a1, classe=cp)
    premiere = _demande(monde, gs, monde["directeur"], difficultes=f"Langage oral peu développé. {HOSTILE}")
    autre_reponse(premiere, auteur=monde["maitre_g"], motif="Pistes de différenciation proposées à l'enseignante.")
    deuxieme = _demande(monde, cp, monde["enseignant"])
    suivi_complet(monde, deuxieme, date(annee - 1, 11, 17))
    troisieme = _demande(monde, monde.classe_a1, monde["enseignant"], difficultes="Confiance fragile.")
    g = monde["maitre_g"]
    aide_g = aide_en_cours(troisieme, TypeAide.G, g, motif="Repli en classe.", accord_le=date(annee, 10, 1),
                           debut=date(annee, 10, 6))
    seance_notee(g, [aide_g], date=date(annee, 10, 7), duree=60, contenu="Jeu de rôle")
    seance_notee(g, [PresenceSeance(aide=aide_g, presence="absent")], date=date(annee, 10, 14), duree=45,
                 contenu="Conte")
    return premiere, deuxieme, troisieme


def _fiche(client, monde, persona, **parametres):
    client.force_login(monde[persona])
    return client.get(reverse("fiche_suivi_pdf", args=[monde.eleve_a1.pk]), parametres)


def test_fiche_suivi_smoke(client, monde, trois_annees):
    premiere, deuxieme, troisieme = trois_annees
    # As a RASED member of the secteur: told of every answer of the RASED (the directeur reads
    # the decisions of the requests he filed only, tests/securite/fuites_psy/test_singulariser.py).
    response = _fiche(client, monde, "maitre_g")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'inline; filename="fiche-de-suivi-{monde.eleve_a1.pk}.pdf"'
    texte = texte_pdf(response.content)
    annee = monde.classe_a1.annee.debut
    for attendu in (
        "Fiche de suivi", "Lyon Nord", "École Jean Jaurès", "Léa PETIT",
        # enrolments, by year
        f"{annee - 2}-{annee - 1} École Jean Jaurès (Villeurbanne) GS A GS", f"{annee}-{annee + 1}",
        # each request, grouped by school year, oldest first
        f"Parcours d'aide — année scolaire {annee - 2}-{annee - 1} Demande d'aide n° {premiere.pk}",
        f"Demande d'aide n° {deuxieme.pk}", f"Demande d'aide n° {troisieme.pk}",
        "Décision : Conseil à l'enseignant", "Pistes de différenciation proposées à l'enseignante.",
        "Décision : Aide du RASED", "Motif : Décodage fragile, repli en classe.",
        "Accord pour une aide E ou G : accord",
        "Équipe éducative du 17/11/", f"{monde['directeur']} — Directeur d'école", "Mme Petit (mère)",
        "Aide E et rencontre avec le psychologue.",
        "Aide à dominante pédagogique (maître E)", "issue : arrêt (objectifs atteints)",
        "Séances : 1 prévue, 1 suivie, soit 0 h 45 d'aide",
        "Programme personnalisé, version 1 (validée le", "Décoder les syllabes 0", "critère : Lit 20 syllabes en une minute",
        "Bilan final du", "suite donnée : arrêt (objectifs atteints)", "Progrès nets en lecture.",
        "fragile → maîtrise satisfaisante",
        "Aide à dominante relationnelle (maître G)", "Séances : 2 prévues, 1 suivie, soit 1 h 00 d'aide",
        "Suivi par le psychologue de l'Éducation nationale", "Suivi terminé",
        CONCLUSION_PARTAGEE, "Imprimé le",
    ):
        assert attendu in texte, attendu
    assert texte.index(f"n° {premiere.pk}") < texte.index(f"n° {deuxieme.pk}") < texte.index(f"n° {troisieme.pk}")
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.eleve, entree.action) == (monde["maitre_g"], monde.eleve_a1, "impression")
    assert entree.objet == "Fiche de suivi, PDF"


def test_fiche_du_psychologue_avec_le_volet_psychologique(client, monde, trois_annees):
    texte = texte_pdf(_fiche(client, monde, "psychologue").content)
    assert "Volet psychologique" in texte
    for champ, marqueur in MARQUEURS_PSY.items():
        assert marqueur in texte, champ
    assert "Estime de soi (INSTRPSY-j10) : au début 41,37, à la fin 58,19, évolution +16,82" in texte
    assert "(non partagée) : CONCLPRIVEE-k21" in texte
    assert JournalAcces.objects.get().objet == "Fiche de suivi avec le volet psychologique, PDF"


ATTENDU = {"enseignant": 200, "directeur": 200, "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
           "circonscription": 200, "admin": 403, "enseignant_autre_ecole": 404, "rased_autre_secteur": 404,
           "autre_circonscription": 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_fiche_suivi_selon_le_role(client, monde, trois_annees, persona):
    response = _fiche(client, monde, persona)
    assert response.status_code == ATTENDU[persona]
    assert JournalAcces.objects.filter(action="impression").exists() == (ATTENDU[persona] == 200)
    if response.status_code != 200:
        return
    texte = texte_pdf(response.content)
    psychologue = persona == "psychologue"
    for champ, marqueur in MARQUEURS_PSY.items():
        assert (marqueur in texte) == psychologue, (persona, champ)
    assert ("Volet psychologique" in texte) == psychologue
    # Circonscription staff do not even learn that a psychological follow-up exists.
    circonscription = persona == "circonscription"
    assert ("psychologue de l'Éducation nationale" in texte) != circonscription
    assert (CONCLUSION_PARTAGEE in texte) != circonscription
    # The family's answer about the psychologist's work: psychologists only.
    assert ("Accord pour un bilan ou un suivi psychologique" in texte) == psychologue


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("psychologue",)])
def test_aucune_donnee_psychologique_hors_psychologues(monde, trois_annees, persona):
    """The document's data itself, not only its text, carries nothing of the psychologist's work."""
    donnees = repr(donnees_fiche_suivi(monde[persona], fiche_suivi_lue(monde[persona], monde.eleve_a1)))
    for champ, marqueur in MARQUEURS_PSY.items():
        assert marqueur not in donnees, (persona, champ)
    assert "41.37" not in donnees and "58.19" not in donnees


def test_aucun_parametre_ne_force_le_volet_psychologique(client, monde, trois_annees):
    for persona in ("directeur", "maitre_e", "circonscription"):
        response = _fiche(client, monde, persona, volet="psychologique", psy="1", role="psychologue")
        texte = texte_pdf(response.content)
        assert "Volet psychologique" not in texte
        assert not any(m in texte for m in MARQUEURS_PSY.values()), persona


def test_fiche_de_l_enseignant_limitee_a_ses_demandes(client, monde, trois_annees):
    premiere, deuxieme, _ = trois_annees
    texte = texte_pdf(_fiche(client, monde, "enseignant").content)
    assert f"Demande d'aide n° {premiere.pk} " not in texte  # filed by the directeur
    assert "Pistes de différenciation" not in texte
    assert f"Demande d'aide n° {deuxieme.pk}" in texte


def test_fiche_sans_demande(client, monde):
    texte = texte_pdf(_fiche(client, monde, "maitre_e").content)
    assert "Aucune demande d'aide à afficher pour cet élève." in texte
    assert "CE1 A" in texte


def test_texte_hostile_imprime_tel_quel(client, monde, trois_annees):
    texte = texte_pdf(_fiche(client, monde, "maitre_e").content)
    assert "<script>alert(1)</script>" in texte
    assert '<img src="file:///' in texte and "etc/passwd" in texte  # the line may wrap after « /// »
    assert "root:" not in texte


def test_fiche_anonyme_redirige(client, monde):
    assert client.get(reverse("fiche_suivi_pdf", args=[monde.eleve_a1.pk])).status_code == 302


@pytest.mark.parametrize("persona", ["psychologue", "directeur", "maitre_e", "enseignant", "circonscription"])
def test_fiche_suivi_nombre_de_requetes_constant(client, monde, persona):
    """1 request with one row of everything, then 3 requests with 4 rows of everything."""
    client.force_login(monde[persona])
    url = reverse("fiche_suivi_pdf", args=[monde.eleve_a1.pk])

    def mesurer():
        client.get(url)
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        return len(requetes)

    annee = monde.classe_a1.annee.debut
    suivi_complet(monde, _demande(monde, monde.classe_a1, monde["enseignant"]), date(annee, 9, 7))
    peu = mesurer()
    autre_enseignant = UtilisateurFactory(circonscription=monde.nord)
    for i, classe in enumerate((monde.classe_a_annee_passee, ClasseFactory(
        ecole=monde.ecole_a, annee=AnneeScolaireFactory(debut=annee - 2), nom="GS A", niveaux=["GS"],
        enseignants=[autre_enseignant]))):
        InscriptionFactory(eleve=monde.eleve_a1, classe=classe)
        suivi_complet(monde, _demande(monde, classe, monde["enseignant"]),
                      date(annee - 1 - i, 11, 3), lignes=4)
    assert DemandeAide.objects.count() == 3
    assert mesurer() == peu


def test_lien_vers_la_fiche_depuis_la_page_de_l_eleve(client, monde, trois_annees):
    client.force_login(monde["directeur"])
    page_eleve = client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk])).content.decode()
    assert reverse("fiche_suivi_pdf", args=[monde.eleve_a1.pk]) in page_eleve
