"""Two-factor authentication (django-otp): who owes a second factor, and the middleware that
holds back a session that has not proved it.

The RASED, the circonscription, administrators and superusers see pupils' files beyond one class
or school, or manage the instance: they prove a TOTP code or a backup code in each session
(``eleves/views_2fa.py`` sets it up and checks it).
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from eleves.enums import ROLES_RASED, Role

# Who sees pupils' files beyond one class or school, and who manages the instance.
ROLES_DOUBLE_AUTHENTIFICATION = ROLES_RASED | {Role.CIRCONSCRIPTION, Role.ADMINISTRATEUR}

# The only pages a signed-in person who still owes a second factor may reach.
_PAGES_SANS_DOUBLE_AUTHENTIFICATION = ("connexion", "deconnexion", "otp_configurer", "otp_verifier")


def double_authentification_requise(user) -> bool:
    """Whether ``user`` must prove a second factor (TOTP or backup code) in each session.

    Read at each call, not at start-up: ``DOUBLE_AUTHENTIFICATION`` is off only in the demo.
    """
    return bool(
        settings.DOUBLE_AUTHENTIFICATION
        and user.is_authenticated
        and (user.is_superuser or user.role in ROLES_DOUBLE_AUTHENTIFICATION or _directeur_qui_l_a(user))
    )


def _directeur_qui_l_a(user) -> bool:
    """A directeur sees one school's files: a second factor is his choice (« Mon compte »), unless
    the instance imposes it on every directeur (``DOUBLE_AUTHENTIFICATION_DIRECTEURS``)."""
    return user.role == Role.DIRECTEUR and (
        settings.DOUBLE_AUTHENTIFICATION_DIRECTEURS or user.double_authentification_choisie
    )


def double_authentification_au_choix(user) -> bool:
    """Whether ``user`` may turn a second factor on or off for himself (a directeur, when the
    instance neither imposes it on directeurs nor has two factors off altogether)."""
    return bool(
        settings.DOUBLE_AUTHENTIFICATION and user.is_authenticated and user.role == Role.DIRECTEUR
        and not settings.DOUBLE_AUTHENTIFICATION_DIRECTEURS and not user.is_superuser
    )


def session_verifiee(user) -> bool:
    """Whether this session proved a second factor (``is_verified`` comes from OTPMiddleware)."""
    est_verifie = getattr(user, "is_verified", None)
    return bool(est_verifie and est_verifie())


def double_authentification_manquante(user) -> bool:
    return double_authentification_requise(user) and not session_verifiee(user)


def double_authentification(get_response):
    """A password-only session of a person who needs two factors reaches no page but these:
    sign-in, sign-out, the set-up page (no confirmed device yet) and the code page.

    This holds for every session, ``force_login`` ones included: the proof is the device id
    that django-otp keeps in the session, set only by the set-up and code pages.
    """

    def middleware(request):
        user = request.user
        if not double_authentification_manquante(user):
            return get_response(request)
        chemin = request.path_info
        if chemin.startswith(settings.STATIC_URL) or chemin in {
            reverse(nom) for nom in _PAGES_SANS_DOUBLE_AUTHENTIFICATION
        }:
            return get_response(request)
        configure = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        page = reverse("otp_verifier" if configure else "otp_configurer")
        return redirect(f"{page}?{urlencode({'next': request.get_full_path()})}")

    return middleware
