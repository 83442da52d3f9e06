"""The change history of the aid workflow (django-auditlog), with confidential text masked.

The psychologist's text is masked wherever it can be written; the mask itself is shared
(``rased/historique.py``).
"""

from auditlog.registry import auditlog

from aides.enums import DejaEssaye, DomaineSocle, Obstacle
from aides.models import (
    ActionEquipe,
    ActionProgramme,
    Aide,
    ConclusionPsy,
    Consentement,
    Creneau,
    CreneauNonTenu,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Groupe,
    MembreGroupe,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from eleves.historique_lisible import listes_de_choix


def enregistrer_modeles() -> None:
    """Register each model with the fields whose value must never reach the history."""
    auditlog.register(Aide)
    # Every column encrypted in the database (rased/chiffrement.py) is masked here: the history
    # must not keep in clear what the table itself does not.
    auditlog.register(DemandeAide, mask_fields=["decision_motif"])
    auditlog.register(Consentement, mask_fields=["commentaire"])
    auditlog.register(Reunion, mask_fields=["lieu", "ordre_du_jour", "compte_rendu", "decisions"])
    auditlog.register(ParticipantExterne, mask_fields=["nom", "qualite"])
    auditlog.register(ActionEquipe, mask_fields=["public", "theme", "apport"])
    # A psychologist's programme is secret as a whole: its wording never enters the history,
    # nor the frozen document (``instantane``) that repeats it.
    auditlog.register(Programme, mask_fields=["avis_eleve", "avis_famille", "instantane"])
    auditlog.register(Objectif, mask_fields=["intitule", "critere", "responsable"])
    auditlog.register(ActionProgramme, mask_fields=["description"])
    auditlog.register(Observation, mask_fields=["contenu"])
    auditlog.register(Seance, mask_fields=["contenu", "prochaine_fois"])
    auditlog.register(PresenceSeance, mask_fields=["observation"])
    auditlog.register(Evaluation, mask_fields=["synthese", "estime_instrument", "estime_debut", "estime_fin"])
    auditlog.register(EvaluationObjectif, mask_fields=["commentaire"])
    auditlog.register(ConclusionPsy, mask_fields=["texte"])
    # The member's timetable: who changed a slot or a group, and when (nothing secret in them).
    auditlog.register(Groupe)
    auditlog.register(MembreGroupe)
    auditlog.register(Creneau)
    auditlog.register(CreneauNonTenu)
    # The JSON lists of codes, read as their labels (eleves/historique_lisible.py).
    listes_de_choix(DemandeAide, domaines=DomaineSocle, deja_essaye=DejaEssaye)
    listes_de_choix(Observation, obstacles=Obstacle)
