"""The change history of schools, classes, pupils and people (django-auditlog).

Names stay (the history of a pupil's file must say what changed) and are purged with the file
(``aides/retention.py``); the mask itself is shared (``rased/historique.py``).
"""

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db.models.signals import pre_save

from eleves.enums import Niveau, Role
from eleves.historique_lisible import listes_de_choix
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
)


def enregistrer_modeles() -> None:
    for modele in (
        Circonscription, Ecole, Secteur, AnneeScolaire, Classe, Eleve, Inscription,
        ResponsableLegal, Plan,
    ):
        auditlog.register(modele)
    auditlog.register(Utilisateur, exclude_fields=["password", "last_login"])
    # The JSON lists of codes, read as their labels (eleves/historique_lisible.py).
    listes_de_choix(Classe, niveaux=Niveau)
    pre_save.connect(marquer_l_auteur, sender=LogEntry, dispatch_uid="eleves.historique.marquer_l_auteur")


def marquer_l_auteur(sender, instance, **kwargs) -> None:
    """Keep on each new history entry whether its author was a psychologist when writing it
    (``additional_data["par_psychologue"]``), as our own tables do (``JournalAcces.par_psychologue``):
    the readable history names the author from it, not from the account's present role
    (``eleves.historique_lisible``). The author is auditlog's (the request's user, ``set_actor``),
    read from its context: this receiver runs before the one auditlog connects to fill ``actor``."""
    if instance.pk is not None or (instance.additional_data is not None and not isinstance(instance.additional_data, dict)):
        return
    auteur = instance.actor
    if auteur is None:
        try:
            auteur = auditlog_value.get().get("actor")
        except LookupError:
            return
    if not isinstance(auteur, Utilisateur):
        return
    instance.additional_data = {**(instance.additional_data or {}), "par_psychologue": auteur.role == Role.PSYCHOLOGUE}
