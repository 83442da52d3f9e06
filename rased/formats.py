"""Numbers and durations written the French way, for pages, PDFs and CSVs (no framework here)."""

from decimal import Decimal


def nombre_fr(valeur: float | Decimal | None, decimales: int | None = None, *, signe: bool = False) -> str:
    """A decimal comma and no useless zeros: 41.50 → « 41,5 », 3.0 → « 3 »; None → "" (not measured).

    ``decimales``: rounded to that many decimals first (2.25 → « 2,2 » with 1). Without it a
    Decimal keeps its digits and a float at most six decimals. ``signe``: « + » before a
    positive number (an evolution: « +4,5 »).
    """
    if valeur is None:
        return ""
    texte = f"{valeur:f}" if decimales is None else f"{valeur:.{decimales}f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    texte = texte.replace(".", ",")
    return f"+{texte}" if signe and valeur > 0 else texte


def duree_fr(minutes: int) -> str:
    """Minutes as hours and minutes: 90 → « 1 h 30 », 5 → « 0 h 05 »."""
    return f"{minutes // 60} h {minutes % 60:02d}"
