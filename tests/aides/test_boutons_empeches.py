"""An action the person may take but whose condition is missing is shown disabled with its
reason, before the click (issue 12): starting an aid without the family's agreement, validating
a programme without objective, sending a request before the family is informed, revising a
decision once an aid has started."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from aides.enums import EtatAide, TypeAide
from aides.rules import REFUS_REVISION_DECISION
from tests.factories_parcours import (
    accord,
    aide_en_cours,
    aides_decidees,
    demande_deposee,
    programme_valide,
)

ACCORD_MANQUANT = "L&#x27;aide ne peut pas commencer avant l&#x27;accord de la famille : enregistrez-le d&#x27;abord."


def _bouton_desactive(page: str, libelle: str) -> bool:
    return re.search(rf'<button[^>]*disabled[^>]*>{re.escape(libelle)}</button>', page) is not None


@pytest.fixture
def aide_e(monde):
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    return aides_decidees(demande, {TypeAide.E: monde["maitre_e"]})[TypeAide.E]


def test_demarrer_sans_accord_est_un_bouton_desactive_avec_sa_raison(client, monde, aide_e):
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("demande_detail", args=[aide_e.demande_id])).content.decode()
    assert _bouton_desactive(page, "Démarrer l'aide") and ACCORD_MANQUANT in page
    assert reverse("aide_demarrer", args=[aide_e.pk]) not in page
    # The start page stays open (it says how to record the agreement) but cannot be submitted.
    page = client.get(reverse("aide_demarrer", args=[aide_e.pk])).content.decode()
    assert _bouton_desactive(page, "Démarrer l'aide") and 'type="submit">Démarrer' not in page

    # Once the family agrees, the button is live.
    accord(aide_e.demande, "aide_e_g", auteur=monde["maitre_e"])
    page = client.get(reverse("demande_detail", args=[aide_e.demande_id])).content.decode()
    assert reverse("aide_demarrer", args=[aide_e.pk]) in page and ACCORD_MANQUANT not in page
    page = client.get(reverse("aide_demarrer", args=[aide_e.pk])).content.decode()
    assert 'type="submit">Démarrer l\'aide</button>' in page


def test_un_forge_qui_poste_quand_meme_est_refuse_avec_la_meme_raison(client, monde, aide_e):
    client.force_login(monde["maitre_e"])
    response = client.post(reverse("aide_demarrer", args=[aide_e.pk]),
                           {"debut": timezone.localdate().isoformat()}, follow=True)
    assert ACCORD_MANQUANT in response.content.decode()
    aide_e.refresh_from_db()
    assert aide_e.etat == EtatAide.A_DEMARRER


def test_ceux_qui_ne_menent_pas_l_aide_ne_voient_aucun_bouton(client, monde, aide_e):
    for qui in ("maitre_g", "directeur", "enseignant"):
        client.force_login(monde[qui])
        page = client.get(reverse("demande_detail", args=[aide_e.demande_id])).content.decode()
        assert "Démarrer l'aide" not in page and "Démarrer l&#x27;aide" not in page, qui


def test_valider_un_programme_sans_objectif_est_desactive(client, monde, aide_e):
    accord(aide_e.demande, "aide_e_g", auteur=monde["maitre_e"])
    programme = programme_valide(aide_e, objectifs=(), valider=False)
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("programme_detail", args=[programme.pk])).content.decode()
    assert _bouton_desactive(page, "Valider…")
    assert "Un programme sans objectif ne peut pas être validé : ajoutez-en au moins un." in page
    assert reverse("programme_valider", args=[programme.pk]) not in page


def test_envoyer_une_demande_dont_la_famille_n_est_pas_informee_est_desactive(client, monde):
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyer=False,
                              famille_informee_le=None, famille_informee_par="")
    client.force_login(monde["enseignant"])
    page = client.get(reverse("demande_detail", args=[demande.pk])).content.decode()
    assert _bouton_desactive(page, "Envoyer au RASED")
    assert "La famille doit être informée avant l&#x27;envoi de la demande au RASED" in page


def test_reviser_la_decision_apres_le_debut_d_une_aide_est_un_bouton_desactive(client, monde):
    """Once an aid has started, « Réviser la décision » is shown disabled with why (the journey's
    own moves), not as a link; those who may never revise see no button at all."""
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aide_en_cours(demande, TypeAide.E, monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("demande_detail", args=[demande.pk])).content.decode()
    assert _bouton_desactive(page, "Réviser la décision") and escape(REFUS_REVISION_DECISION) in page
    assert reverse("demande_reviser_decision", args=[demande.pk]) not in page
    for persona in ("enseignant", "directeur"):
        client.force_login(monde[persona])
        page = client.get(reverse("demande_detail", args=[demande.pk])).content.decode()
        assert "Réviser la décision" not in page and escape(REFUS_REVISION_DECISION) not in page
