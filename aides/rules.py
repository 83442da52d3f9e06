"""Who may act on aid requests, object by object (reads go through ``visibles_par``)."""

import rules

from aides.enums import EtatDemande
from eleves.enums import Role
from eleves.rules import actif, voit_eleve


@rules.predicate
def depose_pour_eleve(user, eleve):
    """Teachers and directeurs file requests for the pupils they see."""
    return user.role in (Role.ENSEIGNANT, Role.DIRECTEUR) and voit_eleve(user, eleve)


@rules.predicate
def auteur_du_brouillon(user, demande):
    return demande.auteur_id == user.pk and demande.etat == EtatDemande.BROUILLON


rules.add_perm("aides.add_demande", actif & depose_pour_eleve)
rules.add_perm("aides.change_demande", actif & auteur_du_brouillon)
