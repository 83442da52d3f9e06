"""Browser tests: Playwright driving Debian's Chromium against the app on 127.0.0.1.

Playwright's own browser download is never used (it fails on these machines):
``/usr/bin/chromium`` is launched directly. Screenshots go to ``test-artefacts/``.
"""

import os
from pathlib import Path

import pytest
from django.test import override_settings

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (arranging data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("Chromium est absent : .ci/run doit installer le paquet chromium.")
    for item in items:
        if "navigateur" in str(item.path):
            item.add_marker(pytest.mark.skip(reason="/usr/bin/chromium absent (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=fr-FR",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # French users' browsers: dates typed and shown as dd/mm/yyyy.
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture(scope="session")
def _serveur_http(request):
    """The live server speaks plain HTTP on 127.0.0.1.

    Its middleware is built when it starts: the HTTPS redirect is off for it alone, and the
    override ends there, so the other tests keep the production settings.
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        return request.getfixturevalue("live_server")


@pytest.fixture
def site(_serveur_http, transactional_db, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return _serveur_http.url


@pytest.fixture(autouse=True)
def _delai_court(page):
    page.set_default_timeout(10_000)


@pytest.fixture
def capture(page):
    ARTEFACTS.mkdir(exist_ok=True)

    def prendre(nom: str):
        page.screenshot(path=str(ARTEFACTS / f"{nom}.png"), full_page=True)

    return prendre


@pytest.fixture
def erreurs_console(page):
    """Console errors (a CSP violation shows up here) collected during the test."""
    erreurs = []
    page.on("console", lambda msg: erreurs.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: erreurs.append(str(exc)))
    return erreurs
