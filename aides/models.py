"""The aid workflow: requests (demandes d'aide) and their history.

A request's state is changed only by the functions of ``aides/services.py`` (one per move):
each checks the current state, writes a ``HistoriqueDemande`` row and triggers its side
effects after commit. Nothing else assigns ``DemandeAide.etat``.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from aides.competences import normaliser
from aides.enums import (
    ACTES_PSY,
    ETATS_IMPRESSION_OUVERTS,
    ETATS_REPONDUS,
    TYPE_PAR_ROLE,
    ActeConsentement,
    Acteur,
    Atteinte,
    Decision,
    DejaEssaye,
    DomaineSocle,
    EtatAide,
    EtatDemande,
    EtatImpression,
    EtatProgramme,
    FormeConsentement,
    GenreImpression,
    IssueAide,
    Maitrise,
    Modalite,
    ModeInformation,
    Obstacle,
    Presence,
    SuiteEvaluation,
    TitulairesConsentement,
    TypeAide,
    TypeEvaluation,
    TypeObservation,
    TypeReunion,
    ViseeTransversale,
)
from eleves.enums import ROLES_RASED, Role
from eleves.models import Classe, Ecole, Eleve
from eleves.rules import actif, lit_le_secret_psy, membre_rased
from rased.chiffrement import ChaineChiffree, DecimalChiffre, JSONChiffre, TexteChiffre


class DemandeAideQuerySet(models.QuerySet):
    def visibles_par(self, user) -> "DemandeAideQuerySet":
        """The requests ``user`` may see; a draft stays its author's until it is sent."""
        if not (user.is_authenticated and user.is_active and user.circonscription_id):
            return self.none()
        qs = self.filter(circonscription_id=user.circonscription_id)
        envoyees = ~Q(etat=EtatDemande.BROUILLON)
        match user.role:
            case Role.ENSEIGNANT:
                return qs.filter(auteur=user)
            case Role.DIRECTEUR:
                return qs.filter(Q(auteur=user) | (envoyees & Q(classe__ecole_id=user.ecole_id)))
            case role if role in ROLES_RASED:
                if not user.secteur_id:
                    return self.none()
                return qs.filter(envoyees, classe__ecole__secteurs=user.secteur_id)
            case Role.CIRCONSCRIPTION:
                return qs.filter(envoyees)
        return self.none()

    def autres_en_cours(self, *, eleve_id, auteur_id, sauf=None) -> "DemandeAideQuerySet":
        """The pupil's other requests still open (sent and not closed, or this author's own
        drafts): a new request for him is a second one (asked for a reason before it is sent).
        Not scoped: the caller shows each one only as far as the user may see it."""
        qs = self.filter(eleve_id=eleve_id).exclude(etat=EtatDemande.CLOTUREE).exclude(
            Q(etat=EtatDemande.BROUILLON) & ~Q(auteur_id=auteur_id)
        )
        return qs.exclude(pk=sauf) if sauf else qs


class DemandeAide(models.Model):
    """A teacher's request for help with one pupil, from draft to decision."""

    eleve = models.ForeignKey(Eleve, on_delete=models.PROTECT, related_name="demandes", verbose_name="élève")
    # The pupil's circonscription (a pupil never changes it), copied when the request is saved
    # first: the rights scope and the reports filter on it without joining the pupils, so that
    # a circonscription's requests are read by index in a département-wide database.
    circonscription = models.ForeignKey(
        "eleves.Circonscription", on_delete=models.PROTECT, related_name="demandes_aide", editable=False
    )
    # The class at the time of the request: the pupil may change class later on.
    classe = models.ForeignKey(Classe, on_delete=models.PROTECT, related_name="demandes")
    niveau = models.CharField("niveau", max_length=3)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="demandes_deposees"
    )
    etat = models.CharField("état", max_length=20, choices=EtatDemande.choices, default=EtatDemande.BROUILLON)

    domaines = models.JSONField("domaines du socle concernés", default=list)
    difficultes = models.TextField("difficultés observées", blank=True)
    erreurs = models.TextField("erreurs relevées", blank=True)
    deja_essaye = models.JSONField("ce qui a déjà été mis en place", default=list)
    deja_essaye_precisions = models.TextField("précisions", blank=True)
    points_appui = models.TextField("points d'appui de l'élève", blank=True)
    attentes = models.TextField("attentes de l'enseignant", blank=True)
    famille_informee_le = models.DateField("famille informée le", null=True, blank=True)
    famille_informee_par = models.CharField(
        "famille informée par", max_length=10, choices=ModeInformation.choices, blank=True
    )
    # Why a new request for a pupil who already has one open: asked and confirmed before sending.
    motif_autre_demande = models.TextField("pourquoi une nouvelle demande", blank=True)

    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="demandes_referent", verbose_name="référent RASED",
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)
    envoyee_le = models.DateTimeField("envoyée le", null=True, blank=True)
    # Grows at each save of the draft from its form: a form read at an older revision is refused
    # (rased/revisions.py).
    revision = models.PositiveIntegerField(default=0)

    decision = models.CharField("décision", max_length=12, choices=Decision.choices, blank=True)
    # Encrypted like every text a psychologist may write (rased/chiffrement.py).
    decision_motif = TexteChiffre("motif de la décision", blank=True)
    decidee_le = models.DateTimeField("décidée le", null=True, blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DemandeAideQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le"]
        verbose_name = "demande d'aide"
        verbose_name_plural = "demandes d'aide"
        constraints = [
            # No request reaches the RASED before the family has been informed.
            models.CheckConstraint(
                condition=Q(etat=EtatDemande.BROUILLON)
                | (Q(famille_informee_le__isnull=False) & ~Q(famille_informee_par="")),
                name="demande_envoyee_famille_informee",
            ),
        ]
        indexes = [
            models.Index(fields=["etat", "envoyee_le"]),
            models.Index(fields=["circonscription", "etat"], name="demande_circo_etat"),
            # The request list, newest first, reads its page from here: without it PostgreSQL joins
            # the circonscription's requests to the département's pupils before keeping 25.
            models.Index(fields=["circonscription", "-cree_le", "-id"], name="demande_circo_recentes"),
        ]

    def __str__(self):
        return f"Demande d'aide n° {self.pk}"

    def get_absolute_url(self):
        return reverse("demande_detail", args=[self.pk])

    @property
    def est_brouillon(self) -> bool:
        return self.etat == EtatDemande.BROUILLON

    @property
    def est_envoyee(self) -> bool:
        return self.etat != EtatDemande.BROUILLON

    @property
    def prochaine_etape_pour_l_auteur(self) -> str:
        """What comes next, as told to the teacher who filed it (their dashboard)."""
        return {
            EtatDemande.BROUILLON: "Compléter et envoyer",
            EtatDemande.ENVOYEE: "Examen par le RASED",
            EtatDemande.EN_ANALYSE: "Analyse en cours par le RASED",
            EtatDemande.AIDE_DECIDEE: "Aide décidée : programme et séances",
        }.get(self.etat, "Réponse du RASED à lire")

    @property
    def a_recu_reponse(self) -> bool:
        """The RASED has answered (an aid, another answer), whatever happened since."""
        return self.etat in ETATS_REPONDUS

    def save(self, *args, **kwargs):
        if self.circonscription_id is None and self.eleve_id is not None:
            self.circonscription_id = self.eleve.circonscription_id
        super().save(*args, **kwargs)

    @property
    def domaines_libelles(self) -> list[str]:
        return [DomaineSocle(code).label for code in self.domaines if code in DomaineSocle.values]

    @property
    def deja_essaye_libelles(self) -> list[str]:
        return [DejaEssaye(code).label for code in self.deja_essaye if code in DejaEssaye.values]


class HistoriqueDemande(models.Model):
    """One move of a request: who, when, from which state to which."""

    demande = models.ForeignKey(DemandeAide, on_delete=models.CASCADE, related_name="historique")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField(auto_now_add=True)
    de = models.CharField(max_length=20, choices=EtatDemande.choices, blank=True)
    vers = models.CharField(max_length=20, choices=EtatDemande.choices)
    # A revision of the RASED's decision (``demande_reviser_decision``): the decision it replaced
    # and the reason given, required; both empty for the other steps. The reason is encrypted like
    # the decision's own, which a psychologist may write.
    decision_revisee = models.CharField(
        "décision révisée", max_length=12, choices=Decision.choices, blank=True)
    motif = TexteChiffre("motif de la révision", blank=True)

    class Meta:
        ordering = ["le", "pk"]
        verbose_name = "étape de la demande"


class NotificationQuerySet(models.QuerySet):
    def non_lues(self):
        return self.filter(lue_le__isnull=True)


class Notification(models.Model):
    """An in-app notice; it names no pupil (it can be read over a shoulder), only links to the request."""

    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    demande = models.ForeignKey(DemandeAide, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(max_length=200)
    cree_le = models.DateTimeField(auto_now_add=True)
    lue_le = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le"]


class Supprimable(models.Model):
    """A record its author may delete with a reason (a session logged twice…).

    The reason is kept in a ``Suppression`` row (encrypted, as a psychologist may write it); the
    change history's delete entry of the record points to it: ``additional_data =
    {"suppression": <pk>}`` (``get_additional_data``, called by django-auditlog when it logs)."""

    class Meta:
        abstract = True

    def get_additional_data(self):
        suppression = getattr(self, "_suppression", None)
        return {"suppression": suppression.pk} if suppression is not None else None


class Suppression(models.Model):
    """Why a record was deleted, by whom and when: what outlives it (see ``Supprimable``).

    Read back from the history's delete entry (``LogEntry.additional_data["suppression"]``) or by
    (``type``, ``objet_id``). ``confidentielle``: the record was the psychologist's, so is the
    reason (read by psychologists only, as ``Observation.confidentielle``)."""

    type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    objet_id = models.PositiveBigIntegerField()
    # str() of the record, which never holds its secret text (see Objectif.__str__).
    objet = models.CharField(max_length=200)
    motif = TexteChiffre("motif de la suppression")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confidentielle = models.BooleanField(default=False, editable=False)
    le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-le", "-pk"]
        indexes = [models.Index(fields=["type", "objet_id"], name="suppression_objet")]

    def __str__(self):
        return f"Suppression : {self.objet}"


class ObservationQuerySet(models.QuerySet):
    def secret_psy(self):
        """The psychologist's notes (``confidentielle`` is set when a psychologist writes one)."""
        return self.filter(confidentielle=True)

    def hors_secret_psy(self):
        return self.filter(confidentielle=False)

    def visibles_par(self, user):
        """RASED internal notes: RASED members of the secteur; a psychologist's notes, psychologists only."""
        if user.role not in ROLES_RASED:
            return self.none()
        qs = self.filter(demande__in=DemandeAide.objects.visibles_par(user))
        return qs if lit_le_secret_psy(user) else qs.hors_secret_psy()


class Observation(Supprimable):
    """Information gathered by the RASED during the analysis, dated and signed by its author."""

    demande = models.ForeignKey(DemandeAide, on_delete=models.CASCADE, related_name="observations")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    type = models.CharField("type", max_length=20, choices=TypeObservation.choices)
    date = models.DateField("date")
    contenu = TexteChiffre("observation")
    obstacles = models.JSONField("obstacles identifiés", default=list, blank=True)
    # Set when a psychologist writes it: then only psychologists may read it.
    confidentielle = models.BooleanField(default=False, editable=False)
    # Grows at each save: a form read at an older revision is not saved (rased/revisions.py).
    revision = models.PositiveIntegerField(default=0)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"

    @property
    def obstacles_libelles(self) -> list[str]:
        return [Obstacle(code).label for code in self.obstacles if code in Obstacle.values]


class AideQuerySet(models.QuerySet):
    def secret_psy(self):
        """The psychologist's follow-ups: their content is the psychologist's work."""
        return self.filter(type=TypeAide.PSY)

    def hors_secret_psy(self):
        return self.exclude(type=TypeAide.PSY)

    def visibles_par(self, user):
        """That an aid exists, for those who see its request; that a psychological follow-up
        exists, only for those the policy tells (``aides.rules.connait_les_suivis_psy``): the
        psychologists, the RASED of the secteur (their requests are the secteur's), the teacher
        who filed the request, and the school's directeur once a conclusion is shared with the
        team. Not the circonscription: no nominative list of a psychologist's pupils."""
        return self.filter(demande__in=DemandeAide.objects.visibles_par(user)).connues_de(user)

    def connues_de(self, user):
        """Of aids whose request ``user`` sees, those he is told of (``visibles_par`` without its
        check of the request, for a query already inside the user's requests: the request
        list's filter, where that check made PostgreSQL read the département's aids)."""
        if lit_le_secret_psy(user) or user.role in ROLES_RASED:
            return self
        connus = ~Q(type=TypeAide.PSY) | Q(demande__auteur=user)
        if user.role == Role.DIRECTEUR:
            # The family agreed to pass the psychologist's conclusions to the school team: the
            # directeur then learns of the follow-up with the conclusion shared.
            connus |= Exists(ConclusionPsy.objects.filter(aide=OuterRef("pk"), partagee=True))
        return self.filter(connus)

    def des_eleves_de_l_ecole(self, user, *, ecole, debut: int):
        """The aids of the pupils enrolled in ``ecole`` in school year ``debut``, whatever school
        filed their request: a pupil who changes school keeps one journey, and the school that
        has him counts it (its per-période list, its figures). ``ecole`` is one ``user`` sees
        (the caller looked it up in his scope); a psychological follow-up, for psychologists only
        (no nominative list of a psychologist's pupils for anyone else)."""
        qs = self.filter(eleve__inscriptions__annee__debut=debut, eleve__inscriptions__classe__ecole=ecole)
        return qs if lit_le_secret_psy(user) else qs.hors_secret_psy()

    def confidentielles_lisibles_par(self, user):
        """The aids whose content (programme, sessions, evaluations) ``user`` may read
        (``Aide.contenu_lisible_par`` for one aid already read through ``visibles_par``)."""
        qs = self.visibles_par(user)
        return qs if lit_le_secret_psy(user) else qs.hors_secret_psy()

    def menees_par(self, user):
        """The aids ``user`` carries: their own, and those the one stand-in rule lets them act on
        (same role, secteur covering the request's school; ``aides.rules.agit_pour_l_aide``)."""
        type_aide = TYPE_PAR_ROLE.get(user.role)
        if type_aide is None or not (actif(user) and membre_rased(user)):
            return self.none()
        ecoles_du_secteur = Ecole.objects.filter(secteurs=user.secteur_id).values("pk")
        return self.filter(type=type_aide, demande__circonscription_id=user.circonscription_id).filter(
            Q(intervenant=user) | Q(demande__classe__ecole__in=ecoles_du_secteur)
        )


class Aide(models.Model):
    """One kind of aid decided for a request (E, G or psychologist), with the member in charge.

    Its state is changed only by ``aides.services._changer_etat_aide`` (created « à démarrer »,
    started, ended by a final bilan or by the family's word, back « à démarrer » when a family that
    refused agrees after all): it writes a ``HistoriqueAide`` row and keeps the request's state in
    step (closed when its last aid ends, reopened when an aid is to start again)."""

    demande = models.ForeignKey(DemandeAide, on_delete=models.PROTECT, related_name="aides")
    eleve = models.ForeignKey(Eleve, on_delete=models.PROTECT, related_name="aides")
    type = models.CharField("type d'aide", max_length=3, choices=TypeAide.choices)
    intervenant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="aides_menees",
        verbose_name="intervenant",
    )
    etat = models.CharField("état", max_length=12, choices=EtatAide.choices, default=EtatAide.A_DEMARRER)
    debut = models.DateField("début", null=True, blank=True)
    fin = models.DateField("fin", null=True, blank=True)
    issue = models.CharField("issue", max_length=15, choices=IssueAide.choices, blank=True)

    objects = AideQuerySet.as_manager()

    class Meta:
        ordering = ["demande", "type"]
        constraints = [models.UniqueConstraint(fields=["demande", "type"], name="une_aide_par_type")]

    def __str__(self):
        return self.get_type_display()

    @property
    def est_psy(self) -> bool:
        return self.type == TypeAide.PSY

    @property
    def est_terminee(self) -> bool:
        return self.etat == EtatAide.TERMINEE

    def contenu_lisible_par(self, user) -> bool:
        """For an aid read through ``Aide.objects.visibles_par(user)``: may ``user`` read its
        content? The rule of ``confidentielles_lisibles_par``, without a query."""
        return not self.est_psy or lit_le_secret_psy(user)

    def get_absolute_url(self):
        return reverse("demande_detail", args=[self.demande_id])


class HistoriqueAide(models.Model):
    """One move of an aid: who, when, from which state to which, and how it ended."""

    aide = models.ForeignKey(Aide, on_delete=models.CASCADE, related_name="historique")
    # None for the rows written when the history began (aides/0005) or by a command.
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    le = models.DateTimeField(auto_now_add=True)
    de = models.CharField(max_length=12, choices=EtatAide.choices, blank=True)
    vers = models.CharField(max_length=12, choices=EtatAide.choices)
    issue = models.CharField(max_length=15, choices=IssueAide.choices, blank=True)

    class Meta:
        ordering = ["le", "pk"]
        verbose_name = "étape de l'aide"


class ConsentementQuerySet(models.QuerySet):
    def secret_psy(self):
        """The family's answers about the psychologist's work: the act, its comment and who
        recorded it are the psychologist's (DOMAIN.md); others read what the family agreed to
        share (a shared conclusion)."""
        return self.filter(acte__in=ACTES_PSY)

    def hors_secret_psy(self):
        return self.exclude(acte__in=ACTES_PSY)

    def visibles_par(self, user):
        qs = self.filter(demande__in=DemandeAide.objects.visibles_par(user))
        return qs if lit_le_secret_psy(user) else qs.hors_secret_psy()

    def en_vigueur(self, *, demande, acte) -> "Consentement | None":
        """The family's latest word on this act for this request."""
        return self.filter(demande=demande, acte=acte).order_by("-date", "-pk").first()

    def accorde(self, *, demande, acte) -> bool:
        """The family's latest word on this act is an agreement."""
        dernier = self.en_vigueur(demande=demande, acte=acte)
        return bool(dernier and dernier.accorde)


class Consentement(models.Model):
    """The family's answer to one act (DOMAIN.md, « Consent, per act »); a refusal is kept too."""

    demande = models.ForeignKey(DemandeAide, on_delete=models.PROTECT, related_name="consentements")
    acte = models.CharField("acte", max_length=15, choices=ActeConsentement.choices)
    accorde = models.BooleanField("accord de la famille", choices=[(True, "Accord"), (False, "Refus")])
    date = models.DateField("date")
    titulaires = models.CharField(
        "réponse donnée par", max_length=6, choices=TitulairesConsentement.choices,
        help_text="Qui, parmi les titulaires de l'autorité parentale, a donné cette réponse.",
    )
    forme = models.CharField("forme", max_length=5, choices=FormeConsentement.choices)
    commentaire = ChaineChiffree("commentaire", max_length=300, blank=True)
    enregistre_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = ConsentementQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.get_acte_display()} : {'accord' if self.accorde else 'refus'} du {self.date:%d/%m/%Y}"


class ReunionQuerySet(models.QuerySet):
    def secret_psy(self):
        """The meetings a psychologist recorded: what she wrote of them is hers."""
        return self.filter(confidentielle=True)

    def hors_secret_psy(self):
        return self.filter(confidentielle=False)

    def internes_au_rased(self):
        return self.filter(type=TypeReunion.SYNTHESE)

    def visibles_par(self, user):
        """Meetings of the requests ``user`` sees; a synthèse RASED is the RASED's internal
        meeting, read by RASED members only; a meeting a psychologist recorded, by psychologists."""
        qs = self.filter(demande__in=DemandeAide.objects.visibles_par(user))
        if not lit_le_secret_psy(user):
            qs = qs.hors_secret_psy()
        return qs if user.role in ROLES_RASED else qs.exclude(type=TypeReunion.SYNTHESE)


class Reunion(Supprimable):
    demande = models.ForeignKey(DemandeAide, on_delete=models.PROTECT, related_name="reunions")
    type = models.CharField("type de réunion", max_length=20, choices=TypeReunion.choices)
    date = models.DateTimeField("date et heure")
    # Encrypted, as every text a psychologist may write (rased/chiffrement.py).
    lieu = ChaineChiffree("lieu", max_length=200)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="reunions", blank=True, verbose_name="participants (comptes rased)"
    )
    # Encrypted: a psychologist may record a meeting, a synthèse RASED among others.
    ordre_du_jour = TexteChiffre("ordre du jour", blank=True)
    compte_rendu = TexteChiffre("compte rendu", blank=True)
    decisions = TexteChiffre("décisions", blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when a psychologist records it: then only psychologists read it (stored, not derived
    # from the author's role, which an administrator may change later).
    confidentielle = models.BooleanField(default=False, editable=False)
    # Grows at each save: a form read at an older revision is not saved (rased/revisions.py).
    revision = models.PositiveIntegerField(default=0)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = ReunionQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "réunion"

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("reunion_detail", args=[self.pk])


class ParticipantExterne(models.Model):
    """Someone at a meeting without an account: a parent, the médecin scolaire, an AESH…"""

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="participants_externes")
    # Encrypted: a psychologist records meetings too (rased/chiffrement.py).
    nom = ChaineChiffree("nom", max_length=120)
    qualite = ChaineChiffree("qualité", max_length=120)

    def __str__(self):
        # Not the name: str() lands in the change history (see Objectif.__str__).
        return f"Participant n° {self.pk}"


class ProgrammeQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """The programmes of the aids whose content ``user`` reads; a draft stays with those who
        write it (the aid's intervenant and stand-ins) until it is validated."""
        qs = self.filter(aide__in=Aide.objects.confidentielles_lisibles_par(user))
        return qs.filter(~Q(etat=EtatProgramme.BROUILLON) | Q(aide__in=Aide.objects.menees_par(user)))


class Programme(models.Model):
    """The programme personnalisé of one aid, in versions.

    Its state is changed only by ``aides.services._changer_etat_programme`` (history row).
    A validated version is never edited: renewing or changing it makes a new version
    (``programme_nouvelle_version``) and the old one stays readable, marked replaced.
    ``revision`` grows at each save: a form posted with an older revision is refused,
    so that two people editing at once cannot overwrite each other.
    """

    aide = models.ForeignKey(Aide, on_delete=models.PROTECT, related_name="programmes")
    version = models.PositiveSmallIntegerField("version", default=1)
    etat = models.CharField("état", max_length=10, choices=EtatProgramme.choices, default=EtatProgramme.BROUILLON)
    modalite = models.CharField("modalité", max_length=15, choices=Modalite.choices)
    seances_par_semaine = models.PositiveSmallIntegerField("séances par semaine", default=2)
    duree_seance = models.PositiveSmallIntegerField("durée d'une séance (minutes)", default=45)
    date_debut = models.DateField("début")
    date_revision = models.DateField("date de révision")
    avis_eleve = TexteChiffre("avis de l'élève", blank=True)
    avis_famille = TexteChiffre("avis de la famille", blank=True)
    redige_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=0)
    cree_le = models.DateTimeField(auto_now_add=True)
    # What the signed document says, frozen at validation: a reprint is identical even after
    # the pupil's file, the school or the programme's objectives changed.
    instantane = JSONChiffre(null=True, blank=True, editable=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["aide", "-version"]
        verbose_name = "programme personnalisé"
        constraints = [
            models.UniqueConstraint(fields=["aide", "version"], name="programme_version_unique"),
            models.CheckConstraint(condition=Q(date_revision__gte=models.F("date_debut")), name="programme_dates"),
        ]

    def __str__(self):
        return f"Programme personnalisé, version {self.version}"

    def get_absolute_url(self):
        return reverse("programme_detail", args=[self.pk])

    @property
    def est_brouillon(self) -> bool:
        return self.etat == EtatProgramme.BROUILLON

    @property
    def est_valide(self) -> bool:
        return self.etat == EtatProgramme.VALIDE

    @property
    def est_remplace(self) -> bool:
        return self.etat == EtatProgramme.REMPLACE


class HistoriqueProgramme(models.Model):
    """One move of a programme version (drafted, validated, replaced): who, when, from, to."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="historique")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    le = models.DateTimeField(auto_now_add=True)
    de = models.CharField(max_length=10, choices=EtatProgramme.choices, blank=True)
    vers = models.CharField(max_length=10, choices=EtatProgramme.choices)

    class Meta:
        ordering = ["le", "pk"]
        verbose_name = "étape du programme"


class CompetenceQuerySet(models.QuerySet):
    def pour_le_cycle(self, cycle):
        """The active skills offered for a pupil of ``cycle``: its end-of-cycle expectations, then
        the socle's components (always offered: an aid may aim at a transversal one)."""
        filtre = Q(cycle__isnull=True) | Q(cycle=cycle) if cycle else Q()
        return self.filter(filtre, active=True).order_by(models.F("cycle").asc(nulls_last=True), "ordre")

    def chercher(self, texte: str):
        """The skills whose code, discipline or wording hold every word of ``texte`` (accents and
        case ignored, see ``aides.competences.normaliser``)."""
        qs = self
        for mot in normaliser(texte).split():
            qs = qs.filter(recherche__contains=mot)
        return qs


class Competence(models.Model):
    """A skill of the reference list (aides/data/competences.csv): a component of the socle commun
    (no cycle) or an end-of-cycle expectation of cycle 1, 2 or 3.

    Reference data, not a pupil's: written only by ``aides.competences.charger`` (the data
    migration and ``manage.py charger_competences``). A skill dropped from the file is
    deactivated, never deleted: the objectives that named it keep it.
    """

    code = models.CharField("code", max_length=20, unique=True)
    cycle = models.PositiveSmallIntegerField("cycle", null=True, blank=True)
    domaine = models.CharField("domaine du socle", max_length=3, choices=DomaineSocle.choices)
    discipline = models.CharField("discipline ou domaine d'apprentissage", max_length=120)
    composante = models.CharField("composante", max_length=120, blank=True)
    intitule = models.CharField("intitulé", max_length=600)
    ordre = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField("proposée", default=True)
    # The code, discipline and wording without accents nor capitals: searched on SQLite and
    # PostgreSQL alike, without the unaccent extension.
    recherche = models.TextField(editable=False, default="")

    objects = CompetenceQuerySet.as_manager()

    class Meta:
        ordering = ["ordre", "pk"]
        verbose_name = "compétence"
        constraints = [
            models.CheckConstraint(condition=Q(cycle__isnull=True) | Q(cycle__in=[1, 2, 3]), name="competence_cycle"),
        ]

    def __str__(self):
        return f"{self.code} — {self.intitule}"

    @property
    def origine(self) -> str:
        """Where the skill comes from, as the programme prints it."""
        if self.cycle is None:
            return self.composante or self.discipline
        rubrique = f"{self.discipline}, {self.composante}" if self.composante else self.discipline
        return f"Cycle {self.cycle} — {rubrique}"


class Objectif(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectifs")
    ordre = models.PositiveSmallIntegerField(default=0)
    domaine = models.CharField("domaine du socle", max_length=3, choices=DomaineSocle.choices, blank=True)
    visee = models.CharField(
        "visée transversale (aide G)", max_length=10, choices=ViseeTransversale.choices, blank=True
    )
    intitule = ChaineChiffree("objectif", max_length=300)
    critere = ChaineChiffree("critère de réussite observable", max_length=300)
    responsable = ChaineChiffree("responsable", max_length=120)
    # The skill of the reference list the objective works on (optional: free wording stays allowed).
    competence = models.ForeignKey(
        Competence, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="compétence visée"
    )
    # The pupil's mastery when the programme is written: the first bilan's starting point.
    maitrise_initiale = models.CharField(
        "maîtrise au départ", max_length=13, choices=Maitrise.choices, blank=True
    )

    class Meta:
        ordering = ["ordre", "pk"]
        constraints = [
            # Each objective is tied to exactly one: a socle skill, or a transversal aim.
            models.CheckConstraint(
                condition=(Q(domaine="") & ~Q(visee="")) | (~Q(domaine="") & Q(visee="")),
                name="objectif_domaine_ou_visee",
            ),
        ]

    def __str__(self):
        # Not the wording: str() lands in the change history, and a psychologist's objective is secret.
        return f"Objectif n° {self.ordre or self.pk}"


class ActionProgramme(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    acteur = models.CharField("acteur", max_length=10, choices=Acteur.choices)
    description = ChaineChiffree("action", max_length=400)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        # Not the description: str() lands in the change history (see Objectif.__str__).
        return f"Action ({self.get_acteur_display()})"


class SeanceQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """Sessions are RASED work: their author, and RASED colleagues of the secteur for E and G."""
        if user.role not in ROLES_RASED:
            return self.none()
        aides = Aide.objects.confidentielles_lisibles_par(user)
        return self.filter(Q(intervenant=user) | Q(presences__aide__in=aides)).distinct()


class Seance(Supprimable):
    """A session held by a RASED member, usually with a small group."""

    intervenant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seances")
    date = models.DateField("date")
    duree = models.PositiveSmallIntegerField("durée (minutes)")
    contenu = TexteChiffre("ce qui a été travaillé", blank=True)
    # What to take up next time: the next session of the same slot or group starts from it.
    prochaine_fois = TexteChiffre("pour la prochaine fois", blank=True)
    # Blank: not said; the figures then count 1 pupil as individual, 2 or more as a group.
    modalite = models.CharField("modalité", max_length=15, choices=Modalite.choices, blank=True)
    # Set when the session was logged from a slot of the member's timetable (« Noter la séance »).
    creneau = models.ForeignKey(
        "Creneau", on_delete=models.SET_NULL, null=True, blank=True, related_name="seances",
    )
    heure = models.TimeField("heure", null=True, blank=True)
    # Grows at each save: a form read at an older revision is not saved (rased/revisions.py).
    revision = models.PositiveIntegerField(default=0)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = SeanceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "séance"
        constraints = [
            models.CheckConstraint(condition=Q(duree__gt=0), name="seance_duree_positive"),
            # A slot's day is logged once (a second « Noter la séance » corrects the first).
            models.UniqueConstraint(
                fields=["creneau", "date"], condition=Q(creneau__isnull=False), name="une_seance_par_creneau_et_jour",
            ),
        ]

    def __str__(self):
        return f"Séance du {self.date:%d/%m/%Y}"


class PresenceSeance(models.Model):
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="presences")
    aide = models.ForeignKey(Aide, on_delete=models.PROTECT, related_name="presences")
    presence = models.CharField("présence", max_length=8, choices=Presence.choices, default=Presence.PRESENT)
    observation = TexteChiffre("observation", blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["seance", "aide"], name="une_presence_par_aide")]


class EvaluationQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(programme__in=Programme.objects.visibles_par(user))


class Evaluation(models.Model):
    """A review of a programme: per objective, and what comes next."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="evaluations")
    type = models.CharField("type", max_length=15, choices=TypeEvaluation.choices)
    date = models.DateField("date")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    synthese = TexteChiffre("synthèse", blank=True)
    suite = models.CharField("suite donnée", max_length=15, choices=SuiteEvaluation.choices)
    # Psychological follow-up: self-esteem measured with the same instrument at the start and the end.
    estime_instrument = ChaineChiffree("instrument de mesure de l'estime de soi", max_length=120, blank=True)
    estime_debut = DecimalChiffre("score au début", max_digits=6, decimal_places=2, null=True, blank=True)
    estime_fin = DecimalChiffre("score à la fin", max_digits=6, decimal_places=2, null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "évaluation"

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"

    @property
    def estime_evolution(self):
        if self.estime_debut is None or self.estime_fin is None:
            return None
        return self.estime_fin - self.estime_debut


class EvaluationObjectif(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="resultats")
    objectif = models.ForeignKey(Objectif, on_delete=models.PROTECT, related_name="resultats")
    atteinte = models.CharField("atteinte", max_length=12, choices=Atteinte.choices)
    commentaire = TexteChiffre("commentaire", blank=True)
    maitrise_debut = models.CharField("maîtrise au début", max_length=13, choices=Maitrise.choices, blank=True)
    maitrise_actuelle = models.CharField("maîtrise actuelle", max_length=13, choices=Maitrise.choices, blank=True)

    class Meta:
        ordering = ["objectif__ordre", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "objectif"], name="un_resultat_par_objectif"),
        ]


class ConclusionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        qs = self.filter(aide__in=Aide.objects.visibles_par(user))
        return qs if lit_le_secret_psy(user) else qs.filter(partagee=True)


class ConclusionPsy(models.Model):
    """What leaves the psychologist's space: a conclusion they choose to share."""

    aide = models.ForeignKey(Aide, on_delete=models.PROTECT, related_name="conclusions")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    texte = TexteChiffre("conclusion")
    partagee = models.BooleanField("partagée avec l'équipe", default=False)

    objects = ConclusionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "conclusion du psychologue"

    def __str__(self):
        return f"Conclusion du {self.date:%d/%m/%Y}"


class ActionEquipeQuerySet(models.QuerySet):
    def secret_psy(self):
        """The psychologist's actions: what she wrote of them is hers (only counts leave)."""
        return self.filter(confidentielle=True)

    def hors_secret_psy(self):
        return self.filter(confidentielle=False)

    def visibles_par(self, user):
        qs = self.filter(ecole__in=Ecole.objects.visibles_par(user))
        return qs if lit_le_secret_psy(user) else qs.hors_secret_psy()


class ActionEquipe(Supprimable):
    """Support of the RASED as pôle ressource to a school team, not to one pupil."""

    ecole = models.ForeignKey(Ecole, on_delete=models.PROTECT, related_name="actions_rased")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    # Encrypted, as every text a psychologist may write (rased/chiffrement.py).
    public = ChaineChiffree("équipe ou personnes rencontrées", max_length=200)
    theme = ChaineChiffree("thème", max_length=200)
    apport = TexteChiffre("ce qui a été apporté", blank=True)
    duree = models.PositiveSmallIntegerField("durée (minutes)")
    eleve = models.ForeignKey(
        Eleve, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="élève concerné (inclusion)",
    )
    # Set when a psychologist records it (as ``Reunion.confidentielle``).
    confidentielle = models.BooleanField(default=False, editable=False)
    # Grows at each save: a form read at an older revision is not saved (rased/revisions.py).
    revision = models.PositiveIntegerField(default=0)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = ActionEquipeQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "action auprès d'une équipe"
        verbose_name_plural = "actions auprès des équipes"

    def __str__(self):
        # Not the theme: str() lands in the change history (see Objectif.__str__).
        return f"Action auprès d'une équipe du {self.date:%d/%m/%Y}"


class StatistiqueAnnuelle(models.Model):
    """The yearly activity report of a past school year, frozen before a purge deletes rows it
    counts (DOMAIN.md: statistics survive only as aggregates).

    ``donnees`` holds the report's figures (``aides.rapports.figer``): aggregates only, the small
    counts unmasked as in the live computation, masked when printed. Written once per
    circonscription and year by ``aides.retention.purger``, never changed afterwards.
    """

    circonscription = models.ForeignKey(
        "eleves.Circonscription", on_delete=models.CASCADE, related_name="statistiques_annuelles"
    )
    debut = models.PositiveSmallIntegerField("année de rentrée")
    donnees = models.JSONField("chiffres du bilan d'activité")
    calcule_le = models.DateTimeField("calculé le", auto_now_add=True)

    class Meta:
        ordering = ["circonscription", "-debut"]
        verbose_name = "statistique annuelle"
        verbose_name_plural = "statistiques annuelles"
        constraints = [
            models.UniqueConstraint(fields=["circonscription", "debut"], name="une_statistique_par_annee"),
        ]

    def __str__(self):
        return f"Bilan d'activité {self.debut}-{self.debut + 1}"


# The member's week (issue 13): groups, recurring slots, slots that did not happen, travel times.
# Occurrences of the slots are computed, never stored (``aides.emploi_du_temps``).


class GroupeQuerySet(models.QuerySet):
    def de(self, user):
        """A member's own groups (groups are personal: a colleague builds his own)."""
        return self.filter(intervenant=user)


class Groupe(models.Model):
    """A member's group of pupils in one school, taken from the member's aids there."""

    intervenant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="groupes")
    ecole = models.ForeignKey(Ecole, on_delete=models.PROTECT, related_name="groupes_rased")
    # Shown in the calendar feed: a name such as « CP lecture », never a pupil's name.
    nom = models.CharField("nom du groupe", max_length=80)
    aides = models.ManyToManyField(Aide, through="MembreGroupe", related_name="groupes", blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = GroupeQuerySet.as_manager()

    class Meta:
        ordering = ["ecole__nom", "nom", "pk"]
        verbose_name = "groupe"
        constraints = [
            models.UniqueConstraint(fields=["intervenant", "ecole", "nom"], name="groupe_nom_unique"),
        ]

    def __str__(self):
        return self.nom


class MembreGroupe(models.Model):
    """A pupil (through the aid) in a group; ``retire_le`` set when he left it (his aid ended, or
    the member took him out): the group's page says so, the slots no longer list him."""

    groupe = models.ForeignKey(Groupe, on_delete=models.CASCADE, related_name="membres")
    aide = models.ForeignKey(Aide, on_delete=models.CASCADE, related_name="appartenances")
    ajoute_le = models.DateField("ajouté le")
    retire_le = models.DateField("retiré le", null=True, blank=True)
    # Why he left: « aide terminée » when the aid ended (aides.services._changer_etat_aide).
    motif_retrait = models.CharField("motif du retrait", max_length=120, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "membre d'un groupe"
        constraints = [models.UniqueConstraint(fields=["groupe", "aide"], name="membre_unique")]


class JourSemaine(models.IntegerChoices):
    LUNDI = 0, "lundi"
    MARDI = 1, "mardi"
    MERCREDI = 2, "mercredi"
    JEUDI = 3, "jeudi"
    VENDREDI = 4, "vendredi"


class CreneauQuerySet(models.QuerySet):
    def de(self, user):
        return self.filter(intervenant=user)

    def actifs_entre(self, debut, fin):
        """Slots whose date range meets [debut, fin]."""
        return self.filter(du__lte=fin, au__gte=debut)


class Creneau(models.Model):
    """A recurring weekly slot of a member's timetable: a group or one pupil, in one school,
    every ``jour`` at ``heure`` from ``du`` to ``au`` (days without school skipped)."""

    intervenant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="creneaux")
    ecole = models.ForeignKey(Ecole, on_delete=models.PROTECT, related_name="creneaux_rased")
    jour = models.PositiveSmallIntegerField("jour", choices=JourSemaine.choices)
    heure = models.TimeField("heure de début")
    duree = models.PositiveSmallIntegerField("durée (minutes)")
    groupe = models.ForeignKey(
        Groupe, on_delete=models.CASCADE, null=True, blank=True, related_name="creneaux", verbose_name="groupe",
    )
    aide = models.ForeignKey(
        Aide, on_delete=models.CASCADE, null=True, blank=True, related_name="creneaux",
        verbose_name="élève (aide individuelle)",
    )
    modalite = models.CharField("modalité", max_length=15, choices=Modalite.choices, default=Modalite.PETIT_GROUPE)
    du = models.DateField("du")
    au = models.DateField("au")
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = CreneauQuerySet.as_manager()

    class Meta:
        ordering = ["jour", "heure", "pk"]
        verbose_name = "créneau"
        constraints = [
            models.CheckConstraint(condition=Q(duree__gt=0), name="creneau_duree_positive"),
            models.CheckConstraint(condition=Q(jour__gte=0, jour__lte=4), name="creneau_jour_ouvre"),
            models.CheckConstraint(condition=Q(au__gte=models.F("du")), name="creneau_dates"),
            models.CheckConstraint(
                condition=Q(groupe__isnull=False, aide__isnull=True) | Q(groupe__isnull=True, aide__isnull=False),
                name="creneau_groupe_ou_eleve",
            ),
        ]

    def __str__(self):
        # No pupil's name: str() lands in the change history and the calendar feed.
        return f"Créneau du {self.get_jour_display()} {self.heure:%H:%M}"


class MotifNonTenu(models.TextChoices):
    ABSENCE_INTERVENANT = "absence", "Absence de l'intervenant"
    SORTIE = "sortie", "Sortie ou événement de l'école"
    ECOLE_FERMEE = "fermeture", "École fermée (grève, intempéries…)"
    ELEVES_ABSENTS = "eleves_absents", "Élèves absents"
    AUTRE = "autre", "Autre raison"


class CreneauNonTenu(models.Model):
    """A slot's day that did not happen: it counts nowhere (not « à noter », not in the figures)."""

    creneau = models.ForeignKey(Creneau, on_delete=models.CASCADE, related_name="non_tenus")
    date = models.DateField("date")
    motif = models.CharField("motif", max_length=15, choices=MotifNonTenu.choices)
    precision = models.CharField("précision", max_length=200, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "créneau non tenu"
        verbose_name_plural = "créneaux non tenus"
        constraints = [models.UniqueConstraint(fields=["creneau", "date"], name="non_tenu_unique")]

    def __str__(self):
        return f"Créneau non tenu le {self.date:%d/%m/%Y}"


class TempsTrajet(models.Model):
    """Travel time between two schools, set once per pair: by a member for himself, or by the
    administrator for everyone (``intervenant`` empty). ``ecole_a`` is the smaller key."""

    ecole_a = models.ForeignKey(Ecole, on_delete=models.CASCADE, related_name="+")
    ecole_b = models.ForeignKey(Ecole, on_delete=models.CASCADE, related_name="+")
    intervenant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="temps_trajet",
    )
    minutes = models.PositiveSmallIntegerField("temps de trajet (minutes)")

    class Meta:
        verbose_name = "temps de trajet"
        verbose_name_plural = "temps de trajet"
        constraints = [
            models.CheckConstraint(condition=Q(ecole_a__lt=models.F("ecole_b")), name="trajet_paire_ordonnee"),
            models.UniqueConstraint(
                fields=["ecole_a", "ecole_b", "intervenant"], condition=Q(intervenant__isnull=False),
                name="trajet_unique_par_intervenant",
            ),
            models.UniqueConstraint(
                fields=["ecole_a", "ecole_b"], condition=Q(intervenant__isnull=True), name="trajet_unique_commun",
            ),
        ]

    def __str__(self):
        return f"Trajet de {self.minutes} min"


class LienAgendaQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(revoque_le__isnull=True)


class LienAgenda(models.Model):
    """A member's secret link to his calendar feed (« Mon agenda sur mon téléphone »).

    Only the SHA-256 of the token is stored: a copy of the database or of a backup does not open
    anyone's feed. The token is 32 random bytes (``secrets``), so a plain hash without salt or
    stretching is enough (nobody can try 2^256 tokens); the member sees it once, when it is made,
    and regenerates it to see a new one. Revoked links stay as rows (when, by whom): their
    address answers 404. Written by ``aides.services.lien_agenda_creer`` / ``_revoquer``."""

    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liens_agenda")
    empreinte = models.CharField("empreinte du jeton (SHA-256)", max_length=64, unique=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = LienAgendaQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "lien d'agenda"
        verbose_name_plural = "liens d'agenda"
        constraints = [
            # One live link per person: a new one revokes the previous.
            models.UniqueConstraint(
                fields=["utilisateur"], condition=Q(revoque_le__isnull=True), name="un_lien_agenda_actif",
            ),
        ]

    def __str__(self):
        # Never the token (it is not stored anyway).
        return f"Lien d'agenda du {self.cree_le:%d/%m/%Y}"

    @staticmethod
    def empreinte_de(jeton: str) -> str:
        return hashlib.sha256(jeton.encode()).hexdigest()


class RecapitulatifEnvoye(models.Model):
    """The daily digest went to ``destinataire`` on ``jour``: run twice, the command sends once."""

    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jour = models.DateField("jour")
    lignes = models.PositiveSmallIntegerField("nombre de rappels")

    class Meta:
        verbose_name = "récapitulatif envoyé"
        constraints = [models.UniqueConstraint(fields=["destinataire", "jour"], name="un_recapitulatif_par_jour")]
class EnvoiFormulaire(models.Model):
    """A form's one-time key (``aides.forms.base.CleEnvoi``), written in the same transaction as
    what the form created (``aides.envois.envoi_unique``): a form sent again (double click, a
    resend after a network failure, a replay) finds its key and creates nothing more.

    Nothing of the record is kept here but the address of its page (ids only, no name)."""

    cle = models.UUIDField("clé d'envoi", unique=True)
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cree_le = models.DateTimeField("envoyé le", auto_now_add=True, db_index=True)
    url = models.CharField("page de ce qui a été créé", max_length=200, blank=True)

    class Meta:
        verbose_name = "envoi de formulaire"
        verbose_name_plural = "envois de formulaires"

    def __str__(self):
        return f"Envoi du {self.cree_le:%d/%m/%Y}"

    def noter(self, objet) -> None:
        """What the form created: its page (``get_absolute_url``) or an address."""
        self.url = objet if isinstance(objet, str) else objet.get_absolute_url()


class TravailImpression(models.Model):
    """A print asked by one person (fiches de suivi of the pupils of a page, a dossier for the
    équipe éducative, the yearly report, a right-of-access file), rendered by the task queue (``aides.impressions.imprimer``, queue
    ``documents``), downloaded by its ``demandeur`` alone, kept ``IMPRESSIONS_CONSERVATION_HEURES``
    then deleted with its file by the purge (``aides.retention.purger_impressions``).

    ``parametres`` holds ids only (pupils, a request, a school year), never a name. ``etat``, ``fait`` and
    ``fichier`` are written by the task; ``annule`` by ``aides.impressions.annuler`` alone, read by
    the task between two pupils. The file's name in the storage is random: no name on disk.
    """

    demandeur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    genre = models.CharField("genre", max_length=20, choices=GenreImpression.choices)
    parametres = models.JSONField("paramètres", default=dict)
    etat = models.CharField("état", max_length=12, choices=EtatImpression.choices, default=EtatImpression.EN_ATTENTE)
    fait = models.PositiveIntegerField("fait", default=0)
    total = models.PositiveIntegerField("total", default=0)
    fichier = models.FileField("fichier", upload_to="impressions/", blank=True)
    nom_fichier = models.CharField("nom du fichier téléchargé", max_length=100, blank=True)
    # The address of the request that asked for it: the access log's entries written by the task.
    adresse = models.GenericIPAddressField(null=True, blank=True)
    annule = models.BooleanField("annulé", default=False)
    erreur = models.CharField("erreur", max_length=200, blank=True)
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)
    expire_le = models.DateTimeField("expire le", db_index=True)

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "impression groupée"
        verbose_name_plural = "impressions groupées"
        constraints = [
            models.CheckConstraint(condition=Q(fait__lte=models.F("total")), name="impression_fait_au_plus_total"),
        ]

    def __str__(self):
        return f"{self.get_genre_display()} n° {self.pk}"

    @property
    def ouvert(self) -> bool:
        return self.etat in ETATS_IMPRESSION_OUVERTS

    @property
    def termine(self) -> bool:
        return self.etat == EtatImpression.TERMINE

    @property
    def est_annule(self) -> bool:
        return self.etat == EtatImpression.ANNULE
