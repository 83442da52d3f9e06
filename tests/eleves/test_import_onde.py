"""Import of ONDE's pupils' extraction as ONDE writes it (CSVExtraction.csv), through the pages.

The fixtures under ``donnees/`` are in ONDE's exact layout (22 columns, « Cycle» with a space
before), with made-up pupils born 2017-2021: plausible ages until the rentrée 2030.
"""

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eleves import imports
from eleves.enums import Niveau
from eleves.imports import ONDE_ELEVES, PROFILS, Ligne, _lire_niveau
from eleves.models import Classe, Eleve, Inscription, annee_courante_debut
from tests.aides.test_fiche_suivi import texte_pdf
from tests.eleves.test_import_csv import STATUT_ATTENDU
from tests.factories import EcoleFactory, eleve_inscrit

DONNEES = Path(__file__).parent / "donnees"
UTF8_BOM = DONNEES / "onde_eleves_utf8_bom.csv"
CP1252 = DONNEES / "onde_eleves_cp1252.csv"
ENTETE = UTF8_BOM.read_bytes().decode("utf-8-sig").splitlines()[0]
MINIMISATION = "Les adresses, autorisations et décisions de passage du fichier ne sont pas enregistrées"


def _onde(*lignes: str) -> bytes:
    """A file in ONDE's layout: the fixture's header, then ``lignes`` (the first 6 columns, then
    Niveau, Libellé classe, Identifiant classe); the other columns filled as ONDE fills them."""
    corps = []
    for ligne in lignes:
        nom, usage, prenom, naissance, sexe, ine, niveau, classe, identifiant = ligne.split(";")
        corps.append(
            f"{nom};{usage};{prenom};{naissance};{sexe};{ine};2 rue Haute;69004;LYON;FRANCE;;;;;"
            f"CYCLE II;{niveau};{classe};{identifiant};Oui;Oui;Non;"
        )
    return ("\r\n".join([ENTETE, *corps]) + "\r\n").encode("utf-8-sig")


def _url(monde):
    return reverse("import_classes", args=[monde.ecole_a.pk])


def _deposer(client, monde, contenu: bytes):
    fichier = SimpleUploadedFile("CSVExtraction.csv", contenu, content_type="text/csv")
    return client.post(_url(monde), {"fichier": fichier})


def _confirmer(client, monde, apercu, **donnees):
    envoi = {"confirmer": "1", "empreinte": apercu.context["empreinte"], **donnees}
    return client.post(_url(monde), envoi, follow=True)


def _texte(response) -> str:
    return html.unescape(response.content.decode())


def _comptes() -> tuple[int, int, int]:
    return Eleve.objects.count(), Inscription.objects.count(), Classe.objects.count()


@pytest.fixture
def directeur(client, monde):
    client.force_login(monde["directeur"])
    return client


# The extraction as it is -----------------------------------------------------------------------


def test_onde_utf8_bom_apercu_sans_rien_ecrire(directeur, monde):
    avant = _comptes()

    apercu = _deposer(directeur, monde, UTF8_BOM.read_bytes())

    page = _texte(apercu)
    assert apercu.context["analyse"].valide
    assert apercu.context["analyse"].profil is ONDE_ELEVES
    assert "Fichier reconnu : l'extraction des élèves ONDE." in page
    assert MINIMISATION in page
    assert "Colonnes ignorées" not in page  # every column of ONDE's layout is known
    # The usage name wins; levels in words are understood.
    ligne_yanis = apercu.context["analyse"].lignes[0]
    assert (ligne_yanis.nom, ligne_yanis.niveau, ligne_yanis.ine) == ("BENALI", "CE2", "990000001AK")
    assert apercu.context["analyse"].lignes[2].niveau == "CM1"
    # The class GS B is not in the school: listed, with the level seen, to be created on request.
    assert "Une classe du fichier n'existe pas encore dans l'école" in page
    assert "GS B - Mme Œillet (GS)" in page
    assert "Créer les classes manquantes" in page
    assert "nouvel élève (classe à créer)" in page
    # Petit Léa is already in CE1 A, without an INE: the file's is recorded.
    assert "déjà inscrit dans cette classe (inchangé) ; INE enregistré" in page
    # Nothing of the addresses is shown back, nothing is written.
    assert "rue des Lilas" not in page
    assert _comptes() == avant


def test_onde_confirmation_sans_creer_les_classes_n_ecrit_rien(directeur, monde):
    apercu = _deposer(directeur, monde, UTF8_BOM.read_bytes())
    avant = _comptes()

    response = _confirmer(directeur, monde, apercu)

    page = _texte(response)
    assert "Des classes du fichier n'existent pas dans l'école : cochez « Créer les classes manquantes »" in page
    assert "Aucun élève n'a été importé" in page
    assert _comptes() == avant


def test_onde_import_avec_creation_des_classes_puis_reimport_sans_doublon(directeur, monde):
    eleves, inscriptions, classes = _comptes()

    apercu = _deposer(directeur, monde, UTF8_BOM.read_bytes())
    response = _confirmer(directeur, monde, apercu, creer_classes="1")

    assert "1 classe créée, 4 élèves importés, 1 déjà présent." in _texte(response)
    assert _comptes() == (eleves + 4, inscriptions + 4, classes + 1)
    yanis = Eleve.objects.get(prenom="Yanis")
    assert (yanis.nom, yanis.ine, yanis.sexe) == ("BENALI", "990000001AK", "M")
    assert yanis.inscriptions.get().classe == monde.classe_a1
    gs_b = Classe.objects.get(ecole=monde.ecole_a, nom="GS B - Mme Œillet")
    assert (gs_b.niveaux, gs_b.identifiant_onde, gs_b.annee.debut) == (["GS"], "E0690001-0020", annee_courante_debut())
    assert Inscription.objects.get(eleve__prenom="Hélène").classe == gs_b
    monde.eleve_a1.refresh_from_db()
    assert monde.eleve_a1.ine == "990000005EK"
    # The classes found by their name now carry ONDE's identifier.
    monde.classe_a1.refresh_from_db()
    assert monde.classe_a1.identifiant_onde == "E0690001-0012"

    # The same extraction again: nothing new, no class created twice.
    apres = _comptes()
    second = _deposer(directeur, monde, UTF8_BOM.read_bytes())
    page = _texte(second)
    response = _confirmer(directeur, monde, second)

    assert "Créer les classes manquantes" not in page
    assert page.count("déjà inscrit dans cette classe (inchangé)") == 5
    assert "0 élève importé, 5 déjà présents." in _texte(response)
    assert _comptes() == apres


def test_onde_la_session_ne_garde_que_les_colonnes_lues(directeur, monde):
    apercu = _deposer(directeur, monde, UTF8_BOM.read_bytes())

    en_attente = directeur.session[f"import_csv_{monde.ecole_a.pk}"]["texte"]
    assert apercu.context["analyse"].valide
    assert "BENALI" in en_attente and "990000001AK" in en_attente
    for ecarte in ("rue des Lilas", "69004", "CYCLE II", "Passage en CE2", "Oui"):
        assert ecarte not in en_attente


def test_onde_adresse_sur_deux_lignes_numeros_de_ligne_gardes(directeur, monde):
    contenu = _onde("DURAND;;Chloé;12/05/2019;F;;CE1;CE1 A;E1", "NGUYEN;;Emma;20/09/2017;F;;CM2;CE1 A;E1")
    contenu = contenu.replace(b"2 rue Haute", b'"2 rue Haute\r\nB\xc3\xa2timent C"', 1)

    apercu = _deposer(directeur, monde, contenu)
    texte = apercu.context["analyse"].texte

    assert "Ligne 4 : le niveau CM2 n'est pas enseigné dans la classe CE1 A" in _texte(apercu)
    assert "Bâtiment" not in texte
    erreurs = imports.analyser_texte(texte, ecole=monde.ecole_a).erreurs
    assert erreurs == apercu.context["analyse"].erreurs


def test_onde_ecole_sans_classe_toutes_creees_sur_demande(client, monde):
    ecole = EcoleFactory(circonscription=monde.nord, nom="École neuve")
    client.force_login(monde["admin"])
    url = reverse("import_classes", args=[ecole.pk])

    # The extraction without Petit Léa, who is enrolled in école A.
    contenu = b"".join(x for x in UTF8_BOM.read_bytes().splitlines(keepends=True) if b"PETIT" not in x)
    fichier = SimpleUploadedFile("CSVExtraction.csv", contenu, content_type="text/csv")
    apercu = client.post(url, {"fichier": fichier})
    envoi = {"confirmer": "1", "empreinte": apercu.context["empreinte"], "creer_classes": "1"}
    response = client.post(url, envoi, follow=True)

    assert "Des classes du fichier n'existent pas encore dans l'école" in _texte(apercu)
    assert "3 classes créées, 4 élèves importés, 0 déjà présent." in _texte(response)
    classes = {c.nom: c.niveaux for c in Classe.objects.filter(ecole=ecole)}
    assert classes == {"CE1 A": ["CE1", "CE2"], "CM1 A": ["CM1"], "GS B - Mme Œillet": ["GS"]}


def test_onde_windows_1252_classe_trouvee_par_son_identifiant(directeur, monde):
    # The classes carry ONDE's identifiers under names of the school's own.
    monde.classe_a1.identifiant_onde = "E0690001-0012"
    monde.classe_a1.nom = "CE1-CE2 de M. Roux"
    monde.classe_a1.save()
    Classe.objects.filter(pk=monde.classe_a2.pk).update(identifiant_onde="E0690001-0013", nom="CM")
    Classe.objects.create(
        ecole=monde.ecole_a, annee=monde.classe_a1.annee, nom="Grande section", niveaux=["GS"],
        identifiant_onde="E0690001-0020",
    )
    eleves, inscriptions, classes = _comptes()

    apercu = _deposer(directeur, monde, CP1252.read_bytes())
    response = _confirmer(directeur, monde, apercu)

    assert "Créer les classes manquantes" not in _texte(apercu)
    assert "4 élèves importés, 1 déjà présent." in _texte(response)
    assert _comptes() == (eleves + 4, inscriptions + 4, classes)
    helene = Eleve.objects.get(prenom="Hélène")
    assert (helene.nom, helene.inscriptions.get().classe.nom) == ("LEFÈVRE", "Grande section")
    assert Inscription.objects.get(eleve__prenom="Emma").classe == monde.classe_a2


def test_onde_colonnes_dans_un_autre_ordre_et_colonne_inconnue(directeur, monde):
    contenu = (
        "Libellé classe;Identifiant classe;Niveau;Sexe;Date naissance;Prénom élève;Nom élève;Régime\r\n"
        "CE1 A;E1;CE1;F;12/05/2019;Chloé;DURAND;Externe\r\n"
    ).encode()

    apercu = _deposer(directeur, monde, contenu)

    page = _texte(apercu)
    assert apercu.context["analyse"].valide
    assert "Fichier reconnu : l'extraction des élèves ONDE. Colonnes ignorées : Régime." in page
    assert "Externe" not in page


def test_onde_entete_inconnu_nomme_colonnes_trouvees_et_attendues(directeur, monde):
    avant = _comptes()
    contenu = "Civilité;Nom de famille;Prénom usuel\r\nMme;DURAND;Chloé\r\n".encode()

    response = _deposer(directeur, monde, contenu)

    page = _texte(response)
    assert "Colonnes trouvées : Civilité, Nom de famille, Prénom usuel." in page
    assert (
        "Colonnes attendues pour l'extraction des élèves ONDE : Nom élève, Prénom élève, Date naissance, "
        "Sexe, Niveau, Libellé classe, Identifiant classe ; pour le modèle de liste de l'application : "
        "Nom, Prénom, Date de naissance, Sexe, Niveau, Classe ; pour l'extraction des responsables ONDE : "
        "Nom responsable, Prénom responsable, Nom de famille enfant, Prénom enfant." in page
    )
    assert "Confirmer l'import" not in page
    assert _comptes() == avant


# The errors a real extraction has: each said, nothing written ----------------------------------


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        pytest.param(
            "DURAND;;Chloé;12/05/2019;F;990000002BK;CE1;;",
            "Ligne 3 : classe manquante (élève sans classe dans le fichier).",
            id="eleve-sans-classe",
        ),
        pytest.param(
            "MARTIN;BENALI;Yanis;13/01/2019;M;990000001AK;CE2;CE1 A;E1",
            "Ligne 3 : même élève qu'à la ligne 2.",
            id="ligne-en-double",
        ),
        pytest.param(
            "DURAND;;Chloé;12/05/2019;F;990000001AK;CE1;CE1 A;E1",
            "Ligne 3 : INE déjà donné à un autre élève à la ligne 2 : un INE est propre à un élève.",
            id="ine-repete",
        ),
        pytest.param(
            "DURAND;;Chloé;12/05/2019;F;990000002BK;COURS MOYEN DEUXIEME ANNEE;CE1 A;E1",
            "Ligne 3 : le niveau CM2 n'est pas enseigné dans la classe CE1 A (CE1-CE2).",
            id="niveau-hors-classe",
        ),
        pytest.param(
            "DURAND;;Chloé;12/05/2019;F;12345;CE1;CE1 A;E1",
            "Ligne 3 : INE « 12345 » invalide : il comporte 11 caractères",
            id="ine-invalide",
        ),
        pytest.param(
            f"DURAND;;Chloé;12/05/2019;F;990000002BK;CE1;CE1 A;{'X' * 41}",
            "Ligne 3 : identifiant de classe « XXXXXXXXXXXXXXXXXXXX… » trop long (40 caractères au plus).",
            id="identifiant-trop-long",
        ),
        pytest.param(
            f"DURAND;;Chloé;12/05/2019;F;990000002BK;CE1;{'C' * 81};E9",
            "Ligne 3 : le nom de la classe dépasse 80 caractères.",
            id="classe-a-creer-nom-trop-long",
        ),
        pytest.param(
            "DURAND;;Chloé;12/05/2019;F;990000002BK;Cours supérieur;CE1 A;E1",
            "Ligne 3 : niveau « Cours supérieur » inconnu",
            id="niveau-inconnu",
        ),
    ],
)
def test_onde_une_ligne_fausse_n_importe_rien(directeur, monde, ligne, message):
    avant = _comptes()
    contenu = _onde(
        "MARTIN;BENALI;Yanis;13/01/2019;M;990000001AK;CE2;CE1 A;E1",
        ligne,
        "NGUYEN;;Emma;20/09/2017;F;990000003CK;CM1;CM1 A;E2",
    )

    apercu = _deposer(directeur, monde, contenu)

    page = _texte(apercu)
    assert message in page
    assert "Le fichier contient 1 erreur." in page
    assert "Confirmer l'import" not in page
    assert "empreinte" not in apercu.context
    assert _comptes() == avant


def test_onde_ine_deja_porte_par_un_autre_eleve_refuse(directeur, monde):
    # An INE held by a pupil of another circonscription: refused, without saying whose.
    monde.eleve_c1.ine = "990000002BK"
    monde.eleve_c1.save()
    avant = _comptes()

    apercu = _deposer(directeur, monde, _onde("DURAND;;Chloé;12/05/2019;F;990000002BK;CE1;CE1 A;E1"))

    page = _texte(apercu)
    assert "Ligne 2 : un autre élève est déjà enregistré avec cet INE : vérifiez-le." in page
    assert "Lambert" not in page
    assert _comptes() == avant


def test_onde_ine_different_de_celui_enregistre_refuse(directeur, monde):
    monde.eleve_a1.ine = "990000009ZK"
    monde.eleve_a1.save()

    apercu = _deposer(directeur, monde, _onde("PETIT;;Léa;14/03/2018;F;990000005EK;CE1;CE1 A;E1"))

    assert "Ligne 2 : l'INE du fichier diffère de celui enregistré pour cet élève : vérifiez-le sur sa fiche." in _texte(apercu)
    assert "Confirmer l'import" not in _texte(apercu)


def test_onde_classe_deja_la_mais_eleve_d_une_autre_ecole(directeur, monde):
    eleve_inscrit(monde.classe_b1, nom="Roux", prenom="Noé", date_naissance=monde.eleve_a1.date_naissance)

    apercu = _deposer(directeur, monde, _onde("ROUX;;Noé;14/03/2018;M;;CE1;CE1 A;E1"))

    assert "Ligne 2 : déjà inscrit(e) dans une autre école cette année." in _texte(apercu)


# The levels in words, the header profiles -------------------------------------------------------


@pytest.mark.parametrize(
    ("brut", "niveau"),
    [
        ("TOUTE PETITE SECTION", Niveau.TPS),
        ("Petite section", Niveau.PS),
        ("MOYENNE SECTION", Niveau.MS),
        ("Grande section", Niveau.GS),
        ("COURS PREPARATOIRE", Niveau.CP),
        ("Cours élémentaire première année", Niveau.CE1),
        ("COURS ELEMENTAIRE DEUXIEME ANNEE", Niveau.CE2),
        ("Cours moyen 1ère année", Niveau.CM1),
        ("COURS MOYEN DEUXIEME ANNEE", Niveau.CM2),
        ("ce1", Niveau.CE1),
        ("CM 2", Niveau.CM2),
    ],
)
def test_niveau_onde_en_mots_ou_en_code(brut, niveau):
    ligne = Ligne(numero=2, nom="", prenom="", date_brute="", sexe_brut="", niveau_brut=brut, classe_brute="")

    _lire_niveau(ligne)

    assert (ligne.niveau, ligne.erreurs) == (niveau, [])


def test_profils_chaque_entete_reconnu_par_un_seul_profil():
    """A header is one kind of file: no profile's required columns are all in another's header."""
    for profil in PROFILS:
        entete = [profil.colonnes[c] for c in profil.obligatoires]
        autres = [p for p in PROFILS if p is not profil and all(p.champ(t) for t in entete)]
        assert all(set(p.obligatoires) - {p.champ(t) for t in entete} for p in autres), profil.nom


# Who may import; who sees the INE ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["enseignant", "circonscription", "enseignant_autre_ecole"])
def test_onde_import_refuse_aux_autres_roles(client, monde, persona):
    client.force_login(monde[persona])
    avant = _comptes()

    response = _deposer(client, monde, UTF8_BOM.read_bytes())

    assert response.status_code == STATUT_ATTENDU[persona]
    assert _comptes() == avant


VOIT_INE = {
    "directeur": True,
    "circonscription": True,  # the IEN
    "enseignant": False,
    "maitre_e": False,
    "maitre_g": False,
    "psychologue": False,
    "admin": False,
}


@pytest.mark.parametrize(("persona", "voit"), VOIT_INE.items())
def test_ine_sur_la_fiche_seulement_pour_directeur_et_ien(client, monde, persona, voit):
    monde.eleve_a1.ine = "990000005EK"
    monde.eleve_a1.save()
    client.force_login(monde[persona])

    response = client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk]))

    assert response.status_code == 200
    assert "Petit".upper() in _texte(response)
    assert ("990000005EK" in _texte(response)) is voit
    assert monde[persona].has_perm("eleves.view_ine", monde.eleve_a1) is voit


def test_ine_refuse_au_conseiller_pedagogique(client, monde):
    cpc = monde["circonscription"]
    cpc.fonction = "cpc"
    cpc.save()

    assert not cpc.has_perm("eleves.view_ine", monde.eleve_a1)


def test_ine_refuse_au_directeur_d_une_autre_ecole(monde):
    # A directeur of école B, pupil of école A, same circonscription.
    directeur_b = monde["directeur"]
    directeur_b.ecole = monde.ecole_b
    directeur_b.save()

    assert not directeur_b.has_perm("eleves.view_ine", monde.eleve_a1)


@pytest.mark.parametrize(("persona", "voit"), [("directeur", True), ("maitre_g", False), ("psychologue", False)])
def test_ine_sur_la_fiche_de_suivi_seulement_pour_directeur_et_ien(client, monde, persona, voit):
    monde.eleve_a1.ine = "990000005EK"
    monde.eleve_a1.save()
    client.force_login(monde[persona])

    response = client.get(reverse("fiche_suivi_pdf", args=[monde.eleve_a1.pk]))

    texte = texte_pdf(response.content)
    assert "PETIT" in texte
    assert ("990000005EK" in texte) is voit


def _requetes_apercu(client, monde, nombre: int) -> int:
    lignes = ["PETIT;;Léa;14/03/2018;F;990000005EK;CE1;CE1 A;E1"]  # a pupil already enrolled
    lignes += [
        f"DURAND{i};;Chloé;{i % 28 + 1:02d}/05/2019;F;99{i:07d}AK;CE1;CE1 A;E1" for i in range(1, nombre)
    ]
    with CaptureQueriesContext(connection) as requetes:
        response = _deposer(client, monde, _onde(*lignes))
    assert response.context["analyse"].valide
    return len(requetes)


def test_onde_apercu_nombre_de_requetes_constant(directeur, monde):
    assert _requetes_apercu(directeur, monde, 5) == _requetes_apercu(directeur, monde, 50)
