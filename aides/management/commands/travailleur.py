"""``manage.py travailleur``: the task queue's worker (django-tasks-db's ``db_worker``), which
takes up again the tasks a dead worker left « en cours » (rased/taches.py): when it starts, then
every ``TACHES_REPRISE_INTERVALLE`` seconds while it runs — a worker restarted by systemd 2 s
after a kill starts too early to see its predecessor's task as abandoned.

Same options as ``db_worker``: ``--queue-name courriels,documents``, ``--max-tasks 8`` (the
process exits after that many tasks, systemd starts a fresh one: WeasyPrint's memory stays
bounded), ``--batch`` (run what is ready, then exit).
"""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from rased.taches import reprendre_les_taches_abandonnees

journal = logging.getLogger(__name__)


def _reprendre() -> None:
    reprises = reprendre_les_taches_abandonnees()
    if reprises:
        journal.warning("Tâches abandonnées remises en file d'attente : %s", reprises)


def _reprendre_sans_cesse(arret: threading.Event) -> None:
    # Its own thread, hence its own database connection, closed after each pass.
    while not arret.wait(settings.TACHES_REPRISE_INTERVALLE):
        try:
            _reprendre()
        except DatabaseError:
            journal.exception("Reprise des tâches abandonnées impossible ; nouvel essai plus tard")
        finally:
            connection.close()


class Command(DbWorker):
    help = "Exécute les tâches en file d'attente (courriels, documents), en reprenant celles d'un travailleur arrêté."

    def handle(self, *args, **options):
        _reprendre()
        arret = threading.Event()
        if not options.get("batch"):
            threading.Thread(target=_reprendre_sans_cesse, args=(arret,), daemon=True,
                             name="reprise-des-taches").start()
        try:
            return super().handle(*args, **options)
        finally:
            arret.set()
