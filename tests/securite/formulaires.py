"""Filling a page's POST forms as a browser would, from the HTML alone (fields, options, defaults)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils import timezone

# A plausible value for a field a payload cannot fill (by a fragment of its name).
VALEURS_PLAUSIBLES = {
    "naissance": "12/03/2018", "date": None, "_le": None, "heure": "17:30", "duree": "45",
    "code_postal": "69100", "telephone": "0472000000", "email": "famille@example.org", "ine": "",
    "uai": "0690001A", "estime": "12", "externes": "", "participants": "",
}


@dataclass
class Champ:
    nom: str
    genre: str  # input type, "textarea" or "select"
    valeur: str = ""
    coche: bool = False
    options: list[str] = field(default_factory=list)
    choisies: list[str] = field(default_factory=list)
    multiple: bool = False
    max_length: int | None = None
    invalide: bool = False


@dataclass
class Formulaire:
    action: str
    champs: list[Champ] = field(default_factory=list)
    bouton: tuple[str, str] | None = None

    @property
    def textes(self) -> list[Champ]:
        return [c for c in self.champs if c.genre in ("text", "textarea", "search", "")]


class _Lecteur(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formulaires: list[Formulaire] = []
        self._form: Formulaire | None = None
        self._select: Champ | None = None
        self._textarea: Champ | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Formulaire(action=a.get("action", ""))
            self.formulaires.append(self._form)
        if self._form is None:
            return
        invalide = "is-invalid" in a.get("class", "")
        longueur = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input" and a.get("name"):
            genre = a.get("type", "text").lower()
            if genre == "submit":
                self._form.bouton = self._form.bouton or (a["name"], a.get("value", ""))
            else:
                self._form.champs.append(Champ(a["name"], genre, a.get("value", ""), "checked" in a,
                                               max_length=longueur, invalide=invalide))
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self._form.bouton = self._form.bouton or (a["name"], a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Champ(a["name"], "textarea", max_length=longueur, invalide=invalide)
            self._form.champs.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = Champ(a["name"], "select", multiple="multiple" in a, invalide=invalide)
            self._form.champs.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.choisies.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.valeur += data


def formulaires_post(html: str, *, url: str) -> list[Formulaire]:
    """The page's own POST forms (the sign-out form of the navigation bar left aside)."""
    lecteur = _Lecteur()
    lecteur.feed(html)
    return [f for f in lecteur.formulaires if f.action in ("", url) and f.champs]


def plausible(champ: Champ) -> str | None:
    base = champ.nom.split("-")[-1]
    for fragment, valeur in VALEURS_PLAUSIBLES.items():
        if base == fragment or base.startswith(fragment) or base.endswith(fragment):
            return valeur if valeur is not None else timezone.localdate().strftime("%d/%m/%Y")
    return None


def donnees(formulaire: Formulaire, texte_de, *, corriger: set[str] = frozenset()) -> dict:
    """The POST data: ``texte_de(champ)`` in free-text fields, the page's values elsewhere;
    a field named in ``corriger`` gets a plausible value instead of the text."""
    data: dict[str, list[str]] = {}
    for c in formulaire.champs:
        if c.genre == "checkbox":
            if c.coche or c.nom in corriger:
                data.setdefault(c.nom, []).append(c.valeur or "on")
        elif c.genre == "radio":
            # The checked one, else the first of the group.
            if c.coche or c.nom not in data:
                data[c.nom] = [c.valeur]
        elif c.genre == "select":
            remplies = [o for o in c.options if o]
            data[c.nom] = [o for o in c.choisies if o] or remplies[:1] or [""]
        elif c.genre in ("text", "textarea", "search", ""):
            if c.nom in corriger or plausible(c) is not None and not c.valeur:
                data[c.nom] = [c.valeur or plausible(c) or ""]
            else:
                data[c.nom] = [texte_de(c)]
        elif c.genre == "date":
            data[c.nom] = [c.valeur or timezone.localdate().isoformat()]
        elif c.genre == "number":
            data[c.nom] = [c.valeur or "45"]
        elif c.genre == "email":
            data[c.nom] = [c.valeur or "famille@example.org"]
        elif c.genre != "file":
            data[c.nom] = [c.valeur or (plausible(c) or "")]
    if formulaire.bouton:
        data[formulaire.bouton[0]] = [formulaire.bouton[1]]
    return data
