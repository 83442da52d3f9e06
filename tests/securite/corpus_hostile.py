"""« Trust » issue, proof 4: hostile text, stored in every text field, and the checks of what comes back.

- ``CHARGES``: the corpus (markup, event handlers, ``javascript:`` links, SVG, template syntax,
  spreadsheet formulas, right-to-left and combining characters, a very long word). Every payload
  that could run sets ``window.__pwned`` or calls ``alert`` with a ``pwned`` argument, so that an
  execution, an injected element or attribute is recognisable.
- ``champs_texte()``: every user-writable text field of the ``eleves`` and ``aides`` models, found
  by introspection (a new field is covered without touching this file).
- ``stocker_partout()``: writes a payload mix into each of those fields of every row.
- ``injections(html)``: what the HTML parser finds that only a payload could have produced.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.db import IntegrityError, models, transaction

from aides.models import Programme
from aides.pdf.programme import donnees_programme

MARQUEUR = "pwned"

CHARGES = [
    "<script>alert('pwned-1')</script>",
    '<img src=x onerror="window.__pwned=2;alert(\'pwned-2\')">',
    '<svg onload="window.__pwned=3"><circle r="9"/></svg>',
    '"><script>window.__pwned=4</script>',
    "' autofocus onfocus='window.__pwned=5' x='",
    '" autofocus onfocus="window.__pwned=6" x="',
    "javascript:window.__pwned=7",
    '<a href="javascript:window.__pwned=8">lien-pwned</a>',
    '<iframe srcdoc="<script>parent.__pwned=9</script>"></iframe>',
    "</textarea><script>window.__pwned=10</script>",
    "</title><style>body{background:url(https://pwned.invalid/x)}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=11>",
    '<object data="javascript:window.__pwned=12"></object><base href="https://pwned.invalid/">',
    "tpl-{{7*7}}-tpl",
    "tpl-{% now 'Y' %}-tpl",
    "tpl-${7*7}-tpl",
    '=HYPERLINK("https://pwned.invalid","x")',
    "+SUM(1;2)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "\u202egnp.exe\u202c",  # right-to-left override
    "مرحبا עברית",  # right-to-left scripts
    "Z\u0351\u0308\u0324a\u0334\u0301l\u0360go",  # combining characters
    "L" * 1200,  # a very long word
]

# What a rendered template would have made of the template payloads.
GABARITS_EVALUES = ("tpl-49-tpl", "tpl-2026-tpl", "tpl-2027-tpl")

# Raw markup that must never reach an HTML page unescaped.
BRUTS = [c for c in CHARGES if "<" in c and MARQUEUR in c]

# Not user-writable text, or not text a person types: credentials, addresses checked as e-mail
# addresses (a form never lets anything else in; mail sending would refuse them), codes copied
# from a list, and the access log (written by the application, unalterable).
EXCLUS = {
    "eleves.utilisateur": {"password", "username", "email"},
    "eleves.responsablelegal": {"email"},
    "aides.demandeaide": {"niveau"},  # the level code copied from the enrolment
    "eleves.journalacces": "*",
}


@dataclass
class Champ:
    modele: type
    nom: str
    max_length: int | None

    @property
    def libelle(self) -> str:
        return f"{self.modele._meta.label_lower}.{self.nom}"


def champs_texte() -> list[Champ]:
    """Every editable CharField/TextField without choices of the two apps, exclusions aside.

    JSON fields of these models hold lists of codes (levels, domains, strategies, obstacles):
    they stay valid; the JSON snapshot of a validated programme is rebuilt from the hostile texts.
    """
    champs = []
    for app in ("eleves", "aides"):
        for modele in apps.get_app_config(app).get_models():
            exclus = EXCLUS.get(modele._meta.label_lower, set())
            if exclus == "*":
                continue
            for f in modele._meta.concrete_fields:
                if (isinstance(f, (models.CharField, models.TextField)) and f.editable and not f.choices
                        and not isinstance(f, models.EmailField) and f.name not in exclus):
                    champs.append(Champ(modele, f.name, f.max_length))
    return champs


# Payloads per field: enough to mix them, few enough to keep the documents short (PDF text
# extraction is the slow part of the proof).
PAR_CHAMP = 5


def valeur(rang: int, max_length: int | None) -> tuple[str, int]:
    """``PAR_CHAMP`` payloads from ``rang`` on (so that fields and rows get different ones), joined
    and cut to ``max_length``; returns the value and how many payloads it holds whole."""
    tournees = (CHARGES[rang % len(CHARGES):] + CHARGES[:rang % len(CHARGES)])[:PAR_CHAMP]
    texte, entieres = "", 0
    for charge in tournees:
        suivant = f"{texte} {charge}" if texte else charge
        if max_length and len(suivant) > max_length:
            return (suivant[:max_length] if not texte else texte), entieres
        texte, entieres = suivant, entieres + 1
    return texte, entieres


@dataclass
class Stockage:
    champs: list[Champ] = field(default_factory=list)
    lignes: int = 0
    charges_x_champs: int = 0
    sans_ligne: list[str] = field(default_factory=list)
    refus_base: set[str] = field(default_factory=set)  # fields whose constraint refused payloads


def stocker_partout() -> Stockage:
    """Write a payload mix into every text field of every row, through the ORM (``update``: no
    ``save()`` side effect), then rebuild the frozen snapshot of validated programmes."""
    bilan = Stockage(champs=champs_texte())
    par_modele: dict[type, list[Champ]] = {}
    for champ in bilan.champs:
        par_modele.setdefault(champ.modele, []).append(champ)
    for modele, champs in par_modele.items():
        pks = list(modele._default_manager.order_by("pk").values_list("pk", flat=True))
        if not pks:
            bilan.sans_ligne += [c.libelle for c in champs]
            continue
        for ligne, pk in enumerate(pks):
            valeurs, entieres = {}, {}
            for rang, champ in enumerate(champs):
                valeurs[champ.nom], entieres[champ.nom] = valeur(rang + 7 * ligne, champ.max_length)
            try:
                with transaction.atomic():
                    modele._default_manager.filter(pk=pk).update(**valeurs)
                bilan.charges_x_champs += sum(entieres.values())
            except IntegrityError:
                # A database constraint (a code's format) refuses a payload: field by field then.
                for nom, texte in valeurs.items():
                    try:
                        with transaction.atomic():
                            modele._default_manager.filter(pk=pk).update(**{nom: texte})
                        bilan.charges_x_champs += entieres[nom]
                    except IntegrityError:
                        bilan.refus_base.add(f"{modele._meta.label_lower}.{nom}")
            bilan.lignes += 1
    for programme in Programme.objects.exclude(instantane=None):
        Programme.objects.filter(pk=programme.pk).update(instantane=donnees_programme(programme))
    return bilan


# --- What only a payload could have produced in a page ------------------------------------------

# The project has no inline script, no inline style and no event handler (strict CSP), so any of
# them is an injection; so is a URL attribute running script, and any tag or attribute carrying
# the marker.
_ATTRIBUTS_URL = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster", "background"}


class _Analyseur(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.injections: list[str] = []
        self.texte: list[str] = []
        self._dans: str | None = None

    def handle_starttag(self, tag, attrs):
        if MARQUEUR in tag or tag in ("iframe", "object", "embed", "base", "math"):
            self.injections.append(f"élément <{tag}>")
        for nom, val in attrs:
            val = val or ""
            if nom.startswith("on") or MARQUEUR in nom:
                self.injections.append(f"attribut {nom} sur <{tag}>")
            elif nom in _ATTRIBUTS_URL and val.strip().lower().startswith(("javascript:", "data:text/html")):
                self.injections.append(f"{nom}={val[:40]!r} sur <{tag}>")
            elif nom in _ATTRIBUTS_URL | {"style"} and MARQUEUR in val:
                self.injections.append(f"{nom}={val[:40]!r} sur <{tag}>")
        if tag == "script" and not dict(attrs).get("src"):
            self.injections.append("<script> en ligne")
        if tag == "style":
            self.injections.append("<style> en ligne")
        if tag in ("script", "style", "title", "textarea"):
            self._dans = tag

    def handle_endtag(self, tag):
        if tag == self._dans:
            self._dans = None

    def handle_data(self, data):
        if self._dans in ("script", "style") and MARQUEUR in data:
            self.injections.append(f"{MARQUEUR!r} dans <{self._dans}>")
        self.texte.append(data)


@dataclass
class Examen:
    injections: list[str]
    texte: str


def examiner(html: str) -> Examen:
    analyseur = _Analyseur()
    analyseur.feed(html)
    analyseur.close()
    injections = list(analyseur.injections)
    injections += [f"brut {b[:30]!r}" for b in BRUTS if b in html]
    texte = "".join(analyseur.texte)
    injections += [f"gabarit évalué {g!r}" for g in GABARITS_EVALUES if g in texte]
    return Examen(injections=injections, texte=texte)
