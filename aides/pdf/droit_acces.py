"""The family's right of access (RGPD art. 15): what the family receives, in three parts.

The family receives the whole file. Each part is printed only once someone who may read it on
the pages has reviewed and released it, and only while it is unchanged since: the release keeps
the part's digest (``empreinte``), never its text. Each model's rows are split between the parts
by the querysets' own ``secret_psy()`` and ``hors_secret_psy()``, as on the pages, so that the
three parts hold the whole file, nothing twice (docs/protection-donnees.md « Droit d'accès »):

1. The general part (``partie_generale``): what its printer (the directeur, the IEN:
   ``eleves.repondre_droit_acces``) reads on the pages anyway, whatever school a request was filed
   in — identity, schooling, guardians, plans; each request as the teacher wrote it, with its
   steps as a reader not told of psychological follow-ups reads them (``etapes_lisibles``: one
   step « Réponse apportée par le RASED », no decision); the consents ``hors_secret_psy()``; the
   meetings ``hors_secret_psy()`` but the synthèses RASED; the E and G aids with their validated
   programme versions, reviews and session counts; the team actions ``hors_secret_psy()`` naming
   the pupil; the access log as a reader outside the secrecy reads it (``lignes_du_journal``: a
   psychologist's consultation is one neutral line); the change history of these rows (a
   request's without the fields of the RASED's answer). Printed at once.
2. The RASED's part (``volet_rased``, ``VoletDossier.RASED``): what RASED members read and the
   printer does not — each request's decision (kind, reason, who, when) and all its steps, the
   internal observations and the synthèses RASED ``hors_secret_psy()``, the sessions of the E and
   G aids (contents, notes on the pupil), their history. Released by a RASED member of the
   pupil's secteur (``eleves.liberer_volet_rased``).
3. The psychological part (``volet_psy``, ``VoletDossier.PSY``): the psychologist's secrecy,
   ``secret_psy()`` of each model — the psychologist's follow-ups with all they hold (programmes,
   reviews with self-esteem, sessions, every conclusion), notes, consents and their comments,
   meetings and team actions a psychologist recorded — and the psychologists' consultations of
   the file in full up to the request (the reviews that follow do not change the part), their
   history. Released by a psychologist of the secteur (``eleves.liberer_volet_psy``).

Drafts are not part of the file: a request not sent, a programme version not validated (the
pages keep them to their authors). Until a part is released, or once it has changed, the document
says in the same words for every pupil that this part, if any, awaits a review: the notice tells
nobody whether the pupil had an aid or a psychological follow-up. A release's note is printed with
its part only.

The number of queries is fixed, whatever the length of the file (tests/aides/test_droit_acces.py).
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from aides.enums import EtatDemande, EtatProgramme, TypeReunion
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
    decision_lue,
    demande_commune,
    entete_eleve,
    participants,
)
from aides.rules import etapes_lisibles
from eleves.historique_lisible import entrees, filtre_des_objets, lignes_des_entrees
from eleves.journal import ligne_entiere, lignes_du_journal
from eleves.models import Eleve, Inscription, JournalAcces, Plan, ResponsableLegal, VoletDossier

# The fields of a request that carry the RASED's answer: its readers are those told of
# psychological follow-ups (``aides.rules.connait_les_suivis_psy``), hence the RASED's part.
CHAMPS_DE_LA_REPONSE = frozenset({"etat", "decision", "decision_motif", "decidee_le", "decidee_par"})


def _horodatage(valeur) -> str:
    return timezone.localtime(valeur).strftime("%d/%m/%Y à %H:%M") if valeur else ""


# --- The rows, read once per part ---------------------------------------------------------------


def _demandes(eleve, *prefetches) -> list:
    """The pupil's requests sent to the RASED (a draft stays its author's), oldest first."""
    return list(
        DemandeAide.objects.filter(eleve=eleve)
        .exclude(etat=EtatDemande.BROUILLON)
        .select_related("classe__ecole", "classe__annee", "auteur", "referent", "decidee_par")
        .prefetch_related(
            Prefetch("historique", HistoriqueDemande.objects.select_related("auteur").order_by("le", "pk"),
                     to_attr="etapes"),
            *prefetches,
        )
        .order_by("cree_le", "pk")
    )


def _avec_seances(aides):
    return aides.select_related("intervenant").annotate(
        nb_seances=Count("presences", distinct=True),
        nb_presents=Count("presences", filter=PRESENT, distinct=True),
        minutes=Sum("presences__seance__duree", filter=PRESENT),
    ).order_by("demande_id", "type")


def _versions() -> Prefetch:
    """Validated versions (and those they replaced): a draft is its writers' until validated."""
    return Prefetch(
        "programmes",
        Programme.objects.filter(etat__in=[EtatProgramme.VALIDE, EtatProgramme.REMPLACE])
        .order_by("version")
        .prefetch_related(
            Prefetch("objectifs", Objectif.objects.select_related("competence")), "actions",
            Prefetch("evaluations", Evaluation.objects.order_by("date", "pk").prefetch_related(
                Prefetch("resultats", EvaluationObjectif.objects.select_related("objectif")))),
        ),
        to_attr="versions",
    )


def _presences() -> Prefetch:
    return Prefetch(
        "presences",
        PresenceSeance.objects.select_related("seance__intervenant").order_by("seance__date", "seance__pk"),
        to_attr="presences_lues",
    )


def _reunions(reunions) -> Prefetch:
    return Prefetch(
        "reunions", reunions.order_by("date", "pk").prefetch_related("participants", "participants_externes"),
        to_attr="reunions_lues",
    )


# --- What each row prints -----------------------------------------------------------------------


def _classe(demande) -> str:
    return f"{demande.classe.nom} ({demande.niveau}), {demande.classe.ecole.nom}, {demande.classe.annee.libelle}"


def _aide(aide) -> dict:
    """An aid with its validated versions; ``psy=True`` asks ``_version`` for the whole programme
    (who does what, the pupil's and family's views): what the aid's readers read on its page."""
    return {
        "demande": aide.demande_id,
        "libelle": aide.get_type_display(),
        "intervenant": str(aide.intervenant),
        "etat": _etat_suivi(aide) if aide.est_psy else aide.get_etat_display().lower(),
        "debut": _date(aide.debut),
        "fin": _date(aide.fin),
        "issue": aide.get_issue_display() if aide.issue else "",
        "seances": _seances(aide),
        "versions": [{**_version(p, psy=True), "etat": p.get_etat_display().lower()} for p in aide.versions],
    }


def _detail_seances(aide) -> list[dict]:
    return [
        {
            "titre": f"{_date(p.seance.date)} — {p.seance.duree} min — {p.get_presence_display().lower()}",
            "intervenant": str(p.seance.intervenant),
            "contenu": p.seance.contenu,
            "observation": p.observation,
            # Only when written: the fingerprint of a part released before the field existed stays the same.
            **({"prochaine_fois": p.seance.prochaine_fois} if p.seance.prochaine_fois else {}),
        }
        for p in aide.presences_lues
    ]


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


def _reunion(r) -> dict:
    return {
        "titre": f"{r.get_type_display()} du {_date(r.date)}",
        "demande": r.demande_id,
        "lieu": r.lieu,
        "participants": participants(r),
        "ordre_du_jour": r.ordre_du_jour,
        "compte_rendu": r.compte_rendu,
        "decisions": r.decisions,
    }


def _action_equipe(a) -> dict:
    return {
        "titre": f"{a.theme} — {_date(a.date)} ({a.duree} min)",
        "ecole": a.ecole.nom,
        "auteur": str(a.auteur),
        "public": a.public,
        "apport": a.apport,
    }


def _journal(lignes) -> list[dict]:
    return [{"le": _horodatage(x.le), "personne": x.personne, "action": x.action, "objet": x.objet} for x in lignes]


def _etape_complete(h) -> str:
    return f"{_horodatage(h.le)} — {h.get_de_display() or 'création'} → {h.get_vers_display()} ({h.auteur})"


# --- The change history (django-auditlog), in readable lines -------------------------------------


def _historique(objets: dict, garder=None, *, nomme_les_psychologues: bool = False) -> list[dict]:
    """The readable history of ``objets`` ({model: primary keys}), oldest first, in one query
    (and one per model a changed foreign key names: eleves/historique_lisible.py). Masked fields
    read « (texte confidentiel modifié) »; a psychologist is named in the psychological part only
    (elsewhere the access log's neutral word)."""
    filtre = Q(pk__in=[])
    for modele, pks in objets.items():
        if pks:
            filtre |= filtre_des_objets(modele, [int(pk) for pk in pks])
    options = {"garder": garder} if garder is not None else {}
    lignes = lignes_des_entrees(entrees(filtre), nomme_les_psychologues=nomme_les_psychologues, **options)
    return [ligne.pour_document() for ligne in lignes]


def _sans_la_reponse(entree, champ) -> bool:
    """A request's history as the printer reads it: without the fields of the RASED's answer."""
    return entree.content_type.model_class() is not DemandeAide or champ not in CHAMPS_DE_LA_REPONSE


def _la_reponse(entree, champ) -> bool:
    """The RASED's part of a request's history: the changes of its answer, nothing else of it."""
    if entree.content_type.model_class() is not DemandeAide:
        return True
    return entree.action == LogEntry.Action.UPDATE and champ in CHAMPS_DE_LA_REPONSE


def _supprimes(modele, eleve) -> set:
    """Primary keys of the pupil's rows of ``modele`` deleted since (a guardian, a plan removed)."""
    type_ = ContentType.objects.get_for_model(modele, for_concrete_model=False)
    return set(
        LogEntry.objects.filter(content_type=type_, action=LogEntry.Action.DELETE, changes__eleve__0=str(eleve.pk))
        .values_list("object_pk", flat=True)
    )


def _objets_des_programmes(aides) -> dict:
    programmes = [p for a in aides for p in a.versions]
    evaluations = [e for p in programmes for e in p.evaluations.all()]
    return {
        Aide: [a.pk for a in aides],
        Programme: [p.pk for p in programmes],
        Objectif: [o.pk for p in programmes for o in p.objectifs.all()],
        ActionProgramme: [x.pk for p in programmes for x in p.actions.all()],
        Evaluation: [e.pk for e in evaluations],
        EvaluationObjectif: [r.pk for e in evaluations for r in e.resultats.all()],
    }


def _objets_des_seances(aides) -> dict:
    presences = [p for a in aides for p in a.presences_lues]
    return {PresenceSeance: [p.pk for p in presences], Seance: list({p.seance_id for p in presences})}


def _objets_des_reunions(reunions) -> dict:
    return {
        Reunion: [r.pk for r in reunions],
        ParticipantExterne: [p.pk for r in reunions for p in r.participants_externes.all()],
    }


# --- 1. The general part ----------------------------------------------------------------------


def partie_generale(eleve) -> dict:
    """What the printer reads on the pages anyway, as plain values, oldest first."""
    inscriptions = list(
        Inscription.objects.filter(eleve=eleve)
        .select_related("annee", "classe__ecole__circonscription")
        .prefetch_related("classe__enseignants")
        .order_by("annee__debut")
    )
    responsables = list(ResponsableLegal.objects.filter(eleve=eleve).order_by("pk"))
    plans = list(Plan.objects.filter(eleve=eleve).order_by("date_debut", "pk"))
    aides = list(_avec_seances(Aide.objects.filter(eleve=eleve).hors_secret_psy()).prefetch_related(_versions()))
    aides_par_demande = defaultdict(list)
    for aide in aides:
        aides_par_demande[aide.demande_id].append(aide)
    demandes = _demandes(
        eleve,
        Prefetch("consentements", Consentement.objects.hors_secret_psy().select_related("enregistre_par")
                 .order_by("date", "pk"), to_attr="consentements_lus"),
        _reunions(Reunion.objects.hors_secret_psy().exclude(type=TypeReunion.SYNTHESE)),
    )
    actions = list(
        ActionEquipe.objects.filter(eleve=eleve).hors_secret_psy().select_related("ecole", "auteur").order_by("date", "pk")
    )
    journal = lignes_du_journal(None, JournalAcces.objects.du_eleve(eleve).order_by("le", "pk"))

    reunions = [r for d in demandes for r in d.reunions_lues]
    objets = {
        Eleve: [eleve.pk],
        Inscription: [i.pk for i in inscriptions],
        ResponsableLegal: {r.pk for r in responsables} | _supprimes(ResponsableLegal, eleve),
        Plan: {p.pk for p in plans} | _supprimes(Plan, eleve),
        DemandeAide: [d.pk for d in demandes],
        Consentement: [c.pk for d in demandes for c in d.consentements_lus],
        ActionEquipe: [a.pk for a in actions],
        **_objets_des_reunions(reunions),
        **_objets_des_programmes(aides),
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
                "pk": r.pk, "nom": str(r), "lien": r.get_lien_display(),
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
        "demandes": [
            {
                **demande_commune(d, connait_les_suivis_psy=False),
                "classe": _classe(d),
                "erreurs": d.erreurs,
                "attentes": d.attentes,
                "etapes": [
                    f"{_horodatage(e.le)} — {e.libelle}" + (f" ({e.auteur})" if e.auteur else "")
                    for e in etapes_lisibles(None, d, d.etapes)
                ],
                "consentements": [_consentement(c) for c in d.consentements_lus],
                "reunions": [_reunion(r) for r in d.reunions_lues],
                "aides": [_aide(a) for a in aides_par_demande[d.pk]],
            }
            for d in demandes
        ],
        "actions_equipe": [_action_equipe(a) for a in actions],
        "journal": _journal(journal),
        "historique": _historique(objets, _sans_la_reponse),
    }


# --- 2. The RASED's part ------------------------------------------------------------------------


def volet_rased(eleve) -> dict:
    """What RASED members read and the printer does not, request by request."""
    demandes = _demandes(
        eleve,
        Prefetch("observations", Observation.objects.hors_secret_psy().select_related("auteur")
                 .order_by("date", "pk"), to_attr="observations_lues"),
        _reunions(Reunion.objects.hors_secret_psy().filter(type=TypeReunion.SYNTHESE)),
        Prefetch("aides", Aide.objects.hors_secret_psy().select_related("intervenant").order_by("type")
                 .prefetch_related(_presences()), to_attr="aides_lues"),
    )
    aides = [a for d in demandes for a in d.aides_lues]
    objets = {
        DemandeAide: [d.pk for d in demandes],
        Observation: [o.pk for d in demandes for o in d.observations_lues],
        **_objets_des_reunions([r for d in demandes for r in d.reunions_lues]),
        **_objets_des_seances(aides),
    }
    retenues = [
        d for d in demandes
        if d.a_recu_reponse or d.observations_lues or d.reunions_lues or any(a.presences_lues for a in d.aides_lues)
    ]
    volet = {
        "demandes": [
            {
                "numero": d.pk,
                "classe": _classe(d),
                "decision": decision_lue(d),
                "etapes": [_etape_complete(h) for h in d.etapes],
                "observations": [_observation(o) for o in d.observations_lues],
                "syntheses": [_reunion(r) for r in d.reunions_lues],
                "aides": [
                    {"libelle": a.get_type_display(), "intervenant": str(a.intervenant),
                     "detail_seances": _detail_seances(a)}
                    for a in d.aides_lues if a.presences_lues
                ],
            }
            for d in retenues
        ],
        "historique": _historique(objets, _la_reponse),
    }
    volet["vide"] = not any(volet.values())
    return volet


# --- 3. The psychological part ------------------------------------------------------------------


def volet_psy(eleve, *, journal_jusqu_au) -> dict:
    """Everything under the psychologist's secrecy; the psychologists' consultations of the file
    up to ``journal_jusqu_au`` (the request: its own reviews would otherwise change the part they
    release)."""
    aides = list(
        _avec_seances(Aide.objects.filter(eleve=eleve).secret_psy()).prefetch_related(
            _versions(), _presences(),
            Prefetch("conclusions", ConclusionPsy.objects.order_by("date", "pk"), to_attr="conclusions_lues"),
        )
    )
    observations = list(
        Observation.objects.filter(demande__eleve=eleve).secret_psy().select_related("auteur").order_by("date", "pk")
    )
    consentements = list(
        Consentement.objects.filter(demande__eleve=eleve).secret_psy().select_related("enregistre_par")
        .order_by("date", "pk")
    )
    reunions = list(
        Reunion.objects.filter(demande__eleve=eleve).secret_psy().order_by("date", "pk")
        .prefetch_related("participants", "participants_externes")
    )
    actions = list(
        ActionEquipe.objects.filter(eleve=eleve).secret_psy().select_related("ecole", "auteur").order_by("date", "pk")
    )
    consultations = JournalAcces.objects.du_eleve(eleve).filter(par_psychologue=True, le__lte=journal_jusqu_au)
    objets = {
        Observation: [o.pk for o in observations],
        Consentement: [c.pk for c in consentements],
        ActionEquipe: [a.pk for a in actions],
        ConclusionPsy: [c.pk for a in aides for c in a.conclusions_lues],
        **_objets_des_reunions(reunions),
        **_objets_des_programmes(aides),
        **_objets_des_seances(aides),
    }
    volet = {
        "observations": [_observation(o) for o in observations],
        "consentements": [_consentement(c) for c in consentements],
        "reunions": [_reunion(r) for r in reunions],
        "suivis": [
            {
                **_aide(a),
                "detail_seances": _detail_seances(a),
                "conclusions": [
                    {"date": _date(c.date), "texte": c.texte, "partagee": c.partagee} for c in a.conclusions_lues
                ],
            }
            for a in aides
        ],
        "actions_equipe": [_action_equipe(a) for a in actions],
        "journal": _journal(ligne_entiere(e) for e in consultations.order_by("le", "pk")),
        "historique": _historique(objets, nomme_les_psychologues=True),
    }
    volet["vide"] = not any(volet.values())
    return volet


# --- The parts held back, and the document --------------------------------------------------


def contenu_du_volet(demande_acces, volet: str) -> dict:
    """The part ``volet`` of the file ``demande_acces`` asks for, as it reads now."""
    if volet == VoletDossier.RASED:
        return volet_rased(demande_acces.eleve)
    return volet_psy(demande_acces.eleve, journal_jusqu_au=demande_acces.deposee_le)


def empreinte(contenu: dict) -> str:
    """The digest of a part as read: a later change makes a new one."""
    return hashlib.sha256(json.dumps(contenu, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class VoletLu:
    """A held-back part of one request's file as it stands: joined to the document (``contenu``)
    only when released and unchanged since; otherwise nothing of it nor of its release is shown."""

    volet: str
    liberation: object
    contenu: dict | None

    @property
    def joint(self) -> bool:
        return self.contenu is not None

    def pour_le_document(self) -> dict:
        if not self.joint:
            return {"joint": False}
        return {
            "joint": True, "contenu": self.contenu, "libere_par": str(self.liberation.libere_par),
            "libere_le": _date(self.liberation.libere_le), "note": self.liberation.note,
        }


def volets_lus(demande_acces) -> dict[str, VoletLu]:
    """Each held-back part of ``demande_acces`` (its ``liberations`` prefetched), read again and
    compared with its release's digest."""
    lus = {}
    for volet in VoletDossier:
        liberation = demande_acces.liberation(volet)
        contenu = None
        if liberation is not None:
            courant = contenu_du_volet(demande_acces, volet)
            if empreinte(courant) == liberation.empreinte:
                contenu = courant
        lus[volet] = VoletLu(volet, liberation, contenu)
    return lus


def donnees_droit_acces(demande_acces, volets: dict[str, VoletLu] | None = None) -> dict:
    """What the family receives for one request: the general part, and each held-back part
    released and unchanged since."""
    volets = volets if volets is not None else volets_lus(demande_acces)
    return {
        "dossier": partie_generale(demande_acces.eleve),
        "rased": volets[VoletDossier.RASED].pour_le_document(),
        "psy": volets[VoletDossier.PSY].pour_le_document(),
        "demande": {
            "numero": demande_acces.pk,
            "demandeur": demande_acces.demandeur,
            "responsable": demande_acces.responsable_id,
            "recue_le": _date(demande_acces.recue_le),
            "deposee_par": str(demande_acces.deposee_par),
            "deposee_le": _date(demande_acces.deposee_le),
        },
    }
