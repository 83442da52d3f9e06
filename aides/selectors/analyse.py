"""Reads of the analysis stage: the RASED's waiting list, the people who may be chosen for a request."""

from django.db.models import Q

from aides.enums import ETATS_A_TRAITER, IssueAide
from aides.models import Aide, DemandeAide
from aides.selectors import membres_rased_de
from eleves.enums import Role
from eleves.models import Utilisateur


def demandes_a_traiter_par(user):
    """The requests of the member's secteur waiting for the RASED, oldest first."""
    return (
        DemandeAide.objects.visibles_par(user)
        .filter(etat__in=ETATS_A_TRAITER)
        .select_related("eleve", "classe__ecole", "referent")
        .order_by("envoyee_le", "pk")
    )


def aides_de_la_decision(demande):
    """The aids the RASED's decision in force carries: all those decided, but the ones a revision
    of the decision ended. Read by the revision's form, for someone the policy let revise it
    (a RASED member of the secteur, who knows of psychological follow-ups)."""
    return list(Aide.objects.filter(demande_id=demande.pk).exclude(issue=IssueAide.REVISION))


def membres_rased_par_nom(demande, *, role: str | None = None):
    """The RASED members of the request's secteur, as a list to choose from (référent, intervenant);
    ``role``: only those of that role (who may carry an aid of a given kind)."""
    membres = membres_rased_de(demande).par_ordre_alphabetique()
    return membres.filter(role=role) if role else membres


def personnes_concernees(demande):
    """Who may sit at a meeting about the request: the RASED of the secteur, the school's directeur,
    the request's author and the class's teachers."""
    ecole_id = demande.classe.ecole_id
    return (
        Utilisateur.objects.filter(is_active=True, circonscription_id=demande.eleve.circonscription_id)
        .filter(
            Q(pk__in=membres_rased_de(demande).values("pk"))
            | Q(role=Role.DIRECTEUR, ecole_id=ecole_id)
            | Q(pk=demande.auteur_id)
            | Q(classes=demande.classe_id)
        )
        .distinct()
        .par_ordre_alphabetique()
    )
