"""Reads of the aid workflow shaped for pages: always from the user's scoped querysets."""

from datetime import timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from aides.enums import ETATS_A_TRAITER, EtatAide, EtatDemande, EtatProgramme
from aides.models import (
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    Notification,
    Observation,
    Programme,
    Reunion,
    Seance,
)
from eleves.enums import ROLES_RASED, Role


def contexte_demande(user, demande) -> dict:
    """Everything a request's page shows, each part filtered by what ``user`` may read.

    The teacher sees the decision, the aids, programmes and evaluations, never the RASED's
    internal observations; a psychological follow-up's content is for psychologists only.
    """
    lisibles = set(Aide.objects.confidentielles_lisibles_par(user).filter(demande=demande).values_list("pk", flat=True))
    programmes = Programme.objects.visibles_par(user).prefetch_related(
        "objectifs", "actions",
        Prefetch(
            "evaluations",
            Evaluation.objects.select_related("auteur").prefetch_related("resultats__objectif"),
        ),
    ).select_related("redige_par", "valide_par")
    aides = (
        Aide.objects.visibles_par(user)
        .filter(demande=demande)
        .select_related("intervenant")
        .prefetch_related(
            Prefetch("programmes", programmes, to_attr="programmes_lisibles"),
            Prefetch("conclusions", ConclusionPsy.objects.visibles_par(user), to_attr="conclusions_lisibles"),
        )
    )
    aides = list(aides)
    for aide in aides:
        aide.contenu_lisible = aide.pk in lisibles
    return {
        "observations": Observation.objects.visibles_par(user).filter(demande=demande).select_related("auteur"),
        "consentements": Consentement.objects.visibles_par(user).filter(demande=demande).select_related(
            "enregistre_par"
        ),
        "reunions": Reunion.objects.visibles_par(user).filter(demande=demande).prefetch_related(
            "participants", "participants_externes"
        ),
        "aides": aides,
    }


def tableau_de_bord(user) -> dict:
    """What each role finds on its home page about the aid workflow."""
    aujourd_hui = timezone.localdate()
    contexte = {
        "notifications": Notification.objects.non_lues().filter(destinataire=user).select_related("demande")[:10],
        "aujourd_hui": aujourd_hui,
    }
    demandes = DemandeAide.objects.visibles_par(user)
    if user.role in (Role.ENSEIGNANT, Role.DIRECTEUR):
        contexte["mes_demandes"] = (
            demandes.filter(auteur=user).exclude(etat=EtatDemande.CLOTUREE)
            .select_related("eleve", "classe").order_by("-modifie_le")[:15]
        )
        contexte["brouillons"] = demandes.filter(auteur=user, etat=EtatDemande.BROUILLON).count()
    if user.role == Role.DIRECTEUR:
        contexte["demandes_ecole"] = _compter_par_etat(demandes.exclude(etat=EtatDemande.BROUILLON))
    if user.role in ROLES_RASED:
        a_traiter = demandes.filter(etat__in=ETATS_A_TRAITER).select_related("eleve", "classe__ecole")
        contexte["a_traiter"] = a_traiter.order_by("envoyee_le", "pk")[:10]
        contexte["nb_a_traiter"] = a_traiter.count()
        mes_aides = Aide.objects.filter(intervenant=user).exclude(etat=EtatAide.TERMINEE)
        contexte["file_active"] = mes_aides.select_related("eleve", "demande__classe__ecole").order_by(
            "eleve__nom", "eleve__prenom"
        )[:30]
        contexte["nb_file_active"] = mes_aides.count()
        echeance = aujourd_hui + timedelta(days=14)
        contexte["bilans_a_faire"] = (
            Programme.objects.filter(
                aide__in=mes_aides, etat=EtatProgramme.VALIDE, date_revision__lte=echeance
            )
            .annotate(nb_evaluations=Count("evaluations"))
            .filter(nb_evaluations=0)
            .select_related("aide__eleve")
            .order_by("date_revision")[:15]
        )
        lundi = aujourd_hui - timedelta(days=aujourd_hui.weekday())
        contexte["seances_semaine"] = (
            Seance.objects.filter(intervenant=user, date__gte=lundi, date__lte=lundi + timedelta(days=6))
            .annotate(nb_eleves=Count("presences"))
            .order_by("date", "pk")
        )
    if user.role == Role.CIRCONSCRIPTION:
        contexte["demandes_circonscription"] = _compter_par_etat(demandes)
        contexte["liste_attente"] = (
            demandes.filter(etat__in=ETATS_A_TRAITER).select_related("classe__ecole").order_by("envoyee_le", "pk")[:20]
        )
    return contexte


def _compter_par_etat(demandes) -> list[tuple[str, int]]:
    comptes = dict(demandes.values_list("etat").annotate(n=Count("pk")).values_list("etat", "n"))
    return [(etat.label, comptes.get(etat.value, 0)) for etat in EtatDemande if etat != EtatDemande.BROUILLON]
