"""What views do with the access policy's answers, in one place.

``exiger(request, permission, objet)`` before a page does anything: 403 (the French page) for
someone who may never do this on ``objet``; on a GET, when only the object's state stands in the
way, the object's page with the reason (``EtatRefuse``, answered by ``aides.middleware``). On a
POST the state is the service's to check: its refusal keeps the form and what was typed.

``with refus_en_message(request):`` around a service call: if the service refuses
(``ActionRefusee``), its message is shown and the view goes on to render the same form again,
with what the user typed; otherwise the block's own success message and redirect run.
"""

from contextlib import contextmanager

from django.contrib import messages

from aides.exceptions import ActionRefusee, EtatRefuse
from aides.rules import verifier


def exiger(request, permission: str, objet=None) -> None:
    verifier(request.user, permission, objet, avec_etat=request.method in ("GET", "HEAD"))


@contextmanager
def refus_en_message(request):
    try:
        yield
    except EtatRefuse:
        raise
    except ActionRefusee as refus:
        messages.error(request, str(refus))
