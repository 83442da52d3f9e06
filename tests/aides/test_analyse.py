"""Analysis stage through the pages: waiting list, référent, observations, consents, decision,
meetings, start of the aids; who may act; what stays confidential; constant query counts."""

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aides.enums import EtatAide, EtatDemande, TypeAide
from aides.models import (
    Aide,
    Consentement,
    DemandeAide,
    HistoriqueDemande,
    Notification,
    Observation,
    ParticipantExterne,
    Reunion,
)
from tests.conftest import PERSONAS
from tests.factories_aides import DemandeAideFactory, ReunionFactory
from tests.factories_parcours import (
    accord,
    aide_en_cours,
    aides_decidees,
    autre_reponse,
    observation_notee,
    reunion_tenue,
)

AUJOURD_HUI = timezone.localdate


def _texte(response) -> str:
    """The page as a reader sees it: messages and values are HTML-escaped in the source."""
    return html.unescape(response.content.decode())


def _il_y_a(jours: int) -> datetime:
    # Noon, local time: a whole number of days whatever the hour the test runs.
    return timezone.make_aware(datetime.combine(AUJOURD_HUI() - timedelta(days=jours), time(12)))


def _demande(monde, *, jours=0, eleve=None, auteur=None, etat=EtatDemande.ENVOYEE, **champs):
    """A request (a row) for Léa by the CE1 A teacher unless said, sent ``jours`` days ago."""
    return DemandeAideFactory(
        eleve=eleve or monde.eleve_a1, auteur=auteur or monde["enseignant"], etat=etat,
        difficultes="Lecture lente.", famille_informee_le=date(2026, 9, 15),
        envoyee_le=None if etat == EtatDemande.BROUILLON else _il_y_a(jours), **champs,
    )


def _detail(demande):
    return reverse("demande_detail", args=[demande.pk])


# --- The whole path ------------------------------------------------------------------------------


def test_parcours_d_analyse_complet_par_les_pages(
    client, monde, demande_envoyee, django_capture_on_commit_callbacks
):
    maitre_e, maitre_g, psychologue = monde["maitre_e"], monde["maitre_g"], monde["psychologue"]
    monde["enseignant"].email = "enseignant@example.org"
    monde["enseignant"].save()
    demande_envoyee.envoyee_le = _il_y_a(4)
    demande_envoyee.save()
    client.force_login(maitre_e)

    liste = _texte(client.get(reverse("demandes_a_traiter")))
    assert f'href="/demandes/{demande_envoyee.pk}/"' in liste
    assert "en attente depuis 4 jours" in liste and "à désigner" in liste

    # Prise en charge: the member names the référent.
    url = reverse("demande_prendre_en_charge", args=[demande_envoyee.pk])
    assert "Prendre en charge la demande" in _texte(client.get(url))
    page = _texte(client.post(url, {"referent": maitre_g.pk}, follow=True))
    assert f"La demande est prise en charge. Référent : {maitre_g}." in page
    demande_envoyee.refresh_from_db()
    assert (demande_envoyee.etat, demande_envoyee.referent) == (EtatDemande.EN_ANALYSE, maitre_g)

    # An observation, dated and signed, with the obstacles identified.
    response = client.post(reverse("observation_ajouter", args=[demande_envoyee.pk]), {
        "type": "analyse_erreurs", "date": AUJOURD_HUI().isoformat(),
        "contenu": "Confusions b/d en dictée.", "obstacles": ["didactique", "cognitif"],
    }, follow=True)
    page = _texte(response)
    assert "L'observation a été enregistrée." in page
    assert "Confusions b/d en dictée." in page and f"par {maitre_e}" in page
    assert "Obstacles identifiés : Didactique, Cognitif" in page
    assert Observation.objects.get().obstacles == ["didactique", "cognitif"]

    # The family answers the school: the directeur records its agreement.
    client.force_login(monde["directeur"])
    response = client.post(reverse("consentement_ajouter", args=[demande_envoyee.pk]), {
        "acte": "aide_e_g", "accorde": "True", "date": AUJOURD_HUI().isoformat(),
        "titulaires": "deux", "forme": "ecrit", "commentaire": "Coupon signé rendu à l'école.",
    }, follow=True)
    assert "L'accord de la famille a été enregistré" in _texte(response)
    assert "Coupon signé rendu à l'école." in _texte(response)

    # The synthesis meeting, with people of the app and people without an account.
    client.force_login(maitre_e)
    response = client.post(reverse("reunion_ajouter", args=[demande_envoyee.pk]), {
        "type": "synthese", "date": "2026-11-20T17:00", "lieu": "Salle du RASED",
        "participants": [maitre_g.pk, psychologue.pk],
        "externes": "Mme Petit — mère\nDr Durand – médecin scolaire\n\nM. Roux - AESH",
        "ordre_du_jour": "Situation en lecture.", "compte_rendu": "Échanges sur le décodage.",
        "decisions": "Aide E et aide G proposées.",
    }, follow=True)
    reunion = Reunion.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reunion_detail", args=[reunion.pk])
    page = _texte(response)
    for attendu in ("Synthèse RASED du 20/11/2026 à 17:00", "Salle du RASED", str(maitre_g), str(psychologue),
                    "Mme Petit", "mère", "Dr Durand", "médecin scolaire", "M. Roux", "AESH",
                    "Échanges sur le décodage.", "Aide E et aide G proposées."):
        assert attendu in page, attendu
    assert set(reunion.participants.all()) == {maitre_g, psychologue}
    assert list(ParticipantExterne.objects.values_list("nom", "qualite").order_by("pk")) == [
        ("Mme Petit", "mère"), ("Dr Durand", "médecin scolaire"), ("M. Roux", "AESH")]
    assert (reunion.auteur, reunion.demande) == (maitre_e, demande_envoyee)

    # The decision: two aids, each with the member carrying it; the teacher is told.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demande_decider", args=[demande_envoyee.pk]), {
            "decision": "aide", "motif": "Difficultés de décodage persistantes.",
            "aide_E": "on", "intervenant_E": maitre_e.pk, "aide_G": "on", "intervenant_G": maitre_g.pk,
        }, follow=True)
    page = _texte(response)
    assert "La décision a été enregistrée ; l'enseignant en est informé." in page
    assert "Difficultés de décodage persistantes." in page
    demande_envoyee.refresh_from_db()
    assert demande_envoyee.etat == EtatDemande.AIDE_DECIDEE
    assert {(a.type, a.intervenant) for a in Aide.objects.all()} == {("E", maitre_e), ("G", maitre_g)}
    assert Notification.objects.filter(destinataire=monde["enseignant"]).exists()
    assert [m.to for m in mail.outbox] == [["enseignant@example.org"]]
    assert "Petit" not in mail.outbox[0].body

    # The agreement is on record: the E aid starts.
    aide_e = Aide.objects.get(type="E")
    # (On the day of the agreement: an aid never starts before it.)
    response = client.post(reverse("aide_demarrer", args=[aide_e.pk]), {"debut": AUJOURD_HUI().isoformat()},
                           follow=True)
    assert f"L'aide a démarré le {AUJOURD_HUI():%d/%m/%Y}." in _texte(response)
    aide_e.refresh_from_db()
    assert (aide_e.etat, aide_e.debut) == (EtatAide.EN_COURS, AUJOURD_HUI())

    # Decided: the request leaves the waiting list.
    liste = _texte(client.get(reverse("demandes_a_traiter")))
    assert f'href="/demandes/{demande_envoyee.pk}/"' not in liste
    assert "Aucune demande en attente dans votre secteur." in liste


# --- Waiting list --------------------------------------------------------------------------------


def test_demandes_a_traiter_plus_anciennes_d_abord_avec_l_attente(client, monde):
    recente = _demande(monde, jours=0)
    ancienne = _demande(monde, jours=12, eleve=monde.eleve_a2)
    moyenne = _demande(monde, jours=1, etat=EtatDemande.EN_ANALYSE, referent=monde["maitre_g"])
    decidee = _demande(monde, jours=30, etat=EtatDemande.AUTRE_REPONSE, decision="conseil",
                       decision_motif="x")
    brouillon = _demande(monde, etat=EtatDemande.BROUILLON)
    autre_secteur = _demande(monde, jours=20, eleve=monde.eleve_b1, auteur=monde["enseignant_autre_ecole"])
    client.force_login(monde["maitre_e"])

    page = _texte(client.get(reverse("demandes_a_traiter")))

    ordre = [int(pk) for pk in re.findall(r'href="/demandes/(\d+)/"', page)]
    assert ordre == [ancienne.pk, moyenne.pk, recente.pk]
    assert not {decidee.pk, brouillon.pk, autre_secteur.pk} & set(ordre)
    assert "en attente depuis 12 jours" in page
    assert "en attente depuis 1 jour<" in page
    assert "envoyée aujourd'hui" in page
    assert "Nassim MOREAU" in page and "CM1 A" in page and "École Jean Jaurès" in page
    assert str(monde["maitre_g"]) in page  # the référent
    assert "En analyse" in page


def test_demandes_a_traiter_d_un_autre_secteur_liste_vide(client, monde, demande_envoyee):
    client.force_login(monde["rased_autre_secteur"])
    page = _texte(client.get(reverse("demandes_a_traiter")))
    assert "Aucune demande en attente dans votre secteur." in page
    assert f'href="/demandes/{demande_envoyee.pk}/"' not in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_demandes_a_traiter_reservees_au_rased(client, monde, demande_envoyee, persona):
    client.force_login(monde[persona])
    response = client.get(reverse("demandes_a_traiter"))
    attendu = 200 if persona in ("maitre_e", "maitre_g", "psychologue", "rased_autre_secteur") else 403
    assert response.status_code == attendu
    if attendu == 200:
        assert "Demandes à traiter" in _texte(response)


def test_demandes_a_traiter_nombre_de_requetes_constant(client, monde):
    _demande(monde, jours=3, referent=monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    url = reverse("demandes_a_traiter")
    client.get(url)
    with CaptureQueriesContext(connection) as une:
        page = _texte(client.get(url))
    assert len(re.findall(r'href="/demandes/\d+/"', page)) == 1
    for i in range(30):
        _demande(monde, jours=i, eleve=monde.eleve_a2 if i % 2 else monde.eleve_a1,
                 referent=monde["maitre_g"])
    with CaptureQueriesContext(connection) as plusieurs:
        page = _texte(client.get(url))
    assert len(re.findall(r'href="/demandes/\d+/"', page)) == 25 and "Page 1 sur 2" in page
    assert len(une) == len(plusieurs)


# --- Confidentiality ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona, voit", [
    ("psychologue", True), ("maitre_e", False), ("maitre_g", False),
    ("directeur", False), ("enseignant", False), ("circonscription", False),
])
def test_observation_du_psychologue_lisible_par_les_seuls_psychologues(
    client, monde, demande_envoyee, persona, voit
):
    observation_notee(demande_envoyee, auteur=monde["psychologue"],
                      contenu="Note-secrete-psy-7f3a : anxiété de performance.",
                 type="verbalisation")
    observation_notee(demande_envoyee, auteur=monde["maitre_e"], contenu="Observation-en-classe-5c1d")
    # The column is encrypted (no SQL lookup on its text): compare the values read.
    assert any(c.startswith("Note-secrete-psy-7f3a") for c in Observation.objects.values_list("contenu", flat=True))
    client.force_login(monde[persona])

    page = _texte(client.get(_detail(demande_envoyee)))

    assert ("Note-secrete-psy-7f3a" in page) == voit
    assert ("Verbalisation de sa façon de faire" in page) == voit
    assert ("Confidentiel : psychologues seulement" in page) == voit
    # RASED colleagues do read the non-confidential notes: the section itself is there.
    assert ("Observation-en-classe-5c1d" in page) == (persona in ("psychologue", "maitre_e", "maitre_g"))


def test_enseignant_voit_la_decision_et_son_motif_sans_les_observations(client, monde, demande_envoyee):
    observation_notee(demande_envoyee, auteur=monde["maitre_e"], contenu="Observation-interne-4821")
    autre_reponse(demande_envoyee, auteur=monde["maitre_e"],
                  motif="Motif-visible-9931 : pistes de différenciation proposées.")
    client.force_login(monde["enseignant"])

    page = _texte(client.get(_detail(demande_envoyee)))

    assert "Conseil à l'enseignant" in page
    assert "Motif-visible-9931 : pistes de différenciation proposées." in page
    assert "Observation-interne-4821" not in page
    assert "Observations du RASED" not in page
    assert "Ajouter une observation" not in page and "Enregistrer une réponse de la famille" not in page


def test_accord_psychologique_lu_par_les_seuls_psychologues(client, monde, demande_envoyee):
    """The family's answer about the psychologist's work is the psychologist's: its act, comment
    and author show to psychologists only (tests/securite/fuites_psy/ proves it everywhere)."""
    accord(demande_envoyee, "psy", auteur=monde["psychologue"])
    accord(demande_envoyee, "aide_e_g", auteur=monde["maitre_e"])
    for persona in ("circonscription", "directeur", "enseignant", "maitre_e", "maitre_g"):
        client.force_login(monde[persona])
        page = _texte(client.get(_detail(demande_envoyee)))
        assert "Accord pour une aide E ou G" in page, persona
        assert "Accord pour un bilan ou un suivi psychologique" not in page, persona
    client.force_login(monde["psychologue"])
    page = _texte(client.get(_detail(demande_envoyee)))
    assert "Accord pour un bilan ou un suivi psychologique" in page


# --- Consents block what depends on them ----------------------------------------------------------


@pytest.mark.parametrize("type_aide, persona, message", [
    (TypeAide.E, "maitre_e", "L'aide ne peut pas commencer avant l'accord de la famille"),
    (TypeAide.G, "maitre_g", "L'aide ne peut pas commencer avant l'accord de la famille"),
    (TypeAide.PSY, "psychologue", "Aucun suivi psychologique ne commence sans l'accord des parents"),
])
def test_demarrage_sans_accord_refuse_avec_le_message_sur_la_page(client, monde, demande_envoyee, type_aide,
                                                                   persona, message):
    membre = monde[persona]
    aide = aides_decidees(demande_envoyee, {type_aide: membre}, motif="x")[type_aide]
    url = reverse("aide_demarrer", args=[aide.pk])
    client.force_login(membre)

    avant = _texte(client.get(url))
    assert message in avant and "non enregistré" in avant

    response = client.post(url, {"debut": AUJOURD_HUI().isoformat()}, follow=True)

    assert response.redirect_chain[-1][0] == _detail(demande_envoyee)
    page = _texte(response)
    assert f"{message} : enregistrez-le d'abord." in page
    assert 'class="alert alert-danger"' in page
    aide.refresh_from_db()
    assert (aide.etat, aide.debut) == (EtatAide.A_DEMARRER, None)


def test_bilan_psychologique_sans_accord_refuse_avec_le_message(client, monde, demande_envoyee):
    client.force_login(monde["psychologue"])
    url = reverse("observation_ajouter", args=[demande_envoyee.pk])
    assert "seuls les psychologues pourront les lire" in _texte(client.get(url))
    bilan = {"type": "bilan", "date": AUJOURD_HUI().isoformat(), "contenu": "WISC-V passé."}
    page = _texte(client.post(url, bilan))
    assert "Aucun bilan psychologique sans l'accord des parents : enregistrez d'abord leur accord." in page
    assert "WISC-V passé." in page  # what was typed is kept
    assert not Observation.objects.exists()

    accord(demande_envoyee, "psy", auteur=monde["psychologue"])
    client.post(url, bilan)
    assert Observation.objects.get().confidentielle


def test_refus_de_la_famille_enregistre_et_arrete_l_aide_a_demarrer(client, monde, demande_envoyee):
    aides_decidees(demande_envoyee, {TypeAide.E: monde["maitre_e"]}, motif="x")
    client.force_login(monde["directeur"])
    response = client.post(reverse("consentement_ajouter", args=[demande_envoyee.pk]), {
        "acte": "aide_e_g", "accorde": "False", "date": AUJOURD_HUI().isoformat(),
        "titulaires": "mere", "forme": "oral",
    }, follow=True)
    page = _texte(response)
    assert "Le refus de la famille a été enregistré : accord pour une aide e ou g." in page
    assert "<strong>Refus</strong>" in page and "La mère" in page and "Oral" in page
    consentement = Consentement.objects.get()
    assert (consentement.accorde, consentement.enregistre_par) == (False, monde["directeur"])
    assert Aide.objects.get().etat == EtatAide.TERMINEE


def test_consentement_incomplet_ou_futur_refuse(client, monde, demande_envoyee):
    client.force_login(monde["maitre_e"])
    demain = (AUJOURD_HUI() + timedelta(days=1)).isoformat()
    page = _texte(client.post(reverse("consentement_ajouter", args=[demande_envoyee.pk]), {
        "acte": "psy", "date": demain, "titulaires": "deux", "forme": "ecrit"}))
    assert "La date ne peut pas être dans le futur." in page
    assert "Réponse de la famille" in page and "Ce champ est obligatoire." in page
    assert not Consentement.objects.exists()


# --- Decision, référent, meetings: what the forms refuse ------------------------------------------


def test_decision_d_aide_sans_type_ou_sans_intervenant_refusee(client, monde, demande_envoyee):
    client.force_login(monde["maitre_e"])
    url = reverse("demande_decider", args=[demande_envoyee.pk])
    page = _texte(client.post(url, {"decision": "aide", "motif": "Décodage."}))
    assert "Pour une aide du RASED, cochez au moins un type d'aide." in page
    page = _texte(client.post(url, {"decision": "aide", "motif": "Décodage.", "aide_G": "on"}))
    assert "Choisissez le membre du RASED qui mènera cette aide." in page
    # A member of another role cannot carry the aid: the choice is not even offered.
    page = _texte(client.post(url, {"decision": "aide", "motif": "Décodage.", "aide_G": "on",
                                    "intervenant_G": monde["maitre_e"].pk}))
    assert "Sélectionnez un choix valide" in page
    page = _texte(client.post(url, {"decision": "conseil", "motif": "   "}))
    assert "Indiquez le motif de la décision." in page
    demande_envoyee.refresh_from_db()
    assert (demande_envoyee.etat, demande_envoyee.decision) == (EtatDemande.ENVOYEE, "")
    assert not Aide.objects.exists()


def test_decision_par_get_ne_change_rien_et_repetee_sans_effet(client, monde, demande_envoyee):
    client.force_login(monde["maitre_e"])
    url = reverse("demande_decider", args=[demande_envoyee.pk])
    page = _texte(client.get(url))
    assert "La décision est définitive" in page
    assert str(monde["maitre_g"]) in page and str(monde["psychologue"]) in page
    assert str(monde["rased_autre_secteur"]) not in page
    demande_envoyee.refresh_from_db()
    assert demande_envoyee.etat == EtatDemande.ENVOYEE

    donnees = {"decision": "orientation", "motif": "Orientation vers le CMP."}
    client.post(url, donnees)
    second = _texte(client.post(url, donnees, follow=True))
    assert "Cette décision était déjà enregistrée." in second
    assert HistoriqueDemande.objects.filter(demande=demande_envoyee).count() == 1
    assert Notification.objects.filter(destinataire=monde["enseignant"]).count() == 1
    # Once decided, the decision page sends back to the request.
    page = _texte(client.get(url, follow=True))
    assert "Une décision a déjà été prise pour cette demande." in page


def test_prise_en_charge_repetee_sans_effet_et_referent_hors_secteur_refuse(client, monde, demande_envoyee):
    client.force_login(monde["maitre_e"])
    url = reverse("demande_prendre_en_charge", args=[demande_envoyee.pk])
    page = _texte(client.get(url))
    assert str(monde["maitre_e"]) in page and str(monde["rased_autre_secteur"]) not in page
    client.post(url, {"referent": monde["maitre_e"].pk})
    page = _texte(client.post(url, {"referent": monde["maitre_e"].pk}, follow=True))
    assert f"{monde['maitre_e']} est déjà le référent de cette demande." in page
    assert HistoriqueDemande.objects.filter(demande=demande_envoyee).count() == 1

    page = _texte(client.post(url, {"referent": monde["rased_autre_secteur"].pk}))
    assert "Sélectionnez un choix valide" in page
    demande_envoyee.refresh_from_db()
    assert demande_envoyee.referent == monde["maitre_e"]


def test_reunion_participant_externe_mal_ecrit_refuse(client, monde, demande_envoyee):
    client.force_login(monde["directeur"])
    url = reverse("reunion_ajouter", args=[demande_envoyee.pk])
    page = _texte(client.get(url))
    # Those concerned by the request are offered; people of another school are not.
    for persona in ("enseignant", "directeur", "maitre_e", "maitre_g", "psychologue"):
        assert str(monde[persona]) in page, persona
    assert str(monde["enseignant_autre_ecole"]) not in page and str(monde["rased_autre_secteur"]) not in page

    page = _texte(client.post(url, {
        "type": "equipe_educative", "date": "2026-11-20T17:00", "lieu": "École",
        "externes": "Mme Petit — mère\nDr Durand médecin scolaire",
    }))
    assert "ligne 2 : écrivez le nom puis la qualité" in page
    page = _texte(client.post(url, {"type": "famille", "date": "2026-11-20T17:00", "lieu": "École"}))
    assert "Indiquez au moins un participant." in page
    assert not Reunion.objects.exists()


def test_reunion_enregistree_par_le_directeur(client, monde, demande_envoyee):
    client.force_login(monde["directeur"])
    response = client.post(reverse("reunion_ajouter", args=[demande_envoyee.pk]), {
        "type": "equipe_educative", "date": "2026-12-01T16:30", "lieu": "Bureau de la direction",
        "participants": [monde["enseignant"].pk, monde["directeur"].pk], "externes": "Mme Petit : mère",
        "compte_rendu": "Point sur les progrès en lecture.",
    }, follow=True)
    assert "La réunion a été enregistrée." in _texte(response)
    reunion = Reunion.objects.get()
    assert reunion.auteur == monde["directeur"]
    client.force_login(monde["enseignant"])
    page = _texte(client.get(_detail(demande_envoyee)))
    assert "Équipe éducative du 01/12/2026 à 16:30" in page
    participants = f"{monde['enseignant']} — Enseignant ; {monde['directeur']} — Directeur d'école"
    assert f"{participants} ; Mme Petit — mère" in page


# --- Who may act: one table per action -----------------------------------------------------------

RASED_DU_SECTEUR = {"maitre_e": 200, "maitre_g": 200, "psychologue": 200}
HORS_PERIMETRE = {"admin": 404, "enseignant_autre_ecole": 404, "rased_autre_secteur": 404,
                  "autre_circonscription": 404}
ANALYSE = RASED_DU_SECTEUR | HORS_PERIMETRE | {"enseignant": 403, "directeur": 403, "circonscription": 403}
AVEC_DIRECTEUR = ANALYSE | {"directeur": 200}


def _jour():
    return AUJOURD_HUI().isoformat()


ACTIONS = {
    "prise_en_charge": (
        "demande_prendre_en_charge", ANALYSE,
        lambda monde: {"referent": monde["maitre_e"].pk},
        lambda demande: DemandeAide.objects.get(pk=demande.pk).referent_id is not None,
    ),
    "observation": (
        "observation_ajouter", ANALYSE,
        lambda monde: {"type": "dialogue", "date": _jour(), "contenu": "Entretien."},
        lambda demande: Observation.objects.exists(),
    ),
    "decision": (
        "demande_decider", ANALYSE,
        lambda monde: {"decision": "conseil", "motif": "Conseils à l'enseignant."},
        lambda demande: DemandeAide.objects.get(pk=demande.pk).decision != "",
    ),
    "consentement": (
        "consentement_ajouter", AVEC_DIRECTEUR,
        lambda monde: {"acte": "aide_e_g", "accorde": "True", "date": _jour(), "titulaires": "deux",
                       "forme": "ecrit"},
        lambda demande: Consentement.objects.exists(),
    ),
    "reunion": (
        "reunion_ajouter", AVEC_DIRECTEUR,
        lambda monde: {"type": "synthese", "date": "2026-11-20T17:00", "lieu": "École",
                       "externes": "Mme Petit — mère"},
        lambda demande: Reunion.objects.exists(),
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_actions_d_analyse_selon_le_role(client, monde, demande_envoyee, action, persona):
    nom_url, attendus, donnees, effet = ACTIONS[action]
    url = reverse(nom_url, args=[demande_envoyee.pk])
    client.force_login(monde[persona])

    assert client.get(url).status_code == attendus[persona]
    response = client.post(url, donnees(monde))

    if attendus[persona] == 200:
        assert response.status_code == 302
        assert effet(demande_envoyee)
    else:
        assert response.status_code == attendus[persona]
        assert not effet(demande_envoyee)


# Only the aid's intervenant (or the stand-in the policy allows: same role, same secteur) starts
# it; the directeur of another teacher's request and the circonscription do not see a
# psychological follow-up at all (404).
DEMARRAGE = {
    TypeAide.E: ANALYSE | {"maitre_g": 403, "psychologue": 403},
    TypeAide.PSY: ANALYSE | {"maitre_e": 403, "maitre_g": 403, "directeur": 404, "circonscription": 404},
}


@pytest.mark.parametrize("type_aide", [TypeAide.E, TypeAide.PSY])
@pytest.mark.parametrize("persona", PERSONAS)
def test_demarrage_d_une_aide_selon_le_role(client, monde, demande_envoyee, type_aide, persona):
    membre = monde["maitre_e"] if type_aide == TypeAide.E else monde["psychologue"]
    aide = aide_en_cours(demande_envoyee, type_aide, membre, motif="x", demarrer=False)
    url = reverse("aide_demarrer", args=[aide.pk])
    attendu = DEMARRAGE[type_aide][persona]
    client.force_login(monde[persona])

    response = client.get(url)
    assert response.status_code == attendu
    if attendu == 200:
        assert aide.get_type_display() in _texte(response) and "enregistré" in _texte(response)
    response = client.post(url, {"debut": AUJOURD_HUI().isoformat()})

    aide.refresh_from_db()
    assert response.status_code == (302 if attendu == 200 else attendu)
    assert (aide.etat == EtatAide.EN_COURS) == (attendu == 200)


VOIT_LA_DEMANDE = {"enseignant", "directeur", "maitre_e", "maitre_g", "psychologue", "circonscription"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_reunion_lisible_par_qui_voit_la_demande(client, monde, demande_envoyee, persona):
    reunion = reunion_tenue(demande_envoyee, auteur=monde["maitre_e"], type="famille", date=_il_y_a(2),
                            compte_rendu="Compte-rendu-3b9e", participants=[monde["maitre_e"]],
                            externes=[("Mme Petit", "mère")])
    client.force_login(monde[persona])
    response = client.get(reverse("reunion_detail", args=[reunion.pk]))
    assert response.status_code == (200 if persona in VOIT_LA_DEMANDE else 404)
    assert ("Compte-rendu-3b9e" in _texte(response)) == (persona in VOIT_LA_DEMANDE)


def test_boutons_d_action_selon_le_role(client, monde, demande_envoyee):
    client.force_login(monde["maitre_g"])
    page = _texte(client.get(_detail(demande_envoyee)))
    for bouton in ("Prendre en charge", "Ajouter une observation", "Enregistrer la décision",
                   "Enregistrer une réponse de la famille", "Enregistrer une réunion"):
        assert bouton in page, bouton
    client.force_login(monde["directeur"])
    page = _texte(client.get(_detail(demande_envoyee)))
    assert "Enregistrer une réponse de la famille" in page and "Enregistrer une réunion" in page
    assert "Prendre en charge" not in page and "Enregistrer la décision" not in page


def test_pages_d_analyse_exigent_une_connexion(client, monde, demande_envoyee):
    aides_decidees(demande_envoyee, {TypeAide.E: monde["maitre_e"]}, motif="x")
    reunion = reunion_tenue(demande_envoyee, auteur=monde["maitre_e"], type="famille", date=_il_y_a(1),
                            participants=[monde["maitre_e"]])
    urls = [reverse("demandes_a_traiter"), reverse("reunion_detail", args=[reunion.pk]),
            reverse("aide_demarrer", args=[Aide.objects.get().pk])]
    urls += [reverse(nom, args=[demande_envoyee.pk]) for nom, *_ in ACTIONS.values()]
    for url in urls:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/connexion/"), url
    assert Aide.objects.get().etat == EtatAide.A_DEMARRER


# --- Query counts of the request page ------------------------------------------------------------


def _remplir(monde, demande, n):
    for i in range(n):
        observation_notee(demande, auteur=monde["maitre_e"], contenu=f"Observation {i}")
        observation_notee(demande, auteur=monde["psychologue"], contenu=f"Note du psychologue {i}",
                          type="dialogue")
        # The family's answer about the psychologist's work is recorded by the psychologist.
        accord(demande, "aide_e_g" if i % 2 else "psy", auteur=monde["directeur" if i % 2 else "psychologue"])
        reunion_tenue(demande, auteur=monde["maitre_e"], date=_il_y_a(i), decisions=f"Décision {i}",
                      participants=[monde["maitre_e"], monde["maitre_g"]],
                      externes=[("Mme Petit", "mère"), ("M. Roux", "AESH")])


@pytest.mark.parametrize("persona", ["maitre_e", "psychologue", "directeur", "enseignant", "circonscription"])
def test_page_de_la_demande_nombre_de_requetes_constant(client, monde, demande_envoyee, persona):
    aides_decidees(demande_envoyee, {TypeAide.E: monde["maitre_e"], TypeAide.PSY: monde["psychologue"]},
                   motif="x")
    _remplir(monde, demande_envoyee, 1)
    client.force_login(monde[persona])
    url = _detail(demande_envoyee)
    client.get(url)
    with CaptureQueriesContext(connection) as une:
        client.get(url)
    _remplir(monde, demande_envoyee, 8)
    with CaptureQueriesContext(connection) as plusieurs:
        page = _texte(client.get(url))
    assert page.count("Mme Petit — mère") == 9
    assert len(une) == len(plusieurs)


def test_synthese_rased_reservee_au_rased(client, monde, demande_envoyee):
    synthese = ReunionFactory(demande=demande_envoyee, type="synthese", lieu="RASED", auteur=monde["maitre_e"],
                              compte_rendu="Synthese-interne-4b2c : hypothèses de travail")
    for persona, voit in (("maitre_e", True), ("psychologue", True), ("enseignant", False),
                          ("directeur", False), ("circonscription", False)):
        client.force_login(monde[persona])
        page = client.get(reverse("demande_detail", args=[demande_envoyee.pk])).content.decode()
        assert (reverse("reunion_detail", args=[synthese.pk]) in page) == voit, persona
        detail = client.get(reverse("reunion_detail", args=[synthese.pk]))
        assert detail.status_code == (200 if voit else 404), persona
        assert ("Synthese-interne-4b2c" in detail.content.decode()) == voit, persona
