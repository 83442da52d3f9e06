"""Reads of the aid workflow shaped for pages: always from the user's scoped querysets."""

from django.db.models import Prefetch

from aides.models import (
    Aide,
    ConclusionPsy,
    Consentement,
    Evaluation,
    Observation,
    Programme,
    Reunion,
)


def contexte_demande(user, demande) -> dict:
    """Everything a request's page shows, each part filtered by what ``user`` may read.

    The teacher sees the decision, the aids, programmes and evaluations, never the RASED's
    internal observations; a psychological follow-up's content is for psychologists only.
    """
    lisibles = set(Aide.objects.confidentielles_lisibles_par(user).filter(demande=demande).values_list("pk", flat=True))
    programmes = Programme.objects.visibles_par(user).prefetch_related(
        "objectifs", "actions",
        Prefetch(
            "evaluations",
            Evaluation.objects.select_related("auteur").prefetch_related("resultats__objectif"),
        ),
    ).select_related("redige_par", "valide_par")
    aides = (
        Aide.objects.visibles_par(user)
        .filter(demande=demande)
        .select_related("intervenant")
        .prefetch_related(
            Prefetch("programmes", programmes, to_attr="programmes_lisibles"),
            Prefetch("conclusions", ConclusionPsy.objects.visibles_par(user), to_attr="conclusions_lisibles"),
        )
    )
    aides = list(aides)
    for aide in aides:
        aide.contenu_lisible = aide.pk in lisibles
    return {
        "observations": Observation.objects.visibles_par(user).filter(demande=demande).select_related("auteur"),
        "consentements": Consentement.objects.visibles_par(user).filter(demande=demande).select_related(
            "enregistre_par"
        ),
        "reunions": Reunion.objects.visibles_par(user).filter(demande=demande).prefetch_related(
            "participants", "participants_externes"
        ),
        "aides": aides,
    }
