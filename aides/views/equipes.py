"""The RASED as pôle ressource: support actions for a school's team, listed per school.

Whoever sees the school sees its actions (``ActionEquipe.objects.visibles_par``); RASED members
of the school's secteur record them. A linked pupil is named only to those who may see that
pupil, and a psychologist's action names no pupil outside psychologists (no nominative list of
the pupils a psychologist sees).
"""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from aides.forms.equipes import ActionEquipeForm
from aides.models import ActionEquipe
from aides.selectors import nommer_eleves_des_actions
from aides.services import ActionRefusee, action_equipe_enregistrer
from eleves.models import Ecole, Eleve, annee_courante_debut
from eleves.scolarite import MOIS_BASCULE


def _ecole_visible(request, pk) -> Ecole:
    return get_object_or_404(Ecole.objects.visibles_par(request.user), pk=pk)


@login_required
def action_equipe_liste(request, pk):
    ecole = _ecole_visible(request, pk)
    actions = (
        ActionEquipe.objects.visibles_par(request.user)
        .filter(ecole=ecole)
        .select_related("auteur", "eleve")
        .order_by("-date", "-pk")
    )
    rentree = date(annee_courante_debut(), MOIS_BASCULE, 1)
    totaux = actions.filter(date__gte=rentree).aggregate(nb=Count("pk"), minutes=Sum("duree"))
    minutes = totaux["minutes"] or 0
    page = Paginator(actions, settings.PAGINATION_ELEVES).get_page(request.GET.get("page"))
    nommer_eleves_des_actions(request.user, page.object_list)
    return render(
        request,
        "aides/equipe_liste.html",
        {
            "ecole": ecole,
            "page": page,
            "nb_annee": totaux["nb"],
            "heures_annee": f"{minutes // 60} h {minutes % 60:02d}",
            "peut_ajouter": request.user.has_perm("aides.add_actionequipe", ecole),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_equipe_creer(request, pk):
    ecole = _ecole_visible(request, pk)
    if not request.user.has_perm("aides.add_actionequipe", ecole):
        raise PermissionDenied
    eleves = (
        Eleve.objects.visibles_par(request.user)
        .filter(inscriptions__classe__ecole=ecole, inscriptions__annee__debut=annee_courante_debut())
        .avec_inscription_courante()
        .order_by("nom", "prenom", "pk")
    )
    form = ActionEquipeForm(request.POST if request.method == "POST" else None, eleves=eleves)
    if request.method == "POST" and form.is_valid():
        try:
            action_equipe_enregistrer(auteur=request.user, ecole=ecole, action=form.instance)
        except ActionRefusee as refus:
            messages.error(request, str(refus))
        else:
            messages.success(request, "L'action auprès de l'équipe a été enregistrée.")
            return redirect("action_equipe_liste", pk=ecole.pk)
    return render(request, "aides/equipe_form.html", {"form": form, "ecole": ecole})


urlpatterns = [
    path("ecoles/<int:pk>/actions-rased/", action_equipe_liste, name="action_equipe_liste"),
    path("ecoles/<int:pk>/actions-rased/nouvelle/", action_equipe_creer, name="action_equipe_creer"),
]
