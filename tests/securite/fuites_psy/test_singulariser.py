"""No page, list or PDF lets the circonscription, or the directeur of another teacher's request,
single out a pupil followed by a psychologist alone: such a request reads exactly as one answered
otherwise (advice to the teacher, orientation), and its decision is addressed to its teacher."""

import pytest
from django.urls import reverse

from aides.models import DemandeAide
from aides.services import demande_decider, demande_prendre_en_charge
from tests.factories import eleve_inscrit
from tests.securite.fuites_psy.conftest import demande_envoyee, suivi, texte


@pytest.fixture
def deux_demandes(monde):
    """Léa: followed by the psychologist alone. Adam (same class): advice to the teacher. Both
    filed by the CE1 A teacher, so the directeur is not their author."""
    psy_seul = suivi(monde, avec_e=False).demande
    autre = demande_envoyee(monde, eleve=eleve_inscrit(monde.classe_a1, nom="Roux", prenom="Adam"))
    demande_prendre_en_charge(demande=autre, auteur=monde["maitre_e"], referent=monde["maitre_e"])
    demande_decider(demande=autre, auteur=monde["maitre_e"], decision="conseil", motif="Pistes.", intervenants={})
    return psy_seul, DemandeAide.objects.get(pk=autre.pk)


def _pages(client, demande):
    eleve = demande.eleve
    return {
        "demande": texte(client.get(reverse("demande_detail", args=[demande.pk]))),
        "eleve": texte(client.get(reverse("eleve_detail", args=[eleve.pk]))),
        "fiche": texte(client.get(reverse("fiche_suivi_pdf", args=[eleve.pk]))),
    }


@pytest.mark.parametrize("persona", ["circonscription", "directeur"])
def test_une_demande_suivie_par_le_psychologue_seul_ne_se_distingue_pas(client, monde, deux_demandes, persona):
    psy_seul, conseil = deux_demandes
    client.force_login(monde[persona])
    lus = {"psy": _pages(client, psy_seul), "conseil": _pages(client, conseil)}
    for page in ("demande", "eleve", "fiche"):
        for cle, lu in lus.items():
            assert "Aide décidée" not in lu[page], (page, cle)
            assert "Conseil à l'enseignant" not in lu[page], (page, cle)
            assert "Suivi par le psychologue" not in lu[page], (page, cle)
            assert "réponse apportée par le rased" in lu[page].lower(), (page, cle)
    liste = texte(client.get(reverse("demande_liste")))
    assert "Aide décidée" not in liste and "Autre réponse apportée" not in liste
    assert liste.split("<tbody>", 1)[1].count("Réponse apportée par le RASED") == 2  # the two rows
    # The list's filter and counts read the answers as one too (no « Aide décidée » above).
    assert "Réponse apportée par le RASED : 2" in liste


def test_l_enseignant_qui_a_depose_la_demande_lit_la_reponse(client, monde, deux_demandes):
    psy_seul, _ = deux_demandes
    client.force_login(monde["enseignant"])
    lu = texte(client.get(reverse("demande_detail", args=[psy_seul.pk])))
    assert "Aide décidée" in lu and "Suivi par le psychologue" in lu
