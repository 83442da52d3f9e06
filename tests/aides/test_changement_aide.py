"""After a review that changes the kind of aid, the request stays open for the new aid."""

from datetime import date

import pytest
from django.urls import reverse

from aides.enums import EtatAide, EtatDemande, TypeAide
from aides.models import (
    Aide,
    Consentement,
    Evaluation,
    EvaluationObjectif,
    HistoriqueDemande,
    Objectif,
    Programme,
)
from aides.services import (
    aide_demarrer,
    consentement_enregistrer,
    demande_decider,
    evaluation_enregistrer,
    programme_creer,
    programme_valider,
)
from tests.conftest import PERSONAS


@pytest.fixture
def aide_e_changee(monde, demande_envoyee):
    e = monde["maitre_e"]
    demande_decider(demande=demande_envoyee, auteur=e, decision="aide", motif="x", intervenants={TypeAide.E: e})
    consentement_enregistrer(demande=demande_envoyee, auteur=e, consentement=Consentement(
        acte="aide_e_g", accorde=True, date=date(2026, 11, 5), titulaires="deux", forme="ecrit"))
    aide = Aide.objects.get()
    aide_demarrer(aide=aide, auteur=e, debut=date(2026, 11, 9))
    programme = programme_creer(aide=aide, auteur=e, programme=Programme(modalite="individuel",
                                                                         date_debut=date(2026, 11, 9)))
    Objectif.objects.create(programme=programme, domaine="1.1", intitule="Lire", critere="x", responsable="E")
    programme_valider(programme=programme, auteur=e)
    programme.refresh_from_db()
    evaluation_enregistrer(
        evaluation=Evaluation(programme=programme, type="finale", date=date(2026, 12, 20), suite="changement"),
        resultats=[EvaluationObjectif(objectif=programme.objectifs.get(), atteinte="non_atteint")], auteur=e)
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
