"""Writes of the aid workflow: one function per action, each checking the current state.

A move that is not allowed raises ``ActionRefusee`` with a French message for the page;
a move already made is a harmless no-op that says so.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aides.enums import (
    ACTES_PSY,
    DUREE_ACTION_MAX,
    DUREE_ACTION_MIN,
    DUREE_PERIODE,
    DUREE_SEANCE_MAX,
    DUREE_SEANCE_MIN,
    ROLE_PAR_TYPE_AIDE,
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
from aides.exceptions import ActionRefusee
from aides.models import (
    ActionEquipe,
    ActionProgramme,
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueAide,
    HistoriqueDemande,
    HistoriqueProgramme,
    Notification,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from aides.pdf.programme import donnees_programme
from aides.rules import ACTIONS, agit_pour_l_aide, prealable_manquant
from aides.selectors import membres_rased_de
from eleves.enums import ROLES_RASED
from eleves.models import Ecole, Eleve, Inscription, Utilisateur, annee_courante_debut
from eleves.rules import lit_le_secret_psy
from rased.francais import de
from rased.revisions import modifie_entre_temps


def demande_enregistrer(*, demande: DemandeAide, auteur: Utilisateur, eleve: Eleve | None = None) -> DemandeAide:
    """Save a draft; only its author may, and only while it is a draft."""
    if demande.pk is None:
        inscription = eleve.inscription_courante
        if inscription is None:
            raise ActionRefusee("Cet élève n'est inscrit dans aucune classe cette année.")
        demande.eleve = eleve
        demande.classe = inscription.classe
        demande.niveau = inscription.niveau
        demande.auteur = auteur
    elif demande.etat != EtatDemande.BROUILLON:
        raise ActionRefusee("Une demande envoyée ne peut plus être modifiée.")
    demande.save()
    return demande


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
        transaction.on_commit(lambda: _prevenir_par_courriel(demande, destinataires, message))
    return True


def _prevenir_par_courriel(demande: DemandeAide, destinataires, message: str) -> None:
    # The e-mail names no pupil: it may be read on a shared or personal device.
    adresses = [m.email for m in destinataires if m.email]
    if not adresses:
        return
    send_mail(
        subject=f"[rased] {message}"[:120],
        message=f"{message}\n\nConsultez-la dans rased : {settings.SITE_URL}{reverse('demande_detail', args=[demande.pk])}\n",
        from_email=None,
        recipient_list=adresses,
    )


def _changer_etat(demande: DemandeAide, *, vers: str, auteur: Utilisateur, champs=()) -> None:
    """The one place that assigns ``DemandeAide.etat``; the caller holds the row lock."""
    de = demande.etat
    demande.etat = vers
    demande.save(update_fields=["etat", "modifie_le", *champs])
    HistoriqueDemande.objects.create(demande=demande, auteur=auteur, de=de, vers=vers)


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
    transaction.on_commit(lambda: _prevenir_par_courriel(demande, list(destinataires), message))


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


def consentement_en_vigueur(demande: DemandeAide, acte: str) -> bool:
    dernier = Consentement.objects.en_vigueur(demande=demande, acte=acte)
    return bool(dernier and dernier.accorde)


def observation_ajouter(*, demande: DemandeAide, auteur: Utilisateur, observation: Observation) -> Observation:
    """Record what the RASED gathered; a psychologist's note is confidential from the start.

    A psychologist's assessment (bilan) needs the parents' agreement on record first.
    """
    if demande.etat in (EtatDemande.BROUILLON, EtatDemande.CLOTUREE):
        raise ActionRefusee("On ne peut pas ajouter d'observation à cette demande dans son état actuel.")
    est_psy = lit_le_secret_psy(auteur)
    if est_psy and observation.type == TypeObservation.BILAN and not consentement_en_vigueur(
        demande, ActeConsentement.PSY
    ):
        raise ActionRefusee(
            "Aucun bilan psychologique sans l'accord des parents : enregistrez d'abord leur accord."
        )
    observation.demande = demande
    observation.auteur = auteur
    observation.confidentielle = est_psy
    observation.full_clean()
    observation.save()
    return observation


def demande_decider(
    *, demande: DemandeAide, auteur: Utilisateur, decision: str, motif: str, intervenants: dict
) -> bool:
    """Record the RASED's answer with its reason; for an aid, one ``Aide`` per kind decided.

    ``intervenants`` maps each kind of aid (E, G, psy) to the member who will carry it.
    The teacher who filed the request is notified. False if this decision was already recorded.
    """
    if not motif.strip():
        raise ActionRefusee("Indiquez le motif de la décision.")
    if decision == Decision.AIDE and not intervenants:
        raise ActionRefusee("Choisissez au moins un type d'aide.")
    for type_aide, membre in intervenants.items():
        if membre.role != ROLE_PAR_TYPE_AIDE[type_aide]:
            raise ActionRefusee(f"{membre} ne peut pas mener une {TypeAide(type_aide).label.lower()}.")
    with transaction.atomic():
        demande = DemandeAide.objects.select_for_update().get(pk=demande.pk)
        if demande.decision == decision and demande.etat in (EtatDemande.AIDE_DECIDEE, EtatDemande.AUTRE_REPONSE):
            return False
        if demande.etat not in (EtatDemande.ENVOYEE, EtatDemande.EN_ANALYSE):
            raise ActionRefusee("Une décision a déjà été prise pour cette demande.")
        demande.decision = decision
        demande.decision_motif = motif.strip()
        demande.decidee_le = timezone.now()
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
        aide.debut = debut
        _changer_etat_aide(aide, vers=EtatAide.EN_COURS, auteur=auteur, champs=["debut"])
    return True


def programme_creer(*, aide: Aide, auteur: Utilisateur, programme: Programme) -> Programme:
    """The first version of an aid's programme, as a draft."""
    _exiger_intervenant(auteur, aide)
    if aide.programmes.exists():
        raise ActionRefusee("Cette aide a déjà un programme : modifiez-le ou créez une nouvelle version.")
    programme.aide = aide
    programme.version = 1
    programme.redige_par = auteur
    if programme.date_debut and not programme.date_revision:
        programme.date_revision = programme.date_debut + DUREE_PERIODE
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
        nouvelle.date_revision = debut + DUREE_PERIODE
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




def seance_enregistrer(*, intervenant: Utilisateur, seance: Seance, presences: list[PresenceSeance]) -> Seance:
    """Log a session held by ``intervenant`` with one or several pupils, all in one transaction.

    ``presences`` holds one unsaved ``PresenceSeance`` per pupil (its aid, attendance and
    observation). Each aid must be en cours, started on or before the session's date, and carried
    by the member (``Aide.objects.menees_par``: theirs, or as the policy's stand-in). Refused, with
    nothing written, without any pupil, for a duration outside 5–240 minutes or a future date.
    """
    if intervenant.role not in ROLES_RASED:
        raise ActionRefusee("Seuls les membres du RASED enregistrent des séances.")
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
    with transaction.atomic():
        # The aid may end (final evaluation) while the session is being logged: lock its row.
        aides = Aide.objects.visibles_par(intervenant).select_for_update(of=("self",)).select_related(
            "eleve", "intervenant"
        )
        aides = {aide.pk: aide for aide in aides.filter(pk__in=ids)}
        menees = set(Aide.objects.menees_par(intervenant).filter(pk__in=ids).values_list("pk", flat=True))
        for aide_id in ids:
            aide = aides.get(aide_id)
            if aide is None:
                raise ActionRefusee("Cette aide ne relève pas de votre secteur.")
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
        seance.intervenant = intervenant
        seance.full_clean()
        seance.save()
        for presence in presences:
            presence.seance = seance
            presence.full_clean()
            # One save per pupil (a handful): bulk_create would leave no line in the change history.
            presence.save()
    return seance


def action_equipe_enregistrer(*, auteur: Utilisateur, ecole: Ecole, action: ActionEquipe) -> ActionEquipe:
    """Record a support action of the RASED (pôle ressource) for a school's team.

    Only RASED members of the school's secteur record them; the date may not be in the future,
    the time spent is 5 minutes to 8 hours, and a pupil linked (inclusion) must be enrolled in
    this school this year.
    """
    if auteur.role not in ROLES_RASED or not Ecole.objects.visibles_par(auteur).filter(pk=ecole.pk).exists():
        raise ActionRefusee("Seuls les membres du RASED du secteur de l'école enregistrent ses actions.")
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
    action.ecole = ecole
    action.auteur = auteur
    action.confidentielle = lit_le_secret_psy(auteur)
    action.full_clean()
    action.save()
    return action


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
    if conclusion.partagee and not consentement_en_vigueur(aide.demande, ActeConsentement.TRANSMISSION):
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
    lignes = [ParticipantExterne(nom=nom, qualite=qualite) for nom, qualite in externes]
    for ligne in lignes:
        ligne.full_clean(exclude=["reunion"])
    with transaction.atomic():
        reunion.save()
        reunion.participants.set(participants)
        for ligne in lignes:
            ligne.reunion = reunion
        ParticipantExterne.objects.bulk_create(lignes)
    return reunion


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
