"""Each role's dashboard: what waits for them, with query counts that do not grow."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aides.enums import EtatDemande, TypeAide
from tests.conftest import PERSONAS
from tests.factories import eleve_inscrit
from tests.factories_aides import DemandeAideFactory, NotificationFactory, SeanceFactory
from tests.factories_parcours import aide_en_cours, programme_valide


def _demande(monde, eleve, etat=EtatDemande.ENVOYEE, jours=3):
    """A request of the CE1 A teacher, sent ``jours`` days ago unless a draft (a row)."""
    envoyee_le = None if etat == EtatDemande.BROUILLON else timezone.now() - timedelta(days=jours)
    return DemandeAideFactory(eleve=eleve, auteur=monde["enseignant"], etat=etat, difficultes="Lecture.",
                              famille_informee_le=date(2026, 11, 2), envoyee_le=envoyee_le)


def _aide_en_cours_avec_programme(monde, demande):
    debut = timezone.localdate() - timedelta(days=60)
    # Agreed the day it started: an aid never starts before the family's agreement.
    aide = aide_en_cours(demande, TypeAide.E, monde["maitre_e"], motif="x", accord_le=debut, debut=debut)
    programme_valide(aide, objectifs=[{"intitule": "Lire", "critere": "x", "responsable": "E"}])
    SeanceFactory(intervenant=monde["maitre_e"], aides=[aide])
    return aide


def test_tableau_rased_demandes_a_traiter_bilans_file_active_seances(client, monde):
    ancienne = _demande(monde, monde.eleve_a2, jours=20)
    recente = _demande(monde, monde.eleve_a1, jours=2)
    suivie = _demande(monde, eleve_inscrit(monde.classe_a1, nom="Suivi", prenom="Noé"), etat=EtatDemande.EN_ANALYSE)
    _aide_en_cours_avec_programme(monde, suivie)
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("accueil")).content.decode()
    assert "Demandes à traiter (2)" in page
    assert page.index(f"N° {ancienne.pk} ") < page.index(f"N° {recente.pk} ")  # oldest first
    assert "en attente depuis 2" in page and "semaines" in page
    assert "Ma file active (1 aide)" in page and "Noé SUIVI" in page
    assert "révision le" in page and "en retard" in page
    assert "45 min, 1 élève" in page


def test_tableau_enseignant_brouillons_et_notifications(client, monde):
    _demande(monde, monde.eleve_a1, etat=EtatDemande.BROUILLON)
    envoyee = _demande(monde, monde.eleve_a1)
    NotificationFactory(destinataire=monde["enseignant"], demande=envoyee, message="Le RASED a répondu.")
    client.force_login(monde["enseignant"])
    page = client.get(reverse("accueil")).content.decode()
    assert "Vous avez 1 brouillon à compléter" in page
    assert "Le RASED a répondu." in page
    assert "Examen par le RASED" in page
    client.post(reverse("notifications_lues"))
    assert "Le RASED a répondu." not in client.get(reverse("accueil")).content.decode()


def test_notifications_lues_par_get_refuse(client, monde):
    client.force_login(monde["enseignant"])
    assert client.get(reverse("notifications_lues")).status_code == 405


def test_tableau_circonscription_liste_d_attente_sans_nom(client, monde):
    demande = _demande(monde, monde.eleve_a1, jours=9)
    client.force_login(monde["circonscription"])
    page = client.get(reverse("accueil")).content.decode()
    assert "Liste d&#x27;attente" in page or "Liste d'attente" in page
    assert f'href="/demandes/{demande.pk}/"' in page
    assert "PETIT" not in page  # the waiting list names schools and classes, not pupils
    assert "Envoyée au RASED : 1" in page


def test_tableau_directeur_compte_les_demandes_de_l_ecole(client, monde):
    _demande(monde, monde.eleve_a1)
    _demande(monde, monde.eleve_a2, etat=EtatDemande.BROUILLON)  # someone else's draft: not counted
    client.force_login(monde["directeur"])
    page = client.get(reverse("accueil")).content.decode()
    assert "Envoyée au RASED : 1" in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_tableau_de_bord_nombre_de_requetes_constant(client, monde, persona):
    suivie = _demande(monde, monde.eleve_a1, etat=EtatDemande.EN_ANALYSE)
    _aide_en_cours_avec_programme(monde, suivie)
    client.force_login(monde[persona])
    client.get(reverse("accueil"))
    with CaptureQueriesContext(connection) as peu:
        client.get(reverse("accueil"))
    for i in range(8):
        eleve = eleve_inscrit(monde.classe_a1, nom=f"Autre{i}")
        demande = _demande(monde, eleve, etat=EtatDemande.EN_ANALYSE)
        _aide_en_cours_avec_programme(monde, demande)
        _demande(monde, eleve_inscrit(monde.classe_b1, nom=f"B{i}"))
    with CaptureQueriesContext(connection) as beaucoup:
        client.get(reverse("accueil"))
    assert len(peu) == len(beaucoup), persona
