"""A programme in draft is its writer's until validated: the teacher, the directeur and the other
RASED members do not see a maître G's draft."""

from datetime import date

import pytest
from django.urls import reverse

from aides.enums import TypeAide
from aides.models import Aide, Objectif, Programme
from aides.services import (
    aide_demarrer,
    demande_decider,
    demande_prendre_en_charge,
    programme_creer,
)
from tests.securite.fuites_psy.conftest import accord, demande_envoyee, texte


@pytest.fixture
def brouillon_g(monde):
    demande = demande_envoyee(monde)
    g = monde["maitre_g"]
    demande_prendre_en_charge(demande=demande, auteur=g, referent=g)
    demande_decider(demande=demande, auteur=g, decision="aide", motif="Estime.", intervenants={TypeAide.G: g})
    accord(demande, "aide_e_g", g)
    aide = Aide.objects.get(demande=demande)
    aide_demarrer(aide=aide, auteur=g, debut=date(2026, 11, 9))
    programme = programme_creer(aide=aide, auteur=g, programme=Programme(
        modalite="petit_groupe", date_debut=date(2026, 11, 9), avis_famille="BROUILLON-G-4402"))
    Objectif.objects.create(programme=programme, visee="estime", intitule="OBJECTIF-BROUILLON-G-4402",
                            critere="x", responsable="G")
    return programme


@pytest.mark.parametrize("persona", ["enseignant", "directeur", "maitre_e", "psychologue", "circonscription"])
def test_brouillon_du_maitre_g_invisible_des_autres(client, monde, brouillon_g, persona):
    client.force_login(monde[persona])
    page = texte(client.get(reverse("demande_detail", args=[brouillon_g.aide.demande_id])))
    assert "BROUILLON-G-4402" not in page
    assert client.get(reverse("programme_detail", args=[brouillon_g.pk])).status_code == 404


def test_brouillon_du_maitre_g_lisible_par_lui(client, monde, brouillon_g):
    client.force_login(monde["maitre_g"])
    assert "OBJECTIF-BROUILLON-G-4402" in texte(client.get(reverse("programme_detail", args=[brouillon_g.pk])))
