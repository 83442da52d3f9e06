"""Reads of a member's timetable: his slots' occurrences over a range, in a fixed number of
queries whatever the number of slots, sessions or schools."""

from datetime import date

from aides.emploi_du_temps import Occurrence, occurrences
from aides.models import Creneau, CreneauNonTenu, Seance
from eleves.calendrier import Calendrier, Vacances
from eleves.models import PeriodeVacances


def calendriers_des_zones(zones) -> dict:
    """One ``Calendrier`` per zone (one query for all of them)."""
    zones = {z for z in zones if z}
    vacances = list(PeriodeVacances.objects.filter(zone__in=zones)) if zones else []
    return {
        zone: Calendrier(
            Vacances(p.description, p.zone, p.debut, p.fin, p.annee_scolaire) for p in vacances if p.zone == zone
        )
        for zone in zones
    } | {"": Calendrier()}


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
    calendriers = calendriers_des_zones(c.ecole.circonscription.zone for c in creneaux)
    seances = Seance.objects.filter(creneau__in=creneaux, date__range=(debut, fin)).only("pk", "creneau_id", "date")
    non_tenus = CreneauNonTenu.objects.filter(creneau__in=creneaux, date__range=(debut, fin))
    return occurrences(
        creneaux, debut, fin,
        calendrier_de=lambda c: calendriers[c.ecole.circonscription.zone or ""],
        seances=seances, non_tenus=non_tenus,
    )
