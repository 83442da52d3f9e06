"""Sessions (séances): logging a group session, the member's own list, a pupil's sessions.

The content of a psychological follow-up (what was worked on, observations) is read by
psychologists only: a pupil's page reads sessions through ``confidentielles_lisibles_par`` and
``Seance.objects.visibles_par``; the school side (teacher, directeur) gets totals, never notes.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from aides.enums import EtatAide, Presence
from aides.forms.seances import PresencesForm, SeanceForm
from aides.models import Aide, PresenceSeance, Seance
from aides.services import ROLE_PAR_TYPE_AIDE, ActionRefusee, seance_enregistrer
from eleves.models import Eleve, Inscription, annee_courante_debut

TYPE_PAR_ROLE = {role: type_aide for type_aide, role in ROLE_PAR_TYPE_AIDE.items()}
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
        return f"{self.minutes // 60} h {self.minutes % 60:02d}"

    @property
    def taux_presence(self) -> int | None:
        return round(100 * self.presents / self.inscrits) if self.inscrits else None


def _peut_noter_ou_403(user) -> None:
    if not user.has_perm("aides.add_seance"):
        raise PermissionDenied


def aides_pour_seance(user) -> list[Aide]:
    """The aids en cours ``user`` may log a session for: theirs first, then those of colleagues of
    the same role and secteur (replacement); by school, class and pupil name."""
    courantes = Inscription.objects.filter(annee__debut=annee_courante_debut()).select_related(
        "classe__ecole"
    )
    aides = (
        Aide.objects.visibles_par(user)
        .filter(etat=EtatAide.EN_COURS, type=TYPE_PAR_ROLE.get(user.role))
        .filter(Q(intervenant=user) | Q(intervenant__role=user.role, intervenant__secteur_id=user.secteur_id))
        .select_related("eleve", "intervenant")
        .prefetch_related(Prefetch("eleve__inscriptions", courantes, to_attr="inscriptions_courantes"))
    )

    def cle(aide):
        inscription = aide.eleve.inscription_courante
        lieu = (inscription.classe.ecole.nom, inscription.classe.nom) if inscription else ("", "")
        return (aide.intervenant_id != user.pk, *lieu, aide.eleve.nom, aide.eleve.prenom, aide.pk)

    return sorted(aides, key=cle)


@login_required
@require_http_methods(["GET", "POST"])
def seance_creer(request):
    """One screen: date, duration, content, then one row per pupil of the member's aids."""
    _peut_noter_ou_403(request.user)
    donnees = request.POST if request.method == "POST" else None
    form = SeanceForm(donnees)
    presences = PresencesForm(donnees, aides=aides_pour_seance(request.user))
    if request.method == "POST":
        valide = form.is_valid()
        valide = presences.is_valid() and valide
        if valide:
            lignes = presences.presences()
            try:
                seance = seance_enregistrer(intervenant=request.user, seance=form.instance, presences=lignes)
            except ActionRefusee as refus:
                messages.error(request, str(refus))
            else:
                eleves = f"{len(lignes)} élève{'s' if len(lignes) > 1 else ''}"
                messages.success(request, f"La séance du {seance.date:%d/%m/%Y} a été enregistrée ({eleves}).")
                return redirect("seance_liste")
    return render(request, "aides/seance_form.html", {"form": form, "presences": presences})


def _mois_choisi(valeur: str | None) -> date | None:
    """``"2026-11"`` → 1 November 2026; anything else → no filter."""
    try:
        annee, mois = (int(x) for x in (valeur or "").split("-"))
        return date(annee, mois, 1)
    except ValueError:
        return None


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


@login_required
def seance_liste(request):
    """The member's own sessions, newest first, with totals; optionally one month."""
    if not request.user.has_perm("aides.view_seances"):
        raise PermissionDenied
    toutes = Seance.objects.visibles_par(request.user).filter(intervenant=request.user)
    mois = _mois_choisi(request.GET.get("mois"))
    seances = toutes.filter(date__year=mois.year, date__month=mois.month) if mois else toutes
    presences = PresenceSeance.objects.select_related("aide__eleve").order_by("aide__eleve__nom", "pk")
    page = Paginator(
        seances.order_by("-date", "-pk").prefetch_related(Prefetch("presences", presences)),
        settings.PAGINATION_ELEVES,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "aides/seance_liste.html",
        {
            "page": page,
            "totaux": totaux_des_seances(seances),
            "mois": mois,
            "mois_disponibles": toutes.dates("date", "month", order="DESC"),
        },
    )


@login_required
def eleve_seances(request, pk):
    """A pupil's sessions, aid by aid, each shown as far as the user may read it:

    - RASED members who may read the aid's content: every session, content and observation;
    - the school (teacher, directeur) and circonscription: totals of E and G aids only;
    - a psychological follow-up, for anyone but psychologists: that it exists, nothing more.
    """
    user = request.user
    eleve = get_object_or_404(Eleve.objects.visibles_par(user), pk=pk)
    aides = list(
        Aide.objects.visibles_par(user)
        .filter(eleve=eleve)
        .select_related("intervenant")
        .order_by("debut", "pk")
    )
    lisibles = set(
        Aide.objects.confidentielles_lisibles_par(user).filter(eleve=eleve).values_list("pk", flat=True)
    )
    detail = {a.pk for a in aides if a.pk in lisibles and user.est_rased}
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
    return render(request, "aides/seance_eleve.html", {"eleve": eleve, "aides": aides})


urlpatterns = [
    path("seances/", seance_liste, name="seance_liste"),
    path("seances/nouvelle/", seance_creer, name="seance_creer"),
    path("eleves/<int:pk>/seances/", eleve_seances, name="eleve_seances"),
]
