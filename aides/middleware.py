"""The policy's « not now » (``aides.rules.verifier``) answered as a page would: back to the object."""

from django.contrib import messages
from django.shortcuts import redirect

from aides.exceptions import DejaEnvoye, EtatRefuse


class EtatRefuseMiddleware:
    """A person who may do an action, but not in the object's present state (a decision already
    taken, a draft already sent by a first click), gets the object's page with the reason — a
    friendly no-op rather than an error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, EtatRefuse):
            messages.info(request, str(exception))
            return redirect(exception.objet.get_absolute_url())
        if isinstance(exception, DejaEnvoye):
            # A form sent twice (aides.envois): what the first sending created.
            messages.info(request, str(exception))
            return redirect(exception.url or "accueil")
        return None
