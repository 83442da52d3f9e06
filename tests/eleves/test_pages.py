"""Every page against every persona: the answer the role allows, 404 outside the scope, 403 for
a forbidden action in the scope, the login page for anonymous visitors; and the headers of a
pupil's page.

The expected answers are written by hand from DOMAIN.md and the rules (eleves/rules.py's
docstrings): everyone sees the pupils of their scope; only the directeur of the pupil's current
school and the administrator of the circonscription create or change pupils, their families and
their plans.
"""

import pytest
from django.urls import reverse

from eleves.enums import Role
from eleves.models import Eleve, Plan, ResponsableLegal
from tests.conftest import PERSONAS
from tests.eleves.outils_pages import sans_jeton_csrf, texte, urls
from tests.factories import EcoleFactory, PlanFactory, ResponsableLegalFactory, UtilisateurFactory

OK, REFUSE, INTROUVABLE = 200, 403, 404

# eleve_a1: class CE1 A of école A (secteur 1), taught by ``enseignant``.
FICHE_ELEVE_A1 = {
    "enseignant": OK,
    "directeur": OK,
    "maitre_e": OK,
    "maitre_g": OK,
    "psychologue": OK,
    "circonscription": OK,
    "admin": OK,
    "enseignant_autre_ecole": INTROUVABLE,
    "rased_autre_secteur": INTROUVABLE,
    "autre_circonscription": INTROUVABLE,
}
# Changing eleve_a1's file (identity, class, responsables légaux, plans).
GESTION_ELEVE_A1 = {
    "enseignant": REFUSE,
    "directeur": OK,
    "maitre_e": REFUSE,
    "maitre_g": REFUSE,
    "psychologue": REFUSE,
    "circonscription": REFUSE,
    "admin": OK,
    "enseignant_autre_ecole": INTROUVABLE,
    "rased_autre_secteur": INTROUVABLE,
    "autre_circonscription": INTROUVABLE,
}
# eleve_ancien: enrolled last year in école A, nowhere this year: only circonscription-wide roles.
FICHE_ELEVE_ANCIEN = {
    "enseignant": INTROUVABLE,  # taught him last year: not any more
    "directeur": INTROUVABLE,
    "maitre_e": INTROUVABLE,
    "maitre_g": INTROUVABLE,
    "psychologue": INTROUVABLE,
    "circonscription": OK,
    "admin": OK,
    "enseignant_autre_ecole": INTROUVABLE,
    "rased_autre_secteur": INTROUVABLE,
    "autre_circonscription": INTROUVABLE,
}
GESTION_ELEVE_ANCIEN = {
    "enseignant": INTROUVABLE,
    "directeur": INTROUVABLE,
    "maitre_e": INTROUVABLE,
    "maitre_g": INTROUVABLE,
    "psychologue": INTROUVABLE,
    "circonscription": REFUSE,
    "admin": OK,  # may enrol him again
    "enseignant_autre_ecole": INTROUVABLE,
    "rased_autre_secteur": INTROUVABLE,
    "autre_circonscription": INTROUVABLE,
}
# Creating a pupil is not tied to an object: directeurs (in their school) and administrators.
CREATION_ELEVE = {
    "enseignant": REFUSE,
    "directeur": OK,
    "maitre_e": REFUSE,
    "maitre_g": REFUSE,
    "psychologue": REFUSE,
    "circonscription": REFUSE,
    "admin": OK,
    "enseignant_autre_ecole": REFUSE,
    "rased_autre_secteur": REFUSE,
    "autre_circonscription": OK,  # directeur of école C, for his own school
}
ECOLE_A = {
    "enseignant": OK,
    "directeur": OK,
    "maitre_e": OK,
    "maitre_g": OK,
    "psychologue": OK,
    "circonscription": OK,
    "admin": OK,
    "enseignant_autre_ecole": INTROUVABLE,
    "rased_autre_secteur": INTROUVABLE,
    "autre_circonscription": INTROUVABLE,
}
CLASSE_A1 = {
    "enseignant": OK,
    "directeur": OK,
    "maitre_e": OK,
    "maitre_g": OK,
    "psychologue": OK,
    "circonscription": OK,
    "admin": OK,
    "enseignant_autre_ecole": INTROUVABLE,
    "rased_autre_secteur": INTROUVABLE,
    "autre_circonscription": INTROUVABLE,
}
# CM1 A, école A: ``enseignant`` does not teach it.
CLASSE_A2 = {
    "enseignant": INTROUVABLE,
    "directeur": OK,
    "maitre_e": OK,
    "maitre_g": OK,
    "psychologue": OK,
    "circonscription": OK,
    "admin": OK,
    "enseignant_autre_ecole": INTROUVABLE,
    "rased_autre_secteur": INTROUVABLE,
    "autre_circonscription": INTROUVABLE,
}
# Last year's class: kept for the circonscription-wide roles only.
CLASSE_PASSEE = {
    "enseignant": INTROUVABLE,
    "directeur": INTROUVABLE,
    "maitre_e": INTROUVABLE,
    "maitre_g": INTROUVABLE,
    "psychologue": INTROUVABLE,
    "circonscription": OK,
    "admin": OK,
    "enseignant_autre_ecole": INTROUVABLE,
    "rased_autre_secteur": INTROUVABLE,
    "autre_circonscription": INTROUVABLE,
}

# (url name, object, expected answers, text of the page when allowed)
PAGES = [
    ("eleve_detail", "eleve_a1", FICHE_ELEVE_A1, "Date de naissance 14/03/2018 Sexe Fille"),
    ("eleve_detail", "eleve_ancien", FICHE_ELEVE_ANCIEN, "Élèves Hugo ANCIEN Hugo ANCIEN"),
    ("eleve_creer", None, CREATION_ELEVE, "Nouvel élève"),
    ("eleve_modifier", "eleve_a1", GESTION_ELEVE_A1, "Modifier l'élève"),
    ("eleve_modifier", "eleve_ancien", GESTION_ELEVE_ANCIEN, "Modifier l'élève"),
    (
        "responsable_ajouter",
        "eleve_a1",
        GESTION_ELEVE_A1,
        "Ajouter un responsable légal Élève : Léa PETIT",
    ),
    (
        "responsable_modifier",
        "responsable_a1",
        GESTION_ELEVE_A1,
        "Modifier un responsable légal Élève : Léa PETIT",
    ),
    (
        "responsable_supprimer",
        "responsable_a1",
        GESTION_ELEVE_A1,
        "Voulez-vous vraiment retirer « Mme Sophie DURAND » de la fiche de Léa PETIT ?",
    ),
    (
        "plan_ajouter",
        "eleve_a1",
        GESTION_ELEVE_A1,
        "Enregistrer un plan ou un dispositif Élève : Léa PETIT",
    ),
    (
        "plan_supprimer",
        "plan_a1",
        GESTION_ELEVE_A1,
        "Voulez-vous vraiment retirer « PAP (plan d'accompagnement personnalisé) » "
        "de la fiche de Léa PETIT ?",
    ),
    ("ecole_detail", "ecole_a", ECOLE_A, "École Jean Jaurès Villeurbanne · UAI"),
    ("classe_detail", "classe_a1", CLASSE_A1, "Classe CE1 A CE1-CE2"),
    ("classe_detail", "classe_a2", CLASSE_A2, "Classe CM1 A CM1-CM2"),
    ("classe_detail", "classe_a_annee_passee", CLASSE_PASSEE, "Classe CP A CP"),
]
PAGES_IDS = [f"{nom}-{objet}" if objet else nom for nom, objet, _, _ in PAGES]

INEXISTANT = 999_999


@pytest.fixture
def cibles(monde):
    """The objects the pages are about: the world's, plus a responsable and a plan of eleve_a1."""
    objets = {
        nom: getattr(monde, nom).pk
        for nom in (
            "eleve_a1",
            "eleve_ancien",
            "ecole_a",
            "classe_a1",
            "classe_a2",
            "classe_a_annee_passee",
        )
    }
    objets["responsable_a1"] = ResponsableLegalFactory(
        eleve=monde.eleve_a1, civilite="Mme", nom="Durand", prenom="Sophie"
    ).pk
    objets["plan_a1"] = PlanFactory(eleve=monde.eleve_a1, type="PAP").pk
    return objets


def _url(nom, pk):
    return reverse(nom, args=[pk]) if pk is not None else reverse(nom)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("nom", "objet", "acces", "attendu"), PAGES, ids=PAGES_IDS)
def test_page_repond_selon_persona(client, monde, cibles, nom, objet, acces, attendu, persona):
    client.force_login(monde[persona])
    pk = cibles[objet] if objet else None

    response = client.get(_url(nom, pk))

    assert response.status_code == acces[persona]
    if acces[persona] == OK:
        assert attendu in texte(response)
    elif acces[persona] == REFUSE:
        assert "Action non autorisée" in texte(response)
        assert "PETIT" not in texte(response)
    else:
        introuvable = client.get(_url(nom, INEXISTANT))
        assert introuvable.status_code == INTROUVABLE
        # The same answer as for an object that does not exist: nothing tells that it exists.
        assert sans_jeton_csrf(response) == sans_jeton_csrf(introuvable)
        assert "Page introuvable" in texte(response)


# What each persona's home page shows, and what it must not show.
ACCUEIL = {
    "enseignant": (
        ["Mes classes", "CE1 A — École Jean Jaurès", "CE1-CE2 · 1 élève"],
        ["CM1 A", "CE1 B"],
    ),
    "directeur": (
        ["École Jean Jaurès", "2 classes cette année", "Importer une liste (CSV)"],
        ["École Louise Michel"],
    ),
    "maitre_e": (
        [
            "Écoles de mon secteur",
            "École Jean Jaurès (Villeurbanne) 2 classes",
            "— Secteur 1",
        ],
        ["École Louise Michel"],
    ),
    "maitre_g": (
        ["Écoles de mon secteur", "École Jean Jaurès (Villeurbanne) 2 classes"],
        ["École Louise Michel"],
    ),
    "psychologue": (
        ["Écoles de mon secteur", "École Jean Jaurès (Villeurbanne) 2 classes"],
        ["École Louise Michel"],
    ),
    "circonscription": (
        ["Lyon Nord", "2 écoles 3 classes cette année 4 élèves"],
        ["Administration"],
    ),
    "admin": (["Lyon Nord", "2 écoles 3 classes cette année 4 élèves", "Administration"], []),
    "enseignant_autre_ecole": (["Mes classes", "CE1 B — École Louise Michel"], ["CE1 A", "CM1 A"]),
    "rased_autre_secteur": (["École Louise Michel (Villeurbanne) 1 classe"], ["École Jean Jaurès"]),
    "autre_circonscription": (["École Victor Hugo", "1 classe cette année"], ["École Jean Jaurès"]),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_accueil_selon_persona(client, monde, persona):
    client.force_login(monde[persona])
    presents, absents = ACCUEIL[persona]

    response = client.get(reverse("accueil"))

    assert response.status_code == 200
    contenu = texte(response)
    for attendu in presents:
        assert attendu in contenu
    for interdit in absents:
        assert interdit not in contenu


# The pupils each persona finds in the list (the others must not be there).
LISTE_ELEVES = {
    "enseignant": {"PETIT"},
    "directeur": {"PETIT", "MOREAU"},
    "maitre_e": {"PETIT", "MOREAU"},
    "maitre_g": {"PETIT", "MOREAU"},
    "psychologue": {"PETIT", "MOREAU"},
    "circonscription": {"PETIT", "MOREAU", "GARCIA", "ANCIEN"},
    "admin": {"PETIT", "MOREAU", "GARCIA", "ANCIEN"},
    "enseignant_autre_ecole": {"GARCIA"},
    "rased_autre_secteur": {"GARCIA"},
    "autre_circonscription": {"LAMBERT"},
}
TOUS_LES_NOMS = {"PETIT", "MOREAU", "GARCIA", "ANCIEN", "LAMBERT"}
PEUT_CREER = {"directeur", "admin", "autre_circonscription"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_liste_eleves_selon_persona(client, monde, persona):
    client.force_login(monde[persona])

    response = client.get(reverse("eleve_liste"))

    assert response.status_code == 200
    contenu = texte(response)
    assert {nom for nom in TOUS_LES_NOMS if nom in contenu} == LISTE_ELEVES[persona]
    assert f"{len(LISTE_ELEVES[persona])} élève" in contenu
    assert ("Nouvel élève" in contenu) == (persona in PEUT_CREER)


LISTE_ECOLES = {
    "enseignant": {"École Jean Jaurès"},
    "directeur": {"École Jean Jaurès"},
    "maitre_e": {"École Jean Jaurès"},
    "maitre_g": {"École Jean Jaurès"},
    "psychologue": {"École Jean Jaurès"},
    "circonscription": {"École Jean Jaurès", "École Louise Michel"},
    "admin": {"École Jean Jaurès", "École Louise Michel"},
    "enseignant_autre_ecole": {"École Louise Michel"},
    "rased_autre_secteur": {"École Louise Michel"},
    "autre_circonscription": {"École Victor Hugo"},
}
TOUTES_LES_ECOLES = {"École Jean Jaurès", "École Louise Michel", "École Victor Hugo"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_liste_ecoles_selon_persona(client, monde, persona):
    client.force_login(monde[persona])

    response = client.get(reverse("ecole_liste"))

    assert response.status_code == 200
    contenu = texte(response)
    assert {nom for nom in TOUTES_LES_ECOLES if nom in contenu} == LISTE_ECOLES[persona]


# In école A's page, the classes each allowed persona sees, and whether it offers the CSV import.
CLASSES_ECOLE_A = {
    "enseignant": ({"CE1 A"}, False),
    "directeur": ({"CE1 A", "CM1 A"}, True),
    "maitre_e": ({"CE1 A", "CM1 A"}, False),
    "maitre_g": ({"CE1 A", "CM1 A"}, False),
    "psychologue": ({"CE1 A", "CM1 A"}, False),
    "circonscription": ({"CE1 A", "CM1 A"}, False),
    "admin": ({"CE1 A", "CM1 A"}, True),
}


@pytest.mark.parametrize("persona", sorted(CLASSES_ECOLE_A))
def test_ecole_detail_classes_et_import_selon_persona(client, monde, persona):
    client.force_login(monde[persona])
    classes, peut_importer = CLASSES_ECOLE_A[persona]

    response = client.get(reverse("ecole_detail", args=[monde.ecole_a.pk]))

    contenu = texte(response)
    # Last year's class « CP A » is never among the classes of the current year.
    assert {nom for nom in ("CE1 A", "CM1 A", "CP A") if nom in contenu} == classes
    assert (reverse("import_classes", args=[monde.ecole_a.pk]) in urls(response)) == peut_importer


@pytest.mark.parametrize("persona", [p for p, acces in FICHE_ELEVE_A1.items() if acces == OK])
def test_fiche_eleve_liens_de_modification_selon_persona(client, monde, cibles, persona):
    client.force_login(monde[persona])

    response = client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk]))

    liens = set(urls(response))
    modification = {
        reverse("eleve_modifier", args=[monde.eleve_a1.pk]),
        reverse("responsable_ajouter", args=[monde.eleve_a1.pk]),
        reverse("responsable_modifier", args=[cibles["responsable_a1"]]),
        reverse("responsable_supprimer", args=[cibles["responsable_a1"]]),
        reverse("plan_ajouter", args=[monde.eleve_a1.pk]),
        reverse("plan_supprimer", args=[cibles["plan_a1"]]),
    }
    assert "Mme Sophie DURAND" in texte(response)
    if GESTION_ELEVE_A1[persona] == OK:
        assert modification <= liens
    else:
        assert not modification & liens


def test_classe_detail_liste_les_eleves_de_la_classe(client, monde):
    client.force_login(monde["enseignant"])

    response = client.get(reverse("classe_detail", args=[monde.classe_a1.pk]))

    contenu = texte(response)
    assert "PETIT Léa 14/03/2018 CE1" in contenu
    assert "MOREAU" not in contenu
    assert reverse("eleve_detail", args=[monde.eleve_a1.pk]) in urls(response)


# --- Changes refused: a POST from a persona who may not change the file writes nothing.

VALEURS_POST = {
    "eleve_modifier": {
        "nom": "Changé",
        "prenom": "Léa",
        "date_naissance": "2018-03-14",
        "sexe": "F",
        "ine": "",
        "niveau": "CE1",
    },
    "responsable_ajouter": {"lien": "pere", "nom": "Ajouté"},
    "responsable_modifier": {"lien": "mere", "nom": "Changé"},
    "responsable_supprimer": {},
    "plan_ajouter": {"type": "PPRE", "date_debut": "2026-09-01"},
    "plan_supprimer": {},
}
ECRITURES = [(nom, objet) for nom, objet, acces, _ in PAGES if acces is GESTION_ELEVE_A1]


@pytest.mark.parametrize("persona", [p for p, acces in GESTION_ELEVE_A1.items() if acces != OK])
@pytest.mark.parametrize(("nom", "objet"), ECRITURES, ids=[nom for nom, _ in ECRITURES])
def test_ecriture_refusee_ne_change_rien(client, monde, cibles, nom, objet, persona):
    client.force_login(monde[persona])
    donnees = dict(VALEURS_POST[nom], classe=monde.classe_a1.pk)

    response = client.post(_url(nom, cibles[objet]), donnees)

    assert response.status_code == GESTION_ELEVE_A1[persona]
    eleve = Eleve.objects.get(pk=monde.eleve_a1.pk)
    assert eleve.nom == "Petit"
    assert list(ResponsableLegal.objects.filter(eleve=eleve).values_list("nom", flat=True)) == [
        "Durand"
    ]
    assert list(Plan.objects.filter(eleve=eleve).values_list("type", flat=True)) == ["PAP"]


def test_creation_refusee_ne_cree_rien(client, monde):
    client.force_login(monde["psychologue"])
    avant = Eleve.objects.count()

    response = client.post(
        reverse("eleve_creer"),
        {
            "nom": "Nouveau",
            "prenom": "Zoé",
            "date_naissance": "2018-05-02",
            "sexe": "F",
            "classe": monde.classe_a1.pk,
            "niveau": "CE1",
        },
    )

    assert response.status_code == REFUSE
    assert Eleve.objects.count() == avant


# --- Anonymous visitors go to the login page, wherever they knock.

URLS_ANONYMES = [("accueil", None), ("eleve_liste", None), ("ecole_liste", None)] + [
    (nom, objet) for nom, objet, _, _ in PAGES
]


@pytest.mark.parametrize(
    ("nom", "objet"), URLS_ANONYMES, ids=[f"{n}-{o}" if o else n for n, o in URLS_ANONYMES]
)
def test_page_anonyme_redirige_vers_connexion(client, cibles, nom, objet):
    url = _url(nom, cibles[objet] if objet else None)

    response = client.get(url, follow=True)

    assert response.redirect_chain == [(f"/connexion/?next={url}", 302)]
    assert "Connexion" in texte(response) and "Se connecter" in texte(response)
    assert "PETIT" not in texte(response)


def test_suppression_anonyme_ne_supprime_rien(client, monde, cibles):
    response = client.post(reverse("responsable_supprimer", args=[cibles["responsable_a1"]]))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert ResponsableLegal.objects.filter(pk=cibles["responsable_a1"]).exists()


# --- A pupil's page: headers that keep it out of caches and frames, and no name in any URL.


def test_fiche_eleve_entetes_de_securite(client, monde):
    client.force_login(monde["directeur"])

    response = client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"


def test_fiche_eleve_aucun_nom_dans_les_urls(client, monde, cibles):
    client.force_login(monde["directeur"])
    eleve = monde.eleve_a1
    url = reverse("eleve_detail", args=[eleve.pk])

    response = client.get(url)

    liens = urls(response)
    assert len(liens) > 10  # navigation, modification links, static files
    for lien in [url, *liens]:
        for mot in (eleve.nom, eleve.prenom, "Lea", "Durand", "Sophie"):
            assert mot.lower() not in lien.lower(), lien


def test_accueil_administrateur_sans_circonscription_va_a_l_administration(client, monde):
    administrateur = UtilisateurFactory(role=Role.ADMINISTRATEUR, circonscription=None)
    client.force_login(administrateur)

    response = client.get(reverse("accueil"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_accueil_ecole_sans_classe_au_singulier(client, monde):
    monde.secteur_1.ecoles.add(EcoleFactory(circonscription=monde.nord, nom="École Neuve"))
    client.force_login(monde["maitre_e"])

    response = client.get(reverse("accueil"))

    assert "École Neuve (Villeurbanne) 0 classe" in texte(response)
    assert "0 classes" not in texte(response)
