"""Reference lists and states of the aid workflow (see DOMAIN.md, « The journey »)."""

from django.db import models


class EtatDemande(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    ENVOYEE = "envoyee", "Envoyée au RASED"
    EN_ANALYSE = "en_analyse", "En analyse"
    AIDE_DECIDEE = "aide_decidee", "Aide décidée"
    AUTRE_REPONSE = "autre_reponse", "Autre réponse apportée"
    CLOTUREE = "cloturee", "Clôturée"


# States the RASED has to act on, oldest first on their dashboard.
ETATS_A_TRAITER = frozenset({EtatDemande.ENVOYEE, EtatDemande.EN_ANALYSE})


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
