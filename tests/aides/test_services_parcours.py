"""The workflow's moves, one service each: states, history, refusals in French, repeats harmless."""

from datetime import date

import pytest

from aides.enums import EtatAide, EtatDemande, EtatProgramme, TypeAide
from aides.models import (
    Aide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueDemande,
    Notification,
    Observation,
    Programme,
)
from aides.services import (
    ActionRefusee,
    aide_demarrer,
    demande_decider,
    demande_prendre_en_charge,
    evaluation_enregistrer,
    observation_ajouter,
    programme_enregistrer,
    programme_nouvelle_version,
    programme_valider,
)
from tests.factories_parcours import accord, aide_en_cours, aides_decidees, programme_valide


def _aide_e_en_cours(monde, demande):
    maitre_e = monde["maitre_e"]
    return aide_en_cours(demande, TypeAide.E, maitre_e, referent=maitre_e, motif="Difficultés de décodage.",
                         accord_le=date(2026, 11, 10), debut=date(2026, 11, 16))


def test_prise_en_charge_nomme_le_referent_et_trace_l_etape(monde, demande_envoyee):
    assert demande_prendre_en_charge(demande=demande_envoyee, auteur=monde["maitre_g"], referent=monde["maitre_e"])
    demande_envoyee.refresh_from_db()
    assert demande_envoyee.etat == EtatDemande.EN_ANALYSE
    assert demande_envoyee.referent == monde["maitre_e"]
    etape = HistoriqueDemande.objects.get()
    assert (etape.de, etape.vers, etape.auteur) == ("envoyee", "en_analyse", monde["maitre_g"])
    assert not demande_prendre_en_charge(
        demande=demande_envoyee, auteur=monde["maitre_g"], referent=monde["maitre_e"])
    assert HistoriqueDemande.objects.count() == 1


def test_referent_hors_secteur_refuse(monde, demande_envoyee):
    with pytest.raises(ActionRefusee, match="secteur"):
        demande_prendre_en_charge(demande=demande_envoyee, auteur=monde["maitre_e"],
                                  referent=monde["rased_autre_secteur"])


def test_observation_du_psychologue_confidentielle(monde, demande_envoyee):
    observation = observation_ajouter(demande=demande_envoyee, auteur=monde["psychologue"], observation=Observation(
        type="dialogue", date=date(2026, 11, 12), contenu="Entretien : anxiété de performance."))
    assert observation.confidentielle
    assert list(Observation.objects.visibles_par(monde["psychologue"])) == [observation]
    for persona in ("maitre_e", "maitre_g", "directeur", "enseignant", "circonscription", "admin"):
        assert not Observation.objects.visibles_par(monde[persona]).exists(), persona


def test_bilan_psychologique_refuse_sans_accord_des_parents(monde, demande_envoyee):
    bilan = Observation(type="bilan", date=date(2026, 11, 12), contenu="WISC")
    with pytest.raises(ActionRefusee, match="accord des parents"):
        observation_ajouter(demande=demande_envoyee, auteur=monde["psychologue"], observation=bilan)
    accord(demande_envoyee, "psy", auteur=monde["psychologue"], date=date(2026, 11, 10))
    assert observation_ajouter(demande=demande_envoyee, auteur=monde["psychologue"], observation=bilan).pk


def test_decision_cree_les_aides_et_previent_l_enseignant(monde, demande_envoyee):
    demande_decider(demande=demande_envoyee, auteur=monde["maitre_e"], decision="aide", motif="Décodage.",
                    intervenants={TypeAide.E: monde["maitre_e"], TypeAide.PSY: monde["psychologue"]})
    demande_envoyee.refresh_from_db()
    assert demande_envoyee.etat == EtatDemande.AIDE_DECIDEE
    assert set(Aide.objects.values_list("type", flat=True)) == {"E", "psy"}
    assert Notification.objects.get().destinataire == monde["enseignant"]


def test_decision_sans_motif_ou_mauvais_intervenant_refusee(monde, demande_envoyee):
    with pytest.raises(ActionRefusee, match="motif"):
        demande_decider(demande=demande_envoyee, auteur=monde["maitre_e"], decision="conseil", motif=" ",
                        intervenants={})
    with pytest.raises(ActionRefusee, match="ne peut pas mener"):
        demande_decider(demande=demande_envoyee, auteur=monde["maitre_e"], decision="aide", motif="x",
                        intervenants={TypeAide.G: monde["maitre_e"]})
    assert not Aide.objects.exists()


def test_autre_reponse_puis_seconde_decision_refusee(monde, demande_envoyee):
    demande_decider(demande=demande_envoyee, auteur=monde["maitre_e"], decision="conseil",
                    motif="Pistes de différenciation proposées.", intervenants={})
    demande_envoyee.refresh_from_db()
    assert demande_envoyee.etat == EtatDemande.AUTRE_REPONSE
    with pytest.raises(ActionRefusee, match="déjà été prise"):
        demande_decider(demande=demande_envoyee, auteur=monde["maitre_e"], decision="aide", motif="x",
                        intervenants={TypeAide.E: monde["maitre_e"]})


@pytest.mark.parametrize("type_aide, acte, message", [
    (TypeAide.E, "aide_e_g", "accord de la famille"),
    (TypeAide.PSY, "psy", "Aucun suivi psychologique"),
])
def test_aide_ne_demarre_pas_sans_accord(monde, demande_envoyee, type_aide, acte, message):
    membre = monde["maitre_e"] if type_aide == TypeAide.E else monde["psychologue"]
    aide = aides_decidees(demande_envoyee, {type_aide: membre}, motif="x")[type_aide]
    with pytest.raises(ActionRefusee, match=message):
        aide_demarrer(aide=aide, auteur=membre, debut=date(2026, 11, 16))
    accord(demande_envoyee, acte, auteur=membre, accorde=False, date=date(2026, 11, 10))
    aide.refresh_from_db()
    assert aide.etat == EtatAide.TERMINEE  # a refusal ends the aid that depended on it
    aide.etat = EtatAide.A_DEMARRER
    aide.save()
    accord(demande_envoyee, acte, auteur=membre, date=date(2026, 11, 12))
    assert aide_demarrer(aide=aide, auteur=membre, debut=date(2026, 11, 16))
    assert not aide_demarrer(aide=aide, auteur=membre, debut=date(2026, 11, 16))


def test_programme_valide_non_modifiable_et_nouvelle_version(monde, demande_envoyee):
    aide = _aide_e_en_cours(monde, demande_envoyee)
    programme = programme_valide(aide)
    assert programme.date_revision == date(2027, 1, 4)  # one période (7 weeks) by default
    programme.avis_famille = "Changé après coup"
    with pytest.raises(ActionRefusee, match="nouvelle version"):
        programme_enregistrer(programme=programme, revision_lue=programme.revision)

    v2 = programme_nouvelle_version(programme=programme, auteur=monde["maitre_e"], debut=date(2027, 1, 4))
    assert (v2.version, v2.etat) == (2, EtatProgramme.BROUILLON)
    assert list(v2.objectifs.values_list("intitule", flat=True)) == ["Décoder les syllabes simples"]
    programme_valider(programme=v2, auteur=monde["maitre_e"])
    programme.refresh_from_db()
    assert programme.etat == EtatProgramme.REMPLACE
    assert programme.objectifs.count() == 1  # the old version stays readable


def test_deux_enregistrements_concurrents_le_second_est_refuse(monde, demande_envoyee):
    aide = _aide_e_en_cours(monde, demande_envoyee)
    programme = programme_valide(aide, modalite="individuel", objectifs=(), valider=False)
    premier = Programme.objects.get(pk=programme.pk)
    second = Programme.objects.get(pk=programme.pk)
    premier.avis_eleve = "Content de venir"
    programme_enregistrer(programme=premier, revision_lue=0)
    second.avis_famille = "D'accord"
    with pytest.raises(ActionRefusee, match="modifié par quelqu'un d'autre"):
        programme_enregistrer(programme=second, revision_lue=0)
    programme.refresh_from_db()
    assert programme.avis_eleve == "Content de venir"


def test_evaluation_finale_arret_termine_l_aide_et_cloture(monde, demande_envoyee):
    aide = _aide_e_en_cours(monde, demande_envoyee)
    programme = programme_valide(aide)
    objectif = programme.objectifs.get()
    with pytest.raises(ActionRefusee, match="chacun des objectifs"):
        evaluation_enregistrer(evaluation=Evaluation(programme=programme, type="finale", date=date(2027, 1, 4),
                                                     suite="arret"), resultats=[], auteur=monde["maitre_e"])
    evaluation_enregistrer(
        evaluation=Evaluation(programme=programme, type="finale", date=date(2027, 1, 4), suite="arret"),
        resultats=[EvaluationObjectif(objectif=objectif, atteinte="atteint", maitrise_debut="fragile",
                                      maitrise_actuelle="satisfaisante")],
        auteur=monde["maitre_e"],
    )
    aide.refresh_from_db()
    demande_envoyee.refresh_from_db()
    assert (aide.etat, aide.issue) == (EtatAide.TERMINEE, "arret")
    assert demande_envoyee.etat == EtatDemande.CLOTUREE
    assert Notification.objects.filter(destinataire=monde["enseignant"]).count() == 2


def test_evaluation_renouvellement_ouvre_une_nouvelle_version(monde, demande_envoyee):
    aide = _aide_e_en_cours(monde, demande_envoyee)
    programme = programme_valide(aide)
    evaluation_enregistrer(
        evaluation=Evaluation(programme=programme, type="intermediaire", date=date(2027, 1, 4),
                              suite="renouvellement"),
        resultats=[EvaluationObjectif(objectif=programme.objectifs.get(), atteinte="partiel")],
        auteur=monde["maitre_e"],
    )
    assert list(aide.programmes.values_list("version", "etat")) == [(2, "brouillon"), (1, "valide")]
    aide.refresh_from_db()
    assert aide.etat == EtatAide.EN_COURS


def test_programme_d_un_suivi_psy_lisible_des_seuls_psychologues(monde, demande_envoyee):
    psy = monde["psychologue"]
    aide = aides_decidees(demande_envoyee, {TypeAide.PSY: psy}, motif="x")[TypeAide.PSY]
    programme_valide(aide, valider=False, objectifs=(), modalite="individuel", date_debut=date(2026, 11, 16))
    assert Programme.objects.visibles_par(psy).count() == 1
    for persona in ("maitre_e", "maitre_g", "directeur", "enseignant", "circonscription", "admin"):
        assert not Programme.objects.visibles_par(monde[persona]).exists(), persona
    # The follow-up's existence is known to the teacher who filed the request and to the RASED;
    # not to the directeur of another teacher's request, nor to circonscription staff.
    for persona, nombre in (("enseignant", 1), ("maitre_e", 1), ("directeur", 0), ("circonscription", 0)):
        assert Aide.objects.visibles_par(monde[persona]).count() == nombre, persona
