"""Framework-free helpers of the school world: school years, UAI codes, names."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

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


# --- The five périodes of a school year -----------------------------------------------------
# The LSU and the school's habits count five périodes separated by the holidays (Toussaint,
# Noël, hiver, printemps). The real holiday dates vary by zone (A, B, C, Corse, outre-mer) and
# by year: the bounds below are approximate and the same for every zone. Each falls inside
# the holidays of every zone for P1/P2 (31 October, 31 December); for P3/P4 and P4/P5 (end of
# February, end of April) the winter and spring holidays are staggered over the zones, so a
# few school days may be counted in the neighbouring période. The five périodes cover the whole
# school year without gaps (August with P1, July with P5), so every date falls in exactly one.


@dataclass(frozen=True)
class Periode:
    numero: int
    debut: date
    fin: date

    @property
    def libelle(self) -> str:
        return f"Période {self.numero}"

    @property
    def abrege(self) -> str:
        return f"P{self.numero}"


def debut_annee_scolaire(debut: int) -> date:
    return date(debut, MOIS_BASCULE, 1)


def fin_annee_scolaire(debut: int) -> date:
    return date(debut + 1, MOIS_BASCULE, 1) - timedelta(days=1)


def periodes(debut: int) -> tuple[Periode, ...]:
    """The five périodes of the school year ``debut``-``debut + 1`` (approximate bounds, see above)."""
    suivante = debut + 1
    return (
        Periode(1, debut_annee_scolaire(debut), date(debut, 10, 31)),   # rentrée → Toussaint
        Periode(2, date(debut, 11, 1), date(debut, 12, 31)),            # → Noël
        Periode(3, date(suivante, 1, 1), date(suivante, 3, 1) - timedelta(days=1)),  # → hiver
        Periode(4, date(suivante, 3, 1), date(suivante, 4, 30)),        # → printemps
        Periode(5, date(suivante, 5, 1), fin_annee_scolaire(debut)),    # → juillet
    )


def periode_de(jour: date) -> Periode:
    """The période that contains ``jour``."""
    return next(p for p in periodes(annee_scolaire_de(jour)) if p.debut <= jour <= p.fin)


def periodes_couvertes(debut_annee: int, *, du: date, au: date | None, jusqu_au: date) -> list[int]:
    """Numbers of the périodes of school year ``debut_annee`` that the span [du, au] touches.

    ``au`` is None for something still running: it then runs until ``jusqu_au`` (usually
    today), so that a période not yet begun is never ticked.
    """
    fin = min(au, jusqu_au) if au else jusqu_au
    return [p.numero for p in periodes(debut_annee) if du <= p.fin and fin >= p.debut]
