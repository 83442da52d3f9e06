"""Documents for one pupil (PDF): served through the same scoped querysets as the pages,
written to the access log, with opaque file names and no caching."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import path

from aides.pdf.programme import donnees_programme
from aides.pdf.rendu import servir_pdf
from aides.selectors.documents import programmes_pour_impression


@login_required
def programme_pdf(request, pk):
    """The validated version as signed; its content was frozen at validation."""
    programme = get_object_or_404(programmes_pour_impression(request.user), pk=pk)
    donnees = programme.instantane or donnees_programme(programme)
    return servir_pdf(
        request, "pdf/programme.html", {"p": donnees, "entete": donnees["entete"]},
        titre=f"Programme personnalisé — version {programme.version}",
        nom_fichier=f"programme-{programme.pk}-v{programme.version}.pdf",
        objet_journal=f"Programme personnalisé n° {programme.pk} (version {programme.version}), PDF",
        eleve=programme.aide.demande.eleve,
    )


urlpatterns = [
    path("programmes/<int:pk>/pdf/", programme_pdf, name="programme_pdf"),
]
