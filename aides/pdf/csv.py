"""CSV exports that open correctly in LibreOffice and Excel, and cannot carry a formula."""

import csv
import io

from django.http import HttpResponse

from aides.pdf.rendu import Document, reponse
from eleves.journal import journaliser
from eleves.models import JournalAcces

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
DEBUTS_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def cellule_sure(valeur) -> str:
    texte = "" if valeur is None else str(valeur)
    if texte.startswith(DEBUTS_FORMULE):
        return "'" + texte
    return texte


def rendre_csv(entetes: list[str], lignes, *, nom_fichier: str) -> Document:
    """UTF-8 with BOM (Excel reads the accents), ``;`` as separator (French locale)."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([cellule_sure(e) for e in entetes])
    for ligne in lignes:
        ecrivain.writerow([cellule_sure(v) for v in ligne])
    return Document(
        nom_fichier=nom_fichier, type_mime="text/csv; charset=utf-8",
        contenu=("\ufeff" + tampon.getvalue()).encode("utf-8"),
    )


def servir_csv(request, entetes: list[str], lignes, *, nom_fichier: str, objet_journal: str) -> HttpResponse:
    """A CSV exported by ``request.user``: built, written to the access log, answered as a download."""
    document = rendre_csv(entetes, lignes, nom_fichier=nom_fichier)
    journaliser(request, action=JournalAcces.Action.EXPORT, objet=objet_journal)
    return reponse(document, telechargement=True)
