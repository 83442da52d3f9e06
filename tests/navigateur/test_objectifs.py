"""The programme's objectives in a real browser (static/js/programme.js): maître E finds a skill
by typing a few words, which fills the objective; adds two objectives with « Ajouter un
objectif » without saving in between; then saves once. The CSP allows only 'self': a blocked
script or request would show in the console."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from aides import competences
from aides.enums import TypeAide
from aides.models import Competence, Programme
from tests.factories_parcours import aide_en_cours, demande_deposee
from tests.navigateur.conftest import TABLETTE


def test_objectifs_competence_cherchee_et_deux_objectifs_ajoutes_sans_enregistrer(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal
):
    # The browser tests empty every table after each test: the reference list is loaded again.
    competences.charger(Competence, competences.lire())
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"], domaines=["1.1"],
                              difficultes="Déchiffrage hésitant.")
    aide = aide_en_cours(demande, TypeAide.E, monde["maitre_e"], motif="Aide E.")
    decoder = Competence.objects.get(code="C2-FR-LE-01")
    calculer = Competence.objects.get(code="C2-MA-NC-04")

    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    page.goto(f"{site}{reverse('programme_creer', args=[aide.pk])}")
    expect(page.get_by_role("heading", name="Nouveau programme personnalisé")).to_be_visible()
    page.get_by_label("Modalité").select_option(label="En petit groupe")

    # 1. The first objective: a skill found by a few words, without accents.
    page.locator("#id_objectifs-0-competence-recherche").fill("decoder mots")
    suggestion = page.get_by_role("button", name=re.compile("^Identifier des mots rapidement"))
    expect(suggestion).to_be_visible()
    capture("objectifs-01-suggestions")
    suggestion.click()
    expect(page.locator("#id_objectifs-0-competence")).to_have_value(str(decoder.pk))
    expect(page.locator("#id_objectifs-0-domaine")).to_have_value("1.1")
    expect(page.locator("#id_objectifs-0-intitule")).to_have_value(decoder.intitule)
    page.locator("#id_objectifs-0-critere").fill("Lit 20 mots réguliers en une minute")
    page.locator("#id_objectifs-0-responsable").fill("Maître E")
    page.locator("#id_objectifs-0-maitrise_initiale").select_option(label="Maîtrise fragile")

    # 2. Two more objectives, added in the page: rows 2 and 3 (row 1, left blank, is ignored).
    ajouter = page.get_by_role("button", name="Ajouter un objectif")
    ajouter.click()
    expect(page.locator("#id_objectifs-2-competence-recherche")).to_be_focused()
    page.locator("#id_objectifs-2-domaine").select_option(value="2")
    page.locator("#id_objectifs-2-intitule").fill("Organiser son matériel avant la séance")
    page.locator("#id_objectifs-2-critere").fill("Seul, sans oubli, trois séances de suite")
    page.locator("#id_objectifs-2-responsable").fill("Famille")
    ajouter.click()
    page.locator("#id_objectifs-3-competence-recherche").fill("calculer entiers")
    page.get_by_role("button", name=re.compile("^Calculer avec des nombres entiers")).click()
    expect(page.locator("#id_objectifs-3-competence")).to_have_value(str(calculer.pk))
    page.locator("#id_objectifs-3-critere").fill("Ajoute deux nombres à deux chiffres")
    page.locator("#id_objectifs-3-responsable").fill("Enseignant")
    page.locator("#id_objectifs-3-maitrise_initiale").select_option(label="Maîtrise insuffisante")
    expect(page.locator('input[name="objectifs-TOTAL_FORMS"]')).to_have_value("4")
    sans_defilement_horizontal()
    capture("objectifs-02-quatre-lignes")

    # 3. Saved once.
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le programme personnalisé a été enregistré comme brouillon.")).to_be_visible()
    programme = Programme.objects.get(aide=aide)
    assert list(programme.objectifs.values_list("ordre", "competence", "domaine", "intitule", "maitrise_initiale")) == [
        (1, decoder.pk, "1.1", decoder.intitule, "fragile"),
        (2, None, "2", "Organiser son matériel avant la séance", ""),
        (3, calculer.pk, "1.3", calculer.intitule, "insuffisante"),
    ]
    expect(page.get_by_role("cell", name="Maîtrise fragile")).to_be_visible()
    capture("objectifs-03-programme")
    assert erreurs_console == []
