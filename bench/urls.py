"""The application's URLs plus the load test's floor page (``bench.settings`` only)."""

from django.shortcuts import render
from django.urls import path

from aides.models import PresenceSeance
from rased.urls import handler404  # noqa: F401
from rased.urls import urlpatterns as urlpatterns_application


def plancher(request):
    """The floor: no sign-in, one query of the largest table (attendance rows), 50 rows in a plain
    template. Every page of the load test is compared with it."""
    lignes = PresenceSeance.objects.order_by("-pk").values_list("pk", "seance_id", "aide_id", "presence")[:50]
    return render(request, "bench/plancher.html", {"lignes": lignes})


urlpatterns = [path("banc/plancher/", plancher, name="banc_plancher"), *urlpatterns_application]
