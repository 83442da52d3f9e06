"""The pupil's page tells the aid path across school years, with the next step."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.enums import TypeAide
from aides.models import Aide
from tests.factories_aides import DemandeAideFactory, SeanceFactory
from tests.factories_parcours import aides_en_cours, programme_valide


def _demande(monde, **stade):
    """A request of the CE1 A teacher for Léa; a draft unless ``stade`` names a stage."""
    return DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], **stade)


def _aides_e_et_psy(monde, demande):
    e, psy = monde["maitre_e"], monde["psychologue"]
    aides = aides_en_cours(demande, {TypeAide.E: e, TypeAide.PSY: psy}, referent=e,
                           motif="Décodage et anxiété.", accord_le=date(2026, 11, 5), debut=date(2026, 11, 9))
    programme_valide(aides[TypeAide.E], objectifs=[{"intitule": "Lire", "critere": "x", "responsable": "E"}])
    for jour in (10, 12, 17):
        SeanceFactory(intervenant=e, date=date(2026, 11, jour), aides=[aides[TypeAide.E]])
    SeanceFactory(intervenant=psy, date=date(2026, 11, 12), duree=60, aides=[aides[TypeAide.PSY]])
    return aides[TypeAide.E], aides[TypeAide.PSY]


def _texte(client, monde):
    return client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk])).content.decode()


def test_parcours_montre_les_etapes_et_la_prochaine(client, monde):
    demande = _demande(monde, envoyee=True)
    _aides_e_et_psy(monde, demande)
    client.force_login(monde["maitre_e"])
    page = _texte(client, monde)
    assert "Parcours d'aide" in page
    assert f"Demande d'aide n° {demande.pk}" in page
    assert "Décision : Aide du RASED" in page
    assert "Programme personnalisé validé (version 1)" in page
    assert "3 séances" in page
    assert "bilan prévu le 28/12/2026" in page


def test_parcours_suivi_psy_visible_sans_son_contenu(client, monde):
    _aides_e_et_psy(monde, _demande(monde, envoyee=True))
    client.force_login(monde["enseignant"])
    page = _texte(client, monde)
    assert "Suivi par le psychologue" in page
    assert "1 séance" not in page  # the psychologist's sessions are not counted for others
    client.force_login(monde["psychologue"])
    assert "1 séance" in _texte(client, monde)


def test_parcours_brouillon_et_bouton_de_depot(client, monde):
    _demande(monde)
    client.force_login(monde["enseignant"])
    page = _texte(client, monde)
    assert "Compléter la demande et l&#x27;envoyer au RASED" in page
    assert reverse("demande_creer", args=[monde.eleve_a1.pk]) in page
    client.force_login(monde["maitre_e"])
    page = _texte(client, monde)
    assert reverse("demande_creer", args=[monde.eleve_a1.pk]) not in page
    assert "Aucune demande d'aide pour cet élève." in page  # a draft stays its author's


@pytest.mark.parametrize("persona", ["enseignant", "maitre_e", "psychologue", "directeur", "circonscription"])
def test_parcours_nombre_de_requetes_constant(client, monde, persona):
    _aides_e_et_psy(monde, _demande(monde, envoyee=True))
    client.force_login(monde[persona])
    _texte(client, monde)
    with CaptureQueriesContext(connection) as une:
        _texte(client, monde)
    for _ in range(4):
        _aides_e_et_psy(monde, _demande(monde, envoyee=True))
    with CaptureQueriesContext(connection) as plusieurs:
        _texte(client, monde)
    assert len(une) == len(plusieurs)


@pytest.mark.parametrize("persona", ["enseignant", "directeur", "maitre_e", "maitre_g", "psychologue",
                                     "circonscription", "rased_autre_secteur"])
def test_contenu_lisible_par_suit_la_regle_des_querysets(monde, persona):
    """The pages decide without a query whether an aid's content is readable
    (``Aide.contenu_lisible_par``): the same answer as ``confidentielles_lisibles_par``."""
    _aides_e_et_psy(monde, _demande(monde, envoyee=True))
    user = monde[persona]
    sans_requete = {aide.pk for aide in Aide.objects.visibles_par(user) if aide.contenu_lisible_par(user)}
    assert sans_requete == set(Aide.objects.confidentielles_lisibles_par(user).values_list("pk", flat=True))
    if persona in ("maitre_e", "psychologue"):  # both see the two aids; only one reads the psy's
        assert len(sans_requete) == (2 if persona == "psychologue" else 1)
