"""« Trust » issue, proofs 1, 2 and 5: permission matrix, foreign identifiers, requests that change data.

Each test prints its counts (run with ``-s``) and asserts them, listing what went wrong on failure.
"""

from django.test import Client
from django.urls import reverse

from tests.securite.matrice import ARGUMENTS, ATTENDU
from tests.securite.monde_complet import arranger_tout
from tests.securite.outils import (
    COLONNES,
    clients,
    code,
    comptes_des_lignes,
    corps_normalise,
    difference,
    noms_d_urls,
)

# Whose objects each persona must not reach: the sides of tests/securite/monde_complet.py outside their scope.
COTES_ETRANGERS = {
    "enseignant": ["B", "C"],
    "directeur": ["B", "C"],
    "maitre_e": ["B", "C"],
    "maitre_g": ["B", "C"],
    "psychologue": ["B", "C"],
    "circonscription": ["C"],
    "admin": ["C"],
    "enseignant_autre_ecole": ["A", "C"],
    "rased_autre_secteur": ["A", "C"],
    "autre_circonscription": ["A", "B"],
}
ID_INEXISTANT = 987654


def _noms_verifies():
    """The URL names that have a row (test 1 fails for the others)."""
    return [nom for nom in noms_d_urls() if nom in ATTENDU and nom in ARGUMENTS]


def _attendu(nom):
    return dict(zip(COLONNES, ATTENDU[nom].split(), strict=True))


def test_1_matrice_des_permissions(monde, preuve):
    noms = noms_d_urls()
    sans_ligne = sorted(set(noms) - set(ATTENDU) | set(noms) - set(ARGUMENTS))
    en_trop = sorted(set(ATTENDU) - set(noms))
    assert not sans_ligne, f"URL sans ligne dans tests/securite/matrice.py : {sans_ligne}"
    assert not en_trop, f"Lignes de la matrice sans URL : {en_trop}"

    cote = arranger_tout(monde)["A"]
    les_clients = clients(monde)
    cas, ecarts = 0, []
    for nom in noms:
        url = reverse(nom, kwargs=ARGUMENTS[nom](cote))
        for persona, attendu in _attendu(nom).items():
            obtenu = code(les_clients[persona].get(url))
            cas += 1
            if obtenu != attendu:
                ecarts.append(f"{nom} {url} {persona}: attendu {attendu}, obtenu {obtenu}")
    preuve(f"[preuve 1] URL : {len(noms)}, cas : {cas}, écarts : {len(ecarts)}")
    print("\n".join(ecarts))
    assert cas == len(noms) * len(COLONNES)
    assert not ecarts, "\n".join(ecarts)


def test_2_identifiants_etrangers(monde, preuve):
    cotes = arranger_tout(monde)
    avec_objet = [nom for nom in _noms_verifies() if "pk" in ARGUMENTS[nom](cotes["A"])]
    les_clients = clients(monde)
    tentatives, fuites = 0, []
    for persona, etrangers in COTES_ETRANGERS.items():
        client = les_clients[persona]
        for nom in avec_objet:
            # A POST-only URL (405 to a GET) is asked with a POST: a foreign or unknown id changes nothing.
            demander = client.post if _attendu(nom)["enseignant"] == "405" else client.get
            arguments_inexistants = {**ARGUMENTS[nom](cotes["A"]), "pk": ID_INEXISTANT}
            reference = demander(reverse(nom, kwargs=arguments_inexistants))
            assert reference.status_code == 404, (nom, persona)
            for lettre in etrangers:
                url = reverse(nom, kwargs=ARGUMENTS[nom](cotes[lettre]))
                reponse = demander(url)
                tentatives += 1
                if reponse.status_code != 404:
                    fuites.append(f"{nom} {url} ({lettre}) {persona}: {reponse.status_code}")
                elif corps_normalise(reponse) != corps_normalise(reference):
                    fuites.append(f"{nom} {url} ({lettre}) {persona}: 404 différent de celui d'un id inexistant")
    preuve(f"[preuve 2] URL avec objet : {len(avec_objet)}, tentatives : {tentatives}, fuites : {len(fuites)}")
    print("\n".join(fuites))
    assert tentatives > 0
    assert not fuites, "\n".join(fuites)


def test_5a_post_sans_jeton_csrf_refuse(monde, preuve):
    """Every URL refuses a POST without the CSRF token (403, before the view: nothing written)."""
    cote = arranger_tout(monde)["A"]
    noms = _noms_verifies()
    refus, ecarts = 0, []
    for nom in noms:
        attendu = _attendu(nom)
        # The persona who may use the page (the first with a 200), so that only CSRF stands in the way.
        persona = next((p for p, c in attendu.items() if c == "200"), "enseignant")
        client = Client(enforce_csrf_checks=True)
        if persona != "anonyme":
            client.force_login(monde[persona])
        url = reverse(nom, kwargs=ARGUMENTS[nom](cote))
        avant = comptes_des_lignes()
        reponse = client.post(url, {"envoyer": "1", "confirmer": "1", "effacer": "1"})
        changees = difference(avant, comptes_des_lignes())
        if reponse.status_code == 403 and not changees:
            refus += 1
        else:
            ecarts.append(f"{nom} {url} {persona}: {reponse.status_code}, lignes changées {changees}")
    preuve(f"[preuve 5a] POST sans jeton : {len(noms)}, refusés sans écriture : {refus}, écarts : {len(ecarts)}")
    print("\n".join(ecarts))
    assert not ecarts, "\n".join(ecarts)


def test_5b_aucun_get_ne_change_de_ligne(monde, preuve):
    """No GET of the whole matrix changes a row count of any model.

    Excluded (outils.TABLES_EXCLUES): the access log, which a GET of a pupil's file or of an export
    is expected to write (DOMAIN.md: every view of a pupil's file and every export is logged), the
    change history, sessions and the login-attempt tables (axes).
    """
    cote = arranger_tout(monde)["A"]
    les_clients = clients(monde)
    gets, changements = 0, []
    for nom in _noms_verifies():
        url = reverse(nom, kwargs=ARGUMENTS[nom](cote))
        for persona in COLONNES:
            avant = comptes_des_lignes()
            les_clients[persona].get(url)
            changees = difference(avant, comptes_des_lignes())
            gets += 1
            if changees:
                changements.append(f"{nom} {url} {persona}: {changees}")
    preuve(f"[preuve 5b] GET vérifiés : {gets}, GET ayant changé des lignes : {len(changements)}")
    print("\n".join(changements))
    assert gets > 0
    assert not changements, "\n".join(changements)
