"""Printed documents of a request: the fiche de demande, a meeting's minutes, a bilan (PDF).

Each is looked up in the user's scoped queryset (a stranger gets 404, as on the pages), is
written to the access log, and is served with an opaque file name and no caching. A
psychological follow-up's bilan is reachable by psychologists only (``Evaluation.visibles_par``).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import path

from aides.models import DemandeAide, Reunion
from aides.pdf.bilan import donnees_bilan, evaluations_pour_bilan
from aides.pdf.demande import demandes_pour_fiche, directeur_de, donnees_demande
from aides.pdf.rendu import rendre_pdf, reponse
from aides.pdf.reunion import donnees_reunion, reunions_pour_compte_rendu
from eleves.journal import journaliser
from eleves.models import JournalAcces


@login_required
def demande_pdf(request, pk):
    demande = get_object_or_404(demandes_pour_fiche(DemandeAide.objects.visibles_par(request.user)), pk=pk)
    donnees = donnees_demande(demande, directeur=directeur_de(demande.classe.ecole))
    document = rendre_pdf(
        "pdf/demande.html", {"d": donnees, "entete": donnees["entete"]},
        titre=f"Demande d'aide au RASED n° {demande.pk}",
        nom_fichier=f"demande-{demande.pk}.pdf",
        imprime_par=request.user,
    )
    journaliser(
        request, action=JournalAcces.Action.IMPRESSION, objet=f"Demande d'aide n° {demande.pk}, fiche PDF",
        eleve=demande.eleve,
    )
    return reponse(document)


@login_required
def reunion_pdf(request, pk):
    reunion = get_object_or_404(reunions_pour_compte_rendu(Reunion.objects.visibles_par(request.user)), pk=pk)
    donnees = donnees_reunion(reunion)
    document = rendre_pdf(
        "pdf/reunion.html", {"r": donnees, "entete": donnees["entete"]},
        titre=f"Compte rendu — {donnees['type']} du {donnees['date']}",
        nom_fichier=f"reunion-{reunion.pk}.pdf",
        imprime_par=request.user,
    )
    journaliser(
        request, action=JournalAcces.Action.IMPRESSION,
        objet=f"Compte rendu de réunion n° {reunion.pk} (demande n° {reunion.demande_id}), PDF",
        eleve=reunion.demande.eleve,
    )
    return reponse(document)


@login_required
def bilan_pdf(request, pk):
    evaluation = get_object_or_404(evaluations_pour_bilan(request.user), pk=pk)
    donnees = donnees_bilan(evaluation)
    document = rendre_pdf(
        "pdf/bilan.html", {"b": donnees, "entete": donnees["entete"]},
        titre=f"{donnees['type']} du {donnees['date']}",
        nom_fichier=f"bilan-{evaluation.pk}.pdf",
        imprime_par=request.user,
    )
    journaliser(
        request, action=JournalAcces.Action.IMPRESSION,
        objet=f"Bilan n° {evaluation.pk} (programme n° {evaluation.programme_id}), PDF",
        eleve=evaluation.programme.aide.demande.eleve,
    )
    return reponse(document)


urlpatterns = [
    path("demandes/<int:pk>/pdf/", demande_pdf, name="demande_pdf"),
    path("reunions/<int:pk>/pdf/", reunion_pdf, name="reunion_pdf"),
    path("bilans/<int:pk>/pdf/", bilan_pdf, name="bilan_pdf"),
]
