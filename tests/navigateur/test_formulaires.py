"""The two forms people fill most, checked for keyboard use and for how errors are told.

- The session log (séance) is filled and sent with the keyboard alone: Tab, typing, Space and
  Enter, no click and no ``fill`` (the request form's own test is in test_accessibilite.py).
- A form sent with errors says so twice: a summary at the top (role « alert », focusable, one
  link per error leading to its field) and, next to each field, its message, tied to the field by
  ``aria-describedby`` with the field marked ``aria-invalid``. Checked on the request form and on
  the session log, at tablet width (768 px).
"""

from django.utils import timezone
from playwright.sync_api import expect

from aides.enums import Presence, TypeAide
from aides.models import DemandeAide, PresenceSeance, Seance
from eleves.calendrier import Calendrier
from tests.factories import eleve_inscrit
from tests.factories_parcours import demande_aidee
from tests.navigateur.conftest import TABLETTE


def _aide_e_en_cours(monde, eleve):
    """An E aid led by maître E, started today, for a request of the directeur."""
    demande = demande_aidee(eleve=eleve, auteur=monde["directeur"], intervenants={TypeAide.E: monde["maitre_e"]})
    return demande.aides.get()


def _tabuler_jusqu_a(page, locator, limite=80):
    for _ in range(limite):
        page.keyboard.press("Tab")
        if locator.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{locator} n'est pas atteint au clavier")


def test_seance_au_clavier_seul(site, page, monde, se_connecter, capture):
    aide_lea = _aide_e_en_cours(monde, monde.eleve_a1)
    aide_nassim = _aide_e_en_cours(monde, monde.eleve_a2)
    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    page.goto(f"{site}/seances/nouvelle/")
    expect(page.get_by_role("heading", name="Noter une séance")).to_be_visible()

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()

    # Date (today) and duration (45 minutes) are offered: the duration is typed over.
    duree = page.get_by_label("Durée (minutes)")
    _tabuler_jusqu_a(page, duree)
    page.keyboard.press("Control+A")
    page.keyboard.type("50")
    _tabuler_jusqu_a(page, page.get_by_label("Ce qui a été travaillé"))
    page.keyboard.type("Jeu de l'oie des sons.")
    lea = page.get_by_label("Léa PETIT", exact=True)
    _tabuler_jusqu_a(page, lea)
    page.keyboard.press("Space")
    expect(lea).to_be_checked()
    _tabuler_jusqu_a(page, page.get_by_label("Observation pour Léa PETIT"))
    page.keyboard.type("Plus à l'aise avec « oi ».")
    nassim = page.get_by_label("Nassim MOREAU", exact=True)
    _tabuler_jusqu_a(page, nassim)
    page.keyboard.press("Space")
    presence = page.get_by_label("Présence de Nassim MOREAU")
    _tabuler_jusqu_a(page, presence)
    # A closed select changes with the arrow keys: Présent → Absent.
    page.keyboard.press("ArrowDown")
    expect(presence).to_have_value(Presence.ABSENT)
    capture("clavier-seance-tablette")
    _tabuler_jusqu_a(page, page.get_by_role("button", name="Enregistrer la séance"))
    page.keyboard.press("Enter")
    if not Calendrier().est_jour_d_ecole(timezone.localdate()):
        # Run on a weekend or a public holiday: today's date asks for a confirmation, by keyboard too.
        confirmer = page.get_by_label("Confirmer quand même cette date")
        _tabuler_jusqu_a(page, confirmer)
        page.keyboard.press("Space")
        expect(confirmer).to_be_checked()
        _tabuler_jusqu_a(page, page.get_by_role("button", name="Enregistrer la séance"))
        page.keyboard.press("Enter")

    expect(page.get_by_text("a été enregistrée (2 élèves).")).to_be_visible()
    seance = Seance.objects.get()
    assert (seance.date, seance.duree, seance.contenu) == (timezone.localdate(), 50, "Jeu de l'oie des sons.")
    assert set(PresenceSeance.objects.values_list("aide_id", "presence", "observation")) == {
        (aide_lea.pk, Presence.PRESENT, "Plus à l'aise avec « oi »."),
        (aide_nassim.pk, Presence.ABSENT, ""),
    }


def _erreurs_annoncees(page, attendues: dict[str, str]):
    """The summary at the top links to each field in error; each field says its own error."""
    resume = page.get_by_role("alert").filter(has_text="Le formulaire contient")
    expect(resume).to_be_visible()
    expect(resume).to_be_focused()
    liens = resume.get_by_role("link")
    cibles = [lien.get_attribute("href") for lien in liens.all()]
    for id_champ, message in attendues.items():
        assert f"#{id_champ}" in cibles, (id_champ, cibles)
        champ = page.locator(f"#{id_champ}")
        expect(champ).to_have_attribute("aria-invalid", "true")
        # A group of checkboxes is described as a whole, on its fieldset.
        decrit_par = champ.evaluate(
            "e => [e, e.closest('fieldset')].filter(Boolean)"
            ".flatMap(x => (x.getAttribute('aria-describedby') || '').split(' ')).filter(Boolean)"
        )
        textes = [page.locator(f"#{ident}").inner_text() for ident in decrit_par]
        assert any(message in texte for texte in textes), (id_champ, decrit_par, textes)
    # Following a link of the summary takes the focus to its field.
    premier = next(iter(attendues))
    resume.locator(f"a[href='#{premier}']").first.click()
    expect(page.locator(f"#{premier}")).to_be_focused()


def test_erreurs_annoncees_pres_du_champ_et_en_tete(
    site, page, monde, se_connecter, se_deconnecter, capture, axe_sans_violation_grave,
    sans_defilement_horizontal,
):
    aide = _aide_e_en_cours(monde, eleve_inscrit(monde.classe_a1, nom="Roux", prenom="Emma"))
    page.set_viewport_size(TABLETTE)

    # The request form, sent to the RASED with nothing filled.
    se_connecter("enseignant")
    page.goto(f"{site}/eleves/{monde.eleve_a1.pk}/demandes/nouvelle/")
    page.get_by_role("button", name="Envoyer au RASED").click()
    assert not DemandeAide.objects.filter(eleve=monde.eleve_a1).exists()
    _erreurs_annoncees(page, {
        "id_domaines_0": "Cochez au moins un domaine du socle commun avant l'envoi.",
        "id_difficultes": "Décrivez les difficultés observées avant l'envoi.",
        "id_famille_informee_le": "La famille doit être informée avant l'envoi : indiquez la date.",
        "id_famille_informee_par": "La famille doit être informée avant l'envoi : indiquez comment.",
    })
    sans_defilement_horizontal()
    axe_sans_violation_grave("enseignant · demande avec erreurs")
    capture("erreurs-demande-tablette")
    se_deconnecter()

    # The session log: a duration out of bounds, an absence noted for a pupil left unticked.
    se_connecter("maitre-e")
    page.goto(f"{site}/seances/nouvelle/")
    page.get_by_label("Durée (minutes)").fill("500")
    page.get_by_label("Présence de Emma ROUX").select_option(label="Absent")
    page.locator("form[method=post]").last.evaluate("f => { f.noValidate = true; }")
    page.get_by_role("button", name="Enregistrer la séance").click()
    _erreurs_annoncees(page, {
        "id_duree": "Une séance dure entre",
        f"id_participe_{aide.pk}": "sans cocher « participe »",
    })
    sans_defilement_horizontal()
    axe_sans_violation_grave("maître E · séance avec erreurs")
    capture("erreurs-seance-tablette")
