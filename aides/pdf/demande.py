"""The fiche de demande d'aide as printed for signatures (teacher, directeur).

It shows what the teacher wrote and when the family was informed, nothing of the RASED's
work: no internal observation, no decision draft, no psychologist's content.
"""

from django.utils import timezone

from aides.enums import EtatDemande
from aides.pdf.programme import _date, entete_pour
from eleves.enums import CYCLE_PAR_NIVEAU


def donnees_demande(demande, *, directeur=None) -> dict:
    """Everything the printed fiche shows, as plain values.

    ``demande`` comes from ``aides.selectors.documents.demandes_pour_fiche``; ``directeur`` is
    the school's active directeur (``directeur_de``), looked up by the caller (one query).
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
            "sexe": eleve.sexe,
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

