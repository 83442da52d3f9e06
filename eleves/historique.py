"""The change history of schools, classes, pupils and people (django-auditlog).

Names stay (the history of a pupil's file must say what changed) and are purged with the file
(``aides/retention.py``); the mask itself is shared (``rased/historique.py``).
"""

from auditlog.registry import auditlog

from eleves.enums import Niveau
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
