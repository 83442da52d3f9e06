"""The change history (django-auditlog): what every app's registration shares.

Each app registers its own models with the fields whose value must never reach the history
(``eleves/historique.py``, ``aides/historique.py``, from their ``AppConfig.ready``); the mask
below replaces those values (``AUDITLOG_MASK_CALLABLE``).
"""

MASQUE = "(contenu masqué)"


def masquer(valeur: str) -> str:
    return MASQUE
