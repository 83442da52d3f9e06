"""Reads of the programme personnalisé."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

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


def programme_lisible_ou_404(user, pk, *, complet: bool = False) -> Programme:
    """A programme looked up in those ``user`` may read (``programmes_lisibles``): outside them
    it does not exist."""
    return get_object_or_404(programmes_lisibles(user, complet=complet), pk=pk)


def derniere_version(aide) -> Programme | None:
    """The aid's latest programme version, whatever its state (``aide`` was read in the user's scope)."""
    return aide.programmes.order_by("-version").first()


def versions_du_programme(user, aide):
    """The versions of the aid's programme ``user`` may read, for the list of versions."""
    return Programme.objects.visibles_par(user).filter(aide=aide).only(
        "pk", "aide_id", "version", "etat", "valide_le"
    )
