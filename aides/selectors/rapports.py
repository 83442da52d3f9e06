"""Reads of the reports' pages (the reports' figures themselves: ``aides/rapports.py``)."""

from eleves.models import AnneeScolaire, Ecole, annee_courante_debut


def annees_au_choix() -> list[int]:
    """The school years one may choose, newest first: those recorded, and the current one."""
    return sorted(set(AnneeScolaire.objects.values_list("debut", flat=True)) | {annee_courante_debut()},
                  reverse=True)


def ecoles_au_choix(user):
    """The schools ``user`` sees, by name: where the list of pupils helped per période starts."""
    return Ecole.objects.visibles_par(user).par_ordre_alphabetique()
