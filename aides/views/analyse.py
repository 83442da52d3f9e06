"""Analysis stage: the RASED's waiting list, référent, observations, consents, decision,
meetings, and the start of the aids decided.

Objects are looked up in ``visibles_par`` (a stranger gets 404); who may act, and when, is asked
of the policy (``aides.views.acces.exiger``: 403 for someone who may not act, the object's page with
the reason when its state forbids it); the moves are ``aides/services.py``'s, and their refusals
are shown in French on the page (``refus_en_message``).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from aides import services
from aides.enums import ACTES_PSY, ActeConsentement
from aides.forms.analyse import (
    AideAjoutForm,
    ArretDepartForm,
    ConsentementForm,
    DecisionForm,
    DemarrageAideForm,
    ObservationForm,
    PriseEnChargeForm,
    ReunionForm,
    RevisionDecisionForm,
)
from aides.forms.base import SuppressionForm
from aides.models import Aide, Consentement, Observation, Reunion
from aides.rules import acte_pour_demarrer
from aides.selectors import demande_visible_ou_404
from aides.selectors.analyse import aides_de_la_decision, demandes_a_traiter_par
from aides.selectors.historique import (
    historique_lisible_de_l_observation,
    historique_lisible_de_la_reunion,
)
from aides.views.acces import exiger, refus_en_message
from aides.views.envois import envoi_unique, une_seule_fois
from eleves.rules import lit_le_secret_psy


def _page_formulaire(request, demande, form, *, titre, bouton, explication="", avertissement="", historique=None):
    return render(
        request,
        "aides/analyse_form.html",
        {
            "demande": demande, "form": form, "titre": titre, "bouton": bouton,
            "explication": explication, "avertissement": avertissement, "historique": historique,
        },
    )


@login_required
def demandes_a_traiter(request):
    """The requests of the member's secteur waiting for the RASED, oldest first."""
    exiger(request, "aides.view_observations")
    page = Paginator(demandes_a_traiter_par(request.user), settings.PAGINATION_ELEVES).get_page(
        request.GET.get("page"))
    aujourd_hui = timezone.localdate()
    lignes = list(page.object_list)
    for demande in lignes:
        demande.attente_jours = (
            (aujourd_hui - timezone.localtime(demande.envoyee_le).date()).days if demande.envoyee_le else None
        )
    return render(request, "aides/analyse_a_traiter.html", {"page": page, "lignes": lignes})


@login_required
@require_http_methods(["GET", "POST"])
def demande_prendre_en_charge(request, pk):
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.prendre_en_charge", demande)
    form = PriseEnChargeForm(request.POST or None, demande=demande, user=request.user)
    if request.method == "POST" and form.is_valid():
        referent = form.cleaned_data["referent"]
        with refus_en_message(request):
            fait = services.demande_prendre_en_charge(demande=demande, auteur=request.user, referent=referent)
            if fait:
                messages.success(request, f"La demande est prise en charge. Référent : {referent}.")
            else:
                messages.info(request, f"{referent} est déjà le référent de cette demande.")
            return redirect(demande)
    return _page_formulaire(
        request, demande, form,
        titre="Prendre en charge la demande", bouton="Enregistrer le référent",
        explication="La demande passe « en analyse » ; le référent peut être changé tant qu'aucune décision "
        "n'est prise.",
    )


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def observation_ajouter(request, pk):
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.add_observation", demande)
    form = ObservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request), envoi_unique(request) as envoi:
            services.observation_ajouter(demande=demande, auteur=request.user, observation=form.instance)
            envoi.noter(demande)
            messages.success(request, "L'observation a été enregistrée.")
            return redirect(demande)
    if lit_le_secret_psy(request.user):
        avertissement = (
            "Vos observations sont couvertes par le secret professionnel : seuls les psychologues "
            "pourront les lire. Un bilan psychologique demande l'accord des parents enregistré au "
            "préalable."
        )
    else:
        avertissement = (
            "Les observations sont internes au RASED : l'enseignant et le directeur ne les lisent pas."
        )
    return _page_formulaire(
        request, demande, form,
        titre="Ajouter une observation", bouton="Enregistrer l'observation", avertissement=avertissement,
        explication="L'observation est datée et signée de votre nom.",
    )


def _page_suppression(request, form, objet, *, titre, explication, retour):
    return render(request, "aides/supprimer.html", {
        "form": form, "objet": objet, "titre": titre, "explication": explication, "retour": retour,
    })


def _observation_lisible_ou_404(user, pk) -> Observation:
    return get_object_or_404(
        Observation.objects.visibles_par(user).select_related("demande__eleve", "demande__classe__ecole"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_corriger(request, pk):
    """Correct a note, by its author; a save from a page read before another save is refused."""
    observation = _observation_lisible_ou_404(request.user, pk)
    demande = observation.demande
    exiger(request, "aides.change_observation", observation)
    form = ObservationForm(request.POST or None, instance=observation)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            services.observation_modifier(
                observation=form.instance, auteur=request.user, revision_lue=form.cleaned_data["revision_lue"]
            )
            messages.success(request, "L'observation a été corrigée.")
            return redirect(demande)
    return _page_formulaire(
        request, demande, form, titre=f"Corriger l'observation du {observation.date:%d/%m/%Y}",
        bouton="Enregistrer la correction",
        historique=historique_lisible_de_l_observation(request.user, observation),
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_supprimer(request, pk):
    observation = _observation_lisible_ou_404(request.user, pk)
    demande = observation.demande
    exiger(request, "aides.delete_observation", observation)
    form = SuppressionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            services.observation_supprimer(
                observation=observation, auteur=request.user, motif=form.cleaned_data["motif"]
            )
            messages.success(request, "L'observation a été supprimée.")
            return redirect(demande)
    return _page_suppression(
        request, form, observation, titre=f"Supprimer l'observation du {observation.date:%d/%m/%Y}",
        explication=f"{observation.get_type_display()} de la demande n° {demande.pk} : elle sera supprimée ; "
        "le motif est conservé.",
        retour=demande.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consentement_ajouter(request, pk):
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.add_consentement", demande)
    actes_psy = request.user.has_perm("aides.add_consentement_psy", demande)
    form = ConsentementForm(request.POST or None, actes_psy=actes_psy)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            consentement = services.consentement_enregistrer(
                demande=demande, auteur=request.user, consentement=form.instance
            )
            acte = consentement.get_acte_display().lower()
            if consentement.accorde:
                messages.success(request, f"L'accord de la famille a été enregistré : {acte}.")
            else:
                messages.warning(
                    request,
                    f"Le refus de la famille a été enregistré : {acte}. "
                    "Les aides qui en dépendaient et n'avaient pas commencé sont arrêtées.",
                )
            return redirect(demande)
    explication = (
        "Une réponse par acte : information sur la demande, aide E ou G, bilan ou suivi psychologique, "
        "transmission des conclusions du psychologue. La plus récente fait foi."
        if actes_psy else
        "Une réponse par acte : information sur la demande, aide E ou G. La plus récente fait foi. Les "
        "réponses sur le bilan ou le suivi psychologique sont enregistrées par le psychologue."
    )
    return _page_formulaire(
        request, demande, form, titre="Enregistrer la réponse de la famille", bouton="Enregistrer",
        explication=explication,
    )


@login_required
@require_http_methods(["GET", "POST"])
def demande_decider(request, pk):
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.decider_demande", demande)
    form = DecisionForm(request.POST or None, demande=demande, user=request.user)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            fait = services.demande_decider(
                demande=demande, auteur=request.user, decision=form.cleaned_data["decision"],
                motif=form.cleaned_data["motif"], intervenants=form.intervenants(), le=form.cleaned_data["date"],
            )
            if fait:
                messages.success(request, "La décision a été enregistrée ; l'enseignant en est informé.")
            else:
                messages.info(request, "Cette décision était déjà enregistrée.")
            return redirect(demande)
    return _page_formulaire(
        request, demande, form,
        titre="Décision du RASED", bouton="Enregistrer la décision",
        avertissement="La décision est définitive : l'enseignant qui a déposé la demande en est "
        "informé et lit la décision et son motif (pas les observations du RASED).",
    )


@login_required
@require_http_methods(["GET", "POST"])
def demande_reviser_decision(request, pk):
    """Revise the RASED's decision, with the reason, while none of the aids decided has started;
    once one has, the request's page says why not (the journey's own moves take over)."""
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.reviser_decision", demande)
    form = RevisionDecisionForm(
        request.POST or None, demande=demande, user=request.user, aides_decidees=aides_de_la_decision(demande))
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            services.demande_reviser_decision(
                demande=demande, auteur=request.user, revision_lue=form.cleaned_data["revision_lue"],
                raison=form.cleaned_data["raison"], decision=form.cleaned_data["decision"],
                motif=form.cleaned_data["motif"], intervenants=form.intervenants(),
            )
            messages.success(request, "La décision a été révisée ; l'enseignant en est informé.")
            return redirect(demande)
    return _page_formulaire(
        request, demande, form,
        titre="Réviser la décision", bouton="Enregistrer la décision révisée",
        explication=f"Décision en vigueur : {demande.get_decision_display().lower()}, "
        f"le {timezone.localtime(demande.decidee_le):%d/%m/%Y}. Elle se révise tant qu'aucune aide décidée "
        "n'a commencé : une aide qui n'est plus décidée s'arrête (« décision révisée »), une nouvelle est "
        "à démarrer après l'accord de la famille.",
        avertissement="L'enseignant qui a déposé la demande en est informé et lit la nouvelle décision et "
        "son motif ; la raison de la révision est gardée dans l'historique de la demande.",
    )


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def reunion_ajouter(request, pk):
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.add_reunion", demande)
    form = ReunionForm(request.POST or None, demande=demande)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request), envoi_unique(request) as envoi:
            reunion = services.reunion_enregistrer(
                demande=demande, auteur=request.user, reunion=form.instance,
                participants=form.cleaned_data["participants"], externes=form.cleaned_data["externes"],
            )
            envoi.noter(reunion)
            messages.success(request, "La réunion a été enregistrée.")
            return redirect(reunion)
    return _page_formulaire(
        request, demande, form,
        titre="Enregistrer une réunion", bouton="Enregistrer la réunion",
        explication="Synthèse RASED, équipe éducative, rencontre avec la famille ou concertation avec "
        "l'enseignant : qui était là, ce qui a été dit et décidé.",
    )


@login_required
def reunion_detail(request, pk):
    reunion = get_object_or_404(
        Reunion.objects.visibles_par(request.user)
        .select_related("demande__eleve", "demande__classe__ecole", "auteur")
        .prefetch_related("participants", "participants_externes"),
        pk=pk,
    )
    return render(request, "aides/analyse_reunion.html", {
        "reunion": reunion, "demande": reunion.demande,
        "historique": historique_lisible_de_la_reunion(request.user, reunion),
    })


def _reunion_lisible_ou_404(user, pk) -> Reunion:
    return get_object_or_404(
        Reunion.objects.visibles_par(user).select_related("demande__eleve", "demande__classe__ecole"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def reunion_corriger(request, pk):
    """Correct a meeting's record, by its author; a save from a stale page is refused."""
    reunion = _reunion_lisible_ou_404(request.user, pk)
    demande = reunion.demande
    exiger(request, "aides.change_reunion", reunion)
    form = ReunionForm(request.POST or None, instance=reunion, demande=demande)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            services.reunion_modifier(
                reunion=form.instance, auteur=request.user, participants=form.cleaned_data["participants"],
                externes=form.cleaned_data["externes"], revision_lue=form.cleaned_data["revision_lue"],
            )
            messages.success(request, "Le compte rendu de la réunion a été corrigé.")
            return redirect(reunion)
    return _page_formulaire(
        request, demande, form, titre=f"Corriger la réunion du {reunion.date:%d/%m/%Y}",
        bouton="Enregistrer la correction",
    )


@login_required
@require_http_methods(["GET", "POST"])
def reunion_supprimer(request, pk):
    reunion = _reunion_lisible_ou_404(request.user, pk)
    demande = reunion.demande
    exiger(request, "aides.delete_reunion", reunion)
    form = SuppressionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            services.reunion_supprimer(reunion=reunion, auteur=request.user, motif=form.cleaned_data["motif"])
            messages.success(request, "La réunion a été supprimée.")
            return redirect(demande)
    return _page_suppression(
        request, form, reunion, titre=f"Supprimer la réunion du {reunion.date:%d/%m/%Y}",
        explication=f"{reunion.get_type_display()} de la demande n° {demande.pk} : son compte rendu et ses "
        "participants seront supprimés ; le motif est conservé.",
        retour=reverse("reunion_detail", args=[reunion.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def aide_demarrer(request, pk):
    """Start an aid at a date; the service refuses it until the family's agreement is on record."""
    aide = get_object_or_404(
        Aide.objects.visibles_par(request.user).select_related(
            "demande__eleve", "demande__classe__ecole", "intervenant"
        ),
        pk=pk,
    )
    exiger(request, "aides.demarrer_aide", aide)
    form = DemarrageAideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            fait = services.aide_demarrer(aide=aide, auteur=request.user, debut=form.cleaned_data["debut"])
            if fait:
                messages.success(request, f"L'aide a démarré le {form.cleaned_data['debut']:%d/%m/%Y}.")
            else:
                messages.info(request, "Cette aide est déjà en cours.")
        return redirect(aide)
    acte = acte_pour_demarrer(aide)
    return render(
        request,
        "aides/analyse_aide_demarrer.html",
        {
            "aide": aide,
            "demande": aide.demande,
            "form": form,
            # The family's latest word on the act: agreed, refused (it may change its mind), or none yet.
            "reponse": Consentement.objects.en_vigueur(demande=aide.demande, acte=acte),
            "acte": ActeConsentement(acte).label,
            "peut_consentement": request.user.has_perm(
                "aides.add_consentement_psy" if acte in ACTES_PSY else "aides.add_consentement", aide.demande
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def aide_arreter_depart(request, pk):
    """Stop an aid because the pupil left the school (no final bilan); asks for the day."""
    aide = get_object_or_404(
        Aide.objects.visibles_par(request.user).select_related("demande__eleve", "intervenant"), pk=pk,
    )
    exiger(request, "aides.arreter_aide_depart", aide)
    form = ArretDepartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            if services.aide_arreter_depart(aide=aide, auteur=request.user, le=form.cleaned_data["le"]):
                messages.success(request, f"L'aide est arrêtée au {form.cleaned_data['le']:%d/%m/%Y} : "
                                          "l'élève a quitté l'école.")
            else:
                messages.info(request, "Cette aide était déjà terminée.")
            return redirect(aide)
    return render(request, "aides/analyse_aide_arreter.html", {"aide": aide, "demande": aide.demande, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def aide_ajouter(request, pk):
    """Change of the kind of aid: a new aid on a request already answered by an aid."""
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.add_aide", demande)
    form = AideAjoutForm(request.POST or None, demande=demande)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            services.aide_ajouter(
                demande=demande, auteur=request.user, type_aide=form.cleaned_data["type_aide"],
                intervenant=form.cleaned_data["intervenant"],
            )
            messages.success(request, "La nouvelle aide est décidée ; elle démarrera après l'accord de la famille.")
            return redirect(demande)
    return _page_formulaire(
        request, demande, form, titre="Ajouter une aide", bouton="Décider cette aide",
        explication="Pour changer le type d'aide après un bilan, ou compléter l'aide en cours "
        "(par exemple un suivi psychologique en plus de l'aide E).",
    )


urlpatterns = [
    path("rased/demandes/", demandes_a_traiter, name="demandes_a_traiter"),
    path("demandes/<int:pk>/prise-en-charge/", demande_prendre_en_charge, name="demande_prendre_en_charge"),
    path("demandes/<int:pk>/observations/ajouter/", observation_ajouter, name="observation_ajouter"),
    path("demandes/<int:pk>/consentements/ajouter/", consentement_ajouter, name="consentement_ajouter"),
    path("demandes/<int:pk>/decision/", demande_decider, name="demande_decider"),
    path("demandes/<int:pk>/decision/reviser/", demande_reviser_decision, name="demande_reviser_decision"),
    path("demandes/<int:pk>/reunions/ajouter/", reunion_ajouter, name="reunion_ajouter"),
    path("observations/<int:pk>/corriger/", observation_corriger, name="observation_corriger"),
    path("observations/<int:pk>/supprimer/", observation_supprimer, name="observation_supprimer"),
    path("reunions/<int:pk>/", reunion_detail, name="reunion_detail"),
    path("reunions/<int:pk>/corriger/", reunion_corriger, name="reunion_corriger"),
    path("reunions/<int:pk>/supprimer/", reunion_supprimer, name="reunion_supprimer"),
    path("aides/<int:pk>/demarrer/", aide_demarrer, name="aide_demarrer"),
    path("aides/<int:pk>/arreter/", aide_arreter_depart, name="aide_arreter_depart"),
    path("demandes/<int:pk>/aides/ajouter/", aide_ajouter, name="aide_ajouter"),
]
