"""The five périodes of a school year (approximate bounds, the same for every zone)."""

from datetime import date, timedelta
from itertools import pairwise

import pytest

from eleves.scolarite import periode_de, periodes, periodes_couvertes


def test_cinq_periodes_contigues_couvrent_toute_l_annee():
    liste = periodes(2026)
    assert [p.numero for p in liste] == [1, 2, 3, 4, 5]
    assert liste[0].debut == date(2026, 8, 1)
    assert liste[-1].fin == date(2027, 7, 31)
    for precedente, suivante in pairwise(liste):
        assert suivante.debut == precedente.fin + timedelta(days=1)
    assert liste[0].libelle == "Période 1"
    assert liste[2].abrege == "P3"


@pytest.mark.parametrize("annee, fin_fevrier", [(2026, date(2027, 2, 28)), (2027, date(2028, 2, 29))])
def test_periode_3_finit_fin_fevrier_meme_bissextile(annee, fin_fevrier):
    assert periodes(annee)[2].fin == fin_fevrier


@pytest.mark.parametrize(
    "jour, numero",
    [
        (date(2026, 9, 1), 1),     # rentrée
        (date(2026, 10, 31), 1),   # vacances de la Toussaint, toutes zones
        (date(2026, 11, 2), 2),
        (date(2026, 12, 18), 2),   # veille des vacances de Noël
        (date(2027, 1, 4), 3),
        (date(2027, 3, 15), 4),
        (date(2027, 5, 10), 5),
        (date(2027, 7, 3), 5),     # fin d'année
        (date(2027, 8, 25), 1),    # pré-rentrée : l'année suivante
    ],
)
def test_periode_d_une_date(jour, numero):
    assert periode_de(jour).numero == numero


def test_periode_de_l_annee_suivante_en_aout():
    assert periode_de(date(2027, 8, 25)).debut == date(2027, 8, 1)


def test_periodes_couvertes_par_une_aide_terminee():
    assert periodes_couvertes(2026, du=date(2026, 11, 16), au=date(2027, 3, 5), jusqu_au=date(2027, 6, 1)) == [2, 3, 4]


def test_aide_en_cours_s_arrete_a_aujourd_hui():
    assert periodes_couvertes(2026, du=date(2026, 10, 1), au=None, jusqu_au=date(2027, 1, 10)) == [1, 2, 3]


def test_aide_commencee_l_annee_precedente_compte_des_la_periode_1():
    assert periodes_couvertes(2026, du=date(2026, 3, 2), au=date(2026, 11, 20), jusqu_au=date(2027, 6, 1)) == [1, 2]


def test_aide_d_une_autre_annee_ne_couvre_rien():
    assert periodes_couvertes(2026, du=date(2025, 10, 1), au=date(2026, 6, 30), jusqu_au=date(2027, 6, 1)) == []
