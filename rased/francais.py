"""French wording that reads right: elision, agreement with a count or a sex, durations, names
that already carry their noun, states with their date. Pure functions (no framework here); the
template filters of ``rased/templatetags/francais.py`` call them, and so do the PDFs' data.

Choices, written down once:

- Elision before a first name (« le dossier d'Enzo », « de Louis »): before a vowel, accented or
  not (« d'Élodie »); before Y followed by a consonant (« d'Yves », « de Yanis »); before H only
  for the first names of ``H_MUETS``, those whose h is silent in French use (« d'Hugo »,
  « d'Hélène »), every other H stays aspirated (« de Hamza »): eliding wrongly shocks more than
  not eliding.
- A count agrees the French way: singular below 2 (« 1 séance », « 0,5 heure »), « aucune séance »
  for none, « 2 séances » (never « séance(s) »). The noun is given with its article, which tells
  its gender for the zero: « une séance », « un élève ».
- A waiting time is counted in calendar days: « depuis aujourd'hui », « depuis 1 jour », up to 13
  days, then whole weeks (« depuis 3 semaines »), from 60 days whole months, from 365 days whole
  years, rounded down (a request waiting 20 days waits « depuis 2 semaines »).
"""

import re
import unicodedata
from datetime import date, datetime

from rased.formats import nombre_fr

# First names whose initial h is silent (elided: « d'Hugo »). Any other h is treated as aspirated.
H_MUETS = frozenset({
    "hadrien", "hannah", "hector", "helene", "heloise", "helios", "henri", "henriette", "hermine",
    "herve", "hilaire", "hippolyte", "honore", "hortense", "hubert", "hugo", "hugues",
})
_VOYELLES = frozenset("aeiou")
# Words that end the part of a noun group taking the plural: « séance de 45 min » → « séances de 45 min ».
_MOTS_INVARIABLES = frozenset({"de", "du", "des", "à", "au", "aux", "en", "par", "pour", "sur", "sans", "avec"})
_SINGULIER_ZERO = {"un": "aucun", "une": "aucune"}
_PLURIELS_EN_S = frozenset({"bal", "carnaval", "festival", "récital", "régal", "bleu", "pneu"})


def sans_accents(texte: str) -> str:
    """« Hélène » → « Helene »: for comparisons only, never for display."""
    return "".join(c for c in unicodedata.normalize("NFD", texte) if not unicodedata.combining(c))


def _premier_mot(texte: str) -> str:
    return re.split(r"[\s\-’']", texte.strip(), maxsplit=1)[0]


def s_elide(mot: str) -> bool:
    """Whether « de », « le », « que »… drop their vowel before ``mot`` (a first name, a noun)."""
    premier = sans_accents(_premier_mot(mot)).lower()
    if not premier:
        return False
    initiale = premier[0]
    if initiale in _VOYELLES or initiale in "œæ":
        return True
    if initiale == "y":  # Yves, Ylan: a vowel sound; Yanis, Yasmine: a consonant one
        return len(premier) > 1 and premier[1] not in _VOYELLES
    if initiale == "h":
        return premier in H_MUETS
    return False


def de(nom: str) -> str:
    """« de Louis », « d'Enzo », « d'Hugo », « de Yanis »: the preposition before a name."""
    nom = str(nom).strip()
    return f"d'{nom}" if s_elide(nom) else f"de {nom}"


def _pluriel_mot(mot: str) -> str:
    bas = mot.lower()
    if not bas or bas[-1] in "sxz" or not bas[-1].isalpha():
        return mot
    if bas in _PLURIELS_EN_S:
        return mot + "s"
    if bas.endswith(("au", "eau", "eu")):
        return mot + "x"
    if bas.endswith("al"):
        return mot[:-1] + "ux"
    return mot + "s"


def pluriel(groupe: str) -> str:
    """« séance » → « séances », « demande envoyée » → « demandes envoyées », « séance de 45 min »
    → « séances de 45 min »: each word up to the first preposition or elided word takes the plural.
    Other groups give their plural themselves (see ``quantite``)."""
    mots = groupe.split(" ")
    for i, mot in enumerate(mots):
        if mot.lower() in _MOTS_INVARIABLES or "'" in mot or "’" in mot:
            break
        mots[i] = _pluriel_mot(mot)
    return " ".join(mots)


def _est_pluriel(n) -> bool:
    """French agreement: plural from 2 on (« 1,5 heure », « 2 heures »)."""
    return abs(n) >= 2


def _lire_groupe(groupe: str) -> tuple[str, str, str]:
    """« une séance » → (« une », « séance », « séances »); « un code/codes de secours » gives its plural."""
    singulier, _, pluriel_donne = groupe.partition("/")
    article, _, nom = singulier.strip().partition(" ")
    if article not in _SINGULIER_ZERO:
        raise ValueError(f"Le groupe « {groupe} » doit commencer par « un » ou « une ».")
    return article, nom, pluriel_donne.strip() or pluriel(nom)


def quantite(n, groupe: str) -> str:
    """A count and its noun, agreed: ``quantite(2, "une séance")`` → « 2 séances », 1 → « 1 séance »,
    0 → « aucune séance ». ``groupe`` starts with its article (« un », « une »: the gender of
    « aucun(e) »); an irregular plural follows a slash: « un code de secours utilisable/codes de
    secours utilisables ». None (not counted) → "".
    """
    if n is None:
        return ""
    article, nom, nom_pluriel = _lire_groupe(groupe)
    if n == 0:
        return f"{_SINGULIER_ZERO[article]} {nom}"
    return f"{nombre_fr(n)} {nom_pluriel if _est_pluriel(n) else nom}"


def accorde(n, mot: str, pluriel_donne: str = "") -> str:
    """The word alone, agreed with ``n``: (1, « Enseignant ») → « Enseignant », (2, …) → « Enseignants »;
    none is singular too (« Enseignant : non renseigné »)."""
    if n is not None and _est_pluriel(n):
        return pluriel_donne or pluriel(mot)
    return mot


def accorde_personnes(mot: str, *, feminin: bool, plusieurs: bool) -> str:
    """An adjective or participle agreed with the people addressed (« vous »): « informé » →
    « informée » (Madame), « informés » (Madame et Monsieur), « informées » (Mesdames); « libre » →
    « libres ». Mixed company takes the masculine."""
    if feminin and not mot.endswith("e"):
        mot += "e"
    return _pluriel_mot(mot) if plusieurs else mot


def selon_sexe(sexe: str | None, masculin: str, feminin: str, inconnu: str = "") -> str:
    """« né » or « née » after the pupil's sex (« F » or « M », as ``eleves.enums.Sexe``).
    ``inconnu``: what a document frozen before its data held the sex prints (else the masculine)."""
    if sexe == "F":
        return feminin
    if sexe == "M" or not inconnu:
        return masculin
    return inconnu


def anciennete(jours: int) -> str:
    """How long, in words, for ``jours`` calendar days: « aujourd'hui », « 1 jour », « 3 semaines »,
    « 2 mois », « 1 an » (rounded down; see the module's docstring)."""
    if jours <= 0:
        return "aujourd'hui"
    if jours < 14:
        return quantite(jours, "un jour")
    if jours < 60:
        return quantite(jours // 7, "une semaine")
    if jours < 365:
        return f"{jours // 30} mois"
    return quantite(jours // 365, "un an")


def jours_depuis(debut: date | datetime, aujourd_hui: date) -> int:
    """Calendar days from ``debut`` (a date, or an aware datetime already in local time) to ``aujourd_hui``."""
    if isinstance(debut, datetime):
        debut = debut.date()
    return (aujourd_hui - debut).days


def depuis(jours: int) -> str:
    """« depuis aujourd'hui », « depuis 1 jour », « depuis 3 semaines »: after « en attente »."""
    return f"depuis {anciennete(jours)}"


def avec_nom(mot: str, nom) -> str:
    """« secteur » and « Nord » → « secteur Nord »; a name that already starts with the word is
    printed alone: « Secteur Nord », never « secteur Secteur Nord ». None or "" → ""."""
    nom = str(nom or "").strip()
    if not nom:
        return ""
    if sans_accents(_premier_mot(nom)).lower() == sans_accents(mot).lower():
        return nom
    return f"{mot} {nom}"


def date_fr(valeur) -> str:
    """04/12/2026; a text is taken as already written (the PDFs' data hold dates as text)."""
    if not valeur:
        return ""
    if isinstance(valeur, str):
        return valeur
    return valeur.strftime("%d/%m/%Y")


def etat_le(etat: str, valeur) -> str:
    """A state with its date: (« validée », 2026-12-04) → « validée le 04/12/2026 »; no date → the state alone."""
    quand = date_fr(valeur)
    return f"{etat} le {quand}" if quand else etat
