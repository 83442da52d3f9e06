"""Project-wide middleware: no caching of pages, absolute session lifetime."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib import messages
from django.shortcuts import redirect

SESSION_STARTED_KEY = "rased_session_debut"


def no_store(get_response):
    """Pages show minors' data: no browser or proxy keeps a copy.

    Static files never reach this middleware (WhiteNoise answers above it).
    """

    def middleware(request):
        response = get_response(request)
        response["Cache-Control"] = "no-store"
        return response

    return middleware


def session_absolute_limit(get_response):
    """End a session ``SESSION_ABSOLUTE_LIMIT`` after sign-in, however active it was.

    The idle limit is the cookie age renewed at every request; this one is not renewed.
    """

    limit = settings.SESSION_ABSOLUTE_LIMIT.total_seconds()

    def middleware(request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > limit:
                logout(request)
                messages.info(request, "Votre session a expiré. Veuillez vous reconnecter.")
                return redirect(settings.LOGIN_URL)
        return get_response(request)

    return middleware
