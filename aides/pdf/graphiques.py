"""Charts drawn on the server as SVG: readable without JavaScript, with a text alternative.

The same markup goes into the pages (inline SVG, allowed by the CSP) and the PDFs.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

from rased.formats import nombre_fr

COULEURS = ("#1f4e79", "#2e8b57", "#c0504d", "#8064a2", "#f39c12", "#4bacc6")


@dataclass(frozen=True)
class Barre:
    libelle: str
    valeur: float
    texte_valeur: str = ""


def histogramme(barres: list[Barre], *, titre: str, maximum: float | None = None, largeur: int = 480) -> str:
    """Horizontal bars, one per label; the title and every value are also in the SVG's text."""
    hauteur_barre, marge_gauche, marge = 22, 190, 8
    hauteur = marge * 2 + len(barres) * (hauteur_barre + 6) + 20
    plus_grand = maximum or max((b.valeur for b in barres), default=0) or 1
    utile = largeur - marge_gauche - 60
    resume = "; ".join(f"{b.libelle} : {b.texte_valeur or nombre_fr(b.valeur)}" for b in barres)
    lignes = []
    for i, barre in enumerate(barres):
        y = marge + 20 + i * (hauteur_barre + 6)
        longueur = max(0.0, barre.valeur) / plus_grand * utile
        lignes.append((
            marge_gauche - 6, y + 15, barre.libelle,
            marge_gauche, y, f"{longueur:.1f}", hauteur_barre, COULEURS[i % len(COULEURS)],
            marge_gauche + longueur + 4, y + 15, barre.texte_valeur or nombre_fr(barre.valeur),
        ))
    corps = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11">{}</text>',
        lignes,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'aria-label="{}" class="graphique"><title>{}</title><desc>{}</desc>'
        '<text x="{}" y="{}" font-size="12" font-weight="bold">{}</text>{}</svg>',
        largeur, hauteur, largeur, hauteur, f"{titre} — {resume}", titre, resume, marge, marge + 8, titre, corps,
    )


# --- Grouped bars (one group per label, one bar per series), on an ordinal or numeric scale -----


@dataclass(frozen=True)
class Groupe:
    """One label and its value in each series (``None``: not measured, drawn as no bar)."""

    libelle: str
    valeurs: tuple[float | None, ...]
    textes: tuple[str, ...] = ()

    def texte(self, i: int) -> str:
        if i < len(self.textes) and self.textes[i]:
            return self.textes[i]
        valeur = self.valeurs[i]
        return "non renseigné" if valeur is None else nombre_fr(valeur)


def _abrege(texte: str, longueur: int) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def barres_groupees(
    groupes: list[Groupe],
    *,
    titre: str,
    series: tuple[str, ...] = ("",),
    maximum: float | None = None,
    graduations: tuple[tuple[float, str], ...] = (),
    legende_echelle: str = "",
    largeur: int = 600,
    marge_gauche: int = 190,
) -> str:
    """Horizontal bars grouped by label, e.g. a skill's mastery at the start and now.

    With one series it is a plain bar chart. ``graduations`` draws light vertical lines with
    short labels under the chart (the steps of an ordinal scale: 1 = non atteint…). Long labels
    are shortened in the drawing only: the SVG's ``<desc>`` (its text alternative) keeps them
    whole, with every value as text and ``legende_echelle`` explaining the scale.
    Every text goes through ``format_html``: user text is escaped; presentation attributes
    only (no ``style=``), which the Content-Security-Policy allows in a page.
    """
    marge, hauteur_barre, ecart, espace_groupe = 8, 14, 2, 10
    plusieurs = len(series) > 1
    plus_grand = maximum or max((v for g in groupes for v in g.valeurs if v is not None), default=0) or 1
    utile = largeur - marge_gauche - 150
    haut = marge + 22 + (18 if plusieurs else 0)
    elements = []
    if plusieurs:
        x = marge
        for i, serie in enumerate(series):
            elements.append(format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" font-size="10">{}</text>',
                x, marge + 20, COULEURS[i % len(COULEURS)], x + 14, marge + 29, serie,
            ))
            x += 14 + int(len(serie) * 6) + 16
    hauteur_groupe = len(series) * (hauteur_barre + ecart)
    bas = haut + len(groupes) * (hauteur_groupe + espace_groupe) - espace_groupe + 4
    # The scale first, so that the bars and their values are drawn over it.
    for valeur, libelle in graduations:
        x = f"{marge_gauche + valeur / plus_grand * utile:.1f}"
        elements.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#bbb" stroke-width="0.6" stroke-dasharray="2 2"/>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="9" fill="#333">{}</text>',
            x, haut - 4, x, bas, x, bas + 11, libelle,
        ))
    elements.append(format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#666" stroke-width="0.8"/>', marge_gauche, haut - 4,
        marge_gauche, bas,
    ))
    y = haut
    for groupe in groupes:
        elements.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>',
            marge_gauche - 6, y + hauteur_groupe / 2 + 4, _abrege(groupe.libelle, (marge_gauche - 12) // 6),
        ))
        for i, valeur in enumerate(groupe.valeurs):
            yb = y + i * (hauteur_barre + ecart)
            longueur = 0.0 if valeur is None else max(0.0, valeur) / plus_grand * utile
            if valeur is not None:
                elements.append(format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    marge_gauche, yb, f"{longueur:.1f}", hauteur_barre, COULEURS[i % len(COULEURS)],
                ))
            elements.append(format_html(
                '<text x="{}" y="{}" font-size="10" fill="{}">{}</text>',
                f"{marge_gauche + longueur + 4:.1f}", yb + 11, "#111" if valeur is not None else "#555",
                groupe.texte(i),
            ))
        y += hauteur_groupe + espace_groupe
    hauteur = bas + (16 if graduations else 0) + marge
    resume = " ; ".join(
        f"{g.libelle} : " + ", ".join(
            f"{serie} {g.texte(i)}".strip() if serie else g.texte(i) for i, serie in enumerate(series)
        )
        for g in groupes
    )
    if legende_echelle:
        resume = f"{resume}. {legende_echelle}" if resume else legende_echelle
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'aria-label="{}" class="graphique img-fluid"><title>{}</title><desc>{}</desc>'
        '<text x="{}" y="{}" font-size="12" font-weight="bold">{}</text>{}</svg>',
        largeur, hauteur, largeur, hauteur, f"{titre} — {resume}", titre, resume,
        marge, marge + 8, titre, format_html_join("", "{}", ((e,) for e in elements)),
    )
