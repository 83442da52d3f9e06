"""« Mon activité »: a RASED member's own figures (sessions, hours, pupils, attendance, aids
taken up, reviews) for a school year or a période, as a page with charts, a CSV and a PDF.

Only the member signed in reads their figures: no URL names a person, so a psychologist's
figures stay hers; every other role gets 403 (``aides.view_activite``). The CSV and the PDF
are written to the access log; file names carry no name.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from aides.pdf.csv import servir_csv
from aides.pdf.rendu import servir_pdf
from aides.selectors.activite import MODALITES, activite_du_membre
from aides.selectors.rapports import annees_au_choix
from aides.views.acces import exiger
from aides.views.rapports import _annee_valide
from eleves.scolarite import libelle_annee

PERIODES = {"1", "2", "3", "4", "5"}


def _activite(request):
    exiger(request, "aides.view_activite")
    annees = annees_au_choix()
    debut = _annee_valide(request.GET.get("annee"), annees)
    periode = request.GET.get("periode") or None
    if periode is not None and periode not in PERIODES:
        raise Http404("Période inconnue.")
    activite = activite_du_membre(request.user, debut=debut, periode=int(periode) if periode else None)
    return activite, annees


def _suffixe(activite) -> str:
    return activite.annee + (f"-p{activite.periode.numero}" if activite.periode else "")


@login_required
def mon_activite(request):
    activite, annees = _activite(request)
    return render(request, "aides/activite.html", {
        "activite": activite, "graphiques": activite.graphiques(),
        "annees": [(a, libelle_annee(a)) for a in annees], "parametres": request.GET.urlencode(),
    })


@login_required
def mon_activite_pdf(request):
    activite, _ = _activite(request)
    return servir_pdf(
        request, "pdf/activite.html",
        {"activite": activite, "graphiques": activite.graphiques(),
         "entete": {"circonscription": str(request.user.circonscription), "annee": activite.annee}},
        titre=f"Activité de {activite.membre} ({activite.fonction}) — {activite.libelle_etendue}",
        nom_fichier=f"mon-activite-{_suffixe(activite)}.pdf",
        objet_journal=f"Mon activité {activite.libelle_etendue}, PDF",
    )


def _cellules(chiffres) -> list:
    """The figures of one CSV line: numbers as numbers (decimal comma, as the other exports)."""
    cellules = [chiffres.seances, chiffres.heures.csv]
    for modalite in MODALITES:
        cellules += [chiffres.seances_de(modalite), chiffres.heures_de(modalite).csv]
    taux = chiffres.taux_presence
    return cellules + [chiffres.nb_eleves, chiffres.inscrits, chiffres.presents,
                       "" if taux is None else str(taux).replace(".", ",")]


ENTETES_CHIFFRES = (
    ["Séances", "Heures"]
    + [f"{titre} {m.label.lower()}" for m in MODALITES for titre in ("Séances", "Heures")]
    + ["Élèves suivis", "Élèves attendus (total des séances)", "Élèves présents (total des séances)",
       "Taux de présence (%)"]
)


@login_required
def mon_activite_csv(request):
    """One line per school (``?par=ecole``, the default) or per pupil (``?par=eleve``)."""
    activite, _ = _activite(request)
    par = request.GET.get("par") or "ecole"
    if par == "ecole":
        entetes = ["École"] + ENTETES_CHIFFRES + ["Aides prises en charge", "Bilans rédigés"]
        lignes = [[nom] + _cellules(c) + [c.prises_en_charge, c.bilans] for nom, c in activite.par_ecole]
        lignes.append(["Total"] + _cellules(activite.total)
                      + [activite.total.prises_en_charge, activite.total.bilans])
    elif par == "eleve":
        entetes = ["Élève", "École"] + ENTETES_CHIFFRES
        lignes = [[e.nom, e.ecole] + _cellules(e.chiffres) for e in activite.par_eleve]
    else:
        raise Http404("Export inconnu.")
    return servir_csv(
        request, entetes, lignes,
        nom_fichier=f"mon-activite-{par}s-{_suffixe(activite)}.csv",
        objet_journal=f"Mon activité {activite.libelle_etendue}, CSV par {'école' if par == 'ecole' else 'élève'}",
    )


urlpatterns = [
    path("mon-activite/", mon_activite, name="mon_activite"),
    path("mon-activite/pdf/", mon_activite_pdf, name="mon_activite_pdf"),
    path("mon-activite/csv/", mon_activite_csv, name="mon_activite_csv"),
]
