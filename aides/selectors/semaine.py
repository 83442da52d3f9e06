"""Reads of « Ma semaine », of the dashboard's « Séances à noter » and of the calendar feed: the
member's slot occurrences, his meetings and his team actions, in a fixed number of queries.

What the page needs is computed here, not in the template: each event's state and the actions
it offers, and between two events of a day the travel time, the time left and the warnings
(overlap, travel that does not fit).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from aides.emploi_du_temps import EtatOccurrence, Occurrence, lundi_de
from aides.models import ActionEquipe, LienAgenda, Reunion
from aides.selectors.emploi_du_temps import occurrences_de, temps_de_trajet
from eleves.calendrier import Calendrier
from eleves.models import PeriodeVacances
from rased.formats import duree_fr

# A meeting has a start, not an end: it is taken to last an hour (for the overlaps, the travel
# and the feed), and the page says so.
DUREE_REUNION_SUPPOSEE = 60
# The dashboard looks this far back for slots not logged.
SEMAINES_A_NOTER = 4
# The calendar feed: this far back and ahead of today.
FLUX_JOURS_AVANT, FLUX_JOURS_APRES = 28, 84

JOURS_OUVRES = 5


def heure_fr(moment: datetime | time) -> str:
    """« 9 h 05 »."""
    return f"{moment.hour} h {moment.minute:02d}"


def initiales(eleve) -> str:
    """« L. P. »: an individual slot names its pupil by initials only (the page may be printed)."""
    return " ".join(f"{mot[:1].upper()}." for mot in (eleve.prenom, eleve.nom) if mot)


@dataclass
class Liaison:
    """What lies between an event and the one before it that day: travel between two schools,
    the minutes left, and a warning when they overlap or the travel does not fit."""

    message: str
    alerte: bool


@dataclass
class Evenement:
    debut: datetime
    fin: datetime
    ecole_id: int
    ecole: str
    titre: str
    genre: str  # « Séance », « Réunion »
    occurrence: Occurrence | None = None
    reunion: Reunion | None = None
    libelle_etat: str = ""
    classe_etat: str = ""
    # The slot's day may still be logged (« Noter la séance ») or said not held (« Non tenue »).
    a_noter: bool = False
    peut_etre_non_tenue: bool = False
    avant: Liaison | None = None

    @property
    def horaire(self) -> str:
        return f"{heure_fr(self.debut)} – {heure_fr(self.fin)}"


@dataclass
class Jour:
    date: date
    sans_classe: str | None
    evenements: list[Evenement] = field(default_factory=list)
    # Team actions have a day and a duration, no hour: listed apart, outside the travel checks.
    actions: list[ActionEquipe] = field(default_factory=list)
    aujourd_hui: bool = False

    @property
    def nb_alertes(self) -> int:
        return sum(1 for e in self.evenements if e.avant and e.avant.alerte)


@dataclass
class Semaine:
    lundi: date
    jours: list[Jour]
    precedente: date
    suivante: date
    courante: date  # this week's Monday (« Aujourd'hui »)

    @property
    def vendredi(self) -> date:
        return self.lundi + timedelta(days=JOURS_OUVRES - 1)

    @property
    def est_courante(self) -> bool:
        return self.lundi == self.courante

    @property
    def nb_alertes(self) -> int:
        return sum(j.nb_alertes for j in self.jours)

    @property
    def vide(self) -> bool:
        return not any(j.evenements or j.actions for j in self.jours)


# --- Reads -----------------------------------------------------------------------------------


def _instant(jour: date, heure: time = time.min) -> datetime:
    return timezone.make_aware(datetime.combine(jour, heure))


def reunions_de(user, debut: date, fin: date):
    """The meetings of [debut, fin] ``user`` takes part in or recorded, as far as he may read them
    (a psychologist's meeting stays the psychologists'), with their school (one query)."""
    participe = Reunion.participants.through.objects.filter(utilisateur=user).values("reunion_id")
    return (
        Reunion.objects.visibles_par(user)
        .filter(Q(auteur=user) | Q(pk__in=participe))
        .filter(date__gte=_instant(debut), date__lt=_instant(fin + timedelta(days=1)))
        .select_related("demande__classe__ecole")
        .order_by("date", "pk")
    )


def actions_de(user, debut: date, fin: date):
    """The team actions ``user`` recorded in [debut, fin], with their school (one query)."""
    return (
        ActionEquipe.objects.visibles_par(user)
        .filter(auteur=user, date__range=(debut, fin))
        .select_related("ecole")
        .order_by("date", "pk")
    )


def _evenement_du_creneau(occurrence: Occurrence, aujourd_hui: date) -> Evenement:
    creneau = occurrence.creneau
    titre = creneau.groupe.nom if creneau.groupe_id else f"Élève {initiales(creneau.aide.eleve)}"
    etat = occurrence.etat(aujourd_hui)
    libre = etat in (EtatOccurrence.A_NOTER, EtatOccurrence.A_VENIR)
    return Evenement(
        debut=occurrence.debut, fin=occurrence.fin, ecole_id=creneau.ecole_id, ecole=creneau.ecole.nom,
        titre=titre, genre="Séance", occurrence=occurrence,
        libelle_etat=EtatOccurrence.LIBELLES[etat].removeprefix("séance "),
        classe_etat=f"etat-{etat.replace('_', '-')}",
        # Logged on its day or later, never ahead; said not held at any time (a known outing).
        a_noter=libre and occurrence.date <= aujourd_hui,
        peut_etre_non_tenue=libre,
    )


def _evenement_de_la_reunion(reunion: Reunion) -> Evenement:
    debut = timezone.localtime(reunion.date)
    ecole = reunion.demande.classe.ecole
    return Evenement(
        debut=debut, fin=debut + timedelta(minutes=DUREE_REUNION_SUPPOSEE), ecole_id=ecole.pk, ecole=ecole.nom,
        titre=reunion.get_type_display(), genre="Réunion", reunion=reunion,
    )


def _duree(minutes: int) -> str:
    """« 45 min », « 3 h 05 »."""
    return f"{minutes} min" if minutes < 60 else duree_fr(minutes)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def relier(evenements: list[Evenement], minutes_entre) -> None:
    """Set ``avant`` on each event of one day that follows another: an overlap with any earlier
    event still running, else the travel from the previous school when it changes."""
    precedent = None  # the earlier event that ends last
    for evenement in evenements:
        if precedent is not None:
            if evenement.debut < precedent.fin:
                evenement.avant = Liaison(
                    f"Chevauchement avec « {precedent.titre} » ({precedent.ecole}, {precedent.horaire})", True)
            elif evenement.ecole_id != precedent.ecole_id:
                trajet = minutes_entre(precedent.ecole_id, evenement.ecole_id)
                ecart = _minutes(evenement.debut - precedent.fin)
                if ecart < trajet:
                    reste = f"il ne reste que {ecart} min" if ecart else "il ne reste aucune minute"
                    message = (f"Trajet de {trajet} min : {reste} entre {precedent.ecole} "
                               f"({heure_fr(precedent.fin)}) et {evenement.ecole} ({heure_fr(evenement.debut)})")
                    evenement.avant = Liaison(message, True)
                else:
                    evenement.avant = Liaison(f"Trajet de {trajet} min depuis {precedent.ecole} "
                                              f"(temps entre les deux : {_duree(ecart)})", False)
        if precedent is None or evenement.fin > precedent.fin:
            precedent = evenement


def calendrier_de(user) -> Calendrier:
    """The school calendar of the zone of ``user``'s circonscription (one query; two if his
    circonscription is not loaded yet)."""
    zone = user.circonscription.zone if user.circonscription_id else ""
    return PeriodeVacances.objects.calendrier(zone)


def semaine_de(user, lundi: date, *, aujourd_hui: date | None = None) -> Semaine:
    """« Ma semaine »: Monday to Friday of the week starting ``lundi``, each day with the member's
    slot occurrences and meetings in time order (with travel and warnings), his team actions, or
    why there is no school that day. A fixed number of queries: slots, holidays of the slots'
    zones, sessions, slots not held, meetings, actions, travel times, the member's zone's holidays."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    vendredi = lundi + timedelta(days=JOURS_OUVRES - 1)
    evenements = [_evenement_du_creneau(o, aujourd_hui) for o in occurrences_de(user, lundi, vendredi)]
    evenements += [_evenement_de_la_reunion(r) for r in reunions_de(user, lundi, vendredi)]
    actions = list(actions_de(user, lundi, vendredi))
    minutes_entre = temps_de_trajet(user, {e.ecole_id for e in evenements})
    calendrier = calendrier_de(user)
    jours = []
    for decalage in range(JOURS_OUVRES):
        jour = lundi + timedelta(days=decalage)
        du_jour = sorted((e for e in evenements if e.debut.date() == jour), key=lambda e: (e.debut, e.fin))
        relier(du_jour, minutes_entre)
        jours.append(Jour(
            date=jour, sans_classe=calendrier.sans_classe(jour), evenements=du_jour,
            actions=[a for a in actions if a.date == jour], aujourd_hui=jour == aujourd_hui,
        ))
    return Semaine(
        lundi=lundi, jours=jours, precedente=lundi - timedelta(weeks=1), suivante=lundi + timedelta(weeks=1),
        courante=lundi_de(aujourd_hui),
    )


def seances_a_noter(user, *, aujourd_hui: date | None = None) -> list[Evenement]:
    """The member's slot occurrences of the last ``SEMAINES_A_NOTER`` weeks whose day is over with
    neither a session logged nor « non tenue », the latest first (members log at the end of the
    day or of the week) (4 queries)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    debut = aujourd_hui - timedelta(weeks=SEMAINES_A_NOTER)
    return [
        _evenement_du_creneau(o, aujourd_hui)
        for o in reversed(occurrences_de(user, debut, aujourd_hui - timedelta(days=1)))
        if o.etat(aujourd_hui) == EtatOccurrence.A_NOTER
    ]


# --- The calendar feed -----------------------------------------------------------------------


def lien_agenda_actif(user) -> LienAgenda | None:
    return LienAgenda.objects.actifs().filter(utilisateur=user).first()


def proprietaire_du_jeton(jeton: str):
    """The person whose live link carries ``jeton``, if he may still have a feed; else None (a
    revoked or unknown token, a deactivated account, a person no longer in the RASED)."""
    if not jeton or len(jeton) > 200:
        return None
    lien = (
        LienAgenda.objects.actifs().filter(empreinte=LienAgenda.empreinte_de(jeton))
        .select_related("utilisateur__circonscription").first()
    )
    if lien is None or not lien.utilisateur.has_perm("aides.view_ma_semaine"):
        return None
    return lien.utilisateur


@dataclass
class ContenuDuFlux:
    occurrences: list[Occurrence]
    reunions: list[Reunion]
    actions: list[ActionEquipe]


def contenu_du_flux(user, *, aujourd_hui: date | None = None) -> ContenuDuFlux:
    """What ``user``'s feed lists: slot occurrences, meetings and team actions from
    ``FLUX_JOURS_AVANT`` days back to ``FLUX_JOURS_APRES`` days ahead (6 queries)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    debut = aujourd_hui - timedelta(days=FLUX_JOURS_AVANT)
    fin = aujourd_hui + timedelta(days=FLUX_JOURS_APRES)
    return ContenuDuFlux(
        occurrences=occurrences_de(user, debut, fin),
        reunions=list(reunions_de(user, debut, fin)),
        actions=list(actions_de(user, debut, fin)),
    )


# How many « séances à noter » the dashboard lists; the others are counted.
A_NOTER_AFFICHEES = 15


def contexte_a_noter(user) -> dict:
    """The dashboard's « Séances à noter » block (4 queries)."""
    a_noter = seances_a_noter(user)
    return {
        "seances_a_noter": a_noter[:A_NOTER_AFFICHEES], "nb_seances_a_noter": len(a_noter),
        "autres_a_noter": max(0, len(a_noter) - A_NOTER_AFFICHEES), "semaines_a_noter": SEMAINES_A_NOTER,
    }
