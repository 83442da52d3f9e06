"""Letters to the family about a request (PDF), one page per household.

The request is looked up in the user's scoped queryset (404 outside it); the letter's genre is
one of an explicit list (404 otherwise); who may print each letter is stated below (403 for
someone who sees the request but may not print it). A letter that cannot be printed yet (a
draft, no responsable légal, no aid to propose) sends the user back to the request page with
the reason in French, never an empty PDF.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from aides.models import DemandeAide
from aides.pdf.courriers import GENRES, CourrierImpossible, donnees_courrier
from aides.pdf.rendu import servir_pdf
from aides.rules import directeur_de_l_ecole, rased_du_secteur
from eleves.enums import Role
from eleves.rules import actif


@rules.predicate
def auteur_de_la_demande(user, demande):
    return demande is not None and demande.auteur_id == user.pk


@rules.predicate
def psychologue(user):
    return user.role == Role.PSYCHOLOGUE


# Who prints which letter: the information, whoever filed the request, its school's directeur
# and the RASED of the secteur; the agreement to an aid, the RASED and the directeur; the
# agreement to the psychologist's assessment, the psychologists of the secteur and the directeur.
PEUT_IMPRIMER = {
    "information": actif & (auteur_de_la_demande | directeur_de_l_ecole | rased_du_secteur),
    "accord-aide": actif & (directeur_de_l_ecole | rased_du_secteur),
    "accord-psy": actif & (directeur_de_l_ecole | (psychologue & rased_du_secteur)),
}


def peut_imprimer(user, demande, genre: str) -> bool:
    return PEUT_IMPRIMER[genre].test(user, demande)


@login_required
def courrier_pdf(request, pk, genre):
    if genre not in GENRES:
        raise Http404
    demande = get_object_or_404(
        DemandeAide.objects.visibles_par(request.user).select_related(
            "eleve", "classe__ecole__circonscription", "classe__annee", "referent"
        ),
        pk=pk,
    )
    if not peut_imprimer(request.user, demande, genre):
        raise PermissionDenied
    try:
        donnees = donnees_courrier(demande, genre, imprime_par=request.user)
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
