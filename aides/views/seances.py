"""Sessions (séances): logging a group session, the member's own list, a pupil's sessions.

The content of a psychological follow-up (what was worked on, observations) is read by
psychologists only (``aides.selectors.seances``); the school side (teacher, directeur) gets
totals, never notes.
"""

from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from aides.emploi_du_temps import refus_du_jour
from aides.exceptions import SeanceDejaNotee
from aides.forms.base import SuppressionForm
from aides.forms.seances import PresencesCreneauForm, PresencesForm, SeanceCreneauForm, SeanceForm
from aides.models import Groupe
from aides.rules import corrections_d_une_liste
from aides.selectors.groupes import ecoles_du_membre
from aides.selectors.historique import historique_lisible_de_la_seance
from aides.selectors.seances import (
    aides_du_creneau,
    aides_et_seances_de_l_eleve,
    aides_pour_seance,
    creneau_a_noter_ou_404,
    jour_non_tenu,
    mois_des_seances_de,
    presences_de_la_seance,
    prochaine_fois_precedente,
    seance_du_creneau,
    seance_lisible_ou_404,
    seances_avec_eleves,
    seances_des_collegues_a_corriger,
    seances_menees_par,
    totaux_des_seances,
)
from aides.services import (
    REFUS_JOUR_NON_TENU,
    seance_enregistrer,
    seance_modifier,
    seance_supprimer,
)
from aides.views.acces import exiger, refus_en_message
from aides.views.envois import envoi_unique, une_seule_fois
from eleves.models import annee_courante_debut
from eleves.scolarite import periodes
from eleves.selectors import calendrier_scolaire, eleve_visible_ou_404
from rased.francais import quantite

# How many of the colleagues' sessions a stand-in may correct « Mes séances » lists (newest first).
SEANCES_DE_COLLEGUES = 30


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def seance_creer(request):
    """One screen: date, duration, content, then one row per pupil of the member's aids."""
    exiger(request, "aides.add_seance")
    donnees = request.POST if request.method == "POST" else None
    form = SeanceForm(donnees, intervenant=request.user)
    presences = PresencesForm(donnees, aides=aides_pour_seance(request.user))
    if request.method == "POST":
        valide = form.is_valid()
        valide = presences.is_valid() and valide
        if valide:
            lignes = presences.presences()
            with refus_en_message(request), envoi_unique(request) as envoi:
                seance = seance_enregistrer(intervenant=request.user, seance=form.instance, presences=lignes)
                envoi.noter(reverse("seance_corriger", args=[seance.pk]))
                eleves = quantite(len(lignes), "un élève")
                messages.success(request, f"La séance du {seance.date:%d/%m/%Y} a été enregistrée ({eleves}).")
                return redirect("seance_liste")
    return render(request, "aides/seance_form.html", {"form": form, "presences": presences})


@login_required
@require_http_methods(["GET", "POST"])
def seance_corriger(request, pk):
    """Correct a session: the same screen as logging it, its pupils first with what was
    recorded; a save from a page read before someone else's is refused, keeping what was typed."""
    seance = seance_lisible_ou_404(request.user, pk)
    exiger(request, "aides.change_seance", seance)
    donnees = request.POST if request.method == "POST" else None
    form = SeanceForm(donnees, instance=seance)
    presences = PresencesForm(
        donnees, aides=aides_pour_seance(request.user), existantes=presences_de_la_seance(seance)
    )
    if request.method == "POST":
        valide = form.is_valid()
        valide = presences.is_valid() and valide
        if valide:
            with refus_en_message(request):
                seance = seance_modifier(
                    seance=form.instance, auteur=request.user, presences=presences.presences(),
                    revision_lue=form.cleaned_data["revision_lue"],
                )
                messages.success(request, f"La séance du {seance.date:%d/%m/%Y} a été corrigée.")
                return redirect("seance_liste")
    return render(request, "aides/seance_form.html", {
        "form": form, "presences": presences, "seance": seance,
        "historique": historique_lisible_de_la_seance(request.user, seance),
    })


@login_required
@require_http_methods(["GET", "POST"])
def seance_supprimer_page(request, pk):
    """Confirm the deletion of a session (logged twice…) and say why; the reason is kept."""
    seance = seance_lisible_ou_404(request.user, pk)
    exiger(request, "aides.delete_seance", seance)
    form = SuppressionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refus_en_message(request):
            seance_supprimer(seance=seance, auteur=request.user, motif=form.cleaned_data["motif"])
            messages.success(request, f"La séance du {seance.date:%d/%m/%Y} a été supprimée.")
            return redirect("seance_liste")
    return render(request, "aides/supprimer.html", {
        "form": form, "objet": seance, "titre": f"Supprimer la séance du {seance.date:%d/%m/%Y}",
        "explication": "La séance et la présence de ses élèves seront supprimées : les totaux et le taux "
        "de présence ne les compteront plus.",
        "retour": reverse("seance_liste"),
        "lignes": [
            f"{p.aide.eleve.prenom} {p.aide.eleve.nom.upper()} : {p.get_presence_display()}"
            for p in presences_de_la_seance(seance)
        ],
    })


def _choisi(objets, valeur: str | None):
    """The object of ``objets`` whose key is ``valeur`` (a choice of the page's lists), else None."""
    return next((o for o in objets if str(o.pk) == valeur), None)


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
    ecoles = list(ecoles_du_membre(request.user))
    groupes = list(Groupe.objects.de(request.user).select_related("ecole"))
    periodes_de_l_annee = periodes(annee_courante_debut())
    ecole = _choisi(ecoles, request.GET.get("ecole"))
    groupe = _choisi(groupes, request.GET.get("groupe"))
    periode = next((p for p in periodes_de_l_annee if str(p.numero) == request.GET.get("periode")), None)
    seances = seances_menees_par(request.user, mois=mois, ecole=ecole, groupe=groupe, periode=periode)
    page = Paginator(seances_avec_eleves(request.user, seances), settings.PAGINATION_ELEVES).get_page(
        request.GET.get("page"))
    filtres = urlencode({k: v for k, v in {
        "mois": f"{mois:%Y-%m}" if mois else "", "ecole": ecole.pk if ecole else "",
        "groupe": groupe.pk if groupe else "", "periode": periode.numero if periode else "",
    }.items() if v})
    # A stand-in's way to the colleagues' sessions the policy lets them correct: the most recent
    # ones (the month filter applies), their right to correct read once for the list.
    collegues = list(seances_avec_eleves(
        request.user, seances_des_collegues_a_corriger(request.user, mois=mois))[:SEANCES_DE_COLLEGUES + 1])
    corrections_d_une_liste(request.user, collegues)
    return render(
        request,
        "aides/seance_liste.html",
        {
            "page": page,
            "totaux": totaux_des_seances(seances),
            "mois": mois,
            "mois_disponibles": mois_des_seances_de(request.user),
            "ecoles": ecoles, "ecole": ecole, "groupes": groupes, "groupe": groupe,
            "periodes": periodes_de_l_annee, "periode": periode, "filtres": filtres,
            "filtre": bool(filtres),
            "seances_collegues": collegues[:SEANCES_DE_COLLEGUES],
            "autres_seances_collegues": len(collegues) > SEANCES_DE_COLLEGUES,
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
    path("seances/<int:pk>/corriger/", seance_corriger, name="seance_corriger"),
    path("seances/<int:pk>/supprimer/", seance_supprimer_page, name="seance_supprimer"),
    path("eleves/<int:pk>/seances/", eleve_seances, name="eleve_seances"),
]


def _jour_de_l_adresse(valeur: str) -> date:
    """``AAAA-MM-JJ`` from the address, else 404 (a mistyped link, not a form to correct)."""
    try:
        if len(valeur) == 10:
            return datetime.strptime(valeur, "%Y-%m-%d").date()
    except ValueError:
        pass
    raise Http404("Date invalide.")


@login_required
@require_http_methods(["GET", "POST"])
@une_seule_fois
def seance_noter(request, pk, jour):
    """« Noter la séance » of one of the member's slots on one of its days: the session form filled
    from the slot (time, duration, modality, the group's pupils all « Présent », the content from
    last time's « pour la prochaine fois »); one tap marks a pupil absent. A day already logged
    opens that session's correction; a day that is not the slot's is refused."""
    # The slot first: anyone but its member gets the 404 of a slot that does not exist.
    creneau = creneau_a_noter_ou_404(request.user, pk)
    exiger(request, "aides.add_seance")
    jour = _jour_de_l_adresse(jour)
    refus = refus_du_jour(creneau, jour, calendrier_scolaire(creneau.ecole.circonscription_id))
    if refus:
        return render(request, "aides/seance_noter_refus.html", {"creneau": creneau, "refus": refus}, status=404)
    if jour_non_tenu(creneau, jour):
        # The day exists but was marked as not held: said, with the way out, not a 404.
        refus = REFUS_JOUR_NON_TENU.format(jour=jour)
        return render(request, "aides/seance_noter_refus.html", {"creneau": creneau, "refus": refus}, status=409)
    if deja := seance_du_creneau(creneau, jour):
        messages.info(request, f"La séance du {jour:%d/%m/%Y} de ce créneau est déjà notée : vous pouvez la corriger.")
        return redirect("seance_corriger", deja.pk)
    donnees = request.POST if request.method == "POST" else None
    contenu = prochaine_fois_precedente(request.user, creneau, jour) if donnees is None else ""
    form = SeanceCreneauForm(donnees, creneau=creneau, jour=jour, contenu=contenu)
    attendues, autres = aides_du_creneau(request.user, creneau)
    presences = PresencesCreneauForm(donnees, attendues=attendues, autres=autres)
    if request.method == "POST":
        valide = form.is_valid()
        valide = presences.is_valid() and valide
        if valide:
            lignes = presences.presences()
            with refus_en_message(request):
                try:
                    with envoi_unique(request) as envoi:
                        seance = seance_enregistrer(
                            intervenant=request.user, seance=form.instance, presences=lignes, creneau=creneau,
                        )
                        envoi.noter(reverse("seance_corriger", args=[seance.pk]))
                except SeanceDejaNotee as deja:
                    # Logged since the page was read (another tab, a form sent twice): not written twice.
                    messages.info(request, str(deja))
                    return redirect("seance_corriger", deja.seance.pk)
                eleves = quantite(len(lignes), "un élève")
                messages.success(request, f"La séance du {jour:%d/%m/%Y} a été enregistrée ({eleves}).")
                return redirect("seance_liste")
    return render(request, "aides/seance_noter.html", {
        "form": form, "presences": presences, "creneau": creneau, "jour": jour,
    })


urlpatterns += [
    path("creneaux/<int:pk>/<str:jour>/noter/", seance_noter, name="seance_noter"),
]
