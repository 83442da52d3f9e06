"""Shared machinery of the security proofs: URL walk, personas' clients, status codes, row counts."""

import re

from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS

# The order of the columns in tests/securite/matrice.py.
COLONNES = ["anonyme", *PERSONAS]

# Tables a GET may write: the access log (every view of a pupil's file and every export is logged,
# DOMAIN.md), the change history, sessions (messages, search) and the login-attempt tables.
TABLES_EXCLUES = {"eleves.journalacces", "auditlog.logentry", "sessions.session"}
APPS_EXCLUES = {"axes"}


def noms_d_urls() -> dict[str, str]:
    """Every named URL of the project → its route; of the admin (``gestion/``), its index only."""
    noms = {}

    def parcourir(motifs, prefixe="", espace=""):
        for motif in motifs:
            if isinstance(motif, URLResolver):
                sous_espace = f"{espace}{motif.namespace}:" if motif.namespace else espace
                parcourir(motif.url_patterns, prefixe + str(motif.pattern), sous_espace)
            elif isinstance(motif, URLPattern):
                route = prefixe + str(motif.pattern)
                if route.startswith("gestion/") and f"{espace}{motif.name}" != "admin:index":
                    continue
                if route.startswith(("static/", "media/")) or motif.name is None:
                    continue
                noms[f"{espace}{motif.name}"] = route

    parcourir(get_resolver().url_patterns)
    return noms


def clients(monde) -> dict[str, Client]:
    resultat = {}
    for nom in COLONNES:
        client = Client()
        if nom != "anonyme":
            client.force_login(monde[nom])
        resultat[nom] = client
    return resultat


def code(reponse) -> str:
    """``200``, ``403``…; a redirect is ``L`` to the sign-in page, ``R`` elsewhere."""
    if reponse.status_code in (301, 302):
        connexions = (reverse("connexion"), reverse("admin:login"))
        return "L" if reponse["Location"].startswith(connexions) else "R"
    return str(reponse.status_code)


def comptes_des_lignes() -> dict[str, int]:
    """Every table's row count, in one query (it runs before and after each of thousands of requests)."""
    modeles = [m for m in apps.get_models() if m._meta.label_lower not in TABLES_EXCLUES
               and m._meta.app_label not in APPS_EXCLUES and m._meta.managed and not m._meta.proxy]
    q = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(m._meta.db_table)})" for m in modeles)
    with connection.cursor() as curseur:
        curseur.execute(sql)
        return dict(zip((m._meta.label_lower for m in modeles), curseur.fetchone(), strict=True))


def difference(avant: dict, apres: dict) -> dict:
    return {table: (avant[table], apres[table]) for table in avant if avant[table] != apres[table]}


_JETONS = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r'csrf[_-]?token["\']?\s*[:=]\s*["\'][^"\']*["\']', re.IGNORECASE),
]


def corps_normalise(reponse) -> bytes:
    texte = reponse.content.decode("utf-8", errors="replace")
    for motif in _JETONS:
        texte = motif.sub("«jeton»", texte)
    return texte.encode()
