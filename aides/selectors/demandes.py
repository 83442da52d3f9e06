"""Reads of the requests' own pages: the list of requests (a request's history:
``aides/selectors/historique.py``)."""

from aides.models import DemandeAide


def demandes_de_la_liste(user):
    """The requests ``user`` sees, newest first, with their pupil, school and author (the list
    of requests)."""
    return (
        DemandeAide.objects.visibles_par(user)
        .select_related("eleve", "classe__ecole", "auteur")
        .order_by("-cree_le", "-pk")
    )
