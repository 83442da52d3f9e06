"""Reviews (bilans) through their pages: what each decision does, the self-esteem measure of a
psychological follow-up, corrections and concurrency, the psychologist's conclusions, who may act,
and constant query counts of the pages that list them."""

import uuid
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.enums import EtatAide, EtatDemande, EtatProgramme, TypeAide
from aides.models import (
    Aide,
    ConclusionPsy,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Notification,
    Objectif,
    Programme,
)
from aides.services import (
    ActionRefusee,
    evaluation_enregistrer,
    programme_nouvelle_version,
    programme_valider,
)
from eleves.enums import Role
from tests.aides.test_programmes import (
    AGIT_E,
    AGIT_PSY,
    bilan,
    champs_du_formulaire,
    programme_de,
    trois_aides_en_cours,
)
from tests.conftest import PERSONAS
from tests.eleves.outils_pages import texte
from tests.factories import UtilisateurFactory
from tests.factories_aides import ConclusionPsyFactory, ObjectifFactory
from tests.factories_parcours import accord


@pytest.fixture
def aides(monde, demande_envoyee):
    return trois_aides_en_cours(monde, demande_envoyee)


@pytest.fixture
def programme_e(aides):
    return programme_de(aides[TypeAide.E], objectifs=("Décoder les syllabes simples", "Lire des mots outils"))


def _remplir(client, url, **champs) -> dict:
    """The review's page as served, with every objective marked and ``champs`` on top."""
    donnees = champs_du_formulaire(client.get(url))
    for nom in list(donnees):
        if nom.endswith("-atteinte"):
            donnees[nom] = "atteint"
    return donnees | champs


# --- What the decision does ---------------------------------------------------------------


def test_bilan_renouvellement_ouvre_la_version_2(client, monde, aides, programme_e):
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_creer", args=[programme_e.pk])
    donnees = _remplir(client, url, type="intermediaire", date="2027-01-04", suite="renouvellement",
                       synthese="Progrès, à consolider sur une période.")
    response = client.post(url, donnees, follow=True)

    v2 = Programme.objects.get(aide=aides[TypeAide.E], version=2)
    assert response.redirect_chain[0][0] == reverse("programme_modifier", args=[v2.pk])
    assert "La version 2 du programme est ouverte" in texte(response)
    assert (v2.etat, v2.date_debut) == (EtatProgramme.BROUILLON, date(2027, 1, 4))
    evaluation = Evaluation.objects.get()
    assert (evaluation.auteur, evaluation.suite) == (monde["maitre_e"], "renouvellement")
    assert list(evaluation.resultats.values_list("objectif__intitule", "atteinte")) == [
        ("Décoder les syllabes simples", "atteint"), ("Lire des mots outils", "atteint")]
    aide = Aide.objects.get(pk=aides[TypeAide.E].pk)
    assert aide.etat == EtatAide.EN_COURS


def test_bilan_final_arret_termine_l_aide_et_previent_l_enseignant(
    client, monde, demande_envoyee, aides, django_capture_on_commit_callbacks
):
    monde["enseignant"].email = "enseignant@example.org"
    monde["enseignant"].save()
    # The other aids end first: the request closes with the last one.
    for type_aide in (TypeAide.G, TypeAide.PSY):
        Aide.objects.filter(pk=aides[type_aide].pk).update(etat=EtatAide.TERMINEE)
    programme = programme_de(aides[TypeAide.E])
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_creer", args=[programme.pk])
    donnees = _remplir(client, url, type="finale", date="2027-01-04", suite="arret")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, donnees, follow=True)

    assert "Le bilan est enregistré et l'enseignant en est informé. L'aide est terminée." in texte(response)
    aide = Aide.objects.get(pk=aides[TypeAide.E].pk)
    assert (aide.etat, aide.issue, aide.fin) == (EtatAide.TERMINEE, "arret", date(2027, 1, 4))
    assert DemandeAide.objects.get(pk=demande_envoyee.pk).etat == EtatDemande.CLOTUREE
    notification = Notification.objects.get()
    assert notification.destinataire == monde["enseignant"]
    assert f"demande n° {demande_envoyee.pk}" in notification.message
    assert [m.to for m in mail.outbox] == [["enseignant@example.org"]]
    assert "Petit" not in mail.outbox[0].body and "Léa" not in mail.outbox[0].body
    # The page of the request says how the aid ended; no action is offered on it any more.
    client.force_login(monde["enseignant"])
    contenu = texte(client.get(reverse("demande_detail", args=[demande_envoyee.pk])))
    assert "Terminée depuis le 16/11/2026, jusqu'au 04/01/2027 (arrêt (objectifs atteints))" in contenu
    assert "Bilan final du 04/01/2027" in contenu


def test_bilan_final_en_double_refuse(client, monde, aides):
    programme = programme_de(aides[TypeAide.E])
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_creer", args=[programme.pk])
    donnees = _remplir(client, url, type="finale", date="2027-01-04", suite="orientation")
    client.post(url, donnees)
    # A second page (its own one-time key): the same page sent again would only say « déjà envoyé ».
    response = client.post(url, donnees | {"cle_envoi": str(uuid.uuid4())})
    assert "Cette aide est terminée : aucun bilan ne peut plus y être ajouté." in texte(response)
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize("type_, suite, message", [
    ("intermediaire", "arret", "Un bilan intermédiaire se conclut par une poursuite ou un renouvellement."),
    ("finale", "poursuite", "Le bilan final décide de l'arrêt, du renouvellement"),
])
def test_bilan_suite_incoherente_refusee(client, monde, programme_e, type_, suite, message):
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_creer", args=[programme_e.pk])
    response = client.post(url, _remplir(client, url, type=type_, suite=suite))
    assert message in texte(response)
    assert not Evaluation.objects.exists()


def test_bilan_objectif_non_evalue_refuse(client, monde, programme_e):
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_creer", args=[programme_e.pk])
    donnees = _remplir(client, url, type="intermediaire", suite="poursuite")
    premier = Objectif.objects.filter(programme=programme_e).order_by("ordre").first()
    donnees[f"objectif-{premier.pk}-atteinte"] = ""
    donnees["synthese"] = "Synthèse gardée 2231"
    response = client.post(url, donnees)
    assert "Synthèse gardée 2231" in response.content.decode()
    assert "Ce champ est obligatoire." in texte(response)
    assert not Evaluation.objects.exists()


def test_bilan_d_un_programme_brouillon_refuse(client, monde, aides):
    programme = programme_de(aides[TypeAide.E], valider=False)
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_creer", args=[programme.pk])
    with pytest.raises(ActionRefusee, match="Seul un programme validé s'évalue."):
        evaluation_enregistrer(evaluation=Evaluation(programme=programme, type="intermediaire", date=date(2026, 11, 30),
                                                     suite="poursuite"), resultats=[], auteur=monde["maitre_e"])
    # Its page offers no review; the URL typed sends back to the programme with why.
    response = client.get(url, follow=True)
    assert "Seul le programme validé d'une aide en cours s'évalue." in texte(response)
    assert "Faire un bilan" not in texte(response)
    assert not Evaluation.objects.exists()


def test_bilan_reprend_la_maitrise_de_depart(client, monde, programme_e):
    bilan(programme_e)  # « fragile » at the start for each objective
    client.force_login(monde["maitre_e"])
    donnees = champs_du_formulaire(client.get(reverse("evaluation_creer", args=[programme_e.pk])))
    debuts = [v for k, v in donnees.items() if k.endswith("-maitrise_debut")]
    assert debuts == ["fragile", "fragile"]


# --- A psychological follow-up: the self-esteem measure --------------------------------------


def test_bilan_psy_mesure_de_l_estime_de_soi(client, monde, demande_envoyee, aides):
    programme = programme_de(aides[TypeAide.PSY], objectifs=("Reprendre confiance",))
    client.force_login(monde["psychologue"])
    url = reverse("evaluation_creer", args=[programme.pk])
    donnees = _remplir(client, url, type="intermediaire", date="2026-12-14", suite="poursuite",
                       estime_instrument="Échelle de Rosenberg", estime_debut="14", estime_fin="17.5")
    assert client.post(url, donnees).status_code == 302

    # The second review offers the same instrument and the starting score.
    donnees = champs_du_formulaire(client.get(url))
    assert (donnees["estime_instrument"], donnees["estime_debut"]) == ("Échelle de Rosenberg", "14.00")
    donnees = _remplir(client, url, type="finale", date="2027-01-04", suite="arret", estime_fin="21")
    client.post(url, donnees)

    contenu = texte(client.get(reverse("demande_detail", args=[demande_envoyee.pk])))
    assert "Estime de soi (Échelle de Rosenberg) : au début 14, à la fin 21 — évolution : +7" in contenu
    assert "Estime de soi (Échelle de Rosenberg) : au début 14, à la fin 17,50 — évolution : +3,50" in contenu
    # Nothing of it reaches the teacher, not even that a review was recorded (a psychological
    # document: no notification, no e-mail says it was written).
    client.force_login(monde["enseignant"])
    page = client.get(reverse("demande_detail", args=[demande_envoyee.pk])).content.decode()
    assert "Rosenberg" not in page and "Reprendre confiance" not in page
    assert not Notification.objects.filter(destinataire=monde["enseignant"], message__contains="bilan").exists()


def test_bilan_psy_score_sans_instrument_refuse(client, monde, aides):
    programme = programme_de(aides[TypeAide.PSY], objectifs=("Reprendre confiance",))
    client.force_login(monde["psychologue"])
    url = reverse("evaluation_creer", args=[programme.pk])
    response = client.post(url, _remplir(client, url, type="intermediaire", suite="poursuite", estime_debut="12"))
    assert "Indiquez l'instrument avec lequel l'estime de soi a été mesurée." in texte(response)
    assert not Evaluation.objects.exists()


def test_bilan_sans_mesure_d_estime_hors_suivi_psy(client, monde, programme_e):
    client.force_login(monde["maitre_e"])
    donnees = champs_du_formulaire(client.get(reverse("evaluation_creer", args=[programme_e.pk])))
    assert not any(nom.startswith("estime") for nom in donnees)


# --- Correcting a review; two people at once ------------------------------------------------


def test_bilan_corrige_puis_second_enregistrement_concurrent_refuse(client, monde, programme_e):
    evaluation = bilan(programme_e, synthese="Première synthèse")
    collegue = UtilisateurFactory(username="maitre-e-bis", role=Role.MAITRE_E, circonscription=monde.nord,
                                  secteur=monde.secteur_1)
    url = reverse("evaluation_modifier", args=[evaluation.pk])
    client.force_login(monde["maitre_e"])
    premier = champs_du_formulaire(client.get(url))
    assert "suite" not in premier and "type" not in premier  # their effects are not undone here
    client.force_login(collegue)
    second = champs_du_formulaire(client.get(url))
    assert premier["revision_lue"] == second["revision_lue"] == "0"

    client.force_login(monde["maitre_e"])
    premier["synthese"] = "Synthèse corrigée par le maître E"
    assert client.post(url, premier)["Location"] == reverse("programme_detail", args=[programme_e.pk])

    client.force_login(collegue)
    cle_commentaire = next(k for k in second if k.endswith("-commentaire"))
    second |= {"synthese": "Synthèse du collègue 9043", cle_commentaire: "Commentaire du collègue 9043"}
    response = client.post(url, second)
    page = response.content.decode()
    assert "Ce bilan a été modifié par quelqu&#x27;un d&#x27;autre" in page
    assert "Synthèse du collègue 9043" in page and "Commentaire du collègue 9043" in page
    evaluation.refresh_from_db()
    assert (evaluation.synthese, evaluation.revision) == ("Synthèse corrigée par le maître E", 1)
    # The column is encrypted (no SQL lookup on its text): compare the values read.
    assert "Commentaire du collègue 9043" not in EvaluationObjectif.objects.values_list("commentaire", flat=True)


def test_bilan_correction_change_les_resultats(client, monde, programme_e):
    evaluation = bilan(programme_e)
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_modifier", args=[evaluation.pk])
    donnees = champs_du_formulaire(client.get(url))
    cle = next(k for k in donnees if k.endswith("-atteinte"))
    donnees[cle] = "depasse"
    client.post(url, donnees)
    assert "depasse" in set(evaluation.resultats.values_list("atteinte", flat=True))
    evaluation.refresh_from_db()
    assert (evaluation.suite, evaluation.type, evaluation.revision) == ("poursuite", "intermediaire", 1)


# --- The psychologist's conclusions --------------------------------------------------------


def test_conclusion_partagee_seulement_avec_l_accord_de_transmission(client, monde, demande_envoyee, aides):
    aide = aides[TypeAide.PSY]
    client.force_login(monde["psychologue"])
    url = reverse("conclusion_creer", args=[aide.pk])
    donnees = champs_du_formulaire(client.get(url)) | {
        "texte": "Conclusion à partager 5150", "partagee": "on"}
    response = client.post(url, donnees)
    assert "Ces conclusions ne peuvent être partagées qu'avec l'accord de la famille" in texte(response)
    assert "Conclusion à partager 5150" in response.content.decode()  # the text is not lost
    assert not ConclusionPsy.objects.exists()

    # Kept for psychologists: the directeur does not read it.
    del donnees["partagee"]
    client.post(url, donnees)
    conclusion = ConclusionPsy.objects.get()
    assert (conclusion.partagee, conclusion.auteur) == (False, monde["psychologue"])
    client.force_login(monde["directeur"])
    page_demande = reverse("demande_detail", args=[demande_envoyee.pk])
    assert "Conclusion à partager 5150" not in client.get(page_demande).content.decode()

    # With the family's agreement on record, the psychologist shares it; the school reads it.
    accord(demande_envoyee, "transmission", auteur=monde["psychologue"], date=date(2027, 1, 6))
    client.force_login(monde["psychologue"])
    url_modifier = reverse("conclusion_modifier", args=[conclusion.pk])
    client.post(url_modifier, champs_du_formulaire(client.get(url_modifier)) | {"partagee": "on"})
    conclusion.refresh_from_db()
    assert conclusion.partagee
    for persona in ("directeur", "enseignant", "maitre_e"):
        client.force_login(monde[persona])
        contenu = texte(client.get(page_demande))
        assert "Conclusion à partager 5150" in contenu, persona
        assert "Suivi psychologique en cours." in contenu
    # Circonscription staff get no nominative trace of the psychologist's pupils.
    client.force_login(monde["circonscription"])
    assert "Conclusion à partager 5150" not in client.get(page_demande).content.decode()


def test_conclusion_partage_refuse_apres_un_refus_de_la_famille(client, monde, demande_envoyee, aides):
    accord(demande_envoyee, "transmission", auteur=monde["psychologue"], date=date(2027, 1, 6))
    accord(demande_envoyee, "transmission", auteur=monde["psychologue"], accorde=False, date=date(2027, 1, 8))
    client.force_login(monde["psychologue"])
    url = reverse("conclusion_creer", args=[aides[TypeAide.PSY].pk])
    donnees = champs_du_formulaire(client.get(url)) | {"texte": "Conclusion", "partagee": "on"}
    assert "accord de la famille" in texte(client.post(url, donnees))
    assert not ConclusionPsy.objects.exists()


# --- Who may act, URL by URL ----------------------------------------------------------------


def _conclusion_partagee(aides):
    aide = aides[TypeAide.PSY]
    accord(aide.demande, "transmission", auteur=aide.intervenant, date=date(2027, 1, 6))
    return ConclusionPsyFactory(aide=aide, date=date(2027, 1, 6), texte="Partagée", partagee=True)


# A shared conclusion is read by the school and the RASED: they get 403 on its edit page.
MODIFIE_CONCLUSION = AGIT_PSY | {p: 403 for p in ("enseignant", "directeur", "maitre_e", "maitre_g")}

CAS_EVALUATIONS = {
    "bilan E": (lambda aides: reverse("evaluation_creer", args=[programme_de(aides[TypeAide.E]).pk]), AGIT_E),
    "bilan psy": (lambda aides: reverse("evaluation_creer", args=[programme_de(aides[TypeAide.PSY]).pk]),
                  AGIT_PSY),
    "corriger E": (lambda aides: reverse("evaluation_modifier", args=[bilan(programme_de(aides[TypeAide.E])).pk]),
                   AGIT_E),
    "corriger psy": (lambda aides: reverse("evaluation_modifier",
                                           args=[bilan(programme_de(aides[TypeAide.PSY])).pk]), AGIT_PSY),
    "conclusion": (lambda aides: reverse("conclusion_creer", args=[aides[TypeAide.PSY].pk]), AGIT_PSY),
    "conclusion E": (lambda aides: reverse("conclusion_creer", args=[aides[TypeAide.E].pk]),
                     AGIT_E | {"maitre_e": 403}),
    "modifier conclusion": (lambda aides: reverse("conclusion_modifier", args=[_conclusion_partagee(aides).pk]),
                            MODIFIE_CONCLUSION),
}


def _etat(aides):
    return (
        list(Evaluation.objects.order_by("pk").values_list("pk", "revision", "synthese")),
        list(ConclusionPsy.objects.order_by("pk").values_list("pk", "texte", "partagee")),
        list(Aide.objects.order_by("pk").values_list("pk", "etat")),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("cas", CAS_EVALUATIONS)
def test_bilan_droits_par_persona(client, monde, aides, cas, persona):
    fabrique, attendu = CAS_EVALUATIONS[cas]
    url = fabrique(aides)
    avant = _etat(aides)
    client.force_login(monde[persona])
    response = client.get(url)
    assert response.status_code == attendu[persona], (cas, persona)
    if attendu[persona] != 200:
        donnees = {"type": "finale", "suite": "arret", "date": "2027-01-04", "texte": "Forcé",
                   "synthese": "Forcé", "partagee": "on", "revision_lue": "0"}
        assert client.post(url, donnees).status_code == attendu[persona]
        assert _etat(aides) == avant


@pytest.mark.parametrize("cas", CAS_EVALUATIONS)
def test_bilan_anonyme_renvoye_a_la_connexion(client, aides, cas):
    url = CAS_EVALUATIONS[cas][0](aides)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("connexion"))


# --- Query counts: the pages do not grow with objectives, versions and reviews ----------------


def _enrichir(aide, *, objectifs, bilans):
    """Add objectives to the validated version, reviews, and a replaced version."""
    programme = aide.programmes.get(etat=EtatProgramme.VALIDE)
    for rang in range(objectifs):
        ObjectifFactory(programme=programme, ordre=10 + rang, domaine="1.3", intitule=f"Objectif {rang}",
                        critere="x", responsable="y")
    for rang in range(bilans):
        bilan(programme, jour=date(2026, 12, 1 + rang))
    nouvelle = programme_nouvelle_version(programme=programme, auteur=aide.intervenant, debut=date(2027, 1, 4))
    programme_valider(programme=nouvelle, auteur=aide.intervenant)


def _requetes(client, url) -> int:
    client.get(url)  # warm-up: sessions, caches
    with CaptureQueriesContext(connection) as requetes:
        response = client.get(url)
    assert response.status_code == 200
    return len(requetes.captured_queries)


@pytest.mark.parametrize("persona", ["maitre_e", "psychologue", "enseignant", "directeur"])
def test_page_demande_nombre_de_requetes_constant(client, monde, demande_envoyee, aides, persona):
    for type_aide in (TypeAide.E, TypeAide.PSY):
        programme = programme_de(aides[type_aide])
        bilan(programme, estime_instrument="Échelle" if type_aide == TypeAide.PSY else "",
              **({"estime_debut": 10, "estime_fin": 12} if type_aide == TypeAide.PSY else {}))
    _conclusion_partagee(aides)
    client.force_login(monde[persona])
    url = reverse("demande_detail", args=[demande_envoyee.pk])
    une = _requetes(client, url)
    page_une = client.get(url).content.decode()
    for type_aide in (TypeAide.E, TypeAide.PSY):
        _enrichir(aides[type_aide], objectifs=6, bilans=4)
    plusieurs = _requetes(client, url)
    page = client.get(url).content.decode()
    assert page.count("Bilan intermédiaire du") > page_une.count("Bilan intermédiaire du")
    assert une == plusieurs


def test_page_programme_nombre_de_requetes_constant(client, monde, aides):
    programme = programme_de(aides[TypeAide.E])
    bilan(programme)
    client.force_login(monde["maitre_e"])
    url = reverse("programme_detail", args=[programme.pk])
    une = _requetes(client, url)
    _enrichir(aides[TypeAide.E], objectifs=6, bilans=4)
    plusieurs = _requetes(client, url)
    assert "Objectif 5" in texte(client.get(url))
    assert une == plusieurs
