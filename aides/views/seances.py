"""Sessions (séances): logging a group session, the member's own list, a pupil's sessions.

The content of a psychological follow-up (what was worked on, observations) is read by
psychologists only (``aides.selectors.seances``); the school side (teacher, directeur) gets
totals, never notes.
"""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from aides.forms.seances import PresencesForm, SeanceForm
from aides.selectors.seances import (
    aides_et_seances_de_l_eleve,
    aides_pour_seance,
    mois_des_seances_de,
    seances_avec_eleves,
    seances_menees_par,
    totaux_des_seances,
)
from aides.services import seance_enregistrer
from aides.views.acces import exiger, refus_en_message
from eleves.selectors import eleve_visible_ou_404
from rased.francais import quantite


@login_required
@require_http_methods(["GET", "POST"])
def seance_creer(request):
    """One screen: date, duration, content, then one row per pupil of the member's aids."""
    exiger(request, "aides.add_seance")
    donnees = request.POST if request.method == "POST" else None
    form = SeanceForm(donnees)
    presences = PresencesForm(donnees, aides=aides_pour_seance(request.user))
    if request.method == "POST":
        valide = form.is_valid()
        valide = presences.is_valid() and valide
        if valide:
            lignes = presences.presences()
            with refus_en_message(request):
                seance = seance_enregistrer(intervenant=request.user, seance=form.instance, presences=lignes)
                eleves = quantite(len(lignes), "un élève")
                messages.success(request, f"La séance du {seance.date:%d/%m/%Y} a été enregistrée ({eleves}).")
                return redirect("seance_liste")
    return render(request, "aides/seance_form.html", {"form": form, "presences": presences})


def _mois_choisi(valeur: str | None) -> date | None:
    """``"2026-11"`` → 1 November 2026; anything else → no filter."""
    try:
        annee, mois = (int(x) for x in (valeur or "").split("-"))
        return date(annee, mois, 1)
    except ValueError:
        return None


@login_required
def seance_liste(request):
    """The member's own sessions, newest first, with totals; optionally one month."""
    exiger(request, "aides.view_seances")
    mois = _mois_choisi(request.GET.get("mois"))
    seances = seances_menees_par(request.user, mois=mois)
    page = Paginator(seances_avec_eleves(request.user, seances), settings.PAGINATION_ELEVES).get_page(
        request.GET.get("page"))
    return render(
        request,
        "aides/seance_liste.html",
        {
            "page": page,
            "totaux": totaux_des_seances(seances),
            "mois": mois,
            "mois_disponibles": mois_des_seances_de(request.user),
        },
    )


@login_required
def eleve_seances(request, pk):
    """A pupil's sessions, aid by aid, each shown as far as the user may read it:

    - RASED members who may read the aid's content: every session, content and observation;
    - the school (teacher, directeur) and circonscription: totals of E and G aids only;
    - a psychological follow-up, for anyone but psychologists: that it exists, nothing more.
    """
    eleve = eleve_visible_ou_404(request.user, pk)
    aides = aides_et_seances_de_l_eleve(request.user, eleve)
    return render(request, "aides/seance_eleve.html", {"eleve": eleve, "aides": aides})


urlpatterns = [
    path("seances/", seance_liste, name="seance_liste"),
    path("seances/nouvelle/", seance_creer, name="seance_creer"),
    path("eleves/<int:pk>/seances/", eleve_seances, name="eleve_seances"),
]
