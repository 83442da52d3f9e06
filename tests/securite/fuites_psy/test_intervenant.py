"""Only the aid's intervenant, or the one stand-in the policy allows (same role, secteur covering
the school), starts, evaluates or ends an aid."""

from datetime import date

import pytest
from django.urls import reverse

from aides.enums import EtatAide, TypeAide
from aides.models import Aide
from aides.services import demande_decider, demande_prendre_en_charge
from eleves.enums import Role
from tests.factories import UtilisateurFactory
from tests.securite.fuites_psy.conftest import accord, demande_envoyee


@pytest.fixture
def aide_e_a_demarrer(monde):
    demande = demande_envoyee(monde)
    demande_prendre_en_charge(demande=demande, auteur=monde["maitre_e"], referent=monde["maitre_e"])
    demande_decider(demande=demande, auteur=monde["maitre_e"], decision="aide", motif="Décodage.",
                    intervenants={TypeAide.E: monde["maitre_e"]})
    accord(demande, "aide_e_g", monde["maitre_e"])
    return Aide.objects.get(demande=demande)


@pytest.mark.parametrize("persona", ["maitre_g", "psychologue"])
def test_un_collegue_d_un_autre_role_ne_demarre_pas_l_aide(client, monde, aide_e_a_demarrer, persona):
    client.force_login(monde[persona])
    url = reverse("aide_demarrer", args=[aide_e_a_demarrer.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"debut": "2026-11-23"}).status_code == 403
    aide_e_a_demarrer.refresh_from_db()
    assert aide_e_a_demarrer.etat == EtatAide.A_DEMARRER


def test_le_remplacant_de_meme_role_et_secteur_demarre_l_aide(client, monde, aide_e_a_demarrer):
    remplacant = UtilisateurFactory(username="maitre-e-remplacant", role=Role.MAITRE_E,
                                    circonscription=monde.nord, secteur=monde.secteur_1)
    client.force_login(remplacant)
    response = client.post(reverse("aide_demarrer", args=[aide_e_a_demarrer.pk]), {"debut": "2026-11-23"})
    assert response.status_code == 302
    aide_e_a_demarrer.refresh_from_db()
    assert (aide_e_a_demarrer.etat, aide_e_a_demarrer.debut) == (EtatAide.EN_COURS, date(2026, 11, 23))


def test_un_membre_du_meme_role_d_un_autre_secteur_ne_demarre_pas_l_aide(client, monde, aide_e_a_demarrer):
    client.force_login(monde["rased_autre_secteur"])  # maître E of secteur 2: the request is not theirs
    assert client.post(reverse("aide_demarrer", args=[aide_e_a_demarrer.pk]),
                       {"debut": "2026-11-23"}).status_code == 404
    aide_e_a_demarrer.refresh_from_db()
    assert aide_e_a_demarrer.etat == EtatAide.A_DEMARRER
