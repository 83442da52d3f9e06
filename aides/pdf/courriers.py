"""Letters to the family about a request: their data, one letter per household.

Three letters, each asking the family's word on one act (DOMAIN.md, « Consent, per act »):

- ``information``: the request was sent to the RASED; what happens next and the family's rights;
- ``accord-aide``: agreement to the E or G aid decided;
- ``accord-psy``: agreement to the psychologist's assessment or follow-up. It says only that the
  psychologist proposes to meet the child: nothing of any psychological content is read here.

The responsables légaux living at the same address get one letter together (« Madame X et
Monsieur Y »); each other address gets its own page. Every letter ends with a reply slip.
"""

from dataclasses import dataclass

from django.utils import timezone

from aides.enums import EtatDemande, TypeAide
from aides.pdf.programme import entete_pour
from eleves.scolarite import cle_nom

CIVILITES = {"Mme": "Madame", "M.": "Monsieur"}
# What the letter asking for the family's agreement says of each kind of aid (E or G).
PRESENTATION_PAR_TYPE = {
    TypeAide.E: "L'aide à dominante pédagogique aide votre enfant à surmonter ce qui fait obstacle à ses "
                "apprentissages (lecture, écriture, mathématiques, méthodes de travail), en petit groupe ou "
                "dans la classe.",
    TypeAide.G: "L'aide à dominante relationnelle aide votre enfant à retrouver le désir d'apprendre et la "
                "confiance en soi, et à trouver sa place d'élève dans la classe.",
}


class CourrierImpossible(Exception):
    """A letter that cannot be printed now, with the French reason to show on the page."""


@dataclass(frozen=True)
class Genre:
    gabarit: str
    titre: str
    objet: str


GENRES = {
    "information": Genre(
        "pdf/courrier_information.html", "Information sur une demande d'aide au RASED",
        "information sur la demande d'aide",
    ),
    "accord-aide": Genre(
        "pdf/courrier_accord_aide.html", "Demande d'accord pour une aide du RASED",
        "accord pour une aide E ou G",
    ),
    "accord-psy": Genre(
        "pdf/courrier_accord_psy.html", "Demande d'accord pour un bilan psychologique",
        "accord pour un bilan ou un suivi psychologique",
    ),
}


def _nom(personne) -> str:
    """« Madame Sophie DURAND », as on an envelope."""
    return " ".join(p for p in (CIVILITES.get(personne.civilite, ""), personne.prenom, personne.nom.upper()) if p)


def _minuscule(texte: str) -> str:
    """« Aide à dominante pédagogique (maître E) » inside a sentence: only its first letter changes."""
    return texte[:1].lower() + texte[1:]


def _salutation(responsables) -> str:
    civilites = {r.civilite for r in responsables}
    if civilites == {"Mme"}:
        return "Mesdames" if len(responsables) > 1 else "Madame"
    if civilites == {"M."}:
        return "Messieurs" if len(responsables) > 1 else "Monsieur"
    return "Madame, Monsieur"


def foyers(responsables) -> list[dict]:
    """One household per postal address (compared without case, accents or extra spaces), in
    the order of the responsables; those without an address share one letter."""
    groupes: dict[tuple, list] = {}
    for r in responsables:
        cle = (cle_nom(r.adresse), r.code_postal.strip(), cle_nom(r.commune))
        groupes.setdefault(cle, []).append(r)
    resultat = []
    for membres in groupes.values():
        premier = membres[0]
        adresse = [ligne for ligne in (
            premier.adresse.strip(), f"{premier.code_postal.strip()} {premier.commune.strip().upper()}".strip(),
        ) if ligne]
        resultat.append({
            "destinataires": " et ".join(_nom(r) for r in membres),
            "signataires": [_nom(r) for r in membres],
            "adresse": adresse,
            "salutation": _salutation(membres),
            # What « vous » agrees with: « informée », « informés », « libres »…
            "feminin": all(r.civilite == "Mme" for r in membres),
            "plusieurs": len(membres) > 1,
        })
    return resultat


def _personne(utilisateur, precision: str = "") -> dict:
    fonction = utilisateur.get_role_display()
    return {
        "nom": str(utilisateur),
        "fonction": f"{fonction}{', ' + precision if precision else ''}",
        "courriel": utilisateur.email,
    }


def donnees_courrier(lu, genre: str) -> dict:
    """What the letter ``genre`` prints for the request ``lu.demande``; ``CourrierImpossible``
    says why not.

    ``lu`` is the request's ``aides.selectors.documents.LecturesCourrier``: the request from the
    user's scoped queryset with its pupil, class, school and référent loaded, and what the letter
    reads beside it; the caller has checked that ``lu.imprime_par`` may print this letter.
    """
    demande, imprime_par = lu.demande, lu.imprime_par
    modele = GENRES[genre]
    if demande.etat == EtatDemande.BROUILLON:
        raise CourrierImpossible(
            "Les courriers à la famille s'impriment une fois la demande envoyée au RASED."
        )
    eleve = demande.eleve
    responsables = lu.responsables
    if not responsables:
        raise CourrierImpossible(
            "Aucun responsable légal n'est enregistré pour cet élève : ajoutez-en un sur la fiche de "
            "l'élève, avec son adresse, avant d'imprimer ce courrier."
        )
    ecole = demande.classe.ecole
    donnees = {
        "entete": entete_pour(demande),
        "titre": modele.titre,
        "objet": modele.objet,
        "reference": f"demande d'aide n° {demande.pk}",
        "lieu_date": f"À {ecole.commune}, le {timezone.localdate():%d/%m/%Y}",
        "ecole": ecole.nom,
        "eleve": {"prenom": eleve.prenom, "nom": eleve.nom.upper(), "classe": demande.classe.nom,
                  "niveau": demande.niveau},
        "signataire": _personne(imprime_par),
        "foyers": foyers(responsables),
    }
    if genre == "information":
        donnees["envoyee_le"] = f"{timezone.localdate(demande.envoyee_le):%d/%m/%Y}" if demande.envoyee_le else ""
        donnees["informee_le"] = f"{demande.famille_informee_le:%d/%m/%Y}" if demande.famille_informee_le else ""
        donnees["domaines"] = demande.domaines_libelles
        donnees["contacts"] = (
            [_personne(demande.referent, "référent de la demande")] if demande.referent
            else [_personne(m) for m in lu.membres_rased]
        )
    elif genre == "accord-aide":
        aides = lu.aides_e_g
        if not aides:
            raise CourrierImpossible(
                "Aucune aide E ou G n'est à proposer à la famille pour cette demande : ce courrier suit "
                "la décision d'une aide par le RASED."
            )
        donnees["aides"] = [
            {"libelle": _minuscule(a.get_type_display()), "intervenant": str(a.intervenant),
             "presentation": PRESENTATION_PAR_TYPE[a.type]}
            for a in aides
        ]
        donnees["contacts"] = [_personne(a.intervenant) for a in aides]
    else:
        donnees["contacts"] = [_personne(p) for p in lu.psychologues]
    return donnees
