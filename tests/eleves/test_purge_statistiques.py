"""The yearly statistics survive the retention purge (issue « Trust »): before deleting files,
``manage.py purge`` freezes the activity report of every past school year they count in; the
page and the CSV of those years give the same figures afterwards, and no purged name."""

import csv
import io
import re

import pytest
from django.urls import reverse

from aides.models import StatistiqueAnnuelle
from aides.rapports import Effectif, calculer_rapport_annuel, rapport_annuel
from eleves.enums import Role
from eleves.models import Eleve
from eleves.scolarite import libelle_annee
from tests.eleves.test_purge import C, _comptes, _purge, monde_retention  # noqa: F401 (fixture)
from tests.factories import UtilisateurFactory

ANNEES_PASSEES = list(range(C - 5, C))


def _csv(client, debut) -> list[list[str]]:
    reponse = client.get(reverse("rapport_annuel_csv", args=[debut]))
    assert reponse.status_code == 200
    return list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))


def _chiffres(lignes: list[list[str]]) -> list[str]:
    """The figures of the CSV's blocks (numbers, « < 5 », « secret »), not their titles."""
    return [c for ligne in lignes for c in ligne[1:] if re.fullmatch(r"\d+(,\d+)?|< 5|secret", c)]


def _page(client, debut) -> str:
    reponse = client.get(reverse("rapport_annuel"), {"annee": debut})
    assert reponse.status_code == 200
    # The CSRF token of the sign-out form changes at each page, nothing else may.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", reponse.content.decode())


@pytest.fixture
def ien(monde_retention):
    nord = monde_retention["purges"][0].circonscription
    return UtilisateurFactory(role=Role.CIRCONSCRIPTION, circonscription=nord)


def test_purge_fige_les_bilans_des_annees_passees_et_les_chiffres_restent(client, monde_retention, ien, preuve):
    client.force_login(ien)
    noms = [e.nom for e in monde_retention["purges"]]
    avant_csv = {d: _csv(client, d) for d in [*ANNEES_PASSEES, C]}
    avant_page = {d: _page(client, d) for d in ANNEES_PASSEES}
    # The data set counts in the past years: a purge without freezing would change them.
    assert any(c != "0" for d in ANNEES_PASSEES for c in _chiffres(avant_csv[d]))

    sortie = _purge()

    assert "Dossiers d'élèves supprimés : 4" in sortie
    assert not Eleve.objects.filter(nom__in=noms).exists()
    figees = sorted(StatistiqueAnnuelle.objects.filter(circonscription=ien.circonscription)
                    .values_list("debut", flat=True))
    assert figees and set(figees) <= set(ANNEES_PASSEES)
    assert C not in figees  # the current year stays live
    assert "Bilans d'activité figés avant suppression : " + libelle_annee(figees[0]) in sortie
    lignes_comparees = 0
    for debut in ANNEES_PASSEES:
        apres = _csv(client, debut)
        assert apres == avant_csv[debut], debut
        lignes_comparees += len(apres) - 1
        page = _page(client, debut)
        assert page == avant_page[debut], debut
        for nom in noms:
            assert nom not in page
    # The live computation has indeed changed for the years frozen: the rows are gone.
    changees = [d for d in figees if calculer_rapport_annuel(circonscription=ien.circonscription, debut=d)
                .tableau("ecoles").total != rapport_annuel(circonscription=ien.circonscription, debut=d)
                .tableau("ecoles").total]
    assert changees
    preuve(f"[conservation] années figées : {', '.join(libelle_annee(d) for d in figees)} ; "
           f"années dont le calcul en direct a changé : {len(changees)} ; "
           f"lignes CSV comparées : {lignes_comparees} (identiques)")


def test_purge_simulee_ne_fige_rien(monde_retention):
    sortie = _purge("--dry-run")
    assert "Bilans d'activité seraient figés avant suppression" in sortie
    assert not StatistiqueAnnuelle.objects.exists()


def test_purge_deux_fois_idempotente(monde_retention):
    _purge()
    figees = list(StatistiqueAnnuelle.objects.values_list("pk", "debut", "donnees", "calcule_le"))
    apres = _comptes()
    sortie = _purge()
    assert "Rien à supprimer." in sortie and "figés" not in sortie
    assert list(StatistiqueAnnuelle.objects.values_list("pk", "debut", "donnees", "calcule_le")) == figees
    assert _comptes() == apres


def test_bilan_fige_garde_le_secret_statistique(monde_retention, ien):
    """The frozen cells are Effectif again: « < 5 » from 1 to 4, exactly as live."""
    _purge()
    fige = StatistiqueAnnuelle.objects.filter(circonscription=ien.circonscription).order_by("debut").first()
    rapport = rapport_annuel(circonscription=ien.circonscription, debut=fige.debut)
    cellules = [c for t in rapport.tableaux for _, ligne in t.lignes for c in ligne]
    effectifs = [c for c in cellules if isinstance(c, Effectif)]
    assert any(c.masque for c in effectifs)
    assert all(str(c) == "< 5" for c in effectifs if c.petit)
    assert all(str(c) == "secret" for c in effectifs if c.masque and not c.petit)
