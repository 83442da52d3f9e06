from datetime import date

import pytest

from eleves.scolarite import (
    annee_scolaire_de,
    cle_nom,
    debut_depuis_libelle,
    libelle_annee,
    uai_valide,
)


@pytest.mark.parametrize(
    "jour, debut",
    [(date(2026, 9, 1), 2026), (date(2026, 12, 31), 2026), (date(2027, 1, 5), 2026),
     (date(2027, 7, 4), 2026), (date(2027, 8, 20), 2027)],
)
def test_annee_scolaire_derivee_de_la_date(jour, debut):
    assert annee_scolaire_de(jour) == debut


def test_libelle_annee_aller_retour():
    assert libelle_annee(2026) == "2026-2027"
    assert debut_depuis_libelle(" 2026-2027 ") == 2026
    with pytest.raises(ValueError):
        debut_depuis_libelle("2026-2028")


@pytest.mark.parametrize("code, valide", [("0750001A", True), ("0750001a", True), ("075001A", False),
                                           ("07500012", False), ("A0750001", False)])
def test_code_uai(code, valide):
    assert uai_valide(code) is valide


def test_cle_nom_ignore_accents_casse_tirets():
    assert cle_nom("Élodie  LEFÈVRE-Martin") == cle_nom("elodie lefevre martin")
    assert cle_nom("Zoé") != cle_nom("Zoe Anne")
