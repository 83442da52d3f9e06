"""The member's calendar feed (iCalendar, RFC 5545), written with the ``icalendar`` package.

What an event may carry is decided here, once: the school, the group's name (« Aide
individuelle » for one pupil), the kind of meeting; never a pupil's name, a class, a place typed
by someone, a theme or any text a psychologist writes (the feed leaves the application: phones,
mail clients, their cloud copies). Times are in Europe/Paris with its VTIMEZONE; each event's UID
is stable (a slot's day, a meeting, an action), so that a subscribed calendar updates its events
rather than duplicating them; a slot not held is kept, marked CANCELLED.
"""

from datetime import date, datetime, timedelta
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from aides.emploi_du_temps import Occurrence

PARIS = ZoneInfo("Europe/Paris")
DOMAINE_UID = "rased"


def _paris(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def _evenement(*, uid: str, resume: str, debut, fin, lieu: str, estampille: datetime, statut="CONFIRMED",
               description: str = "") -> Event:
    evenement = Event.new(uid=f"{uid}@{DOMAINE_UID}", summary=resume, start=debut, end=fin, stamp=estampille,
                          location=lieu, status=statut, description=description or None)
    evenement.add("transp", "OPAQUE" if statut != "CANCELLED" else "TRANSPARENT")
    return evenement


def evenement_du_creneau(occurrence: Occurrence, estampille: datetime) -> Event:
    creneau = occurrence.creneau
    quoi = creneau.groupe.nom if creneau.groupe_id else "Aide individuelle"
    statut, description = "CONFIRMED", ""
    if occurrence.non_tenu is not None:
        # The reason's label only: its free « précision » may name someone.
        statut, description = "CANCELLED", f"Non tenue : {occurrence.non_tenu.get_motif_display()}"
    elif occurrence.seance is not None:
        description = "Séance notée"
    return _evenement(
        uid=f"creneau-{creneau.pk}-{occurrence.date:%Y%m%d}", resume=f"{quoi} — {creneau.ecole.nom}",
        debut=_paris(occurrence.debut), fin=_paris(occurrence.fin), lieu=creneau.ecole.nom,
        estampille=estampille, statut=statut, description=description,
    )


def evenement_de_la_reunion(reunion, duree_minutes: int, estampille: datetime) -> Event:
    ecole = reunion.demande.classe.ecole
    debut = _paris(reunion.date)
    return _evenement(
        uid=f"reunion-{reunion.pk}", resume=f"{reunion.get_type_display()} — {ecole.nom}", debut=debut,
        fin=debut + timedelta(minutes=duree_minutes), lieu=ecole.nom, estampille=estampille,
    )


def evenement_de_l_action(action, estampille: datetime) -> Event:
    # A day and a duration, no hour: an all-day event.
    jour: date = action.date
    return _evenement(
        uid=f"action-{action.pk}", resume=f"Action auprès d'une équipe — {action.ecole.nom}", debut=jour,
        fin=jour + timedelta(days=1), lieu=action.ecole.nom, estampille=estampille,
        description=f"Durée : {action.duree} min",
    )


def rendre_agenda(contenu, *, proprietaire, duree_reunion: int) -> bytes:
    """The feed of ``contenu`` (``aides.selectors.semaine.ContenuDuFlux``) as iCalendar bytes."""
    estampille = timezone.now().astimezone(ZoneInfo("UTC"))
    # The calendar's own UID stays the same from one reading to the next (not the token's hash).
    agenda = Calendar.new(prodid="-//rased//Agenda du RASED//FR", name="RASED — mon agenda",
                          uid=uuid5(NAMESPACE_URL, f"rased/agenda/{proprietaire.pk}"),
                          refresh_interval=timedelta(hours=1))
    agenda.add("x-wr-timezone", "Europe/Paris")
    for occurrence in contenu.occurrences:
        agenda.add_component(evenement_du_creneau(occurrence, estampille))
    for reunion in contenu.reunions:
        agenda.add_component(evenement_de_la_reunion(reunion, duree_reunion, estampille))
    for action in contenu.actions:
        agenda.add_component(evenement_de_l_action(action, estampille))
    agenda.add_missing_timezones()
    return agenda.to_ical()
