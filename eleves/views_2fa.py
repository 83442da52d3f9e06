"""Two-factor authentication pages: set-up, the code asked in each session, backup codes.

Only people whose role requires a second factor see them (``double_authentification_requise``
in ``eleves/double_authentification.py``, whose middleware also sends them here), and only while
``DOUBLE_AUTHENTIFICATION`` is on: for anyone else they do not exist (404).

A session is verified once django-otp's ``login`` has put the accepting device in it; the
session key then changes, as it does at sign-in.
"""

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from eleves.double_authentification import double_authentification_requise, session_verifiee
from eleves.forms import ConfigurationOTPForm, VerificationOTPForm

# The secret shown on the set-up page, kept until the first code proves the application has it.
SESSION_CLE_EN_ATTENTE = "otp_cle_en_attente"
# New backup codes, shown by the next display of the codes page and then forgotten.
SESSION_CODES_A_AFFICHER = "otp_codes_a_afficher"


def _exiger_double_authentification(user):
    if not double_authentification_requise(user):
        raise Http404


def _donnees(request):
    return request.POST if request.method == "POST" else None


def _suite(request) -> str:
    """Where to go afterwards: ``next`` if it stays on this site, else the home page."""
    suite = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suite
    return reverse("accueil")


def _vers(nom: str, suite: str) -> str:
    return f"{reverse(nom)}?{urlencode({'next': suite})}"


def _appareil_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def _codes_de_secours_remplacer(user) -> list[str]:
    """Replace every backup code of ``user`` with new ones and return them (shown only once).

    The device itself is kept: a session verified with a backup code stays verified.
    """
    appareil, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Codes de secours"})
    appareil.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < settings.DOUBLE_AUTHENTIFICATION_NB_CODES_SECOURS:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=appareil, token=code) for code in codes)
    return sorted(codes)


def _application_enregistrer(*, user, cle: str, t: int, drift: int):
    """Record the confirmed authenticator application of ``user`` and new backup codes.

    Returns ``(device, codes)``, or None if the person already has an application.
    """
    with transaction.atomic():
        # Two tabs confirming at once: the lock on the person lets only one application in.
        get_user_model().objects.select_for_update().get(pk=user.pk)
        if _appareil_totp(user) is not None:
            return None
        appareil = TOTPDevice.objects.create(
            user=user, name="Application d'authentification", key=cle, confirmed=True,
            # The code just typed to confirm cannot be used again to verify a session.
            last_t=t, drift=drift,
        )
        return appareil, _codes_de_secours_remplacer(user)


def _session_verifier(request, appareil):
    otp_login(request, appareil)
    request.session.cycle_key()


@login_required
@require_http_methods(["GET", "POST"])
def otp_configurer(request):
    """First sign-in: the person adds rased to an authenticator application and types a code."""
    user = request.user
    _exiger_double_authentification(user)
    suite = _suite(request)
    if _appareil_totp(user) is not None:
        # Changing the application needs the current one: a password alone must not enrol a phone.
        return redirect(suite if session_verifiee(user) else _vers("otp_verifier", suite))
    cle = request.session.get(SESSION_CLE_EN_ATTENTE)
    if not cle:
        cle = request.session[SESSION_CLE_EN_ATTENTE] = random_hex(20)
    form = ConfigurationOTPForm(_donnees(request), cle=cle)
    if request.method == "POST" and form.is_valid():
        enregistre = _application_enregistrer(user=user, cle=cle, t=form.t, drift=form.drift)
        if enregistre is None:
            return redirect(_vers("otp_verifier", suite))
        appareil, codes = enregistre
        _session_verifier(request, appareil)
        del request.session[SESSION_CLE_EN_ATTENTE]
        request.session[SESSION_CODES_A_AFFICHER] = codes
        messages.success(request, "La double authentification est activée pour votre compte.")
        return redirect(_vers("otp_codes", suite))
    # Unsaved: only here to build the otpauth:// address of this secret.
    appareil = TOTPDevice(user=user, key=cle)
    cle_base32 = b32encode(appareil.bin_key).decode()
    return render(
        request,
        "registration/otp_configurer.html",
        {
            "form": form,
            "next": suite,
            "adresse_otpauth": appareil.config_url,
            "cle_groupee": " ".join(cle_base32[i : i + 4] for i in range(0, len(cle_base32), 4)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verifier(request):
    """The code asked once per session: from the application, or one backup code."""
    user = request.user
    _exiger_double_authentification(user)
    suite = _suite(request)
    if session_verifiee(user):
        return redirect(suite)
    if _appareil_totp(user) is None:
        return redirect(_vers("otp_configurer", suite))
    form = VerificationOTPForm(_donnees(request), user=user)
    if request.method == "POST" and form.is_valid():
        _session_verifier(request, form.appareil)
        if isinstance(form.appareil, StaticDevice):
            restants = form.appareil.token_set.count()
            messages.warning(
                request,
                f"Code de secours accepté : il vous en reste {restants}. "
                "Générez-en de nouveaux depuis la page « Codes de secours » si besoin.",
            )
        return redirect(suite)
    return render(request, "registration/otp_verifier.html", {"form": form, "next": suite})


@login_required
@require_GET
def otp_codes(request):
    """The backup codes just generated, shown once; afterwards only how many remain."""
    user = request.user
    _exiger_double_authentification(user)
    if not session_verifiee(user):
        raise PermissionDenied
    return render(
        request,
        "registration/otp_codes.html",
        {
            "codes": request.session.pop(SESSION_CODES_A_AFFICHER, None),
            "restants": StaticToken.objects.filter(device__user=user).count(),
            "next": _suite(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_codes_regenerer(request):
    """New backup codes replace the old ones, after a confirmation."""
    user = request.user
    _exiger_double_authentification(user)
    if not session_verifiee(user):
        raise PermissionDenied
    if request.method == "POST":
        with transaction.atomic():
            request.session[SESSION_CODES_A_AFFICHER] = _codes_de_secours_remplacer(user)
        messages.success(
            request, "De nouveaux codes de secours ont été générés : les anciens ne fonctionnent plus."
        )
        return redirect("otp_codes")
    return render(
        request,
        "registration/otp_codes_regenerer.html",
        {"restants": StaticToken.objects.filter(device__user=user).count()},
    )
