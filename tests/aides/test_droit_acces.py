"""The family's right of access (RGPD art. 15): the whole file in one PDF, the psychological part
after a psychologist of the secteur has read and released it.

The file is the fiche de suivi's three school years (tests/aides/test_fiche_suivi.py), whose
psychologist's work carries a unique marker in every field.
"""

import re
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.enums import TypeAide
from aides.models import Aide
from aides.pdf.droit_acces import donnees_volet, empreinte
from eleves.enums import Role
from eleves.models import DemandeAcces, JournalAcces
from tests.aides.test_fiche_suivi import (  # noqa: F401 (trois_annees is a fixture)
    CONCLUSION_PARTAGEE,
    HOSTILE,
    MARQUEURS_PSY,
    _demande,
    suivi_complet,
    texte_pdf,
    trois_annees,
)
from tests.factories import (
    AnneeScolaireFactory,
    ClasseFactory,
    InscriptionFactory,
    PlanFactory,
    ResponsableLegalFactory,
    UtilisateurFactory,
)
from tests.factories_aides import ObservationFactory
from tests.factories_parcours import acces_depose, conclusion_ecrite, reunion_tenue
from tests.securite.outils import corps_normalise

SECTIONS = [
    "Identité", "Scolarité", "Responsables légaux", "Plans et dispositifs", "Demandes d'aide",
    "Étapes de la demande", "Décision", "Réponses de la famille", "Programme personnalisé, version",
    "Séance du", "Actions du RASED auprès des équipes", "Volet psychologique", "Journal des accès au dossier",
    "Historique des modifications",
]


def _marqueurs_trouves(texte: str) -> set[str]:
    colle = "".join(texte.split())
    return {cle for cle, m in MARQUEURS_PSY.items() if m in texte or m in colle}


@pytest.fixture
def dossier(monde, trois_annees):
    """Léa's three years, plus a guardian, a plan, a synthèse RASED and a RASED note."""
    eleve = monde.eleve_a1
    ResponsableLegalFactory(eleve=eleve, nom="Petitjean", prenom="Sophie")
    PlanFactory(eleve=eleve)
    premiere, deuxieme, troisieme = trois_annees
    reunion_tenue(troisieme, auteur=monde["maitre_g"], participants=[monde["maitre_g"]], type="synthese",
                  lieu="RASED", compte_rendu="Synthèse SYNTH-G-77.")
    ObservationFactory(demande=troisieme, auteur=monde["maitre_g"], type="observation_classe",
                       date=date(monde.classe_a1.annee.debut, 10, 2), contenu="Observation NOTE-G-55.")
    return trois_annees


def _deposer(client, monde, persona="directeur"):
    client.force_login(monde[persona])
    reponse = client.post(reverse("droit_acces_eleve", args=[monde.eleve_a1.pk]),
                          {"demandeur": "Mme Petit, mère de l'élève", "recue_le": "2026-11-02"})
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    return DemandeAcces.objects.latest("pk")


def _pdf(client, monde, demande, persona="directeur"):
    client.force_login(monde[persona])
    reponse = client.get(reverse("demande_acces_pdf", args=[demande.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Cache-Control"] == "no-store"
    return texte_pdf(reponse.content)


def _liberer(client, monde, demande, persona="psychologue", note="Relu avec la famille le 20/11."):
    client.force_login(monde[persona])
    url = reverse("demande_acces_relecture", args=[demande.pk])
    return client.post(url, {"empreinte": empreinte(donnees_volet(demande.eleve)), "note_psychologue": note})


def test_droit_acces_du_directeur_dossier_complet_sans_volet_psy(client, monde, dossier):
    premiere, deuxieme, troisieme = dossier
    client.force_login(monde["directeur"])
    page_eleve = client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk])).content.decode()
    assert reverse("droit_acces_eleve", args=[monde.eleve_a1.pk]) in page_eleve
    confirmation = client.get(reverse("droit_acces_eleve", args=[monde.eleve_a1.pk]))
    assert "Enregistrer la demande d'accès" in confirmation.content.decode()
    assert not DemandeAcces.objects.exists()  # the GET asks, it files nothing

    ancien = ResponsableLegalFactory(eleve=monde.eleve_a1, nom="Retirédufichier", prenom="Paul")
    client.post(reverse("responsable_supprimer", args=[ancien.pk]))  # removed, its history stays
    demande = _deposer(client, monde)
    assert demande.deposee_par == monde["directeur"] and not demande.volet_libere
    texte = _pdf(client, monde, demande)

    for section in SECTIONS:
        assert section in texte, section
    for d in dossier:
        assert f"Demande d'aide n° {d.pk}" in texte
    # The history of each request, its decision, the guardians, the RASED's own notes and synthèse.
    assert "Envoyée au RASED → Autre réponse apportée" in texte and "Aide décidée → Clôturée" in texte
    assert "Conseil à l'enseignant" in texte and "Pistes de différenciation" in texte
    assert "Petitjean" in texte and "GS A" in texte and "CE1 A" in texte
    assert "NOTE-G-55" in texte and "SYNTH-G-77" in texte and "Jeu de rôle" in texte
    assert "Mme Petit, mère de l'élève" in texte
    # Every version with its state (pdf/_version_programme.html, shared with the fiche de suivi).
    assert re.search(r"Programme personnalisé, version 1 \((validé|remplacé par une nouvelle version), validée le", texte)
    # The access log (Léa's page just viewed) and the change history (masked texts stay masked).
    assert "Fiche de l'élève" in texte and "création : responsable légal" in texte
    assert "(contenu masqué)" in texte  # the E session's content in the history
    assert "suppression : responsable légal — Mme Paul RETIRÉDUFICHIER" in texte
    assert HOSTILE in texte  # hostile text printed as text
    # Nothing of the psychologist's, not even the shared conclusion: the whole part waits.
    assert _marqueurs_trouves(texte) == set()
    assert CONCLUSION_PARTAGEE not in texte
    assert "en attente de la relecture d'un psychologue" in texte
    entree = JournalAcces.objects.filter(eleve=monde.eleve_a1, action="impression").latest("pk")
    assert entree.utilisateur == monde["directeur"]
    assert entree.objet == f"Droit d'accès n° {demande.pk} : dossier complet sans le volet psychologique, PDF"


def test_volet_psy_joint_apres_liberation_par_le_psychologue(client, monde, dossier):
    demande = _deposer(client, monde, "circonscription")  # the IEN files it too
    client.force_login(monde["psychologue"])
    liste = client.get(reverse("demandes_acces_a_relire")).content.decode()
    assert reverse("demande_acces_relecture", args=[demande.pk]) in liste
    assert "1 volet psychologique à relire" in client.get(reverse("accueil")).content.decode()

    apercu = client.get(reverse("demande_acces_relecture", args=[demande.pk])).content.decode()
    assert set(MARQUEURS_PSY) - {"estime_debut", "estime_fin"} <= _marqueurs_trouves(apercu)
    demande.refresh_from_db()
    assert not demande.volet_libere  # reading releases nothing
    assert JournalAcces.objects.filter(utilisateur=monde["psychologue"], objet__contains="relecture").exists()

    reponse = _liberer(client, monde, demande)
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.volet_libere and demande.volet_libere_par == monde["psychologue"]
    premiere_liberation = demande.volet_libere_le
    assert _liberer(client, monde, demande).status_code == 302  # a repeat is a no-op
    demande.refresh_from_db()
    assert demande.volet_libere_le == premiere_liberation

    texte = _pdf(client, monde, demande, "circonscription")
    assert _marqueurs_trouves(texte) == set(MARQUEURS_PSY)
    assert CONCLUSION_PARTAGEE in texte
    assert "Relu et libéré par" in texte and "Relu avec la famille le 20/11." in texte
    assert JournalAcces.objects.filter(
        utilisateur=monde["circonscription"], objet__endswith="avec le volet psychologique, PDF").exists()


def test_volet_modifie_apres_liberation_retenu_de_nouveau(client, monde, dossier):
    demande = _deposer(client, monde)
    _liberer(client, monde, demande)
    aide_psy = Aide.objects.filter(type=TypeAide.PSY).get()
    conclusion_ecrite(aide_psy, date=date(2026, 11, 24), texte="NOUVELLE-CONCL-91", partagee=False)

    texte = _pdf(client, monde, demande)
    assert _marqueurs_trouves(texte) == set() and "NOUVELLE-CONCL-91" not in texte
    assert "a changé depuis sa relecture" in texte
    assert _liberer(client, monde, demande).status_code == 302
    assert "NOUVELLE-CONCL-91" in _pdf(client, monde, demande)


def test_liberation_refusee_si_le_volet_a_change_pendant_la_relecture(client, monde, dossier):
    demande = _deposer(client, monde)
    client.force_login(monde["psychologue"])
    reponse = client.post(reverse("demande_acces_relecture", args=[demande.pk]),
                          {"empreinte": "0" * 64, "note_psychologue": ""})
    assert reponse.status_code == 200
    assert "a changé pendant votre relecture" in reponse.content.decode()
    demande.refresh_from_db()
    assert not demande.volet_libere


@pytest.mark.parametrize("persona, attendu", [
    ("enseignant", 403), ("maitre_e", 403), ("maitre_g", 403), ("psychologue", 403), ("admin", 403),
    ("enseignant_autre_ecole", 404), ("rased_autre_secteur", 404), ("autre_circonscription", 404),
])
def test_droit_acces_refuse_aux_autres(client, monde, dossier, persona, attendu):
    demande = acces_depose(monde.eleve_a1, auteur=monde["directeur"], demandeur="Mme Petit",
                           recue_le=date(2026, 11, 2))
    client.force_login(monde[persona])
    assert client.get(reverse("droit_acces_eleve", args=[monde.eleve_a1.pk])).status_code == attendu
    assert client.post(reverse("droit_acces_eleve", args=[monde.eleve_a1.pk]),
                       {"demandeur": "X", "recue_le": "2026-11-02"}).status_code == attendu
    assert client.get(reverse("demande_acces_detail", args=[demande.pk])).status_code == attendu
    assert client.get(reverse("demande_acces_pdf", args=[demande.pk])).status_code == attendu
    assert DemandeAcces.objects.count() == 1
    assert not JournalAcces.objects.filter(utilisateur=monde[persona], action="impression").exists()


def test_directeur_d_une_autre_ecole_ne_voit_rien(client, monde, dossier):
    demande = acces_depose(monde.eleve_a1, auteur=monde["directeur"], demandeur="Mme Petit",
                           recue_le=date(2026, 11, 2))
    client.force_login(UtilisateurFactory(role=Role.DIRECTEUR, circonscription=monde.nord, ecole=monde.ecole_b))
    inexistant = client.get(reverse("demande_acces_pdf", args=[987654]))
    reponse = client.get(reverse("demande_acces_pdf", args=[demande.pk]))
    assert reponse.status_code == inexistant.status_code == 404
    assert corps_normalise(reponse) == corps_normalise(inexistant)  # same page, tokens aside
    assert client.get(reverse("droit_acces_eleve", args=[monde.eleve_a1.pk])).status_code == 404


def test_psychologue_d_un_autre_secteur_ne_libere_pas(client, monde, dossier):
    demande = acces_depose(monde.eleve_a1, auteur=monde["directeur"], demandeur="Mme Petit",
                           recue_le=date(2026, 11, 2))
    autre = UtilisateurFactory(role=Role.PSYCHOLOGUE, circonscription=monde.nord, secteur=monde.secteur_2)
    client.force_login(autre)
    url = reverse("demande_acces_relecture", args=[demande.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"empreinte": empreinte(donnees_volet(monde.eleve_a1)), "note_psychologue": ""}
                       ).status_code == 404
    assert demande.pk not in [d.pk for d in client.get(reverse("demandes_acces_a_relire")).context["a_relire"]]
    demande.refresh_from_db()
    assert not demande.volet_libere
    # Nor may the directeur release it in the psychologist's place.
    client.force_login(monde["directeur"])
    assert client.post(url, {"empreinte": empreinte(donnees_volet(monde.eleve_a1))}).status_code == 403
    demande.refresh_from_db()
    assert not demande.volet_libere


def test_droit_acces_nombre_de_requetes_constant_et_temps(client, monde, preuve):
    """1 request with one row of everything, then 3 requests with 4 rows of everything."""
    demande = acces_depose(monde.eleve_a1, auteur=monde["directeur"], demandeur="Mme Petit",
                           recue_le=date(2026, 11, 2))
    client.force_login(monde["directeur"])
    url = reverse("demande_acces_pdf", args=[demande.pk])

    def mesurer():
        client.get(url)
        with CaptureQueriesContext(connection) as requetes:
            debut = time.perf_counter()
            assert client.get(url).status_code == 200
            duree = time.perf_counter() - debut
        return len(requetes), duree

    annee = monde.classe_a1.annee.debut
    suivi_complet(monde, _demande(monde, monde.classe_a1, monde["enseignant"]), date(annee, 9, 7))
    _liberer(client, monde, demande)
    client.force_login(monde["directeur"])
    peu, _ = mesurer()
    autre_enseignant = UtilisateurFactory(circonscription=monde.nord)
    for i, classe in enumerate((monde.classe_a_annee_passee, ClasseFactory(
        ecole=monde.ecole_a, annee=AnneeScolaireFactory(debut=annee - 2), nom="GS A", niveaux=["GS"],
        enseignants=[autre_enseignant]))):
        InscriptionFactory(eleve=monde.eleve_a1, classe=classe)
        suivi_complet(monde, _demande(monde, classe, monde["enseignant"]),
                      date(annee - 1 - i, 11, 3), lignes=4)
    _liberer(client, monde, demande)
    client.force_login(monde["directeur"])
    beaucoup, duree = mesurer()
    preuve(f"[droit d'accès] requêtes : {peu} (1 demande) et {beaucoup} (3 demandes), PDF en {duree * 1000:.0f} ms")
    assert beaucoup == peu
    # A guard against gross regressions only: this shared machine is slow and loaded (the bench's
    # figures are in the report of the « Trust » issue).
    assert duree < 60


def test_eleve_parti_le_volet_attend_un_psychologue_du_secteur_de_sa_derniere_ecole(client, monde):
    """Hugo, enrolled last year at école A (secteur 1) and nowhere this year: the IEN files the
    family's request; the psychologist of secteur 1 reviews and releases the psychological part;
    a psychologist of secteur 2 and the other members do not even see the request."""
    ancien = monde.eleve_ancien
    client.force_login(monde["directeur"])  # no current enrolment in the directeur's school
    assert client.get(reverse("droit_acces_eleve", args=[ancien.pk])).status_code == 404
    client.force_login(monde["circonscription"])
    reponse = client.post(reverse("droit_acces_eleve", args=[ancien.pk]),
                          {"demandeur": "M. Ancien, père de l'élève", "recue_le": "2026-11-03"})
    assert reponse.status_code == 302
    demande = DemandeAcces.objects.get(eleve=ancien)
    relecture = reverse("demande_acces_relecture", args=[demande.pk])
    liberation = {"empreinte": empreinte(donnees_volet(ancien)), "note_psychologue": "Relu."}

    psy_secteur_2 = UtilisateurFactory(username="psy-2", role=Role.PSYCHOLOGUE, circonscription=monde.nord,
                                       secteur=monde.secteur_2)
    for intrus in (psy_secteur_2, monde["maitre_e"], monde["directeur"], monde["enseignant"]):
        client.force_login(intrus)
        assert client.get(relecture).status_code == 404, intrus.username
        assert client.post(relecture, liberation).status_code == 404, intrus.username
    client.force_login(psy_secteur_2)
    assert relecture not in client.get(reverse("demandes_acces_a_relire")).content.decode()
    demande.refresh_from_db()
    assert not demande.volet_libere

    client.force_login(monde["psychologue"])
    assert relecture in client.get(reverse("demandes_acces_a_relire")).content.decode()
    assert client.get(relecture).status_code == 200
    assert client.post(relecture, liberation).status_code == 302
    demande.refresh_from_db()
    assert demande.volet_libere and demande.volet_libere_par == monde["psychologue"]
    texte = _pdf(client, monde, demande, "circonscription")
    assert "Relu et libéré par" in texte and "Hugo" in texte
