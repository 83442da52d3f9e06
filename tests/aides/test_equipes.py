"""The RASED as pôle ressource: support actions for a school team, recorded and listed per school."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aides.models import ActionEquipe
from aides.services import ActionRefusee, action_equipe_enregistrer
from tests.conftest import PERSONAS
from tests.eleves.outils_pages import texte
from tests.factories_aides import ActionEquipeFactory

AUJOURD_HUI = timezone.localdate()

ACTION = {
    "date": AUJOURD_HUI.isoformat(),
    "public": "Équipe du cycle 2",
    "theme": "Adapter les supports de lecture-7781",
    "apport": "Fiches de lecture en police adaptée, guide de différenciation.",
    "duree": "90",
    "eleve": "",
}


def _action(monde, auteur="maitre_e", ecole=None, **champs):
    """Arrange an action through the service."""
    valeurs = {"date": AUJOURD_HUI, "public": "Équipe", "theme": "Thème", "duree": 60} | champs
    return action_equipe_enregistrer(
        auteur=monde[auteur], ecole=ecole or monde.ecole_a, action=ActionEquipe(**valeurs)
    )


def test_action_enregistree_et_visible_sur_la_page_de_l_ecole(client, monde):
    client.force_login(monde["maitre_e"])
    url = reverse("action_equipe_creer", args=[monde.ecole_a.pk])
    formulaire = client.get(url)
    assert f'value="{AUJOURD_HUI.isoformat()}"' in formulaire.content.decode()
    assert "PETIT Léa (CE1 A)" in texte(formulaire)  # the school's pupils, for an inclusion

    response = client.post(url, ACTION, follow=True)

    action = ActionEquipe.objects.get()
    assert (action.ecole, action.auteur, action.duree, action.eleve) == (monde.ecole_a, monde["maitre_e"], 90, None)
    assert action.apport.startswith("Fiches de lecture")
    assert response.redirect_chain[-1][0] == reverse("action_equipe_liste", args=[monde.ecole_a.pk])
    page = texte(response)
    assert "L'action auprès de l'équipe a été enregistrée." in page
    assert "Adapter les supports de lecture-7781" in page
    assert "Depuis la rentrée : 1 action, 1 h 30." in page
    # The school's page links to the list.
    ecole = client.get(reverse("ecole_detail", args=[monde.ecole_a.pk])).content.decode()
    assert f'href="/ecoles/{monde.ecole_a.pk}/actions-rased/"' in ecole


# Who sees école A's actions (secteur 1 of Lyon Nord).
LISTE_ATTENDUE = {
    "enseignant": 200, "directeur": 200, "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
    "circonscription": 200, "admin": 200,
    "enseignant_autre_ecole": 404, "rased_autre_secteur": 404, "autre_circonscription": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_actions_de_l_ecole_selon_le_role(client, monde, persona):
    _action(monde, theme="Outils pour la classe-7781")
    client.force_login(monde[persona])
    response = client.get(reverse("action_equipe_liste", args=[monde.ecole_a.pk]))
    assert response.status_code == LISTE_ATTENDUE[persona]
    assert ("Outils pour la classe-7781" in texte(response)) == (LISTE_ATTENDUE[persona] == 200)
    assert ("Nouvelle action" in texte(response)) == (persona in {"maitre_e", "maitre_g", "psychologue"})


# Who records an action for école A: the RASED of its secteur.
AJOUT_ATTENDU = {
    "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
    "enseignant": 403, "directeur": 403, "circonscription": 403, "admin": 403,
    "enseignant_autre_ecole": 404, "rased_autre_secteur": 404, "autre_circonscription": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_ajout_d_une_action_selon_le_role(client, monde, persona):
    client.force_login(monde[persona])
    url = reverse("action_equipe_creer", args=[monde.ecole_a.pk])
    response = client.get(url)
    assert response.status_code == AJOUT_ATTENDU[persona]
    if response.status_code == 200:
        assert "Nouvelle action auprès de l'équipe" in texte(response)
    client.post(url, ACTION)
    assert ActionEquipe.objects.exists() == (AJOUT_ATTENDU[persona] == 200)


def test_anonyme_renvoye_vers_la_connexion(client, monde):
    for nom in ("action_equipe_liste", "action_equipe_creer"):
        response = client.get(reverse(nom, args=[monde.ecole_a.pk]))
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    client.post(reverse("action_equipe_creer", args=[monde.ecole_a.pk]), ACTION)
    assert not ActionEquipe.objects.exists()


@pytest.mark.parametrize("champs, message", [
    ({"date": (AUJOURD_HUI + timedelta(days=1)).isoformat()}, "La date de l'action ne peut pas être dans le futur."),
    ({"duree": "0"}, "Le temps passé est compris entre 5 minutes et 8 heures."),
    ({"theme": ""}, "Ce champ est obligatoire."),
])
def test_action_refusee_avec_message_et_rien_d_ecrit(client, monde, champs, message):
    client.force_login(monde["maitre_e"])
    response = client.post(reverse("action_equipe_creer", args=[monde.ecole_a.pk]), ACTION | champs)
    assert response.status_code == 200
    assert message in texte(response)
    assert "Fiches de lecture en police adaptée" in response.content.decode()  # what was typed stays
    assert not ActionEquipe.objects.exists()


def test_eleve_d_une_autre_ecole_refuse(client, monde):
    client.force_login(monde["maitre_e"])
    response = client.post(reverse("action_equipe_creer", args=[monde.ecole_a.pk]),
                           ACTION | {"eleve": monde.eleve_b1.pk})
    assert "Sélectionnez un choix valide" in texte(response)
    assert not ActionEquipe.objects.exists()
    with pytest.raises(ActionRefusee, match="inscrit dans cette école"):
        _action(monde, eleve=monde.eleve_b1)
    assert not ActionEquipe.objects.exists()


@pytest.mark.parametrize("auteur, ecole, message", [
    ("rased_autre_secteur", "ecole_a", "Seuls les membres du RASED du secteur"),
    ("maitre_e", "ecole_b", "Seuls les membres du RASED du secteur"),
    ("directeur", "ecole_a", "Seuls les membres du RASED du secteur"),
])
def test_service_refuse_hors_secteur(monde, auteur, ecole, message):
    with pytest.raises(ActionRefusee, match=message):
        _action(monde, auteur=auteur, ecole=getattr(monde, ecole))
    assert not ActionEquipe.objects.exists()


def test_eleve_lie_nomme_seulement_a_qui_le_voit(client, monde):
    _action(monde, theme="Inclusion en CM1", eleve=monde.eleve_a2)
    url = reverse("action_equipe_liste", args=[monde.ecole_a.pk])
    for persona in ("maitre_e", "directeur"):
        client.force_login(monde[persona])
        assert "Inclusion de Nassim MOREAU" in texte(client.get(url)), persona
    # The teacher of CE1 A does not see the CM1 pupils: the action shows, the name does not.
    client.force_login(monde["enseignant"])
    page = texte(client.get(url))
    assert "Inclusion en CM1" in page and "Concerne l'inclusion d'un élève" in page
    assert "MOREAU" not in page


def test_action_du_psychologue_lue_des_seuls_psychologues(client, monde):
    """What a psychologist writes of her action (audience, theme, what she brought, the pupil
    concerned) is hers: the others do not read it, nor count it on the school's list."""
    _action(monde, auteur="psychologue", theme="Accueil d'un élève à besoins particuliers", eleve=monde.eleve_a1)
    url = reverse("action_equipe_liste", args=[monde.ecole_a.pk])
    client.force_login(monde["psychologue"])
    page = texte(client.get(url))
    assert "Accueil d'un élève à besoins particuliers" in page and "Inclusion de Léa PETIT" in page
    for persona in ("directeur", "maitre_e", "circonscription", "enseignant"):
        client.force_login(monde[persona])
        page = texte(client.get(url))
        assert "Accueil d'un élève à besoins particuliers" not in page and "PETIT" not in page, persona
        assert "Depuis la rentrée : aucune action," in page, persona


def test_liste_des_actions_nombre_de_requetes_constant(client, monde):
    _action(monde, eleve=monde.eleve_a1)
    client.force_login(monde["directeur"])
    url = reverse("action_equipe_liste", args=[monde.ecole_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as une:
        client.get(url)
    for i in range(30):
        _action(monde, auteur=["maitre_e", "maitre_g"][i % 2], theme=f"Thème {i}",
                eleve=[monde.eleve_a1, monde.eleve_a2][i % 2])
    with CaptureQueriesContext(connection) as plusieurs:
        response = client.get(url)
    assert len(une) == len(plusieurs)
    assert "Depuis la rentrée : 31 actions, 31 h 00." in texte(response)
    assert "Page 1 sur 2" in texte(response)


def test_page_de_l_ecole_montre_les_dernieres_actions(client, monde):
    for i in range(7):
        ActionEquipeFactory(ecole=monde.ecole_a, auteur=monde["maitre_e"], date=date(2026, 11, 1 + i),
                            public="Cycle 2", theme=f"Thème numéro {i}", duree=60)
    client.force_login(monde["directeur"])
    page = client.get(reverse("ecole_detail", args=[monde.ecole_a.pk])).content.decode()
    assert "Thème numéro 6" in page and "Thème numéro 2" in page
    assert "Thème numéro 1" not in page  # the five latest only, then a link to all
    assert reverse("action_equipe_liste", args=[monde.ecole_a.pk]) in page
    client.force_login(monde["rased_autre_secteur"])
    assert client.get(reverse("ecole_detail", args=[monde.ecole_a.pk])).status_code == 404
