"""The school calendar, framework-free: weekends, public holidays, school holidays by zone.

The school holidays come from the official open-data dataset « fr-en-calendrier-scolaire »
(data.education.gouv.fr), whose CSV export reads ``Description;Population;Date de début;Date de
fin;Académies;Zones;annee_scolaire``. Its dates follow the official arrêté: the start is the day
classes end (« fin des cours », after the last lesson) and the end is the day they resume
(« jour de reprise », in the morning), so the days without school lie strictly between them.
Public holidays are computed (Easter by the Gregorian computus), not read.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

# The official export names its zones « Zone A », « Corse »…; the models keep a short code.
ZONES_OFFICIELLES = {
    "zone a": "A", "zone b": "B", "zone c": "C", "corse": "corse", "guadeloupe": "guadeloupe",
    "martinique": "martinique", "guyane": "guyane", "la réunion": "reunion", "reunion": "reunion",
    "mayotte": "mayotte",
}

# Rows of the export that do not close the schools to pupils (the teachers' pre-rentrée…).
POPULATIONS_ELEVES = {"", "-", "élèves", "eleves"}

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def paques(annee: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = annee % 19, annee // 100, annee % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    mois, jour = divmod(h + ell - 7 * m + 114, 31)
    return date(annee, mois, jour + 1)


def jours_feries(annee: int) -> dict[date, str]:
    """The national public holidays of ``annee`` (code du travail, L3133-1), Whit Monday included:
    pupils have no school that day. Alsace-Moselle's two extra days are not listed (Good Friday
    falls in or near the spring holidays; 26 December in the Christmas ones)."""
    p = paques(annee)
    return {
        date(annee, 1, 1): "jour de l'An",
        p + timedelta(days=1): "lundi de Pâques",
        date(annee, 5, 1): "fête du Travail",
        date(annee, 5, 8): "Victoire 1945",
        p + timedelta(days=39): "Ascension",
        p + timedelta(days=50): "lundi de Pentecôte",
        date(annee, 7, 14): "fête nationale",
        date(annee, 8, 15): "Assomption",
        date(annee, 11, 1): "Toussaint",
        date(annee, 11, 11): "Armistice 1918",
        date(annee, 12, 25): "Noël",
    }


@dataclass(frozen=True)
class Vacances:
    """Holidays of one zone: no school strictly between ``debut`` (end of classes) and ``fin``
    (the morning classes resume)."""

    description: str
    zone: str
    debut: date
    fin: date
    annee_scolaire: str = ""

    def contient(self, jour: date) -> bool:
        return self.debut < jour < self.fin


class Calendrier:
    """One zone's calendar: which days have school, and counting in school weeks.

    Without holidays (a zone with no data, or none chosen) only weekends and public holidays
    are days without school.
    """

    def __init__(self, vacances: Iterable[Vacances] = ()):
        self.vacances = sorted(vacances, key=lambda v: v.debut)

    def sans_classe(self, jour: date) -> str | None:
        """Why ``jour`` has no school (« un samedi », « un jour férié (Ascension) », « pendant les
        vacances de la Toussaint »), or None on a school day. Wednesdays count as school days:
        many schools teach on Wednesday mornings."""
        if jour.weekday() >= 5:
            return f"un {JOURS[jour.weekday()]}"
        ferie = jours_feries(jour.year).get(jour)
        if ferie:
            return f"un jour férié ({ferie})"
        for periode in self.vacances:
            if periode.contient(jour):
                return f"pendant les {periode.description[:1].lower()}{periode.description[1:]}"
        return None

    def est_jour_d_ecole(self, jour: date) -> bool:
        return self.sans_classe(jour) is None

    def jour_d_ecole_suivant(self, jour: date) -> date:
        """``jour`` itself if it has school, else the next day that has (bounded: a summer is
        about nine weeks)."""
        for decalage in range(120):
            candidat = jour + timedelta(days=decalage)
            if self.est_jour_d_ecole(candidat):
                return candidat
        return jour

    def jour_d_ecole_precedent(self, jour: date) -> date:
        """``jour`` itself if it has school, else the last day before that has (bounded as above)."""
        for decalage in range(120):
            candidat = jour - timedelta(days=decalage)
            if self.est_jour_d_ecole(candidat):
                return candidat
        return jour

    def periode_autour(self, jour: date) -> tuple[date, date]:
        """The période ``jour`` lies in: from the first school day after the previous holidays to
        the last school day before the next ones (a day of holidays belongs to the période that
        follows them). Without holidays known before, from ``jour``'s school day; without holidays
        known after, 7 weeks."""
        # Holidays ended more than a few months ago say nothing of ``jour`` (a zone's data stops).
        precedentes = [v for v in self.vacances if v.debut < jour and v.fin > jour - timedelta(weeks=12)]
        debut = self.jour_d_ecole_suivant(precedentes[-1].fin if precedentes else jour)
        suivantes = [v for v in self.vacances if v.debut >= debut]
        if suivantes:
            return debut, self.jour_d_ecole_precedent(suivantes[0].debut)
        return debut, self.jour_d_ecole_precedent(debut + timedelta(weeks=7, days=-1))

    def apres_semaines_d_ecole(self, debut: date, semaines: int) -> date:
        """The first school day once ``semaines`` school weeks have passed since ``debut``.

        A week counts when it holds at least one school day: the two weeks of the Toussaint do
        not, the week of the Ascension bridge does. So a période of 7 school weeks started before
        the holidays ends 7 weeks of classes later, not 7 calendar weeks later.
        """
        jour, comptees = debut, 0
        # Bounded: 7 school weeks never need more than a year of calendar weeks.
        for _ in range(53):
            semaine = [jour + timedelta(days=n) for n in range(7)]
            if any(self.est_jour_d_ecole(j) for j in semaine):
                comptees += 1
            jour += timedelta(weeks=1)
            if comptees >= semaines:
                break
        return self.jour_d_ecole_suivant(jour)


def _date_officielle(valeur: str) -> date | None:
    """A date of the export: ``2025-10-18``, or an instant such as ``2025-10-17T22:00:00+00:00``
    (the export writes midnight in Paris in UTC), read as the day it is in Paris."""
    valeur = valeur.strip()
    if not valeur:
        return None
    if "T" not in valeur and len(valeur) == 10:
        return date.fromisoformat(valeur)
    instant = datetime.fromisoformat(valeur)
    if instant.tzinfo is None:
        return instant.date()
    return instant.astimezone(PARIS).date()


class CalendrierInvalide(ValueError):
    """The file is not the official export's layout; the message says why, in French."""


COLONNES = ("Description", "Population", "Date de début", "Date de fin", "Zones", "annee_scolaire")


def lire_calendrier_officiel(texte: str) -> list[Vacances]:
    """The holidays of the official export (``;``-separated, UTF-8, with or without BOM), one per
    zone and period: the export repeats each period for every académie of a zone.

    A summer holiday without an end (« Vacances d'Été » of the last year published) ends on
    1 September, the usual rentrée. Zones outside ``ZONES_OFFICIELLES`` (Polynésie…) are skipped.
    """
    lecteur = csv.DictReader(io.StringIO(texte.lstrip("\ufeff")), delimiter=";")
    manquantes = [c for c in COLONNES if c not in (lecteur.fieldnames or [])]
    if manquantes:
        raise CalendrierInvalide(
            "Ce fichier n'a pas la forme de l'export officiel du calendrier scolaire : colonne(s) "
            f"manquante(s) : {', '.join(manquantes)}."
        )
    vues: dict[tuple, Vacances] = {}
    for numero, ligne in enumerate(lecteur, start=2):
        zone = ZONES_OFFICIELLES.get(ligne["Zones"].strip().lower())
        if zone is None or ligne["Population"].strip().lower() not in POPULATIONS_ELEVES:
            continue
        try:
            debut, fin = _date_officielle(ligne["Date de début"]), _date_officielle(ligne["Date de fin"])
        except ValueError as erreur:
            raise CalendrierInvalide(f"Ligne {numero} : date illisible ({erreur}).") from erreur
        if debut is None:
            raise CalendrierInvalide(f"Ligne {numero} : la date de début manque.")
        if fin is None:
            fin = date(debut.year, 9, 1)
        if fin <= debut:
            raise CalendrierInvalide(f"Ligne {numero} : la fin précède le début.")
        description = " ".join(ligne["Description"].split())
        vacances = Vacances(description, zone, debut, fin, ligne["annee_scolaire"].strip())
        vues[(zone, debut, fin, description.lower())] = vacances
    if not vues:
        raise CalendrierInvalide("Ce fichier ne contient aucune période de vacances des zones connues.")
    return sorted(vues.values(), key=lambda v: (v.zone, v.debut))
