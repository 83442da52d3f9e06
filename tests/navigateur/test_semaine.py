"""« Ma semaine » in Chromium: a full week at tablet width (768 × 1024) with no horizontal scroll,
and printed on a single A4 landscape page (Chromium's PDF, counted with pypdf)."""

import re
from datetime import datetime, time, timedelta
from io import BytesIO

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from aides.emploi_du_temps import lundi_de
from eleves.calendrier import Calendrier
from tests.factories_aides import (
    ActionEquipeFactory,
    CreneauFactory,
    DemandeAideFactory,
    GroupeFactory,
    ReunionFactory,
)
from tests.navigateur.conftest import ARTEFACTS, TABLETTE


def _semaine_chargee(monde):
    """A member's full school week: three slots a day across two schools (one travel too short on
    Monday, an overlap on Tuesday), a meeting and a team action; returns its Monday."""
    aujourd_hui = timezone.localdate()
    lundi = lundi_de(aujourd_hui) + (timedelta(weeks=1) if aujourd_hui.weekday() >= 5 else timedelta())
    calendrier = Calendrier()
    while not all(calendrier.est_jour_d_ecole(lundi + timedelta(days=n)) for n in range(5)):
        lundi += timedelta(weeks=1)  # a week without a public holiday: five full days
    membre = monde["maitre_e"]
    groupes = [GroupeFactory(intervenant=membre, ecole=ecole, nom=nom) for ecole, nom in [
        (monde.ecole_a, "CP lecture"), (monde.ecole_b, "CE1 calcul mental"), (monde.ecole_a, "GS phonologie")]]
    for jour in range(5):
        for groupe, heure in zip(groupes, (time(9, 0), time(10, 10), time(14, 0)), strict=True):
            CreneauFactory(groupe=groupe, jour=jour, heure=heure, duree=60 if heure.hour == 9 else 45,
                           du=lundi, au=lundi + timedelta(days=4))
    CreneauFactory(groupe=groupes[2], jour=1, heure=time(14, 30), du=lundi, au=lundi + timedelta(days=4))
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    ReunionFactory(demande=demande, auteur=membre, date=timezone.make_aware(
        datetime.combine(lundi + timedelta(days=3), time(16, 30))))
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=membre, date=lundi + timedelta(days=2), theme="Fluence au CP")
    return lundi


def test_ma_semaine_sur_tablette_et_sur_une_page_a4_paysage(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal,
):
    lundi = _semaine_chargee(monde)
    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    page.get_by_role("link", name="Ma semaine", exact=True).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Ma semaine du"))).to_be_visible()
    page.goto(f"{site}/ma-semaine/?semaine={lundi:%Y-%m-%d}")
    expect(page.get_by_text(re.compile("Trajet de 20 min : il ne reste que 10 min entre École Jean Jaurès"))
           .first).to_be_visible()
    expect(page.get_by_text(re.compile("Chevauchement avec « GS phonologie »"))).to_be_visible()
    expect(page.get_by_text("Action auprès d'une équipe : Fluence au CP")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= TABLETTE["width"]
    sans_defilement_horizontal()
    capture("semaine-01-tablette")

    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    (ARTEFACTS / "semaine-02-a4-paysage.pdf").write_bytes(pdf)
    lecteur = PdfReader(BytesIO(pdf))
    texte = lecteur.pages[0].extract_text()
    assert len(lecteur.pages) == 1, f"{len(lecteur.pages)} pages"
    assert "CE1 calcul mental" in texte and "Chevauchement" in texte
    largeur, hauteur = lecteur.pages[0].mediabox.width, lecteur.pages[0].mediabox.height
    assert largeur > hauteur  # landscape
    assert not erreurs_console, erreurs_console
