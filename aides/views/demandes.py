"""Pages of the aid workflow. Objects are looked up in ``visibles_par``: a stranger gets 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from aides.forms.demandes import DemandeAideForm, DemandeFiltre
from aides.selectors import contexte_demande, demande_visible_ou_404
from aides.selectors.demandes import (
    autres_demandes_en_cours,
    comptes_par_etat,
    demandes_de_la_liste,
    revision_de_la_decision,
)
from aides.selectors.historique import (
    historique_lisible_de_la_demande,
    historique_lisible_des_consentements,
)
from aides.services import demande_enregistrer
from aides.services import demande_envoyer as envoyer
from aides.services import demande_supprimer as supprimer
from aides.views.acces import exiger, refus_en_message
from aides.views.envois import envoi_unique, une_seule_fois
from eleves.journal import journaliser
from eleves.models import JournalAcces
from eleves.selectors import eleve_visible_ou_404

# The request list's filters, kept in the session (never in the URL).
FILTRES_DEMANDES = "filtres_demandes"


@login_required
@require_http_methods(["GET", "POST"])
def demande_liste(request):
    """The requests the user sees, filtered (state, school, class, aid, référent, school year, waiting
    longer than N days). The filters are POSTed and kept in the session: nothing in the URL."""
    if request.method == "POST":
        if "effacer" in request.POST:
            request.session.pop(FILTRES_DEMANDES, None)
        else:
            criteres = {k: v.strip() for k, v in request.POST.items()
                        if k in DemandeFiltre.base_filters and v.strip()}
            filtre = DemandeFiltre(criteres, queryset=demandes_de_la_liste(request.user), user=request.user)
            if filtre.is_valid():
                request.session[FILTRES_DEMANDES] = criteres
            else:
                messages.error(request, f"Le filtre n'a pas été appliqué. {filtre.erreurs()}")
        return redirect("demande_liste")
    criteres = request.session.get(FILTRES_DEMANDES) or {}
    filtre = DemandeFiltre(criteres or None, queryset=demandes_de_la_liste(request.user), user=request.user)
    if criteres and not filtre.is_valid():
        request.session.pop(FILTRES_DEMANDES)
        messages.warning(request, "Votre filtre enregistré n'était plus valable : il a été effacé.")
        filtre = DemandeFiltre(None, queryset=demandes_de_la_liste(request.user), user=request.user)
        criteres = {}
    demandes = filtre.qs
    page = Paginator(demandes, settings.PAGINATION_ELEVES).get_page(request.GET.get("page"))
    return render(request, "aides/demande_liste.html", {
        "page": page, "filtre": filtre, "filtre_actif": bool(criteres),
        "par_etat": comptes_par_etat(request.user, demandes),
    })


def _donnees(request):
    """The form data of a POST, even an empty one: the form is then bound and says what is
    missing (``request.POST or None`` would show the blank form again without a word)."""
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def demande_creer(request, pk):
    eleve = eleve_visible_ou_404(request.user, pk)
    exiger(request, "aides.add_demande", eleve)
    autres = autres_demandes_en_cours(request.user, eleve_id=eleve.pk, auteur_id=request.user.pk)
    form = DemandeAideForm(_donnees(request), envoi="envoyer" in request.POST, autres_demandes=autres)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request), envoi_unique(request) as envoi:
            demande = demande_enregistrer(demande=form.instance, auteur=request.user, eleve=eleve)
            envoi.noter(demande)
            return _apres_enregistrement(request, demande)
    return render(request, "aides/demande_form.html", {"form": form, "eleve": eleve, "autres_demandes": autres})


@login_required
@require_http_methods(["GET", "POST"])
def demande_modifier(request, pk):
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.change_demande", demande)
    autres = autres_demandes_en_cours(request.user, eleve_id=demande.eleve_id, auteur_id=demande.auteur_id,
                                      sauf=demande.pk)
    form = DemandeAideForm(_donnees(request), instance=demande, envoi="envoyer" in request.POST,
                           autres_demandes=autres)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            demande = demande_enregistrer(
                demande=form.instance, auteur=request.user, revision_lue=form.cleaned_data["revision_lue"])
            return _apres_enregistrement(request, demande)
    return render(request, "aides/demande_form.html", {
        "form": form, "eleve": demande.eleve, "demande": demande, "autres_demandes": autres})


def _apres_enregistrement(request, demande):
    """« Enregistrer le brouillon » keeps the draft; « Envoyer au RASED » also sends it."""
    if "envoyer" in request.POST:
        return _envoyer(request, demande)
    messages.success(request, "Le brouillon a été enregistré. Vous pourrez le compléter plus tard.")
    return redirect("demande_detail", pk=demande.pk)


@login_required
@require_POST
def demande_envoyer(request, pk):
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.envoyer_demande", demande)
    return _envoyer(request, demande)


def _envoyer(request, demande):
    """Send; a refusal (the family not yet informed…) goes back to the form, which says why."""
    with refus_en_message(request):
        if envoyer(demande=demande, auteur=request.user):
            messages.success(request, "La demande a été envoyée au RASED du secteur.")
        else:
            messages.info(request, "Cette demande a déjà été envoyée.")
        return redirect(demande)
    return redirect("demande_modifier", pk=demande.pk)


@login_required
@require_http_methods(["GET", "POST"])
def demande_supprimer(request, pk):
    """Delete one's own draft: GET shows what will be deleted, POST deletes. A sent request is
    part of the pupil's file and stays (its author is sent back to it with why)."""
    demande = demande_visible_ou_404(request.user, pk)
    exiger(request, "aides.delete_demande", demande)
    if request.method == "POST":
        eleve = demande.eleve
        with refus_en_message(request):
            supprimer(demande=demande, auteur=request.user)
            messages.success(
                request, f"Le brouillon de demande d'aide pour {eleve.prenom} {eleve.nom.upper()} a été supprimé.")
            return redirect("demande_liste")
        return redirect(demande)
    return render(request, "aides/demande_supprimer.html", {"demande": demande})


@login_required
def demande_detail(request, pk):
    demande = demande_visible_ou_404(request.user, pk)
    journaliser(
        request, action=JournalAcces.Action.CONSULTATION, objet=f"Demande d'aide n° {demande.pk}",
        eleve=demande.eleve,
    )
    return render(
        request,
        "aides/demande_detail.html",
        {
            "demande": demande,
            "historique": historique_lisible_de_la_demande(request.user, demande),
            "historique_consentements": historique_lisible_des_consentements(request.user, demande),
            "revision_decision": revision_de_la_decision(request.user, demande),
            # Before a draft is sent: the pupil's other open requests.
            "autres_demandes": autres_demandes_en_cours(
                request.user, eleve_id=demande.eleve_id, auteur_id=demande.auteur_id, sauf=demande.pk,
            ) if request.user.has_perm("aides.envoyer_demande", demande) else [],
            **contexte_demande(request.user, demande),
        },
    )
