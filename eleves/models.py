"""Schools, classes, pupils and the people who work with them.

Who may see what is answered in one place per model: the ``visibles_par(user)``
queryset method. Every list, detail, search, count and export starts from it, and
``eleves/rules.py`` states the same rule object by object (a test checks both agree).
"""

import rules
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Collate
from django.utils import timezone
from django_otp.models import Device

from eleves.alphabetique import COLLATION, ordre_alphabetique
from eleves.calendrier import Calendrier, Vacances
from eleves.enums import (
    ROLES_RASED,
    FonctionCirconscription,
    LienResponsable,
    Niveau,
    Role,
    Sexe,
    TypePlan,
    Zone,
)
from eleves.scolarite import annee_scolaire_de, libelle_annee
from rased.chiffrement import ChaineChiffree

valider_uai = RegexValidator(
    r"^\d{7}[A-Z]$", "Le code UAI doit comporter 7 chiffres suivis d'une lettre (ex. 0750001A)."
)
valider_ine = RegexValidator(
    r"^[0-9]{9}[0-9A-Z][A-Z]$",
    "L'INE comporte 11 caractères : 9 chiffres, puis un chiffre ou une lettre, puis une lettre.",
)


def annee_courante_debut() -> int:
    return annee_scolaire_de(timezone.localdate())


def lit_le_secret_psy(user) -> bool:
    """Professional secrecy (DOMAIN.md): only psychologists read the psychologist's work.

    The one statement of that rule: the querysets' ``visibles_par`` (``secret_psy()`` and
    ``hors_secret_psy()``), the documents, the notifications, the access log, the right of access
    and the admin ask it (as the predicate ``eleves.rules.lit_le_secret_psy``).
    """
    return bool(user.is_authenticated and user.is_active and user.role == Role.PSYCHOLOGUE)


class Circonscription(models.Model):
    nom = models.CharField("nom", max_length=120, unique=True)
    departement = models.CharField("département", max_length=60, blank=True)
    # One département, one académie, one zone: every school of the circonscription shares it.
    zone = models.CharField(
        "zone de vacances scolaires", max_length=12, choices=Zone.choices, blank=True,
        help_text="La zone de l'académie (A, B, C, Corse, outre-mer) : les séances notées pendant ses "
        "vacances demandent une confirmation. Vide : seuls les week-ends et jours fériés sont signalés.",
    )
    # The IEN's setting: past this, a request still unanswered is in the daily reminders.
    relance_attente_jours = models.PositiveSmallIntegerField(
        "relancer une demande sans réponse après (jours)", default=21,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Une demande envoyée au RASED et toujours sans réponse après ce nombre de jours figure "
        "dans le récapitulatif quotidien de son référent (ou des membres du secteur) et de la circonscription.",
    )

    class Meta:
        ordering = ordre_alphabetique("nom")
        verbose_name = "circonscription"

    def __str__(self):
        return self.nom


class PeriodeVacancesQuerySet(models.QuerySet):
    def calendrier(self, zone: str) -> Calendrier:
        """The school calendar of ``zone`` (one query; weekends and public holidays only when the
        zone is empty or has no holidays loaded)."""
        return self.calendriers([zone])[zone or ""]

    def calendriers(self, zones) -> dict[str, Calendrier]:
        """One calendar per zone of ``zones`` (one query for all; none when every zone is empty),
        and ``""``: weekends and public holidays only."""
        zones = {z for z in zones if z}
        vacances = list(self.filter(zone__in=zones)) if zones else []
        return {"": Calendrier()} | {
            zone: Calendrier(
                Vacances(p.description, p.zone, p.debut, p.fin, p.annee_scolaire) for p in vacances if p.zone == zone
            )
            for zone in zones
        }


class PeriodeVacances(models.Model):
    """School holidays of one zone, from the official calendar (``manage.py calendrier_scolaire``).

    No school strictly between ``debut`` (the day classes end) and ``fin`` (the day they resume).
    """

    description = models.CharField("description", max_length=120)
    zone = models.CharField("zone", max_length=12, choices=Zone.choices)
    debut = models.DateField("fin des cours")
    fin = models.DateField("reprise des cours")
    annee_scolaire = models.CharField("année scolaire", max_length=9, blank=True)

    objects = PeriodeVacancesQuerySet.as_manager()

    class Meta:
        ordering = ["zone", "debut"]
        verbose_name = "période de vacances scolaires"
        verbose_name_plural = "périodes de vacances scolaires"
        constraints = [
            models.UniqueConstraint(fields=["zone", "debut", "description"], name="vacances_unique"),
            models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="vacances_dates"),
        ]

    def __str__(self):
        return f"{self.description} ({self.get_zone_display()})"


class AnneeScolaireQuerySet(models.QuerySet):
    def courante(self) -> "AnneeScolaire":
        annee, _ = self.get_or_create(debut=annee_courante_debut())
        return annee


class AnneeScolaire(models.Model):
    """A school year, from September to early July, named after its first calendar year."""

    debut = models.PositiveSmallIntegerField("année de rentrée", unique=True)

    objects = AnneeScolaireQuerySet.as_manager()

    class Meta:
        ordering = ["-debut"]
        verbose_name = "année scolaire"
        verbose_name_plural = "années scolaires"

    def __str__(self):
        return self.libelle

    @property
    def libelle(self) -> str:
        return libelle_annee(self.debut)

    @property
    def est_courante(self) -> bool:
        return self.debut == annee_courante_debut()


class EcoleQuerySet(models.QuerySet):
    def par_ordre_alphabetique(self) -> "EcoleQuerySet":
        """By name, then town, in French order (eleves/alphabetique.py)."""
        return self.order_by(*ordre_alphabetique("nom", "commune"), "pk")

    def visibles_par(self, user) -> "EcoleQuerySet":
        if not _actif(user):
            return self.none()
        qs = self.filter(circonscription_id=user.circonscription_id)
        match user.role:
            case Role.ADMINISTRATEUR | Role.CIRCONSCRIPTION:
                return qs
            case Role.DIRECTEUR:
                return qs.filter(pk=user.ecole_id)
            case role if role in ROLES_RASED:
                return qs.filter(secteurs=user.secteur_id) if user.secteur_id else self.none()
            case Role.ENSEIGNANT:
                classes = Classe.objects.filter(enseignants=user, annee__debut=annee_courante_debut())
                return qs.filter(pk__in=classes.values("ecole_id"))
        return self.none()


class Ecole(models.Model):
    circonscription = models.ForeignKey(
        Circonscription, on_delete=models.PROTECT, related_name="ecoles"
    )
    nom = models.CharField("nom", max_length=160)
    commune = models.CharField("commune", max_length=120)
    uai = models.CharField("code UAI", max_length=8, unique=True, validators=[valider_uai])

    objects = EcoleQuerySet.as_manager()

    class Meta:
        ordering = ordre_alphabetique("commune", "nom")
        verbose_name = "école"
        constraints = [
            models.CheckConstraint(
                condition=Q(uai__regex=r"^[0-9]{7}[A-Z]$"), name="ecole_uai_format",
                violation_error_message="Le code UAI doit comporter 7 chiffres suivis d'une lettre.",
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.commune})"


class Secteur(models.Model):
    """The set of schools a RASED member covers."""

    circonscription = models.ForeignKey(
        Circonscription, on_delete=models.PROTECT, related_name="secteurs"
    )
    nom = models.CharField("nom", max_length=120)
    ecoles = models.ManyToManyField(Ecole, related_name="secteurs", blank=True, verbose_name="écoles")

    class Meta:
        ordering = ordre_alphabetique("nom")
        verbose_name = "secteur RASED"
        verbose_name_plural = "secteurs RASED"
        constraints = [
            models.UniqueConstraint(
                fields=["circonscription", "nom"], name="secteur_nom_unique",
                violation_error_message="Cette circonscription a déjà un secteur de ce nom.",
            ),
        ]

    def __str__(self):
        return self.nom


class UtilisateurQuerySet(models.QuerySet):
    def par_ordre_alphabetique(self) -> "UtilisateurQuerySet":
        """By last name, then first name, in French order (eleves/alphabetique.py)."""
        return self.order_by(*ordre_alphabetique("last_name", "first_name"), "pk")


class UtilisateurManager(UserManager.from_queryset(UtilisateurQuerySet)):
    pass


class Utilisateur(AbstractUser):
    """A person who signs in: one role, one circonscription, and where the role places them."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.ENSEIGNANT)
    fonction = models.CharField(
        "fonction en circonscription", max_length=20, choices=FonctionCirconscription.choices, blank=True
    )
    circonscription = models.ForeignKey(
        Circonscription, on_delete=models.PROTECT, null=True, blank=True, related_name="personnes"
    )
    ecole = models.ForeignKey(
        Ecole, on_delete=models.PROTECT, null=True, blank=True, related_name="directeurs",
        verbose_name="école dirigée",
    )
    secteur = models.ForeignKey(
        Secteur, on_delete=models.PROTECT, null=True, blank=True, related_name="membres",
        verbose_name="secteur RASED",
    )
    # Opt-out on « Mon compte »: the daily digest of what waits for this person (aides/rappels.py).
    rappels_par_courriel = models.BooleanField(
        "recevoir le récapitulatif quotidien par courriel", default=True,
        help_text="Un courriel par jour au plus, seulement s'il y a quelque chose à faire : révisions de "
        "programme, accords des familles attendus, demandes sans réponse. Aucun nom d'élève.",
    )

    # A directeur who chose a second factor on « Mon compte » (eleves/double_authentification.py).
    double_authentification_choisie = models.BooleanField("double authentification choisie", default=False)

    # The ``sub`` ProConnect gave this person (eleves/proconnect.py): stored at the first sign-in
    # matched by a verified e-mail address; from then on only it matches. Unique: one identity, one account.
    proconnect_sub = models.CharField(
        "identifiant ProConnect", max_length=255, null=True, blank=True, unique=True,
        help_text="Renseigné à la première connexion avec ProConnect. Videz-le pour que la prochaine "
        "connexion avec ProConnect relie de nouveau le compte par son adresse électronique.",
    )

    objects = UtilisateurManager()

    class Meta:
        verbose_name = "personne"
        verbose_name_plural = "personnes"
        ordering = ordre_alphabetique("last_name", "first_name")

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.role == Role.DIRECTEUR and not self.ecole_id:
            raise ValidationError({"ecole": "Un directeur est rattaché à son école."})
        if self.role in ROLES_RASED and not self.secteur_id:
            raise ValidationError({"secteur": "Un membre du RASED est rattaché à un secteur."})
        if self.role != Role.ADMINISTRATEUR and not self.circonscription_id:
            raise ValidationError({"circonscription": "Chaque personne appartient à une circonscription."})

    def has_perm(self, perm, obj=None) -> bool:
        """The access policy (``rules``, aides/rules.py and eleves/rules.py) answers for every
        account, the superuser made at installation included: Django's own check would let an
        active superuser through every permission, the policy's too."""
        if rules.perm_exists(perm):
            return rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


class AppareilProConnect(Device):
    """The second factor an agent proved at his identity provider through ProConnect (its ``amr``
    claim, eleves/proconnect.py). django-otp keeps its id in the session as it does a TOTP
    application's: it stands for rased's own code in that session and accepts no code itself."""

    class Meta:
        verbose_name = "double authentification ProConnect"
        verbose_name_plural = "doubles authentifications ProConnect"
        constraints = [models.UniqueConstraint(fields=["user"], name="appareil_proconnect_unique")]


class ClasseQuerySet(models.QuerySet):
    def par_ordre_alphabetique(self) -> "ClasseQuerySet":
        """By school, then class name, in French order (eleves/alphabetique.py)."""
        return self.order_by(*ordre_alphabetique("ecole__nom", "nom"), "pk")

    def visibles_par(self, user) -> "ClasseQuerySet":
        if not _actif(user):
            return self.none()
        qs = self.filter(ecole__circonscription_id=user.circonscription_id)
        if user.role in (Role.ADMINISTRATEUR, Role.CIRCONSCRIPTION):
            return qs
        qs = qs.filter(annee__debut=annee_courante_debut())
        match user.role:
            case Role.DIRECTEUR:
                return qs.filter(ecole_id=user.ecole_id)
            case role if role in ROLES_RASED:
                return qs.filter(ecole__secteurs=user.secteur_id) if user.secteur_id else self.none()
            case Role.ENSEIGNANT:
                return qs.filter(enseignants=user)
        return self.none()


class Classe(models.Model):
    ecole = models.ForeignKey(Ecole, on_delete=models.PROTECT, related_name="classes", verbose_name="école")
    annee = models.ForeignKey(
        AnneeScolaire, on_delete=models.PROTECT, related_name="classes", verbose_name="année scolaire"
    )
    nom = models.CharField("nom", max_length=80)
    # ONDE's own identifier of the class (« Identifiant classe » of its pupils' extraction): an
    # import matches the class by it first, by its name only when it is blank.
    identifiant_onde = models.CharField("identifiant ONDE", max_length=40, blank=True)
    # Multi-level classes are common: the levels taught, as codes of ``Niveau``.
    niveaux = models.JSONField("niveaux", default=list)
    enseignants = models.ManyToManyField(
        Utilisateur, related_name="classes", blank=True, limit_choices_to={"role": Role.ENSEIGNANT}
    )

    objects = ClasseQuerySet.as_manager()

    class Meta:
        ordering = ordre_alphabetique("ecole__nom", "nom")
        verbose_name = "classe"
        constraints = [
            models.UniqueConstraint(
                fields=["ecole", "annee", "nom"], name="classe_nom_unique",
                violation_error_message="Cette école a déjà une classe de ce nom cette année-là.",
            ),
        ]

    def __str__(self):
        return self.nom

    def clean(self):
        super().clean()
        inconnus = [n for n in self.niveaux or [] if n not in Niveau.values]
        if not self.niveaux or inconnus:
            raise ValidationError({"niveaux": "Choisissez un ou plusieurs niveaux parmi TPS à CM2."})

    @property
    def niveaux_libelle(self) -> str:
        ordre = list(Niveau.values)
        return "-".join(sorted(self.niveaux, key=ordre.index))


class EleveQuerySet(models.QuerySet):
    def par_ordre_alphabetique(self) -> "EleveQuerySet":
        """By name, then first name, in French order (eleves/alphabetique.py)."""
        return self.order_by(*ordre_alphabetique("nom", "prenom"), "pk")

    def visibles_par(self, user) -> "EleveQuerySet":
        """The pupils ``user`` may see: the single answer used by every view and export."""
        if not _actif(user):
            return self.none()
        qs = self.filter(circonscription_id=user.circonscription_id)
        if user.role in (Role.ADMINISTRATEUR, Role.CIRCONSCRIPTION):
            return qs
        inscriptions = Inscription.objects.filter(annee__debut=annee_courante_debut())
        match user.role:
            case Role.DIRECTEUR:
                inscriptions = inscriptions.filter(classe__ecole_id=user.ecole_id)
            case role if role in ROLES_RASED:
                if not user.secteur_id:
                    return self.none()
                inscriptions = inscriptions.filter(classe__ecole__secteurs=user.secteur_id)
            case Role.ENSEIGNANT:
                inscriptions = inscriptions.filter(classe__enseignants=user)
            case _:
                return self.none()
        return qs.filter(pk__in=inscriptions.values("eleve_id"))

    def partis_du_secteur(self, secteur_id) -> "EleveQuerySet":
        """The pupils enrolled nowhere this school year whose last school is in the secteur: gone,
        their file kept until the purge (aides/retention.py)."""
        derniere_ecole = (
            Inscription.objects.filter(eleve=OuterRef("pk")).order_by("-annee__debut").values("classe__ecole_id")[:1]
        )
        return (
            self.exclude(inscriptions__annee__debut=annee_courante_debut())
            .annotate(derniere_ecole=Subquery(derniere_ecole))
            .filter(derniere_ecole__in=Ecole.objects.filter(secteurs=secteur_id).values("pk"))
        )

    def avec_inscription_courante(self) -> "EleveQuerySet":
        courantes = Inscription.objects.filter(annee__debut=annee_courante_debut()).select_related(
            "classe__ecole"
        )
        return self.prefetch_related(models.Prefetch("inscriptions", courantes, to_attr="inscriptions_courantes"))


class Eleve(models.Model):
    circonscription = models.ForeignKey(
        Circonscription, on_delete=models.PROTECT, related_name="eleves"
    )
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    date_naissance = models.DateField("date de naissance")
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    ine = models.CharField(
        "INE", max_length=11, blank=True, validators=[valider_ine],
        help_text="Identifiant national élève, facultatif.",
    )
    # Grows at each save from the form: a form read at an older revision is refused (rased/revisions.py).
    revision = models.PositiveIntegerField(default=0)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = EleveQuerySet.as_manager()

    class Meta:
        ordering = ordre_alphabetique("nom", "prenom")
        verbose_name = "élève"
        constraints = [
            models.UniqueConstraint(
                fields=["ine"], condition=~Q(ine=""), name="eleve_ine_unique",
                violation_error_message="Un élève est déjà enregistré avec cet INE : vérifiez-le.",
            ),
        ]
        # The circonscription's list in French order reads its first page from this index (without
        # it PostgreSQL sorts all the circonscription's pupils for each page).
        indexes = [models.Index("circonscription", *(Collate(champ, COLLATION) for champ in ("nom", "prenom")),
                                name="eleve_circ_nom_francais")]

    def __str__(self):
        return f"{self.nom.upper()} {self.prenom}"

    @property
    def inscription_courante(self) -> "Inscription | None":
        """The enrolment of the current school year (prefetched by ``avec_inscription_courante``)."""
        if hasattr(self, "inscriptions_courantes"):
            return self.inscriptions_courantes[0] if self.inscriptions_courantes else None
        return self.inscriptions.filter(annee__debut=annee_courante_debut()).select_related(
            "classe__ecole"
        ).first()


class InscriptionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(eleve__in=Eleve.objects.visibles_par(user))


class Inscription(models.Model):
    """A pupil's class and level for one school year: the path survives every change."""

    eleve = models.ForeignKey(Eleve, on_delete=models.CASCADE, related_name="inscriptions")
    annee = models.ForeignKey(AnneeScolaire, on_delete=models.PROTECT, related_name="inscriptions")
    classe = models.ForeignKey(Classe, on_delete=models.PROTECT, related_name="inscriptions")
    niveau = models.CharField("niveau", max_length=3, choices=Niveau.choices)

    objects = InscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-annee__debut"]
        verbose_name = "inscription"
        constraints = [
            models.UniqueConstraint(
                fields=["eleve", "annee"], name="une_inscription_par_annee",
                violation_error_message="Cet élève est déjà inscrit pour cette année scolaire.",
            ),
        ]

    def __str__(self):
        return f"{self.annee} — {self.classe} ({self.niveau})"

    def clean(self):
        super().clean()
        if self.classe_id and self.annee_id and self.classe.annee_id != self.annee_id:
            raise ValidationError("La classe n'appartient pas à cette année scolaire.")
        if self.classe_id and self.niveau not in self.classe.niveaux:
            raise ValidationError({"niveau": "Ce niveau n'est pas enseigné dans cette classe."})


class ResponsableLegalQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(eleve__in=Eleve.objects.visibles_par(user))


class ResponsableLegal(models.Model):
    """A holder of parental authority, to whom letters are addressed."""

    eleve = models.ForeignKey(Eleve, on_delete=models.CASCADE, related_name="responsables")
    lien = models.CharField("lien avec l'élève", max_length=10, choices=LienResponsable.choices)
    civilite = models.CharField("civilité", max_length=10, blank=True, choices=[("Mme", "Mme"), ("M.", "M.")])
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100, blank=True)
    adresse = models.CharField("adresse", max_length=200, blank=True)
    code_postal = models.CharField(
        "code postal", max_length=5, blank=True,
        validators=[RegexValidator(r"^\d{5}$", "Le code postal comporte 5 chiffres.")],
    )
    commune = models.CharField("commune", max_length=120, blank=True)
    telephone = models.CharField(
        "téléphone", max_length=20, blank=True,
        validators=[RegexValidator(r"^\+?[0-9 .]{10,17}$", "Numéro de téléphone invalide (ex. 06 12 34 56 78).")],
    )
    email = models.EmailField("courriel", blank=True)
    # Grows at each save from the form (rased/revisions.py).
    revision = models.PositiveIntegerField(default=0)

    objects = ResponsableLegalQuerySet.as_manager()

    class Meta:
        ordering = ["lien", *ordre_alphabetique("nom")]
        verbose_name = "responsable légal"
        verbose_name_plural = "responsables légaux"

    def __str__(self):
        return " ".join(p for p in (self.civilite, self.prenom, self.nom.upper()) if p)


class PlanQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(eleve__in=Eleve.objects.visibles_par(user))


class Plan(models.Model):
    """A plan already in place (PPRE, PAP, PAI, PPS, ULIS, UPE2A): recorded here, written in the LPI."""

    eleve = models.ForeignKey(Eleve, on_delete=models.CASCADE, related_name="plans")
    type = models.CharField("type", max_length=5, choices=TypePlan.choices)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-date_debut"]
        verbose_name = "plan ou dispositif"
        verbose_name_plural = "plans et dispositifs"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="plan_fin_apres_debut",
                violation_error_message="La date de fin précède la date de début.",
            ),
        ]

    def __str__(self):
        return self.get_type_display()

    def clean(self):
        super().clean()
        if self.date_fin and self.date_debut and self.date_fin < self.date_debut:
            raise ValidationError({"date_fin": "La date de fin précède la date de début."})


def _actif(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.circonscription_id)


class JournalAccesQuerySet(models.QuerySet):
    """Entries are only ever added: the usual ``update`` and ``delete`` are refused.

    The one way out is ``purger()``, called by the retention (``aides/retention.py``):
    a pupil's file deleted, or entries older than ``RETENTION_JOURNAL_MOIS``.
    """

    def du_eleve(self, eleve):
        return self.filter(eleve=eleve).select_related("utilisateur")

    def update(self, **kwargs):
        raise JournalInalterable("Le journal des accès ne peut pas être modifié.")

    def delete(self):
        raise JournalInalterable("Les entrées du journal des accès ne sont supprimées que par la purge.")

    def purger(self) -> int:
        """Delete these entries (retention only): returns how many went."""
        return self._raw_delete(self.db)


class JournalAcces(models.Model):
    """Who viewed or printed what, when, from where (a pupil's file, a document, a report).

    Entries are only ever added (``eleves.journal.journaliser``); they are purged with the
    pupil's file and after twelve months.
    """

    class Action(models.TextChoices):
        CONSULTATION = "consultation", "Consultation"
        IMPRESSION = "impression", "Impression (PDF)"
        EXPORT = "export", "Export (CSV)"

    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    objet = models.CharField("objet", max_length=200)
    eleve = models.ForeignKey(Eleve, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    adresse = models.GenericIPAddressField(null=True, blank=True)
    # Written by someone holding the psychologist's role (``eleves.rules.lit_le_secret_psy`` at the
    # time): what a psychologist consulted is itself secret; others read one neutral line
    # (``eleves.journal.lignes_du_journal``), the psychologists the whole entry. Stored, not derived
    # from the account's present role, which an administrator may change.
    par_psychologue = models.BooleanField(default=False, editable=False)

    objects = JournalAccesQuerySet.as_manager()

    class Meta:
        ordering = ["-le", "-pk"]
        verbose_name = "entrée du journal des accès"
        verbose_name_plural = "journal des accès"

    def __str__(self):
        return f"{self.get_action_display()} : {self.objet}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalInalterable("Une entrée du journal des accès ne peut pas être modifiée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalInalterable("Les entrées du journal des accès ne sont supprimées que par la purge.")


class JournalInalterable(Exception):
    """Raised by any attempt to alter or delete access-log entries outside the purge."""


class VoletDossier(models.TextChoices):
    """The parts of a family's right-of-access file held back until someone who may read them
    has reviewed them (``aides.pdf.droit_acces``, docs/protection-donnees.md « Droit d'accès »)."""

    RASED = "rased", "volet du RASED"
    PSY = "psy", "volet psychologique"


class DemandeAccesQuerySet(models.QuerySet):
    def visibles_par(self, user) -> "DemandeAccesQuerySet":
        """The requests about the pupils ``user`` sees; the rules then say who files, prints, reviews.

        A RASED member also sees those about the pupils gone from the secteur's schools
        (``partis_du_secteur``): the IEN may still file a family's request for them until the
        purge, and their RASED and psychological parts wait for a review in that secteur."""
        visibles = Q(eleve__in=Eleve.objects.visibles_par(user))
        if user.role in ROLES_RASED and user.secteur_id and _actif(user):
            partis = Eleve.objects.filter(circonscription_id=user.circonscription_id).partis_du_secteur(
                user.secteur_id
            )
            return self.filter(visibles | Q(eleve__in=partis))
        return self.filter(visibles)

    def a_relire(self, volet: str) -> "DemandeAccesQuerySet":
        return self.exclude(liberations__volet=volet)


class DemandeAcces(models.Model):
    """A family's right of access (RGPD art. 15) to their child's file, filed by the directeur or the IEN.

    The request comes from a recorded guardian of the pupil (``responsable``; ``demandeur`` keeps
    their name as it was, should the guardian be removed from the file later). The document
    (``aides.pdf.droit_acces``) holds the whole file; each part the printer may not read is
    printed only after someone who may read it has reviewed and released it (``LiberationVolet``).
    """

    eleve = models.ForeignKey(Eleve, on_delete=models.CASCADE, related_name="demandes_acces")
    responsable = models.ForeignKey(
        ResponsableLegal, on_delete=models.SET_NULL, null=True, related_name="demandes_acces",
        verbose_name="demande faite par",
    )
    demandeur = models.CharField("demande faite par", max_length=200, editable=False)
    recue_le = models.DateField("demande reçue le")
    deposee_par = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, related_name="+")
    deposee_le = models.DateTimeField(auto_now_add=True)

    objects = DemandeAccesQuerySet.as_manager()

    class Meta:
        ordering = ["-deposee_le", "-pk"]
        verbose_name = "demande d'accès au dossier"
        verbose_name_plural = "demandes d'accès au dossier"

    def __str__(self):
        return f"Demande d'accès n° {self.pk}"

    def liberation(self, volet: str) -> "LiberationVolet | None":
        """The release of ``volet`` (prefetch ``liberations`` to read it without a query)."""
        return next((x for x in self.liberations.all() if x.volet == volet), None)

    @property
    def liberation_psy(self) -> "LiberationVolet | None":
        return self.liberation(VoletDossier.PSY)

    @property
    def liberation_rased(self) -> "LiberationVolet | None":
        return self.liberation(VoletDossier.RASED)


class LiberationVolet(models.Model):
    """A part of a right-of-access file read and released by someone who may read it: a RASED
    member of the pupil's secteur for the RASED's part, a psychologist for the psychological part.

    It keeps a digest of what was read, not the text: if that part changes afterwards, it is
    held back again until a new release (``eleves.services.volet_liberer``).
    """

    demande = models.ForeignKey(DemandeAcces, on_delete=models.CASCADE, related_name="liberations")
    volet = models.CharField("volet", max_length=5, choices=VoletDossier.choices)
    libere_le = models.DateTimeField("libéré le")
    libere_par = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, related_name="+")
    # SHA-256 of the part as it was read at the release.
    empreinte = models.CharField(max_length=64)
    # Encrypted: the psychologist writes it (rased/chiffrement.py).
    note = ChaineChiffree("note", max_length=500, blank=True)

    class Meta:
        ordering = ["demande", "volet"]
        verbose_name = "libération d'un volet du droit d'accès"
        verbose_name_plural = "libérations des volets du droit d'accès"
        constraints = [models.UniqueConstraint(fields=["demande", "volet"], name="une_liberation_par_volet")]

    def __str__(self):
        return f"{self.get_volet_display().capitalize()} de la demande d'accès n° {self.demande_id}"


class AttributionRoleQuerySet(models.QuerySet):
    def visibles_par(self, user) -> "AttributionRoleQuerySet":
        """Who was given access to the psychologist's work in the circonscription: the
        psychologists watch it (one of them could otherwise be impersonated unnoticed)."""
        if not (_actif(user) and lit_le_secret_psy(user)):
            return self.none()
        return self.filter(circonscription_id=user.circonscription_id)


class AttributionRole(models.Model):
    """An account given, or widened to, a role that opens the psychologist's work: the role of
    psychologist granted, a psychologist moved to another secteur or circonscription, or
    reactivated. Written by ``eleves.services.compte_enregistrer`` (the administration's only
    way to save an account), never changed; the circonscription's psychologists are told."""

    class Motif(models.TextChoices):
        ATTRIBUTION = "attribution", "rôle de psychologue attribué"
        SECTEUR = "secteur", "changement de secteur"
        CIRCONSCRIPTION = "circonscription", "changement de circonscription"
        REACTIVATION = "reactivation", "compte réactivé"

    personne = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="attributions_role")
    motif = models.CharField("motif", max_length=15, choices=Motif.choices)
    circonscription = models.ForeignKey(Circonscription, on_delete=models.CASCADE, related_name="+")
    secteur = models.ForeignKey(Secteur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    le = models.DateTimeField("le", auto_now_add=True)
    par = models.ForeignKey(
        Utilisateur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )

    objects = AttributionRoleQuerySet.as_manager()

    class Meta:
        ordering = ["-le", "-pk"]
        verbose_name = "accès ouvert au travail du psychologue"
        verbose_name_plural = "accès ouverts au travail du psychologue"

    def __str__(self):
        return f"{self.get_motif_display().capitalize()} le {timezone.localtime(self.le):%d/%m/%Y}"


class DemandeReinitialisation(models.Model):
    """A « mot de passe oublié » asked: kept a day to throttle the form (per address typed, per
    client address), whatever the address typed (the page answers the same). The address typed is
    kept only as its SHA-256: nothing here tells who has an account."""

    empreinte_adresse = models.CharField(max_length=64, db_index=True)
    adresse_ip = models.GenericIPAddressField(null=True)
    le = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "demande de réinitialisation du mot de passe"
