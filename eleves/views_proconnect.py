"""The two pages of the ProConnect sign-in (eleves/proconnect.py): the start, which sends the
browser to the provider, and the return. They do not exist (404) while ProConnect is off."""

import logging
import time
from functools import wraps

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import resolve_url
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from eleves.proconnect import ECHEC, SESSION_ID_TOKEN, reglage
from rased.middleware import SESSION_STARTED_KEY

logger = logging.getLogger(__name__)


def _si_actif(vue):
    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if not settings.PROCONNECT_ACTIF:
            raise Http404
        return vue(request, *args, **kwargs)

    return enveloppe


class _Depart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(reglage)


class _Retour(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(reglage)

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as erreur:
            # An unknown state, a bad signature or nonce, a provider out of reach: the person
            # starts again from the sign-in page. The error's text may quote the provider: not logged.
            logger.warning("Retour de ProConnect refusé : %s", type(erreur).__name__)
            return self.login_failure()

    def login_failure(self):
        messages.error(self.request, getattr(self.request, "proconnect_refus", ECHEC))
        return super().login_failure()

    def login_success(self):
        reponse = super().login_success()
        self.request.session[SESSION_STARTED_KEY] = time.time()
        self.request.session[SESSION_ID_TOKEN] = self.request.proconnect_id_token
        return reponse


proconnect_connexion = _si_actif(_Depart.as_view())
proconnect_retour = _si_actif(_Retour.as_view())
