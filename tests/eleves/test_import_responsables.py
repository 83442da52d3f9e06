"""Import of ONDE's guardians' extraction as ONDE writes it, through the pupils' import pages.

The fixtures under ``donnees/`` are in ONDE's layout: twelve columns of the guardian, then the
four columns of a child three times (the header repeats their titles). Made-up people: the
children are the pupils of ``onde_eleves_utf8_bom.csv``, imported first.
"""

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eleves import imports
from eleves.enums import LienResponsable
from eleves.imports import ONDE_RESPONSABLES
from eleves.models import Eleve, ResponsableLegal
from tests.eleves.test_import_csv import STATUT_ATTENDU
from tests.factories import eleve_inscrit

DONNEES = Path(__file__).parent / "donnees"
UTF8_BOM = DONNEES / "onde_responsables_utf8_bom.csv"
CP1252 = DONNEES / "onde_responsables_cp1252.csv"
ELEVES_ONDE = DONNEES / "onde_eleves_utf8_bom.csv"
ENTETE = UTF8_BOM.read_bytes().decode("utf-8-sig").splitlines()[0]
COLONNES = ENTETE.count(";") + 1
MINIMISATION = "Seuls sont enregistrés, pour les courriers : la civilité, le nom, le prénom, l'adresse"
LIEN = "Le fichier ne dit pas le lien avec l'élève : un nouveau responsable est enregistré comme « Autre responsable légal »"


def _responsables(*lignes: str) -> bytes:
    """A file in ONDE's layout: the fixture's header, then ``lignes`` padded with empty cells."""
    corps = [ligne + ";" * (COLONNES - 1 - ligne.count(";")) for ligne in lignes]
    return ("\r\n".join([ENTETE, *corps]) + "\r\n").encode("utf-8-sig")


# A valid guardian of Yanis, to put beside a faulty row.
SONIA = "MME;BENALI;MARTIN;Sonia;12 rue des Lilas;69004;LYON;FRANCE;;;;0611223344;BENALI;MARTIN;Yanis;CE1 A"


def _url(monde):
    return reverse("import_classes", args=[monde.ecole_a.pk])


def _deposer(client, monde, contenu: bytes, url=None):
    fichier = SimpleUploadedFile("CSVExtraction.csv", contenu, content_type="text/csv")
    return client.post(url or _url(monde), {"fichier": fichier})


def _confirmer(client, monde, apercu):
    return client.post(_url(monde), {"confirmer": "1", "empreinte": apercu.context["empreinte"]}, follow=True)


def _texte(response) -> str:
    return html.unescape(response.content.decode())


def _liens() -> set[tuple[str, str, str]]:
    """(pupil's first name, guardian's first name, guardian's name) of every ResponsableLegal."""
    return set(ResponsableLegal.objects.values_list("eleve__prenom", "prenom", "nom"))


@pytest.fixture
def eleves_onde(monde):
    """The pupils of ONDE's pupils' extraction, imported in école A (Léa Petit was already there)."""
    texte = imports.decoder(ELEVES_ONDE.read_bytes())
    imports.importer(texte, ecole=monde.ecole_a, creer_classes=True)
    return {e.prenom: e for e in Eleve.objects.filter(inscriptions__classe__ecole=monde.ecole_a)}


@pytest.fixture
def directeur(client, monde):
    client.force_login(monde["directeur"])
    return client


LIENS_DU_FICHIER = {
    ("Yanis", "Sonia", "BENALI"),
    ("Yanis", "Karim", "MARTIN"),
    ("Chloé", "Claire", "DURAND"),
    ("Léa", "Claire", "DURAND"),
    ("Emma", "Van", "NGUYEN"),
    ("Hélène", "Anne", "LEFÈVRE"),
    ("Léa", "Marc", "PETIT"),
}


# The extraction as it is -----------------------------------------------------------------------


@pytest.mark.parametrize("fichier", [UTF8_BOM, CP1252], ids=["utf8-bom", "windows-1252"])
def test_responsables_apercu_puis_import_puis_reimport_sans_doublon(directeur, monde, eleves_onde, fichier):
    apercu = _deposer(directeur, monde, fichier.read_bytes())

    page = _texte(apercu)
    analyse = apercu.context["analyse"]
    assert analyse.valide, analyse.erreurs
    assert analyse.profil is ONDE_RESPONSABLES
    assert "Fichier reconnu : l'extraction des responsables ONDE." in page
    assert "Colonnes ignorées" not in page
    assert MINIMISATION in page and LIEN in page
    assert "6 lignes lues : 7 responsables à ajouter à la fiche d'un élève" in page
    # A guardian with three children: two pupils of the school, one not (listed, not linked).
    assert "Chloé DURAND (CE1 A) : nouveau responsable de l'élève" in page
    assert "Léa PETIT (CE1 A) : nouveau responsable de l'élève" in page
    assert "Lucas DURAND (6EME) : pas élève de l'école cette année : non rattaché" in page
    assert "Un enfant du fichier n'est pas élève de l'école pour" in page
    # The usage name wins, for the guardian and for the child; the portable first, else the home.
    assert "Mme Sonia BENALI" in page and "06 11 22 33 44" in page and "04 78 00 00 01" not in page
    assert "M. Karim MARTIN" in page and "04 78 00 00 02" in page and "04 72 00 00 03" not in page
    assert "Yanis BENALI (CE1 A)" in page
    assert not ResponsableLegal.objects.exists()

    response = _confirmer(directeur, monde, apercu)

    assert "7 responsables ajoutés à la fiche d'un élève, 0 mis à jour, 0 inchangé." in _texte(response)
    assert _liens() == LIENS_DU_FICHIER
    claire = ResponsableLegal.objects.get(prenom="Claire", eleve=eleves_onde["Léa"])
    assert (claire.civilite, claire.lien, claire.adresse, claire.code_postal, claire.commune) == (
        "Mme", LienResponsable.AUTRE, "5 impasse du Moulin", "69004", "LYON")
    assert (claire.telephone, claire.email) == ("06 22 33 44 55", "claire.durand@example.org")
    van = ResponsableLegal.objects.get(prenom="Van")
    assert (van.civilite, van.telephone) == ("M.", "+33 6 98 76 54 32")
    # Abroad: the country is kept after the commune, the foreign postal code with it.
    marc = ResponsableLegal.objects.get(prenom="Marc")
    assert (marc.code_postal, marc.commune) == ("", "1000 BRUXELLES (BELGIQUE)")
    anne = ResponsableLegal.objects.get(prenom="Anne")
    assert (anne.telephone, anne.email) == ("", "")

    # The same file again: nothing created, nothing changed.
    second = _deposer(directeur, monde, fichier.read_bytes())
    assert _texte(second).count("déjà enregistré (inchangé)") == 7
    response = _confirmer(directeur, monde, second)

    assert "0 responsable ajouté à la fiche d'un élève, 0 mis à jour, 7 inchangés." in _texte(response)
    assert ResponsableLegal.objects.count() == 7


def test_responsables_mise_a_jour_de_l_adresse_du_telephone_et_du_courriel(directeur, monde, eleves_onde):
    # Recorded by hand before: birth name, lower case, another address; a phone the file leaves empty.
    ResponsableLegal.objects.create(
        eleve=eleves_onde["Yanis"], lien=LienResponsable.MERE, civilite="Mme", nom="Martin", prenom="sonia",
        adresse="3 rue Ancienne", code_postal="69001", commune="LYON", telephone="04 78 99 99 99",
    )
    ResponsableLegal.objects.create(
        eleve=eleves_onde["Emma"], lien=LienResponsable.PERE, civilite="M.", nom="NGUYEN", prenom="Van",
        adresse="1 place Bellecour", code_postal="69002", commune="LYON", telephone="+33 6 98 76 54 32",
        email="van.nguyen@example.org",
    )
    contenu = _responsables(
        "MME;BENALI;MARTIN;Sonia;12 rue des Lilas;69004;LYON;FRANCE;sonia.benali@example.org;;;;BENALI;MARTIN;Yanis;CE1 A",
        "M;;NGUYEN;Van;1 place Bellecour;69002;LYON;FRANCE;van.nguyen@example.org;;;+33 6 98 76 54 32;;NGUYEN;Emma;CM1 A",
    )

    apercu = _deposer(directeur, monde, contenu)

    page = _texte(apercu)
    assert "Yanis BENALI (CE1 A) : mis à jour : adresse, courriel" in page
    assert "Emma NGUYEN (CM1 A) : déjà enregistré (inchangé)" in page
    assert "2 lignes lues : 1 responsable à mettre à jour, 1 responsable déjà enregistré (inchangé)." in page

    response = _confirmer(directeur, monde, apercu)

    assert "0 responsable ajouté à la fiche d'un élève, 1 mis à jour, 1 inchangé." in _texte(response)
    sonia = ResponsableLegal.objects.get(eleve=eleves_onde["Yanis"])
    assert (sonia.adresse, sonia.code_postal, sonia.email) == ("12 rue des Lilas", "69004", "sonia.benali@example.org")
    # What the file does not say is kept: the name as typed, the link, the phone.
    assert (sonia.nom, sonia.lien, sonia.telephone) == ("Martin", LienResponsable.MERE, "04 78 99 99 99")
    assert sonia.revision == 1


def test_responsables_code_postal_a_4_chiffres_complete(directeur, monde, eleves_onde):
    contenu = _responsables("M.;;MARTIN;Karim;2 rue du Lac;1000;BOURG-EN-BRESSE;FRANCE;;;;;BENALI;MARTIN;Yanis;CE1 A")

    apercu = _deposer(directeur, monde, contenu)
    _confirmer(directeur, monde, apercu)

    assert "code postal « 1000 » lu « 01000 »." in _texte(apercu)
    assert ResponsableLegal.objects.get().code_postal == "01000"


# The errors of a real file: each said, nothing written ------------------------------------------


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        pytest.param(
            "M.;;MARTIN;Karim;8 quai Perrache;69002;LYON;FRANCE;karim.martin@;;;;BENALI;MARTIN;Yanis;CE1 A",
            "Ligne 3 : courriel « karim.martin@ » invalide.",
            id="courriel-invalide",
        ),
        pytest.param(
            SONIA,
            "Ligne 3 : même responsable de Yanis BENALI (CE1 A) qu'à la ligne 2.",
            id="ligne-en-double",
        ),
        pytest.param(
            "M.;;MARTIN;Karim;8 quai Perrache;690;LYON;FRANCE;;;;;BENALI;MARTIN;Yanis;CE1 A",
            "Ligne 3 : code postal « 690 » invalide : il comporte 5 chiffres.",
            id="code-postal-invalide",
        ),
        pytest.param(
            "M.;;MARTIN;Karim;8 quai Perrache;69002;LYON;FRANCE;;;;06 12;BENALI;MARTIN;Yanis;CE1 A",
            "Ligne 3 : téléphone portable « 06 12 » invalide (ex. 06 12 34 56 78).",
            id="telephone-invalide",
        ),
        pytest.param(
            "Dr;;MARTIN;Karim;8 quai Perrache;69002;LYON;FRANCE;;;;;BENALI;MARTIN;Yanis;CE1 A",
            "Ligne 3 : civilité « Dr » non reconnue : M. ou Mme.",
            id="civilite-inconnue",
        ),
        pytest.param(
            "M.;;MARTIN;;8 quai Perrache;69002;LYON;FRANCE;;;;;BENALI;MARTIN;Yanis;CE1 A",
            "Ligne 3 : prénom du responsable manquant.",
            id="prenom-manquant",
        ),
        pytest.param(
            "M.;;MARTIN;Karim;8 quai Perrache;69002;LYON;FRANCE;;;;;BENALI;MARTIN;;CE1 A",
            "Ligne 3 : enfant n° 1 : prénom manquant.",
            id="enfant-sans-prenom",
        ),
        pytest.param(
            "M.;;MARTIN;Karim;8 quai Perrache;69002;LYON;FRANCE;;;;",
            "Ligne 3 : aucun enfant n'est indiqué sur cette ligne.",
            id="sans-enfant",
        ),
        pytest.param(
            f"M.;;MARTIN;Karim;{'x' * 201};69002;LYON;FRANCE;;;;;BENALI;MARTIN;Yanis;CE1 A",
            "Ligne 3 : adresse : Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 201).",
            id="adresse-trop-longue",
        ),
    ],
)
def test_responsables_une_ligne_fausse_n_importe_rien(directeur, monde, eleves_onde, ligne, message):
    apercu = _deposer(directeur, monde, _responsables(SONIA, ligne))

    page = _texte(apercu)
    assert message in page
    assert "Le fichier contient 1 erreur." in page
    assert "Aucun responsable n'a été importé" in page
    assert "Confirmer l'import" not in page
    assert "empreinte" not in apercu.context
    assert not ResponsableLegal.objects.exists()


def test_responsables_meme_responsable_sous_son_nom_de_naissance_refuse(directeur, monde, eleves_onde):
    # Sonia BENALI again, under her family name only: still the same guardian of Yanis.
    contenu = _responsables(SONIA, "MME;;MARTIN;Sonia;12 rue des Lilas;69004;LYON;FRANCE;;;;;BENALI;MARTIN;Yanis;CE1 A")

    apercu = _deposer(directeur, monde, contenu)

    assert "Ligne 3 : même responsable de Yanis BENALI (CE1 A) qu'à la ligne 2." in _texte(apercu)
    assert "Confirmer l'import" not in _texte(apercu)


def test_responsables_deja_en_double_sur_la_fiche_refuse(directeur, monde, eleves_onde):
    for _ in range(2):
        ResponsableLegal.objects.create(eleve=eleves_onde["Yanis"], lien=LienResponsable.MERE, nom="Benali", prenom="Sonia")

    apercu = _deposer(directeur, monde, _responsables(SONIA))

    assert "Ligne 2 : Yanis BENALI (CE1 A) a déjà 2 responsables enregistrés à ce nom" in _texte(apercu)
    assert ResponsableLegal.objects.filter(telephone="").count() == 2


def test_responsables_enfant_hors_de_l_ecole_liste_sans_bloquer(directeur, monde, eleves_onde):
    # Inès Garcia is a pupil of école B: not among école A's pupils, hence not linked.
    contenu = _responsables(SONIA, "Mme;;GARCIA;Rosa;4 rue Vaubecour;69002;LYON;FRANCE;;;;;;GARCIA;Inès;CE1 B")

    apercu = _deposer(directeur, monde, contenu)
    response = _confirmer(directeur, monde, apercu)

    page = _texte(apercu)
    assert "Inès GARCIA (CE1 B) : pas élève de l'école cette année : non rattaché" in page
    assert "Un enfant du fichier n'est pas élève de l'école cette année (non rattaché)." in page
    assert "1 responsable ajouté à la fiche d'un élève" in _texte(response)
    assert _liens() == {("Yanis", "Sonia", "BENALI")}
    assert not monde.eleve_b1.responsables.exists()


def test_responsables_homonymes_departages_par_la_classe(directeur, monde, eleves_onde):
    eleve_inscrit(monde.classe_a2, nom="Benali", prenom="Yanis")

    apercu = _deposer(directeur, monde, _responsables(SONIA))
    _confirmer(directeur, monde, apercu)

    assert ResponsableLegal.objects.get().eleve == eleves_onde["Yanis"]


def test_responsables_confirmation_reverifie_le_fichier(directeur, monde, eleves_onde):
    """A confirmation re-checks the file: a guardian added meanwhile by hand is updated, not doubled."""
    apercu = _deposer(directeur, monde, _responsables(SONIA))
    ResponsableLegal.objects.create(eleve=eleves_onde["Yanis"], lien=LienResponsable.MERE, nom="BENALI", prenom="Sonia")

    response = _confirmer(directeur, monde, apercu)

    assert "0 responsable ajouté à la fiche d'un élève, 1 mis à jour, 0 inchangé." in _texte(response)
    assert ResponsableLegal.objects.get().telephone == "06 11 22 33 44"


def test_responsables_entete_sans_colonne_d_enfant(directeur, monde):
    contenu = ";".join(ENTETE.split(";")[:12]).encode() + b"\r\nM.;;MARTIN;Karim;;;;;;;;\r\n"

    apercu = _deposer(directeur, monde, contenu)

    assert "Colonnes manquantes : Nom de famille enfant, Prénom enfant." in _texte(apercu)


def test_responsables_session_sans_colonne_non_lue(directeur, monde, eleves_onde):
    contenu = _responsables(SONIA).replace(b"Classes enfants", b"Classes enfants;Profession", 1)

    apercu = _deposer(directeur, monde, contenu.replace(b"CE1 A;", b"CE1 A;Boulanger;", 1))

    assert "Colonnes ignorées : Profession." in _texte(apercu)
    en_attente = directeur.session[f"import_csv_{monde.ecole_a.pk}"]["texte"]
    assert "Boulanger" not in en_attente and "Sonia" in en_attente


# Who may import ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["enseignant", "circonscription", "maitre_e", "psychologue", "enseignant_autre_ecole"])
def test_responsables_import_refuse_a_qui_n_importe_pas_les_eleves(client, monde, eleves_onde, persona):
    client.force_login(monde[persona])

    response = _deposer(client, monde, UTF8_BOM.read_bytes())

    assert response.status_code == STATUT_ATTENDU[persona]
    assert not ResponsableLegal.objects.exists()


def test_responsables_directeur_d_une_autre_ecole_refuse(client, monde, eleves_onde):
    directeur_b = monde["directeur"]
    directeur_b.ecole = monde.ecole_b
    directeur_b.save()
    client.force_login(directeur_b)

    response = _deposer(client, monde, UTF8_BOM.read_bytes())
    confirmation = client.post(_url(monde), {"confirmer": "1", "empreinte": "x"})

    assert (response.status_code, confirmation.status_code) == (404, 404)
    assert not ResponsableLegal.objects.exists()


def test_responsables_admin_rattache_seulement_aux_eleves_de_l_ecole_choisie(client, monde, eleves_onde):
    client.force_login(monde["admin"])
    url_b = reverse("import_classes", args=[monde.ecole_b.pk])

    # The file of école A dropped on école B: none of its children is a pupil there.
    apercu = _deposer(client, monde, UTF8_BOM.read_bytes(), url=url_b)

    assert apercu.context["analyse"].valide
    assert "6 enfants du fichier ne sont pas élèves de l'école cette année" in _texte(apercu)
    assert "6 lignes lues : aucun responsable à enregistrer." in _texte(apercu)


# Cost ----------------------------------------------------------------------------------------------


def _requetes_apercu(client, monde, nombre: int) -> int:
    lignes = [f"MME;;DURAND{i};Claire;5 impasse du Moulin;69004;LYON;FRANCE;;;;;;DURAND;Chloé;CE1 A" for i in range(nombre)]
    with CaptureQueriesContext(connection) as requetes:
        response = _deposer(client, monde, _responsables(*lignes))
    assert response.context["analyse"].valide
    return len(requetes)


def test_responsables_apercu_nombre_de_requetes_constant(directeur, monde, eleves_onde):
    assert _requetes_apercu(directeur, monde, 2) == _requetes_apercu(directeur, monde, 40)


def test_responsables_texte_hostile_affiche_comme_du_texte(directeur, monde, eleves_onde):
    contenu = _responsables(
        '"<script>alert(1)</script>";;MARTIN;<img src=x onerror=alert(1)>;=HYPERLINK("x");69002;LYON;FRANCE;;;;;BENALI;MARTIN;Yanis;CE1 A',
    )

    apercu = _deposer(directeur, monde, contenu)

    brut = apercu.content.decode()
    assert "<script>alert(1)" not in brut and "<img src=x" not in brut
    assert "civilité « &lt;script&gt;alert(1)&lt;/script&gt; » non reconnue" in brut
    assert not ResponsableLegal.objects.exists()
