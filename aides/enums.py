"""Reference lists and states of the aid workflow (see DOMAIN.md, « The journey »)."""

from django.db import models

from eleves.enums import ROLES_RASED, Role


class EtatDemande(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    ENVOYEE = "envoyee", "Envoyée au RASED"
    EN_ANALYSE = "en_analyse", "En analyse"
    AIDE_DECIDEE = "aide_decidee", "Aide décidée"
    AUTRE_REPONSE = "autre_reponse", "Autre réponse apportée"
    CLOTUREE = "cloturee", "Clôturée"


# States the RASED has to act on, oldest first on their dashboard.
ETATS_A_TRAITER = frozenset({EtatDemande.ENVOYEE, EtatDemande.EN_ANALYSE})
# States after the RASED's answer. Read as one by those not told of psychological follow-ups
# (``aides.rules.etat_lisible``): « aid decided » with no aid they can see would single out a
# pupil followed by a psychologist alone.
ETATS_REPONDUS = frozenset({EtatDemande.AIDE_DECIDEE, EtatDemande.AUTRE_REPONSE, EtatDemande.CLOTUREE})
REPONSE_APPORTEE = "Réponse apportée par le RASED"


class DomaineSocle(models.TextChoices):
    """Domains and sub-domains of the socle commun de connaissances, de compétences et de culture."""

    D1_1 = "1.1", "1.1 Langue française à l'oral et à l'écrit"
    D1_2 = "1.2", "1.2 Langues étrangères et régionales"
    D1_3 = "1.3", "1.3 Langages mathématiques, scientifiques et informatiques"
    D1_4 = "1.4", "1.4 Langages des arts et du corps"
    D2 = "2", "2 Méthodes et outils pour apprendre"
    D3 = "3", "3 Formation de la personne et du citoyen"
    D4 = "4", "4 Systèmes naturels et systèmes techniques"
    D5 = "5", "5 Représentations du monde et activité humaine"


class DejaEssaye(models.TextChoices):
    DIFFERENCIATION = "differenciation", "Différenciation pédagogique"
    APC = "apc", "Activités pédagogiques complémentaires (APC)"
    PPRE = "ppre", "PPRE"
    TUTORAT = "tutorat", "Tutorat"
    AUTRE = "autre", "Autre"


class ModeInformation(models.TextChoices):
    RENCONTRE = "rencontre", "Rencontre"
    COURRIER = "courrier", "Courrier"
    TELEPHONE = "telephone", "Téléphone"


class TypeObservation(models.TextChoices):
    OBSERVATION_CLASSE = "observation_classe", "Observation en classe"
    DIALOGUE = "dialogue", "Dialogue avec l'élève"
    VERBALISATION = "verbalisation", "Verbalisation de sa façon de faire"
    ANALYSE_ERREURS = "analyse_erreurs", "Analyse des erreurs"
    BILAN = "bilan", "Bilan (évaluation)"
    RENCONTRE_FAMILLE = "rencontre_famille", "Rencontre avec la famille"


class Obstacle(models.TextChoices):
    PEDAGOGIQUE = "pedagogique", "Pédagogique"
    DIDACTIQUE = "didactique", "Didactique"
    COGNITIF = "cognitif", "Cognitif"
    AFFECTIF = "affectif", "Affectif"


class Decision(models.TextChoices):
    AIDE = "aide", "Aide du RASED"
    CONSEIL = "conseil", "Conseil à l'enseignant"
    ORIENTATION = "orientation", "Orientation hors de l'école"
    NON_RETENUE = "non_retenue", "Demande non retenue"


class TypeAide(models.TextChoices):
    E = "E", "Aide à dominante pédagogique (maître E)"
    G = "G", "Aide à dominante relationnelle (maître G)"
    PSY = "psy", "Suivi par le psychologue de l'Éducation nationale"


# Which member role carries each kind of aid, and the other way round.
ROLE_PAR_TYPE_AIDE = {TypeAide.E: Role.MAITRE_E, TypeAide.G: Role.MAITRE_G, TypeAide.PSY: Role.PSYCHOLOGUE}
TYPE_PAR_ROLE = {role: type_aide for type_aide, role in ROLE_PAR_TYPE_AIDE.items()}


class EtatAide(models.TextChoices):
    A_DEMARRER = "a_demarrer", "À démarrer"
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"


class ActeConsentement(models.TextChoices):
    """The four acts of DOMAIN.md that each need the family's word on record."""

    INFORMATION_DEMANDE = "information", "Information de la famille sur la demande"
    AIDE_E_G = "aide_e_g", "Accord pour une aide E ou G"
    PSY = "psy", "Accord pour un bilan ou un suivi psychologique"
    TRANSMISSION = "transmission", "Accord pour transmettre les conclusions du psychologue"


# The acts about the psychologist's work: recorded and read by psychologists only (DOMAIN.md,
# « Professional secrecy »: the consents to a psychological act and their comments).
ACTES_PSY = frozenset({ActeConsentement.PSY, ActeConsentement.TRANSMISSION})


class TitulairesConsentement(models.TextChoices):
    DEUX_PARENTS = "deux", "Les deux parents"
    MERE = "mere", "La mère"
    PERE = "pere", "Le père"
    TUTEUR = "tuteur", "Le tuteur ou la tutrice"


class FormeConsentement(models.TextChoices):
    ECRIT = "ecrit", "Écrit"
    ORAL = "oral", "Oral"


class TypeReunion(models.TextChoices):
    SYNTHESE = "synthese", "Synthèse RASED"
    EQUIPE_EDUCATIVE = "equipe_educative", "Équipe éducative"
    FAMILLE = "famille", "Rencontre avec la famille"
    CONCERTATION = "concertation", "Concertation avec l'enseignant"


class EtatProgramme(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    VALIDE = "valide", "Validé"
    REMPLACE = "remplace", "Remplacé par une nouvelle version"


# A période lasts 6 to 8 weeks of school: the default review date of a programme is this many
# school weeks after its start, the holidays not counted (``Calendrier.apres_semaines_d_ecole``).
SEMAINES_PAR_PERIODE = 7


class Modalite(models.TextChoices):
    EN_CLASSE = "en_classe", "En classe (co-intervention)"
    PETIT_GROUPE = "petit_groupe", "En petit groupe"
    INDIVIDUEL = "individuel", "Individuelle"


class ViseeTransversale(models.TextChoices):
    """Aims of a maître G aid, when an objective is not tied to a socle skill."""

    ATTITUDES = "attitudes", "Attitudes et stratégies"
    RAPPORT_APPRENTISSAGES = "rapport", "Rapport aux apprentissages"
    ESTIME_DE_SOI = "estime", "Estime de soi"
    CONDUITE = "conduite", "Conduite en classe"


class Acteur(models.TextChoices):
    RASED = "rased", "Membre du RASED"
    ENSEIGNANT = "enseignant", "Enseignant en classe"
    FAMILLE = "famille", "Famille"
    ELEVE = "eleve", "Élève"


class Presence(models.TextChoices):
    PRESENT = "present", "Présent"
    ABSENT = "absent", "Absent"
    EXCUSE = "excuse", "Excusé"


# In minutes: a session lasts from a short check-in to a half day; a team action up to a full day
# of training.
DUREE_SEANCE_MIN, DUREE_SEANCE_MAX = 5, 240
DUREE_ACTION_MIN, DUREE_ACTION_MAX = 5, 480


class TypeEvaluation(models.TextChoices):
    INTERMEDIAIRE = "intermediaire", "Bilan intermédiaire"
    FINALE = "finale", "Bilan final"


class Atteinte(models.TextChoices):
    NON_ATTEINT = "non_atteint", "Non atteint"
    PARTIEL = "partiel", "Partiellement atteint"
    ATTEINT = "atteint", "Atteint"
    DEPASSE = "depasse", "Dépassé"


class Maitrise(models.TextChoices):
    INSUFFISANTE = "insuffisante", "Maîtrise insuffisante"
    FRAGILE = "fragile", "Maîtrise fragile"
    SATISFAISANTE = "satisfaisante", "Maîtrise satisfaisante"
    TRES_BONNE = "tres_bonne", "Très bonne maîtrise"


class SuiteEvaluation(models.TextChoices):
    POURSUITE = "poursuite", "Poursuite sans changement"
    ARRET = "arret", "Arrêt (objectifs atteints)"
    RENOUVELLEMENT = "renouvellement", "Renouvellement pour une nouvelle période"
    CHANGEMENT = "changement", "Changement du type d'aide"
    ORIENTATION = "orientation", "Orientation vers une autre structure"


class IssueAide(models.TextChoices):
    """How an aid ended: a final bilan's outcome, or the family's word."""

    ARRET = SuiteEvaluation.ARRET.value, SuiteEvaluation.ARRET.label
    CHANGEMENT = SuiteEvaluation.CHANGEMENT.value, SuiteEvaluation.CHANGEMENT.label
    ORIENTATION = SuiteEvaluation.ORIENTATION.value, SuiteEvaluation.ORIENTATION.label
    # The family refused before the aid started; a later agreement puts it back « à démarrer ».
    REFUS_FAMILLE = "refus", "Refus de la famille"
    # The family withdrew its agreement while the aid was under way.
    RETRAIT_FAMILLE = "retrait", "Arrêt à la demande de la famille"
    # The pupil left the school (moved out of the secteur): the aid stops without a final bilan.
    DEPART = "depart", "Départ de l'élève (changement d'école)"
    # The RASED revised its decision before the aid started (``demande_reviser_decision``); the
    # aid is put back « à démarrer » if a later revision decides this kind of aid again.
    REVISION = "revision", "Décision révisée avant le début de l'aide"


# The suites that make sense for each kind of review: an intermediate review goes on or renews the
# programme; the final one decides what becomes of the aid.
SUITES_PAR_TYPE = {
    TypeEvaluation.INTERMEDIAIRE: {SuiteEvaluation.POURSUITE, SuiteEvaluation.RENOUVELLEMENT},
    TypeEvaluation.FINALE: {
        SuiteEvaluation.ARRET, SuiteEvaluation.RENOUVELLEMENT, SuiteEvaluation.CHANGEMENT,
        SuiteEvaluation.ORIENTATION,
    },
}

# Who reads the lists of pupils helped per période and the waiting list (aides/views/rapports.py).
LECTEURS_LISTES = frozenset({Role.DIRECTEUR, Role.CIRCONSCRIPTION, *ROLES_RASED})


class GenreImpression(models.TextChoices):
    """What a print job of the task queue makes (aides/impressions.py): batches of fiches, and the
    long single documents (the yearly report, the right-of-access file)."""

    FICHES_PAR_CLASSE = "fiches_classe", "Fiches de suivi : un PDF par classe, avec sommaire"
    FICHES_PAR_ELEVE = "fiches_eleve", "Fiches de suivi : un PDF par élève (archive zip)"
    DOSSIER_EQUIPE = "dossier_equipe", "Dossier pour l'équipe éducative"
    RAPPORT_ANNUEL = "rapport_annuel", "Bilan d'activité annuel du RASED"
    DROIT_ACCES = "droit_acces", "Droit d'accès : dossier de l'élève"


class EtatImpression(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ANNULE = "annule", "Annulé"
    ECHEC = "echec", "Échec"


ETATS_IMPRESSION_OUVERTS = frozenset({EtatImpression.EN_ATTENTE, EtatImpression.EN_COURS})
