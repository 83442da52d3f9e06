"""« Ma semaine » and the member's calendar feed.

- ``ma_semaine``: Monday to Friday of a week (``?semaine=AAAA-MM-JJ``, this week otherwise) of
  the member's slots, meetings and team actions across schools, with travel and warnings.
- ``mon_agenda``: the page of the feed's secret link: create it (shown once), revoke it,
  regenerate it (the old one stops at once).
- ``agenda_ics``: the feed itself, without a session (phones subscribe to it): it answers only
  to a live token, 404 otherwise. The token travels in the query string, not in the path: the
  access logs (gunicorn ``%(U)s``, nginx ``$uri``, Django's « Not Found: <path> ») record paths
  without their query string, so the secret is never written to a log.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from aides.emploi_du_temps import lundi_de
from aides.pdf.agenda import rendre_agenda
from aides.selectors.semaine import (
    DUREE_REUNION_SUPPOSEE,
    FLUX_JOURS_APRES,
    FLUX_JOURS_AVANT,
    contenu_du_flux,
    lien_agenda_actif,
    proprietaire_du_jeton,
    semaine_de,
)
from aides.services import lien_agenda_creer, lien_agenda_revoquer
from aides.views.acces import exiger

# The new link's token, between the POST that makes it and the page that shows it once.
SESSION_JETON_A_AFFICHER = "agenda_jeton_a_afficher"


def _lundi_demande(valeur: str | None) -> date:
    """The Monday of the week asked (any day of it will do); this week's for anything else,
    a year far off included (its previous week could not be computed)."""
    try:
        jour = date.fromisoformat(valeur or "")
    except ValueError:
        jour = None
    if jour is None or not 2000 <= jour.year <= 2100:
        jour = timezone.localdate()
    return lundi_de(jour)


@login_required
@require_safe
def ma_semaine(request):
    exiger(request, "aides.view_ma_semaine")
    semaine = semaine_de(request.user, _lundi_demande(request.GET.get("semaine")))
    return render(request, "aides/semaine.html", {"semaine": semaine, "duree_reunion": DUREE_REUNION_SUPPOSEE})


def adresse_du_flux(request, jeton: str) -> str:
    return request.build_absolute_uri(reverse("agenda_ics")) + f"?jeton={jeton}"


@login_required
@require_safe
def mon_agenda(request):
    exiger(request, "aides.gerer_lien_agenda")
    jeton = request.session.pop(SESSION_JETON_A_AFFICHER, None)
    adresse = adresse_du_flux(request, jeton) if jeton else ""
    return render(request, "aides/semaine_agenda.html", {
        "lien": lien_agenda_actif(request.user), "adresse": adresse,
        "adresse_webcal": adresse.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
        "semaines_avant": FLUX_JOURS_AVANT // 7, "semaines_apres": FLUX_JOURS_APRES // 7,
    })


@login_required
@require_POST
def mon_agenda_creer(request):
    exiger(request, "aides.gerer_lien_agenda")
    remplace = lien_agenda_actif(request.user) is not None
    request.session[SESSION_JETON_A_AFFICHER] = lien_agenda_creer(utilisateur=request.user)
    messages.success(request, "Nouveau lien créé : l'ancien ne fonctionne plus." if remplace
                     else "Votre lien d'agenda est créé.")
    return redirect("mon_agenda")


@login_required
@require_POST
def mon_agenda_revoquer(request):
    exiger(request, "aides.gerer_lien_agenda")
    if lien_agenda_revoquer(utilisateur=request.user):
        messages.success(request, "Le lien est révoqué : les agendas abonnés ne reçoivent plus rien.")
    else:
        messages.info(request, "Aucun lien n'était actif.")
    return redirect("mon_agenda")


@require_safe
def agenda_ics(request):
    """The feed of the live link's owner; 404 for any other token (never a hint of why)."""
    user = proprietaire_du_jeton(request.GET.get("jeton", ""))
    if user is None:
        raise Http404
    corps = rendre_agenda(contenu_du_flux(user), proprietaire=user, duree_reunion=DUREE_REUNION_SUPPOSEE)
    reponse = HttpResponse(corps, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'inline; filename="rased-agenda.ics"'
    return reponse


urlpatterns = [
    path("ma-semaine/", ma_semaine, name="ma_semaine"),
    path("mon-agenda/", mon_agenda, name="mon_agenda"),
    path("mon-agenda/creer/", mon_agenda_creer, name="mon_agenda_creer"),
    path("mon-agenda/revoquer/", mon_agenda_revoquer, name="mon_agenda_revoquer"),
    path("agenda.ics", agenda_ics, name="agenda_ics"),
]
