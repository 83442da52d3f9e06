"""Reads of the aid workflow shaped for pages: always from the user's scoped querysets.

Here the reads several stages share (a request and its page, the RASED of its secteur, the
dashboard, the pupil's path); beside it one module per stage, named as in ``aides/views/``.
"""

from datetime import timedelta

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from aides.enums import (
    ETATS_A_TRAITER,
    ETATS_REPONDUS,
    REPONSE_APPORTEE,
    EtatAide,
    EtatDemande,
    EtatProgramme,
)
from aides.models import (
    ActionEquipe,
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Notification,
    Objectif,
    Observation,
    Programme,
    Reunion,
    Seance,
)
from aides.rules import connait_les_suivis_psy, etat_lisible
from eleves.alphabetique import ordre_alphabetique
from eleves.enums import ROLES_RASED, Role
from eleves.models import Eleve, Utilisateur
from eleves.scolarite import annee_scolaire_de, libelle_annee


def demande_visible_ou_404(user, pk) -> DemandeAide:
    """A request looked up in what ``user`` may see: outside their scope it does not exist."""
    qs = DemandeAide.objects.visibles_par(user).select_related(
        "eleve", "classe__ecole", "auteur", "referent", "decidee_par")
    return get_object_or_404(qs, pk=pk)


def aide_lisible_ou_404(user, pk) -> Aide:
    """An aid whose content ``user`` may read (``Aide.objects.confidentielles_lisibles_par``), with
    its request, pupil and member: for anyone else (a psychological follow-up, for anyone but a
    psychologist) it does not exist."""
    qs = Aide.objects.confidentielles_lisibles_par(user).select_related("demande", "eleve", "intervenant")
    return get_object_or_404(qs, pk=pk)


def membres_rased_de(demande: DemandeAide):
    """The active RASED members whose secteur covers the request's school."""
    return Utilisateur.objects.filter(
        is_active=True,
        role__in=ROLES_RASED,
        secteur__ecoles=demande.classe.ecole_id,
        circonscription_id=demande.eleve.circonscription_id,
    ).distinct()


def contexte_demande(user, demande) -> dict:
    """Everything a request's page shows, each part filtered by what ``user`` may read.

    The teacher sees the decision, the aids, programmes and evaluations, never the RASED's
    internal observations; a psychological follow-up's content is for psychologists only.
    """
    programmes = Programme.objects.visibles_par(user).prefetch_related(
        Prefetch("objectifs", Objectif.objects.select_related("competence")), "actions",
        Prefetch(
            "evaluations",
            Evaluation.objects.select_related("auteur").prefetch_related(
                Prefetch("resultats", EvaluationObjectif.objects.select_related("objectif"))
            ),
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
        aide.contenu_lisible = aide.contenu_lisible_par(user)
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
            *ordre_alphabetique("eleve__nom", "eleve__prenom"), "pk"
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
    """Counts by state, the RASED's answers as one (« Réponse apportée par le RASED »): these
    dashboards are read by people not told of psychological follow-ups (``etat_lisible``)."""
    comptes = dict(demandes.values_list("etat").annotate(n=Count("pk")).values_list("etat", "n"))
    lignes = [(etat.label, comptes.get(etat.value, 0)) for etat in EtatDemande
              if etat != EtatDemande.BROUILLON and etat not in ETATS_REPONDUS]
    return lignes + [(REPONSE_APPORTEE, sum(comptes.get(etat.value, 0) for etat in ETATS_REPONDUS))]


def evaluations_de_l_eleve(user, eleve) -> list[Evaluation]:
    """The pupil's bilans that ``user`` may read, oldest first, with their programme and aid and
    their results: read once for the pupil's page, by its path and by its charts."""
    return list(
        Evaluation.objects.visibles_par(user).filter(programme__aide__eleve=eleve)
        .select_related("programme__aide").prefetch_related("resultats").order_by("date", "pk")
    )


def parcours_eleve(user, eleve, evaluations) -> list[dict]:
    """The pupil's path as ``user`` may see it: one entry per request, newest school year first.

    Each entry has its dated events (sent, decision, meetings, programme versions,
    evaluations), the number of sessions of each readable aid, and the next step to take.
    ``evaluations``: ``evaluations_de_l_eleve(user, eleve)``.
    """
    demandes = (
        DemandeAide.objects.visibles_par(user)
        .filter(eleve=eleve)
        .select_related("classe__ecole", "auteur")
        .prefetch_related(
            Prefetch("reunions", Reunion.objects.visibles_par(user), to_attr="reunions_visibles"),
            Prefetch(
                "aides",
                Aide.objects.visibles_par(user)
                .select_related("intervenant")
                .annotate(nb_seances=Count("presences", distinct=True)),
                to_attr="aides_visibles",
            ),
        )
        .order_by("-cree_le")
    )
    programmes = {}
    for programme in Programme.objects.visibles_par(user).filter(aide__eleve=eleve):
        programmes.setdefault(programme.aide_id, []).append(programme)
    evaluations_du_programme = {}
    for evaluation in evaluations:
        evaluations_du_programme.setdefault(evaluation.programme_id, []).append(evaluation)
    parcours = []
    for demande in demandes:
        connait = connait_les_suivis_psy(user, demande)
        evenements = []
        if demande.envoyee_le:
            evenements.append((timezone.localdate(demande.envoyee_le), "Demande envoyée au RASED"))
        if demande.decidee_le:
            decision = f"Décision : {demande.get_decision_display()}" if connait else REPONSE_APPORTEE
            evenements.append((timezone.localdate(demande.decidee_le), decision))
        for reunion in demande.reunions_visibles:
            evenements.append((timezone.localdate(reunion.date), reunion.get_type_display()))
        for aide in demande.aides_visibles:
            aide.contenu_lisible = aide.contenu_lisible_par(user)
            for programme in programmes.get(aide.pk, []):
                if programme.valide_le:
                    evenements.append((timezone.localdate(programme.valide_le),
                                       f"Programme personnalisé validé (version {programme.version})"))
                for evaluation in evaluations_du_programme.get(programme.pk, []):
                    evenements.append((evaluation.date, f"{evaluation.get_type_display()} : {evaluation.get_suite_display().lower()}"))
        evenements.sort(key=lambda e: e[0])
        parcours.append({
            "demande": demande,
            "etat": etat_lisible(user, demande),
            "annee": libelle_annee(annee_scolaire_de(timezone.localdate(demande.cree_le))),
            "evenements": evenements,
            "aides": demande.aides_visibles,
            # What comes after the RASED's answer is told to those who read the answer.
            "prochaine_etape": _prochaine_etape(demande, programmes) if connait or not demande.a_recu_reponse else "",
        })
    return parcours


def _prochaine_etape(demande, programmes) -> str:
    match demande.etat:
        case EtatDemande.BROUILLON:
            return "Compléter la demande et l'envoyer au RASED (après avoir informé la famille)."
        case EtatDemande.ENVOYEE:
            return "Le RASED examine la demande et nomme un référent."
        case EtatDemande.EN_ANALYSE:
            return "Le RASED recueille les informations puis décide de la réponse."
        case EtatDemande.AUTRE_REPONSE | EtatDemande.CLOTUREE:
            return ""
    for aide in demande.aides_visibles:
        if aide.etat == EtatAide.A_DEMARRER:
            return f"{aide.get_type_display()} : recueillir l'accord de la famille, puis démarrer l'aide."
        if aide.etat == EtatAide.EN_COURS and aide.contenu_lisible:
            valides = [p for p in programmes.get(aide.pk, []) if p.etat == EtatProgramme.VALIDE]
            if not valides:
                return f"{aide.get_type_display()} : rédiger et valider le programme personnalisé."
            return f"{aide.get_type_display()} : bilan prévu le {valides[0].date_revision:%d/%m/%Y}."
    return "Aide en cours."


def dernieres_actions_equipe(user, ecole, nombre: int = 5) -> list[ActionEquipe]:
    """The RASED's latest team actions in ``ecole`` that ``user`` may see (the school's page),
    their pupil named as ``nommer_eleves_des_actions`` allows."""
    actions = list(
        ActionEquipe.objects.visibles_par(user).filter(ecole=ecole).select_related("auteur", "eleve")
        .order_by("-date", "-pk")[:nombre]
    )
    nommer_eleves_des_actions(user, actions)
    return actions


def nommer_eleves_des_actions(user, actions) -> None:
    """Sets ``eleve_nomme`` on each action: its pupil, or None when ``user`` may not see the name."""
    ids = {a.eleve_id for a in actions if a.eleve_id}
    visibles = set()
    if ids:
        visibles = set(Eleve.objects.visibles_par(user).filter(pk__in=ids).values_list("pk", flat=True))
    for action in actions:
        # A psychologist's actions reach only psychologists (``ActionEquipe.objects.visibles_par``).
        action.eleve_nomme = action.eleve if action.eleve_id in visibles else None
