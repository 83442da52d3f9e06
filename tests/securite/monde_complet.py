"""A request at every stage, on each side of the world's borders.

``arranger_tout(monde)`` returns three « côtés », each a full set of objects in one school:
- ``A``: école A (secteur 1, Nord), the personas' own side;
- ``B``: école B (secteur 2, Nord), the side of ``enseignant_autre_ecole`` / ``rased_autre_secteur``;
- ``C``: école C (Sud), the side of ``autre_circonscription``.
Everything goes through the services (tests/factories_parcours.py) but the team action, a plain row.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from aides.enums import EtatImpression, GenreImpression, TypeAide
from aides.models import (
    ActionEquipe,
    Aide,
    ConclusionPsy,
    Creneau,
    CreneauNonTenu,
    DemandeAide,
    Evaluation,
    Groupe,
    MembreGroupe,
    Observation,
    Programme,
    Reunion,
    Seance,
    TravailImpression,
)
from eleves.enums import Role
from eleves.models import DemandeAcces, PeriodeVacances
from tests.factories import PlanFactory, ResponsableLegalFactory, SecteurFactory, UtilisateurFactory
from tests.factories_aides import ActionEquipeFactory, CreneauFactory, GroupeFactory, MembreGroupeFactory
from tests.factories_parcours import (
    acces_depose,
    aides_decidees,
    aides_en_cours,
    bilan,
    conclusion_ecrite,
    demande_deposee,
    observation_notee,
    programme_valide,
    reunion_tenue,
    seance_notee,
)


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
    seance: Seance  # the maître E's session with the pupil of the E aid
    observation: Observation  # the maître E's note on the main request
    acces: DemandeAcces  # a family's right of access, psychological part not released
    groupe: Groupe  # the maître E's group with the pupil of the E aid
    membre: MembreGroupe  # that pupil in the group
    creneau: Creneau  # the group's weekly slot
    jour_libre: str  # a past day of the slot, nothing recorded (ISO date)
    jour_non_tenu: str  # a past day of the slot, marked « non tenue » (ISO date)
    impression: TravailImpression  # the teacher's batch print of the pupil's fiche, finished


def arranger(*, ecole, classe, eleve, enseignant, maitre_e, maitre_g, psy) -> Cote:
    jour = timezone.localdate()

    def demande(envoyer=True):
        return demande_deposee(eleve=eleve, auteur=enseignant, envoyer=envoyer,
                               famille_informee_le=jour - timedelta(days=30))

    brouillon = demande(envoyer=False)
    envoyee = demande()

    principale = demande()
    aides = aides_en_cours(principale, {TypeAide.E: maitre_e, TypeAide.G: maitre_g, TypeAide.PSY: psy},
                           referent=maitre_e, motif="Décodage.", accord_le=jour - timedelta(days=25),
                           debut=jour - timedelta(days=20))
    aide_e, aide_psy = aides[TypeAide.E], aides[TypeAide.PSY]

    programme = programme_valide(aide_e)
    evaluation = bilan(programme, date=jour - timedelta(days=2), suite="renouvellement",
                       resultat={"atteinte": "partiel"})
    programme.refresh_from_db()
    programme_brouillon = aide_e.programmes.get(version=2)
    conclusion = conclusion_ecrite(aide_psy, date=jour - timedelta(days=1), texte="Anxiété de performance.")
    reunion = reunion_tenue(principale, auteur=maitre_e, participants=[maitre_e, enseignant],
                            externes=[("Mme X", "mère")], date=timezone.now() - timedelta(days=3), lieu="Salle",
                            compte_rendu="CR.")

    attente = demande()
    aide_attente = aides_decidees(attente, {TypeAide.E: maitre_e}, motif="Numération.")[TypeAide.E]

    action = ActionEquipeFactory(ecole=ecole, auteur=maitre_e, date=jour - timedelta(days=5), public="Cycle 2",
                                 theme="Fluence", duree=60)
    seance = seance_notee(maitre_e, [aide_e], date=jour - timedelta(days=4))
    observation = observation_notee(principale, auteur=maitre_e, date=jour - timedelta(days=6))
    responsable = ResponsableLegalFactory(eleve=eleve)
    acces = acces_depose(eleve, auteur=enseignant, responsable=responsable, recue_le=jour)
    groupe = GroupeFactory(intervenant=maitre_e, ecole=ecole, nom="Lecture")
    membre = MembreGroupeFactory(groupe=groupe, aide=aide_e)
    calendrier = PeriodeVacances.objects.calendrier(ecole.circonscription.zone)
    jour_libre = calendrier.jour_d_ecole_precedent(jour - timedelta(days=7))
    jour_non_tenu = jour_libre - timedelta(weeks=1)
    while not calendrier.est_jour_d_ecole(jour_non_tenu):
        jour_non_tenu -= timedelta(weeks=1)
    creneau = CreneauFactory(groupe=groupe, jour=jour_libre.weekday(), du=jour - timedelta(days=90),
                             au=jour + timedelta(days=60))
    CreneauNonTenu.objects.create(creneau=creneau, date=jour_non_tenu, motif="sortie", auteur=maitre_e)
    # A finished batch print as a plain row (rendering it is tests/aides/test_impressions.py's work).
    impression = TravailImpression.objects.create(
        demandeur=enseignant, genre=GenreImpression.FICHES_PAR_CLASSE, etat=EtatImpression.TERMINE, fait=1, total=1,
        parametres={"eleves": [eleve.pk], "imprimes": [eleve.pk]}, nom_fichier="fiches-de-suivi.pdf",
        fichier=default_storage.save("impressions/monde-complet.pdf", ContentFile(b"%PDF-1.7 monde complet")),
        expire_le=timezone.now() + timedelta(hours=48),
    )
    return Cote(
        ecole=ecole, classe=classe, eleve=eleve,
        responsable=responsable, plan=PlanFactory(eleve=eleve),
        brouillon=brouillon, envoyee=envoyee, principale=principale, attente=attente,
        aide_e=aide_e, aide_psy=aide_psy, aide_attente=aide_attente,
        programme=programme, programme_brouillon=programme_brouillon, evaluation=evaluation,
        conclusion=conclusion, reunion=reunion, action=action, seance=seance, observation=observation,
        acces=acces, groupe=groupe, membre=membre, creneau=creneau,
        jour_libre=jour_libre.isoformat(), jour_non_tenu=jour_non_tenu.isoformat(), impression=impression,
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
