"""Pages of the reviews of a programme (bilans) and of the psychologist's conclusions.

A review and a psychological follow-up's content are looked up in what the user may read
(a stranger, or anyone but a psychologist for a psychological follow-up, gets 404); acting is
asked of the policy (``aides.rules.verifier``: the aid's intervenant or its stand-in, when the
programme's state allows it).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from aides import services
from aides.enums import SuiteEvaluation
from aides.forms.evaluations import ConclusionForm, EvaluationForm, formulaires_resultats
from aides.models import ConclusionPsy, Evaluation
from aides.selectors import aide_lisible_ou_404
from aides.selectors.evaluations import mesures_de_depart, objectifs_a_evaluer, resultats_du_bilan
from aides.selectors.historique import historique_lisible_de_l_evaluation
from aides.selectors.programmes import derniere_version, programme_lisible_ou_404
from aides.views.acces import exiger, refus_en_message
from aides.views.envois import envoi_unique, une_seule_fois


def _valeurs_de_depart(programme) -> tuple[dict, dict]:
    """The form's initial values (today, and what the first review measured) and each
    objective's mastery at the start."""
    estime, maitrises = mesures_de_depart(programme)
    return {"date": timezone.localdate()} | estime, maitrises


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def evaluation_creer(request, pk):
    programme = programme_lisible_ou_404(request.user, pk)
    aide = programme.aide
    exiger(request, "aides.add_evaluation", programme)
    initial, maitrises = _valeurs_de_depart(programme)
    form = EvaluationForm(request.POST or None, instance=Evaluation(programme=programme), aide=aide, initial=initial)
    resultats = formulaires_resultats(
        request.POST or None, objectifs=objectifs_a_evaluer(programme), maitrises_debut=maitrises
    )
    valides = [form.is_valid()] + [f.is_valid() for _, f in resultats]
    if request.method == "POST" and all(valides):
        with refus_en_message(request), envoi_unique(request) as envoi:
            evaluation = services.evaluation_enregistrer(
                evaluation=form.instance, resultats=[f.instance for _, f in resultats], auteur=request.user
            )
            envoi.noter(programme)
            return _apres_evaluation(request, evaluation)
    return render(request, "aides/evaluation_form.html", {
        "programme": programme, "aide": aide, "demande": aide.demande,
        "form": form, "resultats": resultats, "evaluation": None,
    })


def _apres_evaluation(request, evaluation):
    aide = evaluation.programme.aide
    # A psychologist's bilan is told to nobody (aides.services.evaluation_enregistrer).
    enregistre = "Le bilan est enregistré" + ("" if aide.est_psy else " et l'enseignant en est informé")
    if evaluation.suite == SuiteEvaluation.RENOUVELLEMENT:
        nouvelle = derniere_version(aide)
        messages.success(
            request,
            f"{enregistre}. La version {nouvelle.version} du programme est ouverte : ajustez ses objectifs, "
            "puis validez-la.",
        )
        return redirect("programme_modifier", pk=nouvelle.pk)
    aide.refresh_from_db(fields=["etat"])
    fin = " L'aide est terminée." if aide.est_terminee else ""
    messages.success(request, f"{enregistre}.{fin}")
    return redirect("demande_detail", pk=aide.demande_id)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_modifier(request, pk):
    """Correct a recorded review; a save from a page read before someone else's save is refused."""
    evaluation = get_object_or_404(
        Evaluation.objects.visibles_par(request.user).select_related(
            "programme__aide__demande", "programme__aide__eleve"
        ),
        pk=pk,
    )
    programme = evaluation.programme
    aide = programme.aide
    exiger(request, "aides.change_evaluation", evaluation)
    form = EvaluationForm(request.POST or None, instance=evaluation, aide=aide)
    existants = resultats_du_bilan(evaluation)
    resultats = formulaires_resultats(
        request.POST or None, objectifs=[r.objectif for r in existants], resultats=existants
    )
    valides = [form.is_valid()] + [f.is_valid() for _, f in resultats]
    if request.method == "POST" and all(valides):
        with refus_en_message(request):
            services.evaluation_modifier(
                evaluation=form.instance,
                resultats=[f.instance for _, f in resultats],
                revision_lue=form.cleaned_data["revision_lue"],
            )
            messages.success(request, "Le bilan a été corrigé.")
            return redirect("programme_detail", pk=programme.pk)
    return render(request, "aides/evaluation_form.html", {
        "programme": programme, "aide": aide, "demande": aide.demande,
        "form": form, "resultats": resultats, "evaluation": evaluation,
        "historique": historique_lisible_de_l_evaluation(request.user, evaluation),
    })


def _page_conclusion(request, aide, form, conclusion):
    return render(request, "aides/evaluation_conclusion_form.html", {
        "aide": aide, "demande": aide.demande, "form": form, "conclusion": conclusion,
    })


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def conclusion_creer(request, pk):
    aide = aide_lisible_ou_404(request.user, pk)
    exiger(request, "aides.add_conclusion", aide)
    form = ConclusionForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request), envoi_unique(request) as envoi:
            services.conclusion_enregistrer(aide=aide, auteur=request.user, conclusion=form.instance)
            envoi.noter(aide.demande)
            messages.success(request, _message_conclusion(form.instance))
            return redirect("demande_detail", pk=aide.demande_id)
    return _page_conclusion(request, aide, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def conclusion_modifier(request, pk):
    conclusion = get_object_or_404(
        ConclusionPsy.objects.visibles_par(request.user).select_related("aide__demande", "aide__eleve"), pk=pk
    )
    aide = conclusion.aide
    exiger(request, "aides.change_conclusion", conclusion)
    form = ConclusionForm(request.POST or None, instance=conclusion)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            services.conclusion_enregistrer(aide=aide, auteur=request.user, conclusion=form.instance)
            messages.success(request, _message_conclusion(form.instance))
            return redirect("demande_detail", pk=aide.demande_id)
    return _page_conclusion(request, aide, form, conclusion)


def _message_conclusion(conclusion) -> str:
    if conclusion.partagee:
        return "La conclusion est enregistrée et partagée avec l'équipe."
    return "La conclusion est enregistrée ; elle reste réservée aux psychologues tant qu'elle n'est pas partagée."


urlpatterns = [
    path("programmes/<int:pk>/bilans/nouveau/", evaluation_creer, name="evaluation_creer"),
    path("bilans/<int:pk>/modifier/", evaluation_modifier, name="evaluation_modifier"),
    path("aides/<int:pk>/conclusions/nouvelle/", conclusion_creer, name="conclusion_creer"),
    path("conclusions/<int:pk>/modifier/", conclusion_modifier, name="conclusion_modifier"),
]
