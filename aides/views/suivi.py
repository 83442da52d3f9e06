"""The pupil's fiche de suivi (PDF): the whole path across school years.

The pupil is looked up in the user's scoped queryset (404 outside it). The instance's
administrator sees pupils to run the instance, not their aid path: 403. What the fiche holds
follows the user's rights (``aides.pdf.suivi``); its psychological section depends on the
role alone, so that no URL or parameter can ask for it.
"""

from django.contrib.auth.decorators import login_required
from django.urls import path

from aides.pdf.rendu import servir_pdf
from aides.pdf.suivi import donnees_fiche_suivi
from aides.selectors.documents import fiche_suivi_lue
from aides.views.acces import exiger
from eleves.selectors import eleve_visible_ou_404


@login_required
def fiche_suivi_pdf(request, pk):
    eleve = eleve_visible_ou_404(request.user, pk)
    exiger(request, "aides.imprimer_fiche_suivi")
    donnees = donnees_fiche_suivi(request.user, fiche_suivi_lue(request.user, eleve))
    volet = donnees["volet_psychologique"] is not None
    return servir_pdf(
        request, "pdf/suivi.html", {"f": donnees, "entete": donnees["entete"]},
        titre="Fiche de suivi" + (" — avec le volet psychologique" if volet else ""),
        nom_fichier=f"fiche-de-suivi-{eleve.pk}.pdf",
        objet_journal="Fiche de suivi" + (" avec le volet psychologique" if volet else "") + ", PDF",
        eleve=eleve,
    )


urlpatterns = [
    path("eleves/<int:pk>/fiche-de-suivi.pdf", fiche_suivi_pdf, name="fiche_suivi_pdf"),
]
