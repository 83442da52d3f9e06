from datetime import date

import pytest

from tests.factories_aides import DemandeAideFactory


@pytest.fixture
def demande_envoyee(monde):
    """A request of the teacher of CE1 A for Léa Petit, sent to the RASED of secteur 1 (a row:
    no history, no notification)."""
    return DemandeAideFactory(
        eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True, difficultes="Lecture très lente.",
        famille_informee_le=date(2026, 11, 2), famille_informee_par="rencontre",
    )
