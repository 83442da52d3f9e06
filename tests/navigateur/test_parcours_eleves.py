"""The foundation's journey in a real browser: a directeur signs in, finds a pupil, adds a parent.

On a tablet (768 px wide): no page may need horizontal scrolling; the last one is also captured
at desktop width.
"""

import re

from playwright.sync_api import expect

from tests.factories import UtilisateurFactory
from tests.navigateur.conftest import BUREAU, TABLETTE

MOT_DE_PASSE = "mot-de-passe-de-test-2026"


def _se_connecter(page, site, username):
    page.goto(f"{site}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()


def test_directeur_cherche_un_eleve_et_ajoute_un_responsable(
    site, page, monde, capture, erreurs_console, sans_defilement_horizontal
):
    page.set_viewport_size(TABLETTE)
    _se_connecter(page, site, "directeur")
    expect(page.get_by_role("heading", name=re.compile("École Jean Jaurès"))).to_be_visible()
    sans_defilement_horizontal()
    capture("directeur-accueil")

    page.get_by_role("link", name="Élèves", exact=True).first.click()
    page.get_by_label("Nom ou prénom").fill("Moreau")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("1 élève correspondant à la recherche")).to_be_visible()
    assert "Moreau" not in page.url
    sans_defilement_horizontal()
    capture("directeur-recherche")

    page.get_by_role("link", name="MOREAU").click()
    expect(page.get_by_role("heading", name="Nassim MOREAU")).to_be_visible()
    assert re.search(r"/eleves/\d+/$", page.url)

    page.get_by_role("link", name="Ajouter un responsable").click()
    page.get_by_label("Lien avec l'élève").select_option("pere")
    page.locator("#id_nom").fill("Moreau")
    page.get_by_label("Prénom").fill("Karim")
    page.get_by_label("Code postal").fill("6910")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le code postal comporte 5 chiffres.").first).to_be_visible()
    sans_defilement_horizontal()
    capture("directeur-erreur-formulaire")

    page.get_by_label("Code postal").fill("69100")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le responsable légal a été ajouté.")).to_be_visible()
    expect(page.get_by_text("Karim MOREAU", exact=True)).to_be_visible()
    sans_defilement_horizontal()
    capture("directeur-fiche-eleve")
    page.set_viewport_size(BUREAU)
    capture("directeur-fiche-eleve-bureau")
    assert erreurs_console == [], erreurs_console


def test_enseignant_ne_voit_que_sa_classe(site, page, monde, capture, erreurs_console, sans_defilement_horizontal):
    page.set_viewport_size(TABLETTE)
    _se_connecter(page, site, "enseignant")
    expect(page.get_by_role("link", name=re.compile("CE1 A"))).to_be_visible()
    page.get_by_role("link", name="Voir mes élèves").click()
    expect(page.get_by_role("link", name="PETIT")).to_be_visible()
    expect(page.get_by_text("MOREAU")).to_have_count(0)
    sans_defilement_horizontal()
    capture("enseignant-eleves")

    page.goto(f"{site}/eleves/{monde.eleve_b1.pk}/")
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    assert erreurs_console == [] or all("404" in e for e in erreurs_console)


def test_compte_inconnu_message_en_francais(site, page, db):
    UtilisateurFactory(username="quelqu-un")
    page.goto(f"{site}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("quelqu-un")
    page.get_by_label("Mot de passe").fill("faux-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text(re.compile("Saisissez un nom d’utilisateur et un mot de passe valides"))).to_be_visible()
