"""Reports across many pupils: the yearly activity report, the pupils helped per période, the
waiting list — each as a page and a PDF (and the yearly report as a CSV).

Who reads what (DOMAIN.md, « Rules the product enforces »):
- bilan d'activité annuel: circonscription staff only (the IEN steers the RASED), for their own
  circonscription; anyone else signed in gets 403. It holds only aggregates. Its PDF is prepared
  by the task queue (« Préparer le PDF », aides/impressions.py); the direct URL stays for benches.
- élèves aidés par période: the school's directeur, RASED members whose secteur covers the
  school, circonscription staff. A school outside the reader's scope is 404; a reader who sees
  the school without this right (a teacher, the administrator) gets 403. Psychological
  follow-ups are listed for psychologists only.
- liste d'attente: circonscription staff (whole circonscription, no pupil named), RASED members
  (their secteur) and directeurs (their school), with names; others get 403.
Every PDF and CSV is written to the access log; file names carry no name.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from aides.impressions import demander_rapport_annuel, imprime_rapport_annuel
from aides.pdf.csv import servir_csv
from aides.pdf.rendu import reponse, servir_pdf
from aides.rapports import eleves_aides_par_periode, entete_document, liste_attente, rapport_annuel
from aides.selectors.rapports import annees_au_choix, ecoles_au_choix
from aides.views.acces import exiger
from eleves.enums import Role
from eleves.journal import journaliser
from eleves.models import JournalAcces, annee_courante_debut
from eleves.scolarite import libelle_annee
from eleves.selectors import ecole_visible_ou_404


def _annee_valide(debut, annees) -> int:
    if debut in (None, ""):
        return annee_courante_debut()
    try:
        debut = int(debut)
    except ValueError:
        raise Http404("Année scolaire inconnue.") from None
    if debut not in annees:
        raise Http404("Année scolaire inconnue.")
    return debut


def _a_imprimer(request, ids) -> list[int]:
    """The pupils of a list, for « Imprimer les fiches de suivi » (their rights are checked when
    the print is asked, aides/impressions.py)."""
    return list(dict.fromkeys(ids)) if request.user.has_perm("aides.imprimer_fiche_suivi") else []


# --- Bilan d'activité annuel -----------------------------------------------------------------


def _annee_du_rapport(request, debut) -> tuple[int, list[int]]:
    exiger(request, "aides.view_rapport_annuel")
    annees = annees_au_choix()
    return _annee_valide(debut, annees), annees


def _rapport(request, debut):
    debut, annees = _annee_du_rapport(request, debut)
    return rapport_annuel(circonscription=request.user.circonscription, debut=debut), annees


@login_required
def rapport_annuel_page(request):
    rapport, annees = _rapport(request, request.GET.get("annee"))
    return render(request, "aides/rapport_annuel.html", {
        "rapport": rapport, "graphiques": rapport.graphiques(),
        "annees": [(a, libelle_annee(a)) for a in annees],
    })


@login_required
def rapport_annuel_pdf(request, debut):
    """The PDF within the request: what the task renders (``imprime_rapport_annuel``), kept for
    the benches (bench/documents.py, bench/charge.py) and the query-count tests; the page offers
    « Préparer le PDF » (``rapport_annuel_preparer``)."""
    debut, _ = _annee_du_rapport(request, debut)
    imprime = imprime_rapport_annuel(request.user, debut)
    journaliser(request, action=JournalAcces.Action.IMPRESSION, objet=imprime.objet_journal)
    return reponse(imprime.document)


@login_required
@require_POST
def rapport_annuel_preparer(request, debut):
    """« Préparer le PDF »: the report rendered by the task queue, followed on the print's page."""
    debut, _ = _annee_du_rapport(request, debut)
    travail = demander_rapport_annuel(demandeur=request.user, debut=debut,
                                      adresse=request.META.get("REMOTE_ADDR"))
    return redirect("impression_detail", pk=travail.pk)


@login_required
def rapport_annuel_csv(request, debut):
    rapport, _ = _rapport(request, debut)
    return servir_csv(
        request, rapport.entetes_csv, rapport.lignes_csv(),
        nom_fichier=f"bilan-activite-rased-{rapport.annee}.csv",
        objet_journal=f"Bilan d'activité {rapport.annee}, CSV",
    )


# --- Élèves aidés par période ------------------------------------------------------------------


@login_required
def eleves_aides_choix(request):
    """Where the list starts: a directeur goes to their school, others choose among theirs."""
    exiger(request, "aides.view_listes")
    if request.user.role == Role.DIRECTEUR and request.user.ecole_id:
        return redirect("eleves_aides_periode", pk=request.user.ecole_id)
    return render(request, "aides/liste_periodes_choix.html", {"ecoles": ecoles_au_choix(request.user)})


def _liste_periodes(request, pk):
    ecole = ecole_visible_ou_404(request.user, pk)
    exiger(request, "aides.view_listes")
    annees = annees_au_choix()
    debut = _annee_valide(request.GET.get("annee"), annees)
    periode = request.GET.get("periode") or None
    if periode is not None:
        if periode not in {"1", "2", "3", "4", "5"}:
            raise Http404("Période inconnue.")
        periode = int(periode)
    liste = eleves_aides_par_periode(request.user, ecole=ecole, debut=debut, periode=periode)
    return ecole, liste, annees


@login_required
def eleves_aides_periode(request, pk):
    ecole, liste, annees = _liste_periodes(request, pk)
    return render(request, "aides/liste_periodes.html", {
        "ecole": ecole, "liste": liste, "annees": [(a, libelle_annee(a)) for a in annees],
        "parametres": request.GET.urlencode(),
        "eleves_a_imprimer": _a_imprimer(request, [e.eleve_id for c in liste.classes for e in c.eleves]),
    })


@login_required
def eleves_aides_periode_pdf(request, pk):
    ecole, liste, _ = _liste_periodes(request, pk)
    titre = "Élèves aidés par le RASED" + (f" — période {liste.periode}" if liste.periode else " par période")
    return servir_pdf(
        request, "pdf/liste_periodes.html",
        {"liste": liste, "entete": entete_document(request.user, liste.debut, ecole)},
        titre=titre,
        nom_fichier=f"eleves-aides-ecole-{ecole.pk}-{liste.annee}{f'-p{liste.periode}' if liste.periode else ''}.pdf",
        objet_journal=f"Élèves aidés par période, {ecole.nom[:80]} {liste.annee}, PDF",
    )


# --- Liste d'attente ---------------------------------------------------------------------------


def _attente(request):
    exiger(request, "aides.view_listes")
    nominative = request.user.has_perm("aides.view_listes_nominatives")
    return liste_attente(request.user, nominative=nominative), nominative


@login_required
def liste_attente_page(request):
    ecoles, nominative = _attente(request)
    return render(request, "aides/liste_attente.html", {
        "ecoles": ecoles, "nominative": nominative, "nb": sum(len(e.demandes) for e in ecoles),
        "eleves_a_imprimer": _a_imprimer(request, [d.eleve_id for e in ecoles for d in e.demandes if d.eleve_id]),
    })


@login_required
def liste_attente_pdf(request):
    ecoles, nominative = _attente(request)
    debut = annee_courante_debut()
    ecole = request.user.ecole if request.user.role == Role.DIRECTEUR else None
    return servir_pdf(
        request, "pdf/liste_attente.html",
        {"ecoles": ecoles, "nominative": nominative, "nb": sum(len(e.demandes) for e in ecoles),
         "entete": entete_document(request.user, debut, ecole)},
        titre="Liste d'attente des demandes d'aide",
        nom_fichier="liste-attente-rased.pdf",
        objet_journal="Liste d'attente des demandes, PDF",
    )


urlpatterns = [
    path("rapports/activite/", rapport_annuel_page, name="rapport_annuel"),
    path("rapports/activite/<int:debut>/pdf/", rapport_annuel_pdf, name="rapport_annuel_pdf"),
    path("rapports/activite/<int:debut>/preparer/", rapport_annuel_preparer, name="rapport_annuel_preparer"),
    path("rapports/activite/<int:debut>/csv/", rapport_annuel_csv, name="rapport_annuel_csv"),
    path("rapports/eleves-aides/", eleves_aides_choix, name="eleves_aides_choix"),
    path("ecoles/<int:pk>/eleves-aides/", eleves_aides_periode, name="eleves_aides_periode"),
    path("ecoles/<int:pk>/eleves-aides/pdf/", eleves_aides_periode_pdf, name="eleves_aides_periode_pdf"),
    path("rapports/liste-attente/", liste_attente_page, name="liste_attente"),
    path("rapports/liste-attente/pdf/", liste_attente_pdf, name="liste_attente_pdf"),
]
