"""Where people start: each role lands on its own dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from aides.models import Notification
from aides.selectors import tableau_de_bord
from aides.selectors.droit_acces import volets_a_relire
from aides.selectors.semaine import contexte_a_noter
from eleves.enums import ROLES_RASED, Role
from eleves.selectors import (
    attributions_recentes,
    classes_avec_nb_eleves,
    ecoles_avec_nb_classes,
    nb_eleves_et_classes,
)

GABARIT_PAR_ROLE = {Role.ENSEIGNANT: "enseignant", Role.DIRECTEUR: "directeur"}


@login_required
def accueil(request):
    user = request.user
    if user.role == Role.ADMINISTRATEUR and not user.circonscription_id:
        return redirect("admin:index")
    contexte = {"ecoles": ecoles_avec_nb_classes(user), **tableau_de_bord(user)}
    if user.role == Role.ENSEIGNANT:
        contexte["classes"] = classes_avec_nb_eleves(user)
    elif user.role in (Role.CIRCONSCRIPTION, Role.ADMINISTRATEUR):
        contexte["nb_eleves"], contexte["nb_classes"] = nb_eleves_et_classes(user)
    elif user.has_perm("eleves.relire_volets_rased"):
        # Families' access requests whose parts wait for this member's review: the RASED's parts,
        # and for a psychologist the psychological parts too.
        contexte["nb_acces_a_relire"] = sum(a_relire.count() for a_relire in volets_a_relire(user).values())
    if user.has_perm("aides.view_ma_semaine"):
        contexte.update(contexte_a_noter(user))
    if user.has_perm("eleves.view_acces_psychologues"):
        # Accounts given access to the psychologists' work lately: they watch it.
        contexte["attributions_recentes"] = attributions_recentes(user)
    gabarit = "rased" if user.role in ROLES_RASED else GABARIT_PAR_ROLE.get(user.role, "circonscription")
    return render(request, f"aides/accueil_{gabarit}.html", contexte)


@login_required
@require_POST
def notifications_lues(request):
    Notification.objects.non_lues().filter(destinataire=request.user).update(lue_le=timezone.now())
    return redirect("accueil")
