"""Reads of the family's right of access (aides/views/droit_acces.py, the RASED's home page)."""

from eleves.models import DemandeAcces, VoletDossier

# Who reviews which held-back part (each request then asks eleves.liberer_volet_*).
LISTES_DE_RELECTURE = {
    VoletDossier.RASED: "eleves.relire_volets_rased",
    VoletDossier.PSY: "eleves.relire_volets_psy",
}


def volets_a_relire(user) -> dict[str, object]:
    """For each part ``user`` reviews, the requests they see whose part was never released."""
    demandes = DemandeAcces.objects.visibles_par(user)
    return {
        volet: demandes.a_relire(volet)
        for volet, permission in LISTES_DE_RELECTURE.items()
        if user.has_perm(permission)
    }
