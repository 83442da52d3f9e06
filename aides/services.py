"""Writes of the aid workflow: one function per action, each checking the current state.

A move that is not allowed raises ``ActionRefusee`` with a French message for the page;
a move already made is a harmless no-op that says so.
"""

import secrets
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aides.emploi_du_temps import refus_du_jour
from aides.enums import (
    ACTES_PSY,
    DUREE_ACTION_MAX,
    DUREE_ACTION_MIN,
    DUREE_SEANCE_MAX,
    DUREE_SEANCE_MIN,
    ETATS_REPONDUS,
    ROLE_PAR_TYPE_AIDE,
    SEMAINES_PAR_PERIODE,
    ActeConsentement,
    Decision,
    EtatAide,
    EtatDemande,
    EtatProgramme,
    IssueAide,
    SuiteEvaluation,
    TypeAide,
    TypeEvaluation,
    TypeObservation,
)
from aides.exceptions import ActionRefusee, SeanceDejaNotee
from aides.models import (
    ActionEquipe,
    ActionProgramme,
    Aide,
    ConclusionPsy,
    Consentement,
    Creneau,
    CreneauNonTenu,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Groupe,
    HistoriqueAide,
    HistoriqueDemande,
    HistoriqueProgramme,
    LienAgenda,
    MembreGroupe,
    Notification,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
    Suppression,
    TempsTrajet,
)
from aides.pdf.programme import donnees_programme
from aides.rules import (
    ACTIONS,
    REFUS_REVISION_DECISION,
    acte_pour_demarrer,
    agit_pour_l_aide,
    auteur_de_l_action_equipe,
    auteur_de_l_observation,
    auteur_de_la_reunion,
    corrige_la_seance,
    prealable_manquant,
    rased_du_secteur,
)
from aides.selectors import membres_rased_de
from aides.selectors.groupes import aides_pour_groupe, calendrier_de_l_ecole, ecoles_du_membre
from eleves.enums import ROLES_RASED
from eleves.models import Ecole, Eleve, Inscription, Utilisateur, annee_courante_debut
from eleves.rules import lit_le_secret_psy
from eleves.selectors import calendrier_scolaire
from rased import courriels
from rased.francais import de
from rased.revisions import modifie_entre_temps


def demande_enregistrer(
    *, demande: DemandeAide, auteur: Utilisateur, eleve: Eleve | None = None, revision_lue: int | None = None
) -> DemandeAide:
    """Save a draft; only its author may, and only while it is a draft.

    An edit from a form read at ``revision_lue`` is refused if the draft was saved since (the
    teacher's two tabs, or two devices: the second save must not silently win).
    """
    if demande.pk is None:
        inscription = eleve.inscription_courante
        if inscription is None:
            raise ActionRefusee("Cet élève n'est inscrit dans aucune classe cette année.")
        demande.eleve = eleve
        demande.classe = inscription.classe
        demande.niveau = inscription.niveau
        demande.auteur = auteur
        demande.save()
        return demande
    with transaction.atomic():
        # A save and a send (or another save) at once: the row lock makes the second see the first.
        actuelle = DemandeAide.objects.select_for_update().get(pk=demande.pk)
        if actuelle.etat != EtatDemande.BROUILLON:
            raise ActionRefusee("Une demande envoyée ne peut plus être modifiée.")
        if revision_lue is not None and actuelle.revision != revision_lue:
            raise ActionRefusee(modifie_entre_temps("Ce brouillon a été modifié", "le complétiez"))
        demande.revision = actuelle.revision + 1
        demande.save()
    return demande


def demande_supprimer(*, demande: DemandeAide, auteur: Utilisateur) -> None:
    """Delete a draft: only its author may, and only while nobody else has received it.

    The change history (django-auditlog) keeps a line of the deletion, with its author.
    """
    with transaction.atomic():
        # A deletion and a send at once: the row lock makes the second see the first.
        demande = DemandeAide.objects.select_for_update().filter(pk=demande.pk).first()
        if demande is None:
            raise ActionRefusee("Ce brouillon a déjà été supprimé.")
        if demande.auteur_id != auteur.pk:
            raise ActionRefusee("Seul l'enseignant qui a rédigé ce brouillon peut le supprimer.")
        if demande.etat != EtatDemande.BROUILLON:
            raise ActionRefusee(
                "Une demande envoyée au RASED ne peut plus être supprimée : elle fait partie du dossier de l'élève."
            )
        demande.delete()


def demande_envoyer(*, demande: DemandeAide, auteur: Utilisateur) -> bool:
    """Send a draft to the RASED of the school's secteur.

    Refused until the family has been informed (date and how). Returns False when the
    request had already been sent (a double click sends it once). Notifies the RASED
    members of the secteur, in the app and by e-mail, after the commit.
    """
    with transaction.atomic():
        # Two clicks on « Envoyer » arrive together: the row lock makes the second see the first.
        demande = DemandeAide.objects.select_for_update().get(pk=demande.pk)
        if demande.etat != EtatDemande.BROUILLON:
            return False
        if raison := prealable_manquant(ACTIONS["aides.envoyer_demande"].prealables, demande):
            raise ActionRefusee(raison)
        demande.envoyee_le = timezone.now()
        _changer_etat(demande, vers=EtatDemande.ENVOYEE, auteur=auteur, champs=["envoyee_le"])
        destinataires = list(membres_rased_de(demande))
        message = f"Nouvelle demande d'aide : {demande.classe.ecole.nom}, classe {demande.classe.nom}."
        Notification.objects.bulk_create(
            Notification(destinataire=membre, demande=demande, message=message) for membre in destinataires
        )
        _prevenir_par_courriel(demande, destinataires, message)
    return True


def _prevenir_par_courriel(demande: DemandeAide, destinataires, message: str) -> None:
    """Queue the e-mail once the transaction commits (rased/courriels.py): a mail server that
    fails never turns the action into an error; the queue tries again."""
    # The e-mail names no pupil: it may be read on a shared or personal device.
    courriels.programmer(
        sujet=f"[rased] {message}"[:120],
        message=f"{message}\n\nConsultez-la dans rased : {settings.SITE_URL}{reverse('demande_detail', args=[demande.pk])}\n",
        destinataires=[m.email for m in destinataires],
    )


def _changer_etat(
    demande: DemandeAide, *, vers: str, auteur: Utilisateur, champs=(), decision_revisee: str = "", motif: str = ""
) -> None:
    """The one place that assigns ``DemandeAide.etat``; the caller holds the row lock.

    A revision of the decision passes the decision it replaces and its reason, kept in the
    history row (``vers`` may then be the state the request is already in).
    """
    de = demande.etat
    demande.etat = vers
    demande.save(update_fields=["etat", "modifie_le", *champs])
    HistoriqueDemande.objects.create(
        demande=demande, auteur=auteur, de=de, vers=vers, decision_revisee=decision_revisee, motif=motif)


def _creer_aide(*, demande: DemandeAide, type_aide: str, intervenant: Utilisateur, auteur: Utilisateur) -> Aide:
    """An aid decided for ``demande``, « à démarrer », with its first history row."""
    aide = Aide.objects.create(demande=demande, eleve_id=demande.eleve_id, type=type_aide, intervenant=intervenant)
    HistoriqueAide.objects.create(aide=aide, auteur=auteur, de="", vers=aide.etat)
    return aide


def _changer_etat_aide(aide: Aide, *, vers: str, auteur: Utilisateur | None, champs=()) -> None:
    """The one place that assigns ``Aide.etat``, under the caller's transaction and row locks.

    It writes the history row and keeps the request in step: the request closes when its last aid
    ends (whatever ended it: a final bilan, the family's refusal or withdrawal), except after a
    change of the kind of aid, which waits for the new one; it reopens when an aid is to start
    again (a family that refused agrees after all).
    """
    de = aide.etat
    aide.etat = vers
    aide.save(update_fields=["etat", *champs])
    HistoriqueAide.objects.create(aide=aide, auteur=auteur, de=de, vers=vers, issue=aide.issue)
    if vers == EtatAide.TERMINEE:
        # A pupil whose aid ends leaves the member's groups; the group's page says so.
        MembreGroupe.objects.filter(aide=aide, retire_le__isnull=True).update(
            retire_le=timezone.localdate(), motif_retrait="aide terminée"
        )
    demande = DemandeAide.objects.select_for_update().get(pk=aide.demande_id)
    ouvertes = demande.aides.exclude(etat=EtatAide.TERMINEE).exists()
    if vers == EtatAide.TERMINEE and not ouvertes and aide.issue != IssueAide.CHANGEMENT:
        if demande.etat == EtatDemande.AIDE_DECIDEE:
            _changer_etat(demande, vers=EtatDemande.CLOTUREE, auteur=auteur)
    elif vers != EtatAide.TERMINEE and demande.etat == EtatDemande.CLOTUREE:
        _changer_etat(demande, vers=EtatDemande.AIDE_DECIDEE, auteur=auteur)


def _changer_etat_programme(programme: Programme, *, vers: str, auteur: Utilisateur, champs=()) -> None:
    """The one place that assigns ``Programme.etat`` (history row); the caller holds the locks."""
    de = programme.etat
    programme.etat = vers
    programme.save(update_fields=["etat", *champs])
    HistoriqueProgramme.objects.create(programme=programme, auteur=auteur, de=de, vers=vers)


def _notifier(destinataires, demande: DemandeAide, message: str) -> None:
    Notification.objects.bulk_create(
        Notification(destinataire=d, demande=demande, message=message) for d in destinataires
    )
    _prevenir_par_courriel(demande, list(destinataires), message)


def demande_prendre_en_charge(*, demande: DemandeAide, auteur: Utilisateur, referent: Utilisateur) -> bool:
    """The RASED examines a sent request and names its référent. False if already done."""
    if referent.role not in ROLES_RASED or referent.secteur_id is None or not referent.secteur.ecoles.filter(
        pk=demande.classe.ecole_id
    ).exists():
        raise ActionRefusee("Le référent doit être un membre du RASED du secteur de l'école.")
    with transaction.atomic():
        demande = DemandeAide.objects.select_for_update().get(pk=demande.pk)
        if demande.etat == EtatDemande.EN_ANALYSE and demande.referent_id == referent.pk:
            return False
        if demande.etat not in (EtatDemande.ENVOYEE, EtatDemande.EN_ANALYSE):
            raise ActionRefusee("Cette demande n'est plus en attente d'analyse.")
        demande.referent = referent
        if demande.etat == EtatDemande.ENVOYEE:
            _changer_etat(demande, vers=EtatDemande.EN_ANALYSE, auteur=auteur, champs=["referent"])
        else:
            demande.save(update_fields=["referent", "modifie_le"])
    return True


def observation_ajouter(*, demande: DemandeAide, auteur: Utilisateur, observation: Observation) -> Observation:
    """Record what the RASED gathered; a psychologist's note is confidential from the start.

    A psychologist's assessment (bilan) needs the parents' agreement on record first.
    """
    if demande.etat in (EtatDemande.BROUILLON, EtatDemande.CLOTUREE):
        raise ActionRefusee("On ne peut pas ajouter d'observation à cette demande dans son état actuel.")
    est_psy = lit_le_secret_psy(auteur)
    _verifier_bilan_psy(observation, demande, est_psy=est_psy)
    observation.demande = demande
    observation.auteur = auteur
    observation.confidentielle = est_psy
    observation.full_clean()
    observation.save()
    return observation


def _verifier_bilan_psy(observation: Observation, demande: DemandeAide, *, est_psy: bool) -> None:
    if est_psy and observation.type == TypeObservation.BILAN and not Consentement.objects.accorde(
        demande=demande, acte=ActeConsentement.PSY
    ):
        raise ActionRefusee(
            "Aucun bilan psychologique sans l'accord des parents : enregistrez d'abord leur accord."
        )


def observation_modifier(*, observation: Observation, auteur: Utilisateur, revision_lue: int) -> Observation:
    """Correct a note (its kind, date, text, obstacles) from a form read at ``revision_lue``: by
    its author (``aides.change_observation``); refused if someone saved it since. It stays as
    confidential as when it was written."""
    if not auteur_de_l_observation(auteur, observation):
        raise ActionRefusee("Seul l'auteur d'une observation la corrige.")
    with transaction.atomic():
        # The author may correct it from two tabs at once: the second save must not silently win.
        actuel = _verrouiller_ou_refuser(Observation, observation.pk, "Cette observation a été supprimée entre-temps.")
        if actuel.revision != revision_lue:
            raise ActionRefusee(modifie_entre_temps("Cette observation a été modifiée", "la corrigiez"))
        if observation.type != actuel.type:
            _verifier_bilan_psy(observation, actuel.demande, est_psy=actuel.confidentielle)
        observation.revision = actuel.revision + 1
        observation.full_clean()
        observation.save()
    return observation


def observation_supprimer(*, observation: Observation, auteur: Utilisateur, motif: str) -> bool:
    """Delete a note written on the wrong request, or twice, with its reason. False if already gone."""
    if not auteur_de_l_observation(auteur, observation):
        raise ActionRefusee("Seul l'auteur d'une observation la supprime.")
    with transaction.atomic():
        observation = Observation.objects.select_for_update().filter(pk=observation.pk).first()
        if observation is None:
            return False
        _supprimer(observation, auteur=auteur, motif=motif, confidentielle=observation.confidentielle)
    return True


def demande_decider(
    *, demande: DemandeAide, auteur: Utilisateur, decision: str, motif: str, intervenants: dict,
    le: date | None = None,
) -> bool:
    """Record the RASED's answer with its reason; for an aid, one ``Aide`` per kind decided.

    ``intervenants`` maps each kind of aid (E, G, psy) to the member who will carry it. ``le`` is
    the day the RASED decided (its meeting, often recorded later; today if not given): never in
    the future, never before the request reached the RASED. The teacher who filed the request is
    notified. False if this decision was already recorded.
    """
    if le is not None and le > timezone.localdate():
        raise ActionRefusee("La date de la décision ne peut pas être dans le futur.")
    if not motif.strip():
        raise ActionRefusee("Indiquez le motif de la décision.")
    _verifier_intervenants(decision, intervenants)
    with transaction.atomic():
        demande = DemandeAide.objects.select_for_update().get(pk=demande.pk)
        if demande.decision == decision and demande.etat in (EtatDemande.AIDE_DECIDEE, EtatDemande.AUTRE_REPONSE):
            return False
        if demande.etat not in (EtatDemande.ENVOYEE, EtatDemande.EN_ANALYSE):
            raise ActionRefusee("Une décision a déjà été prise pour cette demande.")
        envoi = timezone.localdate(demande.envoyee_le) if demande.envoyee_le else None
        if le is not None and envoi and le < envoi:
            raise ActionRefusee(
                f"La décision ne peut pas être datée du {le:%d/%m/%Y} : la demande n'a été envoyée au RASED "
                f"que le {envoi:%d/%m/%Y}. Vérifiez la date de la décision."
            )
        demande.decision = decision
        demande.decision_motif = motif.strip()
        decidee_le = (
            timezone.now() if le is None or le == timezone.localdate()
            # A decision recorded afterwards: its day is what counts (waiting times, the fiche).
            else timezone.make_aware(datetime.combine(le, time(12)))
        )
        # Decided on the day it was sent: never before the moment it was sent.
        demande.decidee_le = max(decidee_le, demande.envoyee_le) if demande.envoyee_le else decidee_le
        demande.decidee_par = auteur
        vers = EtatDemande.AIDE_DECIDEE if decision == Decision.AIDE else EtatDemande.AUTRE_REPONSE
        _changer_etat(
            demande, vers=vers, auteur=auteur, champs=["decision", "decision_motif", "decidee_le", "decidee_par"]
        )
        if decision == Decision.AIDE:
            for type_aide, membre in intervenants.items():
                _creer_aide(demande=demande, type_aide=type_aide, intervenant=membre, auteur=auteur)
        _notifier([demande.auteur], demande, f"Le RASED a répondu à votre demande d'aide n° {demande.pk}.")
    return True


def _verifier_intervenants(decision: str, intervenants: dict) -> None:
    if decision == Decision.AIDE and not intervenants:
        raise ActionRefusee("Choisissez au moins un type d'aide.")
    for type_aide, membre in intervenants.items():
        if membre.role != ROLE_PAR_TYPE_AIDE[type_aide]:
            raise ActionRefusee(f"{membre} ne peut pas mener une {TypeAide(type_aide).label.lower()}.")


def demande_reviser_decision(
    *, demande: DemandeAide, auteur: Utilisateur, revision_lue: int, raison: str, decision: str, motif: str,
    intervenants: dict,
) -> None:
    """Revise the RASED's decision, with the reason why, while none of the aids it decided has started.

    The new decision may be another answer, or other kinds of aid or intervenants: an aid kept
    changes intervenant if need be, an aid no longer decided ends (« décision révisée », also one
    the family had refused, so that a later agreement does not bring it back), an aid decided
    again after such an end is put back « à démarrer », a new kind is created; an aid kept that
    the family refused stays refused (its word stands). The history row keeps the decision revised
    and the reason. Once an aid has started, the journey's own moves take over (a final bilan's
    change of aid or stop): refused. Refused too from a form read before someone else's save.
    The teacher who filed the request is notified.
    """
    if not raison.strip():
        raise ActionRefusee("Indiquez pourquoi la décision est révisée.")
    if not motif.strip():
        raise ActionRefusee("Indiquez le motif de la décision.")
    _verifier_intervenants(decision, intervenants)
    if not rased_du_secteur(auteur, demande):
        raise ActionRefusee("Seuls les membres du RASED du secteur de l'école révisent sa décision.")
    with transaction.atomic():
        # Starting an aid, or the family's answer, locks the aid and then the request: the same
        # order here, so that a start recorded at the same moment is seen, without a deadlock.
        list(Aide.objects.select_for_update().filter(demande_id=demande.pk).order_by("pk"))
        demande = DemandeAide.objects.select_for_update().get(pk=demande.pk)
        aides = {aide.type: aide for aide in Aide.objects.select_for_update().filter(demande_id=demande.pk)}
        if demande.etat not in ETATS_REPONDUS:
            raise ActionRefusee("Le RASED n'a pas encore pris de décision pour cette demande.")
        if any(aide.etat == EtatAide.EN_COURS or aide.debut for aide in aides.values()):
            raise ActionRefusee(REFUS_REVISION_DECISION)
        if demande.revision != revision_lue:
            raise ActionRefusee(modifie_entre_temps("Cette décision a été révisée", "la révisiez"))
        ancienne = demande.decision
        demande.decision = decision
        demande.decision_motif = motif.strip()
        demande.decidee_le = timezone.now()
        demande.decidee_par = auteur
        demande.revision += 1
        vers = EtatDemande.AIDE_DECIDEE if decision == Decision.AIDE else EtatDemande.AUTRE_REPONSE
        _changer_etat(
            demande, vers=vers, auteur=auteur, decision_revisee=ancienne, motif=raison.strip(),
            champs=["decision", "decision_motif", "decidee_le", "decidee_par", "revision"],
        )
        # First the aids decided (the request stays open), then the ends of those no longer decided.
        for type_aide, membre in intervenants.items():
            aide = aides.get(type_aide)
            if aide is None:
                _creer_aide(demande=demande, type_aide=type_aide, intervenant=membre, auteur=auteur)
                continue
            if aide.intervenant_id != membre.pk:
                aide.intervenant = membre
                aide.save(update_fields=["intervenant"])
            if aide.issue == IssueAide.REVISION:
                aide.fin, aide.issue = None, ""
                _changer_etat_aide(aide, vers=EtatAide.A_DEMARRER, auteur=auteur, champs=["fin", "issue"])
        for type_aide, aide in aides.items():
            if type_aide in intervenants or aide.issue == IssueAide.REVISION:
                continue
            # An aid the family refused is no longer decided either: a later agreement must not
            # put it back « à démarrer » under another answer.
            aide.fin = aide.fin or timezone.localdate()
            aide.issue = IssueAide.REVISION
            _changer_etat_aide(aide, vers=EtatAide.TERMINEE, auteur=auteur, champs=["fin", "issue"])
        if vers == EtatDemande.AIDE_DECIDEE and not demande.aides.exclude(etat=EtatAide.TERMINEE).exists():
            # Only aids the family refused are decided: the request is closed, as after their refusal.
            _changer_etat(demande, vers=EtatDemande.CLOTUREE, auteur=auteur)
        _notifier([demande.auteur], demande, f"Le RASED a révisé sa réponse à votre demande d'aide n° {demande.pk}.")


# The aids that wait for the family's word on each act.
TYPES_PAR_ACTE = {ActeConsentement.AIDE_E_G: (TypeAide.E, TypeAide.G), ActeConsentement.PSY: (TypeAide.PSY,)}


def consentement_enregistrer(*, demande: DemandeAide, auteur: Utilisateur, consentement: Consentement) -> Consentement:
    """Record the family's answer to one act. The family may change its mind, and the aids that
    depend on the act follow (the letter says « vous pourrez changer d'avis »):

    - a refusal ends an aid not started yet (« refus de la famille ») and ends an aid under way
      (« arrêt à la demande de la famille »), on the answer's date;
    - an agreement after a refusal puts the aid refused back « à démarrer »;
    - the request closes when its last aid ends, and reopens when an aid is to start again
      (``_changer_etat_aide``).

    The answers about the psychologist's work (``ACTES_PSY``) are recorded by psychologists only:
    the act, its comment and who recorded it are under the psychologist's secrecy.
    """
    if consentement.acte in ACTES_PSY and not lit_le_secret_psy(auteur):
        raise ActionRefusee(
            "La réponse de la famille sur le bilan ou le suivi psychologique, et sur la transmission "
            "de ses conclusions, est enregistrée par un psychologue de l'Éducation nationale."
        )
    consentement.demande = demande
    consentement.enregistre_par = auteur
    consentement.full_clean()
    with transaction.atomic():
        consentement.save()
        # The aids' rows are locked: a session or a start may be recorded at the same moment.
        aides = demande.aides.select_for_update().filter(type__in=TYPES_PAR_ACTE.get(consentement.acte, ()))
        for aide in aides.order_by("pk"):
            if not consentement.accorde and aide.etat != EtatAide.TERMINEE:
                refus = aide.etat == EtatAide.A_DEMARRER
                aide.fin = consentement.date
                aide.issue = IssueAide.REFUS_FAMILLE if refus else IssueAide.RETRAIT_FAMILLE
                _changer_etat_aide(aide, vers=EtatAide.TERMINEE, auteur=auteur, champs=["fin", "issue"])
            elif consentement.accorde and aide.issue == IssueAide.REFUS_FAMILLE:
                aide.fin, aide.issue = None, ""
                _changer_etat_aide(aide, vers=EtatAide.A_DEMARRER, auteur=auteur, champs=["fin", "issue"])
    return consentement


def _exiger_intervenant(auteur: Utilisateur, aide: Aide) -> None:
    """Only the aid's intervenant, or the stand-in the policy allows, moves the aid itself."""
    if not agit_pour_l_aide(auteur, aide):
        raise ActionRefusee(
            f"Cette aide est menée par {aide.intervenant} : seuls son intervenant, ou un collègue de même "
            "fonction dont le secteur couvre l'école, la démarrent, la rédigent et l'évaluent."
        )


def aide_arreter_depart(*, aide: Aide, auteur: Utilisateur, le) -> bool:
    """Stop an aid because the pupil left the school, on ``le``: by its intervenant (or
    stand-in); the request closes if it was its last aid (``_changer_etat_aide``). False if the
    aid had already ended."""
    _exiger_intervenant(auteur, aide)
    if le > timezone.localdate():
        raise ActionRefusee("La date du départ ne peut pas être dans le futur.")
    with transaction.atomic():
        aide = Aide.objects.select_for_update().get(pk=aide.pk)
        if aide.etat == EtatAide.TERMINEE:
            return False
        if aide.debut and le < aide.debut:
            raise ActionRefusee(f"La date du départ précède le début de l'aide ({aide.debut:%d/%m/%Y}).")
        aide.fin, aide.issue = le, IssueAide.DEPART
        _changer_etat_aide(aide, vers=EtatAide.TERMINEE, auteur=auteur, champs=["fin", "issue"])
    return True


def aide_demarrer(*, aide: Aide, auteur: Utilisateur, debut) -> bool:
    """Start an aid: by its intervenant (or stand-in), refused without the family's agreement on
    record. False if already started."""
    _exiger_intervenant(auteur, aide)
    with transaction.atomic():
        aide = Aide.objects.select_for_update().get(pk=aide.pk)
        if aide.etat == EtatAide.EN_COURS:
            return False
        if aide.etat != EtatAide.A_DEMARRER:
            raise ActionRefusee("Cette aide est terminée.")
        if raison := prealable_manquant(ACTIONS["aides.demarrer_aide"].prealables, aide):
            raise ActionRefusee(raison)
        accord = Consentement.objects.en_vigueur(demande=aide.demande, acte=acte_pour_demarrer(aide))
        if debut < accord.date:
            raise ActionRefusee(
                f"L'aide ne peut pas commencer le {debut:%d/%m/%Y}, avant l'accord de la famille "
                f"du {accord.date:%d/%m/%Y} : vérifiez la date de début."
            )
        aide.debut = debut
        _changer_etat_aide(aide, vers=EtatAide.EN_COURS, auteur=auteur, champs=["debut"])
    return True


def date_de_revision(aide: Aide, debut: date) -> date:
    """A période after ``debut``: ``SEMAINES_PAR_PERIODE`` school weeks of the pupil's zone, the
    holidays not counted, landing on a school day."""
    return calendrier_scolaire(aide.eleve.circonscription_id).apres_semaines_d_ecole(debut, SEMAINES_PAR_PERIODE)


def programme_creer(*, aide: Aide, auteur: Utilisateur, programme: Programme) -> Programme:
    """The first version of an aid's programme, as a draft."""
    _exiger_intervenant(auteur, aide)
    if aide.programmes.exists():
        raise ActionRefusee("Cette aide a déjà un programme : modifiez-le ou créez une nouvelle version.")
    programme.aide = aide
    programme.version = 1
    programme.redige_par = auteur
    if programme.date_debut and not programme.date_revision:
        programme.date_revision = date_de_revision(aide, programme.date_debut)
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        HistoriqueProgramme.objects.create(programme=programme, auteur=auteur, de="", vers=programme.etat)
    return programme


def programme_verifier_modifiable(*, programme: Programme, revision_lue: int) -> None:
    """Refuse an edit of ``programme`` (as read now) from a form read at ``revision_lue``.

    Called under the row lock by ``programme_enregistrer``, and by the edit page before it
    checks the form's rows: a stale form may name objectives someone else has removed.
    """
    if programme.etat != EtatProgramme.BROUILLON:
        raise ActionRefusee("Un programme validé ne se modifie pas : créez une nouvelle version.")
    if programme.revision != revision_lue:
        raise ActionRefusee(modifie_entre_temps("Ce programme a été modifié", "le complétiez"))


def programme_enregistrer(*, programme: Programme, revision_lue: int) -> Programme:
    """Save a draft edited from a form read at ``revision_lue``.

    Refused if the programme is validated (never edited in place) or if someone else
    saved it since the form was read (the second save must not silently win).
    """
    with transaction.atomic():
        actuel = Programme.objects.select_for_update().get(pk=programme.pk)
        programme_verifier_modifiable(programme=actuel, revision_lue=revision_lue)
        programme.revision = actuel.revision + 1
        programme.full_clean()
        programme.save()
    return programme


def programme_valider(*, programme: Programme, auteur: Utilisateur) -> bool:
    """Validate a draft; the version it renews becomes « replaced ». False if already validated."""
    _exiger_intervenant(auteur, programme.aide)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.etat == EtatProgramme.VALIDE:
            return False
        if programme.etat != EtatProgramme.BROUILLON:
            raise ActionRefusee("Cette version a été remplacée.")
        if raison := prealable_manquant(ACTIONS["aides.valider_programme"].prealables, programme):
            raise ActionRefusee(raison)
        for precedente in Programme.objects.select_for_update().filter(
            aide_id=programme.aide_id, etat=EtatProgramme.VALIDE
        ):
            _changer_etat_programme(precedente, vers=EtatProgramme.REMPLACE, auteur=auteur)
        programme.valide_le = timezone.now()
        programme.valide_par = auteur
        programme.revision += 1
        programme.etat = EtatProgramme.VALIDE
        # The document signed on paper must reprint identically later.
        programme.instantane = donnees_programme(programme)
        _changer_etat_programme(programme, vers=EtatProgramme.VALIDE, auteur=auteur,
                                champs=["valide_le", "valide_par", "revision", "instantane"])
    return True


def programme_nouvelle_version(*, programme: Programme, auteur: Utilisateur, debut) -> Programme:
    """A new draft version copied from a validated one (objectives and actions included)."""
    _exiger_intervenant(auteur, programme.aide)
    with transaction.atomic():
        source = Programme.objects.select_for_update().get(pk=programme.pk)
        brouillon = source.aide.programmes.filter(etat=EtatProgramme.BROUILLON).first()
        if brouillon:
            return brouillon
        if source.etat != EtatProgramme.VALIDE:
            raise ActionRefusee("Seule la version validée peut être renouvelée.")
        nouvelle = Programme.objects.get(pk=source.pk)
        nouvelle.pk = None
        nouvelle._state.adding = True
        nouvelle.version = source.aide.programmes.count() + 1
        nouvelle.etat = EtatProgramme.BROUILLON
        nouvelle.date_debut = debut
        nouvelle.date_revision = date_de_revision(source.aide, debut)
        nouvelle.redige_par = auteur
        nouvelle.valide_le = nouvelle.valide_par = nouvelle.instantane = None
        nouvelle.revision = 0
        nouvelle.save()
        HistoriqueProgramme.objects.create(programme=nouvelle, auteur=auteur, de="", vers=nouvelle.etat)
        # The new période starts where the last bilan left each skill (or, without one, where
        # the previous version started it).
        mesurees = dict(
            EvaluationObjectif.objects.filter(objectif__programme=source)
            .exclude(maitrise_actuelle="")
            .order_by("evaluation__date", "evaluation__pk")
            .values_list("objectif_id", "maitrise_actuelle")
        )
        Objectif.objects.bulk_create(
            Objectif(programme=nouvelle, ordre=o.ordre, domaine=o.domaine, visee=o.visee,
                     intitule=o.intitule, critere=o.critere, responsable=o.responsable,
                     competence_id=o.competence_id, maitrise_initiale=mesurees.get(o.pk, o.maitrise_initiale))
            for o in source.objectifs.all()
        )
        ActionProgramme.objects.bulk_create(
            ActionProgramme(programme=nouvelle, acteur=a.acteur, description=a.description)
            for a in source.actions.all()
        )
    return nouvelle


def evaluation_enregistrer(*, evaluation: Evaluation, resultats, auteur: Utilisateur) -> Evaluation:
    """Record a review of a validated programme and apply what comes next.

    ``resultats`` is a list of unsaved ``EvaluationObjectif``, one per objective. A renewal
    opens a new programme version; a stop, a change or an orientation ends the aid, and
    the request is closed once all its aids have ended — except after a change of the kind
    of aid, where it stays open for the new aid (``aide_ajouter``). The teacher is notified.
    """
    programme = evaluation.programme
    _exiger_intervenant(auteur, programme.aide)
    if programme.etat != EtatProgramme.VALIDE:
        raise ActionRefusee("Seul un programme validé s'évalue.")
    attendus = set(programme.objectifs.values_list("pk", flat=True))
    if {r.objectif_id for r in resultats} != attendus:
        raise ActionRefusee("Évaluez chacun des objectifs du programme.")
    with transaction.atomic():
        # Two people recording the final review at once (or a double click): the aid's row
        # lock makes the second see that the first has ended the aid.
        if Aide.objects.select_for_update().get(pk=programme.aide_id).etat == EtatAide.TERMINEE:
            raise ActionRefusee("Cette aide est terminée : aucun bilan ne peut plus y être ajouté.")
        evaluation.auteur = auteur
        evaluation.full_clean()
        evaluation.save()
        for resultat in resultats:
            resultat.evaluation = evaluation
            resultat.full_clean()
        evaluation.resultats.model.objects.bulk_create(resultats)
        aide = programme.aide
        if evaluation.suite == SuiteEvaluation.RENOUVELLEMENT:
            programme_nouvelle_version(programme=programme, auteur=auteur, debut=evaluation.date)
        elif evaluation.suite != SuiteEvaluation.POURSUITE and evaluation.type == TypeEvaluation.FINALE:
            aide.fin = evaluation.date
            aide.issue = evaluation.suite
            # Closes the request when this was its last aid, unless the kind of aid changes.
            _changer_etat_aide(aide, vers=EtatAide.TERMINEE, auteur=auteur, champs=["fin", "issue"])
        if not aide.est_psy:
            # A psychologist's bilan is a psychological document: nothing tells anyone else
            # that it was written (DOMAIN.md).
            _notifier(
                [aide.demande.auteur], aide.demande,
                f"Un bilan de l'aide liée à votre demande n° {aide.demande_id} a été enregistré.",
            )
    return evaluation




def verifier_date_seance(*, jour: date, aides: list[Aide]) -> None:
    """Refuse a session on ``jour`` for an aid whose family had not agreed on that day: before
    its first agreement, or while a refusal or a withdrawal was the family's last word.

    One query for all the aids. Shared by recording and correcting a session. (The calendar —
    weekends, public holidays, school holidays — is a warning the member may confirm:
    ``SeanceForm.clean``.)
    """
    demandes = {aide.demande_id for aide in aides}
    reponses: dict[tuple[int, str], list[Consentement]] = {}
    for reponse in Consentement.objects.filter(
        demande_id__in=demandes, acte__in=[acte_pour_demarrer(a) for a in aides]
    ).order_by("date", "pk"):
        reponses.setdefault((reponse.demande_id, reponse.acte), []).append(reponse)
    for aide in aides:
        liste = reponses.get((aide.demande_id, acte_pour_demarrer(aide)), [])
        avant = [r for r in liste if r.date <= jour]
        if avant and avant[-1].accorde:
            continue
        if avant:
            raise ActionRefusee(
                f"Le {jour:%d/%m/%Y}, la famille de {aide.eleve} avait refusé l'aide (réponse du "
                f"{avant[-1].date:%d/%m/%Y}) : aucune séance ne peut être notée à cette date."
            )
        accord = next((r for r in liste if r.accorde), None)
        raise ActionRefusee(
            f"La séance du {jour:%d/%m/%Y} précède l'accord de la famille de {aide.eleve}"
            + (f" (donné le {accord.date:%d/%m/%Y})" if accord else "")
            + " : aucune séance avant cet accord. Vérifiez la date."
        )


def seance_enregistrer(
    *, intervenant: Utilisateur, seance: Seance, presences: list[PresenceSeance], creneau: Creneau | None = None
) -> Seance:
    """Log a session held by ``intervenant`` with one or several pupils, all in one transaction.

    ``presences`` holds one unsaved ``PresenceSeance`` per pupil (its aid, attendance and
    observation). Each aid must be en cours, started on or before the session's date, and carried
    by the member (``Aide.objects.menees_par``: theirs, or as the policy's stand-in), with the
    family's agreement in force on that date (``verifier_date_seance``). Refused, with nothing
    written, without any pupil, for a duration outside 5–240 minutes or a future date.

    ``creneau``: the session is that slot's on its date (« Noter la séance »): the slot must be the
    member's and the date one of its days (``refus_du_jour``); the session's time and modality
    default to the slot's. A day already logged raises ``SeanceDejaNotee`` with that session.
    """
    if intervenant.role not in ROLES_RASED:
        raise ActionRefusee("Seuls les membres du RASED enregistrent des séances.")
    ids = _verifier_seance(seance, presences)
    with transaction.atomic():
        if creneau is not None:
            _rattacher_au_creneau(intervenant, seance, creneau)
        _verifier_aides_de_la_seance(intervenant, seance, ids, nouvelles=ids)
        seance.intervenant = intervenant
        seance.full_clean()
        seance.save()
        for presence in presences:
            presence.seance = seance
            presence.full_clean()
            # One save per pupil (a handful): bulk_create would leave no line in the change history.
            presence.save()
    return seance


REFUS_JOUR_NON_TENU = (
    "Le {jour:%d/%m/%Y} de ce créneau est marqué « non tenu » : si la séance a bien eu lieu, "
    "annulez d'abord « non tenue » dans votre semaine, puis notez-la."
)


def _rattacher_au_creneau(intervenant: Utilisateur, seance: Seance, creneau: Creneau) -> None:
    """Inside a transaction: ``seance`` becomes ``creneau``'s session of its date, or is refused."""
    # Two submissions of the same day at once (a double click, two tabs): the slot's row is locked,
    # so the second one finds the first session and is told, instead of hitting the constraint.
    creneau = Creneau.objects.select_for_update().select_related("ecole").filter(
        pk=creneau.pk, intervenant=intervenant
    ).first()
    if creneau is None:
        raise ActionRefusee("Ce créneau n'est pas dans votre emploi du temps.")
    refus = refus_du_jour(creneau, seance.date, calendrier_scolaire(creneau.ecole.circonscription_id))
    if refus:
        raise ActionRefusee(refus)
    if CreneauNonTenu.objects.filter(creneau=creneau, date=seance.date).exists():
        raise ActionRefusee(REFUS_JOUR_NON_TENU.format(jour=seance.date))
    deja = Seance.objects.filter(creneau=creneau, date=seance.date).first()
    if deja is not None:
        raise SeanceDejaNotee(
            f"La séance du {seance.date:%d/%m/%Y} de ce créneau est déjà notée : la voici, à corriger si besoin.",
            seance=deja,
        )
    seance.creneau = creneau
    seance.heure = seance.heure or creneau.heure
    seance.modalite = seance.modalite or creneau.modalite


def _verifier_seance(seance: Seance, presences: list[PresenceSeance]) -> list[int]:
    """What a session logged or corrected must be: pupils, a duration, a past date. Its aids' ids."""
    if not presences:
        raise ActionRefusee("Cochez au moins un élève ayant participé à la séance.")
    if seance.duree is None or not DUREE_SEANCE_MIN <= seance.duree <= DUREE_SEANCE_MAX:
        raise ActionRefusee(
            f"Une séance dure entre {DUREE_SEANCE_MIN} et {DUREE_SEANCE_MAX} minutes : vérifiez la durée."
        )
    if seance.date is None or seance.date > timezone.localdate():
        raise ActionRefusee("La date de la séance ne peut pas être dans le futur.")
    ids = [p.aide_id for p in presences]
    if len(set(ids)) != len(ids):
        raise ActionRefusee("Un même élève figure deux fois dans la séance.")
    return ids


def _verifier_aides_de_la_seance(membre: Utilisateur, seance: Seance, ids, *, nouvelles) -> None:
    """Inside a transaction: each aid of ``nouvelles`` (pupils added to the session) is carried by
    ``membre`` and en cours; every aid had started by the session's date. An aid already in a
    corrected session may have ended since: its past session stays correctable."""
    # The aid may end (final evaluation) while the session is being written: lock its row.
    aides = Aide.objects.visibles_par(membre).select_for_update(of=("self",)).select_related(
        "eleve", "intervenant"
    )
    aides = {aide.pk: aide for aide in aides.filter(pk__in=ids)}
    menees = set(Aide.objects.menees_par(membre).filter(pk__in=nouvelles).values_list("pk", flat=True))
    for aide_id in ids:
        aide = aides.get(aide_id)
        if aide is None:
            raise ActionRefusee("Cette aide ne relève pas de votre secteur.")
        if aide_id in nouvelles:
            if aide_id not in menees:
                raise ActionRefusee(
                    f"L'aide {de(str(aide.eleve))} est menée par {aide.intervenant} : "
                    "vous ne notez des séances que pour vos aides, ou celles d'un collègue de même "
                    "fonction de votre secteur."
                )
            if aide.etat != EtatAide.EN_COURS:
                raise ActionRefusee(
                    f"L'aide {de(str(aide.eleve))} n'est pas en cours "
                    f"({aide.get_etat_display().lower()}) : aucune séance ne peut y être rattachée."
                )
        if aide.debut and seance.date < aide.debut:
            raise ActionRefusee(
                f"La séance du {seance.date:%d/%m/%Y} précède le début de l'aide "
                f"{de(str(aide.eleve))} ({aide.debut:%d/%m/%Y})."
            )
    # A session on a day the family had not agreed (before its agreement, after a refusal).
    verifier_date_seance(jour=seance.date, aides=[aides[i] for i in ids])


def seance_modifier(
    *, seance: Seance, auteur: Utilisateur, presences: list[PresenceSeance], revision_lue: int
) -> Seance:
    """Correct a session (date, duration, content, its pupils, each one's attendance and note)
    from a form read at ``revision_lue``; refused if someone saved it since (no lost update).

    ``presences``: one unsaved row per pupil of the corrected session; a pupil left out is taken
    off it. Pupils added follow the rules of ``seance_enregistrer``; the session keeps its author.
    """
    if not corrige_la_seance(auteur, seance):
        raise ActionRefusee("Seuls l'intervenant de la séance ou son remplaçant la corrigent.")
    ids = _verifier_seance(seance, presences)
    with transaction.atomic():
        # Two people may correct the same session at once: the second must not silently win.
        actuel = _verrouiller_ou_refuser(Seance, seance.pk, "Cette séance a été supprimée entre-temps.")
        if actuel.revision != revision_lue:
            raise ActionRefusee(modifie_entre_temps("Cette séance a été modifiée", "la corrigiez"))
        existantes = {p.aide_id: p for p in actuel.presences.all()}
        _verifier_aides_de_la_seance(auteur, seance, ids, nouvelles=[i for i in ids if i not in existantes])
        if seance.creneau_id and Seance.objects.filter(creneau_id=seance.creneau_id, date=seance.date).exclude(
            pk=seance.pk
        ).exists():
            # Said here rather than by the constraint (« une séance par créneau et par jour ») in full_clean.
            raise ActionRefusee(f"La séance du {seance.date:%d/%m/%Y} de ce créneau est déjà notée : "
                                "corrigez-la plutôt que d'y déplacer celle-ci.")
        seance.intervenant_id = actuel.intervenant_id
        seance.revision = actuel.revision + 1
        seance.full_clean()
        seance.save()
        for aide_id, retiree in existantes.items():
            if aide_id not in ids:
                retiree.delete()
        for presence in presences:
            ligne = existantes.get(presence.aide_id)
            if ligne is None:
                presence.seance = seance
                presence.full_clean()
                presence.save()
            elif (ligne.presence, ligne.observation) != (presence.presence, presence.observation):
                ligne.presence, ligne.observation = presence.presence, presence.observation
                ligne.full_clean()
                ligne.save(update_fields=["presence", "observation"])
    return seance


def _verrouiller_ou_refuser(modele, pk, refus: str):
    """The row locked for a correction; deleted by someone else since the page was read: refused."""
    actuel = modele.objects.select_for_update().filter(pk=pk).first()
    if actuel is None:
        raise ActionRefusee(refus)
    return actuel


def _supprimer(objet, *, auteur: Utilisateur, motif: str, confidentielle: bool) -> Suppression:
    """Delete ``objet`` keeping why, by whom and when (``Suppression``, pointed to by the change
    history's delete entry: ``aides.models.Supprimable``)."""
    motif = (motif or "").strip()
    if not motif:
        raise ActionRefusee("Indiquez le motif de la suppression.")
    suppression = Suppression(
        type=ContentType.objects.get_for_model(objet), objet_id=objet.pk, objet=str(objet)[:200],
        motif=motif, auteur=auteur, confidentielle=confidentielle,
    )
    suppression.full_clean()
    suppression.save()
    objet._suppression = suppression
    objet.delete()
    return suppression


def seance_supprimer(*, seance: Seance, auteur: Utilisateur, motif: str) -> bool:
    """Delete a session (logged twice, or for the wrong day and group) with its reason; its
    attendance rows go with it, and every figure counting them with them. False if already gone."""
    if not corrige_la_seance(auteur, seance):
        raise ActionRefusee("Seuls l'intervenant de la séance ou son remplaçant la suppriment.")
    with transaction.atomic():
        seance = Seance.objects.select_for_update().filter(pk=seance.pk).first()
        if seance is None:
            return False
        psy = seance.presences.filter(aide__type=TypeAide.PSY).exists()
        _supprimer(seance, auteur=auteur, motif=motif, confidentielle=psy)
    return True


def action_equipe_enregistrer(*, auteur: Utilisateur, ecole: Ecole, action: ActionEquipe) -> ActionEquipe:
    """Record a support action of the RASED (pôle ressource) for a school's team.

    Only RASED members of the school's secteur record them; the date may not be in the future,
    the time spent is 5 minutes to 8 hours, and a pupil linked (inclusion) must be enrolled in
    this school this year.
    """
    if auteur.role not in ROLES_RASED or not Ecole.objects.visibles_par(auteur).filter(pk=ecole.pk).exists():
        raise ActionRefusee("Seuls les membres du RASED du secteur de l'école enregistrent ses actions.")
    _verifier_action_equipe(action, ecole)
    action.ecole = ecole
    action.auteur = auteur
    action.confidentielle = lit_le_secret_psy(auteur)
    action.full_clean()
    action.save()
    return action


def _verifier_action_equipe(action: ActionEquipe, ecole: Ecole) -> None:
    if action.date is None or action.date > timezone.localdate():
        raise ActionRefusee("La date de l'action ne peut pas être dans le futur.")
    if action.duree is None or not DUREE_ACTION_MIN <= action.duree <= DUREE_ACTION_MAX:
        raise ActionRefusee(
            f"Le temps passé est compris entre {DUREE_ACTION_MIN} minutes et {DUREE_ACTION_MAX // 60} heures."
        )
    if action.eleve_id and not Inscription.objects.filter(
        eleve_id=action.eleve_id, classe__ecole=ecole, annee__debut=annee_courante_debut()
    ).exists():
        raise ActionRefusee("L'élève concerné doit être inscrit dans cette école cette année.")


def action_equipe_modifier(*, action: ActionEquipe, auteur: Utilisateur, revision_lue: int) -> ActionEquipe:
    """Correct a team action (date, people met, theme, what was brought, time, pupil) from a form
    read at ``revision_lue``, by its author; the rules of ``action_equipe_enregistrer`` hold."""
    if not auteur_de_l_action_equipe(auteur, action):
        raise ActionRefusee("Seul l'auteur d'une action auprès d'une équipe la corrige.")
    with transaction.atomic():
        # Two tabs, or a page left open: the second save must not silently win.
        actuel = _verrouiller_ou_refuser(ActionEquipe, action.pk, "Cette action a été supprimée entre-temps.")
        if actuel.revision != revision_lue:
            raise ActionRefusee(modifie_entre_temps("Cette action a été modifiée", "la corrigiez"))
        _verifier_action_equipe(action, actuel.ecole)
        action.revision = actuel.revision + 1
        action.full_clean()
        action.save()
    return action


def action_equipe_supprimer(*, action: ActionEquipe, auteur: Utilisateur, motif: str) -> bool:
    """Delete a team action recorded twice or by mistake, with its reason. False if already gone."""
    if not auteur_de_l_action_equipe(auteur, action):
        raise ActionRefusee("Seul l'auteur d'une action auprès d'une équipe la supprime.")
    with transaction.atomic():
        action = ActionEquipe.objects.select_for_update().filter(pk=action.pk).first()
        if action is None:
            return False
        _supprimer(action, auteur=auteur, motif=motif, confidentielle=action.confidentielle)
    return True


# --- Programme personnalisé and evaluations: corrections and the psychologist's conclusions ----


def evaluation_modifier(*, evaluation: Evaluation, resultats, revision_lue: int) -> Evaluation:
    """Correct a recorded review from a form read at ``revision_lue``.

    Only its synthesis, self-esteem measures and per-objective results change: its kind, date
    and what came next have had their effects (new version, aid ended) and stay as recorded.
    Refused if someone else saved it since the form was read (the second save must not
    silently win).
    """
    with transaction.atomic():
        actuel = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if actuel.revision != revision_lue:
            raise ActionRefusee(modifie_entre_temps("Ce bilan a été modifié", "le corrigiez"))
        if (evaluation.type, evaluation.date, evaluation.suite) != (actuel.type, actuel.date, actuel.suite):
            raise ActionRefusee("Le type, la date et la suite donnée d'un bilan enregistré ne se modifient pas.")
        attendus = set(actuel.resultats.values_list("pk", flat=True))
        if {r.pk for r in resultats} != attendus:
            raise ActionRefusee("Évaluez chacun des objectifs du programme.")
        evaluation.revision = actuel.revision + 1
        evaluation.full_clean()
        evaluation.save()
        for resultat in resultats:
            resultat.evaluation = evaluation
            resultat.full_clean()
            resultat.save()
    return evaluation


def conclusion_enregistrer(*, aide: Aide, auteur: Utilisateur, conclusion: ConclusionPsy) -> ConclusionPsy:
    """Write or correct the psychologist's conclusion of a psychological follow-up.

    Only psychologists write them. A conclusion stays in the psychologist's space until it is
    shared with the team (teacher, directeur, RASED colleagues), which needs the family's
    agreement to pass the psychologist's conclusions on (``ActeConsentement.TRANSMISSION``)
    on record at the time of sharing.
    """
    if not aide.est_psy:
        raise ActionRefusee("Seul un suivi psychologique a des conclusions du psychologue.")
    if not lit_le_secret_psy(auteur):
        raise ActionRefusee("Seul un psychologue rédige les conclusions d'un suivi psychologique.")
    if conclusion.partagee and not Consentement.objects.accorde(
        demande=aide.demande, acte=ActeConsentement.TRANSMISSION):
        raise ActionRefusee(
            "Ces conclusions ne peuvent être partagées qu'avec l'accord de la famille pour leur "
            "transmission : enregistrez d'abord cet accord, ou gardez-les non partagées."
        )
    conclusion.aide = aide
    if conclusion.pk is None:
        conclusion.auteur = auteur
    conclusion.full_clean()
    conclusion.save()
    return conclusion


# --- Analysis: meetings, and what starting an aid waits for ------------------------------------




def reunion_enregistrer(
    *, demande: DemandeAide, auteur: Utilisateur, reunion: Reunion, participants, externes
) -> Reunion:
    """Record a meeting about a request: its participants with an account, and the others.

    ``participants`` are people of the app (already chosen among those concerned by the
    request); ``externes`` is a list of ``(nom, qualité)`` for people without an account
    (a parent, the médecin scolaire, an AESH…). Refused on a draft, which the RASED has not
    received yet. Everything is written in one transaction.
    """
    if demande.etat == EtatDemande.BROUILLON:
        raise ActionRefusee("Une réunion ne s'enregistre que pour une demande envoyée au RASED.")
    reunion.demande = demande
    reunion.auteur = auteur
    reunion.confidentielle = lit_le_secret_psy(auteur)
    reunion.full_clean()
    lignes = _participants_externes(externes)
    with transaction.atomic():
        reunion.save()
        reunion.participants.set(participants)
        for ligne in lignes:
            ligne.reunion = reunion
        ParticipantExterne.objects.bulk_create(lignes)
    return reunion


def _participants_externes(externes) -> list[ParticipantExterne]:
    lignes = [ParticipantExterne(nom=nom, qualite=qualite) for nom, qualite in externes]
    for ligne in lignes:
        ligne.full_clean(exclude=["reunion"])
    return lignes


def reunion_modifier(
    *, reunion: Reunion, auteur: Utilisateur, participants, externes, revision_lue: int
) -> Reunion:
    """Correct a meeting (kind, date, place, participants, agenda, minutes, decisions) from a form
    read at ``revision_lue``, by its author; refused if someone saved it since. The outside
    participants are replaced by the list given."""
    if not auteur_de_la_reunion(auteur, reunion):
        raise ActionRefusee("Seul l'auteur du compte rendu d'une réunion le corrige.")
    lignes = _participants_externes(externes)
    with transaction.atomic():
        # Two tabs, or a page left open: the second save must not silently win.
        actuel = _verrouiller_ou_refuser(Reunion, reunion.pk, "Cette réunion a été supprimée entre-temps.")
        if actuel.revision != revision_lue:
            raise ActionRefusee(modifie_entre_temps("Ce compte rendu de réunion a été modifié", "le corrigiez"))
        reunion.revision = actuel.revision + 1
        reunion.full_clean()
        reunion.save()
        reunion.participants.set(participants)
        # Outside participants have no identity of their own: the corrected list replaces them.
        reunion.participants_externes.all().delete()
        for ligne in lignes:
            ligne.reunion = reunion
        ParticipantExterne.objects.bulk_create(lignes)
    return reunion


def reunion_supprimer(*, reunion: Reunion, auteur: Utilisateur, motif: str) -> bool:
    """Delete a meeting recorded twice or on the wrong request, with its reason. False if gone."""
    if not auteur_de_la_reunion(auteur, reunion):
        raise ActionRefusee("Seul l'auteur du compte rendu d'une réunion le supprime.")
    with transaction.atomic():
        reunion = Reunion.objects.select_for_update().filter(pk=reunion.pk).first()
        if reunion is None:
            return False
        _supprimer(reunion, auteur=auteur, motif=motif, confidentielle=reunion.confidentielle)
    return True


def aide_ajouter(*, demande: DemandeAide, auteur: Utilisateur, type_aide: str, intervenant: Utilisateur) -> Aide:
    """Add a kind of aid to a request already answered by an aid (a change of the kind of aid).

    The new aid starts like any other: after the family's agreement.
    """
    if intervenant.role != ROLE_PAR_TYPE_AIDE[type_aide]:
        raise ActionRefusee(f"{intervenant} ne peut pas mener une {TypeAide(type_aide).label.lower()}.")
    with transaction.atomic():
        demande = DemandeAide.objects.select_for_update().get(pk=demande.pk)
        if demande.etat != EtatDemande.AIDE_DECIDEE:
            raise ActionRefusee("On ne peut ajouter une aide qu'à une demande pour laquelle une aide a été décidée.")
        if demande.aides.filter(type=type_aide).exists():
            raise ActionRefusee("Cette demande a déjà une aide de ce type.")
        aide = _creer_aide(demande=demande, type_aide=type_aide, intervenant=intervenant, auteur=auteur)
        _notifier([demande.auteur], demande, f"Une nouvelle aide a été décidée pour votre demande n° {demande.pk}.")
    return aide


# --- Emploi du temps : groupes et créneaux ----------------------------------------------------
# A member's groups, slots and travel times are his own: the views look them up in his scope
# (``Groupe.objects.de``) and ask the policy; these functions check what the data must respect.


def _nom_de_groupe(nom: str) -> str:
    nom = " ".join((nom or "").split())
    if not nom:
        raise ActionRefusee("Donnez un nom au groupe.")
    return nom


def groupe_creer(*, intervenant: Utilisateur, ecole: Ecole, nom: str) -> Groupe:
    """A new group of ``intervenant`` in one school of his secteur; two of his groups of the same
    school do not share a name."""
    if not ecoles_du_membre(intervenant).filter(pk=ecole.pk).exists():
        raise ActionRefusee("Un groupe se crée dans une école de votre secteur.")
    nom = _nom_de_groupe(nom)
    with transaction.atomic():
        if Groupe.objects.de(intervenant).filter(ecole=ecole, nom__iexact=nom).exists():
            raise ActionRefusee(f"Vous avez déjà un groupe « {nom} » dans cette école.")
        groupe = Groupe(intervenant=intervenant, ecole=ecole, nom=nom)
        groupe.full_clean(validate_constraints=False)
        try:
            # Two tabs creating the same group at once: the unique constraint decides.
            with transaction.atomic():
                groupe.save()
        except IntegrityError as erreur:
            raise ActionRefusee(f"Vous avez déjà un groupe « {nom} » dans cette école.") from erreur
    return groupe


def groupe_renommer(*, groupe: Groupe, nom: str) -> Groupe:
    nom = _nom_de_groupe(nom)
    if Groupe.objects.filter(intervenant_id=groupe.intervenant_id, ecole_id=groupe.ecole_id, nom__iexact=nom) \
            .exclude(pk=groupe.pk).exists():
        raise ActionRefusee(f"Vous avez déjà un groupe « {nom} » dans cette école.")
    if groupe.nom != nom:
        groupe.nom = nom
        groupe.save(update_fields=["nom"])
    return groupe


def groupe_ajouter_eleves(*, groupe: Groupe, aides) -> int:
    """Put the pupils of ``aides`` in the group (the number added). Each must be one of the
    member's aids in the group's school, not ended; a pupil who had left the group comes back;
    a pupil already in it stays as he is."""
    permises = set(aides_pour_groupe(groupe.intervenant, groupe.ecole).values_list("pk", flat=True))
    if any(aide.pk not in permises for aide in aides):
        raise ActionRefusee("On n'ajoute à un groupe que les élèves de vos aides en cours dans son école.")
    ajoutes = 0
    aujourd_hui = timezone.localdate()
    with transaction.atomic():
        deja = {m.aide_id: m for m in MembreGroupe.objects.select_for_update().filter(groupe=groupe)}
        for aide in aides:
            membre = deja.get(aide.pk)
            if membre is None:
                MembreGroupe.objects.create(groupe=groupe, aide=aide, ajoute_le=aujourd_hui)
            elif membre.retire_le is not None:
                membre.retire_le, membre.motif_retrait, membre.ajoute_le = None, "", aujourd_hui
                membre.save(update_fields=["retire_le", "motif_retrait", "ajoute_le"])
            else:
                continue
            ajoutes += 1
    return ajoutes


RETRAIT_PAR_L_INTERVENANT = "retiré par l'intervenant"


def groupe_retirer_eleve(*, membre: MembreGroupe) -> bool:
    """Take a pupil out of a group (he stays in the « ont quitté le groupe » list); False if he
    had already left."""
    with transaction.atomic():
        membre = MembreGroupe.objects.select_for_update().get(pk=membre.pk)
        if membre.retire_le is not None:
            return False
        membre.retire_le = timezone.localdate()
        membre.motif_retrait = RETRAIT_PAR_L_INTERVENANT
        membre.save(update_fields=["retire_le", "motif_retrait"])
    return True


def groupe_supprimer(*, groupe: Groupe) -> None:
    """Delete a group and its slots; the sessions already logged from them stay (their slot is
    emptied: ``Seance.creneau`` is SET_NULL)."""
    groupe.delete()


def creneau_enregistrer(*, creneau: Creneau, intervenant: Utilisateur) -> Creneau:
    """Create or change a recurring slot of ``intervenant``: in a school of his secteur, for one
    of his groups of that school or one of his aids there not ended, ending on or after its
    start."""
    if creneau.ecole_id is None or not ecoles_du_membre(intervenant).filter(pk=creneau.ecole_id).exists():
        raise ActionRefusee("Un créneau se place dans une école de votre secteur.")
    if (creneau.groupe_id is None) == (creneau.aide_id is None):
        raise ActionRefusee("Un créneau est pour un groupe ou pour un élève, l'un ou l'autre.")
    if creneau.groupe_id is not None and not Groupe.objects.de(intervenant).filter(
            pk=creneau.groupe_id, ecole_id=creneau.ecole_id).exists():
        raise ActionRefusee("Le groupe doit être l'un des vôtres dans l'école du créneau.")
    # A slot changed keeps its pupil even if his aid ended since (its past days stay to log).
    inchangee = creneau.pk is not None and Creneau.objects.filter(pk=creneau.pk, aide_id=creneau.aide_id).exists()
    if creneau.aide_id is not None and not inchangee and not aides_pour_groupe(intervenant, creneau.ecole).filter(
            pk=creneau.aide_id).exists():
        raise ActionRefusee("L'élève doit être suivi par vous dans l'école du créneau, avec une aide en cours.")
    if creneau.au < creneau.du:
        raise ActionRefusee("La date de fin du créneau précède sa date de début.")
    creneau.intervenant = intervenant
    creneau.full_clean()
    creneau.save()
    return creneau


def creneau_supprimer(*, creneau: Creneau) -> None:
    """Delete a slot; the sessions logged from it stay (``Seance.creneau`` is SET_NULL), its
    days marked « non tenue » go with it."""
    creneau.delete()


def creneau_non_tenu_marquer(
    *, creneau: Creneau, jour: date, motif: str, precision: str, auteur: Utilisateur
) -> CreneauNonTenu:
    """Mark one day of a slot as not held (it then counts nowhere). Refused on a day the slot
    does not fall on, or already logged as a session; a day already marked keeps its first
    reason (the repeat is a no-op)."""
    if jour.weekday() != creneau.jour or not creneau.du <= jour <= creneau.au:
        raise ActionRefusee(f"Le créneau n'a pas lieu le {jour:%d/%m/%Y}.")
    raison = calendrier_de_l_ecole(creneau.ecole).sans_classe(jour)
    if raison:
        raise ActionRefusee(f"Le {jour:%d/%m/%Y} est {raison} : le créneau n'a pas lieu ce jour-là.")
    with transaction.atomic():
        # Two tabs marking or logging the same day: the slot's row orders them.
        Creneau.objects.select_for_update().filter(pk=creneau.pk).first()
        if Seance.objects.filter(creneau=creneau, date=jour).exists():
            raise ActionRefusee("Une séance a déjà été notée pour ce jour : il a donc eu lieu.")
        existant = CreneauNonTenu.objects.filter(creneau=creneau, date=jour).first()
        if existant is not None:
            return existant
        non_tenu = CreneauNonTenu(creneau=creneau, date=jour, motif=motif, precision=precision.strip(), auteur=auteur)
        non_tenu.full_clean()
        non_tenu.save()
    return non_tenu


def creneau_non_tenu_annuler(*, creneau: Creneau, jour: date) -> bool:
    """The day did take place after all: it is « à noter » again. False if it was not marked."""
    supprimes, _ = CreneauNonTenu.objects.filter(creneau=creneau, date=jour).delete()
    return bool(supprimes)


def temps_trajet_enregistrer(*, intervenant: Utilisateur, valeurs: dict) -> None:
    """Set the member's own travel times: ``valeurs`` maps a pair of school keys to minutes, or to
    None to go back to the administrator's value or the default."""
    with transaction.atomic():
        for (x, y), minutes in valeurs.items():
            a, b = min(x, y), max(x, y)
            if a == b:
                continue
            if minutes is None:
                TempsTrajet.objects.filter(ecole_a_id=a, ecole_b_id=b, intervenant=intervenant).delete()
            else:
                TempsTrajet.objects.update_or_create(
                    ecole_a_id=a, ecole_b_id=b, intervenant=intervenant, defaults={"minutes": minutes},
                )


# --- Emploi du temps : lien de l'agenda -----------------------------------------------------------


def lien_agenda_creer(*, utilisateur: Utilisateur) -> str:
    """A new secret link to ``utilisateur``'s calendar feed; the previous one, if any, is revoked
    (its address answers 404 from now on). Returns the token, shown once: only its hash is kept."""
    jeton = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Two clicks at once would both revoke, then both create: the person's row serialises them.
        Utilisateur.objects.select_for_update().filter(pk=utilisateur.pk).first()
        LienAgenda.objects.actifs().filter(utilisateur=utilisateur).update(revoque_le=timezone.now())
        LienAgenda.objects.create(utilisateur=utilisateur, empreinte=LienAgenda.empreinte_de(jeton))
    return jeton


def lien_agenda_revoquer(*, utilisateur: Utilisateur) -> bool:
    """Revoke ``utilisateur``'s link: phones subscribed to it get nothing more. False if none was live."""
    with transaction.atomic():
        return bool(LienAgenda.objects.actifs().filter(utilisateur=utilisateur).update(revoque_le=timezone.now()))
