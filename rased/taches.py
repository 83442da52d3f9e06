"""The task queue's own care: tasks abandoned by a worker that died are taken up again.

A worker claims a task by marking it « en cours »; if it dies (killed, machine restarted, out of
memory while rendering a PDF), the row stays « en cours » forever. Every worker (``manage.py
travailleur``), when it starts and then every ``TACHES_REPRISE_INTERVALLE`` seconds, puts back in
the queue the tasks « en cours » for longer than ``TACHES_DUREE_MAXIMALE`` seconds: no task runs
that long, so their worker is gone. A task taken up again runs a second time from its start: an
e-mail may then leave twice, never zero times.
"""

from datetime import timedelta

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def reprendre_les_taches_abandonnees() -> int:
    """Back to « prête » every task « en cours » for too long; how many."""
    limite = timezone.now() - timedelta(seconds=settings.TACHES_DUREE_MAXIMALE)
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=limite).update(
        status=TaskResultStatus.READY, started_at=None
    )
