"""``python manage.py charger_competences``: reloads the reference list of skills from
aides/data/competences.csv (or ``--fichier``), as the data migration first did.

- new codes are added, changed rows updated, codes no longer in the file deactivated (an
  objective that named one keeps it; it is no longer offered);
- idempotent: a second run changes nothing;
- a broken file (unknown cycle or domain, duplicate code) stops before anything is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from aides import competences
from aides.models import Competence


class Command(BaseCommand):
    help = "Recharge la liste des compétences (socle commun, attendus de fin de cycle) depuis son fichier."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fichier", type=Path, default=competences.FICHIER,
            help=f"Fichier CSV à charger (par défaut {competences.FICHIER.name} livré avec l'application).",
        )

    def handle(self, *args, fichier, **options):
        try:
            lignes = competences.lire(fichier)
        except (OSError, ValueError) as erreur:
            raise CommandError(str(erreur)) from erreur
        with transaction.atomic():
            bilan = competences.charger(Competence, lignes)
        self.stdout.write(
            f"{len(lignes)} compétences dans le fichier : {bilan['ajoutees']} ajoutée(s), "
            f"{bilan['modifiees']} modifiée(s), {bilan['retirees']} retirée(s) de la liste proposée."
        )
