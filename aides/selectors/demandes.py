"""Reads of the requests' own pages: the list of requests, the pupil's other open requests (a
request's history: ``aides/selectors/historique.py``)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from aides.enums import ETATS_REPONDUS, REPONSE_APPORTEE, EtatAide, EtatDemande
from aides.models import Aide, DemandeAide, HistoriqueDemande
from aides.rules import connait_les_suivis_psy, etat_lisible, lit_les_reponses_en_detail
from eleves.rules import lit_le_secret_psy


def demandes_de_la_liste(user):
    """The requests ``user`` sees, newest first, with their pupil, school and author (the list
    of requests)."""
    return (
        DemandeAide.objects.visibles_par(user)
        .select_related("eleve", "classe__ecole", "auteur")
        .order_by("-cree_le", "-pk")
    )


def comptes_par_etat(user, demandes) -> list[tuple[str, int]]:
    """How many of ``demandes`` in each state as ``user`` reads the states (the RASED's answers as
    one for those not told of psychological follow-ups), in the states' order (one query)."""
    comptes = dict(demandes.order_by().values_list("etat").annotate(n=Count("pk", distinct=True)))
    if lit_les_reponses_en_detail(user):
        return [(libelle, comptes[etat]) for etat, libelle in EtatDemande.choices if comptes.get(etat)]
    lignes = [(libelle, comptes[etat]) for etat, libelle in EtatDemande.choices
              if comptes.get(etat) and etat not in ETATS_REPONDUS]
    repondues = sum(comptes.get(etat, 0) for etat in ETATS_REPONDUS)
    return lignes + ([(REPONSE_APPORTEE, repondues)] if repondues else [])


@dataclass
class AutreDemande:
    """Another open request for the same pupil, as far as the user may see it."""

    numero: int
    envoyee_le: datetime | None
    etat: str
    visible: bool  # the user may open it (a link), else it is only said to exist
    aides_en_cours: list[str]


def autres_demandes_en_cours(user, *, eleve_id, auteur_id, sauf=None) -> list[AutreDemande]:
    """The pupil's other open requests, shown before a second one is sent: with a link and its
    state as ``user`` reads it when he sees it; else only its number, date and « en cours »
    (nothing of its content, nor of a psychological follow-up). Three queries."""
    autres = list(DemandeAide.objects.autres_en_cours(eleve_id=eleve_id, auteur_id=auteur_id, sauf=sauf)
                  .order_by("envoyee_le", "pk"))
    visibles = set(DemandeAide.objects.visibles_par(user).filter(pk__in=[d.pk for d in autres])
                   .values_list("pk", flat=True))
    aides = Aide.objects.filter(demande__in=visibles, etat=EtatAide.EN_COURS)
    if not lit_le_secret_psy(user):
        aides = aides.hors_secret_psy()
    en_cours: dict[int, list[str]] = {}
    for demande_id, libelle in ((a.demande_id, a.get_type_display()) for a in aides):
        en_cours.setdefault(demande_id, []).append(libelle)
    return [
        AutreDemande(
            numero=d.pk, envoyee_le=d.envoyee_le, visible=d.pk in visibles,
            etat=etat_lisible(user, d) if d.pk in visibles else "en cours",
            aides_en_cours=en_cours.get(d.pk, []),
        )
        for d in autres
    ]


def revision_de_la_decision(user, demande) -> HistoriqueDemande | None:
    """The latest revision of the RASED's decision (the decision it replaced, the reason, who and
    when), for those who read the decision (``aides.view_decision``): its reason may name a
    psychological follow-up. None otherwise, or if the decision was never revised."""
    if not connait_les_suivis_psy(user, demande):
        return None
    return (HistoriqueDemande.objects.filter(demande=demande).exclude(decision_revisee="")
            .select_related("auteur").order_by("-le", "-pk").first())
