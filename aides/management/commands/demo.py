"""``python manage.py demo``: a realistic, French and reproducible demonstration circonscription.

The school data and the accounts come from ``eleves/demo.py``, the requests at every stage from
``aides/demo.py``; the command lives in the aides app because it needs both.

Guarded: outside development mode (``DEBUG``) it refuses to run without ``--force``, because it
creates accounts whose password is published, an administrator among them.
"""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from aides.demo import peupler, sans_courriel
from eleves.demo import (
    DEJA_EN_PLACE,
    GRAINE,
    MOT_DE_PASSE,
    NOM_CIRCONSCRIPTION,
    MotDePasse,
    assurer_comptes,
    creer_donnees,
    resume,
    resume_comptes,
)
from eleves.models import AnneeScolaire, Circonscription, Classe


class Command(BaseCommand):
    help = (
        "Crée des données de démonstration réalistes : une circonscription du Rhône, deux années "
        "scolaires (la courante et la précédente), 6 écoles, 2 secteurs RASED, 26 classes cette "
        "année (presque autant l'an dernier), environ 500 élèves avec leurs responsables légaux, "
        "leur parcours et quelques plans (PPRE, PAP, PAI, PPS, ULIS, UPE2A), et un compte par "
        "rôle : enseignant, directeur, maitre-e, maitre-g, psychologue, circonscription, admin "
        f"(mot de passe « {MOT_DE_PASSE} »). "
        "Les données sont toujours les mêmes. La commande peut être relancée : si la "
        "circonscription de démonstration existe, elle ne crée rien d'autre et se contente de "
        "vérifier les comptes (présents, actifs, mot de passe de démonstration). "
        "Réservée au mode développement (DJANGO_DEBUG=1), sauf --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Lancer la commande hors mode développement (les mots de passe sont publics : "
            "jamais sur une instance réelle).",
        )

    def handle(self, *args, force=False, verbosity=1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Les comptes de démonstration ont un mot de passe public : cette commande ne "
                "s'exécute qu'en mode développement (DJANGO_DEBUG=1), ou avec --force."
            )
        debut_chrono = time.monotonic()
        mot_de_passe = MotDePasse()
        with sans_courriel(), transaction.atomic():
            circonscription = Circonscription.objects.filter(nom=NOM_CIRCONSCRIPTION).first()
            deja_en_place = circonscription is not None
            if not deja_en_place:
                circonscription = creer_donnees(random.Random(GRAINE), mot_de_passe)
            comptes = assurer_comptes(circonscription, mot_de_passe)
            if not deja_en_place:
                # The aid workflow's demo needs the accounts above: requests at every stage.
                peupler(circonscription, random.Random(GRAINE + 1))
        if verbosity < 1:
            return
        duree = time.monotonic() - debut_chrono
        if deja_en_place:
            self.stdout.write(DEJA_EN_PLACE)
            if not Classe.objects.filter(
                ecole__circonscription=circonscription, annee=AnneeScolaire.objects.courante()
            ).exists():
                self.stderr.write(self.style.WARNING(
                    "Elles datent d'une année scolaire passée (aucune classe cette année) : "
                    "repartez d'une base vide pour les recréer sur l'année en cours."
                ))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Données de démonstration créées en {duree:.1f} s.".replace(".", ",", 1)
            ))
            self.stdout.write(resume(circonscription))
        self.stdout.write(resume_comptes(comptes))
        for spec, _, etat in comptes:
            if etat == "ignoré":
                self.stderr.write(self.style.WARNING(
                    f"Le compte « {spec.username} » existe déjà hors de la démonstration : "
                    "il a été laissé tel quel."
                ))
