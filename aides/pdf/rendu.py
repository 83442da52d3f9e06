"""PDF rendering with WeasyPrint, safely.

- WeasyPrint fetches only ``data:`` URLs and the project's own ``/static/`` files, read from
  disk: no ``file://``, no network (a note containing ``<img src="file:///etc/passwd">`` is
  printed as text anyway, since templates escape user text; the fetcher is the second lock).
- ``import weasyprint`` costs about 0.85 s: it happens here, when a PDF is made, never at start-up.
- Every PDF is tagged (PDF/UA-1), in French, titled, with embedded fonts.
"""

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from eleves.journal import journaliser
from eleves.models import JournalAcces

# A base URL that resolves nowhere: relative links in templates become absolute under it,
# and the fetcher serves only its /static/ part, from disk.
BASE_URL = "https://rased.invalid/"
PREFIXE_STATIQUE = BASE_URL + "static/"


class RessourceRefusee(ValueError):
    """A URL the PDF renderer will not fetch."""


def _fichier_statique(relatif: str) -> str | None:
    """A static file from the source folders or, in production, from STATIC_ROOT: the manifest
    storage gives templates hashed names (``css/impression.2c06….css``) that exist only there."""
    if chemin := finders.find(relatif):
        return chemin
    racine = Path(settings.STATIC_ROOT).resolve()
    chemin = (racine / relatif).resolve()
    return str(chemin) if chemin.is_relative_to(racine) and chemin.is_file() else None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # slow import: weasyprint (0.85 s)

    class FetcherStatique(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(PREFIXE_STATIQUE):
                relatif = url[len(PREFIXE_STATIQUE):].split("?")[0]
                if ".." not in relatif.split("/") and (chemin := _fichier_statique(relatif)):
                    with open(chemin, "rb") as fichier:
                        corps = fichier.read()
                    type_mime = mimetypes.guess_type(chemin)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=corps, headers={"Content-Type": type_mime})
            raise RessourceRefusee(f"Ressource refusée pour un PDF : {url[:80]}")

    return FetcherStatique(allowed_protocols={"data"})


# French typography: no line break before ; : ! ? » nor after «. Applied to text between tags only.
_TEXTE = re.compile(r">([^<]+)<")
_AVANT_PONCTUATION = re.compile(r" ([;!?»])")
_AVANT_DEUX_POINTS = re.compile(r" :(?=\s|$)")


def typographie_francaise(html: str) -> str:
    def corriger(texte: re.Match) -> str:
        t = _AVANT_PONCTUATION.sub("\u202f\\1", texte[1])
        t = _AVANT_DEUX_POINTS.sub("\u00a0:", t)
        return ">" + t.replace("« ", "«\u202f") + "<"

    return _TEXTE.sub(corriger, html)


@dataclass(frozen=True)
class Document:
    nom_fichier: str
    type_mime: str
    contenu: bytes
    pages: int = 0  # a PDF's number of pages, as WeasyPrint laid it out (batch prints' tables of contents)


def rendre_pdf(gabarit: str, contexte: dict, *, titre: str, nom_fichier: str, imprime_par) -> Document:
    """Render ``gabarit`` (which extends ``pdf/base.html``) to a tagged A4 PDF."""
    from weasyprint import HTML  # slow import (0.85 s): at the first PDF, not at start-up

    html = render_to_string(
        gabarit,
        {**contexte, "titre_document": titre, "imprime_le": timezone.localtime(), "imprime_par": imprime_par},
    )
    mis_en_page = HTML(string=typographie_francaise(html), base_url=BASE_URL, url_fetcher=_fetcher()).render(
        pdf_variant="pdf/ua-1"
    )
    contenu = mis_en_page.write_pdf(pdf_variant="pdf/ua-1")
    return Document(nom_fichier=nom_fichier, type_mime="application/pdf", contenu=contenu,
                    pages=len(mis_en_page.pages))


def reponse(document: Document, *, telechargement: bool = False) -> HttpResponse:
    """The HTTP answer for a document: opaque file name, never cached."""
    response = HttpResponse(document.contenu, content_type=document.type_mime)
    disposition = "attachment" if telechargement else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{document.nom_fichier}"'
    response["Cache-Control"] = "no-store"
    return response


def servir_pdf(
    request, gabarit: str, contexte: dict, *, titre: str, nom_fichier: str, objet_journal: str, eleve=None,
    telechargement: bool = False,
) -> HttpResponse:
    """A PDF printed by ``request.user``: rendered, written to the access log, answered.

    The log entry is written once the document exists: a render that fails printed nothing.
    """
    document = rendre_pdf(gabarit, contexte, titre=titre, nom_fichier=nom_fichier, imprime_par=request.user)
    journaliser(request, action=JournalAcces.Action.IMPRESSION, objet=objet_journal, eleve=eleve)
    return reponse(document, telechargement=telechargement)
