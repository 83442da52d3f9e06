"""``python manage.py purge``: deletes the pupils' files past their retention time, and the
access-log entries older than ``RETENTION_JOURNAL_MOIS`` and the batch prints past their
``IMPRESSIONS_CONSERVATION_HEURES`` with their files (logic in ``aides/retention.py``).

- ``--dry-run`` prints what would go and changes nothing;
- idempotent: a second run finds nothing left to delete;
- first freezes the yearly activity report of every past school year the deleted files count in;
- one transaction per pupil: a failure leaves that pupil's file whole.
Meant to run from cron, e.g. once a week.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from aides.retention import annee_limite, purger
from eleves.scolarite import libelle_annee
from rased.francais import quantite


class Command(BaseCommand):
    help = "Supprime les dossiers d'élèves arrivés au terme de leur durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", dest="simulation",
            help="Affiche ce qui serait supprimé sans rien supprimer.",
        )

    def handle(self, *args, simulation=False, **options):
        limite = annee_limite()
        self.stdout.write(
            f"Durée de conservation : {quantite(settings.RETENTION_ANNEES_SCOLAIRES, 'une année scolaire')} ; "
            f"dossiers dont la dernière année est antérieure à {libelle_annee(limite)}."
        )
        bilan = purger(simulation=simulation)
        verbe = "seraient supprimés" if simulation else "supprimés"
        if simulation:
            self.stdout.write("Simulation (--dry-run) : rien n'est supprimé.")
        if bilan.statistiques:
            fige = "seraient figés" if simulation else "figés"
            annees = ", ".join(f"{libelle_annee(a)} ({c})" for c, a in bilan.statistiques)
            self.stdout.write(f"Bilans d'activité {fige} avant suppression : {annees}")
        self.stdout.write(f"Dossiers d'élèves {verbe} : {len(bilan.eleves)}")
        for libelle, nombre in sorted(bilan.nombres.items()):
            self.stdout.write(f"  {libelle} : {nombre}")
        if not bilan.eleves and not bilan.nombres:
            self.stdout.write("Rien à supprimer.")
