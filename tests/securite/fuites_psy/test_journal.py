"""The access log names no psychological document for a non-psychologist: a psychologist's
consultation is one neutral line, with its date, no document name, number or person."""


import pytest
from django.urls import reverse

from tests.securite.fuites_psy.conftest import programme_psy_et_bilans, suivi, texte

NEUTRE = "Consultation par un psychologue de l'Éducation nationale"


@pytest.fixture
def consultations_du_psychologue(client, monde):
    """The psychologist reads the pupil's page, prints the fiche de suivi (with the psychological
    part) and a bilan of the follow-up: three entries in the pupil's access log."""
    dossier = suivi(monde, avec_e=False)
    psy = monde["psychologue"]
    programme, bilan = programme_psy_et_bilans(dossier.aide_psy, psy)
    eleve = dossier.demande.eleve
    client.force_login(psy)
    for url in (reverse("eleve_detail", args=[eleve.pk]), reverse("fiche_suivi_pdf", args=[eleve.pk]),
                reverse("bilan_pdf", args=[bilan.pk])):
        assert client.get(url).status_code == 200
    client.logout()
    return {"eleve": eleve, "bilan": bilan, "programme": programme}


@pytest.mark.parametrize("persona", ["directeur", "circonscription"])
def test_journal_d_acces_neutre_pour_les_non_psychologues(client, monde, consultations_du_psychologue, persona):
    eleve, bilan = consultations_du_psychologue["eleve"], consultations_du_psychologue["bilan"]
    client.force_login(monde[persona])
    lu = texte(client.get(reverse("eleve_journal", args=[eleve.pk])))
    assert lu.count(NEUTRE) == 3
    assert "volet psychologique" not in lu
    assert f"Bilan n° {bilan.pk}" not in lu and "Bilan n°" not in lu
    assert str(monde["psychologue"]) not in lu


def test_journal_d_acces_entier_pour_les_psychologues(client, monde, consultations_du_psychologue):
    client.force_login(monde["psychologue"])
    lu = texte(client.get(reverse("acces_psychologues")))
    assert "Fiche de suivi avec le volet psychologique, PDF" in lu
    assert f"Bilan n° {consultations_du_psychologue['bilan'].pk}" in lu
