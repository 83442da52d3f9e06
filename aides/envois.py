"""A form sent once creates one record: the one-time key of a submission.

The form page carries a fresh key (``aides.forms.base.CleEnvoi``). The key is written with the
record it creates, in the same transaction, under a unique constraint
(``aides.models.EnvoiFormulaire``): a double click, a resend after a network failure or a replayed
request finds the key taken and creates nothing. Two copies sent at the same instant meet at the
unique index: the second waits for the first to commit, then finds the key.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from aides.exceptions import DejaEnvoye
from aides.models import EnvoiFormulaire

# A key is needed while a page may be sent again: a draft kept in the browser lives 7 days
# (static/js/brouillons.js), the key a little longer.
DUREE_DES_CLES = timedelta(days=8)


def cle_postee(valeur) -> uuid.UUID | None:
    """The key of a POST, or None (a form without key, or a forged value: no protection, as before)."""
    try:
        return uuid.UUID(str(valeur))
    except ValueError:
        return None


def _deja_envoye(envoi: EnvoiFormulaire, utilisateur) -> DejaEnvoye:
    quand = timezone.localtime(envoi.cree_le)
    message = f"Ce formulaire avait déjà été envoyé le {quand:%d/%m/%Y} à {quand:%H:%M} : il n'a pas été " \
              "enregistré une seconde fois."
    # Someone else's key (a replay of another person's request) tells nothing of their record.
    url = envoi.url if envoi.utilisateur_id == utilisateur.pk else ""
    return DejaEnvoye(f"{message} Voici ce qu'il avait enregistré." if url else message, url=url)


def envoi_verifier(*, cle: uuid.UUID | None, utilisateur) -> None:
    """Raise ``DejaEnvoye`` if this key was already used: checked before the form is validated
    (once saved, the same data may no longer be valid, e.g. one session per slot and day)."""
    if cle is None:
        return
    envoi = EnvoiFormulaire.objects.filter(cle=cle).first()
    if envoi is not None:
        raise _deja_envoye(envoi, utilisateur)


@contextmanager
def envoi_unique(*, cle: uuid.UUID | None, utilisateur) -> Iterator[EnvoiFormulaire]:
    """Run the block (the service that creates the record) in one transaction with the key.

    The block calls ``envoi.noter(record)``; a refusal raised in the block (``ActionRefusee``)
    rolls the key back with everything else: the same page may be sent again once corrected.
    Without a key, the block runs alone.
    """
    envoi = EnvoiFormulaire(cle=cle, utilisateur=utilisateur)
    if cle is None:
        yield envoi
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                envoi.save()
        except IntegrityError:
            raise _deja_envoye(EnvoiFormulaire.objects.get(cle=cle), utilisateur) from None
        yield envoi
        envoi.save(update_fields=["url"])


def envois_purger(*, maintenant=None, simulation: bool = False) -> int:
    """Delete the keys no page can send again (``manage.py purge``); return how many."""
    anciennes = EnvoiFormulaire.objects.filter(cree_le__lt=(maintenant or timezone.now()) - DUREE_DES_CLES)
    return anciennes.count() if simulation else anciennes.delete()[0]
