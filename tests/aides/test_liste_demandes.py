"""The request list's filters (issue 15): state, school, class, kind of aid, référent, school year,
waiting longer than N days; kept in the session (nothing in the URL), with counts, each role within
its scope; a teacher cannot learn of a psychological follow-up by filtering on it; the query count
does not grow with the data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aides.enums import TypeAide
from aides.models import DemandeAide
from tests.eleves.outils_pages import texte
from tests.factories_aides import AideFactory, DemandeAideFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demandes(monde):
    ancienne = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    DemandeAide.objects.filter(pk=ancienne.pk).update(envoyee_le=timezone.now() - timedelta(days=40))
    recente = DemandeAideFactory(eleve=monde.eleve_a2, auteur=monde["directeur"], envoyee=True)
    aidee = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True,
                               referent=monde["maitre_g"])
    AideFactory(demande=aidee, type=TypeAide.PSY, intervenant=monde["psychologue"], en_cours=True)
    autre_ecole = DemandeAideFactory(eleve=monde.eleve_b1, auteur=monde["enseignant_autre_ecole"], envoyee=True)
    return {"ancienne": ancienne, "recente": recente, "aidee": aidee, "autre_ecole": autre_ecole}


def _numeros(client):
    page = client.get(reverse("demande_liste"))
    return {d.pk for d in page.context["page"].object_list}, texte(page)


def _filtrer(client, **criteres):
    return client.post(reverse("demande_liste"), {k: str(v) for k, v in criteres.items()})


def test_filtres_gardes_en_session_sans_rien_dans_l_adresse(client, monde, demandes):
    client.force_login(monde["circonscription"])
    reponse = _filtrer(client, attente=30)
    assert reponse["Location"] == reverse("demande_liste")
    numeros, page = _numeros(client)
    assert numeros == {demandes["ancienne"].pk}
    assert "1 demande pour ce filtre" in page
    numeros, _ = _numeros(client)  # kept across visits
    assert numeros == {demandes["ancienne"].pk}
    _filtrer(client, ecole=monde.ecole_b.pk)
    assert _numeros(client)[0] == {demandes["autre_ecole"].pk}
    _filtrer(client, referent=monde["maitre_g"].pk)
    assert _numeros(client)[0] == {demandes["aidee"].pk}
    _filtrer(client, classe=monde.classe_a2.pk)
    assert _numeros(client)[0] == {demandes["recente"].pk}
    client.post(reverse("demande_liste"), {"effacer": "1"})
    numeros, page = _numeros(client)
    assert numeros == {d.pk for d in demandes.values()}
    assert "Envoyée au RASED : 4" in page


def test_un_filtre_refuse_n_est_pas_garde(client, monde, demandes):
    client.force_login(monde["circonscription"])
    reponse = _filtrer(client, attente=0)
    assert "Le filtre n'a pas été appliqué." in texte(client.get(reponse["Location"]))
    assert "filtres_demandes" not in client.session


def test_chacun_filtre_dans_son_perimetre(client, monde, demandes):
    client.force_login(monde["enseignant_autre_ecole"])
    _filtrer(client, ecole=monde.ecole_a.pk)  # not a school he sees: refused
    assert "filtres_demandes" not in client.session
    assert _numeros(client)[0] == {demandes["autre_ecole"].pk}


def test_un_suivi_psychologique_ne_se_devine_pas_par_le_filtre(client, monde, demandes):
    client.force_login(monde["directeur"])
    _filtrer(client, type_aide=TypeAide.PSY)
    assert _numeros(client)[0] == set()  # the directeur does not know of it
    client.force_login(monde["psychologue"])
    _filtrer(client, type_aide=TypeAide.PSY)
    assert _numeros(client)[0] == {demandes["aidee"].pk}


def test_requetes_constantes(client, monde, demandes, django_assert_max_num_queries):
    client.force_login(monde["circonscription"])
    _filtrer(client, etat="envoyee")
    with django_assert_max_num_queries(15) as premiere:
        client.get(reverse("demande_liste"))
    for _ in range(10):
        DemandeAideFactory(eleve=monde.eleve_a2, auteur=monde["directeur"], envoyee=True)
    with django_assert_max_num_queries(len(premiere.captured_queries)):
        client.get(reverse("demande_liste"))


def test_les_reponses_se_filtrent_ensemble_hors_du_rased(client, monde, demandes):
    DemandeAide.objects.filter(pk=demandes["aidee"].pk).update(etat="aide_decidee")
    DemandeAide.objects.filter(pk=demandes["recente"].pk).update(etat="autre_reponse")
    client.force_login(monde["directeur"])
    _filtrer(client, etat="aide_decidee")  # not a choice for him: refused, nothing kept
    assert "filtres_demandes" not in client.session
    _filtrer(client, etat="repondue")
    numeros, page = _numeros(client)
    assert numeros == {demandes["aidee"].pk, demandes["recente"].pk}
    assert "Réponse apportée par le RASED : 2" in page and "Aide décidée" not in page
    client.force_login(monde["maitre_e"])
    _filtrer(client, etat="aide_decidee")
    assert _numeros(client)[0] == {demandes["aidee"].pk}
