"""Retention: ``manage.py purge`` deletes the files past their time, and leaves no name behind."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from aides.enums import EtatDemande
from aides.models import (
    Aide,
    DemandeAide,
    Evaluation,
    HistoriqueDemande,
    PresenceSeance,
    Programme,
    Seance,
)
from eleves.enums import Role
from eleves.models import Eleve, JournalAcces, annee_courante_debut
from tests.factories import (
    AnneeScolaireFactory,
    CirconscriptionFactory,
    ClasseFactory,
    EcoleFactory,
    EleveFactory,
    InscriptionFactory,
    PlanFactory,
    ResponsableLegalFactory,
    UtilisateurFactory,
)
from tests.factories_aides import (
    ActionProgrammeFactory,
    AideFactory,
    ConclusionPsyFactory,
    ConsentementFactory,
    DemandeAideFactory,
    EvaluationFactory,
    EvaluationObjectifFactory,
    HistoriqueDemandeFactory,
    NotificationFactory,
    ObjectifFactory,
    ObservationFactory,
    ParticipantExterneFactory,
    PresenceSeanceFactory,
    ProgrammeFactory,
    ReunionFactory,
    SeanceFactory,
)

C = annee_courante_debut()


def _jour(debut: int) -> date:
    """A day in the middle of the school year ``debut``."""
    return date(debut + 1, 3, 10)


def _moment(debut: int) -> datetime:
    return timezone.make_aware(datetime(debut + 1, 3, 10, 10, 0))


@pytest.fixture
def monde_retention(db):
    nord = CirconscriptionFactory(nom="Retention Nord")
    ecole = EcoleFactory(circonscription=nord)
    enseignant = UtilisateurFactory(role=Role.ENSEIGNANT, circonscription=nord)
    maitre_e = UtilisateurFactory(role=Role.MAITRE_E, circonscription=nord)
    psy = UtilisateurFactory(role=Role.PSYCHOLOGUE, circonscription=nord)
    classes = {
        d: ClasseFactory(ecole=ecole, annee=AnneeScolaireFactory(debut=d), nom=f"CE1 {d}", niveaux=["CE1"])
        for d in range(C - 5, C + 1)
    }

    def eleve(nom, annees):
        e = EleveFactory(circonscription=nord, nom=nom, prenom=f"P{nom}")
        for d in annees:
            InscriptionFactory(eleve=e, classe=classes[d])
        ResponsableLegalFactory(eleve=e, nom=nom, prenom="Parent", email=f"{nom.lower()}@example.org")
        PlanFactory(eleve=e, type="PAP", date_debut=_jour(annees[0]))
        return e

    def demande(e, d, *, texte=True):
        dem = DemandeAideFactory(
            eleve=e, classe=classes[d], auteur=enseignant, etat=EtatDemande.AIDE_DECIDEE, decision="aide",
            difficultes=f"{e.nom} lit lentement.", points_appui=f"{e.prenom} aime dessiner.",
            famille_informee_le=_jour(d),
        )
        HistoriqueDemandeFactory(demande=dem, auteur=enseignant, de="brouillon", vers="envoyee")
        NotificationFactory(destinataire=maitre_e, demande=dem, message="Nouvelle demande")
        ObservationFactory(demande=dem, auteur=maitre_e, type="dialogue", date=_jour(d),
                           contenu=f"Entretien avec {e.prenom} {e.nom}.")
        ConsentementFactory(demande=dem, acte="aide_e_g", date=_jour(d), commentaire=f"Mme {e.nom} d'accord",
                            enregistre_par=maitre_e)
        reunion = ReunionFactory(demande=dem, type="famille", date=_moment(d), compte_rendu=f"{e.nom} progresse.",
                                 auteur=maitre_e, participants=[maitre_e])
        ParticipantExterneFactory(reunion=reunion, nom=f"Mme {e.nom}", qualite="mère")
        return dem

    def aide(dem, d_fin, *, type_="E", intervenant=maitre_e):
        a = AideFactory(demande=dem, type=type_, intervenant=intervenant,
                        etat="terminee" if d_fin is not None else "en_cours",
                        debut=_jour(d_fin if d_fin is not None else C - 1) - timedelta(days=60),
                        fin=_jour(d_fin) if d_fin is not None else None)
        prog = ProgrammeFactory(aide=a, date_debut=a.debut, date_revision=a.debut + timedelta(days=50),
                                redige_par=maitre_e, avis_famille=f"La famille {dem.eleve.nom} est d'accord.")
        obj = ObjectifFactory(programme=prog, intitule=f"{dem.eleve.prenom} décode", critere="20 syllabes",
                              responsable="Maître E")
        ActionProgrammeFactory(programme=prog, acteur="famille", description=f"Lire avec {dem.eleve.prenom}")
        ev = EvaluationFactory(programme=prog, type="finale", date=a.debut + timedelta(days=50), auteur=maitre_e,
                               suite="arret", synthese=f"{dem.eleve.nom} a progressé.")
        EvaluationObjectifFactory(evaluation=ev, objectif=obj, atteinte="atteint",
                                  commentaire=f"{dem.eleve.prenom} réussit.")
        return a

    # Six school years, small numbers. Retention 1 year: files last seen before C-1 go.
    e1 = eleve("Zorglub", [C - 5])                       # aid ended in C-5: purged
    a1 = aide(demande(e1, C - 5), C - 5)
    e2 = eleve("Quetzal", [C - 4, C - 3])                # aids ended in C-3, psy conclusion: purged
    d2 = demande(e2, C - 3)
    a2 = aide(d2, C - 3)
    a2psy = aide(d2, C - 3, type_="psy", intervenant=psy)
    ConclusionPsyFactory(aide=a2psy, date=_jour(C - 3), texte="Quetzal va mieux.")
    e3 = eleve("Wombatix", [C - 2])                      # request without aid, last active in C-2: purged
    d3 = demande(e3, C - 2)
    e4 = eleve("Kiwano", [C - 2])                        # aid ended in C-1: kept
    a4 = aide(demande(e4, C - 2), C - 1)
    e5 = eleve("Yuzuka", [C - 5, C - 4, C - 3])          # aid still running: kept
    aide(demande(e5, C - 3), None)
    e6 = eleve("Tamarix", [C - 4, C])                    # enrolled this year: kept
    aide(demande(e6, C - 4), C - 4)
    e7 = eleve("Pomelox", [C - 1])                       # left last year, no request: kept
    e8 = eleve("Mirabox", [C - 3])                       # left in C-3, no request: purged

    # A group session with a purged and a kept pupil stays; a session of purged pupils only goes.
    partagee = SeanceFactory(intervenant=maitre_e, date=_jour(C - 5), duree=45, contenu="Phonologie")
    PresenceSeanceFactory(seance=partagee, aide=a1, observation="Zorglub attentif")
    PresenceSeanceFactory(seance=partagee, aide=a4, observation="Participe")
    seule = SeanceFactory(intervenant=maitre_e, date=_jour(C - 3), duree=30, contenu="Quetzal : lecture")
    PresenceSeanceFactory(seance=seule, aide=a2)

    # Requests' automatic timestamps are today's: date them to the year they belong to.
    for dem in DemandeAide.objects.all():
        DemandeAide.objects.filter(pk=dem.pk).update(modifie_le=_moment(dem.classe.annee.debut))
    HistoriqueDemande.objects.update(le=_moment(C - 2))
    HistoriqueDemande.objects.filter(demande__eleve__in=[e1, e2]).update(le=_moment(C - 4))
    HistoriqueDemande.objects.filter(demande__eleve=e4).update(le=_moment(C - 2))

    # The access log: recent entries for a purged and a kept pupil, and old ones.
    recent = timezone.now() - timedelta(days=10)
    vieux = timezone.now() - timedelta(days=400)
    for e, quand in ((e1, recent), (e4, recent), (e4, vieux), (None, vieux), (None, recent)):
        entree = JournalAcces.objects.create(utilisateur=maitre_e, action="consultation", objet="Fiche", eleve=e)
        JournalAcces._base_manager.filter(pk=entree.pk).update(le=quand)
    return {
        "purges": [e1, e2, e3, e8], "gardes": [e4, e5, e6, e7],
        "seance_partagee": partagee, "seance_seule": seule, "d3": d3,
    }


def _comptes() -> dict:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()}


def _occurrences(noms: list[str]) -> list[tuple[str, str, str]]:
    """Every text value of every table (and the change history) containing one of ``noms``."""
    trouves = []
    for modele in apps.get_models():
        champs = [f.name for f in modele._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        if modele is LogEntry:
            champs = sorted(set(champs) | {"object_repr", "changes"})
        if not champs:
            continue
        for ligne in modele._base_manager.values_list(*champs):
            for champ, valeur in zip(champs, ligne, strict=True):
                texte = str(valeur).lower()
                trouves += [(modele._meta.label, champ, nom) for nom in noms if nom.lower() in texte]
    return trouves


def _purge(*args) -> str:
    sortie = StringIO()
    call_command("purge", *args, stdout=sortie)
    return sortie.getvalue()


def test_purge_supprime_les_dossiers_echus_et_aucun_nom_ne_reste(monde_retention, preuve):
    purges, gardes = monde_retention["purges"], monde_retention["gardes"]
    noms = [e.nom for e in purges]
    assert LogEntry.objects.filter(object_repr__icontains="Zorglub").exists()  # history was recorded
    occurrences_avant = _occurrences(noms)
    assert len(occurrences_avant) > 10

    avant = _comptes()
    sortie = _purge("--dry-run")
    assert _comptes() == avant
    assert "Simulation" in sortie and "Dossiers d'élèves seraient supprimés : 4" in sortie

    sortie = _purge()
    assert "Dossiers d'élèves supprimés : 4" in sortie
    assert "demandes d'aide : 3" in sortie
    assert set(Eleve.objects.values_list("pk", flat=True)) == {e.pk for e in gardes}
    assert _occurrences(noms) == []

    # The kept pupils are whole.
    for e in gardes:
        assert e.inscriptions.exists() and e.responsables.exists() and e.plans.exists()
    assert DemandeAide.objects.count() == 3 and Aide.objects.count() == 3
    assert Programme.objects.count() == 3 and Evaluation.objects.count() == 3
    assert LogEntry.objects.filter(object_repr__icontains="Kiwano").exists()
    # The shared session stays with the kept pupil's presence; the purged pupils' own session went.
    assert Seance.objects.filter(pk=monde_retention["seance_partagee"].pk).exists()
    assert not Seance.objects.filter(pk=monde_retention["seance_seule"].pk).exists()
    assert PresenceSeance.objects.get().aide.eleve == gardes[0]
    # Access log: the purged pupil's entries and every entry older than 12 months are gone.
    assert JournalAcces._base_manager.count() == 2
    assert set(JournalAcces._base_manager.values_list("eleve", flat=True)) == {gardes[0].pk, None}
    assert not JournalAcces._base_manager.filter(le__lt=timezone.now() - timedelta(days=366)).exists()

    preuve(f"[conservation] élèves semés sur six ans : {len(purges) + len(gardes)}, purgés : {len(purges)}, "
           f"occurrences de leurs noms avant : {len(occurrences_avant)}, après : {len(_occurrences(noms))}")

    apres = _comptes()
    sortie = _purge()
    assert "Dossiers d'élèves supprimés : 0" in sortie and "Rien à supprimer." in sortie
    assert _comptes() == apres


def test_duree_de_conservation_configurable(monde_retention, settings):
    settings.RETENTION_ANNEES_SCOLAIRES = 3
    _purge()
    # With three years, only files last seen before C-3 go: Zorglub (C-5).
    assert not Eleve.objects.filter(nom="Zorglub").exists()
    assert Eleve.objects.filter(nom__in=["Quetzal", "Wombatix", "Mirabox", "Kiwano"]).count() == 4
