"""Correcting and deleting notes (observations), meetings and team actions (issue 12): by their
author, through the pages; a deletion keeps its reason; a save from a stale page is refused with
what was typed kept; anyone else is refused (403 if they read it, 404 if not), and a
psychologist's record stays with psychologists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aides.models import ActionEquipe, Observation, ParticipantExterne, Reunion, Suppression
from eleves.enums import Role
from tests.eleves.outils_pages import texte
from tests.factories import UtilisateurFactory
from tests.factories_parcours import (
    action_equipe_notee,
    demande_deposee,
    observation_notee,
    reunion_tenue,
)

AUJOURD_HUI = timezone.localdate()
HIER = AUJOURD_HUI - timedelta(days=1)
MODIFIE = "par quelqu'un d'autre pendant que vous"


@pytest.fixture
def demande(monde):
    return demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"],
                           famille_informee_le=AUJOURD_HUI - timedelta(days=10))


def _deux_onglets(client, personne, url, premier: dict, second: dict):
    """``personne`` opens the form twice (two tabs, or a page left open), saves the first, then
    the second: returns the second answer."""
    client.force_login(personne)
    assert client.get(url).status_code == 200
    client.post(url, premier)
    return client.post(url, second)


# --- Observations --------------------------------------------------------------------------------


def _observation(**champs):
    return {"type": "observation_classe", "date": HIER.isoformat(), "contenu": "Texte corrigé.",
            "revision_lue": "0"} | champs


def test_observation_corrigee_par_son_auteur(client, monde, demande):
    observation = observation_notee(demande, auteur=monde["maitre_e"], contenu="Lit syllabe par syllbe.")
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("demande_detail", args=[demande.pk])).content.decode()
    assert reverse("observation_corriger", args=[observation.pk]) in page
    assert reverse("observation_supprimer", args=[observation.pk]) in page
    formulaire = client.get(reverse("observation_corriger", args=[observation.pk])).content.decode()
    assert "Lit syllabe par syllbe." in formulaire and 'name="revision_lue" value="0"' in formulaire

    reponse = client.post(reverse("observation_corriger", args=[observation.pk]),
                          _observation(contenu="Lit syllabe par syllabe.", obstacles=["cognitif"]), follow=True)

    page = texte(reponse)
    assert "L'observation a été corrigée." in page and "Lit syllabe par syllabe." in page
    observation.refresh_from_db()
    assert (observation.contenu, observation.date, observation.revision) == ("Lit syllabe par syllabe.", HIER, 1)


def test_observation_deux_onglets_la_seconde_refusee_avec_ses_saisies(client, monde, demande):
    observation = observation_notee(demande, auteur=monde["maitre_e"])
    url = reverse("observation_corriger", args=[observation.pk])
    reponse = _deux_onglets(client, monde["maitre_e"], url, _observation(contenu="Première version."),
                            _observation(contenu="Seconde version 7702."))
    assert reponse.status_code == 200
    assert f"Cette observation a été modifiée {MODIFIE} la corrigiez." in texte(reponse)
    assert "Seconde version 7702." in reponse.content.decode()
    observation.refresh_from_db()
    assert (observation.contenu, observation.revision) == ("Première version.", 1)


def test_observation_supprimee_avec_motif(client, monde, demande):
    observation = observation_notee(demande, auteur=monde["maitre_e"], contenu="Notée sur le mauvais élève.")
    client.force_login(monde["maitre_e"])
    url = reverse("observation_supprimer", args=[observation.pk])
    assert "Supprimer l'observation du" in texte(client.get(url))
    assert "Indiquez le motif" in texte(client.post(url, {"motif": ""}))
    reponse = client.post(url, {"motif": "Mauvaise demande."}, follow=True)
    page = texte(reponse)
    assert "L'observation a été supprimée." in page and "Notée sur le mauvais élève." not in page
    assert not Observation.objects.exists()
    assert Suppression.objects.values_list("motif", "objet_id").get() == ("Mauvaise demande.", observation.pk)


@pytest.mark.parametrize("persona, code", [
    ("maitre_g", 403), ("psychologue", 403), ("enseignant", 404), ("directeur", 404), ("rased_autre_secteur", 404),
])
def test_observation_d_un_autre_refusee(client, monde, demande, persona, code):
    observation = observation_notee(demande, auteur=monde["maitre_e"], contenu="Intacte.")
    client.force_login(monde[persona])
    assert client.get(reverse("observation_corriger", args=[observation.pk])).status_code == code
    assert client.post(reverse("observation_corriger", args=[observation.pk]), _observation()).status_code == code
    assert client.post(reverse("observation_supprimer", args=[observation.pk]), {"motif": "x"}).status_code == code
    observation.refresh_from_db()
    assert observation.contenu == "Intacte."


def test_observation_du_psychologue_reste_aux_psychologues(client, monde, demande):
    observation = observation_notee(demande, auteur=monde["psychologue"], contenu="Secret 4410.")
    client.force_login(monde["maitre_e"])
    assert client.get(reverse("observation_corriger", args=[observation.pk])).status_code == 404
    assert client.post(reverse("observation_supprimer", args=[observation.pk]), {"motif": "x"}).status_code == 404
    # Another psychologist reads it, but only its author corrects it.
    collegue = UtilisateurFactory(username="psy-2", role=Role.PSYCHOLOGUE, circonscription=monde.nord,
                                  secteur=monde.secteur_1)
    client.force_login(collegue)
    assert client.get(reverse("observation_corriger", args=[observation.pk])).status_code == 403
    client.force_login(monde["psychologue"])
    client.post(reverse("observation_supprimer", args=[observation.pk]), {"motif": "Doublon."})
    assert Suppression.objects.get().confidentielle is True


# --- Meetings ------------------------------------------------------------------------------------


def _reunion(monde, **champs):
    return {"type": "equipe_educative", "date": "2026-11-20T17:00", "lieu": "Salle des maîtres",
            "participants": [monde["maitre_e"].pk, monde["enseignant"].pk],
            "externes": "Mme Petit — mère", "ordre_du_jour": "", "compte_rendu": "Compte rendu corrigé.",
            "decisions": "Poursuite de l'aide.", "revision_lue": "0"} | champs


def test_reunion_corrigee_par_son_auteur(client, monde, demande):
    reunion = reunion_tenue(demande, auteur=monde["maitre_e"], participants=[monde["maitre_e"]],
                            externes=[("Mme Petit", "mère"), ("M. Roux", "AESH")], compte_rendu="Brouillon.")
    client.force_login(monde["maitre_e"])
    detail = client.get(reverse("reunion_detail", args=[reunion.pk])).content.decode()
    assert reverse("reunion_corriger", args=[reunion.pk]) in detail
    formulaire = client.get(reverse("reunion_corriger", args=[reunion.pk])).content.decode()
    assert "Mme Petit — mère\nM. Roux — AESH" in formulaire

    reponse = client.post(reverse("reunion_corriger", args=[reunion.pk]), _reunion(
        monde, externes="Mme Petit — mère\nDr Durand — médecin scolaire"), follow=True)

    assert reponse.redirect_chain[-1][0] == reverse("reunion_detail", args=[reunion.pk])
    page = texte(reponse)
    for attendu in ("Le compte rendu de la réunion a été corrigé.", "Équipe éducative du 20/11/2026 à 17:00",
                    "Salle des maîtres", str(monde["enseignant"]), "Dr Durand", "Compte rendu corrigé.",
                    "Poursuite de l'aide."):
        assert attendu in page, attendu
    assert "M. Roux" not in page
    reunion.refresh_from_db()
    assert set(reunion.participants.all()) == {monde["maitre_e"], monde["enseignant"]}
    assert sorted(ParticipantExterne.objects.values_list("nom", flat=True)) == ["Dr Durand", "Mme Petit"]
    assert reunion.revision == 1


def test_reunion_deux_onglets_la_seconde_refusee_avec_ses_saisies(client, monde, demande):
    reunion = reunion_tenue(demande, auteur=monde["maitre_e"], participants=[monde["maitre_e"]])
    url = reverse("reunion_corriger", args=[reunion.pk])
    reponse = _deux_onglets(client, monde["maitre_e"], url, _reunion(monde, decisions="Premières."),
                            _reunion(monde, decisions="Décisions tapées 6610."))
    assert f"Ce compte rendu de réunion a été modifié {MODIFIE} le corrigiez." in texte(reponse)
    assert "Décisions tapées 6610." in reponse.content.decode()
    reunion.refresh_from_db()
    assert (reunion.decisions, reunion.revision) == ("Premières.", 1)


def test_reunion_supprimee_avec_motif(client, monde, demande):
    reunion = reunion_tenue(demande, auteur=monde["maitre_e"], participants=[monde["maitre_e"]],
                            externes=[("Mme Petit", "mère")])
    client.force_login(monde["maitre_e"])
    url = reverse("reunion_supprimer", args=[reunion.pk])
    assert reverse("reunion_supprimer", args=[reunion.pk]) in client.get(
        reverse("reunion_detail", args=[reunion.pk])).content.decode()
    reponse = client.post(url, {"motif": "Enregistrée deux fois."}, follow=True)
    assert reponse.redirect_chain[-1][0] == reverse("demande_detail", args=[demande.pk])
    assert "La réunion a été supprimée." in texte(reponse)
    assert not Reunion.objects.exists() and not ParticipantExterne.objects.exists()
    assert Suppression.objects.get().motif == "Enregistrée deux fois."


@pytest.mark.parametrize("persona, code", [
    ("enseignant", 403), ("directeur", 403), ("maitre_g", 403), ("psychologue", 403),
    ("enseignant_autre_ecole", 404), ("rased_autre_secteur", 404),
])
def test_reunion_d_un_autre_refusee(client, monde, demande, persona, code):
    reunion = reunion_tenue(demande, auteur=monde["maitre_e"], participants=[monde["maitre_e"]],
                            compte_rendu="Intact.")
    client.force_login(monde[persona])
    assert client.get(reverse("reunion_corriger", args=[reunion.pk])).status_code == code
    assert client.post(reverse("reunion_corriger", args=[reunion.pk]), _reunion(monde)).status_code == code
    assert client.post(reverse("reunion_supprimer", args=[reunion.pk]), {"motif": "x"}).status_code == code
    reunion.refresh_from_db()
    assert reunion.compte_rendu == "Intact."


def test_reunion_du_psychologue_reste_aux_psychologues(client, monde, demande):
    reunion = reunion_tenue(demande, auteur=monde["psychologue"], participants=[monde["psychologue"]],
                            compte_rendu="Secret 5521.")
    for persona in ("maitre_e", "enseignant"):
        client.force_login(monde[persona])
        assert client.get(reverse("reunion_corriger", args=[reunion.pk])).status_code == 404
        assert client.post(reverse("reunion_supprimer", args=[reunion.pk]), {"motif": "x"}).status_code == 404
    client.force_login(monde["psychologue"])
    assert client.get(reverse("reunion_corriger", args=[reunion.pk])).status_code == 200


# --- Team actions --------------------------------------------------------------------------------


def _action(**champs):
    return {"date": HIER.isoformat(), "public": "Équipe du cycle 3", "theme": "Fluence", "apport": "Grilles.",
            "duree": "90", "eleve": "", "revision_lue": "0"} | champs


def test_action_corrigee_par_son_auteur_et_le_temps_passe_suit(client, monde):
    action = action_equipe_notee(monde.ecole_a, auteur=monde["maitre_e"], duree=60, theme="Fluance")
    client.force_login(monde["maitre_e"])
    liste = reverse("action_equipe_liste", args=[monde.ecole_a.pk])
    page = client.get(liste)
    assert "1 action, 1 h 00" in texte(page)
    assert reverse("action_equipe_corriger", args=[action.pk]) in page.content.decode()
    formulaire = client.get(reverse("action_equipe_corriger", args=[action.pk])).content.decode()
    assert 'value="Fluance"' in formulaire and 'name="duree" value="60"' in formulaire

    reponse = client.post(reverse("action_equipe_corriger", args=[action.pk]), _action(), follow=True)

    assert reponse.redirect_chain[-1][0] == liste
    page = texte(reponse)
    assert "L'action auprès de l'équipe a été corrigée." in page and "1 action, 1 h 30" in page
    assert "Équipe du cycle 3" in page
    action.refresh_from_db()
    assert (action.theme, action.duree, action.revision) == ("Fluence", 90, 1)


def test_action_corrigee_refusee_garde_les_saisies(client, monde):
    action = action_equipe_notee(monde.ecole_a, auteur=monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    reponse = client.post(reverse("action_equipe_corriger", args=[action.pk]),
                          _action(date=(AUJOURD_HUI + timedelta(days=2)).isoformat(), theme="Tapé 3391"))
    assert "La date de l'action ne peut pas être dans le futur." in texte(reponse)
    assert "Tapé 3391" in reponse.content.decode()
    action.refresh_from_db()
    assert action.revision == 0


def test_action_deux_onglets_la_seconde_refusee_avec_ses_saisies(client, monde):
    action = action_equipe_notee(monde.ecole_a, auteur=monde["maitre_e"])
    url = reverse("action_equipe_corriger", args=[action.pk])
    reponse = _deux_onglets(client, monde["maitre_e"], url, _action(theme="Premier"), _action(theme="Second 8812"))
    assert f"Cette action a été modifiée {MODIFIE} la corrigiez." in texte(reponse)
    assert "Second 8812" in reponse.content.decode()
    action.refresh_from_db()
    assert (action.theme, action.revision) == ("Premier", 1)


def test_action_supprimee_avec_motif(client, monde):
    action = action_equipe_notee(monde.ecole_a, auteur=monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    reponse = client.post(reverse("action_equipe_supprimer", args=[action.pk]), {"motif": "Doublon."}, follow=True)
    page = texte(reponse)
    assert "L'action auprès de l'équipe a été supprimée." in page and "aucune action, 0 h 00" in page
    assert not ActionEquipe.objects.exists()
    assert Suppression.objects.get().motif == "Doublon."


@pytest.mark.parametrize("persona, code", [
    ("maitre_g", 403), ("psychologue", 403), ("directeur", 403), ("enseignant", 403), ("admin", 403),
    ("rased_autre_secteur", 404), ("autre_circonscription", 404),
])
def test_action_d_un_autre_refusee(client, monde, persona, code):
    action = action_equipe_notee(monde.ecole_a, auteur=monde["maitre_e"], theme="Intact")
    client.force_login(monde[persona])
    assert client.get(reverse("action_equipe_corriger", args=[action.pk])).status_code == code
    assert client.post(reverse("action_equipe_corriger", args=[action.pk]), _action()).status_code == code
    assert client.post(reverse("action_equipe_supprimer", args=[action.pk]), {"motif": "x"}).status_code == code
    action.refresh_from_db()
    assert action.theme == "Intact"


def test_action_du_psychologue_reste_aux_psychologues(client, monde):
    action = action_equipe_notee(monde.ecole_a, auteur=monde["psychologue"], theme="Secret 9914")
    client.force_login(monde["maitre_e"])
    assert client.get(reverse("action_equipe_corriger", args=[action.pk])).status_code == 404
    assert client.post(reverse("action_equipe_supprimer", args=[action.pk]), {"motif": "x"}).status_code == 404
    client.force_login(monde["psychologue"])
    client.post(reverse("action_equipe_supprimer", args=[action.pk]), {"motif": "Erreur."})
    assert Suppression.objects.get().confidentielle is True
