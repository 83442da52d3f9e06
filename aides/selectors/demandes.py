"""Reads of the requests' own pages: the list of requests, a request's steps."""

from aides.models import DemandeAide
from aides.rules import EtapeLisible, etapes_lisibles


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
