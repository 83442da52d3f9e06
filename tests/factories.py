"""factory_boy factories: plain objects, no surprises (every relation explicit or obvious).

Schools, classes, pupils and people here; the aid workflow in ``tests/factories_aides.py``
(plain rows, for tests that read) and ``tests/factories_parcours.py`` (through the services, for
tests that need the workflow's history, notifications and checks).
"""

from datetime import date

import factory

from eleves.enums import Niveau, Role, Sexe
from eleves.models import (
    AnneeScolaire,
    Circonscription,
    Classe,
    Ecole,
    Eleve,
    Inscription,
    Plan,
    ResponsableLegal,
    Secteur,
    Utilisateur,
    annee_courante_debut,
)


class CirconscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Circonscription

    nom = factory.Sequence(lambda n: f"Circonscription {n}")
    departement = "Rhône"


class AnneeScolaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnneeScolaire
        django_get_or_create = ["debut"]

    debut = factory.LazyFunction(annee_courante_debut)


class EcoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ecole

    circonscription = factory.SubFactory(CirconscriptionFactory)
    nom = factory.Sequence(lambda n: f"École {n}")
    commune = "Villeurbanne"
    uai = factory.Sequence(lambda n: f"{690000 + n:07d}A")


class SecteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Secteur
        skip_postgeneration_save = True

    circonscription = factory.SubFactory(CirconscriptionFactory)
    nom = factory.Sequence(lambda n: f"Secteur {n}")

    @factory.post_generation
    def ecoles(self, create, extracted, **kwargs):
        if create and extracted:
            self.ecoles.set(extracted)


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    role = Role.ENSEIGNANT
    circonscription = factory.SubFactory(CirconscriptionFactory)
    password = factory.django.Password("mot-de-passe-de-test-2026")


class ClasseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classe
        skip_postgeneration_save = True

    ecole = factory.SubFactory(EcoleFactory)
    annee = factory.SubFactory(AnneeScolaireFactory)
    nom = factory.Sequence(lambda n: f"Classe {n}")
    niveaux = factory.LazyFunction(lambda: [Niveau.CE1.value, Niveau.CE2.value])

    @factory.post_generation
    def enseignants(self, create, extracted, **kwargs):
        if create and extracted:
            self.enseignants.set(extracted)


class EleveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Eleve

    circonscription = factory.SubFactory(CirconscriptionFactory)
    nom = factory.Sequence(lambda n: f"Durand{n}")
    prenom = "Léa"
    date_naissance = date(2018, 3, 14)
    sexe = Sexe.FILLE


class InscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inscription

    eleve = factory.SubFactory(EleveFactory)
    classe = factory.SubFactory(ClasseFactory)
    annee = factory.SelfAttribute("classe.annee")
    niveau = factory.LazyAttribute(lambda o: o.classe.niveaux[0])


class ResponsableLegalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsableLegal

    eleve = factory.SubFactory(EleveFactory)
    lien = "mere"
    civilite = "Mme"
    nom = "Durand"
    prenom = "Sophie"
    adresse = "12 rue des Lilas"
    code_postal = "69100"
    commune = "Villeurbanne"
    telephone = "06 12 34 56 78"
    email = "sophie.durand@example.org"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    eleve = factory.SubFactory(EleveFactory)
    type = "PAP"
    date_debut = date(2025, 10, 1)


def eleve_inscrit(classe, **kwargs) -> Eleve:
    """A pupil of the class's circonscription, enrolled in ``classe`` for its year."""
    eleve = EleveFactory(circonscription=classe.ecole.circonscription, **kwargs)
    InscriptionFactory(eleve=eleve, classe=classe)
    return eleve
