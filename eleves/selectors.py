"""Reads of schools, classes and pupils shaped for pages and forms: always from the user's
scoped querysets (``visibles_par``), so that a stranger's object is a 404 and a list holds only
what its reader may see.

The aid workflow's reads are ``aides/selectors/``; this module reads nothing of aides (eleves
never imports aides).
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from eleves.alphabetique import alphabetique, ordre_alphabetique
from eleves.calendrier import Calendrier
from eleves.enums import Role
from eleves.historique_lisible import (
    entrees,
    filtre_des_objets,
    lignes_des_entrees,
    recentes_d_abord,
)
from eleves.models import (
    AttributionRole,
    Circonscription,
    Classe,
    Ecole,
    Eleve,
    Inscription,
    JournalAcces,
    PeriodeVacances,
    Plan,
    ResponsableLegal,
    Utilisateur,
    annee_courante_debut,
)
from eleves.rules import lit_le_secret_psy

# How long the psychologists' home page shows an opening of access to their work.
ALERTE_ATTRIBUTIONS = timedelta(days=30)


# --- One object, looked up in what the user may see (outside it, it does not exist) ----------


def eleve_visible_ou_404(user, pk) -> Eleve:
    """A pupil looked up in what ``user`` may see: outside their scope it does not exist."""
    return get_object_or_404(Eleve.objects.visibles_par(user), pk=pk)


def ecole_visible_ou_404(user, pk) -> Ecole:
    """A school looked up in what ``user`` may see: outside their scope it does not exist."""
    return get_object_or_404(Ecole.objects.visibles_par(user), pk=pk)


def responsable_visible_ou_404(user, pk) -> ResponsableLegal:
    """A responsable légal, with their pupil, looked up in what ``user`` may see."""
    return get_object_or_404(ResponsableLegal.objects.visibles_par(user).select_related("eleve"), pk=pk)


# --- Schools and classes ----------------------------------------------------------------------


def ecoles_avec_nb_classes(user):
    """The schools ``user`` sees, each with its number of classes this school year (``nb_classes``)."""
    return Ecole.objects.visibles_par(user).annotate(
        nb_classes=Count("classes", filter=Q(classes__annee__debut=annee_courante_debut()), distinct=True),
    )


def classes_de_l_annee(user):
    """The classes of the current school year ``user`` sees, with their school (a list to choose from)."""
    return Classe.objects.visibles_par(user).filter(annee__debut=annee_courante_debut()).select_related("ecole")


def classes_gerees_par(user):
    """The classes of the current year in which ``user`` may enrol pupils."""
    classes = classes_de_l_annee(user)
    if user.role == Role.DIRECTEUR:
        return classes.filter(ecole_id=user.ecole_id)
    if user.role == Role.ADMINISTRATEUR:
        return classes
    return classes.none()


def classes_avec_nb_eleves(user):
    """The classes ``user`` sees, whatever the year, with their school and number of pupils
    (``nb_eleves``): a teacher's home page."""
    return Classe.objects.visibles_par(user).select_related("ecole").annotate(nb_eleves=Count("inscriptions"))


def classes_de_l_ecole(user, ecole):
    """The school's classes of the current year that ``user`` sees, with their number of pupils
    (``nb_eleves``) and their teachers."""
    return (
        Classe.objects.visibles_par(user)
        .filter(ecole=ecole, annee__debut=annee_courante_debut())
        .annotate(nb_eleves=Count("inscriptions"))
        .prefetch_related("enseignants")
    )


def nb_eleves_et_classes(user) -> tuple[int, int]:
    """How many pupils ``user`` sees, and how many classes of the current year."""
    nb_eleves = Eleve.objects.visibles_par(user).count()
    nb_classes = Classe.objects.visibles_par(user).filter(annee__debut=annee_courante_debut()).count()
    return nb_eleves, nb_classes


def inscriptions_de_la_classe(user, classe):
    """The enrolments of ``classe`` whose pupil ``user`` sees, by pupil name."""
    return (
        Inscription.objects.filter(classe=classe, eleve__in=Eleve.objects.visibles_par(user))
        .select_related("eleve")
        .order_by(*ordre_alphabetique("eleve__nom", "eleve__prenom"), "pk")
    )


# --- A pupil -----------------------------------------------------------------------------------


def inscriptions_de_l_eleve(eleve) -> list[Inscription]:
    """Every enrolment of the pupil (``eleve`` was looked up in the reader's scope), newest year
    first, with its class, school and teachers."""
    return list(
        eleve.inscriptions.select_related("annee", "classe__ecole").prefetch_related("classe__enseignants")
    )


def responsables_de(eleve):
    """The pupil's responsables légaux, as a list to choose from (by kind of link, then name);
    ``eleve`` was looked up in the reader's scope."""
    return ResponsableLegal.objects.filter(eleve=eleve).order_by("lien", alphabetique("nom"), "pk")


# --- Who reads the psychologists' work --------------------------------------------------------


def attributions_recentes(user) -> list[AttributionRole]:
    """Accounts given access to the psychologists' work lately (``ALERTE_ATTRIBUTIONS``), that
    ``user`` may read: the psychologists watch them."""
    return list(
        AttributionRole.objects.visibles_par(user).filter(le__gte=timezone.now() - ALERTE_ATTRIBUTIONS)
        .select_related("personne", "par")[:10]
    )


def titulaires_du_role_psy(user) -> tuple[list[Utilisateur], list[AttributionRole]]:
    """Who holds the psychologist's role in ``user``'s circonscription, active accounts first,
    each with ``depuis``: when the role was last granted to them, else when the account was made;
    and the grants ``user`` may read (``AttributionRole.objects.visibles_par``), newest first."""
    titulaires = list(
        Utilisateur.objects.filter(role=Role.PSYCHOLOGUE, circonscription_id=user.circonscription_id)
        .select_related("secteur")
        .order_by("-is_active", *ordre_alphabetique("last_name", "first_name"), "pk")
    )
    attributions = list(AttributionRole.objects.visibles_par(user).select_related("personne", "secteur", "par"))
    depuis = {}
    for attribution in reversed(attributions):  # oldest first: the latest grant wins
        if attribution.motif == AttributionRole.Motif.ATTRIBUTION:
            depuis[attribution.personne_id] = attribution.le
    for titulaire in titulaires:
        titulaire.depuis = depuis.get(titulaire.pk, titulaire.date_joined)
    return titulaires, attributions


def consultations_des_psychologues(user):
    """The access-log entries written by an account holding the psychologist's role in ``user``'s
    circonscription, newest first (a page for psychologists: they read them in full)."""
    return (
        JournalAcces.objects.filter(par_psychologue=True, utilisateur__circonscription_id=user.circonscription_id)
        .select_related("utilisateur")
    )


def calendrier_scolaire(circonscription_id: int | None) -> Calendrier:
    """The school calendar of a circonscription's zone (two small queries; weekends and public
    holidays only when its zone is not set)."""
    zone = (
        Circonscription.objects.filter(pk=circonscription_id).values_list("zone", flat=True).first()
        if circonscription_id else ""
    )
    return PeriodeVacances.objects.calendrier(zone or "")


# --- The change history of a pupil's record ---------------------------------------------------


def historique_de_l_eleve(user, eleve) -> list:
    """The readable history of the pupil's record (identity, enrolments, guardians, plans, those
    removed since included), newest first, for ``user`` who sees the pupil. A fixed number of
    queries (eleves/historique_lisible.py)."""
    filtre = filtre_des_objets(Eleve, [eleve.pk])
    for modele in (Inscription, ResponsableLegal, Plan):
        filtre |= filtre_des_objets(
            modele, modele.objects.filter(eleve=eleve).values("pk"), supprimes_de=("eleve", eleve.pk)
        )
    # The INE's changes are read by those who read the INE (``eleves.view_ine``), no one else.
    sans = frozenset() if user.has_perm("eleves.view_ine", eleve) else frozenset({"ine"})
    lignes = lignes_des_entrees(entrees(filtre), nomme_les_psychologues=lit_le_secret_psy(user), sans=sans)
    return recentes_d_abord(lignes)
