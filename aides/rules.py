"""The access policy of the aid workflow: who may do what, and when, each rule written once.

- Who reads what is the querysets' ``visibles_par`` (aides/models.py), built on two rules stated
  here or in eleves/rules.py: the psychologist's professional secrecy (``lit_le_secret_psy``) and
  who learns that a psychological follow-up exists (``connait_les_suivis_psy``).
- Who acts on an aid: its intervenant, or the one stand-in this policy allows
  (``agit_pour_l_aide``, and ``Aide.objects.menees_par`` for lists; a test checks both agree).
- What may be done now: each action is a permission that carries the object's state, as pretalx
  writes ``can_be_withdrawn & is_speaker`` — e.g. deciding a request = active RASED member of
  the secteur & request awaiting a decision (``ACTIONS`` below). Views ask ``verifier``; templates
  show a button only through ``{% has_perm %}`` on the same permission.

The predicates that ask the database do it with one query by id, cached on the loaded object,
so that a page checking several permissions on one request does not repeat them.
"""

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from aides.enums import (
    ETATS_A_TRAITER,
    ETATS_REPONDUS,
    REPONSE_APPORTEE,
    ROLE_PAR_TYPE_AIDE,
    ActeConsentement,
    EtatAide,
    EtatDemande,
    EtatProgramme,
)
from aides.exceptions import EtatRefuse
from aides.models import Aide, Consentement, DemandeAide, PresenceSeance
from eleves.enums import ROLES_RASED, Role
from eleves.models import Ecole
from eleves.rules import (
    actif,
    est_admin,
    est_circonscription,
    est_directeur,
    lit_le_secret_psy,
    membre_rased,
    voit_eleve,
)


def _en_cache(objet, cle: str, user, calcul):
    """The answer of ``calcul()`` for ``user``, kept on ``objet`` for the rest of the request."""
    reponses = objet.__dict__.setdefault(f"_regle_{cle}", {})
    personne = (user.pk, user.role, user.secteur_id, user.ecole_id, user.circonscription_id)
    if personne not in reponses:
        reponses[personne] = calcul()
    return reponses[personne]


# --- Who: people in relation to a request, an aid, a school ------------------------------------


@rules.predicate
def auteur_de_la_demande(user, demande):
    return demande is not None and demande.auteur_id == user.pk


@rules.predicate
def rased_du_secteur(user, demande):
    """RASED members whose secteur covers the request's school: they analyse and decide."""
    if demande is None or not membre_rased(user):
        return False
    return _en_cache(demande, "rased_du_secteur", user, lambda: DemandeAide.objects.filter(
        pk=demande.pk, circonscription_id=user.circonscription_id, classe__ecole__secteurs=user.secteur_id,
    ).exists())


@rules.predicate
def directeur_de_l_ecole(user, demande):
    """The directeur of the request's school: families often give their answer to the school."""
    if demande is None or user.role != Role.DIRECTEUR or not user.ecole_id:
        return False
    return _en_cache(demande, "directeur", user, lambda: DemandeAide.objects.filter(
        pk=demande.pk, circonscription_id=user.circonscription_id, classe__ecole_id=user.ecole_id,
    ).exists())


psychologue_du_secteur = lit_le_secret_psy & rased_du_secteur


@rules.predicate
def connait_les_suivis_psy(user, demande):
    """Who learns that a psychological follow-up was decided for a request they see: the
    psychologists, the RASED members (a request reaches them only in their secteur: they decided
    it together), and the teacher who filed it (the RASED's answer is addressed to them). Not the
    directeur of another teacher's request, not the circonscription (DOMAIN.md: no nominative list
    of the pupils a psychologist sees), not the administrator. ``Aide.objects.visibles_par``
    states the same for lists; for a request read through ``DemandeAide.objects.visibles_par``."""
    if demande is None:
        return False
    return bool(lit_le_secret_psy(user) or user.role in ROLES_RASED or demande.auteur_id == user.pk)


def lit_les_reponses_en_detail(user) -> bool:
    """For a list of requests (filters, counts): whether every RASED answer may be told apart for
    ``user`` (``connait_les_suivis_psy`` without a given request). Everyone else reads the answered
    states as one, « Réponse apportée par le RASED », as ``etat_lisible`` shows each row."""
    return bool(lit_le_secret_psy(user) or user.role in ROLES_RASED)


@dataclass(frozen=True)
class EtapeLisible:
    le: object
    libelle: str
    auteur: object


def etapes_lisibles(user, demande, etapes) -> list[EtapeLisible]:
    """A request's steps (``HistoriqueDemande``) as ``user`` may read them: for those not told of
    psychological follow-ups, the RASED's answer is one step « Réponse apportée par le RASED »,
    without its author, and no later step (an end would date the end of a follow-up).
    ``user=None`` reads as someone not told (the family's copy, whoever prints it)."""
    if user is not None and connait_les_suivis_psy(user, demande):
        return [EtapeLisible(e.le, e.get_vers_display(), e.auteur) for e in etapes]
    lisibles = []
    for etape in etapes:
        if etape.vers in ETATS_REPONDUS:
            lisibles.append(EtapeLisible(etape.le, REPONSE_APPORTEE, None))
            break
        lisibles.append(EtapeLisible(etape.le, etape.get_vers_display(), etape.auteur))
    return lisibles


def etat_lisible(user, demande) -> str:
    """The request's state as ``user`` may read it: for those not told of psychological
    follow-ups, every answer of the RASED reads the same, so that a request answered by a
    psychological follow-up alone (an « aid decided » with no aid they can see) is not singled out."""
    if demande.a_recu_reponse and not connait_les_suivis_psy(user, demande):
        return REPONSE_APPORTEE
    return demande.get_etat_display()


@rules.predicate
def agit_pour_l_aide(user, aide):
    """The intervenant of an aid, or the one stand-in allowed: a member of the same role whose
    secteur covers the request's school (a colleague replacing an absent one, or the member who
    took over the secteur). A psychologist's follow-up is carried by psychologists only.
    ``Aide.objects.menees_par`` states the same for lists."""
    if aide is None or not actif(user) or not membre_rased(user) or user.role != ROLE_PAR_TYPE_AIDE.get(aide.type):
        return False
    if aide.intervenant_id == user.pk:
        return True
    return _en_cache(aide, "agit", user, lambda: Aide.objects.menees_par(user).filter(pk=aide.pk).exists())


@rules.predicate
def agit_pour_le_programme(user, programme):
    return programme is not None and agit_pour_l_aide(user, programme.aide)


@rules.predicate
def agit_pour_l_evaluation(user, evaluation):
    return evaluation is not None and agit_pour_l_aide(user, evaluation.programme.aide)


@rules.predicate
def agit_pour_la_conclusion(user, conclusion):
    return conclusion is not None and agit_pour_l_aide(user, conclusion.aide)


@rules.predicate
def corrige_la_seance(user, seance):
    """A session is corrected or deleted by the member who logged it, or by one who acts for every
    aid of it (the policy's stand-in, ``agit_pour_l_aide``: same role, so a psychologist's
    session stays with psychologists)."""
    if seance is None or not actif(user) or not membre_rased(user):
        return False
    if seance.intervenant_id == user.pk:
        return True

    def pour_chaque_aide():
        ids = _aides_de_la_seance(seance)
        return bool(ids) and Aide.objects.menees_par(user).filter(pk__in=ids).count() == len(ids)

    return _en_cache(seance, "corrige", user, pour_chaque_aide)


def _aides_de_la_seance(seance) -> set[int]:
    """The ids of a session's aids, from its prefetched attendance rows when a list read them."""
    prefetchees = getattr(seance, "_prefetched_objects_cache", {}).get("presences")
    if prefetchees is not None:
        return {p.aide_id for p in prefetchees}
    return set(PresenceSeance.objects.filter(seance_id=seance.pk).values_list("aide_id", flat=True))


def corrections_d_une_liste(user, seances) -> None:
    """Answer ``corrige_la_seance`` for every session of a list in one query (the aids ``user``
    carries) instead of one per row, and keep the answers on the sessions for the request, where
    ``{% has_perm "aides.change_seance" %}`` finds them. Same rule, read in bulk; the sessions
    should come with their attendance rows prefetched."""
    menees = frozenset(Aide.objects.menees_par(user).values_list("pk", flat=True))
    for seance in seances:
        ids = _aides_de_la_seance(seance)
        _en_cache(seance, "corrige", user, lambda ids=ids: bool(ids) and ids <= menees)


def _auteur_du_compte_rendu(user, objet) -> bool:
    """The author of a note, a meeting or a team action corrects or deletes it; a record a
    psychologist wrote (``confidentielle``) stays in psychologists' hands, whatever the
    author's role became."""
    if objet is None or objet.auteur_id != user.pk:
        return False
    return not objet.confidentielle or lit_le_secret_psy(user)


@rules.predicate
def auteur_de_l_observation(user, observation):
    return membre_rased(user) and _auteur_du_compte_rendu(user, observation)


@rules.predicate
def auteur_de_la_reunion(user, reunion):
    return _auteur_du_compte_rendu(user, reunion)


@rules.predicate
def auteur_de_l_action_equipe(user, action):
    return membre_rased(user) and _auteur_du_compte_rendu(user, action)


@rules.predicate
def depose_pour_eleve(user, eleve):
    """Teachers and directeurs file requests for the pupils they see."""
    return user.role in (Role.ENSEIGNANT, Role.DIRECTEUR) and voit_eleve(user, eleve)


@rules.predicate
def rased_du_secteur_de_l_ecole(user, ecole):
    """RASED members act as pôle ressource for the schools of their secteur."""
    if ecole is None or not membre_rased(user) or ecole.circonscription_id != user.circonscription_id:
        return False
    return _en_cache(ecole, "rased", user, lambda: Ecole.objects.filter(pk=ecole.pk, secteurs=user.secteur_id).exists())


# --- When: the states that allow each move ------------------------------------------------------


@rules.predicate
def brouillon(user, demande):
    return demande is not None and demande.etat == EtatDemande.BROUILLON


@rules.predicate
def a_traiter(user, demande):
    return demande is not None and demande.etat in ETATS_A_TRAITER


@rules.predicate
def envoyee(user, demande):
    return demande is not None and demande.etat != EtatDemande.BROUILLON


@rules.predicate
def ouverte(user, demande):
    return demande is not None and demande.etat not in (EtatDemande.BROUILLON, EtatDemande.CLOTUREE)


@rules.predicate
def aide_decidee(user, demande):
    return demande is not None and demande.etat == EtatDemande.AIDE_DECIDEE


@rules.predicate
def decision_revisable(user, demande):
    """The RASED has answered and none of the aids it decided has started (an aid refused by the
    family before it started has not): once one has, the journey's own moves take over."""
    if demande is None or demande.etat not in ETATS_REPONDUS:
        return False
    return _en_cache(demande, "revisable", user, lambda: not Aide.objects.filter(
        demande_id=demande.pk).filter(Q(etat=EtatAide.EN_COURS) | Q(debut__isnull=False)).exists())


@rules.predicate
def aide_a_demarrer(user, aide):
    return aide is not None and aide.etat == EtatAide.A_DEMARRER


@rules.predicate
def aide_non_terminee(user, aide):
    return aide is not None and aide.etat != EtatAide.TERMINEE


@rules.predicate
def aide_psy(user, aide):
    return aide is not None and aide.est_psy


@rules.predicate
def programme_brouillon(user, programme):
    return programme is not None and programme.etat == EtatProgramme.BROUILLON


@rules.predicate
def programme_valide_en_cours(user, programme):
    return programme is not None and programme.etat == EtatProgramme.VALIDE and programme.aide.etat != EtatAide.TERMINEE


# --- What an action waits for besides the state: the button shows it, the service enforces it ----


@dataclass(frozen=True)
class Prealable:
    """A condition the service checks before acting (the family's agreement, an objective…).

    It is not part of the permission: the page that prepares the action stays open (it says how
    to meet the condition). The button is shown disabled with ``raison`` instead of failing after
    the click, and the service refuses with the same ``raison``.
    """

    rempli: Callable[[object], bool]  # (objet) -> bool
    raison: Callable[[object], str]  # (objet) -> the French reason


def accord_pour_demarrer(aide) -> bool:
    """The family's latest word on the act the aid waits for is an agreement."""
    return Consentement.objects.accorde(demande=aide.demande_id, acte=acte_pour_demarrer(aide))


def acte_pour_demarrer(aide) -> str:
    """The act whose agreement an aid waits for: the psychologist's, or an E or G aid's."""
    return ActeConsentement.PSY if aide.est_psy else ActeConsentement.AIDE_E_G


ACCORD_POUR_DEMARRER = Prealable(accord_pour_demarrer, lambda aide: (
    "Aucun suivi psychologique ne commence sans l'accord des parents : enregistrez-le d'abord."
    if aide.est_psy else "L'aide ne peut pas commencer avant l'accord de la famille : enregistrez-le d'abord."
))
PROGRAMME_AVEC_OBJECTIF = Prealable(
    lambda programme: programme.objectifs.exists(),
    lambda programme: "Un programme sans objectif ne peut pas être validé : ajoutez-en au moins un.",
)
FAMILLE_INFORMEE = Prealable(
    lambda demande: bool(demande.famille_informee_le and demande.famille_informee_par),
    lambda demande: ("La famille doit être informée avant l'envoi de la demande au RASED : "
                     "indiquez la date et la manière dont elle a été informée."),
)
DEMANDE_COMPLETE = Prealable(
    lambda demande: bool(demande.domaines and demande.difficultes.strip()),
    lambda demande: "Indiquez au moins un domaine du socle commun et décrivez les difficultés observées.",
)


MOTIF_SI_AUTRE_DEMANDE = Prealable(
    lambda demande: bool(demande.motif_autre_demande.strip()) or not DemandeAide.objects.autres_en_cours(
        eleve_id=demande.eleve_id, auteur_id=demande.auteur_id, sauf=demande.pk).exists(),
    lambda demande: ("Cet élève a déjà une demande d'aide en cours : avant d'en envoyer une autre, indiquez "
                     "dans le formulaire pourquoi elle est nécessaire."),
)


def prealable_manquant(prealables, objet) -> str:
    """The reason of the first condition ``objet`` does not meet, or ``""``."""
    return next((p.raison(objet) for p in prealables if not p.rempli(objet)), "")


# --- The actions: who & when, with the reason given when only the state forbids them -----------


# Said when an aid decided has started (or before any decision): the decision stands, the journey
# has its own moves.
REFUS_REVISION_DECISION = (
    "Une décision du RASED ne se révise que tant qu'aucune des aides décidées n'a commencé. Une fois "
    "une aide commencée, le parcours a ses propres étapes : pour changer d'aide, enregistrez un bilan "
    "final « changement du type d'aide », puis ajoutez la nouvelle aide ; pour l'arrêter, un bilan "
    "final « arrêt »."
)


@dataclass(frozen=True)
class Action:
    qui: rules.Predicate
    quand: rules.Predicate | None = None
    # Said to someone who may do this, but not in the object's present state.
    refus: str = ""
    # What the action waits for besides the state (``Prealable``): shown on the disabled button.
    prealables: tuple = ()


ACTIONS = {
    # Requests (object: the request).
    "aides.change_demande": Action(auteur_de_la_demande, brouillon, "Une demande envoyée ne peut plus être modifiée."),
    "aides.envoyer_demande": Action(auteur_de_la_demande, brouillon, "Cette demande a déjà été envoyée.",
                                    (FAMILLE_INFORMEE, DEMANDE_COMPLETE, MOTIF_SI_AUTRE_DEMANDE)),
    "aides.delete_demande": Action(
        auteur_de_la_demande, brouillon,
        "Une demande envoyée au RASED ne peut plus être supprimée : elle fait partie du dossier de l'élève."),
    "aides.prendre_en_charge": Action(rased_du_secteur, a_traiter, "Cette demande n'est plus en attente d'analyse."),
    "aides.decider_demande": Action(rased_du_secteur, a_traiter, "Une décision a déjà été prise pour cette demande."),
    "aides.reviser_decision": Action(rased_du_secteur, decision_revisable, REFUS_REVISION_DECISION),
    "aides.add_observation": Action(
        rased_du_secteur, ouverte, "On ne peut pas ajouter d'observation à cette demande dans son état actuel."),
    "aides.add_aide": Action(
        rased_du_secteur, aide_decidee,
        "On ne peut ajouter une aide qu'à une demande pour laquelle une aide a été décidée."),
    # The family's answers: the RASED of the secteur and the school's directeur record them; the
    # answers about the psychologist's work, the psychologists of the secteur only.
    "aides.add_consentement": Action(
        rased_du_secteur | directeur_de_l_ecole, envoyee,
        "Les réponses de la famille s'enregistrent une fois la demande envoyée au RASED."),
    "aides.add_consentement_psy": Action(
        psychologue_du_secteur, envoyee,
        "Les réponses de la famille s'enregistrent une fois la demande envoyée au RASED."),
    "aides.add_reunion": Action(
        rased_du_secteur | directeur_de_l_ecole, envoyee,
        "Une réunion ne s'enregistre que pour une demande envoyée au RASED."),
    # Aids (object: the aid), carried by their intervenant or the stand-in.
    "aides.arreter_aide_depart": Action(
        agit_pour_l_aide, aide_non_terminee, "Cette aide est déjà terminée."),
    "aides.demarrer_aide": Action(agit_pour_l_aide, aide_a_demarrer, "Cette aide n'est plus à démarrer.",
                                  (ACCORD_POUR_DEMARRER,)),
    "aides.add_programme": Action(
        agit_pour_l_aide, aide_non_terminee, "Cette aide est terminée : aucun programme ne peut plus y être rédigé."),
    "aides.add_conclusion": Action(aide_psy & agit_pour_l_aide),
    # Programmes (object: the programme version).
    "aides.change_programme": Action(
        agit_pour_le_programme, programme_brouillon, "Un programme validé ne se modifie pas : créez une nouvelle version."),
    "aides.valider_programme": Action(
        agit_pour_le_programme, programme_brouillon, "Cette version du programme n'est plus un brouillon.",
        (PROGRAMME_AVEC_OBJECTIF,)),
    "aides.renouveler_programme": Action(
        agit_pour_le_programme, programme_valide_en_cours,
        "Seule la version validée du programme d'une aide en cours peut être renouvelée."),
    # The skills' search of the programme's form: the reference list is public, the page is the RASED's.
    "aides.chercher_competence": Action(membre_rased),
    "aides.add_evaluation": Action(
        agit_pour_le_programme, programme_valide_en_cours,
        "Seul le programme validé d'une aide en cours s'évalue."),
    # Reviews and conclusions already written (object: the review, the conclusion).
    "aides.change_evaluation": Action(agit_pour_l_evaluation),
    "aides.change_conclusion": Action(agit_pour_la_conclusion),
    # Sessions and support to school teams (pôle ressource).
    "aides.add_seance": Action(membre_rased),
    "aides.view_seances": Action(membre_rased),
    "aides.add_actionequipe": Action(rased_du_secteur_de_l_ecole),
    # Corrections of what was recorded (object: the session, note, meeting or team action). A
    # deletion says why (``aides.services._supprimer`` keeps the reason).
    "aides.change_seance": Action(corrige_la_seance),
    "aides.delete_seance": Action(corrige_la_seance),
    "aides.change_observation": Action(auteur_de_l_observation),
    "aides.delete_observation": Action(auteur_de_l_observation),
    "aides.change_reunion": Action(auteur_de_la_reunion),
    "aides.delete_reunion": Action(auteur_de_la_reunion),
    "aides.change_actionequipe": Action(auteur_de_l_action_equipe),
    "aides.delete_actionequipe": Action(auteur_de_l_action_equipe),
    # The RASED's internal notes on a request's page.
    "aides.view_observations": Action(membre_rased),
    # The RASED's decision (its kind, reason, author): for those told of psychological
    # follow-ups (the others read « Réponse apportée par le RASED », see ``etat_lisible``).
    "aides.view_decision": Action(connait_les_suivis_psy),
    # Filing a request for a pupil (object: the pupil).
    "aides.add_demande": Action(depose_pour_eleve),
    # Documents: who prints each letter to the family (object: the request). The information,
    # whoever filed the request, its school's directeur and the RASED of the secteur; the
    # agreement to an aid, the RASED and the directeur; the agreement to the psychologist's
    # assessment, the psychologists of the secteur and the directeur (who hands letters out).
    "aides.imprimer_courrier_information": Action(auteur_de_la_demande | directeur_de_l_ecole | rased_du_secteur),
    "aides.imprimer_courrier_accord_aide": Action(directeur_de_l_ecole | rased_du_secteur),
    "aides.imprimer_courrier_accord_psy": Action(directeur_de_l_ecole | psychologue_du_secteur),
    # The pupil's fiche de suivi: those who see the pupil, not the instance's administrator.
    "aides.imprimer_fiche_suivi": Action(~est_admin),
    # Reports: the yearly report is the circonscription's; the lists by période and the waiting
    # list, the directeurs', the RASED's and the circonscription's (nominative for the first two).
    "aides.view_rapport_annuel": Action(est_circonscription),
    "aides.view_listes": Action(est_directeur | membre_rased | est_circonscription),
    "aides.view_listes_nominatives": Action(est_directeur | membre_rased),
    # « Mon activité »: a RASED member's own figures, read by them alone (the page has no way to
    # name another person: a psychologist's figures stay hers, the IEN reads the yearly report).
    "aides.view_activite": Action(membre_rased),
}

for _nom, _action in ACTIONS.items():
    rules.add_perm(_nom, actif & _action.qui & _action.quand if _action.quand else actif & _action.qui)


@dataclass(frozen=True)
class ActionPossible:
    """What a page shows for one action: a live button (``permise``), a disabled one with
    ``raison`` (the person may act, in this state, but a condition is missing), or nothing."""

    permise: bool
    raison: str = ""

    @property
    def montree(self) -> bool:
        return self.permise or bool(self.raison)


def action_possible(user, permission: str, objet=None) -> ActionPossible:
    if not user.has_perm(permission, objet):
        return ActionPossible(False)
    action = ACTIONS.get(permission)
    raison = prealable_manquant(action.prealables, objet) if action else ""
    return ActionPossible(not raison, raison)


def _refus_d_etat(user, action: "Action | None", objet) -> str | None:
    """For someone the action's ``qui`` admits and who was refused: its state reason; else None."""
    if action is not None and action.quand is not None and (actif & action.qui).test(user, objet):
        return action.refus
    return None


def refus_d_etat(user, permission: str, objet=None) -> str:
    """Why ``user``, who may do this action, may not do it on ``objet`` in its present state (the
    policy's ``refus``); "" when they may, or may never."""
    if user.has_perm(permission, objet):
        return ""
    return _refus_d_etat(user, ACTIONS.get(permission), objet) or ""


def verifier(user, permission: str, objet=None, *, avec_etat: bool = True) -> None:
    """Ask the policy before a page acts: 403 (``PermissionDenied``, the French page) for someone
    who may never do this on ``objet``; ``EtatRefuse`` with the reason when only its state stands
    in the way. ``avec_etat=False`` asks only who may act (the service then checks the state and
    refuses with its own message: a form sent in the meantime keeps what was typed)."""
    action = ACTIONS.get(permission)
    if action is not None and not avec_etat:
        if (actif & action.qui).test(user, objet):
            return
        raise PermissionDenied
    if user.has_perm(permission, objet):
        return
    if (raison := _refus_d_etat(user, action, objet)) is not None:
        raise EtatRefuse(raison, objet=objet)
    raise PermissionDenied


# Emploi du temps : groupes et créneaux
# A member's groups, slots and travel times are his own (``Groupe.objects.de``,
# ``Creneau.objects.de``): a colleague builds his own, a psychologist's groups are hers.


@rules.predicate
def intervenant_de(user, objet):
    """The member whose group or slot it is."""
    return objet is not None and membre_rased(user) and objet.intervenant_id == user.pk


ACTIONS_EMPLOI_DU_TEMPS = {
    # Building one's timetable (no object): the RASED members attached to a secteur.
    "aides.gerer_emploi_du_temps": Action(membre_rased),
    # One's group, slot, or slot's day not held (object: the group or the slot).
    "aides.change_groupe": Action(intervenant_de),
    "aides.change_creneau": Action(intervenant_de),
}
ACTIONS.update(ACTIONS_EMPLOI_DU_TEMPS)
for _nom, _action in ACTIONS_EMPLOI_DU_TEMPS.items():
    rules.add_perm(_nom, actif & _action.qui)


# --- Emploi du temps : semaine et agenda --------------------------------------------------------
# « Ma semaine » and the calendar feed's link: the RASED member's own timetable (no object: each
# reads only his own slots, meetings and actions). The feed itself answers to its secret token,
# not to a session (aides/views/semaine.py).
ACTIONS_SEMAINE = {
    "aides.view_ma_semaine": Action(membre_rased),
    "aides.gerer_lien_agenda": Action(membre_rased),
}
for _nom, _action in ACTIONS_SEMAINE.items():
    rules.add_perm(_nom, actif & _action.qui)
ACTIONS.update(ACTIONS_SEMAINE)
