"""The documents people print, in a real browser at tablet width (768 px).

The directeur follows the school's requests and prints the list of the pupils helped per
période (the LSU's « RASED » mention); circonscription staff print a pupil's fiche de suivi and
the RASED's yearly activity report. Each PDF is downloaded by Chromium from the page's link,
served as ``application/pdf`` and read back with pypdf; the yearly report is prepared by the task
queue (« Préparer le PDF ») and downloaded from the print's page. The aids behind them are arranged
through the services: their steps are driven in the browser by test_parcours_aide.py and
test_parcours_rased.py. A pupil followed by the psychologist is there too: their name must not
reach the directeur's list (no nominative list of the psychologist's pupils).
"""

import re
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from aides.enums import TypeAide
from eleves.scolarite import periode_de
from tests.factories_parcours import demande_aidee, programme_valide
from tests.navigateur.conftest import BUREAU, TABLETTE


def _aide_en_cours(monde, eleve, type_aide, intervenant):
    """A request filed by the directeur, answered by one aid, the family agreeing, started today."""
    return demande_aidee(eleve=eleve, auteur=monde["directeur"], intervenants={type_aide: intervenant})


def test_directeur_suit_l_ecole_et_imprime_les_eleves_aides_par_periode(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal,
    axe_sans_violation_grave, pdf_telecharge,
):
    _aide_en_cours(monde, monde.eleve_a1, TypeAide.E, monde["maitre_e"])
    _aide_en_cours(monde, monde.eleve_a2, TypeAide.PSY, monde["psychologue"])
    periode = periode_de(timezone.localdate())

    page.set_viewport_size(TABLETTE)
    se_connecter("directeur")
    ecole = page.get_by_role("region", name="Demandes d'aide de l'école")
    # The RASED's answers count as one for the directeur (aides.rules.etat_lisible).
    expect(ecole.get_by_text("Réponse apportée par le RASED : 2")).to_be_visible()
    sans_defilement_horizontal()
    capture("directeur-01-tablette-accueil")

    # The school's requests: both pupils' requests, whatever aid answers them.
    ecole.get_by_role("link", name="Toutes les demandes").click()
    expect(page.get_by_role("row", name=re.compile("Léa PETIT"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Nassim MOREAU"))).to_be_visible()
    sans_defilement_horizontal()
    axe_sans_violation_grave("directeur · demandes de l'école")

    # The pupils helped per période: Léa (aide E), not the psychologist's pupil.
    page.get_by_role("link", name="Accueil", exact=True).click()
    page.get_by_role("link", name="Élèves aidés par période").click()
    expect(page.get_by_role("heading", name=re.compile("Élèves aidés par le RASED — École Jean Jaurès"))).to_be_visible()
    page.get_by_label("Période").select_option(str(periode.numero))
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_label("Période")).to_have_value(str(periode.numero))
    ligne = page.get_by_role("row", name=re.compile("PETIT Léa"))
    cases = ["E" if numero == periode.numero else "—" for numero in range(1, 6)]
    expect(ligne.get_by_role("cell")).to_have_text(["CE1", "E", *cases])
    expect(page.get_by_text("MOREAU")).to_have_count(0)
    sans_defilement_horizontal()
    axe_sans_violation_grave("directeur · élèves aidés par période")
    capture("directeur-02-tablette-eleves-aides")

    entetes, texte = pdf_telecharge(
        page.get_by_role("link", name="Imprimer (PDF)"), nom_capture="directeur-03-tablette-pdf"
    )
    assert entetes["content-type"] == "application/pdf"
    # The file name names the school by its number, never a pupil.
    assert re.fullmatch(
        r'inline; filename="eleves-aides-ecole-\d+-\d{4}-\d{4}-p\d\.pdf"', entetes["content-disposition"]
    )
    assert f"période {periode.numero}" in texte
    assert "PETIT Léa" in texte and "CE1 A" in texte
    assert "MOREAU" not in texte and "Nassim" not in texte

    # The same list at desktop width.
    page.set_viewport_size(BUREAU)
    capture("directeur-04-bureau-eleves-aides")
    assert erreurs_console == [], erreurs_console


def test_circonscription_imprime_une_fiche_de_suivi_et_le_bilan_annuel(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal,
    axe_sans_violation_grave, pdf_telecharge,
):
    demande = _aide_en_cours(monde, monde.eleve_a1, TypeAide.E, monde["maitre_e"])
    programme_valide(demande.aides.get(), objectifs=[{"intitule": "Lire les syllabes complexes",
                                                      "critere": "20 mots", "responsable": "E"}])

    page.set_viewport_size(TABLETTE)
    se_connecter("circonscription")
    sans_defilement_horizontal()
    capture("circonscription-01-tablette-accueil")

    # A pupil's fiche de suivi, from the pupil's page.
    page.get_by_role("link", name="Élèves", exact=True).first.click()
    page.get_by_label("Nom ou prénom").fill("Petit")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="PETIT").click()
    expect(page.get_by_role("heading", name="Léa PETIT")).to_be_visible()
    sans_defilement_horizontal()
    axe_sans_violation_grave("circonscription · fiche élève")
    capture("circonscription-02-tablette-eleve")
    entetes, texte = pdf_telecharge(
        page.get_by_role("link", name="Imprimer la fiche de suivi (PDF)"),
        nom_capture="circonscription-03-tablette-fiche-de-suivi-pdf",
    )
    assert entetes["content-type"] == "application/pdf"
    assert entetes["content-disposition"] == f'inline; filename="fiche-de-suivi-{monde.eleve_a1.pk}.pdf"'
    assert "Fiche de suivi" in texte and "PETIT" in texte
    assert "Lire les syllabes complexes" in texte

    # The yearly activity report: the page, then its PDF.
    page.get_by_role("link", name="Accueil", exact=True).click()
    page.get_by_role("link", name="Bilan d'activité du RASED").click()
    expect(page.get_by_role("heading", name=re.compile("Bilan d'activité"))).to_be_visible()
    sans_defilement_horizontal()
    axe_sans_violation_grave("circonscription · bilan d'activité")
    capture("circonscription-04-tablette-bilan-annuel")
    # « Préparer le PDF »: the task queue renders it (at once here, ImmediateBackend), the print's
    # page offers the file (tests/navigateur/test_impression_groupee.py follows a real worker).
    page.get_by_role("button", name="Préparer le PDF").click()
    expect(page.get_by_role("heading", name="Bilan d'activité annuel du RASED")).to_be_visible()
    sans_defilement_horizontal()
    capture("circonscription-05-tablette-bilan-pret")
    with page.expect_download() as attente:
        page.get_by_role("link", name=re.compile("^Télécharger bilan-activite-rased-")).click()
    assert re.fullmatch(r"bilan-activite-rased-\d{4}-\d{4}\.pdf", attente.value.suggested_filename)
    contenu = Path(attente.value.path()).read_bytes()
    texte = "\n".join(p.extract_text() for p in PdfReader(BytesIO(contenu)).pages)
    assert "Bilan d'activité du RASED" in texte and "Lyon Nord" in texte and "Chiffres clés" in texte
    # One pupil helped: counted, and printed « < 5 » (statistical secrecy); nobody named.
    assert "< 5" in texte
    assert "PETIT" not in texte and "Léa" not in texte

    page.set_viewport_size(BUREAU)
    capture("circonscription-06-bureau-bilan-annuel")
    assert erreurs_console == [], erreurs_console
