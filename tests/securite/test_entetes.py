"""« Trust » issue, proof 7: security headers on every kind of answer, error pages in French.

With the production settings (HTTPS redirect on, requests made as HTTPS with ``secure=True``):
a page, a PDF, two CSVs, a redirect, 400, 403, the CSRF failure, 404, 405 and 500 (from a test
URLconf whose view raises) all carry CSP, HSTS, nosniff, Referrer-Policy and ``no-store``. The
project has no fragment view (no htmx, no partial answered alone: template partials are only
rendered inside their page). Error pages are French, with no traceback nor exception text.
"""

import runpy
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from eleves.models import annee_courante_debut

ENTETES = {
    "Content-Security-Policy": "default-src 'self'",
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
# The French title of each error page; what none may show.
TITRES = {400: "Requête incorrecte", 403: "Action non autorisée", 404: "Page introuvable",
          500: "Une erreur est survenue"}
# (tests/securite/urls_erreur.py raises « exception-de-test-secrete-0123 »; not imported here: the
# project's URLs resolve static files at import, before the test settings apply.)
INTERDITS = ("Traceback", "Exception", "exception-de-test-secrete", "RuntimeError", "Server Error", "Bad Request",
             "Forbidden", "Not Found", "CSRF verification failed", 'File "')


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.securite.urls_erreur"


def _client(user=None, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def test_entetes_sur_chaque_genre_de_reponse(monde, production, preuve):
    directeur, circo = _client(monde["directeur"]), _client(monde["circonscription"])
    debut = annee_courante_debut()
    reponses = {
        "page": directeur.get(reverse("eleve_liste"), secure=True),
        "PDF": directeur.get(reverse("liste_attente_pdf"), secure=True),
        "CSV (modèle d'import)": directeur.get(reverse("import_modele"), secure=True),
        "CSV (bilan annuel)": circo.get(reverse("rapport_annuel_csv", kwargs={"debut": debut}), secure=True),
        "redirection": _client().get(reverse("eleve_liste"), secure=True),
        "400": directeur.get("/", secure=True, headers={"host": "pirate.example"}),
        "403": _client(monde["enseignant"]).get(reverse("eleve_creer"), secure=True),
        "403 CSRF": _client(monde["directeur"], enforce_csrf_checks=True).post(
            reverse("deconnexion"), secure=True),
        "404": directeur.get("/eleves/987654/", secure=True),
        "405": directeur.get(reverse("deconnexion"), secure=True),
        "500": directeur.get("/erreur-de-test/", secure=True),
    }
    attendus = {"page": 200, "PDF": 200, "CSV (modèle d'import)": 200, "CSV (bilan annuel)": 200,
                "redirection": 302, "400": 400, "403": 403, "403 CSRF": 403, "404": 404, "405": 405, "500": 500}
    ecarts = []
    for genre, reponse in reponses.items():
        if reponse.status_code != attendus[genre]:
            ecarts.append(f"{genre}: statut {reponse.status_code}")
        for entete, attendu in ENTETES.items():
            if attendu not in reponse.get(entete, ""):
                ecarts.append(f"{genre}: {entete} = {reponse.get(entete)!r}")
    assert reponses["PDF"]["Content-Type"] == "application/pdf"
    assert reponses["CSV (bilan annuel)"]["Content-Type"].startswith("text/csv")
    preuve(f"[preuve 7] réponses vérifiées : {len(reponses)} ({', '.join(reponses)}), en-têtes : "
           f"{len(ENTETES)} chacune, écarts : {len(ecarts)}")
    assert not ecarts, "\n".join(ecarts)


def test_pages_d_erreur_en_francais_sans_trace(monde, production, preuve):
    directeur = _client(monde["directeur"])
    pages = {
        400: directeur.get("/", secure=True, headers={"host": "pirate.example"}),
        403: _client(monde["enseignant"]).get(reverse("eleve_creer"), secure=True),
        404: directeur.get("/eleves/987654/", secure=True),
        500: directeur.get("/erreur-de-test/", secure=True),
    }
    csrf = _client(monde["directeur"], enforce_csrf_checks=True).post(reverse("deconnexion"), secure=True)
    ecarts = []
    for statut, reponse in [*pages.items(), (403, csrf)]:
        texte = reponse.content.decode()
        titre = "Formulaire expiré" if reponse is csrf else TITRES[statut]
        if reponse.status_code != statut or titre not in texte or 'lang="fr"' not in texte:
            ecarts.append(f"{statut}: {reponse.status_code}, titre « {titre} » absent")
        ecarts += [f"{statut}: « {mot} » affiché" for mot in INTERDITS if mot in texte]
        if "/static/bootstrap/css/bootstrap" not in texte:
            ecarts.append(f"{statut}: page sans la feuille de style du site")
    preuve(f"[preuve 7] pages d'erreur vérifiées : {len(pages) + 1} (400, 403, 403 CSRF, 404, 500), "
           f"écarts : {len(ecarts)}")
    assert not ecarts, "\n".join(ecarts)


def test_http_redirige_vers_https(monde, production):
    reponse = _client(monde["directeur"]).get(reverse("eleve_liste"))
    assert reponse.status_code == 301
    assert reponse["Location"].startswith("https://")


def test_format_du_journal_d_acces_sans_requete_ni_referent():
    """rased/gunicorn.py logs the path alone: no query string, request line, referer nor user agent."""
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "rased" / "gunicorn.py"))
    format_journal = config["access_log_format"]
    assert "%(U)s" in format_journal
    for champ in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "%({"):
        assert champ not in format_journal, champ
