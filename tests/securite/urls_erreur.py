"""The project's URLs plus one view that fails, for the 500 page (tests/securite/test_entetes.py)."""

from django.urls import path

from rased.urls import handler404
from rased.urls import urlpatterns as urls_du_projet

EXCEPTION = "exception-de-test-secrete-0123"


def echouer(request):
    raise RuntimeError(EXCEPTION)


urlpatterns = [*urls_du_projet, path("erreur-de-test/", echouer)]
__all__ = ["handler404", "urlpatterns"]
