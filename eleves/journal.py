"""The access log: every view of a pupil's file and every export is written here."""

from dataclasses import dataclass
from datetime import datetime

from eleves.models import JournalAcces
from eleves.rules import lit_le_secret_psy

# What a non-psychologist reads of a psychologist's consultation: no document, no number, no name
# (the names of a psychologist's documents would tell that they exist, DOMAIN.md).
CONSULTATION_PSY = "Consultation par un psychologue de l'Éducation nationale"


def journaliser(request, *, action: str, objet: str, eleve=None) -> JournalAcces:
    return JournalAcces.objects.create(
        utilisateur=request.user, action=action, objet=objet[:200], eleve=eleve,
        adresse=request.META.get("REMOTE_ADDR") or None,
        par_psychologue=lit_le_secret_psy(request.user),
    )


@dataclass(frozen=True)
class LigneJournal:
    le: datetime
    personne: str
    action: str
    objet: str
    adresse: str = ""


def ligne_entiere(entree) -> LigneJournal:
    """An entry as it was written (for a psychologist's consultation: for psychologists only)."""
    personne = f"{entree.utilisateur} ({entree.utilisateur.get_role_display()})"
    return LigneJournal(entree.le, personne, entree.get_action_display(), entree.objet, entree.adresse or "")


def lignes_du_journal(lecteur, entrees) -> list[LigneJournal]:
    """The access log as ``lecteur`` may read it (the page and the right-of-access file alike):
    a psychologist's consultation is one neutral line for anyone but a psychologist.
    ``lecteur=None`` reads as someone outside the secrecy (the family's copy, whoever prints it)."""
    entier = lecteur is not None and lit_le_secret_psy(lecteur)
    return [
        LigneJournal(entree.le, "", "", CONSULTATION_PSY) if entree.par_psychologue and not entier
        else ligne_entiere(entree)
        for entree in entrees
    ]


def journaliser_pour(utilisateur, *, adresse: str | None, action: str, objet: str, eleve=None) -> JournalAcces:
    """The same entry written outside a request (a batch print rendered by the task queue, on
    behalf of ``utilisateur``, from the address that asked for it)."""
    return JournalAcces.objects.create(
        utilisateur=utilisateur, action=action, objet=objet[:200], eleve=eleve, adresse=adresse or None,
        par_psychologue=lit_le_secret_psy(utilisateur),
    )
