"""The slots' occurrences: school days only, in the zone of the slot's school; what became of each."""

from datetime import date, time

import pytest

from aides.emploi_du_temps import EtatOccurrence, Occurrence, jours_du_creneau
from aides.selectors.emploi_du_temps import occurrences_de
from aides.services import aide_arreter_depart
from eleves.calendrier import Calendrier, Vacances
from tests.factories_aides import (
    AideFactory,
    CreneauFactory,
    DemandeAideFactory,
    GroupeFactory,
    MembreGroupeFactory,
)
from tests.factories_parcours import demande_aidee


class _Creneau:
    def __init__(self, jour, du, au, heure=time(9, 0), duree=45, pk=1):
        self.jour, self.du, self.au, self.heure, self.duree, self.pk = jour, du, au, heure, duree, pk


def test_un_creneau_saute_les_vacances_et_les_jours_feries():
    toussaint = Vacances("Vacances de la Toussaint", "A", date(2026, 10, 16), date(2026, 11, 2))
    calendrier = Calendrier([toussaint])
    # Every Wednesday from the rentrée to 18 November 2026: 11 November (armistice) and the two
    # Wednesdays of the Toussaint holidays are skipped.
    jours = jours_du_creneau(_Creneau(2, date(2026, 10, 1), date(2026, 11, 18)), date(2026, 9, 1),
                             date(2026, 12, 31), calendrier)
    assert jours == [date(2026, 10, 7), date(2026, 10, 14), date(2026, 11, 4), date(2026, 11, 18)]


def test_l_etat_d_une_occurrence_suit_ce_qui_a_ete_note():
    creneau = _Creneau(0, date(2026, 11, 2), date(2026, 12, 18))
    passee = Occurrence(creneau, date(2026, 11, 30))
    assert passee.etat(date(2026, 12, 1)) == EtatOccurrence.A_NOTER
    assert passee.etat(date(2026, 11, 30)) == EtatOccurrence.A_VENIR
    assert Occurrence(creneau, date(2026, 11, 30), seance=object()).etat(date(2026, 12, 1)) == EtatOccurrence.NOTEE
    assert Occurrence(creneau, date(2026, 11, 30), non_tenu=object()).etat(date(2026, 12, 1)) == \
        EtatOccurrence.NON_TENUE


@pytest.mark.django_db
def test_occurrences_en_nombre_de_requetes_fixe(monde, django_assert_max_num_queries):
    maitre_e = monde["maitre_e"]
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aide = AideFactory(demande=demande, intervenant=maitre_e, en_cours=True)
    groupe = GroupeFactory(intervenant=maitre_e, ecole=demande.classe.ecole, nom="CP lecture")
    MembreGroupeFactory(groupe=groupe, aide=aide)
    for jour in range(5):
        CreneauFactory(groupe=groupe, jour=jour, heure=time(9, jour), du=date(2026, 11, 2), au=date(2026, 12, 18))
    with django_assert_max_num_queries(4):
        semaine = occurrences_de(maitre_e, date(2026, 11, 30), date(2026, 12, 4))
    assert [o.date.weekday() for o in semaine] == [0, 1, 2, 3, 4]


@pytest.mark.django_db
def test_un_eleve_dont_l_aide_se_termine_quitte_ses_groupes(monde):
    maitre_e = monde["maitre_e"]
    demande = demande_aidee(eleve=monde.eleve_a1, auteur=monde["enseignant"], intervenants={"E": maitre_e})
    aide = demande.aides.get()
    groupe = GroupeFactory(intervenant=maitre_e, ecole=demande.classe.ecole)
    membre = MembreGroupeFactory(groupe=groupe, aide=aide)
    assert aide_arreter_depart(aide=aide, auteur=maitre_e, le=date.today())
    membre.refresh_from_db()
    assert membre.retire_le is not None
    assert membre.motif_retrait == "aide terminée"
