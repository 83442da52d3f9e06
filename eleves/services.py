"""Writes on pupils: one function per action, each in a transaction."""

from django.db import transaction
from django.utils import timezone

from eleves.models import AnneeScolaire, Classe, DemandeAcces, Eleve, Inscription


@transaction.atomic
def eleve_enregistrer(*, eleve: Eleve, classe: Classe, niveau: str) -> Eleve:
    """Create or update a pupil and their enrolment for the current school year.

    The pupil belongs to the circonscription of the class's school; past years'
    enrolments are left as they are, so the pupil's path is kept.
    """
    annee = AnneeScolaire.objects.courante()
    if eleve.pk is None:
        eleve.circonscription_id = classe.ecole.circonscription_id
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
def demande_acces_deposer(*, eleve: Eleve, auteur, demandeur: str, recue_le) -> DemandeAcces:
    """File a family's request for the whole file (the caller checked ``eleves.repondre_droit_acces``)."""
    demande = DemandeAcces(eleve=eleve, deposee_par=auteur, demandeur=demandeur.strip(), recue_le=recue_le)
    demande.full_clean()
    demande.save()
    return demande


@transaction.atomic
def volet_psy_liberer(*, demande, auteur, empreinte: str, note: str = "") -> bool:
    """Release the psychological part as the psychologist read it (``empreinte``: its digest).

    Returns False when that very content was already released (a repeated click changes nothing).
    Locked row: two psychologists releasing at once must not overwrite each other's note.
    """
    demande = DemandeAcces.objects.select_for_update().get(pk=demande.pk)
    if demande.volet_libere and demande.volet_empreinte == empreinte:
        return False
    demande.volet_libere_le = timezone.now()
    demande.volet_libere_par = auteur
    demande.volet_empreinte = empreinte
    demande.note_psychologue = note.strip()
    demande.full_clean()
    demande.save(update_fields=["volet_libere_le", "volet_libere_par", "volet_empreinte", "note_psychologue"])
    return True
