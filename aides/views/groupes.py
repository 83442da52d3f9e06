"""The member's timetable, built by him: his groups of pupils per school (« Mes groupes »), his
recurring slots (« Mon emploi du temps »), a slot's day that did not happen (« non tenue »), and
the travel times between his schools.

Everything here is the member's own: groups and slots are looked up in his scope
(``Groupe.objects.de``, ``Creneau.objects.de``), so a colleague's are 404. A slot's day is in
the path as an ISO date: a date is not personal data.
"""

from datetime import date
from itertools import combinations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from aides.emploi_du_temps import EtatOccurrence
from aides.forms.groupes import (
    AjoutElevesForm,
    CreneauForm,
    GroupeForm,
    NonTenuForm,
    TempsTrajetForm,
)
from aides.models import Creneau, MembreGroupe, TempsTrajet
from aides.selectors.emploi_du_temps import temps_de_trajet
from aides.selectors.groupes import (
    calendrier_de_l_ecole,
    creneau_ou_404,
    creneaux_par_ecole,
    ecoles_du_membre,
    groupe_ou_404,
    groupes_par_ecole,
    jours_prevus,
    membres_du_groupe,
    non_tenu_ou_404,
    occurrences_du_creneau,
)
from aides.services import (
    creneau_enregistrer,
    creneau_non_tenu_annuler,
    creneau_non_tenu_marquer,
    creneau_supprimer,
    groupe_ajouter_eleves,
    groupe_creer,
    groupe_renommer,
    groupe_retirer_eleve,
    groupe_supprimer,
    temps_trajet_enregistrer,
)
from aides.views.acces import exiger, refus_en_message
from aides.views.envois import envoi_unique, une_seule_fois
from eleves.alphabetique import cle
from eleves.models import PeriodeVacances
from rased.francais import quantite

# --- Groups -----------------------------------------------------------------------------------


@login_required
def groupe_liste(request):
    exiger(request, "aides.gerer_emploi_du_temps")
    return render(request, "aides/groupe_liste.html", {"ecoles": groupes_par_ecole(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def groupe_creer_page(request):
    exiger(request, "aides.gerer_emploi_du_temps")
    form = GroupeForm(request.POST or None, user=request.user,
                      initial={"ecole": request.GET.get("ecole")} if request.GET.get("ecole") else None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request), envoi_unique(request) as envoi:
            groupe = groupe_creer(intervenant=request.user, ecole=form.cleaned_data["ecole"],
                                  nom=form.cleaned_data["nom"])
            envoi.noter(reverse("groupe_detail", args=[groupe.pk]))
            messages.success(request, f"Le groupe « {groupe.nom} » a été créé : ajoutez-y vos élèves.")
            return redirect("groupe_detail", pk=groupe.pk)
    return render(request, "aides/groupe_form.html", {"form": form})


def _groupe(request, pk):
    groupe = groupe_ou_404(request.user, pk)
    exiger(request, "aides.change_groupe", groupe)
    return groupe


@login_required
def groupe_detail(request, pk):
    groupe = _groupe(request, pk)
    presents, partis = membres_du_groupe(groupe)
    return render(request, "aides/groupe_detail.html", {
        "groupe": groupe,
        "presents": presents,
        "partis": partis,
        "ajout": AjoutElevesForm(groupe=groupe),
        "creneaux": groupe.creneaux.all(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def groupe_renommer_page(request, pk):
    groupe = _groupe(request, pk)
    form = GroupeForm(request.POST or None, user=request.user, groupe=groupe)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            groupe_renommer(groupe=groupe, nom=form.cleaned_data["nom"])
            messages.success(request, f"Le groupe s'appelle maintenant « {groupe.nom} ».")
            return redirect("groupe_detail", pk=groupe.pk)
    return render(request, "aides/groupe_form.html", {"form": form, "groupe": groupe})


@login_required
@require_POST
def groupe_ajouter_eleves_page(request, pk):
    groupe = _groupe(request, pk)
    form = AjoutElevesForm(request.POST, groupe=groupe)
    if form.is_valid():
        with refus_en_message(request):
            n = groupe_ajouter_eleves(groupe=groupe, aides=list(form.cleaned_data["aides"]))
            messages.success(request, f"{quantite(n, 'un élève ajouté')} au groupe.".capitalize())
            return redirect("groupe_detail", pk=groupe.pk)
    else:
        messages.error(request, " ".join(e for erreurs in form.errors.values() for e in erreurs))
    return redirect("groupe_detail", pk=groupe.pk)


@login_required
@require_POST
def groupe_retirer_eleve_page(request, pk, membre_pk):
    groupe = _groupe(request, pk)
    membre = get_object_or_404(MembreGroupe.objects.filter(groupe=groupe).select_related("aide__eleve"), pk=membre_pk)
    eleve = membre.aide.eleve
    if groupe_retirer_eleve(membre=membre):
        messages.success(request, f"{eleve.prenom} {eleve.nom.upper()} a été retiré du groupe.")
    else:
        messages.info(request, f"{eleve.prenom} {eleve.nom.upper()} avait déjà quitté le groupe.")
    return redirect("groupe_detail", pk=groupe.pk)


@login_required
@require_http_methods(["GET", "POST"])
def groupe_supprimer_page(request, pk):
    groupe = _groupe(request, pk)
    creneaux = list(groupe.creneaux.all())
    if request.method == "POST":
        nom = groupe.nom
        groupe_supprimer(groupe=groupe)
        messages.success(request, f"Le groupe « {nom} » a été supprimé.")
        return redirect("groupe_liste")
    return render(request, "aides/groupe_supprimer.html", {"groupe": groupe, "creneaux": creneaux})


# --- Recurring slots --------------------------------------------------------------------------


def _periode_en_cours(user) -> tuple[date, date]:
    """The current période in the member's zone (every school of a circonscription shares it)."""
    zone = user.circonscription.zone if user.circonscription_id else ""
    return PeriodeVacances.objects.calendrier(zone).periode_autour(timezone.localdate())


@login_required
def creneau_liste(request):
    exiger(request, "aides.gerer_emploi_du_temps")
    return render(request, "aides/creneau_liste.html", {"ecoles": creneaux_par_ecole(request.user)})


def _creneau_form_page(request, *, creneau=None):
    """Create or change a slot. « Voir les dates » shows the days it will fall on and those
    skipped, with their reason, before anything is saved."""
    initial = {}
    if creneau is None and (groupe_pk := request.GET.get("groupe", "")).isdigit():
        groupe = groupe_ou_404(request.user, groupe_pk)
        initial = {"groupe": groupe.pk, "ecole": groupe.ecole_id}
    form = CreneauForm(request.POST or None, user=request.user, instance=creneau, initial=initial,
                       periode=None if creneau else _periode_en_cours(request.user))
    apercu = None
    if request.method == "POST" and form.is_valid():
        if "apercu" in request.POST:
            apercu = jours_prevus(form.instance, calendrier_de_l_ecole(form.cleaned_data["ecole"]))
        else:
            with refus_en_message(request), envoi_unique(request) as envoi:
                nouveau = creneau is None
                creneau = creneau_enregistrer(creneau=form.instance, intervenant=request.user)
                envoi.noter(reverse("creneau_detail", args=[creneau.pk]))
                messages.success(request, "Le créneau a été ajouté à votre emploi du temps." if nouveau
                                 else "Le créneau a été modifié.")
                return redirect("creneau_detail", pk=creneau.pk)
    return render(request, "aides/creneau_form.html", {"form": form, "creneau": creneau, "apercu": apercu})


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def creneau_creer_page(request):
    exiger(request, "aides.gerer_emploi_du_temps")
    return _creneau_form_page(request)


def _creneau(request, pk):
    creneau = creneau_ou_404(request.user, pk)
    exiger(request, "aides.change_creneau", creneau)
    return creneau


@login_required
@require_http_methods(["GET", "POST"])
def creneau_modifier_page(request, pk):
    return _creneau_form_page(request, creneau=_creneau(request, pk))


@login_required
def creneau_detail(request, pk):
    creneau = _creneau(request, pk)
    calendrier = calendrier_de_l_ecole(creneau.ecole)
    _, sautes = jours_prevus(creneau, calendrier)
    return render(request, "aides/creneau_detail.html", {
        "creneau": creneau,
        "occurrences": occurrences_du_creneau(creneau, calendrier),
        "sautes": sautes,
        "aujourd_hui": timezone.localdate(),
        "NON_TENUE": EtatOccurrence.NON_TENUE,
        "NOTEE": EtatOccurrence.NOTEE,
    })


@login_required
@require_http_methods(["GET", "POST"])
def creneau_supprimer_page(request, pk):
    creneau = _creneau(request, pk)
    nb_seances = creneau.seances.count()
    if request.method == "POST":
        creneau_supprimer(creneau=creneau)
        messages.success(request, "Le créneau a été supprimé de votre emploi du temps.")
        return redirect("creneau_liste")
    return render(request, "aides/creneau_supprimer.html", {"creneau": creneau, "nb_seances": nb_seances})


def _jour(valeur: str) -> date:
    try:
        return date.fromisoformat(valeur)
    except ValueError as erreur:
        raise Http404 from erreur


@login_required
@require_http_methods(["GET", "POST"])
def creneau_non_tenu_page(request, pk, jour):
    creneau = _creneau(request, pk)
    jour = _jour(jour)
    form = NonTenuForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            creneau_non_tenu_marquer(creneau=creneau, jour=jour, motif=form.cleaned_data["motif"],
                                     precision=form.cleaned_data["precision"], auteur=request.user)
            messages.success(request, f"La séance du {jour:%d/%m/%Y} est notée « non tenue ».")
            return redirect("creneau_detail", pk=creneau.pk)
    return render(request, "aides/creneau_non_tenu.html", {"creneau": creneau, "jour": jour, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def creneau_non_tenu_annuler_page(request, pk, jour):
    creneau = _creneau(request, pk)
    non_tenu = non_tenu_ou_404(creneau, _jour(jour))
    if request.method == "POST":
        creneau_non_tenu_annuler(creneau=creneau, jour=non_tenu.date)
        messages.success(request, f"La séance du {non_tenu.date:%d/%m/%Y} est de nouveau à noter.")
        return redirect("creneau_detail", pk=creneau.pk)
    return render(request, "aides/creneau_non_tenu_annuler.html", {"creneau": creneau, "non_tenu": non_tenu})


# --- Travel times -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def trajet_page(request):
    """The travel time between each pair of the member's schools (his secteur's, and those of
    his slots): his own value, blank for the administrator's or the default."""
    exiger(request, "aides.gerer_emploi_du_temps")
    ecoles = {e.pk: e for e in ecoles_du_membre(request.user)}
    autres = Creneau.objects.de(request.user).exclude(ecole_id__in=ecoles).select_related("ecole")
    ecoles.update({c.ecole_id: c.ecole for c in autres})
    ecoles = sorted(ecoles.values(), key=lambda e: (cle(e.nom), e.pk))
    cles = [e.pk for e in ecoles]
    communs = temps_de_trajet(None, cles) if len(cles) > 1 else None
    propres = {
        (t.ecole_a_id, t.ecole_b_id): t.minutes
        for t in TempsTrajet.objects.filter(intervenant=request.user, ecole_a__in=cles, ecole_b__in=cles)
    }
    paires = [
        (x, y, propres.get((min(x.pk, y.pk), max(x.pk, y.pk))), communs(x.pk, y.pk))
        for x, y in combinations(ecoles, 2)
    ]
    form = TempsTrajetForm(request.POST or None, paires=paires)
    if request.method == "POST" and form.is_valid():
        temps_trajet_enregistrer(intervenant=request.user, valeurs=form.valeurs())
        messages.success(request, "Vos temps de trajet ont été enregistrés.")
        return redirect("trajet_page")
    return render(request, "aides/trajet_form.html", {
        "form": form, "defaut": settings.TEMPS_TRAJET_PAR_DEFAUT_MINUTES, "nb_ecoles": len(ecoles),
    })


urlpatterns = [
    path("groupes/", groupe_liste, name="groupe_liste"),
    path("groupes/nouveau/", groupe_creer_page, name="groupe_creer"),
    path("groupes/<int:pk>/", groupe_detail, name="groupe_detail"),
    path("groupes/<int:pk>/renommer/", groupe_renommer_page, name="groupe_renommer"),
    path("groupes/<int:pk>/eleves/ajouter/", groupe_ajouter_eleves_page, name="groupe_ajouter_eleves"),
    path("groupes/<int:pk>/eleves/<int:membre_pk>/retirer/", groupe_retirer_eleve_page, name="groupe_retirer_eleve"),
    path("groupes/<int:pk>/supprimer/", groupe_supprimer_page, name="groupe_supprimer"),
    path("creneaux/", creneau_liste, name="creneau_liste"),
    path("creneaux/nouveau/", creneau_creer_page, name="creneau_creer"),
    path("creneaux/<int:pk>/", creneau_detail, name="creneau_detail"),
    path("creneaux/<int:pk>/modifier/", creneau_modifier_page, name="creneau_modifier"),
    path("creneaux/<int:pk>/supprimer/", creneau_supprimer_page, name="creneau_supprimer"),
    path("creneaux/<int:pk>/<str:jour>/non-tenu/", creneau_non_tenu_page, name="creneau_non_tenu"),
    path("creneaux/<int:pk>/<str:jour>/non-tenu/annuler/", creneau_non_tenu_annuler_page,
         name="creneau_non_tenu_annuler"),
    path("temps-de-trajet/", trajet_page, name="trajet_page"),
]
