"""The one-time key of a creating form (``aides.envois``), as the views use it.

``@une_seule_fois`` on the view: a POST whose key was already used answers « déjà envoyé » with
the record's page (``aides.middleware``) before the form is even read; ``with envoi_unique(request)
as envoi:`` around the service that creates the record, which ends with ``envoi.noter(record)``.
"""

from contextlib import contextmanager
from functools import wraps

from aides import envois
from aides.forms.base import CHAMP_CLE_ENVOI


def _cle(request):
    return envois.cle_postee(request.POST.get(CHAMP_CLE_ENVOI))


def une_seule_fois(vue):
    @wraps(vue)
    def verifiee(request, *args, **kwargs):
        if request.method == "POST":
            envois.envoi_verifier(cle=_cle(request), utilisateur=request.user)
        return vue(request, *args, **kwargs)

    return verifiee


@contextmanager
def envoi_unique(request):
    with envois.envoi_unique(cle=_cle(request), utilisateur=request.user) as envoi:
        yield envoi
