"""A pupil's page and a school's page: what the eleves app knows of them, with what the RASED
did for them (the pupil's aid path and its charts, the school's team actions).

They live here, in the app that owns the aid data, so that eleves never reads aides. Both are
looked up in the user's scoped queryset (404 outside it); the aid data is read through the
selectors, under the same scopes.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from aides.impressions import eleves_aides_de_l_ecole
from aides.pdf.bilan import graphiques_parcours
from aides.selectors import dernieres_actions_equipe, evaluations_de_l_eleve, parcours_eleve
from eleves.journal import journaliser
from eleves.models import JournalAcces, annee_courante_debut
from eleves.selectors import (
    classes_de_l_ecole,
    ecole_visible_ou_404,
    eleve_visible_ou_404,
    historique_de_l_eleve,
    inscriptions_de_l_eleve,
)


@login_required
def eleve_detail(request, pk):
    user = request.user
    eleve = eleve_visible_ou_404(user, pk)
    journaliser(request, action=JournalAcces.Action.CONSULTATION, objet="Fiche de l'élève", eleve=eleve)
    inscriptions = inscriptions_de_l_eleve(eleve)
    # The rules asked below read the current enrolment: it is among these (as
    # ``avec_inscription_courante`` would load it).
    eleve.inscriptions_courantes = [i for i in inscriptions if i.annee.debut == annee_courante_debut()]
    evaluations = evaluations_de_l_eleve(user, eleve)
    return render(
        request,
        "aides/eleve_detail.html",
        {
            "eleve": eleve,
            "inscriptions": inscriptions,
            "responsables": eleve.responsables.all(),
            "plans": eleve.plans.all(),
            "parcours": parcours_eleve(user, eleve, evaluations),
            "graphiques": graphiques_parcours(user, evaluations),
            "peut_modifier": user.has_perm("eleves.change_eleve", eleve),
            "peut_voir_journal": user.has_perm("eleves.view_journal", eleve),
            "peut_voir_ine": user.has_perm("eleves.view_ine", eleve),
            "peut_droit_acces": user.has_perm("eleves.repondre_droit_acces", eleve),
            "peut_deposer": user.has_perm("aides.add_demande", eleve),
            "historique": historique_de_l_eleve(user, eleve),
        },
    )


@login_required
def ecole_detail(request, pk):
    """A school, its class lists for the current year and the RASED's latest team actions."""
    user = request.user
    ecole = ecole_visible_ou_404(user, pk)
    return render(
        request,
        "aides/ecole_detail.html",
        {
            "ecole": ecole,
            "classes": classes_de_l_ecole(user, ecole),
            "peut_importer": user.has_perm("eleves.gerer_ecole", ecole),
            "actions_equipe": dernieres_actions_equipe(user, ecole),
            "peut_ajouter_action": user.has_perm("aides.add_actionequipe", ecole),
            "eleves_a_imprimer": eleves_aides_de_l_ecole(user, ecole),
        },
    )


urlpatterns = [
    path("eleves/<int:pk>/", eleve_detail, name="eleve_detail"),
    path("ecoles/<int:pk>/", ecole_detail, name="ecole_detail"),
]
