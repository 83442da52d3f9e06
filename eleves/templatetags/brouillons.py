"""What the page's script (static/js/brouillons.js) needs to know, as data attributes of <body>:
who is signed in (drafts are kept per person), where they are kept, the session's idle limit, the
drafts a save just confirmed. No name, no content: a person's id and addresses.

Nothing here changes from one request to the next (the time left is asked by the script): two
answers can be compared byte for byte (tests/securite: a stranger's 404 is any missing id's)."""

import json

from django import template
from django.conf import settings
from django.forms.utils import flatatt
from django.urls import reverse

from eleves.rules import lit_le_secret_psy
from rased.middleware import BROUILLONS_ENREGISTRES_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def donnees_de_la_page(context):
    request = context.get("request")
    attributs = {"data-connexion": reverse("connexion"), "data-session": reverse("session_etat")}
    # Error pages may be rendered before the middleware set the user or the session (a 400).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return flatatt(attributs)
    attributs |= {
        "data-personne": str(request.user.pk),
        # A psychologist's texts are covered by professional secrecy: kept by the tab only (they
        # go when it closes), never in the browser's long-term storage.
        "data-brouillon-stockage": "session" if lit_le_secret_psy(request.user) else "local",
        "data-session-duree": str(settings.SESSION_COOKIE_AGE),
    }
    if enregistres := request.session.pop(BROUILLONS_ENREGISTRES_KEY, None):
        attributs["data-brouillons-enregistres"] = json.dumps(enregistres)
    return flatatt(attributs)
