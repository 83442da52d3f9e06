"""« Trust » issue, proof 4 in a real browser: the hostile corpus in every text field, read back.

The arrangement of tests/securite/test_entrees_hostiles.py, then ``stocker_partout``: every text
field of every row holds payloads (tests/securite/corpus_hostile.py). Chromium opens the main
pages holding them (pupil, request, programme, meeting, sessions, lists, edit forms) as maître E,
the directeur and the psychologist: no dialog opens, ``window.__pwned`` is never set, no CSP
violation is reported (a ``securitypolicyviolation`` listener installed before any script of
the page, and the console), and no inline script, event handler, iframe or object is in the DOM.
"""

from django.urls import reverse

from tests.securite.corpus_hostile import stocker_partout
from tests.securite.test_entrees_hostiles import _cote_a

ECOUTE = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
ETAT = """() => ({
  pwned: window.__pwned ?? null,
  violations: window.__violations,
  scripts_en_ligne: document.querySelectorAll("script:not([src])").length,
  gestionnaires: [...document.querySelectorAll("*")].filter(
    (e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
  intrus: document.querySelectorAll("iframe, object, embed, base").length,
  texte: document.body.innerText.includes("pwned"),
})"""


def _pages(cote, monde) -> dict[str, list[str]]:
    eleve, demande = cote.eleve.pk, cote.principale.pk
    return {
        "maitre-e": [
            reverse("eleve_detail", kwargs={"pk": eleve}), reverse("demande_detail", kwargs={"pk": demande}),
            reverse("programme_detail", kwargs={"pk": cote.programme.pk}),
            reverse("reunion_detail", kwargs={"pk": cote.reunion.pk}), reverse("seance_liste"),
            reverse("eleve_seances", kwargs={"pk": eleve}), reverse("demande_liste"), reverse("eleve_liste"),
            reverse("demandes_a_traiter"), reverse("programme_modifier", kwargs={"pk": cote.programme_brouillon.pk}),
            reverse("action_equipe_liste", kwargs={"pk": cote.ecole.pk}),
        ],
        "directeur": [
            reverse("accueil"), reverse("eleve_modifier", kwargs={"pk": eleve}),
            reverse("responsable_modifier", kwargs={"pk": cote.responsable.pk}),
            reverse("ecole_detail", kwargs={"pk": cote.ecole.pk}),
            reverse("classe_detail", kwargs={"pk": cote.classe.pk}),
            reverse("liste_attente"),
        ],
        "psychologue": [reverse("conclusion_modifier", kwargs={"pk": cote.conclusion.pk})],
    }


def test_charges_hostiles_sans_effet_dans_le_navigateur(site, page, monde, se_connecter, se_deconnecter,
                                                       erreurs_console, preuve, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cote = _cote_a(monde)
    stockage = stocker_partout()
    dialogues = []
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    page.add_init_script(ECOUTE)

    vues, avec_charge, violations, defauts = 0, 0, 0, []
    for username, chemins in _pages(cote, monde).items():
        se_connecter(username)
        for chemin in chemins:
            page.goto(f"{site}{chemin}", wait_until="load")
            etat = page.evaluate(ETAT)
            vues += 1
            avec_charge += etat["texte"]
            violations += len(etat["violations"])
            if etat["pwned"] is not None or any(etat[c] for c in ("violations", "scripts_en_ligne",
                                                                  "gestionnaires", "intrus")):
                defauts.append(f"{username} {chemin}: {etat}")
        se_deconnecter()

    preuve(f"[preuve 4] navigateur : {vues} pages ouvertes ({avec_charge} avec des charges, "
           f"{stockage.charges_x_champs} charges × champs stockées), dialogues : {len(dialogues)}, "
           f"violations CSP : {violations}, erreurs console : {len(erreurs_console)}, "
           f"défauts : {len(defauts)}")
    assert not dialogues, dialogues
    assert not defauts, "\n".join(defauts)
    assert not erreurs_console, erreurs_console
    assert avec_charge == vues

    # The watch is not blind: the same payloads, injected raw into a page without CSP, are seen.
    page.goto("about:blank")
    page.set_content("<img src=x onerror=\"window.__pwned=2\"><script>alert('pwned-1')</script>")
    page.wait_for_function("window.__pwned === 2")
    assert dialogues == ["pwned-1"]
