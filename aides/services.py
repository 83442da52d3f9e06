"""Writes of the aid workflow: one function per action, each checking the current state.

A move that is not allowed raises ``ActionRefusee`` with a French message for the page;
a move already made is a harmless no-op that says so.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aides.enums import EtatDemande
from aides.models import DemandeAide, HistoriqueDemande, Notification
from eleves.enums import ROLES_RASED
from eleves.models import Eleve, Utilisateur


class ActionRefusee(Exception):
    """A workflow action refused for a reason the user must read (in French)."""


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
        if not demande.famille_informee_le or not demande.famille_informee_par:
            raise ActionRefusee(
                "La famille doit être informée avant l'envoi de la demande au RASED : "
                "indiquez la date et la manière dont elle a été informée."
            )
        if not demande.domaines or not demande.difficultes.strip():
            raise ActionRefusee(
                "Indiquez au moins un domaine du socle commun et décrivez les difficultés observées."
            )
        demande.etat = EtatDemande.ENVOYEE
        demande.envoyee_le = timezone.now()
        demande.save(update_fields=["etat", "envoyee_le", "modifie_le"])
        HistoriqueDemande.objects.create(
            demande=demande, auteur=auteur, de=EtatDemande.BROUILLON, vers=EtatDemande.ENVOYEE
        )
        destinataires = list(membres_rased_de(demande))
        message = f"Nouvelle demande d'aide : {demande.classe.ecole.nom}, classe {demande.classe.nom}."
        Notification.objects.bulk_create(
            Notification(destinataire=membre, demande=demande, message=message) for membre in destinataires
        )
        transaction.on_commit(lambda: _prevenir_par_courriel(demande, destinataires, message))
    return True


def membres_rased_de(demande: DemandeAide):
    return Utilisateur.objects.filter(
        is_active=True,
        role__in=ROLES_RASED,
        secteur__ecoles=demande.classe.ecole_id,
        circonscription_id=demande.eleve.circonscription_id,
    ).distinct()


def _prevenir_par_courriel(demande: DemandeAide, destinataires, message: str) -> None:
    # The e-mail names no pupil: it may be read on a shared or personal device.
    adresses = [m.email for m in destinataires if m.email]
    if not adresses:
        return
    send_mail(
        subject="[rased] Nouvelle demande d'aide",
        message=f"{message}\n\nConsultez-la dans rased : {settings.SITE_URL}{reverse('demande_detail', args=[demande.pk])}\n",
        from_email=None,
        recipient_list=adresses,
    )
