"""No typed work lost (issue 13), in a real browser: what a member or a teacher typed survives a
dropped network and an expired session, character for character, and is saved exactly once; two
minutes before the idle limit the page offers « Rester connecté », which renews the session."""

import re

from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from aides.models import DemandeAide, EnvoiFormulaire, Observation
from tests.factories_parcours import demande_deposee, prise_en_charge
from tests.navigateur.conftest import MOT_DE_PASSE, TABLETTE

# Long, with accents, French quotes and line breaks: every character counts.
TEXTE_OBSERVATION = (
    "Dictée de 10 mots : confusions b/d (« bébé » → « dédé »), p/q une fois.\n"
    "Relit mieux à voix haute ; s'appuie sur le doigt — stratégie à garder.\n\n"
    "À revoir : « ou », « on », « an » en fin de mot. Œil vif, très attentif après 15 min."
)
TEXTE_DIFFICULTES = (
    "Lecture très lente (28 mots/minute en novembre), déchiffrage syllabe par syllabe.\n"
    "Ne retient pas ce qu'il lit : « Je sais pas ce que ça raconte. »"
)
TEXTE_POINTS_APPUI = "Très bon à l'oral, curieux ; aime qu'on lui lise des histoires d'animaux."


BROUILLONS_GARDES = (
    "[localStorage, sessionStorage].flatMap(s => Object.keys(s)).filter(k => k.startsWith('rased-brouillon:')).length")


def _brouillons_gardes(page) -> int:
    return page.evaluate(BROUILLONS_GARDES)


def _aucun_brouillon_garde(page) -> None:
    """Wait for the page's script (deferred: it may run just after the text shows) to drop the drafts."""
    page.wait_for_function(f"() => ({BROUILLONS_GARDES}) === 0", timeout=5_000)


def _tel_que_tape(texte: str) -> str:
    """A text as stored, compared with what was typed: browsers send a textarea's line breaks as
    CRLF (HTML's form encoding), which the server keeps."""
    return texte.replace("\r\n", "\n")


def _erreurs_hors_reseau(erreurs):
    """The console errors but Chromium's own note of a request refused while offline."""
    return [e for e in erreurs if "ERR_INTERNET_DISCONNECTED" not in e]


def test_reseau_coupe_puis_revenu_un_clic_envoie_l_observation_une_fois(
    site, page, monde, capture, erreurs_console, se_connecter,
):
    demande = prise_en_charge(
        demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"]), referent=monde["maitre_e"])
    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    page.goto(f"{site}/demandes/{demande.pk}/observations/ajouter/")
    page.get_by_label("Type").select_option(label="Analyse des erreurs")
    page.get_by_label("Observation").fill(TEXTE_OBSERVATION)

    page.context.set_offline(True)
    page.get_by_role("button", name="Enregistrer l'observation").click()

    bandeau = page.get_by_role("alert").filter(has_text="Non envoyé — réessayer")
    expect(bandeau).to_be_visible()
    expect(page.get_by_label("Observation")).to_have_value(TEXTE_OBSERVATION)
    capture("brouillons-01-reseau-coupe-non-envoye")
    assert Observation.objects.count() == 0

    page.context.set_offline(False)
    bandeau.get_by_role("button", name="Réessayer l'envoi").click()

    expect(page.get_by_text("L'observation a été enregistrée.")).to_be_visible()
    observation = Observation.objects.get()
    assert _tel_que_tape(observation.contenu) == TEXTE_OBSERVATION  # 0 characters lost
    assert EnvoiFormulaire.objects.get().utilisateur == monde["maitre_e"]
    _aucun_brouillon_garde(page)  # the server confirmed: the draft is gone
    assert _erreurs_hors_reseau(erreurs_console) == [], erreurs_console


def test_session_expiree_reconnexion_ramene_au_formulaire_avec_les_saisies(
    site, page, monde, capture, erreurs_console, se_connecter,
):
    eleve = monde.eleve_a1
    se_connecter("enseignant")
    page.goto(f"{site}/eleves/{eleve.pk}/demandes/nouvelle/")
    formulaire = page.url
    page.get_by_label("Difficultés observées").fill(TEXTE_DIFFICULTES)
    page.get_by_label("Points d'appui").fill(TEXTE_POINTS_APPUI)

    Session.objects.all().delete()  # the session ends on the server (idle limit reached)
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    expect(page.get_by_text("Votre session a expiré. Vos saisies sont conservées dans ce navigateur")).to_be_visible()
    capture("brouillons-02-session-expiree-connexion")
    assert not DemandeAide.objects.filter(eleve=eleve).exists()
    page.get_by_label("Nom d’utilisateur").fill("enseignant")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url(formulaire)
    expect(page.get_by_text("Votre session avait expiré : vos saisies ont été conservées")).to_be_visible()
    expect(page.get_by_label("Difficultés observées")).to_have_value(TEXTE_DIFFICULTES)
    expect(page.get_by_label("Points d'appui")).to_have_value(TEXTE_POINTS_APPUI)
    capture("brouillons-03-formulaire-restaure")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.get_by_text("Le brouillon a été enregistré.")).to_be_visible()
    demande = DemandeAide.objects.get(eleve=eleve)
    assert _tel_que_tape(demande.difficultes) == TEXTE_DIFFICULTES  # 0 characters lost
    assert demande.points_appui == TEXTE_POINTS_APPUI
    _aucun_brouillon_garde(page)
    assert erreurs_console == [], erreurs_console


def test_brouillon_propose_au_retour_puis_efface_a_la_deconnexion(
    site, page, monde, capture, erreurs_console, se_connecter, se_deconnecter,
):
    demande = prise_en_charge(
        demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"]), referent=monde["maitre_e"])
    se_connecter("maitre-e")
    adresse = f"{site}/demandes/{demande.pk}/observations/ajouter/"
    page.goto(adresse)
    page.get_by_label("Observation").fill(TEXTE_OBSERVATION)
    page.goto(f"{site}/")  # left without saving

    page.goto(adresse)
    expect(page.get_by_label("Observation")).to_have_value("")
    capture("brouillons-05-brouillon-propose")
    page.get_by_role("button", name=re.compile(r"^Restaurer le brouillon du \d\d.\d\d.\d{4} à \d\d:\d\d$")).click()
    expect(page.get_by_label("Observation")).to_have_value(TEXTE_OBSERVATION)
    assert _brouillons_gardes(page) == 1

    se_deconnecter()
    _aucun_brouillon_garde(page)
    assert erreurs_console == [], erreurs_console


def test_brouillons_du_psychologue_dans_l_onglet_seulement(site, page, monde, se_connecter):
    demande = prise_en_charge(
        demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"]), referent=monde["psychologue"])
    se_connecter("psychologue")
    page.goto(f"{site}/demandes/{demande.pk}/observations/ajouter/")
    page.get_by_label("Observation").fill("Entretien : anxiété de performance.")

    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('rased-brouillon:')).length") == 0
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('rased-brouillon:')).length") == 1


def test_rester_connecte_renouvelle_la_session(site, page, monde, capture, erreurs_console, se_connecter, settings):
    # The idle limit shortened to 2 min 5 s: the warning comes 5 s after the page is shown.
    settings.SESSION_COOKIE_AGE = 125
    se_connecter("maitre-e")

    rester = page.get_by_role("button", name="Rester connecté")
    expect(rester).to_be_visible(timeout=20_000)
    expect(page.get_by_role("alert").filter(has_text="votre session se terminera dans 2 minutes")).to_be_visible()
    capture("brouillons-04-avertissement-session")
    avant = Session.objects.get().expire_date
    page.wait_for_timeout(1100)
    rester.click()

    expect(rester).to_be_hidden()
    assert Session.objects.get().expire_date > avant
    assert erreurs_console == [], erreurs_console


def test_formulaire_revenu_avec_ses_erreurs_ne_propose_pas_de_brouillon(site, page, monde, erreurs_console, se_connecter):
    """The page that comes back with errors shows what was sent: no « Restaurer » to click."""
    demande = prise_en_charge(
        demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"]), referent=monde["maitre_e"])
    se_connecter("maitre-e")
    page.goto(f"{site}/demandes/{demande.pk}/observations/ajouter/")
    page.get_by_label("Observation").fill("  Observation sans type.  ")
    page.get_by_role("button", name="Enregistrer l'observation").click()

    expect(page.locator("#erreurs")).to_be_visible()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name=re.compile("^Restaurer"))).to_have_count(0)
    expect(page.get_by_label("Observation")).to_have_value("  Observation sans type.  ")
    assert not Observation.objects.exists()
    assert erreurs_console == [], erreurs_console


def test_session_finie_pendant_l_avertissement_se_reconnecter_rend_les_saisies(
    site, page, monde, erreurs_console, se_connecter, settings,
):
    """« Rester connecté » clicked too late: the page says the session has ended, keeps what was
    typed, and « Se reconnecter » comes back to the form with it."""
    settings.SESSION_COOKIE_AGE = 125
    se_connecter("enseignant")
    page.goto(f"{site}/eleves/{monde.eleve_a1.pk}/demandes/nouvelle/")
    formulaire = page.url
    page.get_by_label("Difficultés observées").fill(TEXTE_DIFFICULTES)
    rester = page.get_by_role("button", name="Rester connecté")
    expect(rester).to_be_visible(timeout=20_000)

    Session.objects.all().delete()
    rester.click()

    expect(page.get_by_text("Votre session a expiré. Vos saisies sont conservées dans ce navigateur.")).to_be_visible()
    page.get_by_role("button", name="Se reconnecter").click()
    page.get_by_label("Nom d’utilisateur").fill("enseignant")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url(formulaire)
    expect(page.get_by_text("Votre session avait expiré : vos saisies ont été conservées")).to_be_visible()
    expect(page.get_by_label("Difficultés observées")).to_have_value(TEXTE_DIFFICULTES)
    assert not DemandeAide.objects.filter(eleve=monde.eleve_a1).exists()
    # The refused « Rester connecté » (403, the session had ended) is the only console line.
    assert [e for e in erreurs_console if "403" not in e] == [], erreurs_console
