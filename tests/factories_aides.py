"""Row factories of the aid workflow: plain rows, no workflow.

Each factory writes one row (and, when asked, its children) as the database would hold it at a
given stage, without going through ``aides/services.py``: no history row, no notification, no
e-mail, no snapshot of a validated programme. Use them for tests of reading, permissions, lists,
reports and query counts. A test that needs the real workflow (history, notifications, the checks
of each move) uses the helpers of ``tests/factories_parcours.py`` instead.

No surprises: the people (author, member in charge) are always given by the test, and the rest
is derived from the pupil, never invented — a request's class and level come from the pupil's
enrolment of the current school year (or from the class the test names), its circonscription
from the pupil (``DemandeAide.save``), an aid's pupil from its request, a programme's author and a
review's author from the aid's member.
"""

from datetime import time, timedelta

import factory
from django.utils import timezone

from aides.enums import (
    ActeConsentement,
    Acteur,
    Atteinte,
    Decision,
    EtatAide,
    EtatDemande,
    EtatProgramme,
    FormeConsentement,
    Modalite,
    ModeInformation,
    Presence,
    SuiteEvaluation,
    TitulairesConsentement,
    TypeAide,
    TypeEvaluation,
    TypeObservation,
    TypeReunion,
)
from aides.models import (
    ActionEquipe,
    ActionProgramme,
    Aide,
    ConclusionPsy,
    Consentement,
    Creneau,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Groupe,
    HistoriqueDemande,
    MembreGroupe,
    Notification,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from eleves.enums import Role
from eleves.models import Inscription

# A période lasts 6 to 8 weeks: the review date of a programme, as ``programme_creer`` sets it.
DUREE_PERIODE = timedelta(weeks=7)


def requis(nom: str):
    """A declaration that fails loudly when the test does not give ``nom``: who acts is never guessed."""

    def manquant():
        raise TypeError(f"Indiquez {nom}= : la fabrique ne le devine pas.")

    return factory.LazyFunction(manquant)


def _classe_du_moment(demande):
    inscription = demande.eleve.inscription_courante
    if inscription is None:
        raise TypeError(f"{demande.eleve} n'est inscrit(e) nulle part cette année : indiquez classe=.")
    return inscription.classe


def _niveau_dans_la_classe(demande):
    inscription = Inscription.objects.filter(eleve=demande.eleve, classe=demande.classe).first()
    if inscription is None:
        raise TypeError(f"{demande.eleve} n'est pas inscrit(e) dans {demande.classe} : indiquez niveau=.")
    return inscription.niveau


class DemandeAideFactory(factory.django.DjangoModelFactory):
    """A request at a given stage; a draft unless a trait says otherwise.

    ``DemandeAideFactory(eleve=…, auteur=…, envoyee=True)``; the stages: ``envoyee``,
    ``en_analyse`` (name the ``referent``), ``aide_decidee`` (add the aids with
    ``AideFactory``), ``autre_reponse``, ``cloturee``. The family was informed today unless said.
    """

    class Meta:
        model = DemandeAide

    eleve = requis("eleve")
    classe = factory.LazyAttribute(_classe_du_moment)
    niveau = factory.LazyAttribute(_niveau_dans_la_classe)
    auteur = requis("auteur")
    etat = EtatDemande.BROUILLON
    domaines = factory.LazyFunction(lambda: ["1.1"])
    difficultes = "Lecture très lente."
    famille_informee_le = factory.LazyFunction(timezone.localdate)
    famille_informee_par = ModeInformation.RENCONTRE

    class Params:
        envoyee = factory.Trait(etat=EtatDemande.ENVOYEE, envoyee_le=factory.LazyFunction(timezone.now))
        en_analyse = factory.Trait(etat=EtatDemande.EN_ANALYSE, envoyee_le=factory.LazyFunction(timezone.now))
        aide_decidee = factory.Trait(
            etat=EtatDemande.AIDE_DECIDEE, envoyee_le=factory.LazyFunction(timezone.now),
            decision=Decision.AIDE, decision_motif="Aide décidée en synthèse.",
            decidee_le=factory.LazyFunction(timezone.now),
        )
        autre_reponse = factory.Trait(
            etat=EtatDemande.AUTRE_REPONSE, envoyee_le=factory.LazyFunction(timezone.now),
            decision=Decision.CONSEIL, decision_motif="Pistes de différenciation proposées.",
            decidee_le=factory.LazyFunction(timezone.now),
        )
        cloturee = factory.Trait(
            etat=EtatDemande.CLOTUREE, envoyee_le=factory.LazyFunction(timezone.now),
            decision=Decision.AIDE, decision_motif="Aide décidée en synthèse.",
            decidee_le=factory.LazyFunction(timezone.now),
        )


class HistoriqueDemandeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HistoriqueDemande

    demande = requis("demande")
    auteur = requis("auteur")
    de = EtatDemande.BROUILLON
    vers = EtatDemande.ENVOYEE


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    destinataire = requis("destinataire")
    demande = requis("demande")
    message = "Nouvelle demande d'aide."


class AideFactory(factory.django.DjangoModelFactory):
    """One kind of aid of a request; to start unless ``en_cours`` or ``terminee`` (today)."""

    class Meta:
        model = Aide

    demande = requis("demande")
    eleve = factory.SelfAttribute("demande.eleve")
    type = TypeAide.E
    intervenant = requis("intervenant")
    etat = EtatAide.A_DEMARRER

    class Params:
        en_cours = factory.Trait(etat=EtatAide.EN_COURS, debut=factory.LazyFunction(timezone.localdate))
        terminee = factory.Trait(
            etat=EtatAide.TERMINEE, debut=factory.LazyFunction(timezone.localdate),
            fin=factory.LazyFunction(timezone.localdate), issue=SuiteEvaluation.ARRET,
        )


class ConsentementFactory(factory.django.DjangoModelFactory):
    """The family's agreement (``accorde=False``: a refusal) to one act, in writing, by both parents."""

    class Meta:
        model = Consentement

    demande = requis("demande")
    acte = ActeConsentement.AIDE_E_G
    accorde = True
    date = factory.LazyFunction(timezone.localdate)
    titulaires = TitulairesConsentement.DEUX_PARENTS
    forme = FormeConsentement.ECRIT
    enregistre_par = requis("enregistre_par")


class ObservationFactory(factory.django.DjangoModelFactory):
    """A note of the analysis; confidential when a psychologist writes it, as the service decides."""

    class Meta:
        model = Observation

    demande = requis("demande")
    auteur = requis("auteur")
    type = TypeObservation.OBSERVATION_CLASSE
    date = factory.LazyFunction(timezone.localdate)
    contenu = "Devine les mots longs à partir de leur première syllabe."
    confidentielle = factory.LazyAttribute(lambda o: o.auteur.role == Role.PSYCHOLOGUE)


class ReunionFactory(factory.django.DjangoModelFactory):
    """A meeting about a request; ``participants=[…]`` for the people with an account."""

    class Meta:
        model = Reunion
        skip_postgeneration_save = True

    demande = requis("demande")
    auteur = requis("auteur")
    type = TypeReunion.EQUIPE_EDUCATIVE
    date = factory.LazyFunction(timezone.now)
    lieu = "École"

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.participants.set(extracted)


class ParticipantExterneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantExterne

    reunion = requis("reunion")
    nom = "Mme Petit"
    qualite = "mère"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """Version 1 of an aid's programme, a draft written by the aid's member; ``valide=True`` as
    validated by them (no snapshot: its PDF is computed from the rows, as for a draft)."""

    class Meta:
        model = Programme

    aide = requis("aide")
    version = 1
    etat = EtatProgramme.BROUILLON
    modalite = Modalite.PETIT_GROUPE
    date_debut = factory.LazyFunction(timezone.localdate)
    date_revision = factory.LazyAttribute(lambda o: o.date_debut + DUREE_PERIODE)
    redige_par = factory.SelfAttribute("aide.intervenant")

    class Params:
        valide = factory.Trait(
            etat=EtatProgramme.VALIDE, valide_le=factory.LazyFunction(timezone.now),
            valide_par=factory.SelfAttribute("redige_par"),
        )


class ObjectifFactory(factory.django.DjangoModelFactory):
    """An objective tied to the socle's domain 1.1, or to the transversal aim ``visee`` if given."""

    class Meta:
        model = Objectif

    programme = requis("programme")
    visee = ""
    domaine = factory.LazyAttribute(lambda o: "" if o.visee else "1.1")
    intitule = "Décoder les syllabes simples"
    critere = "Lit 20 syllabes en une minute"
    responsable = "Maître E"


class ActionProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionProgramme

    programme = requis("programme")
    acteur = Acteur.FAMILLE
    description = "Lecture du soir"


class EvaluationFactory(factory.django.DjangoModelFactory):
    """An intermediate review by the aid's member that keeps the aid going (no result rows:
    add them with ``EvaluationObjectifFactory``)."""

    class Meta:
        model = Evaluation

    programme = requis("programme")
    type = TypeEvaluation.INTERMEDIAIRE
    date = factory.LazyFunction(timezone.localdate)
    auteur = factory.SelfAttribute("programme.aide.intervenant")
    suite = SuiteEvaluation.POURSUITE


class EvaluationObjectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationObjectif

    evaluation = requis("evaluation")
    objectif = requis("objectif")
    atteinte = Atteinte.ATTEINT


class SeanceFactory(factory.django.DjangoModelFactory):
    """A session held today; ``aides=[…]`` records each of those pupils present."""

    class Meta:
        model = Seance
        skip_postgeneration_save = True

    intervenant = requis("intervenant")
    date = factory.LazyFunction(timezone.localdate)
    duree = 45
    contenu = "Conscience phonologique : syllabes."

    @factory.post_generation
    def aides(self, create, extracted, **kwargs):
        if create and extracted:
            for aide in extracted:
                PresenceSeanceFactory(seance=self, aide=aide)


class PresenceSeanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresenceSeance

    seance = requis("seance")
    aide = requis("aide")
    presence = Presence.PRESENT


class ConclusionPsyFactory(factory.django.DjangoModelFactory):
    """The psychologist's conclusion of a follow-up, written by the aid's psychologist, not shared."""

    class Meta:
        model = ConclusionPsy

    aide = requis("aide")
    auteur = factory.SelfAttribute("aide.intervenant")
    date = factory.LazyFunction(timezone.localdate)
    texte = "Anxiété de performance, sans trouble spécifique des apprentissages."
    partagee = False


class ActionEquipeFactory(factory.django.DjangoModelFactory):
    """A support action of the RASED for a school's team, today, one hour."""

    class Meta:
        model = ActionEquipe

    ecole = requis("ecole")
    auteur = requis("auteur")
    date = factory.LazyFunction(timezone.localdate)
    public = "Équipe du cycle 2"
    theme = "Fluence"
    duree = 60


class GroupeFactory(factory.django.DjangoModelFactory):
    """A member's group in one school; pupils added with ``MembreGroupeFactory``."""

    class Meta:
        model = Groupe

    intervenant = requis("intervenant")
    ecole = requis("ecole")
    nom = factory.Sequence(lambda n: f"Groupe {n + 1}")


class MembreGroupeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembreGroupe

    groupe = requis("groupe")
    aide = requis("aide")
    ajoute_le = factory.LazyFunction(timezone.localdate)


class CreneauFactory(factory.django.DjangoModelFactory):
    """A weekly slot of the group's member, in the group's school, for the période around today."""

    class Meta:
        model = Creneau

    groupe = requis("groupe")
    intervenant = factory.SelfAttribute("groupe.intervenant")
    ecole = factory.SelfAttribute("groupe.ecole")
    jour = 0
    heure = time(9, 0)
    duree = 45
    du = factory.LazyFunction(lambda: timezone.localdate() - DUREE_PERIODE)
    au = factory.LazyFunction(lambda: timezone.localdate() + DUREE_PERIODE)
