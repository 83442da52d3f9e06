"""The aid workflow through its services: for tests that need the real moves.

Each helper calls the functions of ``aides/services.py`` (and ``eleves/services.py``) as the
pages do, so that the rows they write come with what the workflow adds: history rows,
notifications, e-mails after commit, the checks of each move (a refused move raises
``ActionRefusee`` here too), the snapshot of a validated programme. A test of reading, lists or
permissions that only needs rows uses the factories of ``tests/factories_aides.py``.

Who acts is always given; the dates default to today (a session or a review cannot be in the
future). An act's agreement is recorded by the member of the aid that waits for it (the
psychologist for a psychological follow-up) unless ``consentement_par`` says otherwise.
"""

from collections.abc import Callable, Iterable

from django.utils import timezone

from aides import services
from aides.enums import (
    ActeConsentement,
    Decision,
    FormeConsentement,
    Modalite,
    ModeInformation,
    SuiteEvaluation,
    TitulairesConsentement,
    TypeAide,
    TypeEvaluation,
    TypeObservation,
    TypeReunion,
)
from aides.models import (
    ActionEquipe,
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
from eleves.services import demande_acces_deposer
from tests.factories import ResponsableLegalFactory
from tests.factories_aides import ActionProgrammeFactory, ObjectifFactory

# The act whose agreement each kind of aid waits for before it starts.
ACTE_PAR_TYPE = {TypeAide.E: ActeConsentement.AIDE_E_G, TypeAide.G: ActeConsentement.AIDE_E_G,
                 TypeAide.PSY: ActeConsentement.PSY}


def demande_deposee(*, eleve, auteur, envoyer=True, **champs) -> DemandeAide:
    """A request filed by ``auteur`` (``demande_enregistrer``: class and level from the pupil's
    enrolment) and, unless ``envoyer=False``, sent (``demande_envoyer``: history row, notices and
    e-mails to the RASED of the secteur). The family was informed today unless ``champs`` say; a
    second open request for the pupil carries the reason the product asks for."""
    valeurs = {
        "domaines": ["1.1"], "difficultes": "Lecture très lente.",
        "famille_informee_le": timezone.localdate(), "famille_informee_par": ModeInformation.RENCONTRE,
    } | champs
    if DemandeAide.objects.autres_en_cours(eleve_id=eleve.pk, auteur_id=auteur.pk).exists():
        # A second request for the pupil: the teacher gives the reason the product asks for.
        valeurs.setdefault("motif_autre_demande", "Une autre difficulté, apparue depuis la première demande.")
    demande = services.demande_enregistrer(demande=DemandeAide(**valeurs), auteur=auteur, eleve=eleve)
    if envoyer:
        services.demande_envoyer(demande=demande, auteur=auteur)
        demande.refresh_from_db()
    return demande


def accord(demande, acte, *, auteur, accorde=True, date=None, **champs) -> Consentement:
    """The family's answer to ``acte`` (``consentement_enregistrer``: a refusal ends the aids
    that waited for it), in writing, by both parents unless ``champs`` say."""
    consentement = Consentement(
        acte=acte, accorde=accorde, date=date or timezone.localdate(),
        **({"titulaires": TitulairesConsentement.DEUX_PARENTS, "forme": FormeConsentement.ECRIT} | champs),
    )
    return services.consentement_enregistrer(demande=demande, auteur=auteur, consentement=consentement)


def prise_en_charge(demande, *, referent, auteur=None) -> DemandeAide:
    """The RASED examines ``demande`` and names ``referent`` (``demande_prendre_en_charge``: history
    row), by ``auteur`` (the référent unless given). The request is refreshed."""
    services.demande_prendre_en_charge(demande=demande, auteur=auteur or referent, referent=referent)
    demande.refresh_from_db()
    return demande


def aides_decidees(demande, intervenants: dict, *, auteur=None, referent=None,
                   motif="Aide décidée en synthèse.") -> dict[str, Aide]:
    """The RASED answers ``demande`` with one aid per kind of ``intervenants`` ({type: member})
    (``demande_decider``: history row, notice to the filing teacher), by ``auteur`` (the first
    member named unless given), after naming ``referent`` if given (``demande_prendre_en_charge``).
    The request is refreshed; returns the aids by kind."""
    auteur = auteur or next(iter(intervenants.values()))
    if referent is not None:
        services.demande_prendre_en_charge(demande=demande, auteur=auteur, referent=referent)
    services.demande_decider(demande=demande, auteur=auteur, decision=Decision.AIDE, motif=motif,
                             intervenants=intervenants)
    demande.refresh_from_db()
    return {aide.type: aide for aide in Aide.objects.filter(demande=demande)}


def autre_reponse(demande, *, auteur, decision=Decision.CONSEIL,
                  motif="Pistes de différenciation proposées à l'enseignant.") -> DemandeAide:
    """The RASED answers ``demande`` without an aid (``demande_decider``)."""
    services.demande_decider(demande=demande, auteur=auteur, decision=decision, motif=motif, intervenants={})
    demande.refresh_from_db()
    return demande


def aides_en_cours(demande, intervenants: dict, *, debut=None, accord_le=None, demarrer=True,
                   consentement_par=None, **decision) -> dict[str, Aide]:
    """``aides_decidees``, then the family's agreement to each act the aids wait for (on
    ``accord_le``, today unless given), then each aid started on ``debut`` (today unless given)
    by its member, unless ``demarrer=False``. Returns the aids by kind, refreshed."""
    aides = aides_decidees(demande, intervenants, **decision)
    for acte in dict.fromkeys(ACTE_PAR_TYPE[type_aide] for type_aide in intervenants):
        membre = next(m for t, m in intervenants.items() if ACTE_PAR_TYPE[t] == acte)
        accord(demande, acte, auteur=consentement_par or membre, date=accord_le or debut)
    if demarrer:
        for aide in aides.values():
            services.aide_demarrer(aide=aide, auteur=aide.intervenant, debut=debut or timezone.localdate())
            aide.refresh_from_db()
    return aides


def aide_en_cours(demande, type_aide, intervenant, **options) -> Aide:
    """One aid of ``type_aide`` led by ``intervenant``, as ``aides_en_cours`` makes them."""
    return aides_en_cours(demande, {type_aide: intervenant}, **options)[type_aide]


def demande_aidee(*, eleve, auteur, intervenants: dict, debut=None, **options) -> DemandeAide:
    """A request filed and sent by ``auteur`` for ``eleve``, answered by the aids of
    ``intervenants``, the family agreeing, the aids started on ``debut`` (today unless given)."""
    demande = demande_deposee(eleve=eleve, auteur=auteur)
    aides_en_cours(demande, intervenants, debut=debut, **options)
    return demande


def _lignes(valeurs: Iterable[str | dict]) -> list[dict]:
    return [{"intitule": v} if isinstance(v, str) else dict(v) for v in valeurs]


def programme_valide(aide, *, objectifs: Iterable[str | dict] = ({},), actions: Iterable[str | dict] = (),
                     valider=True, auteur=None, **champs) -> Programme:
    """The aid's first programme (``programme_creer``, by the aid's member unless ``auteur``),
    one objective per item of ``objectifs`` (a wording or ``ObjectifFactory`` fields), one action
    per item of ``actions``, validated (``programme_valider``: the snapshot of the signed document)
    unless ``valider=False``. Starts on the aid's start (or today) unless ``champs`` say."""
    auteur = auteur or aide.intervenant
    valeurs = {"modalite": Modalite.PETIT_GROUPE, "date_debut": aide.debut or timezone.localdate()} | champs
    programme = services.programme_creer(aide=aide, auteur=auteur, programme=Programme(**valeurs))
    for objectif in _lignes(objectifs):
        ObjectifFactory(programme=programme, **objectif)
    for action in ({"description": a} if isinstance(a, str) else a for a in actions):
        ActionProgrammeFactory(programme=programme, **action)
    if valider:
        services.programme_valider(programme=programme, auteur=auteur)
    programme.refresh_from_db()
    return programme


def bilan(programme, *, resultat: dict | Callable[[Objectif], dict] | None = None, auteur=None,
          **champs) -> Evaluation:
    """A review of ``programme`` by the aid's member (``evaluation_enregistrer``: what comes next
    is applied — a new version, the end of the aid, the closing of the request — and the teacher
    is notified). One result per objective, « atteint » unless ``resultat`` gives its fields (or a
    function of the objective that does). Intermediate, « poursuite », today unless ``champs`` say."""
    valeurs = {"type": TypeEvaluation.INTERMEDIAIRE, "suite": SuiteEvaluation.POURSUITE,
               "date": timezone.localdate()} | champs
    par_objectif = resultat if callable(resultat) else (lambda objectif: resultat or {"atteinte": "atteint"})
    return services.evaluation_enregistrer(
        evaluation=Evaluation(programme=programme, **valeurs),
        resultats=[EvaluationObjectif(objectif=o, **par_objectif(o)) for o in programme.objectifs.all()],
        auteur=auteur or programme.aide.intervenant,
    )


def seance_notee(intervenant, aides: Iterable[Aide | PresenceSeance] = (), **champs) -> Seance:
    """A session logged by ``intervenant`` (``seance_enregistrer``), one attendance per item of
    ``aides`` (an aid: present; or an unsaved ``PresenceSeance``). Today, 45 minutes unless said."""
    valeurs = {"date": timezone.localdate(), "duree": 45, "contenu": "Conscience phonologique : syllabes."} | champs
    presences = [a if isinstance(a, PresenceSeance) else PresenceSeance(aide=a) for a in aides]
    return services.seance_enregistrer(intervenant=intervenant, seance=Seance(**valeurs), presences=presences)


def observation_notee(demande, *, auteur, **champs) -> Observation:
    """A note of the analysis (``observation_ajouter``: a psychologist's is confidential, and
    her bilan waits for the family's agreement)."""
    valeurs = {"type": TypeObservation.OBSERVATION_CLASSE, "date": timezone.localdate(),
               "contenu": "Devine les mots longs à partir de leur première syllabe."} | champs
    return services.observation_ajouter(demande=demande, auteur=auteur, observation=Observation(**valeurs))


def reunion_tenue(demande, *, auteur, participants=(), externes=(), **champs) -> Reunion:
    """A meeting about ``demande`` (``reunion_enregistrer``): an équipe éducative at school, now,
    unless ``champs`` say; ``externes`` as (name, role) pairs."""
    valeurs = {"type": TypeReunion.EQUIPE_EDUCATIVE, "date": timezone.now(), "lieu": "École"} | champs
    return services.reunion_enregistrer(demande=demande, auteur=auteur, reunion=Reunion(**valeurs),
                                        participants=list(participants), externes=list(externes))


def conclusion_ecrite(aide, *, texte, partagee=False, auteur=None, **champs) -> ConclusionPsy:
    """The psychologist's conclusion (``conclusion_enregistrer``: sharing it needs the family's
    agreement to pass it on), by the aid's psychologist unless ``auteur``, dated today unless said."""
    conclusion = ConclusionPsy(texte=texte, partagee=partagee, **({"date": timezone.localdate()} | champs))
    return services.conclusion_enregistrer(aide=aide, auteur=auteur or aide.intervenant, conclusion=conclusion)


def action_equipe_notee(ecole, *, auteur, **champs) -> ActionEquipe:
    """A support action for ``ecole``'s team (``action_equipe_enregistrer``), today, one hour."""
    valeurs = {"date": timezone.localdate(), "public": "Équipe du cycle 2", "theme": "Fluence", "duree": 60} | champs
    return services.action_equipe_enregistrer(auteur=auteur, ecole=ecole, action=ActionEquipe(**valeurs))


def acces_depose(eleve, *, auteur, responsable=None, recue_le=None):
    """A family's right of access to the pupil's file (``eleves.services.demande_acces_deposer``),
    asked by one of the pupil's recorded guardians (the first one, or a mother recorded here)."""
    responsable = responsable or eleve.responsables.order_by("pk").first() or ResponsableLegalFactory(eleve=eleve)
    return demande_acces_deposer(eleve=eleve, auteur=auteur, responsable=responsable,
                                 recue_le=recue_le or timezone.localdate())

