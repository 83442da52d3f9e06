"""Data the browser journeys start from, built through the services (as the app would)."""

from django.utils import timezone

from aides import services
from aides.enums import ActeConsentement, Decision, ModeInformation, TypeAide
from aides.models import Consentement, DemandeAide


def aide_en_cours(monde, eleve, type_aide, intervenant) -> DemandeAide:
    """A request for ``eleve`` filed by the directeur, answered by one aid of ``type_aide`` led by
    ``intervenant``, the family's agreement recorded, started today."""
    aujourd_hui = timezone.localdate()
    demande = DemandeAide(
        domaines=["1.1"], difficultes="Lecture hésitante.",
        famille_informee_le=aujourd_hui, famille_informee_par=ModeInformation.RENCONTRE,
    )
    services.demande_enregistrer(demande=demande, auteur=monde["directeur"], eleve=eleve)
    services.demande_envoyer(demande=demande, auteur=monde["directeur"])
    services.demande_decider(
        demande=demande, auteur=intervenant, decision=Decision.AIDE, motif="Aide décidée en synthèse.",
        intervenants={type_aide: intervenant},
    )
    acte = ActeConsentement.PSY if type_aide == TypeAide.PSY else ActeConsentement.AIDE_E_G
    services.consentement_enregistrer(demande=demande, auteur=intervenant, consentement=Consentement(
        acte=acte, accorde=True, date=aujourd_hui, titulaires="deux", forme="ecrit"))
    services.aide_demarrer(aide=demande.aides.get(), auteur=intervenant, debut=aujourd_hui)
    return demande
