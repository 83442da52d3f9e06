"""Reads of the programme personnalisé."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from aides.models import Competence, Evaluation, Objectif, Programme
from eleves.enums import CYCLE_PAR_NIVEAU

# The search answers a handful of suggestions: the user types on until the right one shows.
NB_SUGGESTIONS = 15


def programmes_lisibles(user, *, complet: bool = False):
    """The programmes ``user`` may read, with their aid; ``complet``: with their objectives,
    actions and reviews too (the programme's page)."""
    qs = Programme.objects.visibles_par(user).select_related(
        "aide__demande", "aide__eleve", "aide__intervenant", "redige_par", "valide_par"
    )
    if complet:
        qs = qs.prefetch_related(
            Prefetch("objectifs", Objectif.objects.select_related("competence")), "actions",
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


def cycle_de_l_aide(aide) -> int | None:
    """The pupil's cycle as the request recorded their level (None for a level outside 1–3)."""
    return CYCLE_PAR_NIVEAU.get(aide.demande.niveau)


def competences_du_cycle(cycle):
    """The skills an objective may name for a pupil of ``cycle`` (the form's choices)."""
    return Competence.objects.pour_le_cycle(cycle)


def competences_trouvees(texte: str, *, cycle) -> list[Competence]:
    """The first skills of ``cycle`` matching every word of ``texte`` (none for an empty text)."""
    if not texte.strip():
        return []
    return list(competences_du_cycle(cycle).chercher(texte)[:NB_SUGGESTIONS])
