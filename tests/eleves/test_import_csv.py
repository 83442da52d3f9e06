"""Import of class lists from a CSV file: preview, confirmation, all-or-nothing, who may import."""

import html
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eleves import imports
from eleves.imports import empreinte
from eleves.models import AnneeScolaire, Eleve, Inscription, annee_courante_debut
from tests.conftest import PERSONAS
from tests.factories import ClasseFactory, EcoleFactory, eleve_inscrit

ENTETE = "Nom;Prénom;Date de naissance;Sexe;Niveau;Classe"


def _ne_le(age: int, jour: str = "12/05") -> str:
    """A birth date giving a pupil of about ``age`` at this school year's start."""
    return f"{jour}/{annee_courante_debut() - age}"


def _csv(*lignes: str, entete: str = ENTETE, encodage: str = "utf-8") -> bytes:
    return "\r\n".join([entete, *lignes]).encode(encodage) + b"\r\n"


def _trois_eleves() -> bytes:
    return _csv(
        f"Durand;Chloé;{_ne_le(7)};F;CE1;CE1 A",
        f"Benali;Yanis;{_ne_le(8)};M;CE2;CE1 A",
        f"Nguyen;Emma;{_ne_le(9)};F;CM1;CM1 A",
    )


def _url(monde):
    return reverse("import_classes", args=[monde.ecole_a.pk])


def _deposer(client, monde, contenu: bytes, nom="liste.csv"):
    fichier = SimpleUploadedFile(nom, contenu, content_type="text/csv")
    return client.post(_url(monde), {"fichier": fichier})


def _confirmer(client, monde, empreinte_envoyee: str):
    return client.post(_url(monde), {"confirmer": "1", "empreinte": empreinte_envoyee}, follow=True)


def _texte(response) -> str:
    return html.unescape(response.content.decode())


def _comptes() -> tuple[int, int]:
    return Eleve.objects.count(), Inscription.objects.count()


@pytest.fixture
def directeur(client, monde):
    client.force_login(monde["directeur"])
    return client


# The whole journey ------------------------------------------------------------------------------


def test_import_get_affiche_formulaire_et_modele(directeur, monde):
    response = directeur.get(_url(monde))

    page = _texte(response)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert reverse("import_modele") in page
    assert "Nom;Prénom;Date de naissance;Sexe;Niveau;Classe" in page
    assert "style=" not in page and "<script>" not in page


def test_import_fichier_valide_apercu_puis_import(directeur, monde):
    avant = _comptes()

    apercu = _deposer(directeur, monde, _trois_eleves())

    page = _texte(apercu)
    assert apercu.status_code == 200
    assert page.count("nouvel élève") == 3
    assert "Confirmer l'import" in page
    assert "3 lignes lues : 3 nouveaux élèves." in page
    assert _comptes() == avant  # nothing written by the preview

    response = _confirmer(directeur, monde, apercu.context["empreinte"])

    assert response.redirect_chain == [(reverse("ecole_detail", args=[monde.ecole_a.pk]), 302)]
    assert "3 élèves importés, 0 déjà présent." in _texte(response)
    assert _comptes() == (avant[0] + 3, avant[1] + 3)
    chloe = Eleve.objects.get(nom="Durand", prenom="Chloé")
    assert chloe.circonscription == monde.nord
    assert chloe.sexe == "F"
    assert chloe.date_naissance == date(annee_courante_debut() - 7, 5, 12)
    inscription = chloe.inscriptions.get()
    assert (inscription.classe, inscription.niveau) == (monde.classe_a1, "CE1")
    assert inscription.annee == AnneeScolaire.objects.courante()
    emma = Inscription.objects.get(eleve__nom="Nguyen")
    assert (emma.classe, emma.niveau) == (monde.classe_a2, "CM1")
    assert "import_csv_%d" % monde.ecole_a.pk not in directeur.session


def test_import_meme_fichier_deux_fois_sans_doublon(directeur, monde):
    premier = _deposer(directeur, monde, _trois_eleves())
    _confirmer(directeur, monde, premier.context["empreinte"])
    apres_premier = _comptes()

    second = _deposer(directeur, monde, _trois_eleves())
    page = _texte(second)
    response = _confirmer(directeur, monde, second.context["empreinte"])

    assert page.count("déjà inscrit dans cette classe (inchangé)") == 3
    assert "nouvel élève" not in page
    assert "0 élève importé, 3 déjà présents." in _texte(response)
    assert _comptes() == apres_premier


def test_import_entetes_et_valeurs_tolerants(directeur, monde):
    contenu = _csv(
        f"  LEFÈVRE  Martin ; Élodie ;{annee_courante_debut() - 8}-01-31;Féminin;ce2;  ce1   a ",
        f"Roux;Noé;{_ne_le(10)};Garçon;CM2;CM1 A",
        f"Roux;Léo;{_ne_le(10)};garcon;cm 2;cm1 a",
        entete="NOM; prenom ;date de naissance;SEXE;Niveau;CLASSE;Commune de naissance",
    )

    apercu = _deposer(directeur, monde, contenu)
    _confirmer(directeur, monde, apercu.context["empreinte"])

    elodie = Eleve.objects.get(prenom="Élodie")
    assert (elodie.nom, elodie.sexe) == ("LEFÈVRE Martin", "F")
    assert elodie.date_naissance == date(annee_courante_debut() - 8, 1, 31)
    assert elodie.inscriptions.get().niveau == "CE2"
    assert Eleve.objects.get(prenom="Léo").sexe == "M"
    assert Inscription.objects.get(eleve__prenom="Noé").classe == monde.classe_a2


def test_import_fichier_latin1_accepte(directeur, monde):
    contenu = _csv(f"Lefèvre;Hélène;{_ne_le(7)};Fille;CE1;CE1 A", encodage="cp1252")

    apercu = _deposer(directeur, monde, contenu)
    _confirmer(directeur, monde, apercu.context["empreinte"])

    assert Eleve.objects.filter(nom="Lefèvre", prenom="Hélène").exists()


def test_import_fichier_utf8_avec_bom_accepte(directeur, monde):
    contenu = _csv(f"Lefèvre;Hélène;{_ne_le(7)};F;CE1;CE1 A", encodage="utf-8-sig")

    apercu = _deposer(directeur, monde, contenu)

    assert apercu.context["analyse"].valide
    assert "Hélène" in _texte(apercu)


def test_import_changement_de_classe_dans_l_ecole(directeur, monde):
    ce1_b = ClasseFactory(
        ecole=monde.ecole_a, annee=monde.classe_a1.annee, nom="CE1 B", niveaux=["CE1"]
    )
    avant = _comptes()
    # Petit Léa, born 14/03/2018, is in CE1 A; the school's new list puts her in CE1 B.
    contenu = _csv("PETIT;Léa;14/03/2018;F;CE1;CE1 B")

    apercu = _deposer(directeur, monde, contenu)
    response = _confirmer(directeur, monde, apercu.context["empreinte"])

    assert "changement de classe : CE1 A → CE1 B" in _texte(apercu)
    assert (
        "0 élève importé, 1 déjà présent (dont 1 changement de classe ou de niveau)."
        in _texte(response)
    )
    assert _comptes() == avant
    assert monde.eleve_a1.inscriptions.get(annee__debut=annee_courante_debut()).classe == ce1_b


def test_import_eleve_connu_sans_inscription_cette_annee_est_inscrit(directeur, monde):
    ancien = monde.eleve_ancien  # Ancien Hugo, in CP A last year, enrolled nowhere this year
    contenu = _csv(f"Ancien;Hugo;{ancien.date_naissance:%d/%m/%Y};M;CE1;CE1 A")

    apercu = _deposer(directeur, monde, contenu)
    response = _confirmer(directeur, monde, apercu.context["empreinte"])

    assert "élève déjà connu" in _texte(apercu)
    assert "1 élève importé, 0 déjà présent." in _texte(response)
    assert Eleve.objects.filter(nom="Ancien").count() == 1
    assert ancien.inscriptions.count() == 2  # last year's enrolment is kept


def test_import_eleve_inscrit_dans_une_autre_ecole_refuse(directeur, monde):
    avant = _comptes()
    # Garcia Inès is enrolled in école B this year.
    contenu = _csv(f"Durand;Chloé;{_ne_le(7)};F;CE1;CE1 A", "Garcia;Inès;14/03/2018;F;CE1;CE1 A")

    apercu = _deposer(directeur, monde, contenu)

    page = _texte(apercu)
    assert "Ligne 3 : déjà inscrit(e) dans une autre école cette année." in page
    assert monde.ecole_b.nom not in page
    assert "Confirmer l'import" not in page
    assert _comptes() == avant


def test_import_homonyme_d_une_autre_circonscription_est_un_nouvel_eleve(directeur, monde):
    # Lambert Tom, born 14/03/2018, exists only in the other circonscription.
    contenu = _csv("Lambert;Tom;14/03/2018;M;CE1;CE1 A")

    apercu = _deposer(directeur, monde, contenu)

    assert "nouvel élève" in _texte(apercu)


# Nothing is written when something is wrong ------------------------------------------------------


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        pytest.param(
            "Nom,Prénom,Date de naissance,Sexe,Niveau,Classe\r\n"
            "Durand,Chloé,12/05/2019,F,CE1,CE1 A\r\n".encode(),
            "Le séparateur attendu est le point-virgule (;) "
            "mais ce fichier utilise la virgule (,).",
            id="separateur-virgule",
        ),
        pytest.param(
            "Nom\tPrénom\tDate de naissance\tSexe\tNiveau\tClasse\r\n".encode(),
            "Le séparateur attendu est le point-virgule (;) mais ce fichier utilise la tabulation.",
            id="separateur-tabulation",
        ),
        pytest.param(
            _csv("Durand;Chloé;CE1;CE1 A", entete="Nom;Prénom;Niveau;Classe"),
            "Colonnes manquantes : Date de naissance, Sexe.",
            id="colonnes-manquantes",
        ),
        pytest.param(
            ENTETE.encode() + b"\r\n",
            "Le fichier ne contient aucune ligne d'élève : seulement la ligne d'en-tête.",
            id="entete-seule",
        ),
        pytest.param(b"\r\n  \r\n", "Le fichier est vide.", id="lignes-blanches"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "Ce fichier n'est pas un fichier texte CSV lisible",
            id="binaire",
        ),
        pytest.param(
            b"PK\x03\x04\x14\x00\x06\x00",
            "Ce fichier est un classeur (Excel ou LibreOffice)",
            id="xlsx",
        ),
    ],
)
def test_import_erreur_de_fichier_n_ecrit_rien(directeur, monde, contenu, message):
    avant = _comptes()

    response = _deposer(directeur, monde, contenu)

    page = _texte(response)
    assert message in page
    assert "Confirmer l'import" not in page
    assert "Déposer le fichier corrigé" in page
    assert _comptes() == avant


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        pytest.param(
            "Durand;Chloé;31/02/2019;F;CE1;CE1 A",
            "Ligne 3 : la date de naissance « 31/02/2019 » n'existe pas.",
            id="date-impossible",
        ),
        pytest.param(
            "Durand;Chloé;2019/05/12;F;CE1;CE1 A",
            "Ligne 3 : date de naissance « 2019/05/12 » illisible : écrivez-la JJ/MM/AAAA",
            id="date-illisible",
        ),
        pytest.param(
            "Durand;Chloé;12/05/1990;F;CE1;CE1 A",
            "Ligne 3 : date de naissance « 12/05/1990 » improbable pour un élève d'école primaire",
            id="date-improbable",
        ),
        pytest.param(
            "Durand;Chloé;;F;CE1;CE1 A",
            "Ligne 3 : date de naissance manquante.",
            id="date-manquante",
        ),
        pytest.param(
            f"Durand;;{_ne_le(7)};F;CE1;CE1 A", "Ligne 3 : prénom manquant.", id="prenom-manquant"
        ),
        pytest.param(
            f"Durand;Chloé;{_ne_le(7)};X;CE1;CE1 A",
            "Ligne 3 : sexe « X » non reconnu : F ou M",
            id="sexe-inconnu",
        ),
        pytest.param(
            f"Durand;Chloé;{_ne_le(7)};F;CE3;CE1 A",
            "Ligne 3 : niveau « CE3 » inconnu : TPS, PS, MS, GS, CP, CE1, CE2, CM1 ou CM2.",
            id="niveau-inconnu",
        ),
        pytest.param(
            f"Durand;Chloé;{_ne_le(7)};F;CM2;CE1 A",
            "Ligne 3 : le niveau CM2 n'est pas enseigné dans la classe CE1 A (CE1-CE2).",
            id="niveau-hors-classe",
        ),
        pytest.param(
            f"Durand;Chloé;{_ne_le(7)};F;CE1;CE1 Z",
            "Ligne 3 : classe « CE1 Z » inconnue dans cette école pour "
            f"{annee_courante_debut()}-{annee_courante_debut() + 1}. "
            "Classes de l'école : CE1 A, CM1 A.",
            id="classe-inconnue",
        ),
        pytest.param(
            f"BENALI ;yanis;{_ne_le(8, '13/01')};M;CE2;CE1 A",
            "Ligne 3 : même élève qu'à la ligne 2.",
            id="doublon",
        ),
    ],
)
def test_import_une_ligne_fausse_n_importe_rien(directeur, monde, ligne, message):
    avant = _comptes()
    contenu = _csv(
        f"Benali;Yanis;{_ne_le(8, '13/01')};M;CE2;CE1 A",
        ligne,
        f"Nguyen;Emma;{_ne_le(9)};F;CM1;CM1 A",
    )

    apercu = _deposer(directeur, monde, contenu)

    page = _texte(apercu)
    assert message in page
    assert "Le fichier contient 1 erreur." in page
    assert "Confirmer l'import" not in page
    assert "empreinte" not in apercu.context
    assert _comptes() == avant

    # Even a hand-made confirmation of that text is refused.
    texte = contenu.decode()
    response = _confirmer(directeur, monde, empreinte(texte))

    assert "rien n'a été importé" in _texte(response)
    assert _comptes() == avant


def test_import_ecole_sans_classe_cette_annee_refuse(client, monde):
    ecole = EcoleFactory(circonscription=monde.nord, nom="École sans classe")
    client.force_login(monde["admin"])
    avant = _comptes()

    fichier = SimpleUploadedFile("liste.csv", _trois_eleves(), content_type="text/csv")
    response = client.post(reverse("import_classes", args=[ecole.pk]), {"fichier": fichier})

    assert "Aucune classe n'est enregistrée dans cette école pour" in _texte(response)
    assert "Confirmer l'import" not in _texte(response)
    assert _comptes() == avant


def test_import_fichier_vide_refuse(directeur, monde):
    avant = _comptes()

    response = _deposer(directeur, monde, b"")

    assert "Le fichier est vide." in _texte(response)
    assert _comptes() == avant


def test_import_fichier_trop_gros_refuse_sans_lecture(directeur, monde):
    avant = _comptes()
    ligne = f"Durand;Chloé;{_ne_le(7)};F;CE1;CE1 A\r\n".encode()
    contenu = ENTETE.encode() + b"\r\n" + ligne * (5 * 1024 * 1024 // len(ligne))

    response = _deposer(directeur, monde, contenu)

    assert "la taille maximale est de 2 Mo" in _texte(response)
    assert "analyse" not in response.context
    assert _comptes() == avant


def test_import_trop_de_lignes_refuse(directeur, monde):
    avant = _comptes()
    lignes = [f"Durand{i};Chloé;{_ne_le(7)};F;CE1;CE1 A" for i in range(1001)]

    response = _deposer(directeur, monde, _csv(*lignes))

    message = "Le fichier contient 1001 lignes d'élèves : un import en accepte 1000 au plus."
    assert message in _texte(response)
    assert _comptes() == avant


def test_import_ecriture_refusee_en_cours_annule_tout(directeur, monde, monkeypatch):
    """A row refused while writing (after the checks) rolls back the rows already written."""
    apercu = _deposer(directeur, monde, _trois_eleves())
    avant = _comptes()
    vrai_enregistrer = imports.eleve_enregistrer

    def enregistrer_sauf_emma(*, eleve, classe, niveau):
        if eleve.prenom == "Emma":
            raise ValidationError("Refus de test.")
        return vrai_enregistrer(eleve=eleve, classe=classe, niveau=niveau)

    monkeypatch.setattr(imports, "eleve_enregistrer", enregistrer_sauf_emma)

    response = _confirmer(directeur, monde, apercu.context["empreinte"])

    assert "Ligne 4 : enregistrement refusé : Refus de test." in _texte(response)
    assert _comptes() == avant


# The confirmation ------------------------------------------------------------------------------


def test_import_confirmation_perimee_refusee(directeur, monde):
    avant = _comptes()
    premier = _deposer(directeur, monde, _trois_eleves())
    second = _deposer(directeur, monde, _csv(f"Roux;Noé;{_ne_le(10)};M;CM2;CM1 A"))

    perimee = _confirmer(directeur, monde, premier.context["empreinte"])

    assert "ne correspond pas au dernier fichier vérifié" in _texte(perimee)
    assert perimee.redirect_chain == [(_url(monde), 302)]
    assert _comptes() == avant

    _confirmer(directeur, monde, second.context["empreinte"])

    assert _comptes() == (avant[0] + 1, avant[1] + 1)
    assert not Eleve.objects.filter(nom="Durand").exists()


def test_import_confirmation_sans_apercu_refusee(directeur, monde):
    avant = _comptes()

    response = _confirmer(directeur, monde, empreinte(_trois_eleves().decode()))

    assert "rien n'a été importé" in _texte(response)
    assert _comptes() == avant


def test_import_confirmation_rejouee_ne_fait_rien(directeur, monde):
    apercu = _deposer(directeur, monde, _trois_eleves())
    _confirmer(directeur, monde, apercu.context["empreinte"])
    apres = _comptes()

    rejouee = _confirmer(directeur, monde, apercu.context["empreinte"])

    assert "ne correspond pas au dernier fichier vérifié" in _texte(rejouee)
    assert _comptes() == apres


def test_import_donnees_changees_avant_confirmation_refuse(directeur, monde):
    apercu = _deposer(directeur, monde, _trois_eleves())
    # Meanwhile, école B enrols one of the pupils of the list.
    naissance = date(annee_courante_debut() - 8, 5, 12)
    eleve_inscrit(monde.classe_b1, nom="Benali", prenom="Yanis", date_naissance=naissance)
    avant = _comptes()

    response = _confirmer(directeur, monde, apercu.context["empreinte"])

    page = _texte(response)
    assert "Les données ont changé depuis l'aperçu" in page
    assert "Ligne 3 : déjà inscrit(e) dans une autre école cette année." in page
    assert _comptes() == avant


def test_import_abandon_vide_la_session(directeur, monde):
    _deposer(directeur, monde, _trois_eleves())

    response = directeur.post(_url(monde), {"abandonner": "1"}, follow=True)

    assert "L'import a été abandonné" in _texte(response)
    assert f"import_csv_{monde.ecole_a.pk}" not in directeur.session


# Who may import ----------------------------------------------------------------------------------

STATUT_ATTENDU = {
    "directeur": 200,
    "admin": 200,
    "enseignant": 403,
    "maitre_e": 403,
    "maitre_g": 403,
    "psychologue": 403,
    "circonscription": 403,
    "enseignant_autre_ecole": 404,
    "rased_autre_secteur": 404,
    "autre_circonscription": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_import_acces_par_role(client, monde, persona):
    client.force_login(monde[persona])
    avant = _comptes()

    lecture = client.get(_url(monde))
    depot = _deposer(client, monde, _trois_eleves())

    assert lecture.status_code == STATUT_ATTENDU[persona]
    assert depot.status_code == STATUT_ATTENDU[persona]
    assert ("nouvel élève" in _texte(depot)) == (STATUT_ATTENDU[persona] == 200)
    assert _comptes() == avant


def test_import_par_administrateur_de_la_circonscription(client, monde):
    client.force_login(monde["admin"])

    apercu = _deposer(client, monde, _trois_eleves())
    _confirmer(client, monde, apercu.context["empreinte"])

    assert Inscription.objects.filter(classe__ecole=monde.ecole_a, eleve__nom="Nguyen").exists()


def test_import_anonyme_redirige_vers_connexion(client, monde):
    for url in (_url(monde), reverse("import_modele")):
        response = client.get(url)

        assert response.status_code == 302
        assert response.url.startswith(reverse("connexion"))


# The template file and the number of queries --------------------------------------------------


def test_import_modele_telechargeable_avec_bom_et_point_virgule(directeur, monde):
    response = directeur.get(reverse("import_modele"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="modele-import-eleves.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    lignes = response.content.decode("utf-8-sig").splitlines()
    assert lignes[0] == ENTETE
    assert len(lignes) == 2 and lignes[1].count(";") == 5
    # The template, as downloaded, passes the checks for école A (it has a class CE1 A).
    assert _deposer(directeur, monde, response.content).context["analyse"].valide


def _requetes_apercu(client, monde, nombre: int) -> int:
    lignes = ["Petit;Léa;14/03/2018;F;CE1;CE1 A"]  # a pupil already enrolled
    annee = annee_courante_debut() - 7
    lignes += [f"Durand{i};Chloé;{i % 28 + 1:02d}/05/{annee};F;CE1;CE1 A" for i in range(1, nombre)]
    with CaptureQueriesContext(connection) as requetes:
        response = _deposer(client, monde, _csv(*lignes))
    assert response.context["analyse"].valide
    return len(requetes)


def test_import_apercu_nombre_de_requetes_constant(directeur, monde):
    assert _requetes_apercu(directeur, monde, 5) == _requetes_apercu(directeur, monde, 50)
