"""A maître E corrects a session in a real browser, on a tablet (768 px wide): she ticked
« Absent » for Nassim by mistake; she opens the session from her list, sets him « Présent »,
saves, and her list shows the corrected attendance and rate at once (issue 12)."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from aides.enums import Presence, TypeAide
from aides.models import PresenceSeance
from tests.factories_parcours import aide_en_cours, demande_deposee, seance_notee
from tests.navigateur.conftest import TABLETTE


def test_maitre_e_corrige_un_absent_en_present(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal,
    axe_sans_violation_grave,
):
    maitre_e = monde["maitre_e"]
    aides = [
        aide_en_cours(demande_deposee(eleve=eleve, auteur=monde["enseignant"]), TypeAide.E, maitre_e,
                      motif="Décidé en synthèse RASED.", demarrer=True)
        for eleve in (monde.eleve_a1, monde.eleve_a2)
    ]
    lea, nassim = aides
    seance = seance_notee(maitre_e, [PresenceSeance(aide=lea), PresenceSeance(aide=nassim, presence=Presence.ABSENT)])
    jour = f"{timezone.localdate():%d/%m/%Y}"

    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    page.get_by_role("link", name="Séances", exact=True).click()
    expect(page.get_by_text("50 % (1 présence sur 2)")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Nassim MOREAU")).to_contain_text("Absent")

    page.get_by_role("link", name=f"Corriger la séance du {jour}").click()
    expect(page.get_by_role("heading", name=f"Corriger la séance du {jour}")).to_be_visible()
    presence_nassim = page.get_by_label("Présence de Nassim MOREAU")
    expect(presence_nassim).to_have_value("absent")
    expect(page.get_by_label("Nassim MOREAU", exact=True)).to_be_checked()
    presence_nassim.select_option(label="Présent")
    page.get_by_label("Observation pour Nassim MOREAU").fill("Arrivé en retard du CMP, a tout suivi.")
    sans_defilement_horizontal()
    axe_sans_violation_grave("maître E · correction d'une séance")
    capture("correction-seance-01-tablette-formulaire")
    page.get_by_role("button", name="Enregistrer la correction").click()

    expect(page.get_by_text(f"La séance du {jour} a été corrigée.")).to_be_visible()
    expect(page.get_by_text("100 % (2 présences sur 2)")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Nassim MOREAU")).to_contain_text("Présent")
    expect(page.get_by_role("listitem").filter(has_text="Nassim MOREAU")).not_to_contain_text(re.compile("Absent"))
    sans_defilement_horizontal()
    axe_sans_violation_grave("maître E · séances après correction")
    capture("correction-seance-02-tablette-liste-corrigee")

    assert seance.presences.get(aide=nassim).presence == Presence.PRESENT
    assert seance.presences.get(aide=nassim).observation == "Arrivé en retard du CMP, a tout suivi."
    assert erreurs_console == [], erreurs_console
