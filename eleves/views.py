"""Pages of schools, classes and pupils.

Every object is looked up inside the user's scoped queryset: outside one's scope it
is a 404, the same answer as for an object that does not exist.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from eleves import proconnect
from eleves.forms import (
    CRITERES_RECHERCHE,
    RECHERCHE_NOM_MAX_CARACTERES,
    EleveFilter,
    EleveForm,
    PlanForm,
    ResponsableForm,
)
from eleves.journal import journaliser, lignes_du_journal
from eleves.models import Classe, Eleve, JournalAcces, Plan, ResponsableLegal
from eleves.selectors import (
    classes_gerees_par,
    consultations_des_psychologues,
    ecoles_avec_nb_classes,
    eleve_visible_ou_404,
    inscriptions_de_la_classe,
    responsable_visible_ou_404,
    titulaires_du_role_psy,
)
from eleves.services import ModifieEntreTemps, eleve_enregistrer, responsable_enregistrer
from rased.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY, session_expire_dans

RECHERCHE_SESSION_KEY = "recherche_eleves"


class ConnexionView(auth_views.LoginView):
    template_name = "registration/connexion.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[SESSION_STARTED_KEY] = time.time()
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"proconnect": settings.PROCONNECT_ACTIF}


class DeconnexionView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        # A session opened through ProConnect ends there too, or its next click would sign in again.
        fin = proconnect.fin_de_session(request)
        response = super().post(request, *args, **kwargs)
        if fin:
            return render(request, "registration/deconnexion_proconnect.html", {"fin_de_session": fin})
        return response


@require_http_methods(["GET", "POST"])
def session_etat(request):
    """The session's time left, for the page's script (static/js/brouillons.js), as JSON.

    GET: the time left, without counting as activity (the script sends ``X-Rased-Sans-Activite``,
    see ``rased.middleware``), or ``connecte: false`` once it has ended. POST (« Rester connecté »,
    with the CSRF token): renews the idle limit; refused to a person no longer signed in.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"connecte": False}, status=403 if request.method == "POST" else 200)
    if request.method == "POST":
        # A change to the session saves it, which pushes its expiry date back.
        request.session[SESSION_SEEN_KEY] = time.time()
    return JsonResponse({"connecte": True, "expire_dans": session_expire_dans(request)})


def page_introuvable(request, exception):
    return render(request, "404.html", status=404)


def _refuser_si(condition: bool):
    if condition:
        raise PermissionDenied


def _donnees(request):
    """The form data of a POST, even an empty one (``request.POST or None`` would leave the form
    unbound, showing no error for a form sent with every field empty)."""
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def eleve_liste(request):
    """Pupils list. The search is POSTed and kept in the session: names never enter a URL.

    The search is validated when it is sent (nothing is saved if it is refused) and again at
    each visit: a saved search that is no longer valid (a class of last year, one saved before
    the bounds existed) is dropped with a message instead of being replayed.
    """
    if request.method == "POST":
        if "effacer" in request.POST:
            request.session.pop(RECHERCHE_SESSION_KEY, None)
        else:
            criteres = {k: request.POST.get(k, "").strip() for k in CRITERES_RECHERCHE}
            criteres = {k: v for k, v in criteres.items() if v}
            filtre = _filtre(request, criteres)
            if filtre.is_valid():
                request.session[RECHERCHE_SESSION_KEY] = criteres
            else:
                messages.error(request, f"La recherche n'a pas été faite. {filtre.erreurs()}")
        return redirect("eleve_liste")

    criteres = request.session.get(RECHERCHE_SESSION_KEY) or {}
    filtre = _filtre(request, criteres or None)
    if criteres and not (_forme_de_recherche(criteres) and filtre.is_valid()):
        request.session.pop(RECHERCHE_SESSION_KEY)
        messages.warning(
            request,
            "Votre recherche enregistrée n'était plus valide : elle a été effacée. Relancez-la.",
        )
        criteres, filtre = {}, _filtre(request, None)
    eleves = filtre.qs.avec_inscription_courante().par_ordre_alphabetique()
    page = Paginator(eleves, settings.PAGINATION_ELEVES).get_page(request.GET.get("page"))
    return render(
        request,
        "eleves/eleve_liste.html",
        {
            "filtre": filtre,
            "page": page,
            "recherche_active": bool(criteres),
            # « Imprimer les fiches de suivi » of the pupils of a search result shown on this page.
            "eleves_a_imprimer": [e.pk for e in page.object_list]
            if criteres and request.user.has_perm("aides.imprimer_fiche_suivi") else [],
            "peut_creer": request.user.has_perm("eleves.add_eleve"),
            "nom_max_caracteres": RECHERCHE_NOM_MAX_CARACTERES,
        },
    )


def _filtre(request, criteres) -> EleveFilter:
    eleves = Eleve.objects.visibles_par(request.user)
    return EleveFilter(criteres, queryset=eleves, user=request.user)


def _forme_de_recherche(criteres) -> bool:
    """What the POST saves: known criteria, as strings (the session may hold anything older)."""
    return isinstance(criteres, dict) and all(
        k in CRITERES_RECHERCHE and isinstance(v, str) for k, v in criteres.items()
    )


@login_required
@require_http_methods(["GET", "POST"])
def eleve_creer(request):
    _refuser_si(not request.user.has_perm("eleves.add_eleve"))
    form = EleveForm(
        _donnees(request), classes=classes_gerees_par(request.user),
        avec_ine=request.user.has_perm("eleves.saisir_ine_nouvel_eleve"),
    )
    if request.method == "POST" and form.is_valid():
        eleve = eleve_enregistrer(
            eleve=form.instance, classe=form.cleaned_data["classe"], niveau=form.cleaned_data["niveau"]
        )
        messages.success(request, "L'élève a été enregistré.")
        return redirect("eleve_detail", pk=eleve.pk)
    return render(request, "eleves/eleve_form.html", {"form": form, "titre": "Nouvel élève"})


PAGINATION_JOURNAL = 50


@login_required
def eleve_journal(request, pk):
    """Who viewed or printed this pupil's file (the access log), newest first, paginated.

    Reserved to the directeur of the pupil's school and the IEN (``eleves.view_journal``):
    outside ``visibles_par`` it is a 404, in scope without the right a 403. Reading the log is
    itself logged. The page only reads: nothing here edits or deletes an entry.
    """
    eleve = eleve_visible_ou_404(request.user, pk)
    _refuser_si(not request.user.has_perm("eleves.view_journal", eleve))
    journaliser(request, action=JournalAcces.Action.CONSULTATION, objet="Journal des accès de l'élève", eleve=eleve)
    page = Paginator(JournalAcces.objects.du_eleve(eleve), PAGINATION_JOURNAL).get_page(request.GET.get("page"))
    lignes = lignes_du_journal(request.user, page.object_list)
    return render(request, "eleves/journal.html", {"eleve": eleve, "page": page, "lignes": lignes})


@login_required
def acces_psychologues(request):
    """For the psychologists of a circonscription: who holds their role, since when and granted by
    whom (``AttributionRole``), and what accounts holding it consulted (the access-log entries
    written by a psychologist, in full). An account given the role unduly shows here."""
    _refuser_si(not request.user.has_perm("eleves.view_acces_psychologues"))
    titulaires, attributions = titulaires_du_role_psy(request.user)
    page = Paginator(consultations_des_psychologues(request.user), PAGINATION_JOURNAL).get_page(
        request.GET.get("page"))
    return render(request, "eleves/acces_psychologues.html", {
        "titulaires": titulaires,
        "attributions": attributions[:50],
        "page": page,
        "lignes": lignes_du_journal(request.user, page.object_list),
    })


@login_required
@require_http_methods(["GET", "POST"])
def eleve_modifier(request, pk):
    eleve = eleve_visible_ou_404(request.user, pk)
    _refuser_si(not request.user.has_perm("eleves.change_eleve", eleve))
    inscription = eleve.inscription_courante
    initial = {"classe": inscription.classe_id, "niveau": inscription.niveau} if inscription else {}
    form = EleveForm(
        _donnees(request), instance=eleve, initial=initial, classes=classes_gerees_par(request.user),
        avec_ine=request.user.has_perm("eleves.view_ine", eleve),
    )
    if request.method == "POST" and form.is_valid():
        try:
            eleve_enregistrer(
                eleve=form.instance, classe=form.cleaned_data["classe"], niveau=form.cleaned_data["niveau"],
                revision_lue=form.cleaned_data["revision_lue"],
            )
        except ModifieEntreTemps as refus:
            form.add_error(None, refus)
        else:
            messages.success(request, "Les modifications ont été enregistrées.")
            return redirect("eleve_detail", pk=eleve.pk)
    return render(request, "eleves/eleve_form.html", {"form": form, "eleve": eleve, "titre": "Modifier l'élève"})


@login_required
@require_http_methods(["GET", "POST"])
def responsable_ajouter(request, pk):
    eleve = eleve_visible_ou_404(request.user, pk)
    _refuser_si(not request.user.has_perm("eleves.change_eleve", eleve))
    form = ResponsableForm(_donnees(request), instance=ResponsableLegal(eleve=eleve))
    if request.method == "POST" and form.is_valid():
        responsable_enregistrer(responsable=form.instance)
        messages.success(request, "Le responsable légal a été ajouté.")
        return redirect("eleve_detail", pk=eleve.pk)
    return render(
        request, "eleves/objet_form.html",
        {"form": form, "eleve": eleve, "titre": "Ajouter un responsable légal"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def responsable_modifier(request, pk):
    responsable = responsable_visible_ou_404(request.user, pk)
    eleve = responsable.eleve
    _refuser_si(not request.user.has_perm("eleves.change_eleve", eleve))
    form = ResponsableForm(_donnees(request), instance=responsable)
    if request.method == "POST" and form.is_valid():
        try:
            responsable_enregistrer(responsable=form.instance, revision_lue=form.cleaned_data["revision_lue"])
        except ModifieEntreTemps as refus:
            form.add_error(None, refus)
        else:
            messages.success(request, "Le responsable légal a été modifié.")
            return redirect("eleve_detail", pk=eleve.pk)
    return render(
        request, "eleves/objet_form.html",
        {"form": form, "eleve": eleve, "titre": "Modifier un responsable légal"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def responsable_supprimer(request, pk):
    responsable = responsable_visible_ou_404(request.user, pk)
    eleve = responsable.eleve
    _refuser_si(not request.user.has_perm("eleves.change_eleve", eleve))
    if request.method == "POST":
        responsable.delete()
        messages.success(request, "Le responsable légal a été retiré de la fiche.")
        return redirect("eleve_detail", pk=eleve.pk)
    return render(
        request, "eleves/confirmer_suppression.html",
        {"objet": responsable, "eleve": eleve, "titre": "Retirer un responsable légal"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_ajouter(request, pk):
    eleve = eleve_visible_ou_404(request.user, pk)
    _refuser_si(not request.user.has_perm("eleves.change_eleve", eleve))
    form = PlanForm(_donnees(request), instance=Plan(eleve=eleve))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Le plan a été enregistré.")
        return redirect("eleve_detail", pk=eleve.pk)
    return render(
        request, "eleves/objet_form.html",
        {"form": form, "eleve": eleve, "titre": "Enregistrer un plan ou un dispositif"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_supprimer(request, pk):
    plan = get_object_or_404(Plan.objects.visibles_par(request.user).select_related("eleve"), pk=pk)
    eleve = plan.eleve
    _refuser_si(not request.user.has_perm("eleves.change_eleve", eleve))
    if request.method == "POST":
        plan.delete()
        messages.success(request, "Le plan a été retiré de la fiche.")
        return redirect("eleve_detail", pk=eleve.pk)
    return render(
        request, "eleves/confirmer_suppression.html",
        {"objet": plan, "eleve": eleve, "titre": "Retirer un plan"},
    )


@login_required
def ecole_liste(request):
    return render(request, "eleves/ecole_liste.html", {"ecoles": ecoles_avec_nb_classes(request.user)})


@login_required
def classe_detail(request, pk):
    classe = get_object_or_404(
        Classe.objects.visibles_par(request.user).select_related("ecole", "annee"), pk=pk
    )
    inscriptions = list(inscriptions_de_la_classe(request.user, classe))
    return render(
        request,
        "eleves/classe_detail.html",
        {
            "classe": classe,
            "inscriptions": inscriptions,
            "enseignants": classe.enseignants.all(),
            # « Imprimer les fiches de suivi » of the pupils listed (templates/aides/_imprimer_fiches.html).
            "eleves_a_imprimer": [i.eleve_id for i in inscriptions]
            if request.user.has_perm("aides.imprimer_fiche_suivi") else [],
        },
    )
