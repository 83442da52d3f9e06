"""Reference lists of the school world (see DOMAIN.md, « Reference lists »)."""

from django.db import models


class Role(models.TextChoices):
    ENSEIGNANT = "enseignant", "Enseignant"
    DIRECTEUR = "directeur", "Directeur d'école"
    MAITRE_E = "maitre_e", "Maître E (aide à dominante pédagogique)"
    MAITRE_G = "maitre_g", "Maître G (aide à dominante relationnelle)"
    PSYCHOLOGUE = "psychologue", "Psychologue de l'Éducation nationale"
    CIRCONSCRIPTION = "circonscription", "Circonscription"
    ADMINISTRATEUR = "admin", "Administrateur"


# The three roles that form the RASED of a circonscription; each covers a secteur.
ROLES_RASED = frozenset({Role.MAITRE_E, Role.MAITRE_G, Role.PSYCHOLOGUE})


class FonctionCirconscription(models.TextChoices):
    IEN = "ien", "Inspecteur de l'Éducation nationale (IEN)"
    CONSEILLER = "cpc", "Conseiller pédagogique"
    SECRETARIAT = "secretariat", "Secrétariat"


class Niveau(models.TextChoices):
    TPS = "TPS", "TPS"
    PS = "PS", "PS"
    MS = "MS", "MS"
    GS = "GS", "GS"
    CP = "CP", "CP"
    CE1 = "CE1", "CE1"
    CE2 = "CE2", "CE2"
    CM1 = "CM1", "CM1"
    CM2 = "CM2", "CM2"


CYCLE_PAR_NIVEAU = {
    Niveau.TPS: 1, Niveau.PS: 1, Niveau.MS: 1, Niveau.GS: 1,
    Niveau.CP: 2, Niveau.CE1: 2, Niveau.CE2: 2,
    Niveau.CM1: 3, Niveau.CM2: 3,
}


class Sexe(models.TextChoices):
    FILLE = "F", "Fille"
    GARCON = "M", "Garçon"


class LienResponsable(models.TextChoices):
    MERE = "mere", "Mère"
    PERE = "pere", "Père"
    TUTEUR = "tuteur", "Tuteur ou tutrice"
    AUTRE = "autre", "Autre responsable légal"


class TypePlan(models.TextChoices):
    """Plans and arrangements recorded beside the RASED aid; their content lives in the LPI."""

    PPRE = "PPRE", "PPRE (programme personnalisé de réussite éducative)"
    PAP = "PAP", "PAP (plan d'accompagnement personnalisé)"
    PAI = "PAI", "PAI (projet d'accueil individualisé)"
    PPS = "PPS", "PPS (projet personnalisé de scolarisation)"
    ULIS = "ULIS", "ULIS (unité localisée pour l'inclusion scolaire)"
    UPE2A = "UPE2A", "UPE2A (élèves allophones)"


class Zone(models.TextChoices):
    """Zones of the school calendar: a circonscription's académie sets its holidays. The codes are
    those ``eleves.calendrier.ZONES_OFFICIELLES`` reads from the official export."""

    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"
    CORSE = "corse", "Corse"
    GUADELOUPE = "guadeloupe", "Guadeloupe"
    MARTINIQUE = "martinique", "Martinique"
    GUYANE = "guyane", "Guyane"
    REUNION = "reunion", "La Réunion"
    MAYOTTE = "mayotte", "Mayotte"
