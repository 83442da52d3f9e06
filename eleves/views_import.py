"""Import of class lists from the school's CSV export (preview, then all-or-nothing).

The uploaded file is checked and shown row by row without writing anything; its decoded
text waits in the session, and the confirmation names it by its fingerprint, so that a
confirmation from an older preview (another tab, another file) is refused.
"""

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from eleves.forms import ImportCsvForm, taille_en_mo
from eleves.imports import (
    COLONNES,
    MAX_LIGNES,
    ImportImpossible,
    analyser_csv,
    empreinte,
    importer,
    modele_csv,
)
from eleves.models import Ecole, annee_courante_debut
from eleves.scolarite import libelle_annee
from eleves.selectors import ecole_visible_ou_404


def _cle_session(ecole: Ecole) -> str:
    return f"import_csv_{ecole.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def import_classes(request, pk):
    ecole = ecole_visible_ou_404(request.user, pk)
    if not request.user.has_perm("eleves.gerer_ecole", ecole):
        raise PermissionDenied
    if request.method == "POST" and "confirmer" in request.POST:
        return _confirmer(request, ecole)
    if request.method == "POST" and "abandonner" in request.POST:
        request.session.pop(_cle_session(ecole), None)
        messages.info(request, "L'import a été abandonné : rien n'a été enregistré.")
        return redirect("ecole_detail", pk=ecole.pk)

    if request.method == "GET":
        return _page_formulaire(request, ecole, ImportCsvForm())
    form = ImportCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page_formulaire(request, ecole, form)
    # A new file replaces the previous preview, whatever its outcome.
    request.session.pop(_cle_session(ecole), None)
    fichier = form.cleaned_data["fichier"]
    analyse = analyser_csv(fichier.read(), ecole=ecole)
    contexte = {}
    if analyse.valide:
        texte = analyse.texte
        contexte["empreinte"] = empreinte(texte)
        request.session[_cle_session(ecole)] = {"texte": texte, "empreinte": contexte["empreinte"]}
    return _page_apercu(request, ecole, analyse, **contexte)


def _confirmer(request, ecole: Ecole):
    en_attente = request.session.get(_cle_session(ecole))
    recu = request.POST.get("empreinte", "")
    if not en_attente or not hmac.compare_digest(recu.encode(), en_attente["empreinte"].encode()):
        messages.error(
            request,
            "Cette confirmation ne correspond pas au dernier fichier vérifié (un autre fichier "
            "a été déposé depuis, ou la session a expiré) : rien n'a été importé. "
            "Déposez à nouveau le fichier.",
        )
        return redirect("import_classes", pk=ecole.pk)
    request.session.pop(_cle_session(ecole))
    try:
        bilan = importer(
            en_attente["texte"], ecole=ecole, creer_classes=bool(request.POST.get("creer_classes"))
        )
    except ImportImpossible as refus:
        return _page_apercu(request, ecole, refus.analyse, donnees_changees=True)
    messages.success(request, bilan.message)
    return redirect("ecole_detail", pk=ecole.pk)


def _page_formulaire(request, ecole: Ecole, form: ImportCsvForm):
    return render(request, "eleves/import_formulaire.html", _contexte(ecole, form=form))


def _page_apercu(request, ecole: Ecole, analyse, **contexte):
    return render(
        request,
        "eleves/import_apercu.html",
        _contexte(ecole, analyse=analyse, form=ImportCsvForm(), **contexte),
    )


def _contexte(ecole: Ecole, **contexte) -> dict:
    return {
        "ecole": ecole,
        "annee": libelle_annee(annee_courante_debut()),
        "colonnes": COLONNES.values(),
        "max_lignes": MAX_LIGNES,
        "taille_max": taille_en_mo(settings.IMPORT_CSV_MAX_BYTES),
        **contexte,
    }


@login_required
def import_modele(request):
    response = HttpResponse(modele_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-import-eleves.csv"'
    return response
