"""Who may act on aid requests, object by object (reads go through ``visibles_par``)."""

import rules

from aides.enums import EtatDemande
from aides.models import DemandeAide
from aides.services import ROLE_PAR_TYPE_AIDE
from eleves.enums import ROLES_RASED, Role
from eleves.rules import actif, voit_eleve


@rules.predicate
def depose_pour_eleve(user, eleve):
    """Teachers and directeurs file requests for the pupils they see."""
    return user.role in (Role.ENSEIGNANT, Role.DIRECTEUR) and voit_eleve(user, eleve)


@rules.predicate
def auteur_du_brouillon(user, demande):
    return demande.auteur_id == user.pk and demande.etat == EtatDemande.BROUILLON


rules.add_perm("aides.add_demande", actif & depose_pour_eleve)
rules.add_perm("aides.change_demande", actif & auteur_du_brouillon)


# --- Programme personnalisé, evaluations, psychologist's conclusions -------------------------


@rules.predicate
def agit_sur_aide(user, aide):
    """The intervenant of an aid, or a RASED member of the same role covering the school's secteur.

    The role must match the kind of aid: a psychologist's follow-up is carried by psychologists only.
    """
    if aide is None or user.role != ROLE_PAR_TYPE_AIDE.get(aide.type):
        return False
    if aide.intervenant_id == user.pk:
        return True
    return bool(user.secteur_id) and DemandeAide.objects.filter(
        pk=aide.demande_id,
        circonscription_id=user.circonscription_id,
        classe__ecole__secteurs=user.secteur_id,
    ).exists()


@rules.predicate
def aide_psy(user, aide):
    return aide is not None and aide.est_psy


# Draft, edit, validate and renew an aid's programme; record and correct its evaluations.
# The object is the aid in each case.
rules.add_perm("aides.change_programme", actif & agit_sur_aide)
rules.add_perm("aides.add_evaluation", actif & agit_sur_aide)
rules.add_perm("aides.change_evaluation", actif & agit_sur_aide)
# The psychologist's conclusions, the only part of a psychological follow-up that may leave their space.
rules.add_perm("aides.add_conclusion", actif & aide_psy & agit_sur_aide)


# --- Sessions (séances) and support to school teams (pôle ressource) ------------------------


@rules.predicate
def membre_rased(user):
    """Sessions are logged by RASED members, each attached to a secteur."""
    return user.role in ROLES_RASED and bool(user.secteur_id)


@rules.predicate
def rased_du_secteur_de(user, ecole):
    """RASED members act as pôle ressource for the schools of their secteur."""
    return (
        user.role in ROLES_RASED
        and bool(user.secteur_id)
        and ecole.circonscription_id == user.circonscription_id
        and ecole.secteurs.filter(pk=user.secteur_id).exists()
    )


rules.add_perm("aides.add_seance", actif & membre_rased)
rules.add_perm("aides.view_seances", actif & membre_rased)
rules.add_perm("aides.add_actionequipe", actif & rased_du_secteur_de)


# --- Analysis, consents, decision, meetings (aides/views/analyse.py) ---
# Each predicate asks the database with one query by id, so that a page checking it for
# several objects does not depend on what the caller has loaded.


def _demande_de_l_ecole(user, demande_id, **ecole) -> bool:
    return DemandeAide.objects.filter(
        pk=demande_id, circonscription_id=user.circonscription_id, **ecole
    ).exists()


def _rased_du_secteur_de(user, demande_id) -> bool:
    return bool(
        user.role in ROLES_RASED
        and user.secteur_id
        and _demande_de_l_ecole(user, demande_id, classe__ecole__secteurs=user.secteur_id)
    )


@rules.predicate
def rased_du_secteur(user, demande):
    """RASED members whose secteur covers the request's school: they analyse and decide."""
    if demande is None:
        return False
    # A request's page checks several rules built on this one: asked once per loaded request.
    cle = (user.pk, user.role, user.secteur_id, user.circonscription_id)
    reponses = demande.__dict__.setdefault("_rased_du_secteur", {})
    if cle not in reponses:
        reponses[cle] = _rased_du_secteur_de(user, demande.pk)
    return reponses[cle]


@rules.predicate
def directeur_de_l_ecole(user, demande):
    """The directeur of the request's school: families often give their answer to the school."""
    return bool(
        demande is not None
        and user.role == Role.DIRECTEUR
        and user.ecole_id
        and _demande_de_l_ecole(user, demande.pk, classe__ecole_id=user.ecole_id)
    )


@rules.predicate
def demarre_l_aide(user, aide):
    """A RASED member of the secteur starts an aid; a psychologist's aid, only a psychologist."""
    if aide is None or (aide.est_psy and user.role != Role.PSYCHOLOGUE):
        return False
    return _rased_du_secteur_de(user, aide.demande_id)


# Prise en charge (référent), observations and decision.
rules.add_perm("aides.analyser_demande", actif & rased_du_secteur)
rules.add_perm("aides.add_consentement", actif & (rased_du_secteur | directeur_de_l_ecole))
rules.add_perm("aides.add_reunion", actif & (rased_du_secteur | directeur_de_l_ecole))
rules.add_perm("aides.demarrer_aide", actif & demarre_l_aide)
