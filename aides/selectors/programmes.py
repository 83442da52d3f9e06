"""Reads of the programme personnalisé."""

from django.db.models import Prefetch

from aides.models import Evaluation, Programme


def programmes_lisibles(user, *, complet: bool = False):
    """The programmes ``user`` may read, with their aid; ``complet``: with their objectives,
    actions and reviews too (the programme's page)."""
    qs = Programme.objects.visibles_par(user).select_related(
        "aide__demande", "aide__eleve", "aide__intervenant", "redige_par", "valide_par"
    )
    if complet:
        qs = qs.prefetch_related(
            "objectifs", "actions",
            Prefetch(
                "evaluations",
                Evaluation.objects.select_related("auteur").prefetch_related("resultats__objectif"),
            ),
        )
    return qs


def versions_du_programme(user, aide):
    """The versions of the aid's programme ``user`` may read, for the list of versions."""
    return Programme.objects.visibles_par(user).filter(aide=aide).only("pk", "aide_id", "version", "etat")
