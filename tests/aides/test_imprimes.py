"""The printed documents of a request: fiche de demande, compte rendu de réunion, bilan (PDF).

Scope, content, the psychologist's secrecy (unique markers planted in every psychologist
field), hostile text printed literally, access log, constant query counts, links from the pages.
"""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aides.enums import TypeAide
from aides.models import DemandeAide, Evaluation, Objectif, Reunion
from aides.pdf.bilan import donnees_bilan
from aides.selectors.documents import evaluations_pour_bilan
from eleves.models import JournalAcces
from tests.conftest import PERSONAS
from tests.factories import UtilisateurFactory
from tests.factories_aides import (
    ConclusionPsyFactory,
    DemandeAideFactory,
    EvaluationObjectifFactory,
    ObjectifFactory,
    ObservationFactory,
    ParticipantExterneFactory,
    PresenceSeanceFactory,
    ReunionFactory,
    SeanceFactory,
)
from tests.factories_parcours import (
    accord,
    aides_en_cours,
    bilan,
    observation_notee,
    programme_valide,
    reunion_tenue,
)

HOSTILE = '<script>alert(1)</script><img src="file:///etc/passwd">'

# One unique marker per field of the psychologist's space: none may reach another persona's document.
MARQUEURS_PSY = {
    "observation": "PSYOBS-4f1a",
    "programme_avis_eleve": "PSYAVISEL-8c2b",
    "programme_avis_famille": "PSYAVISFAM-1d3e",
    "objectif_intitule": "PSYOBJ-5e7f",
    "objectif_critere": "PSYCRIT-9a0b",
    "objectif_responsable": "PSYRESP-2c4d",
    "action": "PSYACT-6b8c",
    "evaluation_synthese": "PSYSYNTH-3f5a",
    "evaluation_instrument": "PSYINSTR-7d9e",
    "resultat_commentaire": "PSYCOMM-0e2f",
    "conclusion_non_partagee": "PSYCONCL-4a6b",
    "seance_contenu": "PSYSEANCE-8d0c",
    "presence_observation": "PSYPRES-1f3d",
}
# What belongs to the psychologist and is printed for them in their follow-up's bilan.
MARQUEURS_DU_BILAN_PSY = ("objectif_intitule", "objectif_critere", "evaluation_synthese",
                          "evaluation_instrument", "resultat_commentaire")


def texte_pdf(contenu: bytes) -> str:
    """The PDF's text with white space folded (long lines wrap)."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages).split())


def construire_dossier(monde) -> dict:
    """Léa's request with an E aid and a psychological follow-up, each with a validated programme
    and a bilan, internal observations, a meeting, and markers in every psychologist field."""
    e, psy = monde["maitre_e"], monde["psychologue"]
    demande = DemandeAideFactory(
        eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True, famille_informee_le=date(2026, 11, 2),
        domaines=["1.1", "1.3"], erreurs="Confond b et d.", deja_essaye=["apc", "ppre"],
        deja_essaye_precisions="APC le mardi.", points_appui="Très bonne mémoire auditive.",
        attentes="Des pistes pour la classe.",
    )
    observation_notee(demande, auteur=e, date=date(2026, 11, 4), contenu="OBSINTERNE-E-5c1d")
    aides = aides_en_cours(demande, {TypeAide.E: e, TypeAide.PSY: psy}, referent=e, motif="Décodage et anxiété.",
                           accord_le=date(2026, 11, 5), debut=date(2026, 11, 9))
    accord(demande, "transmission", auteur=psy, date=date(2026, 11, 5))

    programme_e = programme_valide(aides[TypeAide.E], objectifs=[{
        "intitule": "Décoder les syllabes complexes", "critere": "Lit 20 syllabes en une minute",
        "responsable": "Maître E"}])
    bilan_e = bilan(programme_e, date=date(2026, 12, 14), synthese="Progrès nets en décodage.", resultat={
        "atteinte": "partiel", "maitrise_debut": "fragile", "maitrise_actuelle": "satisfaisante",
        "commentaire": "Plus rapide."})

    observation_notee(demande, auteur=psy, type="bilan", date=date(2026, 11, 12), contenu=MARQUEURS_PSY["observation"])
    programme_psy = programme_valide(
        aides[TypeAide.PSY], modalite="individuel", avis_eleve=MARQUEURS_PSY["programme_avis_eleve"],
        avis_famille=MARQUEURS_PSY["programme_avis_famille"],
        objectifs=[{"visee": "estime", "intitule": MARQUEURS_PSY["objectif_intitule"],
                    "critere": MARQUEURS_PSY["objectif_critere"], "responsable": MARQUEURS_PSY["objectif_responsable"]}],
        actions=[{"acteur": "eleve", "description": MARQUEURS_PSY["action"]}],
    )
    bilan_psy = bilan(
        programme_psy, date=date(2026, 12, 15), synthese=MARQUEURS_PSY["evaluation_synthese"],
        estime_instrument=MARQUEURS_PSY["evaluation_instrument"], estime_debut=Decimal("12.5"),
        estime_fin=Decimal(18), resultat={"atteinte": "atteint", "commentaire": MARQUEURS_PSY["resultat_commentaire"]},
    )
    ConclusionPsyFactory(aide=aides[TypeAide.PSY], date=date(2026, 12, 16),
                         texte=MARQUEURS_PSY["conclusion_non_partagee"])
    seance = SeanceFactory(intervenant=psy, date=date(2026, 11, 20), duree=60, contenu=MARQUEURS_PSY["seance_contenu"])
    PresenceSeanceFactory(seance=seance, aide=aides[TypeAide.PSY], observation=MARQUEURS_PSY["presence_observation"])

    reunion = reunion_tenue(
        demande, auteur=monde["directeur"], date=timezone.make_aware(datetime(2026, 11, 20, 17, 30)),
        lieu="Salle des maîtres", ordre_du_jour="Point sur la lecture.", compte_rendu="La famille soutient l'aide.",
        decisions="Aide E deux fois par semaine.",
        participants=[monde["directeur"], monde["maitre_e"], monde["enseignant"]],
        externes=[("Mme Petit", "mère"), ("Dr Roux", "médecin scolaire")],
    )
    return {"demande": demande, "reunion": reunion, "bilan_e": bilan_e, "bilan_psy": bilan_psy,
            "programme_e": programme_e, "aide_e": aides[TypeAide.E]}


@pytest.fixture
def dossier(monde):
    return construire_dossier(monde)


def _get(client, nom, objet):
    return client.get(reverse(nom, args=[objet.pk]))


def _verifier_reponse_pdf(response, nom_fichier):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'inline; filename="{nom_fichier}"'
    return texte_pdf(response.content)


# --- Smoke test per document: content, headers, access log ---------------------------------------


def test_fiche_de_demande_contenu_et_signatures(client, monde, dossier):
    demande = dossier["demande"]
    client.force_login(monde["directeur"])
    texte = _verifier_reponse_pdf(_get(client, "demande_pdf", demande), f"demande-{demande.pk}.pdf")
    for attendu in (
        "Lyon Nord", "École Jean Jaurès", f"Demande d'aide au RASED n° {demande.pk}", "Léa PETIT", "CE1 A",
        "CE1, cycle 2", "1.1 Langue française", "1.3 Langages mathématiques", "Lecture très lente.",
        "Confond b et d.", "Activités pédagogiques complémentaires (APC)", "PPRE", "APC le mardi.",
        "Très bonne mémoire auditive.", "Des pistes pour la classe.", "le 02/11/2026, par rencontre",
        "L'enseignant", "Le directeur", "Date et signature", "page 1 / 1", "Imprimé le",
    ):
        assert attendu in texte, attendu
    # Never the RASED's work: internal observations, decision's reasons, aids.
    for absent in ("OBSINTERNE-E-5c1d", "Décodage et anxiété", "psycholog"):
        assert absent not in texte, absent
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.eleve, entree.action) == (monde["directeur"], monde.eleve_a1, "impression")
    assert "Petit" not in entree.objet


def test_fiche_d_un_brouillon_imprimable_par_son_auteur_seul(client, monde):
    brouillon = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], difficultes="Brouillon-2e4f",
                                   domaines=[], famille_informee_le=None, famille_informee_par="")
    client.force_login(monde["enseignant"])
    texte = _verifier_reponse_pdf(_get(client, "demande_pdf", brouillon), f"demande-{brouillon.pk}.pdf")
    assert "Brouillon : cette demande n'a pas encore été envoyée au RASED." in texte
    assert "pas encore (obligatoire avant l'envoi au RASED)" in texte
    for persona in ("directeur", "maitre_e", "circonscription"):
        client.force_login(monde[persona])
        assert _get(client, "demande_pdf", brouillon).status_code == 404, persona


def test_compte_rendu_de_reunion_contenu_et_signatures(client, monde, dossier):
    reunion = dossier["reunion"]
    client.force_login(monde["enseignant"])
    texte = _verifier_reponse_pdf(_get(client, "reunion_pdf", reunion), f"reunion-{reunion.pk}.pdf")
    for attendu in (
        "Compte rendu — Équipe éducative du 20/11/2026", "le 20/11/2026 à 17 h 30", "Salle des maîtres",
        "Léa PETIT", f"n° {dossier['demande'].pk}", "Directeur d'école", "Maître E", "Mme Petit — mère",
        "Dr Roux — médecin scolaire", "Point sur la lecture.", "La famille soutient l'aide.",
        "Aide E deux fois par semaine.", "Le rédacteur du compte rendu", "La famille", "Date et signature",
    ):
        assert attendu in texte, attendu
    assert "OBSINTERNE-E-5c1d" not in texte
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.eleve, entree.action) == (monde["enseignant"], monde.eleve_a1, "impression")


def test_compte_rendu_d_une_synthese_rased_signe_par_son_redacteur(client, monde, dossier):
    Reunion.objects.filter(pk=dossier["reunion"].pk).update(type="synthese")
    client.force_login(monde["maitre_e"])
    texte = texte_pdf(_get(client, "reunion_pdf", dossier["reunion"]).content)
    assert "Synthèse RASED" in texte
    assert "Le rédacteur du compte rendu" in texte
    assert "Le directeur ou le président de séance" not in texte


def test_bilan_contenu_graphiques_et_signatures(client, monde, dossier):
    bilan = dossier["bilan_e"]
    client.force_login(monde["enseignant"])
    response = _get(client, "bilan_pdf", bilan)
    texte = _verifier_reponse_pdf(response, f"bilan-{bilan.pk}.pdf")
    for attendu in (
        "Bilan intermédiaire du 14/12/2026", "Léa PETIT", "Aide à dominante pédagogique (maître E)",
        "version 1", "Poursuite sans changement", "Objectif 1 : Décoder les syllabes complexes",
        "Lit 20 syllabes en une minute", "Atteinte : Partiellement atteint",
        "maîtrise au début : Maîtrise fragile ; maîtrise actuelle : Maîtrise satisfaisante", "Plus rapide.",
        "Progrès nets en décodage.",
        # the charts' own text, drawn as SVG in the PDF
        "Atteinte des objectifs", "Maîtrise des compétences : au début et maintenant", "Au début", "Maintenant",
        "La famille", "Le membre du RASED", "L'enseignant (",
    ):
        assert attendu in texte, attendu
    assert "Estime de soi" not in texte
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.eleve, entree.action) == (monde["enseignant"], monde.eleve_a1, "impression")


def test_bilan_psy_montre_l_estime_de_soi_au_psychologue(client, monde, dossier):
    client.force_login(monde["psychologue"])
    texte = texte_pdf(_get(client, "bilan_pdf", dossier["bilan_psy"]).content)
    assert "Évolution de l'estime de soi" in texte
    assert "score au début : 12,5 ; à la fin : 18 ; différence : +5,5" in texte
    assert "Estime de soi : évolution +5,5" in texte  # the chart's title
    assert "La famille" in texte
    assert "L'enseignant" not in texte  # signed by the psychologist and the family only


def test_donnees_du_bilan_echelles_de_1_a_4(monde, dossier):
    evaluation = evaluations_pour_bilan(monde["maitre_e"]).get(pk=dossier["bilan_e"].pk)
    resultat = donnees_bilan(evaluation)["resultats"][0]
    assert (resultat["score_atteinte"], resultat["score_debut"], resultat["score_actuel"]) == (2, 2, 3)
    assert donnees_bilan(evaluation)["estime"] is None


# --- Who may print what -------------------------------------------------------------------------

ATTENDU = {"enseignant": 200, "directeur": 200, "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
           "circonscription": 200, "admin": 404, "enseignant_autre_ecole": 404, "rased_autre_secteur": 404,
           "autre_circonscription": 404}
DOCUMENTS = [("demande_pdf", "demande"), ("reunion_pdf", "reunion"), ("bilan_pdf", "bilan_e")]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("nom, cle", DOCUMENTS)
def test_documents_selon_le_role(client, monde, dossier, persona, nom, cle):
    client.force_login(monde[persona])
    assert _get(client, nom, dossier[cle]).status_code == ATTENDU[persona]
    assert JournalAcces.objects.filter(action="impression").exists() == (ATTENDU[persona] == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_bilan_psy_aux_seuls_psychologues(client, monde, dossier, persona):
    client.force_login(monde[persona])
    attendu = 200 if persona == "psychologue" else 404
    assert _get(client, "bilan_pdf", dossier["bilan_psy"]).status_code == attendu


@pytest.mark.parametrize("nom, cle", DOCUMENTS + [("bilan_pdf", "bilan_psy")])
def test_documents_anonyme_redirige(client, dossier, nom, cle):
    response = _get(client, nom, dossier[cle])
    assert response.status_code == 302
    assert not JournalAcces.objects.exists()


# --- The psychologist's secrecy -----------------------------------------------------------------


@pytest.mark.parametrize("persona", [p for p in PERSONAS if ATTENDU[p] == 200])
def test_aucun_contenu_psy_dans_les_documents_des_autres(client, monde, dossier, persona):
    client.force_login(monde[persona])
    textes = [texte_pdf(_get(client, nom, dossier[cle]).content) for nom, cle in DOCUMENTS]
    assert all("Léa PETIT" in t for t in textes)  # the documents were printed, with content
    if persona == "psychologue":
        textes.append(texte_pdf(_get(client, "bilan_pdf", dossier["bilan_psy"]).content))
        for champ in MARQUEURS_DU_BILAN_PSY:
            assert MARQUEURS_PSY[champ] in textes[-1], champ
        textes.pop()
    tout = " ".join(textes)
    for champ, marqueur in MARQUEURS_PSY.items():
        assert marqueur not in tout, (persona, champ)
    assert "OBSINTERNE-E-5c1d" not in tout


# --- Safety: user text is printed as text -------------------------------------------------------


@pytest.mark.parametrize("nom, cle", DOCUMENTS)
def test_texte_hostile_imprime_tel_quel(client, monde, dossier, nom, cle):
    DemandeAide.objects.filter(pk=dossier["demande"].pk).update(difficultes=HOSTILE)
    Reunion.objects.filter(pk=dossier["reunion"].pk).update(compte_rendu=HOSTILE)
    Evaluation.objects.filter(pk=dossier["bilan_e"].pk).update(synthese=HOSTILE)
    Objectif.objects.filter(programme=dossier["programme_e"]).update(intitule=HOSTILE)
    client.force_login(monde["maitre_e"])
    texte = texte_pdf(_get(client, nom, dossier[cle]).content)
    assert "<script>alert(1)</script>" in texte
    assert 'file:///etc/passwd' in texte
    assert "root:" not in texte


# --- Query counts do not grow with the pupil's history ------------------------------------------


def _requetes(client, nom, objet) -> int:
    _get(client, nom, objet)
    with CaptureQueriesContext(connection) as requetes:
        assert _get(client, nom, objet).status_code == 200
    return len(requetes)


def test_fiche_de_demande_nombre_de_requetes_constant(client, monde, dossier):
    demande = dossier["demande"]
    client.force_login(monde["maitre_e"])
    peu = _requetes(client, "demande_pdf", demande)
    for i in range(5):
        ObservationFactory(demande=demande, auteur=monde["maitre_e"], type="dialogue", date=date(2026, 11, 20),
                           contenu=f"O{i}")
        ReunionFactory(demande=demande, type="famille", auteur=monde["maitre_e"])
        monde.classe_a1.enseignants.add(UtilisateurFactory(role="enseignant", circonscription=monde.nord))
    DemandeAide.objects.filter(pk=demande.pk).update(domaines=["1.1", "1.2", "1.3", "1.4", "2", "3"],
                                                     deja_essaye=["apc", "ppre", "tutorat", "autre"])
    assert _requetes(client, "demande_pdf", demande) == peu


def test_compte_rendu_nombre_de_requetes_constant(client, monde, dossier):
    reunion = dossier["reunion"]
    client.force_login(monde["maitre_e"])
    peu = _requetes(client, "reunion_pdf", reunion)
    for i in range(8):
        reunion.participants.add(UtilisateurFactory(role="enseignant", circonscription=monde.nord))
        ParticipantExterneFactory(reunion=reunion, nom=f"Personne {i}", qualite="AESH")
    assert _requetes(client, "reunion_pdf", reunion) == peu


@pytest.mark.parametrize("persona, cle", [("enseignant", "bilan_e"), ("psychologue", "bilan_psy")])
def test_bilan_nombre_de_requetes_constant(client, monde, dossier, persona, cle):
    evaluation = dossier[cle]
    client.force_login(monde[persona])
    peu = _requetes(client, "bilan_pdf", evaluation)
    for i in range(6):
        objectif = ObjectifFactory(programme=evaluation.programme, domaine="1.3", intitule=f"O{i}", critere="c",
                                   responsable="r")
        EvaluationObjectifFactory(evaluation=evaluation, objectif=objectif, atteinte="atteint",
                                  maitrise_debut="insuffisante", maitrise_actuelle="tres_bonne")
        monde.classe_a1.enseignants.add(UtilisateurFactory(role="enseignant", circonscription=monde.nord))
    assert _requetes(client, "bilan_pdf", evaluation) == peu


# --- Each document is reachable from the page where one looks for it ---------------------------


def test_liens_vers_les_documents_depuis_les_pages(client, monde, dossier):
    client.force_login(monde["enseignant"])
    page_demande = client.get(reverse("demande_detail", args=[dossier["demande"].pk])).content.decode()
    assert reverse("demande_pdf", args=[dossier["demande"].pk]) in page_demande
    assert reverse("bilan_pdf", args=[dossier["bilan_e"].pk]) in page_demande
    assert reverse("bilan_pdf", args=[dossier["bilan_psy"].pk]) not in page_demande
    page_reunion = client.get(reverse("reunion_detail", args=[dossier["reunion"].pk])).content.decode()
    assert reverse("reunion_pdf", args=[dossier["reunion"].pk]) in page_reunion
    page_programme = client.get(reverse("programme_detail", args=[dossier["programme_e"].pk])).content.decode()
    assert reverse("bilan_pdf", args=[dossier["bilan_e"].pk]) in page_programme
    client.force_login(monde["psychologue"])
    page_demande = client.get(reverse("demande_detail", args=[dossier["demande"].pk])).content.decode()
    assert reverse("bilan_pdf", args=[dossier["bilan_psy"].pk]) in page_demande
