"""Charts drawn on the server (SVG): text alternative, escaping, and the pupil page's charts
of the bilans each viewer may read (self-esteem for psychologists only)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.models import Evaluation
from aides.pdf.bilan import BILANS_SUR_LA_PAGE
from aides.pdf.graphiques import Groupe, barres_groupees
from tests.aides.test_imprimes import HOSTILE, MARQUEURS_PSY, construire_dossier
from tests.conftest import PERSONAS
from tests.factories_aides import EvaluationFactory, EvaluationObjectifFactory


def test_barres_groupees_alternative_textuelle_et_legende():
    svg = barres_groupees(
        [Groupe("Objectif 1", (2, 3), ("Maîtrise fragile", "Maîtrise satisfaisante")), Groupe("Objectif 2", (None, 4))],
        titre="Maîtrise", series=("Au début", "Maintenant"), maximum=4,
        graduations=((1, "insuffisante"), (4, "très bonne")), legende_echelle="Échelle : 1 à 4",
    )
    assert 'role="img"' in svg
    assert "<title>Maîtrise</title>" in svg
    desc = re.search(r"<desc>(.*)</desc>", svg).group(1)
    assert desc == ("Objectif 1 : Au début Maîtrise fragile, Maintenant Maîtrise satisfaisante ; "
                    "Objectif 2 : Au début non renseigné, Maintenant 4. Échelle : 1 à 4")
    assert svg.count("<rect") == 3 + 2  # three bars (one value missing) and two legend keys
    assert ">très bonne</text>" in svg
    assert "style=" not in svg


def test_barres_groupees_echappe_le_texte_et_abrege_les_longs_libelles():
    long = "Un objectif au libellé vraiment très long pour tenir dans la marge"
    svg = barres_groupees([Groupe(HOSTILE, (1,)), Groupe(long, (2,))], titre="<b>titre</b>", maximum=4)
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;b&gt;titre&lt;/b&gt;" in svg
    assert long in svg  # whole in the text alternative
    assert "…</text>" in svg  # shortened in the drawing


def test_barres_groupees_sans_donnees_reste_valide():
    svg = barres_groupees([], titre="Rien")
    assert svg.startswith("<svg") and svg.endswith("</svg>")


# --- The pupil's page ---------------------------------------------------------------------------


@pytest.fixture
def dossier(monde):
    return construire_dossier(monde)


def _page_eleve(client, monde) -> str:
    return client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk])).content.decode()


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)


def test_page_eleve_graphiques_des_bilans_lisibles(client, monde, dossier):
    client.force_login(monde["enseignant"])
    page = _page_eleve(client, monde)
    assert "Évolution au fil des bilans" in page
    svgs = _svgs(page)
    assert len(svgs) == 2  # attainment and mastery; no self-esteem
    assert "<title>Atteinte moyenne des objectifs, bilan par bilan</title>" in svgs[0]
    assert "14/12/2026 — aide E : 2 / 4" in svgs[0]
    assert "14/12/2026 — aide E : Au début 2 / 4, Au bilan 3 / 4" in svgs[1]
    assert "15/12/2026" not in page  # the psychologist's bilan is not read by the teacher
    assert all("style=" not in svg for svg in svgs)
    assert "<summary>Données des graphiques</summary>" in page


def test_page_eleve_estime_de_soi_pour_les_psychologues(client, monde, dossier):
    client.force_login(monde["psychologue"])
    page = _page_eleve(client, monde)
    svgs = _svgs(page)
    assert len(svgs) == 3
    assert "<title>Estime de soi : au début et à la fin du suivi</title>" in svgs[2]
    assert ("15/12/2026 — suivi psy : Au début 12,5, À la fin 18 (+5,5). "
            f"Mesurée avec : {MARQUEURS_PSY['evaluation_instrument']}") in svgs[2]
    assert "15/12/2026 — suivi psy : 3 / 4" in svgs[0]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "psychologue"])
def test_page_eleve_sans_contenu_psy_pour_les_autres(client, monde, dossier, persona):
    client.force_login(monde[persona])
    page = _page_eleve(client, monde)
    for champ, marqueur in MARQUEURS_PSY.items():
        assert marqueur not in page, (persona, champ)
    assert "Estime de soi" not in page


def test_page_eleve_sans_bilan_sans_graphique(client, monde, demande_envoyee):
    client.force_login(monde["enseignant"])
    page = _page_eleve(client, monde)
    assert "Évolution au fil des bilans" not in page
    assert "<svg" not in page


def test_page_eleve_instrument_hostile_echappe(client, monde, dossier):
    Evaluation.objects.filter(pk=dossier["bilan_psy"].pk).update(estime_instrument=HOSTILE)
    client.force_login(monde["psychologue"])
    page = _page_eleve(client, monde)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _ajouter_bilans(dossier, nombre):
    programme = dossier["programme_e"]
    objectif = programme.objectifs.get()
    for i in range(nombre):
        evaluation = EvaluationFactory(programme=programme, type="intermediaire", date=date(2027, 1, 1 + i),
                                       suite="poursuite")
        EvaluationObjectifFactory(evaluation=evaluation, objectif=objectif, atteinte="atteint",
                                  maitrise_debut="fragile", maitrise_actuelle="tres_bonne")


@pytest.mark.parametrize("persona", ["enseignant", "maitre_e", "psychologue"])
def test_page_eleve_nombre_de_requetes_constant(client, monde, dossier, persona):
    client.force_login(monde[persona])
    _page_eleve(client, monde)
    with CaptureQueriesContext(connection) as peu:
        _page_eleve(client, monde)
    _ajouter_bilans(dossier, 6)
    with CaptureQueriesContext(connection) as beaucoup:
        page = _page_eleve(client, monde)
    assert "06/01/2027 — aide E" in page
    assert len(peu) == len(beaucoup)


def test_page_eleve_derniers_bilans_seulement(client, monde, dossier):
    _ajouter_bilans(dossier, BILANS_SUR_LA_PAGE)
    client.force_login(monde["maitre_e"])
    page = _page_eleve(client, monde)
    assert f"(les {BILANS_SUR_LA_PAGE} derniers bilans)" in page
    assert "14/12/2026" not in _svgs(page)[0]  # the oldest one is left out
    assert "10/01/2027 — aide E" in _svgs(page)[0]
