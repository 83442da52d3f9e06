"""Query counts of the list pages: the same with one row and with many (no N+1).

Each test warms the session with a first GET, measures, adds rows, and measures again.
"""

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS
from tests.eleves.outils_pages import liens_eleves, nb_requetes, texte
from tests.factories import (
    AnneeScolaireFactory,
    ClasseFactory,
    EcoleFactory,
    InscriptionFactory,
    PlanFactory,
    ResponsableLegalFactory,
    UtilisateurFactory,
    eleve_inscrit,
)

BEAUCOUP = 20


def _mesurer(client, url):
    client.get(url)  # warms the session (start of session, permissions)
    return nb_requetes(client, url)


def _agrandir(monde):
    """20 of everything each persona's pages list, in the scope of every persona of Lyon Nord.

    - école A: 20 more classes, each with two teachers (one of them ``enseignant``) and a pupil;
    - classe A1 and B1: 20 more pupils each, with last year's enrolment too;
    - secteurs 1 and 2: 20 more schools each, each with a class taught by ``enseignant`` (secteur 1)
      or ``enseignant_autre_ecole`` (secteur 2);
    - école C (Lyon Sud): 20 more classes and pupils.
    """
    annee = monde.classe_a1.annee
    for i in range(BEAUCOUP):
        collegue = UtilisateurFactory(circonscription=monde.nord)
        classe = ClasseFactory(
            ecole=monde.ecole_a,
            annee=annee,
            nom=f"Classe A{i + 3}",
            enseignants=[monde["enseignant"], collegue],
        )
        eleve_inscrit(classe)
        for classe_existante in (monde.classe_a1, monde.classe_b1):
            eleve = eleve_inscrit(classe_existante)
            InscriptionFactory(eleve=eleve, classe=monde.classe_a_annee_passee, niveau="CP")
        for secteur, enseignant in (
            (monde.secteur_1, monde["enseignant"]),
            (monde.secteur_2, monde["enseignant_autre_ecole"]),
        ):
            ecole = EcoleFactory(circonscription=monde.nord)
            secteur.ecoles.add(ecole)
            eleve_inscrit(ClasseFactory(ecole=ecole, annee=annee, enseignants=[enseignant]))
        eleve_inscrit(ClasseFactory(ecole=monde.ecole_c, annee=annee, niveaux=["CP"]))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("nom_page", ["accueil", "eleve_liste", "ecole_liste"])
def test_requetes_liste_constantes(client, monde, nom_page, persona):
    client.force_login(monde[persona])
    url = reverse(nom_page)
    peu = _mesurer(client, url)

    _agrandir(monde)
    beaucoup = nb_requetes(client, url)

    assert beaucoup == peu
    assert "Page introuvable" not in texte(client.get(url))


@pytest.mark.parametrize(
    "persona", ["enseignant", "directeur", "maitre_e", "circonscription", "admin"]
)
def test_requetes_ecole_detail_constantes(client, monde, persona):
    client.force_login(monde[persona])
    url = reverse("ecole_detail", args=[monde.ecole_a.pk])
    peu = _mesurer(client, url)

    _agrandir(monde)
    beaucoup = nb_requetes(client, url)

    assert beaucoup == peu
    assert "Classe A22" in texte(client.get(url))


@pytest.mark.parametrize(
    "persona", ["enseignant", "directeur", "psychologue", "circonscription", "admin"]
)
def test_requetes_classe_detail_constantes(client, monde, persona):
    client.force_login(monde[persona])
    url = reverse("classe_detail", args=[monde.classe_a1.pk])
    peu = _mesurer(client, url)

    _agrandir(monde)
    monde.classe_a1.enseignants.add(*UtilisateurFactory.create_batch(5, circonscription=monde.nord))
    beaucoup = nb_requetes(client, url)

    assert beaucoup == peu
    assert len(liens_eleves(client.get(url))) == 1 + BEAUCOUP


def test_requetes_liste_eleves_page_2_constantes(client, monde):
    client.force_login(monde["circonscription"])
    url = reverse("eleve_liste") + "?page=2"
    _agrandir(monde)  # 4 + 20 × 7 pupils in Lyon Nord: 6 pages
    peu = _mesurer(client, url)

    for _ in range(BEAUCOUP):
        eleve_inscrit(monde.classe_a2)
    beaucoup = nb_requetes(client, url)

    assert beaucoup == peu
    assert len(liens_eleves(client.get(url))) == 25


def test_requetes_recherche_constantes(client, monde):
    client.force_login(monde["directeur"])
    client.post(
        reverse("eleve_liste"), {"nom": "Durand", "ecole": monde.ecole_a.pk, "niveau": "CE1"}
    )
    url = reverse("eleve_liste")
    eleve_inscrit(monde.classe_a1, nom="Durand")
    peu = _mesurer(client, url)

    _agrandir(monde)  # the factory's pupils are named DurandN
    beaucoup = nb_requetes(client, url)

    assert beaucoup == peu
    # Durand in CE1 at école A: the first one, the 20 of classe A1, the 20 of the new classes.
    assert "41 élèves correspondants à la recherche." in texte(client.get(url))


@pytest.mark.parametrize(
    "persona", ["enseignant", "directeur", "maitre_g", "circonscription", "admin"]
)
def test_requetes_fiche_eleve_constantes(client, monde, persona):
    eleve = monde.eleve_a1
    ResponsableLegalFactory(eleve=eleve)
    PlanFactory(eleve=eleve)
    client.force_login(monde[persona])
    url = reverse("eleve_detail", args=[eleve.pk])
    peu = _mesurer(client, url)

    # Five past years, each in a class of another school with two teachers; families and plans.
    for recul in range(1, 6):
        annee = AnneeScolaireFactory(debut=monde.classe_a1.annee.debut - recul)
        enseignants = UtilisateurFactory.create_batch(2, circonscription=monde.nord)
        classe = ClasseFactory(
            ecole=EcoleFactory(circonscription=monde.nord), annee=annee, enseignants=enseignants
        )
        InscriptionFactory(eleve=eleve, classe=classe, annee=annee)
    ResponsableLegalFactory.create_batch(5, eleve=eleve)
    PlanFactory.create_batch(5, eleve=eleve, date_debut=date(2024, 9, 2))
    beaucoup = nb_requetes(client, url)

    assert beaucoup == peu
    contenu = texte(client.get(url)).split("Historique")[0]  # the history names them again
    assert contenu.count("Sophie DURAND") == 6
    assert contenu.count("PAP (plan d'accompagnement personnalisé)") == 6
