"""The settings module: strict environment helpers and a production configuration that checks clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from eleves.models import Circonscription
from rased.env import env_bool, env_int, env_list

RACINE = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "rased.ac-lyon.fr",
    "DATABASE_URL": "postgres://rased@127.0.0.1:5432/rased",
    "CLE_CHIFFREMENT": "un-sel-de-production-long-et-aleatoire-0123456789",
}


def _manage(*args, env):
    retires = ("SECRET_KEY", "CLE_CHIFFREMENT", "DJANGO_DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in retires}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=RACINE, env=base | env, capture_output=True, text=True
    )


@pytest.mark.parametrize("brut, attendu", [("1", True), ("true", True), ("on", True), ("0", False), ("no", False)])
def test_env_bool_lit_les_valeurs_usuelles(monkeypatch, brut, attendu):
    monkeypatch.setenv("ESSAI", brut)
    assert env_bool("ESSAI") is attendu


def test_env_bool_refuse_une_valeur_ambigue(monkeypatch):
    monkeypatch.setenv("ESSAI", "peut-etre")
    with pytest.raises(ImproperlyConfigured, match="ESSAI"):
        env_bool("ESSAI")


def test_env_int_refuse_un_texte(monkeypatch):
    monkeypatch.setenv("ESSAI", "trente")
    with pytest.raises(ImproperlyConfigured, match="ESSAI"):
        env_int("ESSAI", 1)


def test_env_list_decoupe_les_virgules(monkeypatch):
    monkeypatch.setenv("ESSAI", "a.fr, b.fr,,")
    assert env_list("ESSAI") == ["a.fr", "b.fr"]


def test_production_refuse_de_demarrer_sans_secret_key():
    resultat = _manage("check", env={"ALLOWED_HOSTS": "rased.ac-lyon.fr"})
    assert resultat.returncode != 0
    assert "SECRET_KEY est obligatoire" in resultat.stderr


def test_production_refuse_de_demarrer_sans_cle_de_chiffrement():
    sans_cle = {k: v for k, v in PRODUCTION.items() if k != "CLE_CHIFFREMENT"}
    resultat = _manage("check", env=sans_cle)
    assert resultat.returncode != 0
    assert "CLE_CHIFFREMENT est obligatoire" in resultat.stderr
    assert _manage("check", env=sans_cle | {"CLE_CHIFFREMENT": " , "}).returncode != 0


def test_cle_de_chiffrement_liste_pour_la_rotation():
    """The first salt encrypts, the others still decrypt; former SECRET_KEYs likewise."""
    code = "from django.conf import settings; print(settings.SALT_KEY, settings.SECRET_KEY_FALLBACKS)"
    resultat = _manage("shell", "-c", code, env=PRODUCTION | {
        "CLE_CHIFFREMENT": "nouveau-sel, ancien-sel", "SECRET_KEY_FALLBACKS": "ancienne-cle-1,ancienne-cle-2"})
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip().splitlines()[-1] == "['nouveau-sel', 'ancien-sel'] ['ancienne-cle-1', 'ancienne-cle-2']"


def test_production_refuse_une_valeur_de_debug_invalide():
    resultat = _manage("check", env=PRODUCTION | {"DJANGO_DEBUG": "oui"})
    assert resultat.returncode != 0
    assert "DJANGO_DEBUG" in resultat.stderr


def test_check_deploy_propre_avec_l_environnement_de_production():
    resultat = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert resultat.returncode == 0, resultat.stderr
    assert "no issues" in resultat.stdout


def test_reglages_de_base():
    assert settings.DEBUG is False
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SECURE
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SECURE_CSP["default-src"] == ["'self'"]
    assert settings.SECURE_CSP["frame-ancestors"] == ["'none'"]
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_requetes_preparees_sur_postgresql_seulement():
    """PostgreSQL: parameters bound by the server, queries prepared after 5 runs on a connection
    (docs/performance.md); off with DATABASE_REQUETES_PREPAREES=0 (a pooler in transaction
    mode); nothing of it on SQLite."""
    code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
    postgresql = _manage("shell", "-c", code, env=PRODUCTION)
    assert postgresql.stdout.strip().splitlines()[-1] == "{'server_side_binding': True, 'prepare_threshold': 5}"
    sans = _manage("shell", "-c", code, env=PRODUCTION | {"DATABASE_REQUETES_PREPAREES": "0"})
    assert sans.stdout.strip().splitlines()[-1] in ("{}", "None")
    sqlite = _manage("shell", "-c", code, env={k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"})
    assert sqlite.stdout.strip().splitlines()[-1] in ("{}", "None")


@pytest.mark.django_db
def test_une_requete_repetee_est_preparee_sur_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL only")
    for _ in range(7):
        list(Circonscription.objects.filter(pk=1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%"eleves_circonscription"%'])
        assert cursor.fetchone()[0] >= 1
