"""Reads of a member's timetable: his slots' occurrences over a range, in a fixed number of
queries whatever the number of slots, sessions or schools."""

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db.models import Q

from aides.emploi_du_temps import Occurrence, occurrences
from aides.models import Creneau, CreneauNonTenu, Seance, TempsTrajet
from eleves.models import PeriodeVacances


def occurrences_de(user, debut: date, fin: date, *, creneaux=None) -> list[Occurrence]:
    """``user``'s slot occurrences in [debut, fin] with the session or the « non tenu » of each
    day (4 queries: slots, holidays, sessions, slots not held)."""
    if creneaux is None:
        creneaux = Creneau.objects.de(user)
    creneaux = list(
        creneaux.actifs_entre(debut, fin).select_related("ecole__circonscription", "groupe", "aide__eleve")
    )
    if not creneaux:
        return []
    calendriers = PeriodeVacances.objects.calendriers(c.ecole.circonscription.zone for c in creneaux)
    seances = Seance.objects.filter(creneau__in=creneaux, date__range=(debut, fin)).only("pk", "creneau_id", "date")
    non_tenus = CreneauNonTenu.objects.filter(creneau__in=creneaux, date__range=(debut, fin))
    return occurrences(
        creneaux, debut, fin,
        calendrier_de=lambda c: calendriers[c.ecole.circonscription.zone or ""],
        seances=seances, non_tenus=non_tenus,
    )


def temps_de_trajet(user, ecoles) -> Callable[[int, int], int]:
    """The travel time in minutes between two of ``ecoles`` (schools or their keys) for ``user``:
    his own value for the pair, else the administrator's (for everyone), else
    ``settings.TEMPS_TRAJET_PAR_DEFAUT_MINUTES``. One query for all the pairs; the same school
    is 0 minutes away, the order of the two schools does not matter."""
    cles = {getattr(e, "pk", e) for e in ecoles}
    propres, communs = {}, {}
    if len(cles) > 1:
        lignes = TempsTrajet.objects.filter(ecole_a__in=cles, ecole_b__in=cles).filter(
            Q(intervenant=user) | Q(intervenant__isnull=True)
        ).values_list("ecole_a_id", "ecole_b_id", "intervenant_id", "minutes")
        for a, b, intervenant_id, minutes in lignes:
            (communs if intervenant_id is None else propres)[(a, b)] = minutes
    defaut = settings.TEMPS_TRAJET_PAR_DEFAUT_MINUTES

    def minutes_entre(ecole_x_id: int, ecole_y_id: int) -> int:
        if ecole_x_id == ecole_y_id:
            return 0
        paire = (min(ecole_x_id, ecole_y_id), max(ecole_x_id, ecole_y_id))
        return propres.get(paire, communs.get(paire, defaut))

    return minutes_entre
