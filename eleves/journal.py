"""The access log: every view of a pupil's file and every export is written here."""

from eleves.models import JournalAcces


def journaliser(request, *, action: str, objet: str, eleve=None) -> JournalAcces:
    return JournalAcces.objects.create(
        utilisateur=request.user, action=action, objet=objet[:200], eleve=eleve,
        adresse=request.META.get("REMOTE_ADDR") or None,
    )
