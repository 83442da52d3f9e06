"""The tests' factories keep their promise: rows derived from the pupil and nothing else, and the
workflow helpers leave what the services leave (history, notifications)."""

import pytest

from aides.enums import EtatAide, EtatDemande, EtatProgramme, TypeAide
from aides.models import Consentement, HistoriqueDemande, Notification
from tests.factories_aides import (
    AideFactory,
    DemandeAideFactory,
    EvaluationFactory,
    ObjectifFactory,
    ObservationFactory,
    ProgrammeFactory,
    SeanceFactory,
)
from tests.factories_parcours import bilan, demande_aidee, programme_valide


def test_demande_prend_classe_niveau_et_circonscription_de_l_inscription_de_l_eleve(monde):
    demande = DemandeAideFactory(eleve=monde.eleve_a2, auteur=monde["directeur"], envoyee=True)
    assert (demande.classe, demande.niveau, demande.circonscription) == (monde.classe_a2, "CM1", monde.nord)
    assert demande.etat == EtatDemande.ENVOYEE and demande.envoyee_le is not None


def test_demande_d_une_annee_passee_prend_le_niveau_de_cette_classe(monde):
    demande = DemandeAideFactory(eleve=monde.eleve_ancien, classe=monde.classe_a_annee_passee,
                                 auteur=monde["enseignant"])
    assert demande.niveau == "CP"


@pytest.mark.parametrize("manque", ["eleve", "auteur"])
def test_demande_sans_eleve_ou_sans_auteur_refusee(monde, manque):
    champs = {"eleve": monde.eleve_a1, "auteur": monde["enseignant"]}
    del champs[manque]
    with pytest.raises(TypeError, match=f"Indiquez {manque}="):
        DemandeAideFactory(**champs)


def test_demande_d_un_eleve_inscrit_nulle_part_cette_annee_refusee(monde):
    with pytest.raises(TypeError, match="inscrit"):
        DemandeAideFactory(eleve=monde.eleve_ancien, auteur=monde["enseignant"])


def test_lignes_sans_parcours_ni_notification(monde):
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], aide_decidee=True)
    aide = AideFactory(demande=demande, intervenant=monde["maitre_e"], en_cours=True)
    programme = ProgrammeFactory(aide=aide, valide=True)
    ObjectifFactory(programme=programme)
    EvaluationFactory(programme=programme)
    SeanceFactory(intervenant=monde["maitre_e"], aides=[aide])
    assert (aide.eleve, programme.redige_par, programme.valide_par) == (
        monde.eleve_a1, monde["maitre_e"], monde["maitre_e"])
    assert programme.instantane is None and aide.presences.count() == 1
    assert not HistoriqueDemande.objects.exists() and not Notification.objects.exists()


def test_observation_d_un_psychologue_confidentielle_comme_par_le_service(monde):
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    assert ObservationFactory(demande=demande, auteur=monde["psychologue"]).confidentielle
    assert not ObservationFactory(demande=demande, auteur=monde["maitre_e"]).confidentielle


def test_parcours_laisse_historique_notifications_et_accords(monde):
    e, psy = monde["maitre_e"], monde["psychologue"]
    demande = demande_aidee(eleve=monde.eleve_a1, auteur=monde["enseignant"],
                            intervenants={TypeAide.E: e, TypeAide.PSY: psy})
    assert list(demande.historique.values_list("de", "vers")) == [
        ("brouillon", "envoyee"), ("envoyee", "aide_decidee")]
    assert Notification.objects.filter(destinataire=monde["enseignant"], demande=demande).count() == 1
    assert Notification.objects.filter(destinataire=e, demande=demande).count() == 1
    assert {a.etat for a in demande.aides.all()} == {EtatAide.EN_COURS}
    # Each act's agreement is recorded by the member of the aid that waits for it.
    assert dict(Consentement.objects.values_list("acte", "enregistre_par")) == {"aide_e_g": e.pk, "psy": psy.pk}

    programme = programme_valide(demande.aides.get(type=TypeAide.E), objectifs=["Lire", "Écrire"])
    assert programme.etat == EtatProgramme.VALIDE and programme.instantane is not None
    evaluation = bilan(programme, type="finale", suite="arret")
    assert evaluation.resultats.count() == 2
    assert demande.aides.get(type=TypeAide.E).etat == EtatAide.TERMINEE
