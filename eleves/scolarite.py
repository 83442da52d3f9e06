"""Framework-free helpers of the school world: school years, UAI codes, names."""

import re
import unicodedata
from datetime import date

# A school year is named after its September; from August on, the next year is being prepared.
MOIS_BASCULE = 8

_UAI = re.compile(r"^\d{7}[A-Z]$")
_LIBELLE_ANNEE = re.compile(r"^(\d{4})-(\d{4})$")


def annee_scolaire_de(jour: date) -> int:
    """The first calendar year of the school year that contains ``jour`` (2026 for 2026-2027)."""
    return jour.year if jour.month >= MOIS_BASCULE else jour.year - 1


def libelle_annee(debut: int) -> str:
    return f"{debut}-{debut + 1}"


def debut_depuis_libelle(libelle: str) -> int:
    """``"2026-2027"`` → 2026; anything else raises ValueError."""
    match = _LIBELLE_ANNEE.match(libelle.strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValueError(f"Année scolaire invalide : « {libelle} » (attendu par exemple 2026-2027).")
    return int(match[1])


def normaliser_uai(code: str) -> str:
    return code.strip().upper()


def uai_valide(code: str) -> bool:
    """A UAI code is seven digits followed by a letter (e.g. 0750001A)."""
    return bool(_UAI.match(normaliser_uai(code)))


def cle_nom(texte: str) -> str:
    """A comparison key for names: accents, case, hyphens and extra spaces ignored.

    « Élodie  LEFÈVRE-Martin » and « elodie lefevre martin » give the same key, so that
    importing the same class list twice finds the pupils already there.
    """
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    mots = re.split(r"[\s\-']+", sans_accents.lower())
    return " ".join(m for m in mots if m)


def age_en_annees(naissance: date, jour: date) -> int:
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))
