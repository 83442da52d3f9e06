"""The RASED as pôle ressource: support actions for a school's team, listed per school.

Whoever sees the school sees its actions (``ActionEquipe.objects.visibles_par``); RASED members
of the school's secteur record them. A linked pupil is named only to those who may see that
pupil, and a psychologist's action names no pupil outside psychologists (no nominative list of
the pupils a psychologist sees).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from aides.forms.base import SuppressionForm
from aides.forms.equipes import ActionEquipeForm
from aides.models import ActionEquipe
from aides.selectors import nommer_eleves_des_actions
from aides.selectors.equipes import (
    actions_de_l_ecole,
    eleves_pour_une_action,
    nb_et_minutes_depuis_la_rentree,
)
from aides.selectors.historique import historique_lisible_de_l_action_equipe
from aides.services import (
    action_equipe_enregistrer,
    action_equipe_modifier,
    action_equipe_supprimer,
)
from aides.views.acces import exiger, refus_en_message
from aides.views.envois import envoi_unique, une_seule_fois
from eleves.selectors import ecole_visible_ou_404
from rased.formats import duree_fr


@login_required
def action_equipe_liste(request, pk):
    ecole = ecole_visible_ou_404(request.user, pk)
    actions = actions_de_l_ecole(request.user, ecole)
    nb_annee, minutes = nb_et_minutes_depuis_la_rentree(actions)
    page = Paginator(actions, settings.PAGINATION_ELEVES).get_page(request.GET.get("page"))
    nommer_eleves_des_actions(request.user, page.object_list)
    return render(
        request,
        "aides/equipe_liste.html",
        {
            "ecole": ecole,
            "page": page,
            "nb_annee": nb_annee,
            "heures_annee": duree_fr(minutes),
            "peut_ajouter": request.user.has_perm("aides.add_actionequipe", ecole),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def action_equipe_creer(request, pk):
    ecole = ecole_visible_ou_404(request.user, pk)
    exiger(request, "aides.add_actionequipe", ecole)
    eleves = eleves_pour_une_action(request.user, ecole)
    form = ActionEquipeForm(request.POST if request.method == "POST" else None, eleves=eleves)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request), envoi_unique(request) as envoi:
            action_equipe_enregistrer(auteur=request.user, ecole=ecole, action=form.instance)
            envoi.noter(reverse("action_equipe_liste", args=[ecole.pk]))
            messages.success(request, "L'action auprès de l'équipe a été enregistrée.")
            return redirect("action_equipe_liste", pk=ecole.pk)
    return render(request, "aides/equipe_form.html", {"form": form, "ecole": ecole})


def _action_lisible_ou_404(user, pk) -> ActionEquipe:
    return get_object_or_404(ActionEquipe.objects.visibles_par(user).select_related("ecole"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def action_equipe_corriger(request, pk):
    """Correct a team action, by its author; a save from a stale page is refused."""
    action = _action_lisible_ou_404(request.user, pk)
    ecole = action.ecole
    exiger(request, "aides.change_actionequipe", action)
    eleves = eleves_pour_une_action(request.user, ecole)
    form = ActionEquipeForm(request.POST if request.method == "POST" else None, instance=action, eleves=eleves)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            action_equipe_modifier(action=form.instance, auteur=request.user,
                                   revision_lue=form.cleaned_data["revision_lue"])
            messages.success(request, "L'action auprès de l'équipe a été corrigée.")
            return redirect("action_equipe_liste", pk=ecole.pk)
    return render(request, "aides/equipe_form.html", {
        "form": form, "ecole": ecole, "action": action,
        "historique": historique_lisible_de_l_action_equipe(request.user, action),
    })


@login_required
@require_http_methods(["GET", "POST"])
def action_equipe_supprimer_page(request, pk):
    action = _action_lisible_ou_404(request.user, pk)
    ecole = action.ecole
    exiger(request, "aides.delete_actionequipe", action)
    form = SuppressionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            action_equipe_supprimer(action=action, auteur=request.user, motif=form.cleaned_data["motif"])
            messages.success(request, "L'action auprès de l'équipe a été supprimée.")
            return redirect("action_equipe_liste", pk=ecole.pk)
    return render(request, "aides/supprimer.html", {
        "form": form, "objet": action, "titre": f"Supprimer l'action du {action.date:%d/%m/%Y}",
        "explication": f"Action auprès de l'équipe de {ecole.nom} : elle sera supprimée et ne sera plus "
        "comptée dans le temps passé ; le motif est conservé.",
        "retour": reverse("action_equipe_liste", args=[ecole.pk]),
    })


urlpatterns = [
    path("ecoles/<int:pk>/actions-rased/", action_equipe_liste, name="action_equipe_liste"),
    path("ecoles/<int:pk>/actions-rased/nouvelle/", action_equipe_creer, name="action_equipe_creer"),
    path("actions-rased/<int:pk>/corriger/", action_equipe_corriger, name="action_equipe_corriger"),
    path("actions-rased/<int:pk>/supprimer/", action_equipe_supprimer_page, name="action_equipe_supprimer"),
]
