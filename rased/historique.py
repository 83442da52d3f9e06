"""The change history of every record (django-auditlog), with confidential text masked."""

from auditlog.registry import auditlog

MASQUE = "(contenu masqué)"


def masquer(valeur: str) -> str:
    return MASQUE


def enregistrer_modeles() -> None:
    """Register each model with the fields whose value must never reach the history.

    The psychologist's text is masked wherever it can be written; names stay (the history
    of a pupil's file must say what changed) and are purged with the file (retention).
    """
    from aides import models as aides
    from eleves import models as eleves

    for modele in (
        eleves.Circonscription, eleves.Ecole, eleves.Secteur, eleves.AnneeScolaire, eleves.Classe,
        eleves.Eleve, eleves.Inscription, eleves.ResponsableLegal, eleves.Plan,
        aides.Aide,
    ):
        auditlog.register(modele)
    # Every column encrypted in the database (aides/chiffrement.py) is masked here: the history
    # must not keep in clear what the table itself does not.
    auditlog.register(aides.DemandeAide, mask_fields=["decision_motif"])
    auditlog.register(aides.Consentement, mask_fields=["commentaire"])
    auditlog.register(aides.Reunion, mask_fields=["lieu", "ordre_du_jour", "compte_rendu", "decisions"])
    auditlog.register(aides.ParticipantExterne, mask_fields=["nom", "qualite"])
    auditlog.register(aides.ActionEquipe, mask_fields=["public", "theme", "apport"])
    auditlog.register(eleves.Utilisateur, exclude_fields=["password", "last_login"])
    # A psychologist's programme is secret as a whole: its wording never enters the history,
    # nor the frozen document (``instantane``) that repeats it.
    auditlog.register(aides.Programme, mask_fields=["avis_eleve", "avis_famille", "instantane"])
    auditlog.register(aides.Objectif, mask_fields=["intitule", "critere", "responsable"])
    auditlog.register(aides.ActionProgramme, mask_fields=["description"])
    auditlog.register(aides.Observation, mask_fields=["contenu"])
    auditlog.register(aides.Seance, mask_fields=["contenu"])
    auditlog.register(aides.PresenceSeance, mask_fields=["observation"])
    auditlog.register(aides.Evaluation, mask_fields=["synthese", "estime_instrument", "estime_debut", "estime_fin"])
    auditlog.register(aides.EvaluationObjectif, mask_fields=["commentaire"])
    auditlog.register(aides.ConclusionPsy, mask_fields=["texte"])
