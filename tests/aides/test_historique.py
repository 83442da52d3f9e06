"""Every change keeps its history; confidential text leaves no trace in it."""

from datetime import date

from auditlog.models import LogEntry
from django.urls import reverse

from aides.models import Observation
from aides.services import observation_ajouter


def test_modification_d_un_eleve_historisee_avec_son_auteur(client, monde):
    client.force_login(monde["directeur"])
    eleve = monde.eleve_a1
    client.post(reverse("eleve_modifier", args=[eleve.pk]), {
        "nom": "Petit-Martin", "prenom": "Léa", "date_naissance": "2018-03-14", "sexe": "F", "ine": "",
        "classe": monde.classe_a1.pk, "niveau": "CE1", "revision_lue": "0",
    })
    entree = LogEntry.objects.get_for_object(eleve).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entree.actor == monde["directeur"]
    assert entree.changes_dict["nom"] == [eleve.nom, "Petit-Martin"]


def test_note_du_psychologue_masquee_dans_l_historique(monde, demande_envoyee):
    secret = "Marqueur-confidentiel-7f3a : anxiété de séparation"
    observation = observation_ajouter(demande=demande_envoyee, auteur=monde["psychologue"], observation=Observation(
        type="dialogue", date=date(2026, 11, 12), contenu=secret))
    observation.contenu = secret + " (suite)"
    observation.save()
    entrees = LogEntry.objects.get_for_object(observation)
    assert entrees.count() == 2
    for entree in entrees:
        assert "Marqueur-confidentiel" not in str(entree.changes) + entree.object_repr
        assert "anxiété" not in str(entree.changes)
    assert "(contenu masqué)" in str(entrees.first().changes)


def test_mot_de_passe_absent_de_l_historique(monde):
    directeur = monde["directeur"]
    directeur.set_password("un-nouveau-mot-de-passe-2026")
    directeur.save()
    assert all("password" not in (e.changes_dict or {}) for e in LogEntry.objects.get_for_object(directeur))
