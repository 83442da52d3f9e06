"""Reads of the documents (``aides/pdf/``): each document's objects, looked up in the user's scoped
querysets with everything its data reads, in a number of queries that does not grow with the data.

The pdf modules shape what is read here and run no query of their own. (The right-of-access
file, ``aides/pdf/droit_acces.py``, still reads its own data.)
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Prefetch, Q, Sum

from aides.enums import EtatAide, EtatDemande, EtatProgramme, Presence, TypeAide
from aides.models import (
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Objectif,
    Observation,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from aides.selectors import membres_rased_de
from eleves.alphabetique import ordre_alphabetique
from eleves.enums import Role
from eleves.models import Eleve, Inscription
from eleves.rules import lit_le_secret_psy

# An aid's attendance rows where the pupil was there (counts and minutes of the sessions attended).
PRESENT = Q(presences__presence=Presence.PRESENT)


# --- Fiche de demande, compte rendu, bilan, programme -------------------------------------------


def demandes_pour_fiche(user):
    """The requests ``user`` may print, with everything the printed fiche reads."""
    return DemandeAide.objects.visibles_par(user).select_related(
        "eleve", "auteur", "classe__ecole__circonscription", "classe__annee"
    ).prefetch_related("classe__enseignants")


def directeur_de(ecole):
    """The school's active directeur, who signs the fiche de demande (the first recorded, if several)."""
    return ecole.directeurs.filter(role=Role.DIRECTEUR, is_active=True).order_by("pk").first()


def reunions_pour_compte_rendu(user):
    """The meetings ``user`` may print, with everything the printed minutes read."""
    return Reunion.objects.visibles_par(user).select_related(
        "auteur", "demande__eleve", "demande__classe__ecole__circonscription", "demande__classe__annee"
    ).prefetch_related("participants", "participants_externes")


def evaluations_pour_bilan(user):
    """The evaluations ``user`` may print, with everything the printed bilan reads."""
    return Evaluation.objects.visibles_par(user).select_related(
        "auteur", "programme__aide__intervenant", "programme__aide__demande__eleve",
        "programme__aide__demande__classe__ecole__circonscription", "programme__aide__demande__classe__annee",
    ).prefetch_related(
        Prefetch("resultats", EvaluationObjectif.objects.select_related("objectif")),
        "programme__aide__demande__classe__enseignants",
    )


def programmes_pour_impression(user):
    """The programmes ``user`` may print: the validated versions and those they replaced (a draft
    is not signed), with everything the printed programme reads."""
    return (
        Programme.objects.visibles_par(user)
        .filter(etat__in=[EtatProgramme.VALIDE, EtatProgramme.REMPLACE])
        .select_related("aide__demande__eleve", "aide__demande__classe__ecole__circonscription",
                        "aide__demande__classe__annee", "aide__intervenant", "valide_par")
    )


def directeur_du_programme(programme):
    """The active directeur of the programme's school, who signs it (the first by name, if several)."""
    return programme.aide.demande.classe.ecole.directeurs.filter(role=Role.DIRECTEUR, is_active=True).first()


# --- Letters to the family -----------------------------------------------------------------------


def demandes_pour_courrier(user):
    """The requests ``user`` sees, with what every letter reads of them (pupil, class, school,
    référent)."""
    return DemandeAide.objects.visibles_par(user).select_related(
        "eleve", "classe__ecole__circonscription", "classe__annee", "referent"
    )


class LecturesCourrier:
    """What a letter about ``demande`` reads beside the request, each part read when the letter
    first asks for it: a letter refused (a draft, no responsable légal, no aid to propose) reads
    no more than it needs to say why. ``demande`` comes from ``demandes_pour_courrier``."""

    def __init__(self, demande, *, imprime_par):
        self.demande = demande
        self.imprime_par = imprime_par

    @cached_property
    def responsables(self) -> list:
        """The pupil's responsables légaux (the letter's households)."""
        return list(self.demande.eleve.responsables.all())

    @cached_property
    def membres_rased(self) -> list:
        """The RASED members of the school's secteur, by role and name (whom the family may
        contact when no référent is named)."""
        return list(membres_rased_de(self.demande).order_by(
            "role", *ordre_alphabetique("last_name", "first_name"), "pk"))

    @cached_property
    def aides_e_g(self) -> list[Aide]:
        """The E and G aids of the request not ended, with their member (the aids proposed)."""
        return list(
            self.demande.aides.filter(type__in=[TypeAide.E, TypeAide.G]).exclude(etat=EtatAide.TERMINEE)
            .select_related("intervenant").order_by("type")
        )

    @cached_property
    def psychologues(self) -> list:
        """Who proposes the assessment: the follow-up's psychologist, else the référent or the
        printing user when a psychologist, else the psychologists of the school's secteur.
        Only the aid's member is read here, never its content."""
        aide = self.demande.aides.filter(type=TypeAide.PSY).select_related("intervenant").first()
        if aide:
            return [aide.intervenant]
        for candidat in (self.demande.referent, self.imprime_par):
            if candidat and candidat.role == Role.PSYCHOLOGUE:
                return [candidat]
        return list(
            membres_rased_de(self.demande).filter(role=Role.PSYCHOLOGUE).par_ordre_alphabetique()
        )


# --- The pupil's fiche de suivi ------------------------------------------------------------------


def _programmes_du_parcours(user):
    """Validated versions (and those they replaced): a draft is not part of the path yet."""
    return (
        Programme.objects.visibles_par(user)
        .filter(etat__in=[EtatProgramme.VALIDE, EtatProgramme.REMPLACE])
        .order_by("version")
        .prefetch_related(
            Prefetch("objectifs", Objectif.objects.select_related("competence")), "actions",
            Prefetch(
                "evaluations",
                Evaluation.objects.order_by("date", "pk").prefetch_related(
                    Prefetch("resultats", EvaluationObjectif.objects.select_related("objectif"))
                ),
            ),
        )
    )


@dataclass(frozen=True)
class VoletPsyLu:
    """What the psychologist's part of the fiche reads (for psychologists only)."""

    aides: list[Aide]  # the psychological follow-ups whose content the reader may read
    presences: dict[int, list[PresenceSeance]]  # per aid, its attendance rows with their session, oldest first
    observations: list[Observation]  # the confidential observations about the pupil, oldest first


@dataclass(frozen=True)
class FicheSuiviLue:
    """What the fiche de suivi reads for one reader.

    ``demandes``: the pupil's requests the reader sees (drafts left out), by school year, each
    with ``consentements_lus``, ``reunions_lues`` and ``aides_lues``; each aid with its
    validated ``versions``, its ``conclusions_lues`` and its attendance totals (``nb_seances``,
    ``nb_presents``, ``minutes``). ``lisibles``: the aids whose content the reader may read.
    """

    eleve: Eleve
    inscriptions: list[Inscription]
    demandes: list[DemandeAide]
    lisibles: set[int]
    volet_psy: VoletPsyLu | None


def fiche_suivi_lue(user, eleve) -> FicheSuiviLue:
    """Everything the fiche de suivi reads for ``user``, through the user's scoped querysets.

    The psychological part is read only when ``user`` *is* a psychologist (the variant depends
    on the role alone, and its querysets would refuse it anyway). The number of queries is fixed
    (about fifteen), whatever the length of the pupil's history.
    """
    inscriptions = list(
        eleve.inscriptions.select_related("annee", "classe__ecole__circonscription").order_by("annee__debut")
    )
    aides = (
        Aide.objects.visibles_par(user)
        .select_related("intervenant")
        .annotate(
            nb_seances=Count("presences", distinct=True),
            nb_presents=Count("presences", filter=PRESENT, distinct=True),
            minutes=Sum("presences__seance__duree", filter=PRESENT),
        )
        .order_by("type")
        .prefetch_related(
            Prefetch("programmes", _programmes_du_parcours(user), to_attr="versions"),
            Prefetch("conclusions", ConclusionPsy.objects.visibles_par(user).order_by("date", "pk"),
                     to_attr="conclusions_lues"),
        )
    )
    demandes = list(
        DemandeAide.objects.visibles_par(user)
        .filter(eleve=eleve)
        .exclude(etat=EtatDemande.BROUILLON)
        .select_related("classe__ecole", "classe__annee", "auteur", "referent", "decidee_par")
        .prefetch_related(
            Prefetch("consentements", Consentement.objects.visibles_par(user).order_by("date", "pk"),
                     to_attr="consentements_lus"),
            Prefetch(
                "reunions",
                Reunion.objects.visibles_par(user).order_by("date", "pk").prefetch_related(
                    "participants", "participants_externes"
                ),
                to_attr="reunions_lues",
            ),
            Prefetch("aides", aides, to_attr="aides_lues"),
        )
        .order_by("classe__annee__debut", "cree_le", "pk")
    )
    lisibles = {aide.pk for demande in demandes for aide in demande.aides_lues if aide.contenu_lisible_par(user)}
    volet = _volet_psy_lu(user, eleve, demandes, lisibles) if lit_le_secret_psy(user) else None
    return FicheSuiviLue(eleve, inscriptions, demandes, lisibles, volet)


def _volet_psy_lu(user, eleve, demandes, lisibles: set[int]) -> VoletPsyLu:
    """The psychologist's part: for psychologists only (the caller checks the role, and every
    queryset here is the psychologist-scoped one)."""
    aides = [a for d in demandes for a in d.aides_lues if a.est_psy and a.pk in lisibles]
    presences = {}
    for p in (
        PresenceSeance.objects.filter(
            aide_id__in=[a.pk for a in aides], seance__in=Seance.objects.visibles_par(user)
        )
        .select_related("seance__intervenant")
        .order_by("seance__date", "seance__pk")
    ):
        presences.setdefault(p.aide_id, []).append(p)
    observations = list(
        Observation.objects.visibles_par(user)
        .filter(demande__eleve=eleve, confidentielle=True)
        .select_related("auteur")
        .order_by("date", "pk")
    )
    return VoletPsyLu(aides, presences, observations)
