"""The family's right of access (RGPD art. 15): one request, one document with the whole file.

The directeur of the pupil's school or the IEN files the family's request and prints the
document (``eleves.repondre_droit_acces``); a psychologist of the pupil's secteur reads the
psychological part on a preview page and releases it (``eleves.liberer_volet_psy``). Requests
are looked up among the pupils the user sees (404 outside), then the rule decides (403).
Every print and every preview is written to the access log. No pupil name in any URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from aides.pdf.droit_acces import donnees_droit_acces, donnees_volet, empreinte
from aides.pdf.rendu import servir_pdf
from eleves.forms import DemandeAccesForm, LiberationVoletForm
from eleves.journal import journaliser
from eleves.models import DemandeAcces, Eleve, JournalAcces, VoletDossier
from eleves.services import demande_acces_deposer, volet_liberer


def _demande_visible(request, pk, permission: str) -> DemandeAcces:
    demande = get_object_or_404(
        DemandeAcces.objects.visibles_par(request.user).select_related("eleve", "deposee_par")
        .prefetch_related("liberations__libere_par"),
        pk=pk,
    )
    if not request.user.has_perm(permission, demande.eleve):
        raise PermissionDenied
    return demande


@login_required
@require_http_methods(["GET", "POST"])
def droit_acces_eleve(request, pk):
    """The pupil's access requests, and the form to file a new one (a confirmation step)."""
    eleve = get_object_or_404(Eleve.objects.visibles_par(request.user), pk=pk)
    if not request.user.has_perm("eleves.repondre_droit_acces", eleve):
        raise PermissionDenied
    form = DemandeAccesForm(request.POST if request.method == "POST" else None, eleve=eleve)
    if request.method == "POST" and form.is_valid():
        demande = demande_acces_deposer(
            eleve=eleve, auteur=request.user,
            responsable=form.cleaned_data["responsable"], recue_le=form.cleaned_data["recue_le"],
        )
        messages.success(request, "La demande d'accès est enregistrée ; le volet psychologique attend la "
                                  "relecture d'un psychologue du secteur.")
        return redirect("demande_acces_detail", pk=demande.pk)
    demandes = DemandeAcces.objects.filter(eleve=eleve).select_related("deposee_par").prefetch_related(
        "liberations__libere_par")
    return render(request, "aides/droit_acces_eleve.html", {"eleve": eleve, "form": form, "demandes": demandes})


@login_required
def demande_acces_detail(request, pk):
    demande = _demande_visible(request, pk, "eleves.repondre_droit_acces")
    return render(request, "aides/droit_acces_detail.html", {"demande": demande, "eleve": demande.eleve})


@login_required
def demande_acces_pdf(request, pk):
    """The whole file; the psychological part only once released and unchanged since."""
    demande = _demande_visible(request, pk, "eleves.repondre_droit_acces")
    donnees = donnees_droit_acces(demande)
    volet = " avec le volet psychologique" if donnees["volet"] is not None else " sans le volet psychologique"
    return servir_pdf(
        request, "pdf/droit_acces.html", {"d": donnees, "entete": donnees["dossier"]["entete"]},
        titre="Droit d'accès — dossier de l'élève",
        nom_fichier=f"droit-d-acces-{demande.pk}.pdf",
        objet_journal=f"Droit d'accès n° {demande.pk} : dossier complet{volet}, PDF", eleve=demande.eleve,
    )


@login_required
@require_http_methods(["GET", "POST"])
def demande_acces_relecture(request, pk):
    """The psychologist reads the psychological part exactly as it will be printed, then releases it.

    The form carries the digest of what was shown: if the part changed in between, nothing is
    released and the page shows the new content to read again.
    """
    demande = _demande_visible(request, pk, "eleves.liberer_volet_psy")
    volet = donnees_volet(demande.eleve)
    courante = empreinte(volet)
    form = LiberationVoletForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("empreinte") != courante:
            messages.error(request, "Le volet psychologique a changé pendant votre relecture : relisez-le.")
        else:
            libere = volet_liberer(demande=demande, volet=VoletDossier.PSY, auteur=request.user,
                                   empreinte=courante, note=form.cleaned_data["note"])
            messages.success(request, "Le volet psychologique est libéré." if libere
                             else "Ce volet psychologique était déjà libéré.")
            return redirect("demandes_acces_a_relire")
    journaliser(
        request, action=JournalAcces.Action.CONSULTATION,
        objet=f"Droit d'accès n° {demande.pk} : relecture du volet psychologique", eleve=demande.eleve,
    )
    liberation = demande.liberation(VoletDossier.PSY)
    return render(request, "aides/droit_acces_relecture.html", {
        "demande": demande, "eleve": demande.eleve, "v": volet, "empreinte": courante, "form": form,
        "liberation": liberation, "deja_libere": liberation is not None and liberation.empreinte == courante,
    })


@login_required
def demandes_acces_a_relire(request):
    """The psychologist's list: requests about the pupils of their secteur."""
    if not request.user.has_perm("eleves.relire_volets_psy"):
        raise PermissionDenied
    demandes = DemandeAcces.objects.visibles_par(request.user).select_related("eleve", "deposee_par")
    return render(request, "aides/droit_acces_a_relire.html", {
        "a_relire": demandes.a_relire(VoletDossier.PSY).order_by("deposee_le", "pk"),
        "liberees": demandes.filter(liberations__volet=VoletDossier.PSY).order_by("-liberations__libere_le")[:20],
    })


urlpatterns = [
    path("eleves/<int:pk>/droit-d-acces/", droit_acces_eleve, name="droit_acces_eleve"),
    path("droit-d-acces/a-relire/", demandes_acces_a_relire, name="demandes_acces_a_relire"),
    path("droit-d-acces/<int:pk>/", demande_acces_detail, name="demande_acces_detail"),
    path("droit-d-acces/<int:pk>/dossier.pdf", demande_acces_pdf, name="demande_acces_pdf"),
    path("droit-d-acces/<int:pk>/relecture/", demande_acces_relecture, name="demande_acces_relecture"),
]
