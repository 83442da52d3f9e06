"""French numbers and durations: one formatter for pages, PDFs and CSVs.

Besides the examples, each former copy of the formatter is kept here as a reference and
compared over a range of values: the pages, PDFs and CSVs print what they printed before.
"""

from decimal import Decimal

import pytest

from rased.formats import duree_fr, nombre_fr


@pytest.mark.parametrize(("valeur", "attendu"), [
    (None, ""),
    (0, "0"),
    (7, "7"),
    (3.0, "3"),
    (2.5, "2,5"),
    (1.33, "1,33"),
    (Decimal("41.50"), "41,5"),
    (Decimal("40.00"), "40"),
    (Decimal(100), "100"),
    (Decimal("0.00"), "0"),
    (Decimal("-3.25"), "-3,25"),
])
def test_nombre_fr_virgule_sans_zeros_inutiles(valeur, attendu):
    assert nombre_fr(valeur) == attendu


@pytest.mark.parametrize(("valeur", "decimales", "attendu"), [
    (2.25, 1, "2,2"),
    (2.35, 1, "2,4"),
    (3.0, 1, "3"),
    (12.345, 2, "12,35"),
    (10.0, 1, "10"),
    (2 / 3, 2, "0,67"),
    (5, 1, "5"),
])
def test_nombre_fr_arrondi(valeur, decimales, attendu):
    assert nombre_fr(valeur, decimales) == attendu


@pytest.mark.parametrize(("valeur", "attendu"), [
    (Decimal("4.50"), "+4,5"), (Decimal(-2), "-2"), (Decimal(0), "0"), (None, ""),
])
def test_nombre_fr_signe_devant_un_nombre_positif(valeur, attendu):
    assert nombre_fr(valeur, signe=True) == attendu


@pytest.mark.parametrize(("minutes", "attendu"), [
    (0, "0 h 00"), (5, "0 h 05"), (45, "0 h 45"), (60, "1 h 00"), (90, "1 h 30"), (1505, "25 h 05"),
])
def test_duree_fr_heures_et_minutes(minutes, attendu):
    assert duree_fr(minutes) == attendu


# --- The former copies, as they were, against the one formatter --------------------------------

def _g(nombre):  # aides/rapports.py _decimal, aides/pdf/graphiques.py _nombre
    return f"{nombre:g}".replace(".", ",")


def _un_chiffre(valeur):  # aides/pdf/bilan.py _nombre, for a float
    return f"{valeur:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _decimal_exact(valeur, signe=False):  # aides/pdf/suivi.py _nombre
    texte = f"{valeur:f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    texte = texte.replace(".", ",")
    return f"+{texte}" if signe and valeur > 0 else texte


def _normalise(valeur):  # aides/pdf/bilan.py _nombre, for a Decimal
    return f"{valeur.normalize():f}".replace(".", ",")


def _taille_en_mo(octets):  # eleves/forms.py taille_en_mo
    return f"{octets / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")


MINUTES = range(0, 3000, 7)
DECIMAUX = [Decimal(n) / 100 for n in range(-2000, 10001, 37)] + [Decimal("12.5"), Decimal("41.37"), Decimal(18)]


def test_memes_textes_que_les_anciennes_copies():
    for minutes in MINUTES:
        heures = round(minutes / 60, 2)
        assert nombre_fr(heures) == _g(heures)  # hours in the yearly report's CSV and charts
        jours = minutes / 7
        assert nombre_fr(jours, 1) == _g(round(jours, 1))  # waiting times of the yearly report
        moyenne = 1 + (minutes % 31) / 10
        assert nombre_fr(moyenne, 1) == _un_chiffre(moyenne)  # mean scores of the bilans
        assert nombre_fr(minutes) == _g(minutes)  # counts in the charts
        assert duree_fr(minutes) == f"{minutes // 60} h {minutes % 60:02d}"
    for valeur in DECIMAUX:
        assert nombre_fr(valeur) == _decimal_exact(valeur) == _normalise(valeur)
        assert nombre_fr(valeur, signe=True) == _decimal_exact(valeur, signe=True)
    for octets in range(0, 12 * 1024 * 1024, 98_765):
        assert nombre_fr(octets / (1024 * 1024), 1) == _taille_en_mo(octets)
