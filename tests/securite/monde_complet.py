"""A request at every stage, on each side of the world's borders.

``arranger_tout(monde)`` returns three « côtés », each a full set of objects in one school:
- ``A``: école A (secteur 1, Nord), the personas' own side;
- ``B``: école B (secteur 2, Nord), the side of ``enseignant_autre_ecole`` / ``rased_autre_secteur``;
- ``C``: école C (Sud), the side of ``autre_circonscription``.
Everything goes through aides/services.py, as in tests/aides/test_services_parcours.py.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from aides.enums import ActeConsentement, TypeAide
from aides.models import (
    ActionEquipe,
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Objectif,
    Programme,
    Reunion,
)
from aides.services import (
    aide_demarrer,
    conclusion_enregistrer,
    consentement_enregistrer,
    demande_decider,
    demande_enregistrer,
    demande_envoyer,
    demande_prendre_en_charge,
    evaluation_enregistrer,
    programme_creer,
    programme_valider,
    reunion_enregistrer,
)
from eleves.enums import Role
from eleves.models import DemandeAcces
from eleves.services import demande_acces_deposer
from tests.factories import PlanFactory, ResponsableLegalFactory, SecteurFactory, UtilisateurFactory


@dataclass
class Cote:
    ecole: object
    classe: object
    eleve: object
    responsable: object
    plan: object
    brouillon: DemandeAide  # a teacher's draft
    envoyee: DemandeAide  # sent, waiting for the RASED
    principale: DemandeAide  # aids E, G and psy decided and started
    attente: DemandeAide  # an aid E decided, waiting for the family's agreement
    aide_e: Aide
    aide_psy: Aide
    aide_attente: Aide
    programme: Programme  # version 1, validated
    programme_brouillon: Programme  # version 2, opened by the review
    evaluation: Evaluation
    conclusion: ConclusionPsy
    reunion: Reunion
    action: ActionEquipe
    acces: DemandeAcces  # a family's right of access, psychological part not released


def _accord(demande, acte, auteur, jour):
    consentement_enregistrer(demande=demande, auteur=auteur, consentement=Consentement(
        acte=acte, accorde=True, date=jour, titulaires="deux", forme="ecrit"))


def arranger(*, ecole, classe, eleve, enseignant, maitre_e, maitre_g, psy) -> Cote:
    jour = timezone.localdate()

    def demande(envoyer=True):
        d = demande_enregistrer(demande=DemandeAide(
            domaines=["1.1"], difficultes="Lecture très lente.", famille_informee_le=jour - timedelta(days=30),
            famille_informee_par="rencontre"), auteur=enseignant, eleve=eleve)
        if envoyer:
            demande_envoyer(demande=d, auteur=enseignant)
            d.refresh_from_db()
        return d

    brouillon = demande(envoyer=False)
    envoyee = demande()

    principale = demande()
    demande_prendre_en_charge(demande=principale, auteur=maitre_e, referent=maitre_e)
    demande_decider(demande=principale, auteur=maitre_e, decision="aide", motif="Décodage.",
                    intervenants={TypeAide.E: maitre_e, TypeAide.G: maitre_g, TypeAide.PSY: psy})
    principale.refresh_from_db()
    _accord(principale, ActeConsentement.AIDE_E_G, maitre_e, jour - timedelta(days=25))
    _accord(principale, ActeConsentement.PSY, psy, jour - timedelta(days=25))
    aide_e = Aide.objects.get(demande=principale, type=TypeAide.E)
    aide_psy = Aide.objects.get(demande=principale, type=TypeAide.PSY)
    for aide in principale.aides.all():
        aide_demarrer(aide=aide, auteur=aide.intervenant, debut=jour - timedelta(days=20))
    aide_e.refresh_from_db()
    aide_psy.refresh_from_db()

    programme = programme_creer(aide=aide_e, auteur=maitre_e, programme=Programme(
        modalite="petit_groupe", date_debut=jour - timedelta(days=20)))
    Objectif.objects.create(programme=programme, domaine="1.1", intitule="Décoder les syllabes simples",
                            critere="Lit 20 syllabes en une minute", responsable="Maître E")
    programme_valider(programme=programme, auteur=maitre_e)
    programme.refresh_from_db()
    evaluation = evaluation_enregistrer(
        evaluation=Evaluation(programme=programme, type="intermediaire", date=jour - timedelta(days=2),
                              suite="renouvellement"),
        resultats=[EvaluationObjectif(objectif=programme.objectifs.get(), atteinte="partiel")],
        auteur=maitre_e,
    )
    programme.refresh_from_db()
    programme_brouillon = aide_e.programmes.get(version=2)
    conclusion = conclusion_enregistrer(aide=aide_psy, auteur=psy, conclusion=ConclusionPsy(
        date=jour - timedelta(days=1), texte="Anxiété de performance.", partagee=False))
    reunion = reunion_enregistrer(
        demande=principale, auteur=maitre_e, participants=[maitre_e, enseignant], externes=[("Mme X", "mère")],
        reunion=Reunion(type="equipe_educative", date=timezone.now() - timedelta(days=3), lieu="Salle",
                        compte_rendu="CR."),
    )

    attente = demande()
    demande_decider(demande=attente, auteur=maitre_e, decision="aide", motif="Numération.",
                    intervenants={TypeAide.E: maitre_e})
    attente.refresh_from_db()
    aide_attente = Aide.objects.get(demande=attente)

    action = ActionEquipe.objects.create(ecole=ecole, auteur=maitre_e, date=jour - timedelta(days=5),
                                         public="Cycle 2", theme="Fluence", duree=60)
    responsable = ResponsableLegalFactory(eleve=eleve)
    acces = demande_acces_deposer(eleve=eleve, auteur=enseignant, responsable=responsable, recue_le=jour)
    return Cote(
        ecole=ecole, classe=classe, eleve=eleve,
        responsable=responsable, plan=PlanFactory(eleve=eleve),
        brouillon=brouillon, envoyee=envoyee, principale=principale, attente=attente,
        aide_e=aide_e, aide_psy=aide_psy, aide_attente=aide_attente,
        programme=programme, programme_brouillon=programme_brouillon, evaluation=evaluation,
        conclusion=conclusion, reunion=reunion, action=action, acces=acces,
    )


def arranger_tout(monde) -> dict[str, Cote]:
    nord, sud = monde.nord, monde.sud

    def membre(username, role, circonscription, secteur):
        return UtilisateurFactory(username=username, role=role, circonscription=circonscription, secteur=secteur)

    cote_a = arranger(
        ecole=monde.ecole_a, classe=monde.classe_a1, eleve=monde.eleve_a1, enseignant=monde["enseignant"],
        maitre_e=monde["maitre_e"], maitre_g=monde["maitre_g"], psy=monde["psychologue"],
    )
    cote_b = arranger(
        ecole=monde.ecole_b, classe=monde.classe_b1, eleve=monde.eleve_b1,
        enseignant=monde["enseignant_autre_ecole"], maitre_e=monde["rased_autre_secteur"],
        maitre_g=membre("maitre-g-2", Role.MAITRE_G, nord, monde.secteur_2),
        psy=membre("psychologue-2", Role.PSYCHOLOGUE, nord, monde.secteur_2),
    )
    secteur_sud = SecteurFactory(circonscription=sud, nom="Secteur Sud", ecoles=[monde.ecole_c])
    enseignant_sud = UtilisateurFactory(username="enseignant-sud", role=Role.ENSEIGNANT, circonscription=sud)
    monde.classe_c1.enseignants.add(enseignant_sud)
    cote_c = arranger(
        ecole=monde.ecole_c, classe=monde.classe_c1, eleve=monde.eleve_c1, enseignant=enseignant_sud,
        maitre_e=membre("maitre-e-sud", Role.MAITRE_E, sud, secteur_sud),
        maitre_g=membre("maitre-g-sud", Role.MAITRE_G, sud, secteur_sud),
        psy=membre("psychologue-sud", Role.PSYCHOLOGUE, sud, secteur_sud),
    )
    return {"A": cote_a, "B": cote_b, "C": cote_c}
