"""The family's right of access (RGPD art. 15): one request, one document with the whole file.

The directeur of the pupil's school or the IEN files the family's request and prints the
document (``eleves.repondre_droit_acces``), prepared by the task queue (« Préparer le PDF »,
aides/impressions.py: 29 pages for a pupil with three school years). What the document holds is one rule,
``aides.pdf.droit_acces``: the general part at once; the RASED's part once a RASED member of the
pupil's secteur has read it on a preview page and released it (``eleves.liberer_volet_rased``);
the psychological part, the same with a psychologist of the secteur (``eleves.liberer_volet_psy``).
Requests are looked up among those the user sees (404 outside), then the rule decides (403).
Every print and every preview is written to the access log. No pupil name in any URL.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from aides.impressions import demander_droit_acces, demandes_acces_imprimables, imprime_droit_acces
from aides.pdf.droit_acces import contenu_du_volet, empreinte, volets_lus
from aides.pdf.rendu import reponse
from aides.selectors.droit_acces import volets_a_relire
from eleves.forms import DemandeAccesForm, LiberationVoletForm
from eleves.journal import journaliser
from eleves.models import DemandeAcces, Eleve, JournalAcces, LiberationVolet, VoletDossier
from eleves.services import demande_acces_deposer, volet_liberer

# Each held-back part: who releases it, its review page, its preview in the document's template.
RELECTURES = {
    VoletDossier.RASED: {
        "permission": "eleves.liberer_volet_rased", "url": "demande_acces_relecture_rased",
        "gabarit": "pdf/droit_acces.html#volet_rased", "relecteur": "un membre du RASED du secteur",
    },
    VoletDossier.PSY: {
        "permission": "eleves.liberer_volet_psy", "url": "demande_acces_relecture_psy",
        "gabarit": "pdf/droit_acces.html#volet_psy", "relecteur": "un psychologue du secteur",
    },
}


def _demande_visible(request, pk, permission: str) -> DemandeAcces:
    demande = get_object_or_404(demandes_acces_imprimables(request.user), pk=pk)
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
        messages.success(request, "La demande d'accès est enregistrée ; le volet du RASED et le volet "
                                  "psychologique attendent la relecture d'un membre du RASED du secteur.")
        return redirect("demande_acces_detail", pk=demande.pk)
    return render(request, "aides/droit_acces_eleve.html", {
        "eleve": eleve, "form": form,
        "sans_responsable": not form.fields["responsable"].queryset.exists(),
        "demandes": DemandeAcces.objects.filter(eleve=eleve).select_related("deposee_par"),
    })


@login_required
def demande_acces_detail(request, pk):
    """The request and the state of each part, as its printer may read it: joined to the
    document, or waiting for a review (the same words whether never released or changed since)."""
    demande = _demande_visible(request, pk, "eleves.repondre_droit_acces")
    volets = volets_lus(demande)
    return render(request, "aides/droit_acces_detail.html", {
        "demande": demande, "eleve": demande.eleve,
        "rased": volets[VoletDossier.RASED].pour_le_document(), "psy": volets[VoletDossier.PSY].pour_le_document(),
        "heures": settings.IMPRESSIONS_CONSERVATION_HEURES,
    })


@login_required
def demande_acces_pdf(request, pk):
    """The whole file within the request: what the task renders (``imprime_droit_acces``), kept
    for the benches and the query-count tests; the request's page offers « Préparer le PDF »."""
    demande = _demande_visible(request, pk, "eleves.repondre_droit_acces")
    imprime = imprime_droit_acces(request.user, demande)
    journaliser(request, action=JournalAcces.Action.IMPRESSION, objet=imprime.objet_journal, eleve=imprime.eleve)
    return reponse(imprime.document)


@login_required
@require_POST
def demande_acces_preparer(request, pk):
    """« Préparer le PDF »: the file (29 pages for three school years) rendered by the task queue,
    followed on the print's page, downloaded there; the rights read again then."""
    demande = _demande_visible(request, pk, "eleves.repondre_droit_acces")
    travail = demander_droit_acces(demandeur=request.user, demande=demande, adresse=request.META.get("REMOTE_ADDR"))
    return redirect("impression_detail", pk=travail.pk)


@login_required
@require_http_methods(["GET", "POST"])
def demande_acces_relecture(request, pk, volet):
    """A reviewer reads one held-back part exactly as it will be printed, then releases it.

    The form carries the digest of what was shown: if the part changed in between, nothing is
    released and the page shows the new content to read again.
    """
    relecture = RELECTURES[volet]
    demande = _demande_visible(request, pk, relecture["permission"])
    libelle = VoletDossier(volet).label
    precedente = demande.liberation(volet)
    # A part released before and changed since is released again with its former note offered.
    form = LiberationVoletForm(request.POST if request.method == "POST" else None,
                               initial={"note": precedente.note if precedente else ""})
    if request.method == "POST" and form.is_valid():
        if request.POST.get("empreinte") == empreinte(contenu_du_volet(demande, volet)):
            libere = volet_liberer(demande=demande, volet=volet, auteur=request.user,
                                   empreinte=request.POST["empreinte"], note=form.cleaned_data["note"])
            messages.success(request, f"Le {libelle} est libéré." if libere else f"Ce {libelle} était déjà libéré.")
            return redirect("demandes_acces_a_relire")
        messages.error(request, f"Le {libelle} a changé pendant votre relecture : relisez-le.")
    journaliser(
        request, action=JournalAcces.Action.CONSULTATION,
        objet=f"Droit d'accès n° {demande.pk} : relecture du {libelle}", eleve=demande.eleve,
    )
    contenu = contenu_du_volet(demande, volet)
    courante = empreinte(contenu)
    liberation = demande.liberation(volet)
    return render(request, "aides/droit_acces_relecture.html", {
        "demande": demande, "eleve": demande.eleve, "v": contenu, "empreinte": courante, "form": form,
        "libelle": libelle, "gabarit_volet": relecture["gabarit"],
        "liberation": liberation, "deja_libere": liberation is not None and liberation.empreinte == courante,
    })


@login_required
def demandes_acces_a_relire(request):
    """The RASED members' lists, one per part they review: the RASED's parts for every member,
    the psychological parts for the psychologists; requests about the pupils of their secteur."""
    if not request.user.has_perm("eleves.relire_volets_rased"):
        raise PermissionDenied
    visibles = DemandeAcces.objects.visibles_par(request.user).select_related("eleve", "deposee_par")
    listes = []
    for volet, a_relire in volets_a_relire(request.user).items():
        liberation = LiberationVolet.objects.filter(demande=OuterRef("pk"), volet=volet)
        listes.append({
            "libelle": VoletDossier(volet).label, "url": RELECTURES[volet]["url"],
            "relecteur": RELECTURES[volet]["relecteur"],
            "a_relire": a_relire.select_related("eleve", "deposee_par").order_by("deposee_le", "pk"),
            "liberees": visibles.filter(Exists(liberation))
            .annotate(libere_le=Subquery(liberation.values("libere_le")[:1])).order_by("-libere_le", "-pk")[:20],
        })
    return render(request, "aides/droit_acces_a_relire.html", {"listes": listes})


urlpatterns = [
    path("eleves/<int:pk>/droit-d-acces/", droit_acces_eleve, name="droit_acces_eleve"),
    path("droit-d-acces/a-relire/", demandes_acces_a_relire, name="demandes_acces_a_relire"),
    path("droit-d-acces/<int:pk>/", demande_acces_detail, name="demande_acces_detail"),
    path("droit-d-acces/<int:pk>/dossier.pdf", demande_acces_pdf, name="demande_acces_pdf"),
    path("droit-d-acces/<int:pk>/preparer/", demande_acces_preparer, name="demande_acces_preparer"),
    path("droit-d-acces/<int:pk>/relecture/rased/", demande_acces_relecture, {"volet": VoletDossier.RASED},
         name="demande_acces_relecture_rased"),
    path("droit-d-acces/<int:pk>/relecture/psy/", demande_acces_relecture, {"volet": VoletDossier.PSY},
         name="demande_acces_relecture_psy"),
]
