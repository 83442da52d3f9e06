"""The « Historique » sections (templates/_historique.html) tell a non-psychologist nothing of the
psychologist's work: no line of a psychological follow-up (its moves, its programme), and the
psychologist's changes to shared records (the pupil's identity, a request's référent) signed
with the access log's neutral word, never their name."""

import pytest
from auditlog.context import set_actor
from django.urls import reverse

from eleves.historique_lisible import PSYCHOLOGUE_NEUTRE
from tests.securite.fuites_psy.conftest import (
    NON_PSY_DE_L_ECOLE,
    programme_psy_et_bilans,
    suivi,
    texte,
)

SUIVI_PSY = "Suivi par le psychologue de l'Éducation nationale"


@pytest.fixture
def travail_du_psychologue(monde):
    """A follow-up started by the psychologist, its programme and bilan, and the psychologist's
    changes to the pupil's identity and to the request (she takes it over as référent)."""
    psy = monde["psychologue"]
    dossier = suivi(monde)  # the follow-up's moves are signed by their history rows
    with set_actor(psy):
        programme_psy_et_bilans(dossier.aide_psy, psy)
        eleve = dossier.demande.eleve
        # A correction of the pupil's record (not the INE: its changes are for those who read it).
        eleve.date_naissance = eleve.date_naissance.replace(day=1 if eleve.date_naissance.day != 1 else 2)
        eleve.save()
        dossier.demande.referent = psy  # she takes the request over as its référent
        dossier.demande.save()
    return dossier


def _historique(client, user, url) -> str:
    client.force_login(user)
    reponse = client.get(url)
    assert reponse.status_code == 200
    return texte(reponse).split('id="historique"', 1)[1]


@pytest.mark.parametrize("persona", NON_PSY_DE_L_ECOLE)
def test_historique_sans_le_travail_du_psychologue(client, monde, travail_du_psychologue, persona):
    demande = travail_du_psychologue.demande
    psy = str(monde["psychologue"])
    for url in (reverse("eleve_detail", args=[demande.eleve_id]), reverse("demande_detail", args=[demande.pk])):
        lu = _historique(client, monde[persona], url)
        assert psy not in lu, (persona, url)
        assert SUIVI_PSY not in lu and "Programme personnalisé" not in lu, (persona, url)
        assert PSYCHOLOGUE_NEUTRE in lu, (persona, url)  # the changes she made, unsigned


def test_historique_entier_pour_le_psychologue(client, monde, travail_du_psychologue):
    demande = travail_du_psychologue.demande
    lu = _historique(client, monde["psychologue"], reverse("demande_detail", args=[demande.pk]))
    assert f"({SUIVI_PSY})" in lu and f"{monde['psychologue']} — " in lu
    assert PSYCHOLOGUE_NEUTRE not in lu
