"""Reads of a member's groups and recurring slots, always through his own scope
(``Groupe.objects.de``, ``Creneau.objects.de``): a stranger's group or slot does not exist (404).

The pupils a member may put in a group or a slot are those of his aids in that school that are not
ended: ``Aide.objects.menees_par`` (his own, or those the stand-in rule lets him carry).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from aides.emploi_du_temps import Occurrence, occurrences
from aides.enums import EtatAide
from aides.models import Aide, Creneau, CreneauNonTenu, Groupe, MembreGroupe, Seance
from eleves.alphabetique import alphabetique, ordre_alphabetique
from eleves.calendrier import Calendrier
from eleves.models import Ecole, PeriodeVacances


def nom_court(eleve) -> str:
    """« Enzo D. »: enough for the member who knows his pupils, little for anyone reading over
    his shoulder."""
    return f"{eleve.prenom} {eleve.nom[:1].upper()}."


def ecoles_du_membre(user):
    """The schools where a member builds groups and slots: those of his secteur."""
    return Ecole.objects.filter(secteurs=user.secteur_id).select_related("circonscription").par_ordre_alphabetique()


def aides_pour_groupe(user, ecole=None):
    """The aids a member may put in a group or a slot: his (or his stand-in's) aids not ended,
    in ``ecole`` (all his secteur's schools when None), pupils by name."""
    qs = Aide.objects.menees_par(user).exclude(etat=EtatAide.TERMINEE).filter(
        demande__classe__ecole__in=ecoles_du_membre(user).values("pk")
    )
    if ecole is not None:
        qs = qs.filter(demande__classe__ecole=ecole)
    return qs.select_related("eleve", "demande__classe__ecole").order_by(
        *ordre_alphabetique("eleve__nom", "eleve__prenom"), "pk")


@dataclass
class EcoleEtSesGroupes:
    ecole: Ecole
    groupes: list = field(default_factory=list)


def groupes_par_ecole(user) -> list[EcoleEtSesGroupes]:
    """« Mes groupes »: the member's groups by school, each with its current pupils' count and
    its slots' count (one query)."""
    groupes = Groupe.objects.de(user).select_related("ecole").annotate(
        nb_eleves=Count("membres", filter=Q(membres__retire_le__isnull=True), distinct=True),
        nb_creneaux=Count("creneaux", distinct=True),
    ).order_by(alphabetique("ecole__nom"), "ecole_id", alphabetique("nom"), "pk")
    return [EcoleEtSesGroupes(ecole, list(liste)) for ecole, liste in groupby(groupes, key=lambda g: g.ecole)]


def groupe_ou_404(user, pk) -> Groupe:
    return get_object_or_404(Groupe.objects.de(user).select_related("ecole__circonscription"), pk=pk)


def membres_du_groupe(groupe) -> tuple[list, list]:
    """(current members, members who left: latest first), with their pupil (one query)."""
    membres = list(
        MembreGroupe.objects.filter(groupe=groupe).select_related("aide__eleve").order_by(
            *ordre_alphabetique("aide__eleve__nom", "aide__eleve__prenom"), "pk")
    )
    presents = [m for m in membres if m.retire_le is None]
    partis = sorted((m for m in membres if m.retire_le is not None), key=lambda m: (m.retire_le, m.pk), reverse=True)
    return presents, partis


def creneau_ou_404(user, pk) -> Creneau:
    return get_object_or_404(
        Creneau.objects.de(user).select_related("ecole__circonscription", "groupe", "aide__eleve"), pk=pk
    )


@dataclass
class EcoleEtSesCreneaux:
    ecole: Ecole
    creneaux: list = field(default_factory=list)


def creneaux_par_ecole(user) -> list[EcoleEtSesCreneaux]:
    """« Mon emploi du temps »: the member's slots by school, by weekday and time (one query)."""
    creneaux = Creneau.objects.de(user).select_related("ecole", "groupe", "aide__eleve").order_by(
        alphabetique("ecole__nom"), "ecole_id", "jour", "heure", "pk")
    return [EcoleEtSesCreneaux(ecole, list(liste)) for ecole, liste in groupby(creneaux, key=lambda c: c.ecole)]


def calendrier_de_l_ecole(ecole) -> Calendrier:
    """The school calendar of ``ecole``'s zone (one query; weekends and public holidays only
    when its circonscription has no zone)."""
    return PeriodeVacances.objects.calendrier(ecole.circonscription.zone)


@dataclass
class JourSaute:
    date: date
    raison: str


def jours_prevus(creneau, calendrier: Calendrier) -> tuple[list[date], list[JourSaute]]:
    """The days the slot falls on between its ``du`` and ``au``, and the days of its weekday
    skipped with their reason (« pendant les vacances de Noël », « un jour férié (Armistice
    1918) »). Works on an unsaved slot (the form's preview)."""
    jours, sautes = [], []
    jour = creneau.du + timedelta(days=(creneau.jour - creneau.du.weekday()) % 7)
    while jour <= creneau.au:
        raison = calendrier.sans_classe(jour)
        if raison is None:
            jours.append(jour)
        else:
            sautes.append(JourSaute(jour, raison))
        jour += timedelta(weeks=1)
    return jours, sautes


def occurrences_du_creneau(creneau, calendrier: Calendrier) -> list[Occurrence]:
    """Every day of the slot with what became of it (session logged, not held), two queries."""
    seances = Seance.objects.filter(creneau=creneau).only("pk", "creneau_id", "date")
    non_tenus = CreneauNonTenu.objects.filter(creneau=creneau)
    return occurrences([creneau], creneau.du, creneau.au, calendrier_de=lambda c: calendrier,
                       seances=seances, non_tenus=non_tenus)


def non_tenu_ou_404(creneau, jour: date) -> CreneauNonTenu:
    return get_object_or_404(CreneauNonTenu.objects.filter(creneau=creneau), date=jour)


def groupes_avec_membres(groupes):
    """Groups with their current members prefetched (``membres_actuels``)."""
    return groupes.prefetch_related(Prefetch(
        "membres", queryset=MembreGroupe.objects.filter(retire_le__isnull=True).select_related("aide__eleve"),
        to_attr="membres_actuels",
    ))
