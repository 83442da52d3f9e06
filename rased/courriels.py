"""E-mail leaves through the task queue, never inside the user's request.

The user's action commits and answers at once whatever the mail server does: ``programmer``
queues the message once the transaction commits; the worker (``manage.py travailleur``, queue
``courriels``) sends it. A send that fails (server down, refused) is tried again later, after
each delay of ``COURRIELS_DELAIS_NOUVELLE_TENTATIVE`` in turn (1 min, 5 min, 30 min, 2 h, 6 h by
default); after the last one the task is marked failed and the administrator sees it among the
« Tâches » of the administration site, with the error. No pupil's name is ever in a message.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from rased.francais import quantite

journal = logging.getLogger(__name__)


class CourrielNonEnvoye(Exception):
    """The last attempt failed: the task ends « échouée », visible to the administrator."""


@task(queue_name="courriels")
def envoyer(sujet: str, message: str, destinataires: list[str], tentative: int = 1) -> str:
    try:
        send_mail(subject=sujet, message=message, from_email=None, recipient_list=destinataires)
    except (OSError, smtplib.SMTPException) as erreur:
        delais = settings.COURRIELS_DELAIS_NOUVELLE_TENTATIVE
        if tentative > len(delais) or not envoyer.get_backend().supports_defer:
            raise CourrielNonEnvoye(
                f"Courriel « {sujet} » non envoyé après {quantite(tentative, 'une tentative')} : {erreur}"
            ) from erreur
        delai = timedelta(seconds=delais[tentative - 1])
        envoyer.using(run_after=timezone.now() + delai).enqueue(sujet, message, destinataires, tentative + 1)
        return f"tentative {tentative} en échec ({type(erreur).__name__}), nouvelle tentative dans {delai}"
    return f"envoyé (tentative {tentative})"


def programmer(*, sujet: str, message: str, destinataires) -> None:
    """Queue one e-mail once the current transaction commits (at once outside one). Nothing is
    queued without an address; a queue that refuses is logged, never shown to the user."""
    adresses = [a for a in destinataires if a]
    if not adresses:
        return

    def mettre_en_file():
        try:
            envoyer.enqueue(sujet[:200], message, adresses)
        except Exception:  # noqa: BLE001 (whatever the queue raises, the action stands)
            # The action is committed: losing one notification is better than an error page.
            journal.exception("Courriel non mis en file d'attente")

    transaction.on_commit(mettre_en_file)
