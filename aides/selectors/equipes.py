"""Reads of the RASED's support to school teams (pôle ressource)."""

from datetime import date

from django.db.models import Count, Sum

from aides.models import ActionEquipe
from eleves.models import Eleve, annee_courante_debut
from eleves.scolarite import MOIS_BASCULE


def actions_de_l_ecole(user, ecole):
    """The school's team actions ``user`` sees, newest first."""
    return (
        ActionEquipe.objects.visibles_par(user)
        .filter(ecole=ecole)
        .select_related("auteur", "eleve")
        .order_by("-date", "-pk")
    )


def nb_et_minutes_depuis_la_rentree(actions) -> tuple[int, int]:
    """How many of ``actions`` took place this school year, and their minutes."""
    rentree = date(annee_courante_debut(), MOIS_BASCULE, 1)
    totaux = actions.filter(date__gte=rentree).aggregate(nb=Count("pk"), minutes=Sum("duree"))
    return totaux["nb"], totaux["minutes"] or 0


def eleves_pour_une_action(user, ecole):
    """The pupils an action may concern: those of the school this year that ``user`` sees."""
    return (
        Eleve.objects.visibles_par(user)
        .filter(inscriptions__classe__ecole=ecole, inscriptions__annee__debut=annee_courante_debut())
        .avec_inscription_courante()
        .par_ordre_alphabetique()
    )
