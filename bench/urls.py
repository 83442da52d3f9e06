"""The application's URLs plus the load test's floor page (``bench.settings`` only)."""

from django.contrib.auth.decorators import login_required
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


@login_required
def plancher_connecte(request):
    """The signed-in floor: the same query and 50 rows, behind the sign-in (session, user, the
    whole middleware) and in the application's base template (navigation by role). What every
    signed-in page pays before its own content."""
    lignes = PresenceSeance.objects.order_by("-pk").values_list("pk", "seance_id", "aide_id", "presence")[:50]
    return render(request, "bench/plancher_connecte.html", {"lignes": lignes})


urlpatterns = [
    path("banc/plancher/", plancher, name="banc_plancher"),
    path("banc/plancher-connecte/", plancher_connecte, name="banc_plancher_connecte"),
    *urlpatterns_application,
]
