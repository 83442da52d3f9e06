"""Retention (DOMAIN.md, « Data is kept only as long as needed »): which pupils' files are due,
and their deletion with everything hanging from them, history and access log included.

When a file is due. A pupil's last school year is the later of:
- the last school year with an ``Inscription`` in the circonscription's schools (leaving);
- the school year of the end of their last aid (``Aide.fin``). An aid still running (``en_cours``
  without an end) keeps the file; an aid that never started, and a request without any aid, count
  by the request's last activity (its last change, its last step in the history).
The file is deleted once that year is more than ``RETENTION_ANNEES_SCOLAIRES`` school years before
the current one: with 1 (the default) during 2026-2027, a pupil last seen in 2024-2025 goes, one
last seen in 2025-2026 stays.

How. One transaction per pupil, children before parents (the foreign keys are PROTECT), the
change history (django-auditlog) switched off during the deletion, then the history rows of every
deleted object removed by content type and primary key, and the pupil's access-log entries purged
through ``JournalAcces.objects.purger()``, the only path allowed to delete them. Running it again
finds nothing to do.

The yearly statistics survive as aggregates: before anything is deleted, the activity report of
every past school year a due file touches is frozen (``aides.rapports.figer``, one
``StatistiqueAnnuelle`` per circonscription and year), and the report of that year reads the
frozen figures from then on. A simulation freezes nothing.

Not handled here: free text written elsewhere that may name the pupil (the content of a group
session kept for the other pupils, a team action's description, the reason given when a record
was deleted: ``Suppression.motif``, which names no pupil by its links).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from aides.enums import EtatAide
from aides.envois import envois_purger
from aides.models import (
    ActionProgramme,
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueDemande,
    Notification,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
    StatistiqueAnnuelle,
    TravailImpression,
)
from aides.rapports import figer
from eleves.models import Eleve, Inscription, JournalAcces, Plan, ResponsableLegal
from eleves.scolarite import annee_scolaire_de


@dataclass
class Bilan:
    """What a purge deleted (or would delete), by kind of record, in French."""

    eleves: list = field(default_factory=list)
    nombres: Counter = field(default_factory=Counter)
    # (circonscription, school year) whose yearly report is (or would be) frozen first.
    statistiques: list = field(default_factory=list)

    def ajouter(self, libelle: str, n: int) -> None:
        if n:
            self.nombres[libelle] += n


def _annee(jour) -> int | None:
    if jour is None:
        return None
    if isinstance(jour, datetime):
        jour = timezone.localtime(jour).date() if timezone.is_aware(jour) else jour.date()
    return annee_scolaire_de(jour)


def derniere_annee(eleve) -> int | None:
    """The pupil's last school year of presence or aid; None while an aid is running."""
    annees = []
    annees.append(Inscription.objects.filter(eleve=eleve).aggregate(m=Max("annee__debut"))["m"])
    demandes_avec_aide_terminee = set()
    for demande_id, etat, fin in Aide.objects.filter(eleve=eleve).values_list("demande_id", "etat", "fin"):
        if fin is not None:
            annees.append(_annee(fin))
            demandes_avec_aide_terminee.add(demande_id)
        elif etat == EtatAide.EN_COURS:
            return None
    for demande in DemandeAide.objects.filter(eleve=eleve).exclude(pk__in=demandes_avec_aide_terminee):
        annees.append(_annee(demande.modifie_le))
        dernier_pas = HistoriqueDemande.objects.filter(demande=demande).aggregate(m=Max("le"))["m"]
        annees.append(_annee(dernier_pas))
    connues = [a for a in annees if a is not None]
    # A file with neither enrolment nor request counts from its creation.
    return max(connues) if connues else _annee(eleve.cree_le)


def annee_limite(aujourd_hui: date | None = None) -> int:
    """Files whose last school year is before this one are due."""
    courante = annee_scolaire_de(aujourd_hui or timezone.localdate())
    return courante - settings.RETENTION_ANNEES_SCOLAIRES


def eleves_a_purger(aujourd_hui: date | None = None) -> list:
    limite = annee_limite(aujourd_hui)
    dus = []
    for eleve in Eleve.objects.order_by("pk"):
        annee = derniere_annee(eleve)
        if annee is not None and annee < limite:
            dus.append(eleve)
    return dus


def annees_du_dossier(eleve) -> set[int]:
    """The school years the pupil's rows count in (the yearly report): from the first to the
    last year of an enrolment, a request, an aid, a review, a meeting or a session."""
    bornes = [
        Inscription.objects.filter(eleve=eleve).aggregate(a=Min("annee__debut"), b=Max("annee__debut")),
        DemandeAide.objects.filter(eleve=eleve).aggregate(
            a=Min("classe__annee__debut"), b=Max("classe__annee__debut")),
    ]
    dates = [
        DemandeAide.objects.filter(eleve=eleve).aggregate(
            a=Min("cree_le"), b=Max("decidee_le"), c=Max("modifie_le")),
        Aide.objects.filter(eleve=eleve).aggregate(a=Min("debut"), b=Max("fin"), c=Max("debut")),
        Evaluation.objects.filter(programme__aide__eleve=eleve).aggregate(a=Min("date"), b=Max("date")),
        Reunion.objects.filter(demande__eleve=eleve).aggregate(a=Min("date"), b=Max("date")),
        PresenceSeance.objects.filter(aide__eleve=eleve).aggregate(
            a=Min("seance__date"), b=Max("seance__date")),
    ]
    annees = [a for d in bornes for a in d.values() if a is not None]
    annees += [_annee(j) for d in dates for j in d.values() if j is not None]
    return set(range(min(annees), max(annees) + 1)) if annees else set()


def figer_statistiques(
    eleves, *, bilan: Bilan, simulation: bool = False, aujourd_hui: date | None = None
) -> None:
    """Freeze the yearly reports the deletion of these files would change (past years only)."""
    courante = annee_scolaire_de(aujourd_hui or timezone.localdate())
    par_circonscription: dict = {}
    for eleve in eleves:
        annees = {a for a in annees_du_dossier(eleve) if a < courante}
        par_circonscription.setdefault(eleve.circonscription, set()).update(annees)
    for circonscription, annees in par_circonscription.items():
        if simulation:
            deja = set(StatistiqueAnnuelle.objects.filter(circonscription=circonscription)
                       .values_list("debut", flat=True))
            bilan.statistiques += [(circonscription, a) for a in sorted(annees - deja)]
        else:
            with transaction.atomic():
                ecrites = figer(circonscriptions=[circonscription], annees=annees)
            bilan.statistiques += [(circonscription, a) for _, a in ecrites]


def _objets_du_dossier(eleve) -> list[tuple[str, object]]:
    """Every queryset of the pupil's file, children first: the order of deletion."""
    demandes = DemandeAide.objects.filter(eleve=eleve)
    aides = Aide.objects.filter(pk__in=set(Aide.objects.filter(eleve=eleve).values_list("pk", flat=True))
                                | set(Aide.objects.filter(demande__in=demandes).values_list("pk", flat=True)))
    programmes = Programme.objects.filter(aide__in=aides)
    evaluations = Evaluation.objects.filter(programme__in=programmes)
    presences = PresenceSeance.objects.filter(aide__in=aides)
    seances_ids = set(presences.values_list("seance_id", flat=True))
    return [
        ("présences aux séances", presences),
        # Sessions left with no pupil at all once this pupil's presences are gone.
        ("séances", Seance.objects.filter(pk__in=seances_ids).exclude(presences__aide__in=Aide.objects.exclude(
            pk__in=aides.values("pk")))),
        ("résultats d'évaluation", EvaluationObjectif.objects.filter(evaluation__in=evaluations)),
        ("évaluations", evaluations),
        ("objectifs", Objectif.objects.filter(programme__in=programmes)),
        ("actions de programme", ActionProgramme.objects.filter(programme__in=programmes)),
        ("programmes personnalisés", programmes),
        ("conclusions du psychologue", ConclusionPsy.objects.filter(aide__in=aides)),
        ("aides", aides),
        ("consentements", Consentement.objects.filter(demande__in=demandes)),
        ("participants externes", ParticipantExterne.objects.filter(reunion__demande__in=demandes)),
        ("réunions", Reunion.objects.filter(demande__in=demandes)),
        ("observations", Observation.objects.filter(demande__in=demandes)),
        ("étapes des demandes", HistoriqueDemande.objects.filter(demande__in=demandes)),
        ("notifications", Notification.objects.filter(demande__in=demandes)),
        ("demandes d'aide", demandes),
        ("plans", Plan.objects.filter(eleve=eleve)),
        ("responsables légaux", ResponsableLegal.objects.filter(eleve=eleve)),
        ("inscriptions", Inscription.objects.filter(eleve=eleve)),
        ("élèves", Eleve.objects.filter(pk=eleve.pk)),
    ]


def _historique_de(modele, pks) -> object:
    type_ = ContentType.objects.get_for_model(modele, for_concrete_model=False)
    return LogEntry.objects.filter(content_type=type_, object_pk__in=[str(pk) for pk in pks])


def purger_eleve(eleve, *, bilan: Bilan, simulation: bool = False) -> None:
    """Delete one pupil's file (or, in simulation, only count it)."""
    with transaction.atomic():
        journal = JournalAcces.objects.filter(eleve_id=eleve.pk)
        bilan.ajouter("entrées du journal des accès", journal.count() if simulation else journal.purger())
        historique = 0
        for libelle, qs in _objets_du_dossier(eleve):
            pks = list(qs.values_list("pk", flat=True))
            bilan.ajouter(libelle, len(pks))
            historique_qs = _historique_de(qs.model, pks)
            if simulation:
                historique += historique_qs.count()
                continue
            with disable_auditlog():
                qs.model._base_manager.filter(pk__in=pks).delete()
            historique += historique_qs.delete()[0] if pks else 0
        bilan.ajouter("entrées de l'historique des modifications", historique)
        bilan.eleves.append(eleve.pk)


def _mois_avant(moment: datetime, mois: int) -> datetime:
    total = moment.year * 12 + moment.month - 1 - mois
    annee, mois_0 = divmod(total, 12)
    jour = min(moment.day, 28)  # the same day, or the 28th: a few days' leeway is harmless here
    return moment.replace(year=annee, month=mois_0 + 1, day=jour)


def purger_journal(*, bilan: Bilan, simulation: bool = False, maintenant: datetime | None = None) -> None:
    avant = _mois_avant(maintenant or timezone.now(), settings.RETENTION_JOURNAL_MOIS)
    # In a simulation the due pupils' entries are still there: do not count them twice.
    anciennes = JournalAcces.objects.filter(le__lt=avant).exclude(eleve_id__in=bilan.eleves)
    bilan.ajouter("entrées anciennes du journal des accès", anciennes.count() if simulation else anciennes.purger())


def purger_impressions(*, bilan: Bilan, simulation: bool = False, maintenant: datetime | None = None) -> None:
    """Batch prints past their time (``IMPRESSIONS_CONSERVATION_HEURES``): the file, from the
    storage, then the job. A file already gone (deleted by hand) does not stop the rest."""
    expirees = TravailImpression.objects.filter(expire_le__lte=maintenant or timezone.now())
    if simulation:
        bilan.ajouter("impressions groupées expirées", expirees.count())
        return
    n = 0
    for travail in expirees.iterator():
        if travail.fichier:
            travail.fichier.delete(save=False)
        travail.delete()
        n += 1
    bilan.ajouter("impressions groupées expirées", n)


def purger(*, simulation: bool = False, aujourd_hui: date | None = None) -> Bilan:
    """The whole retention: due pupils' files, then access-log entries past their time."""
    bilan = Bilan()
    dus = eleves_a_purger(aujourd_hui)
    # Before any deletion: the past years' statistics must keep what these files counted.
    figer_statistiques(dus, bilan=bilan, simulation=simulation, aujourd_hui=aujourd_hui)
    for eleve in dus:
        purger_eleve(eleve, bilan=bilan, simulation=simulation)
    maintenant = timezone.make_aware(datetime.combine(aujourd_hui, time(12))) if aujourd_hui else None
    purger_journal(bilan=bilan, simulation=simulation, maintenant=maintenant)
    # The one-time keys of sent forms (aides.envois): needed only while a page may be sent again.
    bilan.ajouter("clés d'envoi de formulaires", envois_purger(maintenant=maintenant, simulation=simulation))
    purger_impressions(bilan=bilan, simulation=simulation, maintenant=maintenant)
    return bilan
