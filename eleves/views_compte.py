"""« Mon compte » (what a person chooses for themselves: the daily digest by e-mail) and the
circonscription's settings (its IEN: after how many days an unanswered request is reminded)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from eleves.forms import CompteForm, ReglagesCirconscriptionForm


def _exiger(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def mon_compte(request):
    _exiger(request, "eleves.change_compte")
    form = CompteForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Vos choix ont été enregistrés.")
        return redirect("mon_compte")
    return render(request, "eleves/mon_compte.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def reglages_circonscription(request):
    _exiger(request, "eleves.regler_circonscription")
    circonscription = request.user.circonscription
    form = ReglagesCirconscriptionForm(request.POST if request.method == "POST" else None, instance=circonscription)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Les réglages de la circonscription ont été enregistrés.")
        return redirect("reglages_circonscription")
    return render(request, "eleves/reglages_circonscription.html", {"form": form, "circonscription": circonscription})
