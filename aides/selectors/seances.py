"""Reads of sessions (séances): the aids a member may log a session for, totals, a pupil's sessions.

The content of a psychological follow-up (what was worked on, observations) is read by
psychologists only: a pupil's sessions are read through ``confidentielles_lisibles_par`` and
``Seance.objects.visibles_par``; the school side (teacher, directeur) gets totals, never notes.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from aides.enums import EtatAide, Presence
from aides.models import Aide, Creneau, CreneauNonTenu, MembreGroupe, PresenceSeance, Seance
from eleves.alphabetique import cle, ordre_alphabetique
from eleves.models import Eleve, Inscription, annee_courante_debut
from rased.formats import duree_fr

PRESENT = Q(presence=Presence.PRESENT)


@dataclass
class Totaux:
    """Counts shown above a list of sessions.

    For a member: sessions held and their hours. For a pupil's aid: sessions they were expected
    at, and the hours of those they attended. The attendance rate is présent / (présent + absent
    + excusé) over the attendance rows.
    """

    nb_seances: int = 0
    minutes: int = 0
    presents: int = 0
    inscrits: int = 0

    @property
    def heures(self) -> str:
        return duree_fr(self.minutes)

    @property
    def taux_presence(self) -> int | None:
        return round(100 * self.presents / self.inscrits) if self.inscrits else None


def aides_pour_seance(user) -> list[Aide]:
    """The aids en cours ``user`` may log a session for (``Aide.objects.menees_par``: theirs first,
    then those the policy's stand-in rule gives them); by school, class and pupil name."""
    courantes = Inscription.objects.filter(annee__debut=annee_courante_debut()).select_related(
        "classe__ecole"
    )
    aides = (
        Aide.objects.menees_par(user)
        .filter(etat=EtatAide.EN_COURS)
        .select_related("eleve", "intervenant")
        .prefetch_related(Prefetch("eleve__inscriptions", courantes, to_attr="inscriptions_courantes"))
    )

    def rang(aide):
        inscription = aide.eleve.inscription_courante
        lieu = (inscription.classe.ecole.nom, inscription.classe.nom) if inscription else ("", "")
        return (aide.intervenant_id != user.pk, *map(cle, (*lieu, aide.eleve.nom, aide.eleve.prenom)), aide.pk)

    return sorted(aides, key=rang)


def seance_lisible_ou_404(user, pk) -> Seance:
    """A session ``user`` may read (its author; RASED colleagues for the aids whose content they
    read, so a psychologist's session only for psychologists), else 404."""
    return get_object_or_404(Seance.objects.visibles_par(user), pk=pk)


def presences_de_la_seance(seance) -> list[PresenceSeance]:
    """A session's attendance rows with their aid, pupil and this year's class (correction form)."""
    courantes = Inscription.objects.filter(annee__debut=annee_courante_debut()).select_related("classe__ecole")
    return list(
        seance.presences.select_related("aide__eleve", "aide__intervenant")
        .prefetch_related(Prefetch("aide__eleve__inscriptions", courantes, to_attr="inscriptions_courantes"))
        .order_by(*ordre_alphabetique("aide__eleve__nom", "aide__eleve__prenom"), "pk")
    )


def seances_menees_par(user, *, mois: date | None = None, ecole=None, groupe=None, periode=None):
    """The sessions ``user`` led, as far as they may read them; narrowed to a month, a school (the
    slot's, or a pupil's request's), a group (logged from one of its slots), a période."""
    seances = Seance.objects.visibles_par(user).filter(intervenant=user)
    if mois:
        seances = seances.filter(date__year=mois.year, date__month=mois.month)
    if ecole is not None:
        seances = seances.filter(Q(creneau__ecole=ecole) | Q(presences__aide__demande__classe__ecole=ecole))
    if groupe is not None:
        seances = seances.filter(creneau__groupe=groupe)
    if periode is not None:
        seances = seances.filter(date__range=(periode.debut, periode.fin))
    return seances.distinct()


def seances_des_collegues_a_corriger(user, *, mois: date | None = None):
    """The sessions colleagues logged that ``user`` may correct as their stand-in: every aid of
    the session is one ``user`` carries (``aides.rules.corrige_la_seance`` as a query: same role,
    secteur covering the school), so a psychologist's sessions stay with psychologists."""
    menees = Aide.objects.menees_par(user)
    presences = PresenceSeance.objects.filter(seance=OuterRef("pk"))
    seances = (
        Seance.objects.visibles_par(user).exclude(intervenant=user)
        .filter(Exists(presences)).exclude(Exists(presences.exclude(aide__in=menees)))
        .select_related("intervenant")
    )
    return seances.filter(date__year=mois.year, date__month=mois.month) if mois else seances


def mois_des_seances_de(user):
    """The months in which ``user`` led a session, newest first (the list's month filter)."""
    return seances_menees_par(user).dates("date", "month", order="DESC")


def totaux_des_seances(seances) -> Totaux:
    """Totals of a queryset of sessions, in two queries whatever its size."""
    ids = seances.values("pk")
    seance = Seance.objects.filter(pk__in=ids).aggregate(nb=Count("pk"), minutes=Sum("duree"))
    presence = PresenceSeance.objects.filter(seance__in=ids).aggregate(
        inscrits=Count("pk"), presents=Count("pk", filter=PRESENT)
    )
    return Totaux(
        nb_seances=seance["nb"], minutes=seance["minutes"] or 0,
        presents=presence["presents"], inscrits=presence["inscrits"],
    )


def seances_avec_eleves(user, seances):
    """Sessions newest first, each with its attendance rows and their pupils (by name).

    A pupil who left the member's secteur stays named in his past sessions; ``eleve_ouvert`` says
    whether the pupil's pages still open to ``user`` (read in the same query: no link to a 404)."""
    presences = (
        PresenceSeance.objects.select_related("aide__eleve")
        .annotate(eleve_ouvert=Exists(Eleve.objects.visibles_par(user).filter(pk=OuterRef("aide__eleve_id"))))
        .order_by(*ordre_alphabetique("aide__eleve__nom", "aide__eleve__prenom"), "pk")
    )
    return seances.order_by("-date", "-pk").prefetch_related(Prefetch("presences", presences))


def aides_et_seances_de_l_eleve(user, eleve) -> list[Aide]:
    """The pupil's aids ``user`` sees, each with what ``user`` may read of its sessions:

    - ``lisible``: the aid's totals may be read (``totaux``), else it only exists for ``user``;
    - ``detail_lisible``: RASED members who may read the aid's content get every session,
      content and observation (``presences_lues``);
    - a psychological follow-up, for anyone but psychologists: that it exists, nothing more.
    """
    aides = list(
        Aide.objects.visibles_par(user)
        .filter(eleve=eleve)
        .select_related("intervenant")
        .order_by("debut", "pk")
    )
    lisibles = set(
        Aide.objects.confidentielles_lisibles_par(user).filter(eleve=eleve).values_list("pk", flat=True)
    )
    detail = {a.pk for a in aides if a.pk in lisibles and user.has_perm("aides.view_seances")}
    totaux = {
        ligne["aide_id"]: Totaux(
            nb_seances=ligne["inscrits"], minutes=ligne["minutes"] or 0,
            presents=ligne["presents"], inscrits=ligne["inscrits"],
        )
        for ligne in PresenceSeance.objects.filter(aide_id__in=lisibles)
        .values("aide_id")
        .annotate(
            inscrits=Count("pk"),
            presents=Count("pk", filter=PRESENT),
            minutes=Sum("seance__duree", filter=PRESENT),
        )
        .order_by()
    }
    seances_par_aide = {pk: [] for pk in detail}
    if detail:
        for presence in (
            PresenceSeance.objects.filter(aide_id__in=detail, seance__in=Seance.objects.visibles_par(user))
            .select_related("seance__intervenant")
            .order_by("-seance__date", "-seance__pk")
        ):
            seances_par_aide[presence.aide_id].append(presence)
    for aide in aides:
        aide.lisible = aide.pk in lisibles
        aide.detail_lisible = aide.pk in detail
        aide.totaux = totaux.get(aide.pk, Totaux()) if aide.lisible else None
        aide.presences_lues = seances_par_aide.get(aide.pk, [])
    return aides


# --- « Noter la séance » from a slot of the member's timetable ---------------------------------


def creneau_a_noter_ou_404(user, pk) -> Creneau:
    """One of ``user``'s own slots (a colleague's slot is not his to log: 404), with its school
    and group."""
    return get_object_or_404(
        Creneau.objects.de(user).select_related("ecole", "groupe", "aide__eleve", "intervenant"), pk=pk
    )


def jour_non_tenu(creneau, jour: date) -> bool:
    """Whether the slot's day was marked « non tenu » (it counts nowhere; no session on it)."""
    return CreneauNonTenu.objects.filter(creneau=creneau, date=jour).exists()


def seance_du_creneau(creneau, jour: date) -> Seance | None:
    """The session already logged for the slot's day, if any (one at most: a constraint)."""
    return Seance.objects.filter(creneau=creneau, date=jour).first()


def aides_du_creneau(user, creneau) -> tuple[list[Aide], list[Aide]]:
    """The aids of a slot's session: (those expected — the group's current members, or the
    individual slot's pupil —, the other aids of the slot's school ``user`` may log a session for).

    Both among ``aides_pour_seance(user)``: an expected pupil whose aid ended (he left the group)
    or that the member no longer carries is not listed."""
    toutes = aides_pour_seance(user)
    if creneau.groupe_id:
        attendues = set(
            MembreGroupe.objects.filter(groupe_id=creneau.groupe_id, retire_le__isnull=True).values_list(
                "aide_id", flat=True)
        )
    else:
        attendues = {creneau.aide_id}
    ecole = [a for a in toutes if (i := a.eleve.inscription_courante) and i.classe.ecole_id == creneau.ecole_id]
    return [a for a in toutes if a.pk in attendues], [a for a in ecole if a.pk not in attendues]


def prochaine_fois_precedente(user, creneau, jour: date) -> str:
    """« Pour la prochaine fois » of the last session before ``jour`` of the same slot, or of the
    same group in another slot (the group seen twice a week), led by ``user``; empty if none."""
    meme = Q(creneau=creneau) | Q(creneau__groupe_id=creneau.groupe_id) if creneau.groupe_id else Q(creneau=creneau)
    precedente = (
        Seance.objects.filter(meme, intervenant=user, date__lt=jour).order_by("-date", "-heure", "-pk").first()
    )
    return precedente.prochaine_fois if precedente else ""
