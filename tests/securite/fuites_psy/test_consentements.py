"""The family's answers about the psychologist's work are the psychologist's: the act, its comment
and who recorded it are read, and recorded, by psychologists only."""

import pytest
from django.urls import reverse

from aides.models import Consentement
from tests.securite.fuites_psy.conftest import NON_PSY_DE_L_ECOLE, accord, demande_envoyee, texte

COMMENTAIRE = "Le père refuse le bilan psychologique CANARI-CONSENT-7316"


@pytest.mark.parametrize("persona", NON_PSY_DE_L_ECOLE)
def test_consentement_psy_et_son_commentaire_invisibles_hors_psychologues(client, monde, persona):
    demande = demande_envoyee(monde)
    accord(demande, "psy", monde["psychologue"], commentaire=COMMENTAIRE)
    accord(demande, "aide_e_g", monde["maitre_e"], commentaire="Accord E noté en réunion.")
    page_demande = reverse("demande_detail", args=[demande.pk])

    client.force_login(monde[persona])
    lu = texte(client.get(page_demande))
    assert "CANARI-CONSENT-7316" not in lu
    assert "Accord pour un bilan ou un suivi psychologique" not in lu
    if persona != "circonscription":
        assert "Accord E noté en réunion." in lu  # what is not the psychologist's stays readable

    client.force_login(monde["psychologue"])
    lu = texte(client.get(page_demande))
    assert "CANARI-CONSENT-7316" in lu and "Accord pour un bilan ou un suivi psychologique" in lu


@pytest.mark.parametrize("persona", ["directeur", "maitre_e", "maitre_g"])
@pytest.mark.parametrize("acte", ["psy", "transmission"])
def test_seul_un_psychologue_enregistre_un_consentement_psy(client, monde, persona, acte):
    demande = demande_envoyee(monde)
    url = reverse("consentement_ajouter", args=[demande.pk])
    client.force_login(monde[persona])
    formulaire = texte(client.get(url))
    assert 'value="psy"' not in formulaire and 'value="transmission"' not in formulaire
    client.post(url, {"acte": acte, "accorde": "True", "date": "2026-11-05", "titulaires": "deux",
                      "forme": "ecrit", "commentaire": "Forcé"})
    assert not Consentement.objects.filter(acte=acte).exists()

    client.force_login(monde["psychologue"])
    assert f'value="{acte}"' in texte(client.get(url))
    response = client.post(url, {"acte": acte, "accorde": "True", "date": "2026-11-05", "titulaires": "deux",
                                 "forme": "ecrit", "commentaire": ""})
    assert response.status_code == 302
    assert Consentement.objects.filter(acte=acte, enregistre_par=monde["psychologue"]).exists()
