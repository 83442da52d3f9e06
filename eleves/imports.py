"""Import of a class list from the CSV export of the school's management tool (ONDE).

One row a pupil: ``Nom;Prénom;Date de naissance;Sexe;Niveau;Classe``. The import runs in two
steps, and nothing is written until the second one:

1. ``analyser_csv`` reads and checks the whole file and tells, row by row, what the import
   would do (new pupil, already there, change of class) or what is wrong with the row;
2. ``importer`` runs the same analysis again (the data may have changed meanwhile) inside one
   transaction and writes every row, or none if a single row is wrong.

A pupil already known in the school's circonscription (same name, first name and date of
birth, compared with ``cle_nom``) is the same pupil: importing the same file twice creates
no duplicate.
"""

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction

from eleves.enums import Niveau, Sexe
from eleves.models import (
    Circonscription,
    Classe,
    Ecole,
    Eleve,
    Inscription,
    annee_courante_debut,
)
from eleves.scolarite import cle_nom, libelle_annee
from eleves.services import eleve_enregistrer

SEPARATEUR = ";"
MAX_LIGNES = 1000
# Plausible ages at the start of the school year, from the toute petite section to a late CM2.
AGE_MIN, AGE_MAX = 2, 13

# The columns, in the order of the template file, with their header as ONDE writes it.
COLONNES = {
    "nom": "Nom",
    "prenom": "Prénom",
    "date_naissance": "Date de naissance",
    "sexe": "Sexe",
    "niveau": "Niveau",
    "classe": "Classe",
}
# Headers are compared by their ``cle_nom``: case, accents and extra spaces do not matter.
_ENTETES = {cle_nom(libelle): champ for champ, libelle in COLONNES.items()} | {
    "date naissance": "date_naissance",
    "ne le": "date_naissance",
    "ne e le": "date_naissance",
}
_SEXES = {
    "f": Sexe.FILLE, "fille": Sexe.FILLE, "feminin": Sexe.FILLE,
    "m": Sexe.GARCON, "garcon": Sexe.GARCON, "masculin": Sexe.GARCON,
}
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Control characters never found in a text file (tab, line feed and carriage return are allowed).
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LONGUEUR_NOM = Eleve._meta.get_field("nom").max_length
_LONGUEUR_PRENOM = Eleve._meta.get_field("prenom").max_length


class FichierIllisible(Exception):
    """The file as a whole cannot be imported; the message says why, in French."""


class Action(StrEnum):
    NOUVEL_ELEVE = "nouvel_eleve"
    INSCRIPTION = "inscription"
    INCHANGE = "inchange"
    CHANGEMENT_CLASSE = "changement_classe"
    CHANGEMENT_NIVEAU = "changement_niveau"


# What the pupil already enrolled in this school this year counts as.
ACTIONS_DEJA_PRESENTS = (Action.INCHANGE, Action.CHANGEMENT_CLASSE, Action.CHANGEMENT_NIVEAU)


@dataclass
class Ligne:
    """One pupil row of the file, as read, as understood, and what importing it would do."""

    numero: int
    nom: str
    prenom: str
    date_brute: str
    sexe_brut: str
    niveau_brut: str
    classe_brute: str
    date_naissance: date | None = None
    sexe: str = ""
    niveau: str = ""
    classe: Classe | None = None
    eleve: Eleve | None = None
    inscription: Inscription | None = None
    action: Action | None = None
    erreurs: list[str] = field(default_factory=list)

    @property
    def cle(self) -> tuple[str, str, date] | None:
        """The identity of the pupil: names compared by ``cle_nom``, and the date of birth."""
        if not (self.nom and self.prenom and self.date_naissance):
            return None
        return cle_nom(self.nom), cle_nom(self.prenom), self.date_naissance

    @property
    def date_affichee(self) -> str:
        return self.date_naissance.strftime("%d/%m/%Y") if self.date_naissance else self.date_brute

    @property
    def sexe_affiche(self) -> str:
        return self.sexe or self.sexe_brut

    @property
    def niveau_affiche(self) -> str:
        return self.niveau or self.niveau_brut

    @property
    def classe_affichee(self) -> str:
        return self.classe.nom if self.classe else self.classe_brute

    @property
    def change_l_inscription(self) -> bool:
        """A pupil already enrolled this year whose class or level the import changes: shown apart."""
        return self.action in (Action.CHANGEMENT_CLASSE, Action.CHANGEMENT_NIVEAU)

    @property
    def description(self) -> str:
        match self.action:
            case Action.NOUVEL_ELEVE:
                return "nouvel élève"
            case Action.INSCRIPTION:
                return "élève déjà connu dans la circonscription : inscription dans cette classe"
            case Action.INCHANGE:
                return "déjà inscrit dans cette classe (inchangé)"
            case Action.CHANGEMENT_CLASSE:
                return f"changement de classe : {self.inscription.classe.nom} → {self.classe.nom}"
            case Action.CHANGEMENT_NIVEAU:
                return f"changement de niveau : {self.inscription.niveau} → {self.niveau}"
        return ""


@dataclass
class Analyse:
    """A whole file checked against a school: its rows, and what prevents the import if anything."""

    ecole: Ecole
    texte: str = ""
    lignes: list[Ligne] = field(default_factory=list)
    erreurs_fichier: list[str] = field(default_factory=list)

    @property
    def erreurs(self) -> list[str]:
        par_ligne = [f"Ligne {ligne.numero} : {e}" for ligne in self.lignes for e in ligne.erreurs]
        return self.erreurs_fichier + par_ligne

    @property
    def valide(self) -> bool:
        sans_erreur = not any(ligne.erreurs for ligne in self.lignes)
        return bool(self.lignes) and not self.erreurs_fichier and sans_erreur

    def compter(self, *actions: Action) -> int:
        return sum(1 for ligne in self.lignes if ligne.action in actions)

    @property
    def resume(self) -> str:
        """What the import will do, in one French sentence (for a file without error)."""
        morceaux = [
            _nombre(self.compter(Action.NOUVEL_ELEVE), "nouvel élève", "nouveaux élèves"),
            _nombre(
                self.compter(Action.INSCRIPTION),
                "élève déjà connu à inscrire", "élèves déjà connus à inscrire",
            ),
            _nombre(
                self.compter(Action.INCHANGE),
                "élève déjà inscrit (inchangé)", "élèves déjà inscrits (inchangés)",
            ),
            _nombre(
                self.compter(Action.CHANGEMENT_CLASSE, Action.CHANGEMENT_NIVEAU),
                "changement de classe ou de niveau", "changements de classe ou de niveau",
            ),
        ]
        total = _nombre(len(self.lignes), "ligne lue", "lignes lues")
        return f"{total} : " + ", ".join(m for m in morceaux if not m.startswith("0 ")) + "."

    @property
    def resume_erreurs(self) -> str:
        return f"Le fichier contient {_nombre(len(self.erreurs), 'erreur', 'erreurs')}."


@dataclass(frozen=True)
class Bilan:
    """What an import wrote."""

    importes: int
    deja_presents: int
    changements: int

    @property
    def message(self) -> str:
        message = (
            f"{_nombre(self.importes, 'élève importé', 'élèves importés')}, "
            f"{_nombre(self.deja_presents, 'déjà présent', 'déjà présents')}"
        )
        if self.changements:
            changements = _nombre(self.changements, "changement", "changements")
            message += f" (dont {changements} de classe ou de niveau)"
        return message + "."


class ImportImpossible(Exception):
    """The file no longer passes the checks at the time of writing; nothing was written."""

    def __init__(self, analyse: Analyse):
        super().__init__("L'import contient des erreurs.")
        self.analyse = analyse


def empreinte(texte: str) -> str:
    """A fingerprint of the previewed text: a confirmation must name the text it confirms."""
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


def decoder(contenu: bytes) -> str:
    """The text of the file: UTF-8 (with or without BOM), else Windows-1252 (Latin-1)."""
    if not contenu.strip():
        raise FichierIllisible("Le fichier est vide.")
    if contenu.startswith(b"PK\x03\x04"):
        raise FichierIllisible(
            "Ce fichier est un classeur (Excel ou LibreOffice), pas un fichier CSV : ouvrez-le "
            "dans votre tableur et enregistrez-le au format « CSV (séparateur : point-virgule) »."
        )
    illisible = FichierIllisible(
        "Ce fichier n'est pas un fichier texte CSV lisible (fichier binaire ou encodage inconnu). "
        "Enregistrez-le depuis votre tableur au format « CSV (séparateur : point-virgule) »."
    )
    for encodage in ("utf-8-sig", "cp1252"):
        try:
            texte = contenu.decode(encodage)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise illisible
    if _CONTROLE.search(texte):
        raise illisible
    if not texte.strip():
        raise FichierIllisible("Le fichier est vide.")
    return texte


def analyser_csv(contenu: bytes, *, ecole: Ecole) -> Analyse:
    """Read and check a CSV file for ``ecole`` without writing anything."""
    try:
        texte = decoder(contenu)
    except FichierIllisible as erreur:
        return Analyse(ecole=ecole, erreurs_fichier=[str(erreur)])
    return analyser_texte(texte, ecole=ecole)


def analyser_texte(texte: str, *, ecole: Ecole) -> Analyse:
    """Check the decoded text of a file for ``ecole``: three queries, whatever its length."""
    try:
        lignes = _lire(texte)
    except FichierIllisible as erreur:
        return Analyse(ecole=ecole, erreurs_fichier=[str(erreur)])
    analyse = Analyse(ecole=ecole, texte=texte, lignes=lignes)

    debut = annee_courante_debut()
    classes = list(Classe.objects.filter(ecole=ecole, annee__debut=debut).order_by("nom"))
    classes_par_cle = defaultdict(list)
    for classe in classes:
        classe.ecole = ecole  # read when writing, spares a query per row
        classes_par_cle[_cle_classe(classe.nom)].append(classe)
    if not classes:
        analyse.erreurs_fichier.append(
            f"Aucune classe n'est enregistrée dans cette école pour {libelle_annee(debut)} : "
            "les classes doivent exister avant l'import des élèves."
        )
    connues = ", ".join(c.nom for c in classes)

    for ligne in lignes:
        _lire_identite(ligne)
        _lire_date(ligne, debut)
        _lire_sexe(ligne)
        if classes:
            _lire_classe_et_niveau(ligne, classes_par_cle, connues, debut)
        else:
            _lire_niveau(ligne)
    _signaler_doublons(lignes)
    _rapprocher(lignes, ecole=ecole)
    return analyse


def importer(texte: str, *, ecole: Ecole) -> Bilan:
    """Enrol the pupils of the CSV text ``texte`` in the classes of ``ecole`` for this year.

    Checks the text again, then writes every row or none: new pupils are created in the
    school's circonscription, pupils already known get this year's enrolment, pupils already
    in another class of the school move to the class of the file; rows already up to date are
    left untouched. Raises ``ImportImpossible`` (nothing written) if a row is wrong.
    """
    with transaction.atomic():
        # Two imports naming the same new pupil at once (the same list confirmed twice, or the
        # lists of two schools) would both find no such pupil and create two: the imports of a
        # circonscription take turns on its row.
        Circonscription.objects.select_for_update().get(pk=ecole.circonscription_id)
        analyse = analyser_texte(texte, ecole=ecole)
        if not analyse.valide:
            raise ImportImpossible(analyse)
        for ligne in analyse.lignes:
            if ligne.action == Action.INCHANGE:
                continue
            eleve = ligne.eleve or Eleve(
                nom=ligne.nom,
                prenom=ligne.prenom,
                date_naissance=ligne.date_naissance,
                sexe=ligne.sexe,
            )
            try:
                eleve_enregistrer(eleve=eleve, classe=ligne.classe, niveau=ligne.niveau)
            except ValidationError as erreur:
                ligne.action = None
                ligne.erreurs.extend(f"enregistrement refusé : {m}" for m in erreur.messages)
        if not analyse.valide:
            # Leaving the block with an exception rolls back the rows already written.
            raise ImportImpossible(analyse)
    return Bilan(
        importes=analyse.compter(Action.NOUVEL_ELEVE, Action.INSCRIPTION),
        deja_presents=analyse.compter(*ACTIONS_DEJA_PRESENTS),
        changements=analyse.compter(Action.CHANGEMENT_CLASSE, Action.CHANGEMENT_NIVEAU),
    )


def modele_csv() -> bytes:
    """The template offered for download: UTF-8 with BOM (so Excel reads it), one example row."""
    sortie = io.StringIO(newline="")
    ecrivain = csv.writer(sortie, delimiter=SEPARATEUR, lineterminator="\r\n")
    ecrivain.writerow(COLONNES.values())
    ecrivain.writerow(["DURAND", "Léa", f"14/03/{annee_courante_debut() - 7}", "F", "CE1", "CE1 A"])
    return sortie.getvalue().encode("utf-8-sig")


# Reading the file ------------------------------------------------------------------------------


def _lire(texte: str) -> list[Ligne]:
    """The pupil rows of the file, once the header is checked. Blank rows are skipped."""
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=SEPARATEUR)
    lignes = []
    try:
        entete = next((r for r in lecteur if _remplie(r)), None)
        if entete is None:
            raise FichierIllisible("Le fichier est vide.")
        indices = _colonnes(entete)
        nb_lignes = 0
        for cellules in lecteur:
            if not _remplie(cellules):
                continue
            nb_lignes += 1
            if nb_lignes > MAX_LIGNES:
                continue  # counted for the message, not kept
            valeurs = {
                champ: cellules[i].strip() if i < len(cellules) else ""
                for champ, i in indices.items()
            }
            lignes.append(
                Ligne(
                    numero=lecteur.line_num,
                    nom=valeurs["nom"],
                    prenom=valeurs["prenom"],
                    date_brute=valeurs["date_naissance"],
                    sexe_brut=valeurs["sexe"],
                    niveau_brut=valeurs["niveau"],
                    classe_brute=valeurs["classe"],
                )
            )
    except csv.Error:
        raise FichierIllisible(
            f"Ligne {lecteur.line_num} : ligne illisible "
            "(guillemet non refermé ou cellule trop longue)."
        ) from None
    if not lignes:
        raise FichierIllisible(
            "Le fichier ne contient aucune ligne d'élève : seulement la ligne d'en-tête."
        )
    if nb_lignes > MAX_LIGNES:
        raise FichierIllisible(
            f"Le fichier contient {nb_lignes} lignes d'élèves : un import en accepte "
            f"{MAX_LIGNES} au plus. Découpez la liste en plusieurs fichiers."
        )
    return lignes


def _remplie(cellules: list[str]) -> bool:
    return any(c.strip() for c in cellules)


def _colonnes(entete: list[str]) -> dict[str, int]:
    """Where each expected column is in the header (other columns are ignored)."""
    attendu = SEPARATEUR.join(COLONNES.values())
    if len(entete) == 1:
        if "," in entete[0] or "\t" in entete[0]:
            utilise = "la virgule (,)" if "," in entete[0] else "la tabulation"
            raise FichierIllisible(
                "Le séparateur attendu est le point-virgule (;) "
                f"mais ce fichier utilise {utilise}. "
                "Dans votre tableur, enregistrez le fichier au format "
                "« CSV (séparateur : point-virgule) »."
            )
    indices: dict[str, int] = {}
    for i, titre in enumerate(entete):
        champ = _ENTETES.get(cle_nom(titre))
        if champ is None:
            continue
        if champ in indices:
            raise FichierIllisible(
                f"La colonne « {COLONNES[champ]} » apparaît deux fois dans l'en-tête."
            )
        indices[champ] = i
    manquantes = [libelle for champ, libelle in COLONNES.items() if champ not in indices]
    if manquantes:
        libelle = "Colonne manquante" if len(manquantes) == 1 else "Colonnes manquantes"
        raise FichierIllisible(
            f"{libelle} : {', '.join(manquantes)}. "
            f"La première ligne doit porter les colonnes {attendu}."
        )
    return indices


# Checking a row --------------------------------------------------------------------------------


def _lire_identite(ligne: Ligne) -> None:
    ligne.nom = " ".join(ligne.nom.split())
    ligne.prenom = " ".join(ligne.prenom.split())
    for valeur, libelle, longueur in (
        (ligne.nom, "nom", _LONGUEUR_NOM),
        (ligne.prenom, "prénom", _LONGUEUR_PRENOM),
    ):
        if not valeur:
            ligne.erreurs.append(f"{libelle} manquant.")
        elif len(valeur) > longueur:
            ligne.erreurs.append(f"le {libelle} dépasse {longueur} caractères.")


def _lire_date(ligne: Ligne, debut: int) -> None:
    brute = ligne.date_brute
    if not brute:
        ligne.erreurs.append("date de naissance manquante.")
        return
    if match := _DATE_FR.match(brute):
        jour, mois, annee = (int(x) for x in match.groups())
    elif match := _DATE_ISO.match(brute):
        annee, mois, jour = (int(x) for x in match.groups())
    else:
        ligne.erreurs.append(
            f"date de naissance « {brute} » illisible : "
            "écrivez-la JJ/MM/AAAA (par exemple 14/03/2018)."
        )
        return
    try:
        naissance = date(annee, mois, jour)
    except ValueError:
        ligne.erreurs.append(f"la date de naissance « {brute} » n'existe pas.")
        return
    plus_ancienne, plus_recente = _naissances_plausibles(debut)
    if not plus_ancienne <= naissance <= plus_recente:
        ligne.erreurs.append(
            f"date de naissance « {brute} » improbable pour un élève d'école primaire "
            f"({AGE_MIN} à {AGE_MAX} ans à la rentrée {debut}, soit né(e) entre le "
            f"{plus_ancienne:%d/%m/%Y} et le {plus_recente:%d/%m/%Y})."
        )
        return
    ligne.date_naissance = naissance


def _naissances_plausibles(debut: int) -> tuple[date, date]:
    """The earliest and latest birth dates of a pupil aged AGE_MIN to AGE_MAX on 1 September."""
    return date(debut - AGE_MAX - 1, 9, 2), date(debut - AGE_MIN, 9, 1)


def _lire_sexe(ligne: Ligne) -> None:
    if not ligne.sexe_brut:
        ligne.erreurs.append("sexe manquant.")
    elif (sexe := _SEXES.get(cle_nom(ligne.sexe_brut))) is None:
        ligne.erreurs.append(
            f"sexe « {ligne.sexe_brut} » non reconnu : "
            "F ou M (Fille ou Garçon, Féminin ou Masculin)."
        )
    else:
        ligne.sexe = sexe.value


def _lire_niveau(ligne: Ligne) -> None:
    niveau = "".join(ligne.niveau_brut.split()).upper()
    if not niveau:
        ligne.erreurs.append("niveau manquant.")
    elif niveau not in Niveau.values:
        ligne.erreurs.append(
            f"niveau « {ligne.niveau_brut} » inconnu : "
            f"{', '.join(Niveau.values[:-1])} ou {Niveau.values[-1]}."
        )
    else:
        ligne.niveau = niveau


def _lire_classe_et_niveau(ligne: Ligne, classes_par_cle: dict, connues: str, debut: int) -> None:
    _lire_niveau(ligne)
    if not ligne.classe_brute:
        ligne.erreurs.append("classe manquante.")
        return
    trouvees = classes_par_cle.get(_cle_classe(ligne.classe_brute), [])
    if not trouvees:
        ligne.erreurs.append(
            f"classe « {ligne.classe_brute} » inconnue dans cette école "
            f"pour {libelle_annee(debut)}. "
            f"Classes de l'école : {connues}."
        )
        return
    if len(trouvees) > 1:
        ligne.erreurs.append(
            f"plusieurs classes de l'école s'appellent « {ligne.classe_brute} » à la casse près : "
            "renommez-les dans l'administration."
        )
        return
    ligne.classe = trouvees[0]
    if ligne.niveau and ligne.niveau not in ligne.classe.niveaux:
        ligne.erreurs.append(
            f"le niveau {ligne.niveau} n'est pas enseigné dans la classe {ligne.classe.nom} "
            f"({ligne.classe.niveaux_libelle})."
        )


def _cle_classe(nom: str) -> str:
    return " ".join(nom.split()).casefold()


def _signaler_doublons(lignes: list[Ligne]) -> None:
    premieres: dict[tuple, int] = {}
    for ligne in lignes:
        if (cle := ligne.cle) is None:
            continue
        if cle in premieres:
            ligne.erreurs.append(f"même élève qu'à la ligne {premieres[cle]}.")
        else:
            premieres[cle] = ligne.numero


def _rapprocher(lignes: list[Ligne], *, ecole: Ecole) -> None:
    """Find the pupils already known and decide what each row does (two queries in all)."""
    a_chercher = [ligne for ligne in lignes if ligne.cle is not None]
    if not a_chercher:
        return
    candidats = defaultdict(list)
    eleves = Eleve.objects.filter(
        circonscription_id=ecole.circonscription_id,
        date_naissance__in={ligne.date_naissance for ligne in a_chercher},
    ).avec_inscription_courante()
    for eleve in eleves:
        candidats[(cle_nom(eleve.nom), cle_nom(eleve.prenom), eleve.date_naissance)].append(eleve)

    for ligne in a_chercher:
        trouves = candidats.get(ligne.cle, [])
        if len(trouves) > 1:
            # Duplicates already in the base: the one enrolled here this year, if there is one.
            trouves = [e for e in trouves if _ecole_courante(e) == ecole.pk]
            if len(trouves) != 1:
                ligne.erreurs.append(
                    "plusieurs élèves de la circonscription ont ce nom, ce prénom et cette date de "
                    "naissance : inscrivez cet élève depuis sa fiche."
                )
                continue
        eleve = trouves[0] if trouves else None
        inscription = eleve.inscription_courante if eleve else None
        if inscription is not None and inscription.classe.ecole_id != ecole.pk:
            ligne.erreurs.append("déjà inscrit(e) dans une autre école cette année.")
            continue
        if ligne.erreurs:
            continue
        ligne.eleve, ligne.inscription = eleve, inscription
        if eleve is None:
            ligne.action = Action.NOUVEL_ELEVE
        elif inscription is None:
            ligne.action = Action.INSCRIPTION
        elif inscription.classe_id != ligne.classe.pk:
            ligne.action = Action.CHANGEMENT_CLASSE
        elif inscription.niveau != ligne.niveau:
            ligne.action = Action.CHANGEMENT_NIVEAU
        else:
            ligne.action = Action.INCHANGE


def _ecole_courante(eleve: Eleve) -> int | None:
    inscription = eleve.inscription_courante
    return inscription.classe.ecole_id if inscription else None


def _nombre(n: int, singulier: str, pluriel: str) -> str:
    """French agreement: 0 and 1 take the singular."""
    return f"{n} {singulier if n < 2 else pluriel}"
