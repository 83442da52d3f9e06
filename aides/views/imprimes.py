"""Printed documents of a request: the fiche de demande, a meeting's minutes, a bilan (PDF).

Each is looked up in the user's scoped queryset (a stranger gets 404, as on the pages), is
written to the access log, and is served with an opaque file name and no caching. A
psychological follow-up's bilan is reachable by psychologists only (``Evaluation.visibles_par``).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import path

from aides.pdf.bilan import donnees_bilan
from aides.pdf.demande import donnees_demande
from aides.pdf.rendu import servir_pdf
from aides.pdf.reunion import donnees_reunion
from aides.selectors.documents import (
    demandes_pour_fiche,
    directeur_de,
    evaluations_pour_bilan,
    reunions_pour_compte_rendu,
)


@login_required
def demande_pdf(request, pk):
    demande = get_object_or_404(demandes_pour_fiche(request.user), pk=pk)
    donnees = donnees_demande(demande, directeur=directeur_de(demande.classe.ecole))
    return servir_pdf(
        request, "pdf/demande.html", {"d": donnees, "entete": donnees["entete"]},
        titre=f"Demande d'aide au RASED n° {demande.pk}",
        nom_fichier=f"demande-{demande.pk}.pdf",
        objet_journal=f"Demande d'aide n° {demande.pk}, fiche PDF",
        eleve=demande.eleve,
    )


@login_required
def reunion_pdf(request, pk):
    reunion = get_object_or_404(reunions_pour_compte_rendu(request.user), pk=pk)
    donnees = donnees_reunion(reunion)
    return servir_pdf(
        request, "pdf/reunion.html", {"r": donnees, "entete": donnees["entete"]},
        titre=f"Compte rendu — {donnees['type']} du {donnees['date']}",
        nom_fichier=f"reunion-{reunion.pk}.pdf",
        objet_journal=f"Compte rendu de réunion n° {reunion.pk} (demande n° {reunion.demande_id}), PDF",
        eleve=reunion.demande.eleve,
    )


@login_required
def bilan_pdf(request, pk):
    evaluation = get_object_or_404(evaluations_pour_bilan(request.user), pk=pk)
    donnees = donnees_bilan(evaluation)
    return servir_pdf(
        request, "pdf/bilan.html", {"b": donnees, "entete": donnees["entete"]},
        titre=f"{donnees['type']} du {donnees['date']}",
        nom_fichier=f"bilan-{evaluation.pk}.pdf",
        objet_journal=f"Bilan n° {evaluation.pk} (programme n° {evaluation.programme_id}), PDF",
        eleve=evaluation.programme.aide.demande.eleve,
    )


urlpatterns = [
    path("demandes/<int:pk>/pdf/", demande_pdf, name="demande_pdf"),
    path("reunions/<int:pk>/pdf/", reunion_pdf, name="reunion_pdf"),
    path("bilans/<int:pk>/pdf/", bilan_pdf, name="bilan_pdf"),
]
