"""A maître E logs a 4-pupil group session with one absence from her slot, on a tablet, in three
interactions: open « Noter la séance », one tap on « Absent », « Enregistrer la séance » (issue 13:
at most 5). The same session through the form that lists her whole caseload (25 aids) is timed too,
for comparison. Times are printed as proofs, never asserted (they depend on the machine)."""

import time as chrono
from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aides.enums import Presence, TypeAide
from aides.models import Seance
from eleves.selectors import calendrier_scolaire
from tests.factories import eleve_inscrit
from tests.factories_aides import CreneauFactory, GroupeFactory, MembreGroupeFactory
from tests.factories_parcours import aide_en_cours, demande_deposee
from tests.navigateur.conftest import MOT_DE_PASSE, TABLETTE

AUJOURD_HUI = timezone.localdate()
DEBUT = AUJOURD_HUI - timedelta(days=60)
PRENOMS = ["Léa", "Nassim", "Jade", "Yanis", "Emma", "Louis", "Chloé", "Adam", "Inès", "Hugo", "Lina", "Noah",
           "Zoé", "Sacha", "Alice", "Tom", "Mila", "Rayan", "Rose", "Gabin", "Lou", "Nolan", "Anna", "Malo", "Iris"]


def _aides(monde, n):
    """``n`` pupils of école A (both classes) with an E aid en cours led by maitre_e, started 60 days ago."""
    aides = []
    for i, prenom in enumerate(PRENOMS[:n]):
        classe = monde.classe_a1 if i % 2 == 0 else monde.classe_a2
        eleve = eleve_inscrit(classe, nom=f"Élève{i:02d}", prenom=prenom)
        demande = demande_deposee(eleve=eleve, auteur=monde["enseignant"], famille_informee_le=DEBUT - timedelta(days=20))
        aides.append(aide_en_cours(demande, TypeAide.E, monde["maitre_e"], motif="Décidé en synthèse RASED.",
                                   accord_le=DEBUT - timedelta(days=5), debut=DEBUT))
    return aides


def _dernier_jour_d_ecole(monde):
    calendrier = calendrier_scolaire(monde.nord.pk)
    return next(AUJOURD_HUI - timedelta(days=k) for k in range(1, 30)
                if calendrier.est_jour_d_ecole(AUJOURD_HUI - timedelta(days=k)))


def _nom(aide):
    return f"{aide.eleve.prenom} {aide.eleve.nom.upper()}"


def test_noter_une_seance_de_groupe_depuis_son_creneau_en_trois_gestes(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal, preuve,
):
    aides = _aides(monde, 4)
    groupe = GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="Lecture CE1-CM1")
    for aide in aides:
        MembreGroupeFactory(groupe=groupe, aide=aide, ajoute_le=DEBUT)
    jour = _dernier_jour_d_ecole(monde)
    creneau = CreneauFactory(groupe=groupe, jour=jour.weekday(), heure=time(9, 30), duree=45, du=DEBUT,
                             au=AUJOURD_HUI + timedelta(days=30))
    absent = aides[1]
    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")

    gestes = 0
    debut = chrono.perf_counter()
    page.goto(site + reverse("seance_noter", args=[creneau.pk, jour.isoformat()]))  # « Noter la séance »
    gestes += 1
    expect(page.get_by_role("heading", name="Noter la séance du")).to_contain_text(f"{jour:%d/%m/%Y}")
    page.get_by_role("group", name=f"Présence de {_nom(absent)}").get_by_text("Absent", exact=True).click()
    gestes += 1
    page.get_by_role("button", name="Enregistrer la séance").click()
    gestes += 1
    expect(page.get_by_text(f"La séance du {jour:%d/%m/%Y} a été enregistrée (4 élèves).")).to_be_visible()
    duree = chrono.perf_counter() - debut

    preuve(f"[preuve noter] séance de groupe depuis le créneau : {gestes} gestes (4 élèves, 1 absent), "
           f"{duree:.2f} s en automatisation")
    assert gestes <= 5
    seance = Seance.objects.get()
    assert (seance.creneau_id, seance.date, seance.heure, seance.duree) == (creneau.pk, jour, time(9, 30), 45)
    assert dict(seance.presences.values_list("aide_id", "presence")) == {
        a.pk: Presence.ABSENT if a == absent else Presence.PRESENT for a in aides
    }
    sans_defilement_horizontal()
    capture("noter-seance-02-liste-apres-enregistrement")

    # The slot's link, once the day is logged, opens the session's correction.
    page.goto(site + reverse("seance_noter", args=[creneau.pk, jour.isoformat()]))
    expect(page.get_by_role("heading", name=f"Corriger la séance du {jour:%d/%m/%Y}")).to_be_visible()
    assert erreurs_console == [], erreurs_console


def test_le_formulaire_de_noter_se_lit_sur_tablette(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal,
):
    aides = _aides(monde, 5)
    groupe = GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="Lecture CE1-CM1")
    for aide in aides[:4]:
        MembreGroupeFactory(groupe=groupe, aide=aide, ajoute_le=DEBUT)
    jour = _dernier_jour_d_ecole(monde)
    creneau = CreneauFactory(groupe=groupe, jour=jour.weekday(), du=DEBUT, au=AUJOURD_HUI + timedelta(days=30))
    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    page.goto(site + reverse("seance_noter", args=[creneau.pk, jour.isoformat()]))
    for aide in aides[:4]:
        expect(page.get_by_role("group", name=f"Présence de {_nom(aide)}").get_by_label("Présent")).to_be_checked()
    # The fifth pupil of the school is behind « Ajouter un élève », closed.
    expect(page.get_by_label(_nom(aides[4]), exact=True)).to_be_hidden()
    page.get_by_text("Ajouter un élève").click()
    expect(page.get_by_label(_nom(aides[4]), exact=True)).not_to_be_checked()
    sans_defilement_horizontal()
    capture("noter-seance-01-tablette-formulaire")
    assert erreurs_console == [], erreurs_console


def test_la_meme_seance_avec_le_formulaire_de_toute_la_file_active(
    site, page, monde, erreurs_console, se_connecter, preuve,
):
    """For comparison: the session form listing the member's 25 aids; she types the date and the
    duration, ticks the four pupils, sets one « Absent », saves."""
    aides = _aides(monde, 25)
    groupe = [aides[3], aides[8], aides[14], aides[21]]
    absent = groupe[1]
    jour = _dernier_jour_d_ecole(monde)
    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")

    gestes = 0
    debut = chrono.perf_counter()
    page.goto(site + reverse("seance_creer"))
    gestes += 1
    page.get_by_label("Date").fill(jour.isoformat())
    gestes += 1
    page.get_by_label("Durée (minutes)").fill("45")
    gestes += 1
    for aide in groupe:
        page.get_by_label(_nom(aide), exact=True).check()
        gestes += 1
    page.get_by_label(f"Présence de {_nom(absent)}").select_option(label="Absent")
    gestes += 1
    page.get_by_role("button", name="Enregistrer la séance").click()
    gestes += 1
    expect(page.get_by_text(f"La séance du {jour:%d/%m/%Y} a été enregistrée (4 élèves).")).to_be_visible()
    duree = chrono.perf_counter() - debut

    preuve(f"[preuve noter] la même séance par le formulaire habituel (25 aides) : {gestes} gestes, "
           f"{duree:.2f} s en automatisation")
    seance = Seance.objects.get()
    assert seance.creneau_id is None and seance.presences.count() == 4
    assert seance.presences.get(aide=absent).presence == Presence.ABSENT
    assert erreurs_console == [], erreurs_console


def test_noter_sans_javascript(site, browser, monde, browser_context_args):
    """The one-tap buttons are radio inputs: without any script, a tap still marks the pupil absent."""
    aides = _aides(monde, 4)
    groupe = GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="Lecture CE1-CM1")
    for aide in aides:
        MembreGroupeFactory(groupe=groupe, aide=aide, ajoute_le=DEBUT)
    jour = _dernier_jour_d_ecole(monde)
    creneau = CreneauFactory(groupe=groupe, jour=jour.weekday(), du=DEBUT, au=AUJOURD_HUI + timedelta(days=30))
    contexte = browser.new_context(**browser_context_args, java_script_enabled=False, viewport=TABLETTE)
    try:
        page = contexte.new_page()
        page.goto(f"{site}/connexion/")
        page.get_by_label("Nom d’utilisateur").fill("maitre-e")
        page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
        page.get_by_role("button", name="Se connecter").click()
        page.goto(site + reverse("seance_noter", args=[creneau.pk, jour.isoformat()]))
        page.get_by_role("group", name=f"Présence de {_nom(aides[2])}").get_by_text("Excusé", exact=True).click()
        page.get_by_role("button", name="Enregistrer la séance").click()
        expect(page.get_by_text(f"La séance du {jour:%d/%m/%Y} a été enregistrée (4 élèves).")).to_be_visible()
    finally:
        contexte.close()
    seance = Seance.objects.get(creneau=creneau)
    assert dict(seance.presences.values_list("aide_id", "presence")) == {
        a.pk: Presence.EXCUSE if a == aides[2] else Presence.PRESENT for a in aides
    }
