"""« Mon activité » in a real browser, on a tablet (768 px): a maître E with sessions in two
schools opens her figures from the menu, chooses a période, prints the PDF; axe finds no serious
violation, the page does not scroll sideways, the charts are there."""

import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from eleves.calendrier import Calendrier
from eleves.scolarite import annee_scolaire_de
from tests.factories_aides import AideFactory, DemandeAideFactory, SeanceFactory
from tests.navigateur.conftest import TABLETTE


def _jour_d_ecole(jour: date) -> date:
    calendrier = Calendrier()
    while not calendrier.est_jour_d_ecole(jour):
        jour += timedelta(days=1)
    return jour


def _aide(monde, eleve, classe, membre, debut):
    demande = DemandeAideFactory(eleve=eleve, classe=classe, auteur=monde["enseignant"], envoyee=True,
                                 etat="aide_decidee", famille_informee_le=debut)
    return AideFactory(demande=demande, type="E", intervenant=membre, etat="en_cours", debut=debut)


def test_mon_activite_sur_tablette(site, page, monde, se_connecter, capture, sans_defilement_horizontal,
                                   pdf_telecharge, erreurs_console):
    annee = annee_scolaire_de(timezone.localdate())
    membre = monde["maitre_e"]
    a1 = _aide(monde, monde.eleve_a1, monde.classe_a1, membre, date(annee, 9, 14))
    a2 = _aide(monde, monde.eleve_b1, monde.classe_b1, membre, date(annee, 9, 14))
    SeanceFactory(intervenant=membre, date=_jour_d_ecole(date(annee, 10, 5)), duree=45, aides=[a1])
    SeanceFactory(intervenant=membre, date=_jour_d_ecole(date(annee, 11, 16)), duree=60, aides=[a1, a2],
                  modalite="en_classe")

    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mon activité").click()
    expect(page.get_by_role("heading", name=f"Mon activité — Année scolaire {annee}-{annee + 1}")).to_be_visible()
    expect(page.locator("svg.graphique")).to_have_count(2)
    ecoles = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("^Par école")))
    expect(ecoles.get_by_role("row", name=re.compile("^École Jean Jaurès"))).to_contain_text("1 h 45")
    sans_defilement_horizontal()
    capture("mon-activite-annee")

    page.get_by_label("Période", exact=True).select_option(label="Période 2")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name=f"Mon activité — Période 2 {annee}-{annee + 1}")).to_be_visible()
    expect(page.get_by_role("region", name="Chiffres clés")).to_contain_text("1 h 00")
    sans_defilement_horizontal()
    capture("mon-activite-periode-2")

    entetes, texte = pdf_telecharge(page.get_by_role("link", name="Imprimer (PDF)"), nom_capture="mon-activite-pdf")
    assert entetes["content-type"] == "application/pdf"
    assert f"Période 2 {annee}-{annee + 1}" in texte and "École Jean Jaurès" in texte
    assert "Petit" not in texte and "Garcia" not in texte
    assert not erreurs_console
