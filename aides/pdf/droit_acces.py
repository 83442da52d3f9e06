"""The family's right of access (RGPD art. 15): everything the product holds about one pupil.

Unlike the fiche de suivi (``aides.pdf.suivi``, whose formatting helpers are reused here), nothing
is filtered by the reader's rights: the document answers the family, and whoever prints it (the
directeur or the IEN, ``eleves.repondre_droit_acces``) only carries it. Every row hanging from the
pupil is read, drafts, RASED notes, the synthèse RASED and sessions included.

One part is held back: the psychological part (professional secrecy, DOMAIN.md). It holds the
psychologist's follow-ups (sessions, programmes, evaluations with self-esteem, conclusions), the
psychologist's notes, the consents about the psychologist's work, the psychologist's team actions
naming the pupil and the change history of all these. It is built apart (``donnees_volet``), read
by a psychologist of the secteur on a preview page, and printed only when released and unchanged
since: the release keeps its digest (``empreinte``), never its text. Until then the general part
says that a psychological part may exist and is under review, for every pupil alike (so that the
notice itself tells nobody whether the psychologist saw the pupil).

The number of queries is fixed (44 for the whole view in the tests), whatever the length of the file.
"""

import hashlib
import json
from collections import defaultdict

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from aides.enums import ActeConsentement, TypeAide
from aides.models import (
    ActionEquipe,
    ActionProgramme,
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueDemande,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from aides.pdf.suivi import (
    PRESENT,
    _date,
    _etat_suivi,
    _seances,
    _version,
    consentement_lu,
    demande_commune,
    entete_eleve,
    participants,
)
from eleves.enums import Role
from eleves.models import Eleve, Inscription, JournalAcces, Plan, ResponsableLegal, VoletDossier

ACTES_PSY = (ActeConsentement.PSY, ActeConsentement.TRANSMISSION)


def _horodatage(valeur) -> str:
    return timezone.localtime(valeur).strftime("%d/%m/%Y à %H:%M") if valeur else ""


def _aides(eleve, *, psy: bool):
    """The pupil's aids of one side, with their counts, every programme version and conclusion."""
    aides = Aide.objects.filter(eleve=eleve)
    aides = aides.filter(type=TypeAide.PSY) if psy else aides.exclude(type=TypeAide.PSY)
    return (
        aides.select_related("intervenant")
        .annotate(
            nb_seances=Count("presences", distinct=True),
            nb_presents=Count("presences", filter=PRESENT, distinct=True),
            minutes=Sum("presences__seance__duree", filter=PRESENT),
        )
        .order_by("demande_id", "type")
        .prefetch_related(
            Prefetch(
                "programmes",
                Programme.objects.order_by("version").prefetch_related(
                    "objectifs", "actions",
                    Prefetch("evaluations", Evaluation.objects.order_by("date", "pk").prefetch_related(
                        Prefetch("resultats", EvaluationObjectif.objects.select_related("objectif")))),
                ),
                to_attr="versions",
            ),
            Prefetch("presences", PresenceSeance.objects.select_related("seance__intervenant")
                     .order_by("seance__date", "seance__pk"), to_attr="presences_lues"),
            Prefetch("conclusions", ConclusionPsy.objects.order_by("date", "pk"), to_attr="conclusions_lues"),
        )
    )


def _aide(aide) -> dict:
    """An aid with all it holds: every programme version (drafts too), sessions, conclusions."""
    return {
        "demande": aide.demande_id,
        "libelle": aide.get_type_display(),
        "intervenant": str(aide.intervenant),
        "etat": _etat_suivi(aide) if aide.est_psy else aide.get_etat_display().lower(),
        "debut": _date(aide.debut),
        "fin": _date(aide.fin),
        "issue": aide.get_issue_display() if aide.issue else "",
        "seances": _seances(aide),
        # ``psy=True`` asks ``_version`` for everything (actions, opinions, self-esteem): here the
        # whole programme belongs to the family, E and G as well.
        "versions": [
            {**_version(p, psy=True), "etat": p.get_etat_display().lower()} for p in aide.versions
        ],
        "detail_seances": [
            {
                "titre": f"{_date(p.seance.date)} — {p.seance.duree} min — {p.get_presence_display().lower()}",
                "intervenant": str(p.seance.intervenant),
                "contenu": p.seance.contenu,
                "observation": p.observation,
            }
            for p in aide.presences_lues
        ],
        "conclusions": [
            {"date": _date(c.date), "texte": c.texte, "partagee": c.partagee} for c in aide.conclusions_lues
        ],
    }


def _observation(o) -> dict:
    return {
        "titre": f"{o.get_type_display()} du {_date(o.date)}",
        "auteur": str(o.auteur),
        "demande": o.demande_id,
        "contenu": o.contenu,
        "obstacles": o.obstacles_libelles,
    }


def _consentement(c) -> str:
    texte = f"{consentement_lu(c)}, enregistré par {c.enregistre_par}"
    return texte + (f" — {c.commentaire}" if c.commentaire else "")


def _action_equipe(a) -> dict:
    return {
        "titre": f"{a.theme} — {_date(a.date)} ({a.duree} min)",
        "ecole": a.ecole.nom,
        "auteur": str(a.auteur),
        "public": a.public,
        "apport": a.apport,
    }


# --- The change history (django-auditlog): masked fields arrive masked ----------------------


def _valeur(champ, valeur) -> str:
    if valeur in (None, "None", ""):
        return "—"
    if champ is not None and champ.is_relation:
        return f"n° {valeur}"  # not the related row's name: one query per value otherwise
    if champ is not None and champ.choices:
        return {str(k): str(v) for k, v in champ.flatchoices}.get(str(valeur), str(valeur))
    return str(valeur)


def _changements(entree) -> list[str]:
    """« field: before → after », as stored (masked values stay masked), in French field names.

    Not ``LogEntry.changes_display_dict``: it reads each foreign key's row (a query per value)
    and truncates long texts.
    """
    modele = entree.content_type.model_class()
    lignes = []
    for nom, valeurs in (entree.changes_dict or {}).items():
        try:
            champ = modele._meta.get_field(nom) if modele else None
        except FieldDoesNotExist:
            champ = None
        if champ is not None and not champ.concrete:
            continue  # reverse relations, listed empty at a creation
        libelle = str(getattr(champ, "verbose_name", nom))
        lignes.append(f"{libelle} : {' → '.join(_valeur(champ, v) for v in valeurs)}")
    return lignes


def _historique(objets: dict) -> list[dict]:
    """The history entries of ``objets`` ({model: primary keys}), oldest first, in one query."""
    filtre = Q()
    for modele, pks in objets.items():
        if pks:
            type_ = ContentType.objects.get_for_model(modele, for_concrete_model=False)
            filtre |= Q(content_type=type_, object_pk__in=[str(pk) for pk in pks])
    if not filtre:
        return []
    entrees = LogEntry.objects.filter(filtre).select_related("actor", "content_type").order_by("timestamp", "pk")
    actions = {LogEntry.Action.CREATE: "création", LogEntry.Action.UPDATE: "modification",
               LogEntry.Action.DELETE: "suppression"}
    return [
        {
            "le": _horodatage(e.timestamp),
            "par": str(e.actor) if e.actor else "(opération automatique)",
            "action": actions.get(e.action, "autre"),
            "objet": f"{e.content_type.model_class()._meta.verbose_name} — {e.object_repr}",
            "changements": _changements(e),
        }
        for e in entrees
    ]


def _supprimes(modele, eleve) -> set:
    """Primary keys of the pupil's rows of ``modele`` deleted since (a guardian, a plan removed)."""
    type_ = ContentType.objects.get_for_model(modele, for_concrete_model=False)
    return set(
        LogEntry.objects.filter(content_type=type_, action=LogEntry.Action.DELETE, changes__eleve__0=str(eleve.pk))
        .values_list("object_pk", flat=True)
    )


def _objets_des_aides(aides) -> dict:
    """Everything hanging from these aids, by model, for the history."""
    programmes = [p for a in aides for p in a.versions]
    evaluations = [e for p in programmes for e in p.evaluations.all()]
    presences = [p for a in aides for p in a.presences_lues]
    return {
        Aide: [a.pk for a in aides],
        Programme: [p.pk for p in programmes],
        Objectif: [o.pk for p in programmes for o in p.objectifs.all()],
        ActionProgramme: [x.pk for p in programmes for x in p.actions.all()],
        Evaluation: [e.pk for e in evaluations],
        EvaluationObjectif: [r.pk for e in evaluations for r in e.resultats.all()],
        PresenceSeance: [p.pk for p in presences],
        Seance: list({p.seance_id for p in presences}),
        ConclusionPsy: [c.pk for a in aides for c in a.conclusions_lues],
    }


# --- The general part ---------------------------------------------------------------------------


def donnees_dossier(eleve) -> dict:
    """Everything about the pupil but the psychological part, as plain values, oldest first."""
    inscriptions = list(
        Inscription.objects.filter(eleve=eleve)
        .select_related("annee", "classe__ecole__circonscription")
        .prefetch_related("classe__enseignants")
        .order_by("annee__debut")
    )
    responsables = list(ResponsableLegal.objects.filter(eleve=eleve).order_by("pk"))
    plans = list(Plan.objects.filter(eleve=eleve).order_by("date_debut", "pk"))
    aides = list(_aides(eleve, psy=False))
    aides_par_demande = defaultdict(list)
    for aide in aides:
        aides_par_demande[aide.demande_id].append(aide)
    demandes = list(
        DemandeAide.objects.filter(eleve=eleve)
        .select_related("classe__ecole", "classe__annee", "auteur", "referent", "decidee_par")
        .prefetch_related(
            Prefetch("historique", HistoriqueDemande.objects.select_related("auteur").order_by("le", "pk"),
                     to_attr="etapes"),
            Prefetch("observations", Observation.objects.filter(confidentielle=False)
                     .select_related("auteur").order_by("date", "pk"), to_attr="observations_lues"),
            Prefetch("consentements", Consentement.objects.exclude(acte__in=ACTES_PSY)
                     .select_related("enregistre_par").order_by("date", "pk"), to_attr="consentements_lus"),
            Prefetch("reunions", Reunion.objects.order_by("date", "pk")
                     .prefetch_related("participants", "participants_externes"), to_attr="reunions_lues"),
        )
        .order_by("cree_le", "pk")
    )
    actions = list(
        ActionEquipe.objects.filter(eleve=eleve).exclude(auteur__role=Role.PSYCHOLOGUE)
        .select_related("ecole", "auteur").order_by("date", "pk")
    )
    journal = list(JournalAcces.objects.du_eleve(eleve).order_by("le", "pk"))

    reunions = [r for d in demandes for r in d.reunions_lues]
    objets = {
        Eleve: [eleve.pk],
        Inscription: [i.pk for i in inscriptions],
        ResponsableLegal: {r.pk for r in responsables} | _supprimes(ResponsableLegal, eleve),
        Plan: {p.pk for p in plans} | _supprimes(Plan, eleve),
        DemandeAide: [d.pk for d in demandes],
        Consentement: [c.pk for d in demandes for c in d.consentements_lus],
        Reunion: [r.pk for r in reunions],
        ParticipantExterne: [p.pk for r in reunions for p in r.participants_externes.all()],
        Observation: [o.pk for d in demandes for o in d.observations_lues],
        ActionEquipe: [a.pk for a in actions],
        **_objets_des_aides(aides),
    }

    return {
        "entete": entete_eleve(inscriptions),
        "eleve": {
            "nom": eleve.nom.upper(), "prenom": eleve.prenom, "naissance": _date(eleve.date_naissance),
            "sexe": eleve.get_sexe_display(), "ine": eleve.ine, "cree_le": _date(eleve.cree_le),
        },
        "scolarite": [
            {
                "annee": i.annee.libelle, "ecole": f"{i.classe.ecole.nom} ({i.classe.ecole.commune})",
                "classe": i.classe.nom, "niveau": i.niveau,
                "enseignants": ", ".join(str(e) for e in i.classe.enseignants.all()),
            }
            for i in inscriptions
        ],
        "responsables": [
            {
                "nom": str(r), "lien": r.get_lien_display(),
                "adresse": " ".join(x for x in (r.adresse, r.code_postal, r.commune) if x),
                "telephone": r.telephone, "email": r.email,
            }
            for r in responsables
        ],
        "plans": [
            f"{p.get_type_display()} — depuis le {_date(p.date_debut)}"
            + (f" jusqu'au {_date(p.date_fin)}" if p.date_fin else "")
            for p in plans
        ],
        "demandes": [_demande(d, aides_par_demande[d.pk]) for d in demandes],
        "actions_equipe": [_action_equipe(a) for a in actions],
        "journal": [
            {
                "le": _horodatage(j.le),
                "personne": f"{j.utilisateur} ({j.utilisateur.get_role_display()})",
                "action": j.get_action_display(),
                "objet": j.objet,
            }
            for j in journal
        ],
        "historique": _historique(objets),
    }


def _demande(demande, aides) -> dict:
    return {
        # The family's copy is read by its printer (the directeur, the IEN) before it is handed
        # over: the RASED's decision goes in the RASED's part, reviewed by a RASED member.
        **demande_commune(demande, connait_les_suivis_psy=False),
        "classe": f"{demande.classe.nom} ({demande.niveau}), {demande.classe.ecole.nom}, "
                  f"{demande.classe.annee.libelle}",
        "erreurs": demande.erreurs,
        "attentes": demande.attentes,
        "historique": [
            f"{_horodatage(h.le)} — {h.get_de_display() or 'création'} → {h.get_vers_display()} ({h.auteur})"
            for h in demande.etapes
        ],
        "observations": [_observation(o) for o in demande.observations_lues],
        "consentements": [_consentement(c) for c in demande.consentements_lus],
        "reunions": [
            {
                "titre": f"{r.get_type_display()} du {_date(r.date)}",
                "lieu": r.lieu,
                "participants": participants(r),
                "ordre_du_jour": r.ordre_du_jour,
                "compte_rendu": r.compte_rendu,
                "decisions": r.decisions,
            }
            for r in demande.reunions_lues
        ],
        "aides": [_aide(a) for a in aides],
    }


# --- The psychological part ---------------------------------------------------------------------


def donnees_volet(eleve) -> dict:
    """The psychological part: what only a psychologist may read before it is released."""
    aides = list(_aides(eleve, psy=True))
    observations = list(
        Observation.objects.filter(demande__eleve=eleve, confidentielle=True)
        .select_related("auteur").order_by("date", "pk")
    )
    consentements = list(
        Consentement.objects.filter(demande__eleve=eleve, acte__in=ACTES_PSY)
        .select_related("enregistre_par").order_by("date", "pk")
    )
    actions = list(
        ActionEquipe.objects.filter(eleve=eleve, auteur__role=Role.PSYCHOLOGUE)
        .select_related("ecole", "auteur").order_by("date", "pk")
    )
    objets = {
        Observation: [o.pk for o in observations],
        Consentement: [c.pk for c in consentements],
        ActionEquipe: [a.pk for a in actions],
        **_objets_des_aides(aides),
    }
    volet = {
        "observations": [_observation(o) for o in observations],
        "consentements": [_consentement(c) for c in consentements],
        "suivis": [_aide(a) for a in aides],
        "actions_equipe": [_action_equipe(a) for a in actions],
        "historique": _historique(objets),
    }
    volet["vide"] = not any(volet.values())
    return volet


def empreinte(volet: dict) -> str:
    """The digest of the psychological part as read: a later change makes a new one."""
    return hashlib.sha256(json.dumps(volet, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def donnees_droit_acces(demande_acces) -> dict:
    """The document of one request: the general part, and the psychological part when it is
    released and unchanged since (``etat_volet``: ``libere``, ``en_relecture`` or ``modifie``)."""
    eleve = demande_acces.eleve
    volet, etat = None, "en_relecture"
    liberation = demande_acces.liberation(VoletDossier.PSY)
    if liberation is not None:
        courant = donnees_volet(eleve)
        if empreinte(courant) == liberation.empreinte:
            volet, etat = courant, "libere"
        else:
            etat = "modifie"
    return {
        "dossier": donnees_dossier(eleve),
        "volet": volet,
        "etat_volet": etat,
        "demande": {
            "numero": demande_acces.pk,
            "demandeur": demande_acces.demandeur,
            "recue_le": _date(demande_acces.recue_le),
            "deposee_par": str(demande_acces.deposee_par),
            "deposee_le": _date(demande_acces.deposee_le),
            "libere_le": _date(liberation.libere_le) if liberation else "",
            "libere_par": str(liberation.libere_par) if liberation else "",
            "note": liberation.note if liberation else "",
        },
    }
