"""« Mot de passe oublié »: Django's reset flow, its e-mail through the task queue.

The page answers the same whether the address has an account or not; it is throttled per address
typed and per client address; the link is valid ``PASSWORD_RESET_TIMEOUT`` (30 minutes) and once
(Django's token changes with the password); the new password follows the 12-character rule
(``AUTH_PASSWORD_VALIDATORS``). The reset does not sign in: the second factor is still asked at
the next sign-in for the roles that have one.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse_lazy
from django.utils import timezone

from eleves.models import DemandeReinitialisation
from rased import courriels


class ReinitialisationForm(auth_forms.PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        """Queued after the commit, never sent inside the request (rased/courriels.py)."""
        sujet = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        courriels.programmer(sujet=sujet, message=loader.render_to_string(email_template_name, context),
                             destinataires=[to_email])


def _trop_de_demandes(request, adresse: str) -> bool:
    depuis = timezone.now() - timedelta(hours=1)
    recentes = DemandeReinitialisation.objects.filter(le__gte=depuis)
    empreinte = hashlib.sha256(adresse.strip().lower().encode()).hexdigest()
    ip = request.META.get("REMOTE_ADDR") or None
    limite = settings.REINITIALISATION_PAR_HEURE
    trop = (recentes.filter(empreinte_adresse=empreinte).count() >= limite
            or (ip and recentes.filter(adresse_ip=ip).count() >= 4 * limite))
    if not trop:
        DemandeReinitialisation.objects.filter(le__lt=timezone.now() - timedelta(days=1)).delete()
        DemandeReinitialisation.objects.create(empreinte_adresse=empreinte, adresse_ip=ip)
    return trop


class MotDePasseOublieView(auth_views.PasswordResetView):
    template_name = "registration/mot_de_passe_oublie.html"
    email_template_name = "registration/mot_de_passe_courriel.txt"
    subject_template_name = "registration/mot_de_passe_sujet.txt"
    form_class = ReinitialisationForm
    success_url = reverse_lazy("mot_de_passe_envoye")
    extra_email_context = {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        if _trop_de_demandes(self.request, form.cleaned_data["email"]):
            messages.error(self.request, "Trop de demandes en peu de temps : réessayez dans une heure.")
            return redirect("mot_de_passe_oublie")
        return super().form_valid(form)


class MotDePasseEnvoyeView(auth_views.PasswordResetDoneView):
    template_name = "registration/mot_de_passe_envoye.html"


class MotDePasseNouveauView(auth_views.PasswordResetConfirmView):
    template_name = "registration/mot_de_passe_nouveau.html"
    success_url = reverse_lazy("mot_de_passe_change")


class MotDePasseChangeView(auth_views.PasswordResetCompleteView):
    template_name = "registration/mot_de_passe_change.html"
