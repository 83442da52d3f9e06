"""The client's address behind the TLS proxy: access log, login lockout and change history agree.

Behind the proxy every request comes from the proxy's address: without this, five wrong
passwords from anyone would lock the account for everyone, and the access log would say
127.0.0.1. The proxy appends the client's address to X-Forwarded-For; earlier entries are the
client's own and can be forged.
"""

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from eleves.models import JournalAcces

MOT_DE_PASSE = "mot-de-passe-de-test-2026"
PROXY = "127.0.0.1"


@pytest.fixture
def derriere_le_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _client(adresses: str) -> Client:
    # The middleware reads the settings when a client's handler is built: one client per case.
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=adresses, HTTP_X_FORWARDED_PROTO="https")


def _connexion(client, password):
    return client.post(reverse("connexion"), {"username": "directeur", "password": password})


def test_le_verrouillage_vise_l_adresse_du_client_et_non_celle_du_proxy(derriere_le_proxy, monde):
    attaquant = _client("6.6.6.6, 203.0.113.7")
    for _ in range(5):
        _connexion(attaquant, "mauvais-mot-de-passe")
    assert _connexion(attaquant, MOT_DE_PASSE).status_code == 429
    # The directeur, at school, signs in through the same proxy.
    assert _connexion(_client("198.51.100.20"), MOT_DE_PASSE).status_code == 302


def test_une_premiere_adresse_forgee_ne_contourne_pas_le_verrouillage(derriere_le_proxy, monde):
    for i in range(5):
        _connexion(_client(f"10.9.9.{i}, 203.0.113.7"), "mauvais-mot-de-passe")
    assert _connexion(_client("10.9.9.99, 203.0.113.7"), MOT_DE_PASSE).status_code == 429


def test_journal_des_acces_et_historique_gardent_l_adresse_du_client(derriere_le_proxy, monde):
    client = _client("6.6.6.6, 203.0.113.7")
    client.force_login(monde["directeur"])
    client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk]), secure=True)
    assert JournalAcces.objects.get().adresse == "203.0.113.7"

    client.post(reverse("eleve_modifier", args=[monde.eleve_a1.pk]), {
        "nom": monde.eleve_a1.nom, "prenom": "Prénom-modifié",
        "date_naissance": monde.eleve_a1.date_naissance.isoformat(), "sexe": monde.eleve_a1.sexe,
        "ine": monde.eleve_a1.ine, "classe": monde.classe_a1.pk, "niveau": "CE1",
        "revision_lue": "0",
    }, secure=True)
    entree = LogEntry.objects.get_for_object(monde.eleve_a1).latest("timestamp")
    assert entree.remote_addr == "203.0.113.7"


def test_sans_proxy_l_en_tete_est_ignore(monde):
    client = Client(REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="6.6.6.6")
    client.force_login(monde["directeur"])
    client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk]), secure=True)
    assert JournalAcces.objects.get().adresse == "192.0.2.5"
