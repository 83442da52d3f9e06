from datetime import date

import pytest

from aides.enums import EtatDemande
from aides.models import DemandeAide


@pytest.fixture
def demande_envoyee(monde):
    """A request of the teacher of CE1 A for Léa Petit, sent to the RASED of secteur 1."""
    return DemandeAide.objects.create(
        eleve=monde.eleve_a1, classe=monde.classe_a1, niveau="CE1", auteur=monde["enseignant"],
        etat=EtatDemande.ENVOYEE, domaines=["1.1"], difficultes="Lecture très lente.",
        famille_informee_le=date(2026, 11, 2), famille_informee_par="rencontre",
    )
