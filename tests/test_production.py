"""The application starts with the production settings under gunicorn and serves its static files."""

import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.serveur import attendre_le_port, environnement_de_production, port_libre

RACINE = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def serveur_production(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    port = port_libre()
    env = environnement_de_production(
        port=port, base_sqlite=tmp_path / "prod.sqlite3", static_root=tmp_path / "static", BEHIND_PROXY="1")
    bin_dir = Path(sys.executable).parent
    for commande in (["manage.py", "migrate", "--noinput", "-v0"], ["manage.py", "collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, *commande], cwd=RACINE, env=env, check=True)
    processus = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-c", "rased/gunicorn.py", "rased.wsgi"],
        cwd=RACINE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    attendre_le_port(port)
    yield f"http://127.0.0.1:{port}"
    processus.terminate()
    journal = processus.communicate(timeout=10)[0].decode()
    print(journal[-2000:])


def _get(url):
    """Status, headers and body of a GET made as if through the TLS proxy."""
    requete = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(requete, timeout=10) as reponse:
        return reponse.status, reponse.headers, reponse.read().decode(errors="replace")


def test_gunicorn_sert_les_pages_et_les_fichiers_statiques(serveur_production):
    statut, entetes, html = _get(f"{serveur_production}/connexion/")
    assert statut == 200 and "Connexion" in html
    assert entetes["Cache-Control"] == "no-store"
    assert "max-age=31536000" in entetes["Strict-Transport-Security"]
    assert "default-src 'self'" in entetes["Content-Security-Policy"]
    feuille = re.search(r'href="(/static/bootstrap/css/bootstrap\.min\.[0-9a-f]+\.css)"', html)
    assert feuille, "Bootstrap is served with a hashed name (manifest storage)"
    statut, entetes, _ = _get(f"{serveur_production}{feuille[1]}")
    assert statut == 200
    assert "max-age" in entetes["Cache-Control"] and "no-store" not in entetes["Cache-Control"]


def test_http_sans_tls_redirige_vers_https(serveur_production):
    requete = urllib.request.Request(f"{serveur_production}/connexion/")

    class SansSuivre(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as erreur:
        urllib.request.build_opener(SansSuivre).open(requete, timeout=10)
    with erreur.value:
        assert erreur.value.code == 301
        assert erreur.value.headers["Location"].startswith("https://")
