"""Letters to the family about a request (PDF), one page per household.

The request is looked up in the user's scoped queryset (404 outside it); the letter's genre is
one of an explicit list (404 otherwise); who may print each letter is stated below (403 for
someone who sees the request but may not print it, ``aides/rules.py``). A letter that cannot be printed yet (a
draft, no responsable légal, no aid to propose) sends the user back to the request page with
the reason in French, never an empty PDF.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from aides.pdf.courriers import GENRES, CourrierImpossible, donnees_courrier
from aides.pdf.rendu import servir_pdf
from aides.selectors.documents import LecturesCourrier, demandes_pour_courrier
from aides.views.acces import exiger

# Who prints which letter is the policy's (``aides.imprimer_courrier_<genre>``, aides/rules.py).
PERMISSION_PAR_GENRE = {genre: f"aides.imprimer_courrier_{genre.replace('-', '_')}" for genre in GENRES}


@login_required
def courrier_pdf(request, pk, genre):
    if genre not in GENRES:
        raise Http404
    demande = get_object_or_404(demandes_pour_courrier(request.user), pk=pk)
    exiger(request, PERMISSION_PAR_GENRE[genre], demande)
    try:
        donnees = donnees_courrier(LecturesCourrier(demande, imprime_par=request.user), genre)
    except CourrierImpossible as raison:
        messages.warning(request, str(raison))
        return redirect("demande_detail", pk=demande.pk)
    return servir_pdf(
        request, GENRES[genre].gabarit, {"c": donnees, "entete": donnees["entete"]},
        titre=GENRES[genre].titre,
        nom_fichier=f"courrier-{genre}-{demande.pk}.pdf",
        objet_journal=f"Courrier à la famille ({GENRES[genre].objet}), demande n° {demande.pk}, PDF",
        eleve=demande.eleve,
    )


urlpatterns = [
    path("demandes/<int:pk>/courriers/<slug:genre>.pdf", courrier_pdf, name="courrier_pdf"),
]
