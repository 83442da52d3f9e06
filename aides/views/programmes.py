"""Pages of the programme personnalisé: draft, edit, validate, renew as a new version.

Aids and programmes are looked up in what the user may read of them
(``Aide.objects.confidentielles_lisibles_par``, ``Programme.objects.visibles_par``): a stranger,
or anyone but a psychologist for a psychological follow-up, gets 404; a draft is seen only by
those who write it. Acting is asked of the policy (``aides.rules.verifier``: 403, or the
programme's page with the reason when its state forbids it). Every change goes through
aides/services.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from aides import services
from aides.enums import TypeAide
from aides.forms.programmes import NouvelleVersionForm, formulaires_programme
from aides.models import Programme
from aides.selectors import aide_lisible_ou_404
from aides.selectors.historique import historique_lisible_du_programme
from aides.selectors.programmes import (
    competences_trouvees,
    cycle_de_l_aide,
    derniere_version,
    programme_lisible_ou_404,
    versions_du_programme,
)
from aides.views.acces import exiger, refus_en_message
from aides.views.envois import envoi_unique, une_seule_fois


def _revision_postee(request) -> int:
    """The revision the edited form was read at; a missing or forged one counts as stale."""
    try:
        return int(request.POST.get("revision_lue", ""))
    except ValueError:
        return -1


@login_required
def programme_detail(request, pk):
    programme = programme_lisible_ou_404(request.user, pk, complet=True)
    aide = programme.aide
    return render(request, "aides/programme_detail.html", {
        "programme": programme,
        "aide": aide,
        "demande": aide.demande,
        "versions": versions_du_programme(request.user, aide),
        "historique": historique_lisible_du_programme(request.user, programme),
    })


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def programme_creer(request, pk):
    aide = aide_lisible_ou_404(request.user, pk)
    exiger(request, "aides.add_programme", aide)
    existant = derniere_version(aide)
    if existant is not None:
        messages.info(request, "Cette aide a déjà un programme personnalisé : le voici.")
        return redirect("programme_detail", pk=existant.pk)
    programme = Programme(aide=aide, date_debut=aide.debut or timezone.localdate())
    form, objectifs, actions = formulaires_programme(request.POST or None, aide=aide, programme=programme)
    if request.method == "POST" and all([form.is_valid(), objectifs.is_valid(), actions.is_valid()]):
        with refus_en_message(request):
            with transaction.atomic(), envoi_unique(request) as envoi:
                programme = services.programme_creer(aide=aide, auteur=request.user, programme=form.instance)
                objectifs.instance = actions.instance = programme
                objectifs.save()
                actions.save()
                envoi.noter(programme)
            messages.success(request, "Le programme personnalisé a été enregistré comme brouillon.")
            return redirect(programme)
    return _page_formulaire(request, aide, form, objectifs, actions, programme=None)


@login_required
@require_http_methods(["GET", "POST"])
def programme_modifier(request, pk):
    programme = programme_lisible_ou_404(request.user, pk)
    aide = programme.aide
    exiger(request, "aides.change_programme", programme)
    form, objectifs, actions = formulaires_programme(request.POST or None, aide=aide, programme=programme)
    if request.method == "POST":
        with refus_en_message(request):
            # First the revision: a stale form may name objectives that someone else has removed,
            # and the user must read why their save is refused, with their input kept below.
            services.programme_verifier_modifiable(programme=programme, revision_lue=_revision_postee(request))
            if all([form.is_valid(), objectifs.is_valid(), actions.is_valid()]):
                with transaction.atomic():
                    services.programme_enregistrer(programme=form.instance, revision_lue=form.cleaned_data["revision_lue"])
                    objectifs.save()
                    actions.save()
                messages.success(request, "Le programme personnalisé a été enregistré.")
                return redirect(programme)
    return _page_formulaire(request, aide, form, objectifs, actions, programme=programme)


def _page_formulaire(request, aide, form, objectifs, actions, *, programme):
    return render(request, "aides/programme_form.html", {
        "aide": aide,
        "demande": aide.demande,
        "programme": programme,
        "form": form,
        "objectifs": objectifs,
        "actions": actions,
        "est_aide_g": aide.type == TypeAide.G,
        "cycle": cycle_de_l_aide(aide),
    })


@login_required
@require_GET
def competences_recherche(request):
    """The skills matching ``?q=`` for a pupil of ``?cycle=`` (JSON), for the search field of the
    programme's objectives (static/js/programme.js). The list is reference data, not a pupil's;
    the form that uses it is the RASED's, and so is this answer."""
    exiger(request, "aides.chercher_competence")
    try:
        cycle = int(request.GET.get("cycle", ""))
    except ValueError:
        cycle = None
    resultats = competences_trouvees(request.GET.get("q", ""), cycle=cycle)
    return JsonResponse({"resultats": [
        {"id": c.pk, "code": c.code, "intitule": c.intitule, "origine": c.origine, "domaine": c.domaine}
        for c in resultats
    ]})


@login_required
@require_http_methods(["GET", "POST"])
def programme_valider(request, pk):
    """GET: what validating means (the version is then frozen); POST: validate."""
    programme = programme_lisible_ou_404(request.user, pk)
    exiger(request, "aides.valider_programme", programme)
    if request.method == "GET":
        return render(request, "aides/programme_valider.html", {
            "programme": programme,
            "demande": programme.aide.demande,
            "nb_objectifs": programme.objectifs.count(),
        })
    with refus_en_message(request):
        fait = services.programme_valider(programme=programme, auteur=request.user)
        if fait:
            messages.success(
                request, f"La version {programme.version} du programme personnalisé est validée."
            )
        else:
            messages.info(request, "Cette version du programme était déjà validée.")
    return redirect(programme)


@login_required
@require_http_methods(["GET", "POST"])
def programme_nouvelle_version(request, pk):
    """GET: the date the new période starts; POST: a new draft copied from the validated version."""
    programme = programme_lisible_ou_404(request.user, pk)
    exiger(request, "aides.renouveler_programme", programme)
    form = NouvelleVersionForm(request.POST or None, initial={"debut": programme.date_revision})
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            nouvelle = services.programme_nouvelle_version(
                programme=programme, auteur=request.user, debut=form.cleaned_data["debut"]
            )
            messages.success(
                request,
                f"La version {nouvelle.version} du programme est en préparation : ajustez-la, puis validez-la. "
                "La version en vigueur reste consultable.",
            )
            return redirect("programme_modifier", pk=nouvelle.pk)
        return redirect(programme)
    return render(request, "aides/programme_nouvelle_version.html", {
        "programme": programme, "demande": programme.aide.demande, "form": form,
    })


urlpatterns = [
    path("competences/recherche/", competences_recherche, name="competences_recherche"),
    path("aides/<int:pk>/programme/nouveau/", programme_creer, name="programme_creer"),
    path("programmes/<int:pk>/", programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/modifier/", programme_modifier, name="programme_modifier"),
    path("programmes/<int:pk>/valider/", programme_valider, name="programme_valider"),
    path("programmes/<int:pk>/nouvelle-version/", programme_nouvelle_version, name="programme_nouvelle_version"),
]
