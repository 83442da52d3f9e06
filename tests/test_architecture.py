"""The shape of the house (issue 11): one-way layers, and no function-level import without a reason.

- Dependencies run aides → eleves → rased, never back: no module of the project package imports
  an app, no module of ``eleves`` imports ``aides`` (at any level, in a function too). A string
  naming a module (settings, ``include("eleves.urls")``) is not an import and stays allowed.
- ``ruff check --select PLC0415`` lists only imports whose line carries a comment saying why
  (``# slow import: …``, ``# app registry: …``).

Each check is first run on a small tree written for the purpose, so that it is shown to catch
what it looks for.
"""

import ast
import json
import subprocess
import sys
import tokenize
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent

# Which package may not import which.
INTERDITS = {"rased": {"eleves", "aides"}, "eleves": {"aides"}}


def _module_de(chemin: Path, racine: Path) -> list[str]:
    """``eleves/views.py`` → ["eleves", "views"]; a package's ``__init__.py`` is the package."""
    parties = list(chemin.relative_to(racine).with_suffix("").parts)
    return parties[:-1] if parties[-1] == "__init__" else parties


def _modules_importes(chemin: Path, racine: Path):
    """(line, absolute module name) of every import of the file, wherever it stands."""
    arbre = ast.parse(chemin.read_text(encoding="utf-8"), filename=str(chemin))
    paquet = _module_de(chemin, racine)
    if chemin.name != "__init__.py":
        paquet = paquet[:-1]
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            for alias in noeud.names:
                yield noeud.lineno, alias.name
        elif isinstance(noeud, ast.ImportFrom):
            # Relative: from the file's package, one level up per extra dot.
            base = paquet[: len(paquet) - noeud.level + 1] if noeud.level else []
            if noeud.module:
                yield noeud.lineno, ".".join([*base, noeud.module])
            else:  # ``from .. import aides``: the names are modules
                for alias in noeud.names:
                    yield noeud.lineno, ".".join([*base, alias.name])


def importations_interdites(racine: Path) -> list[str]:
    """``path:line imports module`` for each import against the layers (migrations left out)."""
    fautes = []
    for paquet, interdits in INTERDITS.items():
        for chemin in sorted((racine / paquet).rglob("*.py")):
            if "migrations" in chemin.relative_to(racine).parts:
                continue
            for ligne, module in _modules_importes(chemin, racine):
                if module.split(".")[0] in interdits:
                    fautes.append(f"{chemin.relative_to(racine)}:{ligne} importe {module}")
    return fautes


def _lignes_commentees(chemin: Path) -> set[int]:
    """Lines holding a real comment (a ``#`` inside a string does not count), ``noqa`` alone not."""
    lignes = set()
    with chemin.open("rb") as fichier:
        for jeton in tokenize.tokenize(fichier.readline):
            if jeton.type == tokenize.COMMENT:
                texte = jeton.string.lstrip("#").strip()
                if texte and not texte.lower().startswith("noqa"):
                    lignes.add(jeton.start[0])
    return lignes


def imports_locaux_sans_raison(racine: Path) -> list[str]:
    """``path:line`` of each function-level import (ruff's PLC0415) with no comment on its line."""
    resultat = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "PLC0415", "--output-format", "json",
         "--ignore-noqa", "--no-cache", "--exit-zero", str(racine)],
        capture_output=True, text=True, check=True, cwd=racine,
    )
    fautes = []
    for erreur in json.loads(resultat.stdout):
        chemin, ligne = Path(erreur["filename"]), erreur["location"]["row"]
        if ligne not in _lignes_commentees(chemin):
            fautes.append(f"{chemin.relative_to(racine)}:{ligne}")
    return fautes


# --- The checks, shown to catch what they look for -----------------------------------------------


def _ecrire(racine: Path, fichiers: dict[str, str]) -> None:
    for nom, texte in fichiers.items():
        chemin = racine / nom
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_text(texte, encoding="utf-8")


def test_la_verification_des_couches_trouve_chaque_forme_d_import(tmp_path):
    _ecrire(tmp_path, {
        "rased/__init__.py": "",
        "rased/admin.py": "import eleves.enums\n",
        "rased/urls.py": 'from django.urls import include\nURLS = include("eleves.urls")\n',
        "eleves/__init__.py": "",
        "eleves/rules.py": "def f():\n    from aides.models import Aide  # no reason helps\n",
        "eleves/vues/__init__.py": "from ... import aides\n",
        "eleves/migrations/0001_initial.py": "import aides\n",
        "eleves/models.py": "from rased import env\nfrom . import enums\n",
        "aides/__init__.py": "",
        "aides/models.py": "import eleves.models\nimport rased\n",
    })
    assert importations_interdites(tmp_path) == [
        "rased/admin.py:1 importe eleves.enums",
        "eleves/rules.py:2 importe aides.models",
        "eleves/vues/__init__.py:1 importe aides",
    ]


def test_la_verification_des_imports_locaux_demande_un_commentaire(tmp_path):
    _ecrire(tmp_path, {
        "module.py": (
            "def a():\n    import json\n\n\n"
            "def b():\n    import csv  # slow import: the reason\n\n\n"
            "def c():\n    import io  # noqa: PLC0415\n\n\n"
            'def d():\n    import re;  x = "# not a comment"\n'
        ),
    })
    assert imports_locaux_sans_raison(tmp_path) == ["module.py:2", "module.py:10", "module.py:14"]


# --- The project ----------------------------------------------------------------------------------


def test_les_dependances_vont_de_aides_a_eleves_a_rased():
    assert importations_interdites(RACINE) == []


def test_chaque_import_local_dit_pourquoi():
    assert imports_locaux_sans_raison(RACINE) == []

