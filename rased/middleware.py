"""Project-wide middleware: the client's address, no caching, absolute session lifetime, the
drafts a save confirmed.

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
BROUILLONS_ENREGISTRES_KEY = "rased_brouillons_enregistres"
# Sent by the page's script when it asks how long the session has left.
ENTETE_SANS_ACTIVITE = "X-Rased-Sans-Activite"


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
            # The page's own check of the time left (static/js/brouillons.js) is not the
            # person's activity: it must not keep an idle session alive.
            sans_activite = request.headers.get(ENTETE_SANS_ACTIVITE) == "1"
            if now - request.session.get(SESSION_SEEN_KEY, 0) > renew_every and not sans_activite:
                # A change to the session saves it, which pushes its expiry date back.
                request.session[SESSION_SEEN_KEY] = now
        return get_response(request)

    return middleware


def session_expire_dans(request) -> int:
    """Seconds left before the session ends: the idle limit counted from its last renewal (an
    underestimate by at most the renewal interval), or the absolute limit if it comes first."""
    now = time.time()
    vue = request.session.get(SESSION_SEEN_KEY) or now
    debut = request.session.get(SESSION_STARTED_KEY) or now
    restant = min(vue + settings.SESSION_COOKIE_AGE, debut + settings.SESSION_ABSOLUTE_LIMIT.total_seconds()) - now
    return max(0, int(restant))


def brouillons_enregistres(get_response):
    """A signed-in person's POST answered by a redirect saved what the page sent (views end a
    successful change with a redirect; a refused one shows the form again): the next page lists
    that page's address, and the browser drops the draft it kept of it (static/js/brouillons.js).
    """

    def middleware(request):
        response = get_response(request)
        if (
            request.method == "POST"
            and 300 <= response.status_code < 400
            and request.user.is_authenticated
            and hasattr(request, "session")
        ):
            enregistres = request.session.get(BROUILLONS_ENREGISTRES_KEY, [])
            request.session[BROUILLONS_ENREGISTRES_KEY] = [*enregistres, request.get_full_path()][-10:]
        return response

    return middleware
