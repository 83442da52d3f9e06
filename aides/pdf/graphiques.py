"""Charts drawn on the server as SVG: readable without JavaScript, with a text alternative.

The same markup goes into the pages (inline SVG, allowed by the CSP) and the PDFs.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

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
    resume = "; ".join(f"{b.libelle} : {b.texte_valeur or _nombre(b.valeur)}" for b in barres)
    lignes = []
    for i, barre in enumerate(barres):
        y = marge + 20 + i * (hauteur_barre + 6)
        longueur = max(0.0, barre.valeur) / plus_grand * utile
        lignes.append((
            marge_gauche - 6, y + 15, barre.libelle,
            marge_gauche, y, f"{longueur:.1f}", hauteur_barre, COULEURS[i % len(COULEURS)],
            marge_gauche + longueur + 4, y + 15, barre.texte_valeur or _nombre(barre.valeur),
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


def _nombre(valeur: float) -> str:
    return f"{valeur:g}".replace(".", ",")
