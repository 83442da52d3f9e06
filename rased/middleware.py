"""Project-wide middleware: the client's address, no caching, absolute session lifetime.

The two-factor policy, which depends on the roles, is the eleves app's
(``eleves/double_authentification.py``).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

SESSION_STARTED_KEY = "rased_session_debut"
SESSION_SEEN_KEY = "rased_session_vue"


def adresse_du_client(get_response):
    """One client address for the access log, the login lockout (axes) and the change history.

    Behind the TLS proxy (BEHIND_PROXY=1), REMOTE_ADDR is the proxy's: the client is the last
    address the proxy appended to X-Forwarded-For (the entries before it come from the client and
    can be forged). The header is then dropped, so that no library reads a forged first entry.
    """
    derriere_un_proxy = settings.SECURE_PROXY_SSL_HEADER is not None

    def middleware(request):
        transmis = request.META.pop("HTTP_X_FORWARDED_FOR", "")
        adresse = transmis.split(",")[-1].strip()
        if derriere_un_proxy and adresse:
            request.META["REMOTE_ADDR"] = adresse
        return get_response(request)

    return middleware


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
    """End a session ``SESSION_ABSOLUTE_LIMIT`` after sign-in, however active it was; renew the
    idle limit (``SESSION_COOKIE_AGE``) on activity.

    The session is written at most once a ``SESSION_RENEW_EVERY`` seconds rather than at every
    request (three queries saved per page): the idle limit is then exact to that many seconds.
    """

    limit = settings.SESSION_ABSOLUTE_LIMIT.total_seconds()
    renew_every = settings.SESSION_RENEW_EVERY

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
            if now - request.session.get(SESSION_SEEN_KEY, 0) > renew_every:
                # A change to the session saves it, which pushes its expiry date back.
                request.session[SESSION_SEEN_KEY] = now
        return get_response(request)

    return middleware
