"""The fiche de demande d'aide as printed for signatures (teacher, directeur).

It shows what the teacher wrote and when the family was informed, nothing of the RASED's
work: no internal observation, no decision draft, no psychologist's content.
"""

from django.utils import timezone

from aides.enums import EtatDemande
from aides.pdf.programme import _date, entete_pour
from eleves.enums import CYCLE_PAR_NIVEAU, Role


def demandes_pour_fiche(queryset):
    """``queryset`` (already scoped to the user) with everything the printed fiche reads."""
    return queryset.select_related(
        "eleve", "auteur", "classe__ecole__circonscription", "classe__annee"
    ).prefetch_related("classe__enseignants")


def donnees_demande(demande, *, directeur=None) -> dict:
    """Everything the printed fiche shows, as plain values.

    ``directeur`` is the school's active directeur, looked up by the caller (one query).
    """
    eleve = demande.eleve
    classe = demande.classe
    cycle = CYCLE_PAR_NIVEAU.get(demande.niveau)
    return {
        "entete": entete_pour(demande),
        "numero": demande.pk,
        "brouillon": demande.etat == EtatDemande.BROUILLON,
        "eleve": {
            "nom": eleve.nom.upper(), "prenom": eleve.prenom, "naissance": _date(eleve.date_naissance),
            "classe": classe.nom, "niveau": demande.niveau + (f", cycle {cycle}" if cycle else ""),
        },
        "auteur": str(demande.auteur),
        "enseignants": [str(e) for e in classe.enseignants.all()],
        "directeur": str(directeur) if directeur else "",
        "deposee_le": _date(timezone.localtime(demande.cree_le)),
        "envoyee_le": _date(timezone.localtime(demande.envoyee_le)) if demande.envoyee_le else "",
        "domaines": demande.domaines_libelles,
        "difficultes": demande.difficultes,
        "erreurs": demande.erreurs,
        "deja_essaye": demande.deja_essaye_libelles,
        "deja_essaye_precisions": demande.deja_essaye_precisions,
        "points_appui": demande.points_appui,
        "attentes": demande.attentes,
        "famille_informee_le": _date(demande.famille_informee_le),
        "famille_informee_par": demande.get_famille_informee_par_display().lower()
        if demande.famille_informee_par else "",
    }


def directeur_de(ecole):
    return ecole.directeurs.filter(role=Role.DIRECTEUR, is_active=True).order_by("pk").first()
