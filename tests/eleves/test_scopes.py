"""Who sees what: the scoped querysets, the object rules, and their agreement for every persona."""

import pytest

from eleves.models import Classe, Ecole, Eleve
from tests.conftest import PERSONAS

# The expected answer, written by hand from DOMAIN.md's rules.
ELEVES_ATTENDUS = {
    "enseignant": {"eleve_a1"},
    "directeur": {"eleve_a1", "eleve_a2"},
    "maitre_e": {"eleve_a1", "eleve_a2"},
    "maitre_g": {"eleve_a1", "eleve_a2"},
    "psychologue": {"eleve_a1", "eleve_a2"},
    "circonscription": {"eleve_a1", "eleve_a2", "eleve_b1", "eleve_ancien"},
    "admin": {"eleve_a1", "eleve_a2", "eleve_b1", "eleve_ancien"},
    "enseignant_autre_ecole": {"eleve_b1"},
    "rased_autre_secteur": {"eleve_b1"},
    "autre_circonscription": {"eleve_c1"},
}
ECOLES_ATTENDUES = {
    "enseignant": {"ecole_a"},
    "directeur": {"ecole_a"},
    "maitre_e": {"ecole_a"},
    "maitre_g": {"ecole_a"},
    "psychologue": {"ecole_a"},
    "circonscription": {"ecole_a", "ecole_b"},
    "admin": {"ecole_a", "ecole_b"},
    "enseignant_autre_ecole": {"ecole_b"},
    "rased_autre_secteur": {"ecole_b"},
    "autre_circonscription": {"ecole_c"},
}
CLASSES_ATTENDUES = {
    "enseignant": {"classe_a1"},
    "directeur": {"classe_a1", "classe_a2"},
    "maitre_e": {"classe_a1", "classe_a2"},
    "maitre_g": {"classe_a1", "classe_a2"},
    "psychologue": {"classe_a1", "classe_a2"},
    "circonscription": {"classe_a1", "classe_a2", "classe_b1", "classe_a_annee_passee"},
    "admin": {"classe_a1", "classe_a2", "classe_b1", "classe_a_annee_passee"},
    "enseignant_autre_ecole": {"classe_b1"},
    "rased_autre_secteur": {"classe_b1"},
    "autre_circonscription": {"classe_c1"},
}
TOUS_ELEVES = ["eleve_a1", "eleve_a2", "eleve_b1", "eleve_c1", "eleve_ancien"]
TOUTES_ECOLES = ["ecole_a", "ecole_b", "ecole_c"]
TOUTES_CLASSES = ["classe_a1", "classe_a2", "classe_b1", "classe_c1", "classe_a_annee_passee"]


def _noms(monde, objets, candidats):
    ids = {o.pk for o in objets}
    return {nom for nom in candidats if getattr(monde, nom).pk in ids}


@pytest.mark.parametrize("persona", PERSONAS)
def test_eleves_visibles_par_role(monde, persona):
    visibles = Eleve.objects.visibles_par(monde[persona])
    assert _noms(monde, visibles, TOUS_ELEVES) == ELEVES_ATTENDUS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_ecoles_et_classes_visibles_par_role(monde, persona):
    user = monde[persona]
    assert _noms(monde, Ecole.objects.visibles_par(user), TOUTES_ECOLES) == ECOLES_ATTENDUES[persona]
    assert _noms(monde, Classe.objects.visibles_par(user), TOUTES_CLASSES) == CLASSES_ATTENDUES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_regles_et_querysets_concordent(monde, persona):
    """For every object, ``has_perm(view)`` answers exactly what ``visibles_par`` contains."""
    user = monde[persona]
    for perm, modele, candidats in (
        ("eleves.view_eleve", Eleve, TOUS_ELEVES),
        ("eleves.view_ecole", Ecole, TOUTES_ECOLES),
        ("eleves.view_classe", Classe, TOUTES_CLASSES),
    ):
        visibles = set(modele.objects.visibles_par(user).values_list("pk", flat=True))
        for nom in candidats:
            objet = modele.objects.get(pk=getattr(monde, nom).pk)
            assert user.has_perm(perm, objet) == (objet.pk in visibles), (persona, nom)


def test_compte_desactive_ne_voit_rien(monde):
    directeur = monde["directeur"]
    directeur.is_active = False
    directeur.save()
    assert not Eleve.objects.visibles_par(directeur).exists()
    assert not directeur.has_perm("eleves.view_eleve", monde.eleve_a1)


def test_membre_rased_sans_secteur_ne_voit_rien(monde):
    maitre = monde["maitre_e"]
    maitre.secteur = None
    assert not Eleve.objects.visibles_par(maitre).exists()
    assert not Ecole.objects.visibles_par(maitre).exists()
    assert not maitre.has_perm("eleves.view_eleve", monde.eleve_a1)


def test_ecole_dans_deux_secteurs_pas_de_doublon(monde):
    monde.secteur_2.ecoles.add(monde.ecole_a)
    user = monde["rased_autre_secteur"]
    pks = list(Eleve.objects.visibles_par(user).values_list("pk", flat=True))
    assert len(pks) == len(set(pks)) == 3
