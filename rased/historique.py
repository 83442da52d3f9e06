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
        aides.DemandeAide, aides.Aide, aides.Consentement, aides.Reunion, aides.ParticipantExterne,
        aides.ActionProgramme, aides.Objectif, aides.ActionEquipe,
    ):
        auditlog.register(modele)
    auditlog.register(eleves.Utilisateur, exclude_fields=["password", "last_login"])
    auditlog.register(aides.Programme, mask_fields=["avis_eleve", "avis_famille"])
    auditlog.register(aides.Observation, mask_fields=["contenu"])
    auditlog.register(aides.Seance, mask_fields=["contenu"])
    auditlog.register(aides.PresenceSeance, mask_fields=["observation"])
    auditlog.register(aides.Evaluation, mask_fields=["synthese", "estime_instrument", "estime_debut", "estime_fin"])
    auditlog.register(aides.EvaluationObjectif, mask_fields=["commentaire"])
    auditlog.register(aides.ConclusionPsy, mask_fields=["texte"])
