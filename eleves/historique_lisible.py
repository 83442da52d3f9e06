"""The change history read by people: each entry as one French line.

django-auditlog stores what changed as the database holds it (``["differenciation", "apc"]``,
``2026-12-04 16:45:31.880928``, a foreign key's number, a choice's key). Pages, the pupil's page
and the family's right-of-access file alike read it through ``lignes_des_entrees``: who (a
psychologist reads as « Un psychologue de l'Éducation nationale » for anyone outside the secrecy,
as in the access log, ``eleves.journal``, by the role the author had when writing), when, which
field by its French label, the values as a person writes them (choice labels, dd/mm/yyyy, Oui/Non, a person's name). A masked field
(``rased.historique``) reads « (texte confidentiel modifié) », never a value; technical fields
(keys, timestamps of the row itself, revision counters, frozen documents) are left out.

A state kept in its own history table (a request's, an aid's, a programme's) reads as
« État : … → … » lines through ``ligne_d_etat``; the callers then leave the ``etat`` column out
of the auditlog lines (``sans``), so that a move is told once.

Foreign keys are named with one query per related model, whatever the number of entries
(``LogEntry.changes_display_dict`` reads one row per value). The callers read the entries
in one query (``entrees_des_objets``) and say which fields a reader may not see (``garder``).
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone

from eleves.enums import Role
from rased.formats import nombre_fr
from rased.historique import MASQUE

PSYCHOLOGUE_NEUTRE = "Un psychologue de l'Éducation nationale"
TEXTE_CONFIDENTIEL = "(texte confidentiel modifié)"
VIDE = "(vide)"
SANS_AUTEUR = "Opération automatique"
COMPTE_SUPPRIME = "Une personne dont le compte a été supprimé"
# Columns that record the row's own life, not what a person wrote in it.
CHAMPS_TECHNIQUES = frozenset({"id", "cree_le", "modifie_le", "revision", "instantane"})
# A long text is cut on the lines (the record's page prints it whole).
LONGUEUR_MAX = 200

# (model, field) → the choices of a JSON list of codes (a request's domains, a class's levels):
# filled by each app's ``historique.py`` beside the registration (``listes_de_choix``).
_LISTES: dict[tuple[type, str], type[models.Choices]] = {}


def listes_de_choix(modele, **champs: type[models.Choices]) -> None:
    """Declare the JSON fields of ``modele`` that hold lists of codes of these choices."""
    for nom, choix in champs.items():
        _LISTES[(modele, nom)] = choix


@dataclass(frozen=True)
class Changement:
    champ: str
    avant: str = ""
    apres: str = ""
    masque: bool = False

    def __str__(self) -> str:
        if self.masque:
            return f"{self.champ} : {TEXTE_CONFIDENTIEL}"
        if not self.avant:
            return f"{self.champ} : {self.apres}"  # a state history's first step
        return f"{self.champ} : {self.avant} → {self.apres}"


@dataclass(frozen=True)
class LigneHistorique:
    """One readable line: « le 04/12/2026 à 16 h 45 — Marie Durand — Modification (Demande…) »."""

    le: datetime
    qui: str
    action: str
    objet: str = ""
    changements: tuple[Changement, ...] = field(default_factory=tuple)

    @property
    def quand(self) -> str:
        return quand(self.le)

    def __str__(self) -> str:
        texte = f"{self.quand} — {self.qui} — {self.action}"
        if self.objet:
            texte += f" ({self.objet})"
        if self.changements:
            texte += " : " + " ; ".join(str(c) for c in self.changements)
        return texte

    def pour_document(self) -> dict:
        """Plain values for a PDF's data (hashed by the right of access: no objects)."""
        return {
            "quand": self.quand, "qui": self.qui, "action": self.action, "objet": self.objet,
            "changements": [str(c) for c in self.changements],
        }


def quand(le: datetime) -> str:
    """« le 04/12/2026 à 16 h 45 », in the local time."""
    local = timezone.localtime(le)
    return f"le {local:%d/%m/%Y} à {local:%H} h {local:%M}"


def qui(personne, *, nomme_les_psychologues: bool) -> str:
    """A person's name; a psychologist, neutral for readers outside the secrecy (the access log's
    word). The role is the account's present one; an auditlog entry written since it keeps the
    role its author had then (``_auteur``)."""
    if personne is None:
        return SANS_AUTEUR
    if personne.role == Role.PSYCHOLOGUE and not nomme_les_psychologues:
        return PSYCHOLOGUE_NEUTRE
    return str(personne)


def _auteur(entree, *, nomme_les_psychologues: bool) -> str:
    """An entry's author as ``qui`` names them, by the role they had when writing it when the entry
    kept it (``par_psychologue``, ``eleves.historique.marquer_l_auteur``); older entries fall back
    on the account's present role."""
    donnees = entree.additional_data if isinstance(entree.additional_data, dict) else {}
    if entree.actor is None or "par_psychologue" not in donnees:
        return qui(entree.actor, nomme_les_psychologues=nomme_les_psychologues)
    if donnees["par_psychologue"] and not nomme_les_psychologues:
        return PSYCHOLOGUE_NEUTRE
    return str(entree.actor)


def ligne_d_etat(*, le, auteur, de: str, vers: str, objet: str = "", nomme_les_psychologues: bool) -> LigneHistorique:
    """A move of a state history table (labels already read): « État : À démarrer → En cours »."""
    changement = Changement("État", de, vers)
    return LigneHistorique(le, qui(auteur, nomme_les_psychologues=nomme_les_psychologues), "Changement d'état",
                           objet, (changement,))


# --- Reading the entries ------------------------------------------------------------------------


def filtre_des_objets(modele, pks=None, *, supprimes_de: tuple[str, object] | None = None) -> Q:
    """The entries of ``modele``'s rows ``pks`` (ids or a subquery of ids); ``supprimes_de``
    (field, value): also its rows deleted since that pointed there (a guardian removed from a
    pupil's file), found by the value the deletion entry kept."""
    type_ = ContentType.objects.get_for_model(modele, for_concrete_model=False)
    filtre = Q(content_type=type_, object_id__in=pks) if pks is not None else Q(pk__in=[])
    if supprimes_de is not None:
        nom, valeur = supprimes_de
        filtre |= Q(content_type=type_, action=LogEntry.Action.DELETE, **{f"changes__{nom}__0": str(valeur)})
    return filtre


def entrees(filtre: Q) -> list:
    """The entries matching ``filtre``, oldest first, with their author: one query."""
    return list(
        LogEntry.objects.filter(filtre).exclude(action=LogEntry.Action.ACCESS)
        .select_related("actor", "content_type").order_by("timestamp", "pk")
    )


def _tout(entree, nom) -> bool:
    return True


def lignes_des_entrees(
    liste: Iterable, *, nomme_les_psychologues: bool, garder: Callable[[object, str], bool] = _tout,
    sans: frozenset[str] = frozenset(), objet: Callable[[object], str] | None = None,
    valeurs_a_la_creation: bool = False,
) -> list[LigneHistorique]:
    """The readable lines of auditlog entries, in their order.

    ``garder(entree, nom)``: whether a field belongs to what the reader reads; a creation or a
    deletion whose fields it all refuses, or a change left with nothing, gives no line (it
    belongs to another part of the file). ``sans``: columns left out quietly (a state told by
    its own history). ``objet(entree)``: what the line names (the model and its ``object_repr``
    by default; ``""`` on a record's own page). ``valeurs_a_la_creation``: a creation line lists
    the values the record was written with (a record never edited afterwards, as the family's
    answers: its creation is its whole history); its masked fields stay out.
    """
    liste = list(liste)
    modeles = {e.pk: ContentType.objects.get_for_id(e.content_type_id).model_class() for e in liste}  # cached
    retenus = []
    for e in liste:
        modele = modeles[e.pk]
        champs, ecartes = [], False
        for nom, valeurs in (e.changes_dict or {}).items():
            champ = _champ(modele, nom)
            if champ is None or nom in sans:
                continue
            if not garder(e, nom):
                ecartes = True
                continue
            champs.append((champ, valeurs))
        if not champs and (ecartes or e.action == LogEntry.Action.UPDATE):
            continue
        retenus.append((e, modele, champs))

    detaillees = {LogEntry.Action.UPDATE, LogEntry.Action.CREATE} if valeurs_a_la_creation else {LogEntry.Action.UPDATE}
    noms = _noms_des_cles([(champ, valeurs) for e, _, champs in retenus if e.action in detaillees
                           for champ, valeurs in champs], nomme_les_psychologues=nomme_les_psychologues)
    lignes = []
    for e, modele, champs in retenus:
        masques = _masques(modele)
        changements = ()
        if e.action == LogEntry.Action.UPDATE:
            changements = tuple(
                Changement(_libelle(champ), masque=True) if champ.name in masques
                else Changement(_libelle(champ), *(_valeur(champ, v, noms) for v in _deux(valeurs)))
                for champ, valeurs in champs
            )
        elif e.action == LogEntry.Action.CREATE and valeurs_a_la_creation:
            changements = tuple(
                Changement(_libelle(champ), "", _valeur(champ, _deux(valeurs)[1], noms))
                for champ, valeurs in champs
                if champ.name not in masques and not _vide(_deux(valeurs)[1])
            )
        auteur = _auteur(e, nomme_les_psychologues=nomme_les_psychologues)
        if e.actor is None and e.actor_email:
            auteur = COMPTE_SUPPRIME  # the account was deleted since (its e-mail is not shown)
        lignes.append(LigneHistorique(
            e.timestamp, auteur, _action(e),
            objet(e) if objet else _objet(e, modele), changements,
        ))
    return lignes


def recentes_d_abord(lignes: Iterable[LigneHistorique]) -> list[LigneHistorique]:
    return sorted(lignes, key=lambda x: x.le, reverse=True)


def _champ(modele, nom):
    """The concrete, editable field ``nom`` of ``modele`` a person writes; None otherwise."""
    if modele is None or nom in CHAMPS_TECHNIQUES:
        return None
    try:
        champ = modele._meta.get_field(nom)
    except FieldDoesNotExist:
        return None
    if not champ.concrete or champ.primary_key or not champ.editable or champ.many_to_many:
        return None
    return champ


def _masques(modele) -> frozenset[str]:
    if modele is None or not auditlog.contains(modele):
        return frozenset()
    return frozenset(auditlog.get_model_fields(modele)["mask_fields"] or ())


def _action(e) -> str:
    if e.action == LogEntry.Action.CREATE:
        return "Création"
    if e.action == LogEntry.Action.DELETE:
        motif = (e.additional_data or {}).get("motif") if isinstance(e.additional_data, dict) else None
        return f"Suppression (motif : {motif})" if motif else "Suppression"
    return "Modification"


def _objet(e, modele) -> str:
    if modele is None:
        return e.object_repr
    nom = str(modele._meta.verbose_name)
    if e.object_repr.lower().startswith(nom.lower()):
        return e.object_repr  # « Objectif n° 2 », « Séance du 04/12/2026 »
    return f"{nom[:1].upper()}{nom[1:]} — {e.object_repr}"


def _libelle(champ) -> str:
    nom = str(champ.verbose_name)
    return f"{nom[:1].upper()}{nom[1:]}"


def _deux(valeurs) -> tuple:
    """An entry keeps [before, after]; a many-to-many change keeps a dict (not registered here)."""
    if isinstance(valeurs, (list, tuple)) and len(valeurs) == 2:
        return tuple(valeurs)
    return (None, valeurs)


def _vide(valeur) -> bool:
    return valeur is None or valeur in ("None", "", "null", "[]")


def _noms_des_cles(champs_et_valeurs, *, nomme_les_psychologues: bool) -> dict[tuple[type, str], str]:
    """(related model, key) → its name, for every foreign key value of the lines: one query per
    related model. A psychologist (a référent, a validator) is named as the author is (``qui``)."""
    cles = defaultdict(set)
    for champ, valeurs in champs_et_valeurs:
        if champ.is_relation:
            for v in _deux(valeurs):
                if not _vide(v):
                    cles[champ.related_model].add(str(v))
    noms = {}
    for modele, valeurs in cles.items():
        pks = [v for v in valeurs if v.isdigit()] if isinstance(modele._meta.pk, models.AutoField) else list(valeurs)
        for objet in modele._default_manager.filter(pk__in=pks):
            personne = objet if hasattr(objet, "role") else None
            noms[(modele, str(objet.pk))] = (
                qui(personne, nomme_les_psychologues=nomme_les_psychologues) if personne else str(objet)
            )
    return noms


def _valeur(champ, valeur, noms) -> str:
    """A stored value as a person reads it."""
    if _vide(valeur):
        return VIDE
    if valeur == MASQUE:
        return TEXTE_CONFIDENTIEL
    if champ.is_relation:
        return noms.get((champ.related_model, str(valeur)), "(élément supprimé)")
    if champ.choices:
        libelles = {str(k): str(v) for k, v in champ.flatchoices}
        return libelles.get(str(valeur), str(valeur))
    if isinstance(champ, models.BooleanField):
        return {"True": "Oui", "False": "Non"}.get(str(valeur), str(valeur))
    if isinstance(champ, models.DateTimeField):
        return _date_heure(valeur)
    if isinstance(champ, models.DateField):
        return _date(valeur)
    if isinstance(champ, models.JSONField):
        return _liste(champ, valeur)
    if isinstance(champ, models.DecimalField):
        try:
            return nombre_fr(Decimal(str(valeur)))
        except InvalidOperation:
            return str(valeur)
    texte = " ".join(str(valeur).split())
    return texte if len(texte) <= LONGUEUR_MAX else texte[: LONGUEUR_MAX - 1] + "…"


def _date(valeur) -> str:
    try:
        return date.fromisoformat(str(valeur)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(valeur)


def _date_heure(valeur) -> str:
    """auditlog keeps a date and time in UTC, without its offset."""
    try:
        moment = datetime.fromisoformat(str(valeur))
    except ValueError:
        return str(valeur)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return quand(moment).removeprefix("le ")


def _liste(champ, valeur) -> str:
    try:
        codes = json.loads(valeur) if isinstance(valeur, str) else valeur
    except ValueError:
        return str(valeur)
    if not isinstance(codes, list):
        return str(valeur)
    if not codes:
        return VIDE
    choix = _LISTES.get((champ.model, champ.name))
    libelles = {str(k): str(v) for k, v in choix.choices} if choix else {}
    return ", ".join(libelles.get(str(c), str(c)) for c in codes)
