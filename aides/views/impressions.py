"""Prints of the task queue (aides/impressions.py): asked by POST from the pages that list pupils
(and from the yearly report's and the right-of-access request's pages, aides/views/rapports.py and
droit_acces.py), followed on a progress page, cancelled by POST, downloaded through a view that
checks the rights again (no public URL, nothing under /media/).

The progress page polls ``impression_avancement`` (JSON, counts and state only, no name) from
static/js/impression.js and updates its bar; without script, a meta refresh inside ``<noscript>``
reloads it every 2 s.

A job is looked up among the user's own: anyone else's is 404. The pupils' ids travel in the POST
body, never in a URL; those outside the asker's scope are left out (``demander_fiches``).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from aides.enums import EtatDemande, GenreImpression
from aides.exceptions import ActionRefusee
from aides.impressions import annuler, demander_dossier_equipe, demander_fiches, telechargeable
from aides.models import TravailImpression
from aides.pdf.rendu import Document, reponse
from aides.selectors.documents import demandes_pour_fiche
from rased.francais import quantite


def _travail_ou_404(user, pk) -> TravailImpression:
    return get_object_or_404(TravailImpression.objects.filter(demandeur=user), pk=pk)


def _retour(request, defaut: str = "accueil"):
    retour = request.POST.get("retour", "")
    if retour and url_has_allowed_host_and_scheme(retour, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return redirect(retour)
    return redirect(defaut)


def _ids(valeurs) -> list[int]:
    ids = []
    for valeur in valeurs:
        try:
            ids.append(int(valeur))
        except (TypeError, ValueError):
            continue
    return ids


@login_required
@require_POST
def impression_fiches(request):
    """« Imprimer les fiches de suivi » of the pupils a page showed (their ids in the form)."""
    try:
        travail, ecartes = demander_fiches(
            demandeur=request.user, eleves_ids=_ids(request.POST.getlist("eleves")),
            genre=request.POST.get("genre", ""), adresse=request.META.get("REMOTE_ADDR"),
        )
    except ActionRefusee as refus:
        messages.error(request, str(refus))
        return _retour(request)
    if ecartes:
        messages.warning(request, f"{quantite(ecartes, 'un élève')} hors de votre périmètre "
                                  f"{'ont été écartés' if ecartes > 1 else 'a été écarté'}.")
    return redirect("impression_detail", pk=travail.pk)


@login_required
@require_POST
def impression_dossier_equipe(request, pk):
    """The dossier for the équipe éducative of a request's pupil."""
    demande = get_object_or_404(demandes_pour_fiche(request.user).exclude(etat=EtatDemande.BROUILLON), pk=pk)
    travail = demander_dossier_equipe(demandeur=request.user, demande=demande,
                                      adresse=request.META.get("REMOTE_ADDR"))
    return redirect("impression_detail", pk=travail.pk)


@login_required
def impression_liste(request):
    """The user's own batch prints of the last hours (those not purged yet)."""
    travaux = TravailImpression.objects.filter(demandeur=request.user)[:50]
    return render(request, "aides/impression_liste.html", {
        "travaux": travaux, "heures": settings.IMPRESSIONS_CONSERVATION_HEURES, "maintenant": timezone.now(),
    })


@login_required
def impression_detail(request, pk):
    travail = _travail_ou_404(request.user, pk)
    return render(request, "aides/impression_detail.html", {
        "travail": travail, "expire": travail.expire_le <= timezone.now(),
        "heures": settings.IMPRESSIONS_CONSERVATION_HEURES,
        "genres": GenreImpression,
    })


@login_required
def impression_avancement(request, pk):
    """The progress page's figures for its script: counts and state, the download's address once
    finished and kept (the download checks the rights again). The asker's own jobs only: 404."""
    travail = _travail_ou_404(request.user, pk)
    donnees = {"fait": travail.fait, "total": travail.total, "etat": travail.etat,
               "libelle": travail.get_etat_display().lower()}
    if travail.termine and travail.fichier and travail.expire_le > timezone.now():
        donnees["url"] = reverse("impression_fichier", args=[travail.pk])
    reponse_json = JsonResponse(donnees)
    reponse_json["Cache-Control"] = "no-store"
    return reponse_json


@login_required
@require_POST
def impression_annuler(request, pk):
    travail = _travail_ou_404(request.user, pk)
    if annuler(travail=travail):
        messages.success(request, "L'impression est annulée : elle s'arrête après l'élève en cours.")
    else:
        messages.info(request, "Cette impression était déjà terminée.")
    return redirect("impression_detail", pk=travail.pk)


@login_required
def impression_fichier(request, pk):
    """The file, to its asker alone, while it is kept, if every pupil in it is still theirs to see."""
    travail = _travail_ou_404(request.user, pk)
    if not travail.fichier or travail.expire_le <= timezone.now():
        raise Http404("Ce fichier n'existe pas ou n'est plus conservé.")
    if not telechargeable(request.user, travail):
        raise PermissionDenied("Ce fichier contient des dossiers que vous ne pouvez plus consulter.")
    # Read whole (at most IMPRESSIONS_MAX_ELEVES fiches, a few MB): the file is closed before the
    # answer leaves, whatever the storage (file system or bucket).
    with travail.fichier.open("rb") as fichier:
        contenu = fichier.read()
    type_mime = "application/zip" if travail.nom_fichier.endswith(".zip") else "application/pdf"
    return reponse(Document(nom_fichier=travail.nom_fichier, type_mime=type_mime, contenu=contenu),
                   telechargement=True)


urlpatterns = [
    path("impressions/", impression_liste, name="impression_liste"),
    path("impressions/fiches-de-suivi/", impression_fiches, name="impression_fiches"),
    path("demandes/<int:pk>/dossier-equipe-educative/", impression_dossier_equipe,
         name="impression_dossier_equipe"),
    path("impressions/<int:pk>/", impression_detail, name="impression_detail"),
    path("impressions/<int:pk>/avancement/", impression_avancement, name="impression_avancement"),
    path("impressions/<int:pk>/annuler/", impression_annuler, name="impression_annuler"),
    path("impressions/<int:pk>/fichier/", impression_fichier, name="impression_fichier"),
]
