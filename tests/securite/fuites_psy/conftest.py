"""Issue 11's leaks of the psychological follow-up, each proven closed from the user's side.

Every test here failed on the code before the fix (the issue note gives the command and what
each one printed): it reads what a non-psychologist gets through pages, PDFs, notifications,
e-mails and the access log, on a request whose psychologist's part holds unique markers.
"""

import html
import io
from dataclasses import dataclass
from datetime import date

import pytest
from pypdf import PdfReader

from aides.enums import TypeAide
from aides.models import (
    Aide,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Objectif,
    Programme,
)
from aides.services import (
    aide_demarrer,
    consentement_enregistrer,
    demande_decider,
    demande_enregistrer,
    demande_envoyer,
    demande_prendre_en_charge,
    evaluation_enregistrer,
    programme_creer,
    programme_valider,
)

# Who is outside the psychologist's secrecy but sees the request (école A, secteur 1).
NON_PSY_DE_L_ECOLE = ("enseignant", "directeur", "maitre_e", "maitre_g", "circonscription")


def texte(response) -> str:
    """What a reader reads: an HTML page unescaped, a PDF's extracted text."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        lecteur = PdfReader(io.BytesIO(response.content))
        return " ".join(" ".join((p.extract_text() or "") for p in lecteur.pages).split())
    return html.unescape(response.content.decode())


def accord(demande, acte, auteur, commentaire="", jour=date(2026, 11, 5)):
    return consentement_enregistrer(demande=demande, auteur=auteur, consentement=Consentement(
        acte=acte, accorde=True, date=jour, titulaires="deux", forme="ecrit", commentaire=commentaire))


def demande_envoyee(monde, eleve=None, auteur=None) -> DemandeAide:
    auteur = auteur or monde["enseignant"]
    demande = demande_enregistrer(auteur=auteur, eleve=eleve or monde.eleve_a1, demande=DemandeAide(
        domaines=["1.1"], difficultes="Lecture très lente.", famille_informee_le=date(2026, 11, 2),
        famille_informee_par="rencontre", motif_autre_demande="Une autre difficulté."))
    demande_envoyer(demande=demande, auteur=auteur)
    demande.refresh_from_db()
    return demande


@dataclass
class Suivi:
    demande: DemandeAide
    aide_e: Aide | None
    aide_psy: Aide


def suivi(monde, *, avec_e=True, eleve=None) -> Suivi:
    """A request of the CE1 A teacher answered by a psychological follow-up (and an E aid),
    both started with the family's agreement recorded by whom the policy allows."""
    e, psy = monde["maitre_e"], monde["psychologue"]
    demande = demande_envoyee(monde, eleve=eleve)
    demande_prendre_en_charge(demande=demande, auteur=e, referent=e)
    intervenants = {TypeAide.PSY: psy} | ({TypeAide.E: e} if avec_e else {})
    demande_decider(demande=demande, auteur=e, decision="aide", motif="Décodage et anxiété.",
                    intervenants=intervenants)
    demande.refresh_from_db()
    accord(demande, "psy", psy)
    aide_psy = Aide.objects.get(demande=demande, type=TypeAide.PSY)
    aide_demarrer(aide=aide_psy, auteur=psy, debut=date(2026, 11, 9))
    aide_e = None
    if avec_e:
        accord(demande, "aide_e_g", e)
        aide_e = Aide.objects.get(demande=demande, type=TypeAide.E)
        aide_demarrer(aide=aide_e, auteur=e, debut=date(2026, 11, 9))
    return Suivi(demande, aide_e, aide_psy)


def programme_psy_et_bilans(aide_psy, psy, suites=(("intermediaire", "poursuite"),)):
    """The follow-up's validated programme (one objective) and a bilan per (type, suite), written
    by the psychologist through the services; returns (programme, the last bilan)."""
    programme = programme_creer(aide=aide_psy, auteur=psy, programme=Programme(
        modalite="individuel", date_debut=date(2026, 11, 9)))
    objectif = Objectif.objects.create(programme=programme, visee="estime", intitule="Confiance",
                                       critere="Ose lire", responsable="Psy")
    programme_valider(programme=programme, auteur=psy)
    programme.refresh_from_db()
    bilan = None
    for type_, suite in suites:
        bilan = evaluation_enregistrer(
            evaluation=Evaluation(programme=programme, type=type_, date=date(2026, 11, 30), suite=suite),
            resultats=[EvaluationObjectif(objectif=objectif, atteinte="atteint")], auteur=psy,
        )
    return programme, bilan


@pytest.fixture
def boite(mailoutbox):
    """The e-mails sent (pytest-django's local memory backend)."""
    return mailoutbox
