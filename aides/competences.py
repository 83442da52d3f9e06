"""The reference list of skills: the socle commun's components and the end-of-cycle expectations
of cycles 1 to 3, shipped as ``aides/data/competences.csv``.

The file is loaded by a data migration and reloaded by ``manage.py charger_competences``, both
through ``charger`` below. ``charger`` takes the model class so that the migration can pass its
historical model: it must only use the fields the migration created.
"""

import csv
import unicodedata
from pathlib import Path

from aides.enums import DomaineSocle

FICHIER = Path(__file__).resolve().parent / "data" / "competences.csv"
COLONNES = ["code", "cycle", "domaine", "discipline", "composante", "intitule"]
CYCLES = {"": None, "1": 1, "2": 2, "3": 3}
# The columns' widths (aides.models.Competence): a longer value is refused with its line.
LONGUEURS = {"code": 20, "discipline": 120, "composante": 120, "intitule": 600}


def normaliser(texte: str) -> str:
    """Lower case, without accents or ligatures: what the search compares, on SQLite as on PostgreSQL."""
    texte = texte.casefold().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))
    return " ".join(sans_accents.split())


def lire(chemin: Path = FICHIER) -> list[dict]:
    """The file's rows, checked: a broken file stops the load before anything is written."""
    with open(chemin, newline="", encoding="utf-8") as fichier:
        lecteur = csv.DictReader(fichier)
        if lecteur.fieldnames != COLONNES:
            raise ValueError(f"{chemin} : colonnes attendues {', '.join(COLONNES)}.")
        lignes, codes = [], set()
        for numero, ligne in enumerate(lecteur, start=2):
            ligne = {cle: (valeur or "").strip() for cle, valeur in ligne.items()}
            erreur = (
                "code vide" if not ligne["code"]
                else f"code {ligne['code']} en double" if ligne["code"] in codes
                else f"cycle « {ligne['cycle']} » inconnu" if ligne["cycle"] not in CYCLES
                else f"domaine « {ligne['domaine']} » inconnu" if ligne["domaine"] not in DomaineSocle.values
                else "intitulé ou discipline vide" if not ligne["intitule"] or not ligne["discipline"]
                else next((f"{cle} trop long ({len(ligne[cle])} caractères, {maximum} au plus)"
                           for cle, maximum in LONGUEURS.items() if len(ligne[cle]) > maximum), "")
            )
            if erreur:
                raise ValueError(f"{chemin}, ligne {numero} : {erreur}.")
            codes.add(ligne["code"])
            lignes.append(ligne | {"cycle": CYCLES[ligne["cycle"]]})
    return lignes


def charger(modele, lignes: list[dict]) -> dict:
    """Bring the table in line with ``lignes``: add new skills, update changed ones, and
    deactivate those no longer listed (never deleted: objectives keep pointing at them).
    Idempotent; returns the counts of each."""
    existantes = {c.code: c for c in modele.objects.all()}
    champs = ["cycle", "domaine", "discipline", "composante", "intitule", "ordre", "recherche", "active"]
    nouvelles, modifiees, deplacees = [], [], []
    for ordre, ligne in enumerate(lignes, start=1):
        valeurs = {
            "cycle": ligne["cycle"], "domaine": ligne["domaine"], "discipline": ligne["discipline"],
            "composante": ligne["composante"], "intitule": ligne["intitule"], "ordre": ordre,
            "recherche": normaliser(" ".join(
                (ligne["code"], ligne["discipline"], ligne["composante"], ligne["intitule"]))),
            "active": True,
        }
        competence = existantes.pop(ligne["code"], None)
        if competence is None:
            nouvelles.append(modele(code=ligne["code"], **valeurs))
            continue
        differents = {champ for champ, valeur in valeurs.items() if getattr(competence, champ) != valeur}
        if differents:
            for champ in differents:
                setattr(competence, champ, valeurs[champ])
            # A row only moved in the file is rewritten, not counted as changed.
            (modifiees if differents - {"ordre"} else deplacees).append(competence)
    retirees = [c for c in existantes.values() if c.active]
    for competence in retirees:
        competence.active = False
    modele.objects.bulk_create(nouvelles)
    modele.objects.bulk_update(modifiees + deplacees + retirees, champs)
    return {"ajoutees": len(nouvelles), "modifiees": len(modifiees), "retirees": len(retirees)}
