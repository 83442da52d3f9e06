"""The daily digest: what waits for each person, in one e-mail a day at most.

- the member carrying an aid: programmes whose review date is within 7 days or past;
- the member carrying an aid decided more than 14 days ago: the family's agreement still awaited
  (no answer recorded, neither agreement nor refusal);
- the request's référent (or, without one, the RASED members of its school's secteur) and the
  circonscription: requests sent and still unanswered after the circonscription's
  ``relance_attente_jours`` (the IEN's setting).

A pupil is named by initials only, with a link to the page (the e-mail may be read on a shared
or personal device). The psychologist's follow-ups go to the psychologist alone. Nobody opted out
(« Mon compte ») or without an address gets one; run twice the same day, the command sends once
(``RecapitulatifEnvoye``).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from aides.enums import ETATS_A_TRAITER, ActeConsentement, EtatAide, EtatProgramme, TypeAide
from aides.models import Aide, Consentement, DemandeAide, Programme, RecapitulatifEnvoye
from eleves.enums import ROLES_RASED, Role
from eleves.models import Utilisateur
from rased import courriels
from rased.francais import quantite

REVISION_DANS_JOURS = 7
ACCORD_ATTENDU_DEPUIS_JOURS = 14


@dataclass(frozen=True)
class Rappel:
    texte: str
    lien: str


def initiales(eleve) -> str:
    return f"{eleve.prenom[:1].upper()}. {eleve.nom[:1].upper()}."


def _revisions(jour: date, par_personne) -> None:
    programmes = Programme.objects.filter(
        etat=EtatProgramme.VALIDE, aide__etat=EtatAide.EN_COURS, date_revision__lte=jour + timedelta(days=REVISION_DANS_JOURS),
    ).select_related("aide__eleve", "aide__demande__classe__ecole")
    for programme in programmes:
        aide = programme.aide
        quand = (f"révision en retard depuis le {programme.date_revision:%d/%m/%Y}"
                 if programme.date_revision < jour else f"révision prévue le {programme.date_revision:%d/%m/%Y}")
        par_personne[aide.intervenant_id].append(Rappel(
            f"Programme personnalisé de {initiales(aide.eleve)} ({aide.demande.classe.ecole.nom}) : {quand}",
            reverse("programme_detail", args=[programme.pk]),
        ))


def _accords_attendus(jour: date, par_personne) -> None:
    limite = timezone.make_aware(datetime.combine(jour - timedelta(days=ACCORD_ATTENDU_DEPUIS_JOURS), datetime.max.time()))
    attente = Aide.objects.filter(etat=EtatAide.A_DEMARRER, demande__decidee_le__lte=limite)
    for type_aide, acte in ((TypeAide.PSY, ActeConsentement.PSY), (None, ActeConsentement.AIDE_E_G)):
        aides = attente.filter(type=type_aide) if type_aide else attente.exclude(type=TypeAide.PSY)
        aides = aides.filter(~Exists(Consentement.objects.filter(demande=OuterRef("demande"), acte=acte)))
        for aide in aides.select_related("eleve", "demande__classe__ecole"):
            par_personne[aide.intervenant_id].append(Rappel(
                f"Accord de la famille attendu depuis le {timezone.localtime(aide.demande.decidee_le):%d/%m/%Y} : "
                f"{aide.get_type_display().lower()} de {initiales(aide.eleve)} ({aide.demande.classe.ecole.nom})",
                reverse("demande_detail", args=[aide.demande_id]),
            ))


def _demandes_sans_reponse(jour: date, par_personne) -> None:
    demandes = [
        d for d in DemandeAide.objects.filter(etat__in=ETATS_A_TRAITER, envoyee_le__isnull=False)
        .select_related("circonscription", "classe__ecole").order_by("envoyee_le")
        if timezone.localtime(d.envoyee_le).date() <= jour - timedelta(days=d.circonscription.relance_attente_jours)
    ]
    if not demandes:
        return
    ecoles = {d.classe.ecole_id for d in demandes}
    membres_par_ecole = defaultdict(set)
    for membre_id, ecole_id, circonscription_id in Utilisateur.objects.filter(
        is_active=True, role__in=ROLES_RASED, secteur__ecoles__in=ecoles,
    ).values_list("pk", "secteur__ecoles", "circonscription_id"):
        membres_par_ecole[(ecole_id, circonscription_id)].add(membre_id)
    circonscriptions = defaultdict(set)
    for pk, circonscription_id in Utilisateur.objects.filter(
        is_active=True, role=Role.CIRCONSCRIPTION, circonscription_id__in={d.circonscription_id for d in demandes},
    ).values_list("pk", "circonscription_id"):
        circonscriptions[circonscription_id].add(pk)
    for demande in demandes:
        rappel = Rappel(
            f"Demande n° {demande.pk} ({demande.classe.ecole.nom}, classe {demande.classe.nom}) sans réponse depuis "
            f"le {timezone.localtime(demande.envoyee_le):%d/%m/%Y}",
            reverse("demande_detail", args=[demande.pk]),
        )
        rased = {demande.referent_id} if demande.referent_id else \
            membres_par_ecole[(demande.classe.ecole_id, demande.circonscription_id)]
        for personne in rased | circonscriptions[demande.circonscription_id]:
            par_personne[personne].append(rappel)


def recapitulatifs(jour: date) -> dict[int, list[Rappel]]:
    """Each person's reminders on ``jour`` (person's key → lines), whoever they are."""
    par_personne = defaultdict(list)
    _revisions(jour, par_personne)
    _accords_attendus(jour, par_personne)
    _demandes_sans_reponse(jour, par_personne)
    return par_personne


def _message(jour: date, rappels: list[Rappel]) -> str:
    lignes = "\n".join(f"- {r.texte}\n  {settings.SITE_URL}{r.lien}" for r in rappels)
    return (
        f"Bonjour,\n\nVoici ce qui vous attend dans rased au {jour:%d/%m/%Y} :\n\n{lignes}\n\n"
        f"Vous recevez ce récapitulatif au plus une fois par jour, seulement s'il y a quelque chose à faire. "
        f"Pour ne plus le recevoir : {settings.SITE_URL}{reverse('mon_compte')}\n"
    )


def envoyer_les_recapitulatifs(jour: date | None = None) -> int:
    """Queue today's digest of each person who has reminders, an address and did not opt out;
    once per person and day. How many were queued."""
    jour = jour or timezone.localdate()
    par_personne = recapitulatifs(jour)
    destinataires = Utilisateur.objects.filter(
        pk__in=par_personne, is_active=True, rappels_par_courriel=True,
    ).exclude(email="")
    envoyes = 0
    for personne in destinataires:
        rappels = par_personne[personne.pk]
        try:
            with transaction.atomic():
                RecapitulatifEnvoye.objects.create(destinataire=personne, jour=jour, lignes=len(rappels))
                courriels.programmer(
                    sujet=f"[rased] {quantite(len(rappels), 'un rappel').capitalize()} au {jour:%d/%m/%Y}",
                    message=_message(jour, rappels), destinataires=[personne.email],
                )
        except IntegrityError:
            continue  # already sent today
        envoyes += 1
    return envoyes
