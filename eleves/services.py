"""Writes on pupils: one function per action, each in a transaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from eleves.calendrier import Vacances
from eleves.enums import Role
from eleves.models import (
    AnneeScolaire,
    AttributionRole,
    Classe,
    DemandeAcces,
    Eleve,
    Inscription,
    LiberationVolet,
    PeriodeVacances,
    ResponsableLegal,
    Utilisateur,
)
from eleves.rules import lit_le_secret_psy
from rased import courriels
from rased.revisions import modifie_entre_temps


class ModifieEntreTemps(ValidationError):
    """A record saved from a form read at an older revision: someone else saved it meanwhile.

    A ``ValidationError`` without field: the page shows it above the form, which keeps what was typed.
    """


def _prendre_la_revision(objet, *, revision_lue: int | None, sujet: str, pendant: str) -> None:
    """Lock ``objet``'s row, refuse a save from a form read at another revision than the row's,
    and give ``objet`` the next revision. ``revision_lue=None`` (the CSV import, which reads the
    row in its own transaction) checks nothing but still moves the revision on, so that a form
    read before the import is refused rather than undoing it."""
    # Two people save the same record at once: the row lock makes the second see the first's revision.
    actuelle = type(objet).objects.select_for_update().values_list("revision", flat=True).get(pk=objet.pk)
    if revision_lue is not None and actuelle != revision_lue:
        raise ModifieEntreTemps(modifie_entre_temps(sujet, pendant))
    objet.revision = actuelle + 1


@transaction.atomic
def eleve_enregistrer(*, eleve: Eleve, classe: Classe, niveau: str, revision_lue: int | None = None) -> Eleve:
    """Create or update a pupil and their enrolment for the current school year.

    The pupil belongs to the circonscription of the class's school; past years'
    enrolments are left as they are, so the pupil's path is kept. An edit from a form read at
    ``revision_lue`` is refused (``ModifieEntreTemps``) if someone saved the pupil since.
    """
    annee = AnneeScolaire.objects.courante()
    if eleve.pk is None:
        eleve.circonscription_id = classe.ecole.circonscription_id
    else:
        _prendre_la_revision(eleve, revision_lue=revision_lue, sujet="La fiche de cet élève a été modifiée",
                             pendant="la corrigiez")
    eleve.full_clean()
    eleve.save()
    inscription = Inscription.objects.filter(eleve=eleve, annee=annee).first() or Inscription(
        eleve=eleve, annee=annee
    )
    inscription.classe = classe
    inscription.niveau = niveau
    inscription.full_clean()
    inscription.save()
    return eleve


@transaction.atomic
def responsable_enregistrer(*, responsable: ResponsableLegal, revision_lue: int | None = None) -> ResponsableLegal:
    """Add a guardian to a pupil's file, or correct one from a form read at ``revision_lue``
    (refused with ``ModifieEntreTemps`` if someone saved the guardian since)."""
    if responsable.pk is not None:
        _prendre_la_revision(responsable, revision_lue=revision_lue, sujet="Ce responsable légal a été modifié",
                             pendant="le corrigiez")
    responsable.full_clean()
    responsable.save()
    return responsable


@transaction.atomic
def demande_acces_deposer(*, eleve: Eleve, auteur, responsable: ResponsableLegal, recue_le) -> DemandeAcces:
    """File a family's request for the whole file (the caller checked ``eleves.repondre_droit_acces``).

    The requester is one of the pupil's recorded guardians; their name is kept with the request,
    as it was, should the guardian be removed from the file later."""
    if responsable.eleve_id != eleve.pk:
        raise ValidationError({"responsable": "Choisissez un responsable légal de cet élève."})
    demande = DemandeAcces(
        eleve=eleve, deposee_par=auteur, responsable=responsable, recue_le=recue_le,
        demandeur=f"{responsable}, {responsable.get_lien_display().lower()}"[:200],
    )
    demande.full_clean()
    demande.save()
    return demande


@transaction.atomic
def volet_liberer(*, demande: DemandeAcces, volet: str, auteur, empreinte: str, note: str = "") -> bool:
    """Release ``volet`` of the file as ``auteur`` read it (``empreinte``: its digest).

    Returns False when that very content was already released (a repeated click changes nothing).
    Locked row: two people releasing at once must not overwrite each other's note.
    """
    DemandeAcces.objects.select_for_update().get(pk=demande.pk)
    liberation = LiberationVolet.objects.filter(demande=demande, volet=volet).first()
    if liberation is not None and liberation.empreinte == empreinte:
        return False
    liberation = liberation or LiberationVolet(demande=demande, volet=volet)
    liberation.libere_le = timezone.now()
    liberation.libere_par = auteur
    liberation.empreinte = empreinte
    liberation.note = note.strip()
    liberation.full_clean()
    liberation.save()
    return True


def _ouvertures(avant: Utilisateur | None, compte: Utilisateur) -> list[str]:
    """What this save opens of the psychologist's work to ``compte`` (``AttributionRole.Motif``)."""
    if not lit_le_secret_psy(compte):
        return []
    if avant is None or avant.role != Role.PSYCHOLOGUE:
        return [AttributionRole.Motif.ATTRIBUTION]
    motifs = []
    if not avant.is_active:
        motifs.append(AttributionRole.Motif.REACTIVATION)
    if avant.circonscription_id != compte.circonscription_id:
        motifs.append(AttributionRole.Motif.CIRCONSCRIPTION)
    elif avant.secteur_id != compte.secteur_id:
        motifs.append(AttributionRole.Motif.SECTEUR)
    return motifs


def compte_enregistrer(*, compte: Utilisateur, par: Utilisateur | None, save) -> list[AttributionRole]:
    """Save an account (``save``: the administration's own save) and record every opening of the
    psychologist's work it makes — the role granted, a psychologist moved or reactivated — so that
    the circonscription's psychologists see who holds the role since when, and are told by e-mail.
    """
    avant = Utilisateur.objects.filter(pk=compte.pk).first() if compte.pk else None
    motifs = _ouvertures(avant, compte)
    with transaction.atomic():
        save()
        attributions = [
            AttributionRole.objects.create(
                personne=compte, motif=motif, circonscription_id=compte.circonscription_id,
                secteur_id=compte.secteur_id, par=par,
            )
            for motif in motifs if compte.circonscription_id
        ]
        if attributions:
            _prevenir_les_psychologues(compte, attributions)
    return attributions


def _prevenir_les_psychologues(compte: Utilisateur, attributions: list[AttributionRole]) -> None:
    """An e-mail to the other psychologists of the circonscription, through the task queue: a mail
    server that fails does not undo the save (the page of the role's holders shows it anyway)."""
    adresses = list(
        Utilisateur.objects.filter(
            role=Role.PSYCHOLOGUE, is_active=True, circonscription_id=compte.circonscription_id
        ).exclude(pk=compte.pk).exclude(email="").values_list("email", flat=True)
    )
    motifs = ", ".join(a.get_motif_display() for a in attributions)
    lien = f"{settings.SITE_URL}{reverse('acces_psychologues')}"
    courriels.programmer(
        sujet="[rased] Accès au travail des psychologues ouvert à un compte",
        message=(
            f"Le compte de {compte} donne désormais accès aux écrits des psychologues ({motifs}).\n\n"
            f"Qui détient ce rôle, depuis quand, et ce que ces comptes ont consulté : {lien}\n"
        ),
        destinataires=adresses,
    )


@transaction.atomic
def calendrier_scolaire_remplacer(*, vacances: list[Vacances]) -> dict[str, int]:
    """Replace, for each zone and school year the file covers, the holidays on record by the
    file's (a corrected date replaces the old one; running the same file twice changes nothing).
    Zones and years the file does not mention are kept. Returns the counts removed and written."""
    couverts = {(v.zone, v.annee_scolaire) for v in vacances}
    retirees = 0
    for zone, annee in couverts:
        retirees += PeriodeVacances.objects.filter(zone=zone, annee_scolaire=annee).delete()[0]
    lignes = [
        PeriodeVacances(description=v.description, zone=v.zone, debut=v.debut, fin=v.fin,
                        annee_scolaire=v.annee_scolaire)
        for v in vacances
    ]
    for ligne in lignes:
        ligne.full_clean(validate_unique=False)
    PeriodeVacances.objects.bulk_create(lignes)
    return {"retirees": retirees, "ecrites": len(lignes)}
