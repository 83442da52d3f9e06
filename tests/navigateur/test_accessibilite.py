"""Accessibility (RGAA 4.1 / WCAG 2.1 AA) of the main pages, checked with axe-core in Chromium.

One request is arranged at every stage (draft, sent, under analysis, other answer, aid decided,
aid running with a validated programme); then each role signs in through /connexion/ and axe
runs on the pages that role reaches, including a form shown with its errors. No violation of
impact « serious » or « critical » is allowed; the offending ones are printed as a table.
A second test: the teacher files a draft request with the keyboard alone, after the skip link.
"""

from collections import Counter

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from aides.enums import EtatDemande, TypeAide
from aides.models import DemandeAide
from tests.factories import eleve_inscrit
from tests.factories_parcours import (
    aides_decidees,
    aides_en_cours,
    autre_reponse,
    demande_deposee,
    prise_en_charge,
    programme_valide,
)

IMPACTS_BLOQUANTS = {"serious", "critical"}
# WCAG 2.1 A and AA: what RGAA 4.1 transposes.
OPTIONS_AXE = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}


def _une_demande_a_chaque_etape(monde) -> dict:
    """Pupils of the teacher's class and of école A, one request at each stage."""
    e, psy, enseignant = monde["maitre_e"], monde["psychologue"], monde["enseignant"]
    classe = monde.classe_a1

    def envoyee(eleve, auteur=enseignant):
        return demande_deposee(eleve=eleve, auteur=auteur)

    demandes = {
        "brouillon": demande_deposee(eleve=eleve_inscrit(classe, nom="Brouillon", prenom="Anna"), auteur=enseignant,
                                     envoyer=False, famille_informee_le=None, famille_informee_par=""),
        "envoyee": envoyee(eleve_inscrit(classe, nom="Envoi", prenom="Bilal")),
        "en_analyse": prise_en_charge(envoyee(eleve_inscrit(classe, nom="Analyse", prenom="Chloé")), referent=e),
        "autre_reponse": autre_reponse(envoyee(eleve_inscrit(classe, nom="Conseil", prenom="Dina")), auteur=e,
                                       motif="Conseils."),
        "aide_decidee": envoyee(monde.eleve_a2, monde["directeur"]),
    }
    aides_decidees(demandes["aide_decidee"], {TypeAide.E: e}, motif="Aide E.")
    # The richest one: Léa, aid E and follow-up by the psychologist, programme validated.
    demande = demandes["aide_en_cours"] = envoyee(monde.eleve_a1)
    aides = aides_en_cours(demande, {TypeAide.E: e, TypeAide.PSY: psy}, referent=e, motif="Décodage et anxiété.",
                           )
    programme = programme_valide(aides[TypeAide.E], objectifs=[
        {"intitule": "Lire les syllabes complexes", "critere": "20 mots", "responsable": "E"}])
    assert {d.etat for d in DemandeAide.objects.all()} == set(EtatDemande) - {EtatDemande.CLOTUREE}
    return {"demandes": demandes, "programme": programme}


def _soumettre_vide(page, bouton):
    """Submit the form as is, past the browser's own checks, to get the server's error state."""
    page.locator("form[method=post]").last.evaluate("f => { f.noValidate = true; }")
    page.get_by_role("button", name=bouton, exact=True).click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()


def test_pages_principales_sans_violation_grave(site, page, monde, erreurs_console, se_connecter, se_deconnecter):
    donnees = _une_demande_a_chaque_etape(monde)
    demande = donnees["demandes"]["aide_en_cours"]
    eleve = monde.eleve_a1
    axe = Axe()
    controlees: dict[str, list[str]] = {}
    violations: Counter = Counter()
    exemples: dict = {}

    def verifier(role, nom):
        page.wait_for_load_state()
        resultats = axe.run(page, options=OPTIONS_AXE).response
        controlees.setdefault(role, []).append(nom)
        for violation in resultats["violations"]:
            if violation["impact"] in IMPACTS_BLOQUANTS:
                cle = (f"{role} · {nom}", violation["id"], violation["impact"])
                violations[cle] += len(violation["nodes"])
                for noeud in violation["nodes"]:
                    exemples.setdefault(violation["id"], {})[str(noeud["target"])] = noeud["failureSummary"]

    def visiter(role, nom, chemin):
        reponse = page.goto(f"{site}{chemin}")
        assert reponse.ok, f"{role} : {chemin} → {reponse.status}"
        verifier(role, nom)

    # Anonymous: the login page, then its error state.
    visiter("anonyme", "connexion", "/connexion/")
    _soumettre_vide(page, "Se connecter")
    verifier("anonyme", "connexion (erreurs)")

    communes = [("accueil", "/"), ("élèves", "/eleves/"), ("fiche élève", f"/eleves/{eleve.pk}/"),
                ("demande", f"/demandes/{demande.pk}/")]
    for username, pages in {
        "enseignant": [*communes, ("demandes", "/demandes/"),
                       ("nouvelle demande", f"/eleves/{eleve.pk}/demandes/nouvelle/")],
        "directeur": [*communes, ("écoles", "/ecoles/"), ("nouvel élève", "/eleves/nouveau/")],
        "maitre-e": [*communes, ("à traiter", "/rased/demandes/"), ("séances", "/seances/"),
                     ("programme", f"/programmes/{donnees['programme'].pk}/"),
                     ("noter une séance", "/seances/nouvelle/")],
        "psychologue": communes,
        "circonscription": [("accueil", "/"), ("élèves", "/eleves/"), ("rapport annuel", "/rapports/activite/")],
        "admin": [("accueil", "/"), ("élèves", "/eleves/"), ("écoles", "/ecoles/")],
    }.items():
        se_connecter(username)
        for nom, chemin in pages:
            visiter(username, nom, chemin)
        if username == "enseignant":
            _soumettre_vide(page, "Envoyer au RASED")
            verifier(username, "nouvelle demande (erreurs)")
        if username == "directeur":
            _soumettre_vide(page, "Enregistrer")
            verifier(username, "nouvel élève (erreurs)")
        if username == "maitre-e":
            _soumettre_vide(page, "Enregistrer la séance")
            verifier(username, "noter une séance (erreurs)")
        se_deconnecter()

    print("\nPages contrôlées par axe :")
    for role, noms in controlees.items():
        print(f"  {role:16} {', '.join(noms)}")
    if violations:
        lignes = [f"{'page':45} {'règle':28} {'impact':9} nœuds"]
        lignes += [f"{p:45} {r:28} {i:9} {n}" for (p, r, i), n in sorted(violations.items())]
        lignes += [
            f"{regle} : {cible} — {resume.splitlines()[-1].strip()}"
            for regle, noeuds in exemples.items() for cible, resume in noeuds.items()
        ]
        raise AssertionError("Violations graves ou critiques :\n" + "\n".join(lignes))
    assert erreurs_console == [], erreurs_console


def test_demande_au_clavier_seul(site, page, monde, se_connecter):
    se_connecter("enseignant")
    page.goto(f"{site}/eleves/{monde.eleve_a1.pk}/demandes/nouvelle/")
    expect(page.get_by_role("heading", name="Nouvelle demande d'aide")).to_be_visible()

    # The skip link is the first thing Tab reaches, and leads to the main content.
    page.keyboard.press("Tab")
    focus = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert focus == ["Aller au contenu", "#contenu"], focus
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()

    def tabuler_jusqu_a(locator, limite=80):
        for _ in range(limite):
            page.keyboard.press("Tab")
            if locator.evaluate("e => e === document.activeElement"):
                return
        raise AssertionError(f"{locator} n'est pas atteint au clavier")

    domaine = page.get_by_label("1.1 Langue française à l'oral et à l'écrit")
    tabuler_jusqu_a(domaine)
    page.keyboard.press("Space")
    expect(domaine).to_be_checked()
    difficultes = page.get_by_label("Difficultés observées")
    tabuler_jusqu_a(difficultes)
    page.keyboard.type("Lecture très lente, déchiffrage hésitant.")
    brouillon = page.get_by_role("button", name="Enregistrer le brouillon")
    tabuler_jusqu_a(brouillon)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Le brouillon a été enregistré. Vous pourrez le compléter plus tard.")).to_be_visible()
    demande = DemandeAide.objects.get(eleve=monde.eleve_a1)
    assert demande.etat == EtatDemande.BROUILLON
    assert demande.domaines == ["1.1"]
    assert demande.difficultes == "Lecture très lente, déchiffrage hésitant."
