"""« Mon compte » (what a person chooses for themselves: the daily digest by e-mail) and the
circonscription's settings (its IEN: after how many days an unanswered request is reminded)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user

from eleves.double_authentification import double_authentification_au_choix
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
    return render(request, "eleves/mon_compte.html", {
        "form": form, "double_authentification_au_choix": double_authentification_au_choix(request.user),
    })


@login_required
@require_POST
def double_authentification_choix(request):
    """A directeur turns a second factor on (he is sent to set it up at once) or off (his
    application and backup codes are forgotten). To turn it off he has proved it in this session:
    until then the middleware lets him reach no page but the code's."""
    user = request.user
    if not double_authentification_au_choix(user):
        raise PermissionDenied
    if request.POST.get("choix") == "activer":
        user.double_authentification_choisie = True
        user.save(update_fields=["double_authentification_choisie"])
        messages.success(request, "La double authentification est activée : configurez votre application.")
        return redirect(f"{reverse('otp_configurer')}?{urlencode({'next': reverse('mon_compte')})}")
    with transaction.atomic():
        for appareil in devices_for_user(user, confirmed=None):
            appareil.delete()
        user.double_authentification_choisie = False
        user.save(update_fields=["double_authentification_choisie"])
    messages.success(request, "La double authentification est désactivée pour votre compte.")
    return redirect("mon_compte")


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
