"""The member's timetable: the days a recurring slot (``Creneau``) falls on, and what became of
each (logged, did not happen, to be logged, to come).

Occurrences are computed from the slots, never stored: a slot's dates or day can change without
rewriting a table. A day without school in the zone of the slot's school (weekend, public holiday,
school holidays: ``eleves.calendrier``) has no occurrence.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from eleves.calendrier import Calendrier


class EtatOccurrence:
    NOTEE = "notee"
    NON_TENUE = "non_tenue"
    A_NOTER = "a_noter"
    A_VENIR = "a_venir"

    LIBELLES = {
        NOTEE: "séance notée",
        NON_TENUE: "non tenue",
        A_NOTER: "à noter",
        A_VENIR: "à venir",
    }


@dataclass
class Occurrence:
    """One day of a slot. ``seance``/``non_tenu``: what was recorded for that day, if anything."""

    creneau: object
    date: date
    seance: object | None = None
    non_tenu: object | None = None

    @property
    def debut(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.creneau.heure))

    @property
    def fin(self) -> datetime:
        return self.debut + timedelta(minutes=self.creneau.duree)

    def etat(self, aujourd_hui: date | None = None) -> str:
        """Logged or not held whatever the day; otherwise « à noter » once its day is over."""
        if self.seance is not None:
            return EtatOccurrence.NOTEE
        if self.non_tenu is not None:
            return EtatOccurrence.NON_TENUE
        aujourd_hui = aujourd_hui or timezone.localdate()
        return EtatOccurrence.A_NOTER if self.date < aujourd_hui else EtatOccurrence.A_VENIR

    def libelle_etat(self, aujourd_hui: date | None = None) -> str:
        return EtatOccurrence.LIBELLES[self.etat(aujourd_hui)]


def jours_du_creneau(creneau, debut: date, fin: date, calendrier: Calendrier) -> list[date]:
    """The school days in [debut, fin] ∩ [creneau.du, creneau.au] that fall on the slot's weekday."""
    premier = max(debut, creneau.du)
    dernier = min(fin, creneau.au)
    if premier > dernier:
        return []
    jour = premier + timedelta(days=(creneau.jour - premier.weekday()) % 7)
    jours = []
    while jour <= dernier:
        if calendrier.est_jour_d_ecole(jour):
            jours.append(jour)
        jour += timedelta(weeks=1)
    return jours


def refus_du_jour(creneau, jour: date, calendrier: Calendrier, aujourd_hui: date | None = None) -> str | None:
    """Why ``jour`` is not a day of ``creneau`` that can be logged (in French), or None when it is
    one of its days (its weekday, within its dates, a school day) and not in the future."""
    semaine = creneau.get_jour_display()
    if jour.weekday() != creneau.jour:
        return f"Le {jour:%d/%m/%Y} n'est pas un {semaine} : ce créneau a lieu le {semaine}."
    if not creneau.du <= jour <= creneau.au:
        return f"Le {jour:%d/%m/%Y} est hors des dates de ce créneau (du {creneau.du:%d/%m/%Y} au {creneau.au:%d/%m/%Y})."
    if raison := calendrier.sans_classe(jour):
        return f"Le {jour:%d/%m/%Y} tombe {raison} : ce créneau n'a pas lieu ce jour-là."
    if jour > (aujourd_hui or timezone.localdate()):
        return f"La séance du {jour:%d/%m/%Y} n'a pas encore eu lieu : vous la noterez ce jour-là ou après."
    return None


def occurrences(
    creneaux: Iterable, debut: date, fin: date, *, calendrier_de, seances=(), non_tenus=()
) -> list[Occurrence]:
    """Every occurrence of ``creneaux`` in [debut, fin], in time order.

    ``calendrier_de(creneau)`` gives the calendar of the slot's school; ``seances`` and
    ``non_tenus`` (already fetched for the range) are matched to their slot's day.
    """
    seance_du_jour = {(s.creneau_id, s.date): s for s in seances if s.creneau_id is not None}
    non_tenu_du_jour = {(n.creneau_id, n.date): n for n in non_tenus}
    resultat = []
    for creneau in creneaux:
        for jour in jours_du_creneau(creneau, debut, fin, calendrier_de(creneau)):
            cle = (creneau.pk, jour)
            resultat.append(Occurrence(creneau, jour, seance_du_jour.get(cle), non_tenu_du_jour.get(cle)))
    resultat.sort(key=lambda o: (o.date, o.creneau.heure, o.creneau.pk))
    return resultat


def lundi_de(jour: date) -> date:
    return jour - timedelta(days=jour.weekday())
