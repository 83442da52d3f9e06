"""The programme personnalisé as printed and signed: its data, frozen at validation."""

from django.utils import timezone

from aides.selectors.documents import directeur_du_programme
from eleves.scolarite import annee_scolaire_de, libelle_annee
from rased.francais import quantite


def _date(valeur) -> str:
    return valeur.strftime("%d/%m/%Y") if valeur else ""


def entete_pour(demande) -> dict:
    ecole = demande.classe.ecole
    return {
        "circonscription": ecole.circonscription.nom,
        "ecole": f"{ecole.nom} ({ecole.commune}) — UAI {ecole.uai}",
        "annee": demande.classe.annee.libelle,
    }


def donnees_programme(programme) -> dict:
    """Everything the printed programme shows, as plain JSON-ready values.

    ``programme`` comes from ``aides.selectors.documents.programmes_pour_impression``, or is the
    version being validated (``aides.services.programme_valider`` freezes these values).
    """
    aide = programme.aide
    demande = aide.demande
    eleve = demande.eleve
    classe = demande.classe
    # Read here rather than given by the caller: the validation's snapshot passes the programme alone.
    directeur = directeur_du_programme(programme)
    return {
        "entete": entete_pour(demande),
        "eleve": {
            "nom": eleve.nom.upper(), "prenom": eleve.prenom, "naissance": _date(eleve.date_naissance),
            "sexe": eleve.sexe,
            "classe": classe.nom, "niveau": demande.niveau,
        },
        "aide": aide.get_type_display(),
        "intervenant": str(aide.intervenant),
        "enseignants": [str(e) for e in classe.enseignants.all()],
        "directeur": str(directeur) if directeur else "",
        "version": programme.version,
        "modalite": programme.get_modalite_display(),
        "rythme": f"{quantite(programme.seances_par_semaine, 'une séance')} de {programme.duree_seance} min "
                  "par semaine",
        "debut": _date(programme.date_debut),
        "revision": _date(programme.date_revision),
        "objectifs": [
            {
                "reference": o.get_domaine_display() if o.domaine else f"Visée : {o.get_visee_display()}",
                "competence": o.competence.intitule if o.competence else "",
                "competence_origine": o.competence.origine if o.competence else "",
                "maitrise_initiale": o.get_maitrise_initiale_display(),
                "intitule": o.intitule, "critere": o.critere, "responsable": o.responsable,
            }
            # One query whatever the number of objectives (the skills come with them).
            for o in programme.objectifs.select_related("competence")
        ],
        "actions": [{"acteur": a.get_acteur_display(), "description": a.description} for a in programme.actions.all()],
        "avis_eleve": programme.avis_eleve,
        "avis_famille": programme.avis_famille,
        "valide_le": _date(timezone.localtime(programme.valide_le) if programme.valide_le else None),
        "valide_par": str(programme.valide_par) if programme.valide_par else "",
        "annee_impression": libelle_annee(annee_scolaire_de(timezone.localdate())),
    }
