"""The readable change history of the aid workflow's records, for their pages.

Each function takes a record already read in ``user``'s scope (its page's lookup) and returns its
lines newest first (``eleves.historique_lisible``), in a number of queries that does not grow
with the history. The template shows them with ``{% include "_historique.html" with lignes=… %}``.

What a reader may not read stays out, as on the page: a request's answer (decision, reason,
state after the answer) for those not told of psychological follow-ups (``etapes_lisibles``),
the aids whose content the reader may not read, and the psychologist's name for anyone outside
the secrecy. A record a psychologist wrote reaches only psychologists already (its page's
``visibles_par``), and its text is masked in the history itself (``aides/historique.py``).
"""

from dataclasses import replace

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from aides.models import (
    ActionEquipe,
    ActionProgramme,
    Aide,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueAide,
    HistoriqueProgramme,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
    Suppression,
)
from aides.rules import connait_les_suivis_psy, etapes_lisibles
from eleves.historique_lisible import (
    LigneHistorique,
    entrees,
    filtre_des_objets,
    ligne_d_etat,
    lignes_des_entrees,
    recentes_d_abord,
)
from eleves.models import lit_le_secret_psy

# The fields of a request that carry the RASED's answer: read by those told of psychological
# follow-ups only (``aides.rules.connait_les_suivis_psy``, the page's ``aides.view_decision``).
CHAMPS_DE_LA_REPONSE = frozenset({"etat", "decision", "decision_motif", "decidee_le", "decidee_par"})
# A state with its own history table is told by that table (« Changement d'état »), once.
ETAT = frozenset({"etat"})


def _sur_la_page(entree) -> str:
    """On a record's own page, its own lines name nothing (the page is the record)."""
    return ""


def _motifs_des_suppressions(user, lues) -> None:
    """A deletion's entry points to its reason (``{"suppression": pk}``, kept encrypted in
    ``Suppression``): put it, in memory only, where the lines read it (``additional_data["motif"]``)
    when ``user`` may read it (a psychologist's record's reason: psychologists). One query."""
    ids = {e.additional_data["suppression"] for e in lues
           if isinstance(e.additional_data, dict) and "suppression" in e.additional_data}
    if not ids:
        return
    lit_le_secret = lit_le_secret_psy(user)
    motifs = {s.pk: s.motif for s in Suppression.objects.filter(pk__in=ids)
              if lit_le_secret or not s.confidentielle}
    for e in lues:
        if isinstance(e.additional_data, dict) and e.additional_data.get("suppression") in motifs:
            e.additional_data = {**e.additional_data, "motif": motifs[e.additional_data["suppression"]]}


def _lignes(user, filtre: Q, *, principal, sans=frozenset(), garder=None) -> list[LigneHistorique]:
    """The lines of ``filtre``'s entries: those of ``principal`` name nothing, the others their part."""
    nommer = lit_le_secret_psy(user)
    lues = entrees(filtre)
    _motifs_des_suppressions(user, lues)
    type_ = ContentType.objects.get_for_model(principal, for_concrete_model=False)
    propres = [e for e in lues if e.content_type_id == type_.pk]
    parties = [e for e in lues if e.content_type_id != type_.pk]
    options = {"nomme_les_psychologues": nommer, "sans": sans}
    if garder is not None:
        options["garder"] = garder
    return (
        lignes_des_entrees(propres, objet=_sur_la_page, **options)
        + lignes_des_entrees(parties, **options)
    )


# --- A request and its aids -----------------------------------------------------------------------


def historique_lisible_de_la_demande(user, demande) -> list[LigneHistorique]:
    """The request's changes and moves, and those of its aids whose content ``user`` reads."""
    nommer = lit_le_secret_psy(user)
    connait = connait_les_suivis_psy(user, demande)
    aides = list(Aide.objects.confidentielles_lisibles_par(user).filter(demande=demande).only("pk", "type"))
    filtre = filtre_des_objets(DemandeAide, [demande.pk]) | filtre_des_objets(Aide, [a.pk for a in aides])
    sans = ETAT if connait else CHAMPS_DE_LA_REPONSE
    lignes = _lignes(user, filtre, principal=DemandeAide, sans=sans)

    etapes = etapes_lisibles(user, demande, demande.historique.select_related("auteur"))
    precedent = ""
    for etape in etapes:
        lignes.append(ligne_d_etat(le=etape.le, auteur=etape.auteur, de=precedent, vers=etape.libelle,
                                   nomme_les_psychologues=nommer))
        precedent = etape.libelle
    if aides:
        libelles = {a.pk: a.get_type_display() for a in aides}
        for h in HistoriqueAide.objects.filter(aide__in=aides).select_related("auteur").order_by("le", "pk"):
            lignes.append(ligne_d_etat(
                le=h.le, auteur=h.auteur, de=h.get_de_display(),
                vers=h.get_vers_display() + (f" ({h.get_issue_display().lower()})" if h.issue else ""),
                objet=libelles[h.aide_id], nomme_les_psychologues=nommer,
            ))
    return recentes_d_abord(lignes)


def historique_lisible_des_consentements(user, demande) -> list[LigneHistorique]:
    """Who recorded which answer of the family, when, with its values (act, answer, date, who
    answered, form): the answers ``user`` reads (a psychologist's act, psychologists only). An
    answer is never edited (the family's new word is a new answer), so each is one line."""
    ids = Consentement.objects.visibles_par(user).filter(demande=demande).values("pk")
    lignes = lignes_des_entrees(
        entrees(filtre_des_objets(Consentement, ids)), nomme_les_psychologues=lit_le_secret_psy(user),
        sans=frozenset({"demande", "enregistre_par"}), objet=lambda e: "", valeurs_a_la_creation=True,
    )
    return recentes_d_abord(
        replace(ligne, action="Réponse enregistrée") if ligne.action == "Création" else ligne for ligne in lignes
    )


# --- A programme version and its parts -------------------------------------------------------------


def historique_lisible_du_programme(user, programme) -> list[LigneHistorique]:
    """The programme version's changes and moves, its objectives and actions (removed ones too)."""
    filtre = filtre_des_objets(Programme, [programme.pk])
    for modele in (Objectif, ActionProgramme):
        filtre |= filtre_des_objets(modele, modele.objects.filter(programme=programme).values("pk"),
                                    supprimes_de=("programme", programme.pk))
    lignes = _lignes(user, filtre, principal=Programme, sans=ETAT)
    nommer = lit_le_secret_psy(user)
    for h in HistoriqueProgramme.objects.filter(programme=programme).select_related("auteur").order_by("le", "pk"):
        lignes.append(ligne_d_etat(le=h.le, auteur=h.auteur, de=h.get_de_display(), vers=h.get_vers_display(),
                                   nomme_les_psychologues=nommer))
    return recentes_d_abord(lignes)


# --- The records with a page of their own ---------------------------------------------------------


def historique_lisible_de_l_evaluation(user, evaluation) -> list[LigneHistorique]:
    """A bilan's changes and those of its results per objective."""
    filtre = filtre_des_objets(Evaluation, [evaluation.pk]) | filtre_des_objets(
        EvaluationObjectif, EvaluationObjectif.objects.filter(evaluation=evaluation).values("pk"),
        supprimes_de=("evaluation", evaluation.pk),
    )
    return recentes_d_abord(_lignes(user, filtre, principal=Evaluation))


def historique_lisible_de_la_reunion(user, reunion) -> list[LigneHistorique]:
    """A meeting's changes and those of its participants without an account."""
    filtre = filtre_des_objets(Reunion, [reunion.pk]) | filtre_des_objets(
        ParticipantExterne, ParticipantExterne.objects.filter(reunion=reunion).values("pk"),
        supprimes_de=("reunion", reunion.pk),
    )
    return recentes_d_abord(_lignes(user, filtre, principal=Reunion))


def historique_lisible_de_la_seance(user, seance) -> list[LigneHistorique]:
    """A session's changes and those of its pupils' presences. A session's presences are all of
    aids its intervenant carries (``seance_enregistrer``): a psychologist's session holds only
    psychological follow-ups and reaches only psychologists (``Seance.objects.visibles_par``)."""
    filtre = filtre_des_objets(Seance, [seance.pk]) | filtre_des_objets(
        PresenceSeance, PresenceSeance.objects.filter(seance=seance).values("pk"),
        supprimes_de=("seance", seance.pk),
    )
    return recentes_d_abord(_lignes(user, filtre, principal=Seance))


def historique_lisible_de_l_observation(user, observation) -> list[LigneHistorique]:
    return recentes_d_abord(_lignes(user, filtre_des_objets(Observation, [observation.pk]), principal=Observation))


def historique_lisible_de_l_action_equipe(user, action) -> list[LigneHistorique]:
    return recentes_d_abord(_lignes(user, filtre_des_objets(ActionEquipe, [action.pk]), principal=ActionEquipe))

