"""The compte rendu of a meeting about a request, as printed and signed."""

from django.utils import timezone

from aides.enums import TypeReunion
from aides.pdf.programme import _date, entete_pour


def donnees_reunion(reunion) -> dict:
    """Everything the printed minutes show, as plain values; ``reunion`` comes from
    ``aides.selectors.documents.reunions_pour_compte_rendu``."""
    demande = reunion.demande
    eleve = demande.eleve
    moment = timezone.localtime(reunion.date)
    participants = [{"nom": str(p), "qualite": p.get_role_display()} for p in reunion.participants.all()]
    participants += [{"nom": p.nom, "qualite": p.qualite} for p in reunion.participants_externes.all()]
    signataires = ["Le rédacteur du compte rendu"]
    if reunion.type != TypeReunion.SYNTHESE:
        # A RASED synthesis is an internal meeting: the school and the family sign the others.
        signataires += ["Le directeur ou le président de séance", "La famille"]
    return {
        "entete": entete_pour(demande),
        "type": reunion.get_type_display(),
        "date": _date(moment),
        "heure": f"{moment:%H} h {moment:%M}",
        "lieu": reunion.lieu,
        "demande": demande.pk,
        "eleve": {
            "nom": eleve.nom.upper(), "prenom": eleve.prenom, "naissance": _date(eleve.date_naissance),
            "sexe": eleve.sexe,
            "classe": demande.classe.nom, "niveau": demande.niveau,
        },
        "participants": participants,
        "ordre_du_jour": reunion.ordre_du_jour,
        "compte_rendu": reunion.compte_rendu,
        "decisions": reunion.decisions,
        "redige_par": str(reunion.auteur),
        "enregistre_le": _date(timezone.localtime(reunion.cree_le)),
        "signataires": signataires,
    }
