"""Reads of the requests' own pages: the list of requests, a request's steps."""

from aides.models import DemandeAide, HistoriqueDemande
from aides.rules import EtapeLisible, connait_les_suivis_psy, etapes_lisibles


def demandes_de_la_liste(user):
    """The requests ``user`` sees, newest first, with their pupil, school and author (the list
    of requests)."""
    return (
        DemandeAide.objects.visibles_par(user)
        .select_related("eleve", "classe__ecole", "auteur")
        .order_by("-cree_le", "-pk")
    )


def historique_de_la_demande(user, demande) -> list[EtapeLisible]:
    """The request's steps, oldest first, as ``user`` may read them (``aides.rules.etapes_lisibles``)."""
    return etapes_lisibles(user, demande, demande.historique.select_related("auteur"))


def revision_de_la_decision(user, demande) -> HistoriqueDemande | None:
    """The latest revision of the RASED's decision (the decision it replaced, the reason, who and
    when), for those who read the decision (``aides.view_decision``): its reason may name a
    psychological follow-up. None otherwise, or if the decision was never revised."""
    if not connait_les_suivis_psy(user, demande):
        return None
    return (HistoriqueDemande.objects.filter(demande=demande).exclude(decision_revisee="")
            .select_related("auteur").order_by("-le", "-pk").first())
