"""Import of class lists from the school's CSV export (preview, then all-or-nothing)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def import_classes(request, pk):
    return HttpResponse(status=501)


@login_required
def import_modele(request):
    return HttpResponse(status=501)
