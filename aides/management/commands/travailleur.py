"""``manage.py travailleur``: the task queue's worker (django-tasks-db's ``db_worker``), which
first takes up again the tasks a dead worker left « en cours » (rased/taches.py).

Same options as ``db_worker``: ``--queue-name courriels,documents``, ``--max-tasks 8`` (the
process exits after that many tasks, systemd starts a fresh one: WeasyPrint's memory stays
bounded), ``--batch`` (run what is ready, then exit).
"""

import logging

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from rased.taches import reprendre_les_taches_abandonnees

journal = logging.getLogger(__name__)


class Command(DbWorker):
    help = "Exécute les tâches en file d'attente (courriels, documents), après avoir repris celles d'un travailleur arrêté."

    def handle(self, *args, **options):
        reprises = reprendre_les_taches_abandonnees()
        if reprises:
            journal.warning("Tâches abandonnées remises en file d'attente : %s", reprises)
        return super().handle(*args, **options)
