"""After a review that changes the kind of aid, the request stays open for the new aid."""

from datetime import date

import pytest
from django.urls import reverse

from aides.enums import EtatAide, EtatDemande, TypeAide
from aides.models import Aide, HistoriqueDemande
from tests.conftest import PERSONAS
from tests.factories_parcours import aide_en_cours, bilan, programme_valide


@pytest.fixture
def aide_e_changee(monde, demande_envoyee):
    """An E aid whose final review changed the kind of aid: the aid ended, the request stays open."""
    aide = aide_en_cours(demande_envoyee, TypeAide.E, monde["maitre_e"], accord_le=date(2026, 11, 5),
                         debut=date(2026, 11, 9))
    programme = programme_valide(aide, modalite="individuel",
                                 objectifs=[{"intitule": "Lire", "critere": "x", "responsable": "E"}])
    bilan(programme, type="finale", date=date(2026, 12, 20), suite="changement",
          resultat={"atteinte": "non_atteint"})
    demande_envoyee.refresh_from_db()
    return demande_envoyee


def test_changement_laisse_la_demande_ouverte_puis_nouvelle_aide(client, monde, aide_e_changee):
    assert aide_e_changee.etat == EtatDemande.AIDE_DECIDEE
    assert Aide.objects.get().etat == EtatAide.TERMINEE
    client.force_login(monde["maitre_g"])
    page = client.get(reverse("demande_detail", args=[aide_e_changee.pk])).content.decode()
    assert reverse("aide_ajouter", args=[aide_e_changee.pk]) in page
    response = client.post(reverse("aide_ajouter", args=[aide_e_changee.pk]),
                           {"type_aide": "G", "intervenant": monde["maitre_g"].pk}, follow=True)
    assert "La nouvelle aide est décidée" in response.content.decode()
    nouvelle = Aide.objects.get(type="G")
    assert (nouvelle.etat, nouvelle.intervenant) == (EtatAide.A_DEMARRER, monde["maitre_g"])
    assert not HistoriqueDemande.objects.filter(vers=EtatDemande.CLOTUREE).exists()


def test_ajout_refuse_pour_un_type_deja_present_ou_un_mauvais_intervenant(client, monde, aide_e_changee):
    client.force_login(monde["maitre_e"])
    url = reverse("aide_ajouter", args=[aide_e_changee.pk])
    deja = client.post(url, {"type_aide": "E", "intervenant": monde["maitre_e"].pk}, follow=True)
    assert "déjà une aide de ce type" in deja.content.decode()
    mauvais = client.post(url, {"type_aide": "psy", "intervenant": monde["maitre_e"].pk})
    assert "ne peut pas mener" in mauvais.content.decode()
    assert Aide.objects.count() == 1


ATTENDU = {"maitre_e": 200, "maitre_g": 200, "psychologue": 200, "enseignant": 403, "directeur": 403,
           "circonscription": 403, "admin": 404, "enseignant_autre_ecole": 404, "rased_autre_secteur": 404,
           "autre_circonscription": 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_ajout_d_aide_selon_le_role(client, monde, aide_e_changee, persona):
    client.force_login(monde[persona])
    url = reverse("aide_ajouter", args=[aide_e_changee.pk])
    assert client.get(url).status_code == ATTENDU[persona]
    client.post(url, {"type_aide": "G", "intervenant": monde["maitre_g"].pk})
    assert Aide.objects.filter(type="G").exists() == (ATTENDU[persona] == 200)
