"""The directeur's ONDE import in a real browser: the pupils' extraction, then the guardians'.

The files are the fixtures of tests/eleves/donnees/, in ONDE's layout, uploaded as they are; the
page is a tablet's width (no horizontal scrolling), and axe runs on each page.
"""

import re
from pathlib import Path

from playwright.sync_api import expect

from eleves.models import Eleve, ResponsableLegal
from tests.navigateur.conftest import TABLETTE

DONNEES = Path(__file__).resolve().parents[1] / "eleves" / "donnees"


def test_directeur_importe_eleves_puis_responsables_onde(
    site, page, monde, se_connecter, capture, erreurs_console, sans_defilement_horizontal
):
    page.set_viewport_size(TABLETTE)
    se_connecter("directeur")

    # 1. The pupils' extraction, as ONDE gives it (UTF-8 with BOM).
    page.get_by_role("link", name="Importer une liste (CSV)").click()
    expect(page.get_by_role("heading", name=re.compile("Importer une liste d'élèves"))).to_be_visible()
    page.get_by_label("Fichier CSV").set_input_files(DONNEES / "onde_eleves_utf8_bom.csv")
    page.get_by_role("button", name="Vérifier le fichier").click()

    expect(page.get_by_role("heading", name=re.compile("Aperçu de l'import"))).to_be_visible()
    expect(page.get_by_text("Fichier reconnu : l'extraction des élèves ONDE.")).to_be_visible()
    expect(page.get_by_role("row", name="BENALI Yanis 13/01/2019")).to_be_visible()
    expect(page.get_by_text("GS B - Mme Œillet (GS)")).to_be_visible()
    assert not Eleve.objects.filter(nom="BENALI").exists()
    sans_defilement_horizontal()
    capture("directeur-onde-01-apercu-eleves")

    page.get_by_label("Créer les classes manquantes").check()
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text("1 classe créée, 4 élèves importés, 1 déjà présent.")).to_be_visible()

    page.get_by_role("link", name=re.compile("GS B - Mme Œillet")).click()
    eleves = page.get_by_role("table")
    expect(eleves.get_by_role("row", name="LEFÈVRE Hélène 03/02/2021 GS")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name=re.compile("^CE1 A")).click()
    eleves = page.get_by_role("table")
    expect(eleves.get_by_role("row", name="BENALI Yanis 13/01/2019")).to_be_visible()
    expect(eleves.get_by_role("row", name="DURAND Chloé 12/05/2019")).to_be_visible()
    sans_defilement_horizontal()
    capture("directeur-onde-02-classe-importee")

    # 2. The guardians' extraction (Windows-1252, as ONDE often writes it).
    page.goto(f"{site}/ecoles/{monde.ecole_a.pk}/import/")
    page.get_by_label("Fichier CSV").set_input_files(DONNEES / "onde_responsables_cp1252.csv")
    page.get_by_role("button", name="Vérifier le fichier").click()

    expect(page.get_by_text("Fichier reconnu : l'extraction des responsables ONDE.")).to_be_visible()
    expect(page.get_by_text(re.compile("6 lignes lues : 7 responsables à ajouter"))).to_be_visible()
    expect(page.get_by_text(re.compile("« Autre responsable légal »"))).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=re.compile("^Lucas DURAND \\(6EME\\)$"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Mme Claire DURAND"))).to_contain_text(
        "Léa PETIT (CE1 A) : nouveau responsable de l'élève"
    )
    assert not ResponsableLegal.objects.exists()
    sans_defilement_horizontal()
    capture("directeur-onde-03-apercu-responsables")

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text("7 responsables ajoutés à la fiche d'un élève, 0 mis à jour, 0 inchangé.")).to_be_visible()

    # 3. On Léa's file: her two guardians, ready for the letters.
    page.get_by_role("link", name=re.compile("^CE1 A")).click()
    page.get_by_role("link", name="PETIT").click()
    famille = page.get_by_role("region", name="Responsables légaux")
    expect(famille.get_by_text("Mme Claire DURAND — Autre responsable légal")).to_be_visible()
    expect(famille.get_by_text("M. Marc PETIT — Autre responsable légal")).to_be_visible()
    expect(famille.get_by_text(re.compile("1000 BRUXELLES \\(BELGIQUE\\)"))).to_be_visible()
    sans_defilement_horizontal()
    capture("directeur-onde-04-fiche-responsables")
    assert erreurs_console == [], erreurs_console
