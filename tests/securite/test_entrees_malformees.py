"""« Trust » issue, proof 4 (malformed input): every form of the matrix's pages and the CSV import,
sent missing fields, wrong types, foreign ids, oversized strings and files, binary and wrongly
encoded files. Each answer is a French page (no English default message), never a 500, and no row
is written (row counts of every model compared before and after each request).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.securite.formulaires import donnees, formulaires_post
from tests.securite.outils import clients, comptes_des_lignes, difference
from tests.securite.test_entrees_hostiles import _cote_a, formulaires_de_la_matrice

ANGLAIS = ("This field is required", "Enter a valid", "Select a valid choice", "Ensure this value",
           "is not one of the available choices", "Null characters are not allowed",
           "The submitted file is empty", "No file was submitted", "Server Error", "Traceback")
ID_ETRANGER = "987654"
# Forms that may be sent empty, and what they then write. Not a teacher's draft: it may be saved
# incomplete, but with at least one of its fields (issue 11: an empty POST saved an empty draft).
# A part of a right-of-access file is released with an optional note: sent with the digest its
# page carries and no note, the form releases it (once; the next variants repeat a no-op).
VIDES_ACCEPTES: dict[tuple[str, str], set[str]] = {
    ("demande_acces_relecture_rased", "champs vides"): {"eleves.liberationvolet"},
    ("demande_acces_relecture_psy", "champs vides"): {"eleves.liberationvolet"},
}


def _variantes(formulaire) -> dict[str, dict]:
    """name → POST data: every field empty, wrong types, a NUL character, oversized text."""
    vide = {c.nom: "" for c in formulaire.champs if c.genre not in ("hidden", "checkbox", "radio")}
    caches = {c.nom: c.valeur for c in formulaire.champs if c.genre == "hidden"}
    bouton = dict([formulaire.bouton]) if formulaire.bouton else {}
    mauvais_types = donnees(formulaire, lambda c: "texte")
    for c in formulaire.champs:
        if c.genre in ("date", "number", "select", "radio", "checkbox") or c.nom.endswith(("date", "_le", "duree")):
            mauvais_types[c.nom] = {"select": ID_ETRANGER, "number": "beaucoup"}.get(c.genre, "31/02/2026")
    variantes = {"champs vides": {**vide, **caches, **bouton},
                 "mauvais types": mauvais_types, "caractère nul": donnees(formulaire, lambda c: "avant\x00après")}
    # Longer than the field allows (a text area without a limit takes any length: not malformed).
    if any(c.max_length for c in formulaire.textes):
        variantes["trop long"] = donnees(formulaire, lambda c: "x" * (c.max_length + 1) if c.max_length else "texte")
    return variantes


def _verifier(reponse, avant, quoi, ecarts, compte, *, permis=frozenset()) -> dict:
    """Check one answer; returns the row counts after it (the next request's « before »)."""
    compte["requêtes"] += 1
    apres = comptes_des_lignes()
    changees = {t: v for t, v in difference(avant, apres).items() if t not in permis}
    texte = reponse.content.decode(errors="replace")
    if reponse.status_code >= 500:
        compte["500"] += 1
        ecarts.append(f"{quoi}: {reponse.status_code}")
    if changees:
        compte["écritures"] += 1
        ecarts.append(f"{quoi}: lignes écrites {changees}")
    if reponse.status_code == 200:
        compte["refus en page"] += 1
        # A page without the form any more: the action was already done (a friendly no-op).
        if (not any(m in texte for m in ("is-invalid", "alert-danger", "erreur"))
                and formulaires_post(texte, url=reponse.request["PATH_INFO"])):
            ecarts.append(f"{quoi}: page sans message d'erreur")
    elif reponse.status_code in (301, 302):
        compte["redirigées"] += 1
        compte.setdefault("acceptées", []).append(quoi)
    anglais = [a for a in ANGLAIS if a in texte]
    if anglais:
        ecarts.append(f"{quoi}: message en anglais {anglais}")
    return apres


def test_formulaires_malformes_refuses_en_francais_sans_ecriture(monde, preuve):
    cote = _cote_a(monde)
    les_clients = clients(monde)
    compte, ecarts, formulaires = {"requêtes": 0, "500": 0, "écritures": 0, "refus en page": 0,
                                   "redirigées": 0}, [], 0
    for nom, personne, client, url, _rang, formulaire in formulaires_de_la_matrice(cote, les_clients):
        formulaires += 1
        avant = comptes_des_lignes()
        for variante, data in _variantes(formulaire).items():
            avant = _verifier(client.post(url, data), avant, f"{nom} ({personne}, {variante})", ecarts,
                              compte, permis=VIDES_ACCEPTES.get((nom, variante), frozenset()))
    preuve(f"[preuve 4] formulaires malformés : {formulaires} formulaires, {compte['requêtes']} requêtes, "
           f"refus en page : {compte['refus en page']}, redirigées : {compte['redirigées']} "
           f"{compte.get('acceptées', [])}, "
           f"erreurs 500 : {compte['500']}, requêtes ayant écrit : {compte['écritures']}")
    assert formulaires >= 15
    assert not ecarts, "\n".join(ecarts)


def _fichier(contenu: bytes, nom="classe.csv", type_mime="text/csv"):
    return SimpleUploadedFile(nom, contenu, content_type=type_mime)


@pytest.fixture
def fichiers_malformes(settings):
    limite = settings.IMPORT_CSV_MAX_BYTES
    entete = "Nom;Prénom;Date de naissance;Sexe;Niveau;Classe\r\n".encode()
    return {
        "sans fichier": None,
        "fichier vide": _fichier(b""),
        "trop gros": _fichier(entete + b"A;B;01/01/2018;F;CE1;CE1 A\r\n" * (limite // 25)),
        "binaire": _fichier(bytes(range(256)) * 8, "photo.png", "image/png"),
        "UTF-16": _fichier("Nom;Prénom\r\nPetit;Léa\r\n".encode("utf-16")),
        "en-tête seul": _fichier(entete),
        "colonnes inconnues": _fichier(b"a;b;c\r\n1;2;3\r\n"),
        "lignes fausses": _fichier(entete + "Petit;Léa;31/02/2018;X;CE9;Z\r\n".encode()),
        "formule": _fichier(entete + "=cmd|' /C calc'!A0;@SUM(1);+1;-1;CE1;CE1 A\r\n".encode()),
    }


def test_imports_malformes_refuses_en_francais_sans_ecriture(monde, fichiers_malformes, preuve):
    client = clients(monde)["directeur"]
    url = reverse("import_classes", kwargs={"pk": monde.ecole_a.pk})
    compte, ecarts = {"requêtes": 0, "500": 0, "écritures": 0, "refus en page": 0, "redirigées": 0}, []
    avant = comptes_des_lignes()
    for quoi, fichier in fichiers_malformes.items():
        reponse = client.post(url, {"fichier": fichier} if fichier else {})
        avant = _verifier(reponse, avant, f"import ({quoi})", ecarts, compte)
        if reponse.status_code != 200:
            ecarts.append(f"import ({quoi}): {reponse.status_code}")
        # Confirming right after: nothing to confirm from a refused file.
        if quoi != "formule":
            avant = _verifier(client.post(url, {"confirmer": "1", "empreinte": "0" * 64}), avant,
                              f"confirmation ({quoi})", ecarts, compte)
    preuve(f"[preuve 4] imports malformés : {len(fichiers_malformes)} fichiers, {compte['requêtes']} requêtes, "
           f"erreurs 500 : {compte['500']}, requêtes ayant écrit : {compte['écritures']}")
    assert not ecarts, "\n".join(ecarts)
