"""Names in French alphabetical order, in one place for every list of people, schools and classes.

The order is ICU's for French: letters first, accents and case ignored (« GUÉRIN » before
« GUILLAUME », « Émile » among the E's, « Œ » as « OE »), then accents, then case (lower case
first) to part names spelt alike. Spaces and punctuation count, below every letter: names are
filed word by word, as in a directory (« de la Fontaine » before « Delacroix », « Le Gall »
before « Leblanc », « Jean-Pierre » before « Jeanne »).

- PostgreSQL: the ICU collation ``francais`` (created by migration ``eleves/0016``), named in
  SQL by ``alphabetique(champ)`` and by the models' ``Meta.ordering``.
- SQLite (the demo's database): the same name, registered on every new connection as a Python
  comparison (``comparer``) built on ``cle``, which follows the same rules (tested against
  PostgreSQL on a list of awkward names in ``tests/eleves/test_alphabetique.py``).
- Python lists sorted after the query (a document's rows gathered from several tables): ``cle``.
"""

import unicodedata
from functools import lru_cache

from django.db.models import F, OrderBy
from django.db.models.functions import Collate

COLLATION = "francais"

# ICU's order of the common spaces and punctuation marks, all below the digits and letters
# (CLDR root: whitespace < punctuation < symbols < currency < digits < letters).
_PONCTUATION = " _-,;:!?.'’\"«»()[]{}@*/\\&#%`^+<=>|~$"
_RANG = {c: chr(1 + i) for i, c in enumerate(_PONCTUATION)}
_AUTRE_SIGNE = chr(1 + len(_PONCTUATION))  # any other sign: after those, before the digits
# Second level: a plain letter or sign, then the accents in ICU's order (acute, grave, breve,
# circumflex, caron, ring, diaeresis, double acute, tilde, dot, cedilla, ogonek, macron), then
# the mark of a ligature (« Œ » is « OE » at the first level, after every accented « OE »).
_SANS_ACCENT = "\x05"
_ACCENTS = {c: chr(0x10 + i) for i, c in enumerate("\u0301\u0300\u0306\u0302\u030c\u030a\u0308\u030b\u0303\u0307"
                                                   "\u0327\u0328\u0304")}
_AUTRE_ACCENT = chr(0x10 + len(_ACCENTS))
_LIGATURE = chr(0x30)
_LIGATURES = {"œ": "oe", "æ": "ae"}
# Letters whose stroke NFD does not take apart (« Łukasz » among the L's): a mark after the accents.
_BARREES = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h"}
_BARRE = chr(0x10 + len(_ACCENTS) + 1)


def alphabetique(champ: str, *, descending: bool = False) -> OrderBy:
    """``order_by(alphabetique("nom"))``: the field (or lookup, « eleve__nom ») in French order."""
    expression = Collate(F(champ), COLLATION)
    return expression.desc() if descending else expression.asc()


def ordre_alphabetique(*champs: str) -> list[OrderBy]:
    """The ordering of ``champs`` in turn, each in French order (for ``order_by(*…)`` and Meta)."""
    return [alphabetique(champ) for champ in champs]


@lru_cache(maxsize=8192)
def cle(texte: str) -> tuple[str, str, str, str]:
    """Sort key of ``texte`` by the rules above: letters without accents or case, then accents,
    then case (swapped: lower case sorts first), then the text itself (as PostgreSQL's
    deterministic collations part the last ties by their bytes)."""
    etale = unicodedata.normalize("NFD", texte)
    lettres, accents = [], []
    for c in etale:
        if unicodedata.combining(c):
            accents.append(_ACCENTS.get(c, _AUTRE_ACCENT))
        elif (double := _LIGATURES.get(c.lower())) is not None:
            lettres.append(double)
            accents.append(_SANS_ACCENT + _LIGATURE + _SANS_ACCENT)
        elif (base := _BARREES.get(c.lower())) is not None:
            lettres.append(base)
            accents.append(_SANS_ACCENT + _BARRE)
        elif c.isalnum():
            minuscule = c.casefold()
            lettres.append(minuscule)
            accents.append(_SANS_ACCENT * len(minuscule))
        else:
            lettres.append(_RANG.get(c, _AUTRE_SIGNE))
            accents.append(_SANS_ACCENT)
    casse = "".join(_ligature_etalee(c) for c in etale).swapcase()
    return "".join(lettres), "".join(accents), casse, texte


def _ligature_etalee(c: str) -> str:
    double = _LIGATURES.get(c.lower())
    return c if double is None else double.upper() if c.isupper() else double


def comparer(a: str, b: str) -> int:
    """SQLite's collation function: negative, zero or positive, as ``cle`` orders ``a`` and ``b``."""
    ka, kb = cle(a), cle(b)
    return (ka > kb) - (ka < kb)


def installer_sur_sqlite(sender, connection, **kwargs):
    """``connection_created`` receiver: SQLite learns the collation ``francais`` (PostgreSQL has
    it from the migration)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, comparer)
