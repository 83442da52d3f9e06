"""French wording in templates (pages and PDFs): thin filters over ``rased.francais``.

A built-in library (``TEMPLATES["OPTIONS"]["builtins"]`` in settings): every template may use
these filters without ``{% load %}``. A name typed by a user is escaped; only the words added
here (« d' », « aujourd'hui ») are marked safe, so an apostrophe prints as itself.
"""

import html
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from rased import francais

register = template.Library()


def _echappe(texte, autoescape: bool) -> str:
    return conditional_escape(texte) if autoescape else str(texte)


def _litteral(texte: str) -> str:
    """Words of the template itself (« une ligne d'élève lue »): escaped all but the apostrophe,
    harmless in text and in the double-quoted attributes the templates use."""
    return mark_safe(html.escape(texte, quote=False).replace('"', "&quot;"))


@register.filter(needs_autoescape=True)
def de(nom, autoescape=True):
    """``le dossier {{ eleve.prenom|de }}`` → « le dossier d'Enzo », « … de Louis »."""
    nom = str(nom).strip()
    prefixe = "d'" if francais.s_elide(nom) else "de "
    return mark_safe(prefixe + _echappe(nom, autoescape))


@register.filter
def quantite(n, groupe: str) -> str:
    """``{{ nb|quantite:"une séance" }}`` → « aucune séance », « 1 séance », « 2 séances »."""
    return _litteral(francais.quantite(n, groupe))


@register.filter
def accorde(n, mots: str) -> str:
    """``{{ enseignants|length|accorde:"Enseignant" }}``: the word alone, singular below 2;
    ``"Travail/Travaux"`` gives the plural."""
    mot, _, pluriel = mots.partition("/")
    return _litteral(francais.accorde(n, mot, pluriel))


@register.filter
def selon_sexe(sexe, formes: str) -> str:
    """``{{ eleve.sexe|selon_sexe:"né,née" }}``: the masculine form, then the feminine, then
    optionally the form for an unknown sex (a document frozen before its data held it)."""
    masculin, feminin, inconnu = ([*formes.split(",", 2), "", ""])[:3]
    return _litteral(francais.selon_sexe(sexe, masculin, feminin, inconnu))


@register.filter
def accord(destinataires, mot: str) -> str:
    """``vous en avez été {{ foyer|accord:"informé" }}``: agreed with those the letter addresses,
    a mapping with ``feminin`` (all women) and ``plusieurs`` (more than one)."""
    return _litteral(francais.accorde_personnes(
        mot, feminin=bool(destinataires.get("feminin")), plusieurs=bool(destinataires.get("plusieurs"))
    ))


def _jours(valeur) -> int | None:
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, int):
        return valeur
    if isinstance(valeur, datetime):
        valeur = timezone.localtime(valeur) if timezone.is_aware(valeur) else valeur
    return francais.jours_depuis(valeur, timezone.localdate())


@register.filter
def depuis(valeur) -> str:
    """``en attente {{ demande.envoyee_le|depuis }}`` → « en attente depuis 3 jours »; a number
    is taken as days. Nothing → ""."""
    jours = _jours(valeur)
    return "" if jours is None else _litteral(francais.depuis(jours))


@register.filter
def anciennete(valeur) -> str:
    """The same without « depuis », for a column headed « En attente depuis »."""
    jours = _jours(valeur)
    return "" if jours is None else _litteral(francais.anciennete(jours))


@register.filter(needs_autoescape=True)
def avec_nom(nom, mot: str, autoescape=True):
    """``{{ user.secteur|avec_nom:"secteur" }}`` → « secteur Nord », or « Secteur Nord » alone."""
    texte = francais.avec_nom(mot, nom)
    return mark_safe(_echappe(texte, autoescape))


@register.filter
def etat_le(valeur, etat: str) -> str:
    """``{{ programme.valide_le|etat_le:"validée" }}`` → « validée le 04/12/2026 »."""
    if isinstance(valeur, datetime) and timezone.is_aware(valeur):
        valeur = timezone.localtime(valeur)
    return _litteral(francais.etat_le(etat, valeur))
