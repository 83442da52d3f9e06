"""Who may do what with schools, classes and pupils, object by object.

These predicates state for one object what ``visibles_par`` states for a queryset;
``tests/eleves/test_scopes.py`` checks that both agree for every persona. Views look
objects up in the scoped querysets (a stranger gets 404) and ask these rules for actions.
"""

import rules

from eleves.double_authentification import double_authentification_manquante
from eleves.enums import ROLES_RASED, FonctionCirconscription, Role
from eleves.models import Eleve, annee_courante_debut, lit_le_secret_psy


@rules.predicate
def actif(user):
    return bool(user.is_authenticated and user.is_active and user.circonscription_id)


# Professional secrecy, stated once in eleves/models.py (where the models' querysets can ask it
# too), as a predicate for the permissions.
lit_le_secret_psy = rules.predicate(lit_le_secret_psy)


@rules.predicate
def membre_rased(user) -> bool:
    """A member of the RASED (maître E, maître G, psychologist), attached to a secteur."""
    return bool(user.is_authenticated and user.role in ROLES_RASED and user.secteur_id)


@rules.predicate
def administre_l_instance(user):
    """The administration site (rased/admin.py): the administrator role, and the superuser made
    by `createsuperuser` at installation to create the others, who has no circonscription (hence
    not ``actif``). Both need a session verified by a second factor, even if the middleware
    (eleves/double_authentification.py) were missing."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.role == Role.ADMINISTRATEUR or user.is_superuser)
        and not double_authentification_manquante(user)
    )


@rules.predicate
def est_admin(user):
    return user.role == Role.ADMINISTRATEUR


@rules.predicate
def est_circonscription(user):
    return user.role == Role.CIRCONSCRIPTION


@rules.predicate
def est_directeur(user):
    return user.role == Role.DIRECTEUR


def _meme_circonscription(user, circonscription_id) -> bool:
    return circonscription_id == user.circonscription_id


def _ecole_dans_scope(user, ecole) -> bool:
    if user.role in (Role.ADMINISTRATEUR, Role.CIRCONSCRIPTION):
        return True
    if user.role == Role.DIRECTEUR:
        return ecole.pk == user.ecole_id
    if user.role in ROLES_RASED:
        return bool(user.secteur_id) and ecole.secteurs.filter(pk=user.secteur_id).exists()
    return False


@rules.predicate
def voit_ecole(user, ecole):
    if not _meme_circonscription(user, ecole.circonscription_id):
        return False
    if user.role == Role.ENSEIGNANT:
        return ecole.classes.filter(enseignants=user, annee__debut=annee_courante_debut()).exists()
    return _ecole_dans_scope(user, ecole)


@rules.predicate
def voit_classe(user, classe):
    if not _meme_circonscription(user, classe.ecole.circonscription_id):
        return False
    if user.role in (Role.ADMINISTRATEUR, Role.CIRCONSCRIPTION):
        return True
    if classe.annee.debut != annee_courante_debut():
        return False
    if user.role == Role.ENSEIGNANT:
        return classe.enseignants.filter(pk=user.pk).exists()
    return _ecole_dans_scope(user, classe.ecole)


@rules.predicate
def voit_eleve(user, eleve):
    if not _meme_circonscription(user, eleve.circonscription_id):
        return False
    if user.role in (Role.ADMINISTRATEUR, Role.CIRCONSCRIPTION):
        return True
    inscription = eleve.inscription_courante
    if inscription is None:
        return False
    if user.role == Role.ENSEIGNANT:
        return inscription.classe.enseignants.filter(pk=user.pk).exists()
    return _ecole_dans_scope(user, inscription.classe.ecole)


@rules.predicate
def gere_ecole(user, ecole):
    """Directeur of this school, or administrator of its circonscription."""
    if ecole is None or not _meme_circonscription(user, ecole.circonscription_id):
        return False
    return user.role == Role.ADMINISTRATEUR or (user.role == Role.DIRECTEUR and ecole.pk == user.ecole_id)


@rules.predicate
def gere_classe(user, classe):
    return gere_ecole(user, classe.ecole)


@rules.predicate
def gere_eleve(user, eleve):
    if user.role == Role.ADMINISTRATEUR:
        return _meme_circonscription(user, eleve.circonscription_id)
    inscription = eleve.inscription_courante
    return inscription is not None and gere_ecole(user, inscription.classe.ecole)


rules.add_perm("eleves.administrer_instance", administre_l_instance)
rules.add_perm("eleves.view_ecole", actif & voit_ecole)
rules.add_perm("eleves.view_classe", actif & voit_classe)
rules.add_perm("eleves.view_eleve", actif & voit_eleve)
# Creating pupils and importing class lists: directeurs for their school, administrators.
rules.add_perm("eleves.add_eleve", actif & (est_admin | est_directeur))
rules.add_perm("eleves.change_eleve", actif & gere_eleve)
rules.add_perm("eleves.gerer_ecole", actif & gere_ecole)
rules.add_perm("eleves.change_classe", actif & gere_classe)


@rules.predicate
def voit_journal_eleve(user, eleve):
    """Seeing who looked at a pupil's file is itself a right (DOMAIN.md): the directeur of the
    pupil's current school, who answers for the school's files, and the IEN, who answers for the
    circonscription's. Not the teachers, the RASED members (whose own views are logged there),
    the conseillers pédagogiques, the secretariat, nor the instance's administrator."""
    if eleve is None or not _meme_circonscription(user, eleve.circonscription_id):
        return False
    if user.role == Role.CIRCONSCRIPTION:
        return user.fonction == FonctionCirconscription.IEN
    if user.role == Role.DIRECTEUR:
        inscription = eleve.inscription_courante
        return inscription is not None and inscription.classe.ecole_id == user.ecole_id
    return False


rules.add_perm("eleves.view_journal", actif & voit_journal_eleve)
# The INE (national pupil identifier, read from ONDE's extraction): the same two people, the
# directeur of the pupil's school and the IEN; everyone else sees the file without it.
rules.add_perm("eleves.view_ine", actif & voit_journal_eleve)
# Typing the INE of a pupil one creates: who will read it, the directeur (a pupil they create is
# enrolled in their school); not the administrator, who creates pupils without reading INEs.
rules.add_perm("eleves.saisir_ine_nouvel_eleve", actif & est_directeur)


# --- The family's right of access (RGPD art. 15), aides/views/droit_acces.py ---


@rules.predicate
def repond_droit_acces(user, eleve):
    """Who files a family's request for the whole file and prints it: those who answer for the
    files, as for the access log (the directeur of the pupil's current school, the IEN)."""
    return voit_journal_eleve(user, eleve)


def _du_secteur_de_l_eleve(user, eleve) -> bool:
    """The user's secteur covers the pupil's current school; for a pupil enrolled nowhere this
    year, the secteur of the last school (``Eleve.objects.partis_du_secteur``)."""
    if eleve.inscription_courante is not None:
        return voit_eleve(user, eleve)
    return (
        _meme_circonscription(user, eleve.circonscription_id) and bool(user.secteur_id)
        and Eleve.objects.filter(pk=eleve.pk).partis_du_secteur(user.secteur_id).exists()
    )


@rules.predicate
def relit_volet_rased(user, eleve):
    """A RASED member (maître E, maître G or psychologist) of the pupil's secteur reads and
    releases the RASED's part: what the RASED reads and the printer does not (the decisions, the
    internal notes and synthèses, the sessions of E and G aids)."""
    return eleve is not None and membre_rased(user) and _du_secteur_de_l_eleve(user, eleve)


@rules.predicate
def relit_volet_psy(user, eleve):
    """A psychologist of the pupil's secteur reads and releases the psychological part
    (professional secrecy: nobody else may read it first)."""
    return eleve is not None and lit_le_secret_psy(user) and _du_secteur_de_l_eleve(user, eleve)


rules.add_perm("eleves.repondre_droit_acces", actif & repond_droit_acces)
rules.add_perm("eleves.liberer_volet_rased", actif & relit_volet_rased)
rules.add_perm("eleves.liberer_volet_psy", actif & relit_volet_psy)
# The lists of parts waiting for a review (each one then checked as above): the RASED's parts
# for every RASED member, the psychological parts for the psychologists.
rules.add_perm("eleves.relire_volets_rased", actif & membre_rased)
rules.add_perm("eleves.relire_volets_psy", actif & lit_le_secret_psy)
# Who holds the psychologist's role since when, and what those accounts consulted: watched by
# the psychologists themselves (an account given the role unduly shows there).
rules.add_perm("eleves.view_acces_psychologues", actif & lit_le_secret_psy)


@rules.predicate
def est_ien(user) -> bool:
    return user.role == Role.CIRCONSCRIPTION and user.fonction == FonctionCirconscription.IEN


# « Mon compte »: every signed-in person, for themselves. The circonscription's settings (the
# reminders' delay): its IEN.
rules.add_perm("eleves.change_compte", actif)
rules.add_perm("eleves.regler_circonscription", actif & est_ien)
