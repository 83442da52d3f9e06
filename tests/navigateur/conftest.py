"""Browser tests: Playwright driving Debian's Chromium against the app on 127.0.0.1.

Playwright's own browser download is never used (it fails on these machines):
``/usr/bin/chromium`` is launched directly. Screenshots go to ``test-artefacts/``.
"""

import os
import re
from io import BytesIO
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from eleves.calendrier import Calendrier

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
def capture(page, axe_sans_violation_grave):
    """A key page state: its screenshot in test-artefacts/, and axe run on it (``axe=False``
    only for what is not our HTML: a PDF in the browser's viewer)."""
    ARTEFACTS.mkdir(exist_ok=True)

    def prendre(nom: str, *, axe: bool = True):
        page.screenshot(path=str(ARTEFACTS / f"{nom}.png"), full_page=True)
        if axe:
            axe_sans_violation_grave(nom, sauf=AXE_HORS_DU_PROJET)

    return prendre


@pytest.fixture
def erreurs_console(page):
    """Console errors (a CSP violation shows up here) collected during the test."""
    erreurs = []
    page.on("console", lambda msg: erreurs.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: erreurs.append(str(exc)))
    return erreurs


# --- Shared by the journeys: signing in, the tablet width, axe, PDFs ---------------------------
# (Imported inside the fixtures: this module also runs where the browser tests are skipped.)

MOT_DE_PASSE = "mot-de-passe-de-test-2026"
TABLETTE = {"width": 768, "height": 1024}
BUREAU = {"width": 1280, "height": 720}
IMPACTS_BLOQUANTS = {"serious", "critical"}
# Django admin's own markup (SelectFilter2.js: an aria-label on a span without a role).
AXE_HORS_DU_PROJET = [".search-label-icon"]
# WCAG 2.1 A and AA (what RGAA 4.1 transposes) and axe's best practices.
OPTIONS_AXE = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}


@pytest.fixture
def se_connecter(page, site):
    """Sign in through /connexion/ as ``username`` (every persona has the test password)."""
    def connecter(username: str):
        page.goto(f"{site}/connexion/")
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name=re.compile("^Bonjour"))).to_be_visible()

    return connecter


@pytest.fixture
def se_deconnecter(page):
    def deconnecter():
        page.get_by_role("button", name="Se déconnecter").click()
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible()

    return deconnecter


@pytest.fixture
def sans_defilement_horizontal(page):
    """Assert that the page as it is now needs no horizontal scrolling (at the tablet width)."""

    def verifier():
        if page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"):
            return
        debordent = page.evaluate(
            "[...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)"
            ".map(e => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 40)}`)"
        )
        raise AssertionError(f"{page.url} défile horizontalement ; dépassent : {debordent}")

    return verifier


@pytest.fixture
def axe_sans_violation_grave(page):
    """Run axe-core on the page as it is now: no violation of impact serious or critical."""
    axe = Axe()

    def verifier(nom: str, *, sauf: list[str] = ()):
        """``sauf``: CSS selectors left out, each with its reason where it is called."""
        page.wait_for_load_state()
        contexte = {"exclude": [[selecteur] for selecteur in sauf]} if sauf else None
        resultats = axe.run(page, context=contexte, options=OPTIONS_AXE).response
        graves = [
            f"{v['id']} ({v['impact']}) : {noeud['target']} — {noeud['failureSummary'].splitlines()[-1].strip()}"
            for v in resultats["violations"]
            if v["impact"] in IMPACTS_BLOQUANTS
            for noeud in v["nodes"]
        ]
        assert not graves, f"axe, {nom} ({page.url}) :\n" + "\n".join(graves)

    return verifier


@pytest.fixture
def pdf_telecharge(page, capture):
    """Click the link ``lien`` to a PDF, as the user does; return the PDF's HTTP headers and text.

    Chromium shows an inline PDF in its viewer and hands the page the viewer rather than the
    file: the answer is read on its way to the browser (which still receives and shows it,
    captured as ``nom_capture``), then its text is extracted with pypdf. The browser then goes
    back to the page the link was on.
    """
    def telecharger(lien, *, nom_capture: str) -> tuple[dict, str]:
        adresse = lien.evaluate("a => a.href")
        recu = {}

        def lire_au_passage(route):
            reponse = route.fetch()
            recu.update(statut=reponse.status, entetes=reponse.headers, corps=reponse.body())
            route.fulfill(response=reponse)

        def cette_adresse(url):
            return url == adresse

        page.route(cette_adresse, lire_au_passage)
        try:
            lien.click()
            page.wait_for_url(adresse)
        finally:
            page.unroute(cette_adresse)
        assert recu["statut"] == 200, f"{adresse} → {recu['statut']}"
        page.wait_for_timeout(300)  # the viewer draws the first page, for the screenshot
        capture(nom_capture, axe=False)
        texte = "\n".join(p.extract_text() for p in PdfReader(BytesIO(recu["corps"])).pages)
        page.go_back()
        return recu["entetes"], texte

    return telecharger


def enregistrer_la_seance(page, bouton: str = "Enregistrer la séance") -> None:
    """Submit the session form. Run on a weekend or a public holiday, a session dated today asks
    for the confirmation the product asks of a member (« Confirmer quand même cette date »)."""
    page.get_by_role("button", name=bouton).click()
    if not Calendrier().est_jour_d_ecole(timezone.localdate()):
        page.get_by_label("Confirmer quand même cette date").check()
        page.get_by_role("button", name=bouton).click()
