"""Sign-in: French pages, lockout, password rules, session limits."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eleves.enums import Role
from tests.factories import UtilisateurFactory

MOT_DE_PASSE = "mot-de-passe-de-test-2026"
MESSAGE_ECHEC = "Saisissez un nom d’utilisateur et un mot de passe valides"


@pytest.fixture
def directeur(monde):
    return monde["directeur"]


def _connexion(client, username, password=MOT_DE_PASSE):
    return client.post(reverse("connexion"), {"username": username, "password": password})


def test_page_connexion_en_francais(client, db):
    response = client.get(reverse("connexion"))
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Connexion" in page and "Se connecter" in page
    assert "Nom d’utilisateur" in page


def test_connexion_reussie_mene_a_l_accueil_du_role(client, directeur):
    response = _connexion(client, "directeur")
    assert response.status_code == 302
    assert response["Location"] == reverse("accueil")
    accueil = client.get(reverse("accueil"))
    assert directeur.ecole.nom in accueil.content.decode()


def test_meme_message_utilisateur_inconnu_ou_mauvais_mot_de_passe(client, directeur):
    inconnu = _connexion(client, "personne-inconnue", "nimporte-quoi-123")
    mauvais = _connexion(client, "directeur", "mauvais-mot-de-passe")
    assert inconnu.status_code == mauvais.status_code == 200
    assert MESSAGE_ECHEC in inconnu.content.decode()
    assert MESSAGE_ECHEC in mauvais.content.decode()


def test_verrouillage_apres_cinq_echecs_puis_liberation(client, directeur):
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        for _ in range(5):
            _connexion(client, "directeur", "mauvais-mot-de-passe")
        bloque = _connexion(client, "directeur")
        assert bloque.status_code == 429
        assert "Compte temporairement bloqué" in bloque.content.decode()
        assert "_auth_user_id" not in client.session
    with time_machine.travel(debut + timedelta(minutes=16), tick=False):
        libere = _connexion(client, "directeur")
        assert libere.status_code == 302
        assert client.session["_auth_user_id"] == str(directeur.pk)


def test_verrouillage_ne_touche_pas_un_autre_compte(client, monde):
    for _ in range(5):
        _connexion(client, "directeur", "mauvais-mot-de-passe")
    response = _connexion(client, "enseignant")
    assert response.status_code == 302


def test_la_cle_de_session_change_a_la_connexion_et_meurt_a_la_deconnexion(client, directeur):
    client.get(reverse("connexion"))
    client.session.save()
    avant = client.session.session_key
    _connexion(client, "directeur")
    apres = client.session.session_key
    assert avant != apres
    client.post(reverse("deconnexion"))
    assert not Session.objects.filter(session_key=apres).exists()
    assert client.get(reverse("eleve_liste")).status_code == 302


def test_deconnexion_par_get_refusee(client, directeur):
    client.force_login(directeur)
    assert client.get(reverse("deconnexion")).status_code == 405
    assert client.get(reverse("accueil")).status_code == 200


def test_session_expire_apres_30_minutes_d_inactivite(client, directeur):
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        _connexion(client, "directeur")
        assert client.get(reverse("accueil")).status_code == 200
    with time_machine.travel(debut + timedelta(minutes=29), tick=False):
        assert client.get(reverse("accueil")).status_code == 200
    with time_machine.travel(debut + timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("accueil"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("connexion"))


def test_l_activite_repousse_l_expiration_sans_ecrire_la_session_a_chaque_page(client, directeur):
    """The session is written at most once a minute: the idle limit still follows activity."""
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        _connexion(client, "directeur")
        client.get(reverse("accueil"))
        expiration = Session.objects.get().expire_date
    with time_machine.travel(debut + timedelta(seconds=30), tick=False):
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse("accueil")).status_code == 200
        assert not [q for q in requetes if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        assert Session.objects.get().expire_date == expiration
    # Active every 20 minutes for an hour: never signed out, the expiry follows.
    for minutes in (20, 40, 60):
        with time_machine.travel(debut + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("accueil")).status_code == 200
    assert Session.objects.get().expire_date == debut + timedelta(minutes=60 + 30)


def test_session_expire_apres_10_heures_meme_active(client, directeur):
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        _connexion(client, "directeur")
    for quart in range(1, 40):  # a request every 15 minutes, 9 h 45 in all
        with time_machine.travel(debut + timedelta(minutes=15 * quart), tick=False):
            assert client.get(reverse("accueil")).status_code == 200
    with time_machine.travel(debut + timedelta(hours=10, minutes=1), tick=False):
        response = client.get(reverse("accueil"))
        assert response.status_code == 302
        assert response["Location"] == reverse("connexion")
        assert "_auth_user_id" not in client.session


def test_compte_desactive_refuse_a_la_requete_suivante(client, directeur):
    client.force_login(directeur)
    assert client.get(reverse("accueil")).status_code == 200
    directeur.is_active = False
    directeur.save()
    response = client.get(reverse("accueil"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("connexion"))


@pytest.mark.parametrize(
    "mot_de_passe, accepte",
    [
        ("court-2026", False),  # 10 characters
        ("qwerty123456", False),  # 12 characters, but a common password
        ("cheval pommier lune", True),  # long, no composition rule needed
        ("toutenminuscules", True),
    ],
)
def test_regles_de_mot_de_passe(db, mot_de_passe, accepte):
    user = UtilisateurFactory.build(username="camille", role=Role.ENSEIGNANT)
    if accepte:
        validate_password(mot_de_passe, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(mot_de_passe, user)
