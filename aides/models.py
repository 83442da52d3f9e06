"""The aid workflow: requests (demandes d'aide) and their history.

A request's state is changed only by the functions of ``aides/services.py`` (one per move):
each checks the current state, writes a ``HistoriqueDemande`` row and triggers its side
effects after commit. Nothing else assigns ``DemandeAide.etat``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from aides.enums import DejaEssaye, DomaineSocle, EtatDemande, ModeInformation
from eleves.enums import ROLES_RASED, Role
from eleves.models import Classe, Eleve


class DemandeAideQuerySet(models.QuerySet):
    def visibles_par(self, user) -> "DemandeAideQuerySet":
        """The requests ``user`` may see; a draft stays its author's until it is sent."""
        if not (user.is_authenticated and user.is_active and user.circonscription_id):
            return self.none()
        qs = self.filter(eleve__circonscription_id=user.circonscription_id)
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


class DemandeAide(models.Model):
    """A teacher's request for help with one pupil, from draft to decision."""

    eleve = models.ForeignKey(Eleve, on_delete=models.PROTECT, related_name="demandes", verbose_name="élève")
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

    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="demandes_referent", verbose_name="référent RASED",
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)
    envoyee_le = models.DateTimeField("envoyée le", null=True, blank=True)

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
        indexes = [models.Index(fields=["etat", "envoyee_le"])]

    def __str__(self):
        return f"Demande d'aide n° {self.pk}"

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
