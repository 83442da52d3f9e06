"""Import of a class list: the pupils' extraction of ONDE as it is, or the product's own template.

One row a pupil. The kind of file is recognised from its header (``PROFILS``: one
``ProfilEntete`` per kind of file; a new export of ONDE is a new entry there). ONDE's guardians'
extraction, one row a guardian and their children, is recognised here too and analysed by
``eleves/imports_responsables.py`` (its profile has a repeated group of columns). The import runs in
two steps, and nothing is written until the second one:

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

from eleves.alphabetique import alphabetique, cle
from eleves.enums import Niveau, Sexe
from eleves.models import (
    AnneeScolaire,
    Circonscription,
    Classe,
    Ecole,
    Eleve,
    Inscription,
    annee_courante_debut,
    valider_ine,
)
from eleves.scolarite import cle_nom, libelle_annee
from eleves.services import eleve_enregistrer

SEPARATEUR = ";"
MAX_LIGNES = 1000
# Plausible ages at the start of the school year, from the toute petite section to a late CM2.
AGE_MIN, AGE_MAX = 2, 13



@dataclass(frozen=True)
class ProfilEntete:
    """One kind of file, recognised by its header.

    ``colonnes``: field → header, for the columns read (``obligatoires`` must all be there);
    ``alias``: other headers meaning the same field; ``non_enregistrees``: columns of that file
    known and deliberately not stored (data minimisation, said in the preview). Headers are
    compared by their ``cle_nom``: case, accents and extra spaces do not matter.
    """

    nom: str
    colonnes: dict[str, str]
    obligatoires: tuple[str, ...]
    alias: dict[str, str] = field(default_factory=dict)
    non_enregistrees: tuple[str, ...] = ()
    # Its rows name the class by ONDE's identifier and carry the level: a class missing from the
    # school may be created from them, if the directeur agrees in the preview.
    cree_classes: bool = False
    # Columns repeated as a group along the row (a guardian's children): field → header. A profile
    # with a group is a file of guardians, analysed by eleves/imports_responsables.py.
    groupe: dict[str, str] = field(default_factory=dict)
    groupe_obligatoires: tuple[str, ...] = ()
    # What is stored of the file and what is not, said in the preview (data minimisation).
    minimisation: str = ""
    # What one row is, in the messages about the file's length.
    ligne: tuple[str, str] = ("ligne d'élève", "lignes d'élèves")

    def champ(self, titre: str) -> str | None:
        cle = cle_nom(titre)
        titres = {cle_nom(t): c for c, t in (self.colonnes | self.groupe).items()}
        return titres.get(cle) or self.alias.get(cle)

    def connue(self, titre: str) -> bool:
        return self.champ(titre) is not None or cle_nom(titre) in {cle_nom(t) for t in self.non_enregistrees}

    @property
    def attendues(self) -> list[str]:
        return [self.colonnes[c] for c in self.obligatoires] + [self.groupe[c] for c in self.groupe_obligatoires]


MODELE = ProfilEntete(
    nom="le modèle de liste de l'application",
    colonnes={
        "nom": "Nom",
        "prenom": "Prénom",
        "date_naissance": "Date de naissance",
        "sexe": "Sexe",
        "niveau": "Niveau",
        "classe": "Classe",
    },
    obligatoires=("nom", "prenom", "date_naissance", "sexe", "niveau", "classe"),
    alias={"date naissance": "date_naissance", "ne le": "date_naissance", "ne e le": "date_naissance"},
)
# « Extraction des élèves » of ONDE (CSVExtraction.csv), 22 columns.
ONDE_ELEVES = ProfilEntete(
    nom="l'extraction des élèves ONDE",
    colonnes={
        "nom": "Nom élève",
        "nom_usage": "Nom d'usage élève",
        "prenom": "Prénom élève",
        "date_naissance": "Date naissance",
        "sexe": "Sexe",
        "ine": "INE",
        "niveau": "Niveau",
        "classe": "Libellé classe",
        "identifiant_classe": "Identifiant classe",
    },
    obligatoires=("nom", "prenom", "date_naissance", "sexe", "niveau", "classe", "identifiant_classe"),
    non_enregistrees=(
        "Adresse1", "Cp1", "Commune1", "Pays1", "Adresse2", "Cp2", "Commune2", "Pays2", "Cycle",
        "Attestation fournie", "Autorisation associations", "Autorisation photo", "Décision de passage",
    ),
    cree_classes=True,
    minimisation=(
        "Les adresses, autorisations et décisions de passage du fichier ne sont pas enregistrées : "
        "seuls l'identité de l'élève, son INE, sa classe et son niveau le sont."
    ),
)
# « Extraction des responsables » of ONDE: one row a guardian, then a group of four columns per
# child, repeated (the header has the same titles several times).
ONDE_RESPONSABLES = ProfilEntete(
    nom="l'extraction des responsables ONDE",
    colonnes={
        "civilite": "Civilité Responsable",
        "nom_usage": "Nom usage responsable",
        "nom": "Nom responsable",
        "prenom": "Prénom responsable",
        "adresse": "Adresse responsable",
        "code_postal": "CP responsable",
        "commune": "Commune responsable",
        "pays": "Pays",
        "email": "Courriel",
        "telephone_domicile": "Téléphone domicile",
        "telephone_travail": "Téléphone travail",
        "telephone_portable": "Téléphone portable",
    },
    obligatoires=("nom", "prenom"),
    groupe={
        "enfant_nom_usage": "Nom d'usage enfant",
        "enfant_nom": "Nom de famille enfant",
        "enfant_prenom": "Prénom enfant",
        "enfant_classe": "Classes enfants",
    },
    groupe_obligatoires=("enfant_nom", "enfant_prenom"),
    minimisation=(
        "Seuls sont enregistrés, pour les courriers : la civilité, le nom, le prénom, l'adresse, le "
        "courriel et un seul téléphone (le portable, à défaut celui du domicile, à défaut celui du "
        "travail). Ni les autres téléphones, ni le pays (sauf pour une adresse à l'étranger, écrit "
        "après la commune), ni les enfants qui ne sont pas élèves de l'école ne sont enregistrés. "
        "Le fichier ne dit pas le lien avec l'élève : un nouveau responsable est enregistré comme "
        "« Autre responsable légal », à préciser sur la fiche de l'élève ; le lien d'un responsable "
        "déjà enregistré ne change pas. Une case vide du fichier n'efface rien de ce qui est déjà "
        "enregistré."
    ),
    ligne=("ligne de responsable", "lignes de responsables"),
)
# Every kind of file the import recognises, the most specific first. A new export (ONDE's next
# version) is one more ``ProfilEntete`` here.
PROFILS = (ONDE_ELEVES, MODELE, ONDE_RESPONSABLES)
# The template offered for download.
COLONNES = MODELE.colonnes

# The levels as ONDE writes them in words, by ``cle_nom``.
_NIVEAUX_EN_MOTS = {
    "toute petite section": Niveau.TPS,
    "petite section": Niveau.PS,
    "moyenne section": Niveau.MS,
    "grande section": Niveau.GS,
    "cours preparatoire": Niveau.CP,
    "cours elementaire premiere annee": Niveau.CE1,
    "cours elementaire 1ere annee": Niveau.CE1,
    "cours elementaire deuxieme annee": Niveau.CE2,
    "cours elementaire 2eme annee": Niveau.CE2,
    "cours moyen premiere annee": Niveau.CM1,
    "cours moyen 1ere annee": Niveau.CM1,
    "cours moyen deuxieme annee": Niveau.CM2,
    "cours moyen 2eme annee": Niveau.CM2,
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
_LONGUEUR_CLASSE = Classe._meta.get_field("nom").max_length
_LONGUEUR_IDENTIFIANT = Classe._meta.get_field("identifiant_onde").max_length


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
    identifiant_classe: str = ""
    ine: str = ""
    date_naissance: date | None = None
    sexe: str = ""
    niveau: str = ""
    classe: Classe | None = None
    eleve: Eleve | None = None
    inscription: Inscription | None = None
    action: Action | None = None
    # The pupil is known without an INE: the import records the file's.
    ajoute_ine: bool = False
    erreurs: list[str] = field(default_factory=list)

    @property
    def classe_a_creer(self) -> bool:
        return self.classe is None and self.action is not None

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
        description = ""
        match self.action:
            case Action.NOUVEL_ELEVE:
                description = "nouvel élève"
            case Action.INSCRIPTION:
                description = "élève déjà connu dans la circonscription : inscription dans cette classe"
            case Action.INCHANGE:
                description = "déjà inscrit dans cette classe (inchangé)"
            case Action.CHANGEMENT_CLASSE:
                description = f"changement de classe : {self.inscription.classe.nom} → {self.classe_affichee}"
            case Action.CHANGEMENT_NIVEAU:
                description = f"changement de niveau : {self.inscription.niveau} → {self.niveau}"
        if self.classe_a_creer:
            description += " (classe à créer)"
        if self.ajoute_ine:
            description += " ; INE enregistré"
        return description


@dataclass
class Analyse:
    """A whole file checked against a school: its rows, and what prevents the import if anything."""

    ecole: Ecole
    texte: str = ""
    profil: ProfilEntete | None = None
    lignes: list[Ligne] = field(default_factory=list)
    erreurs_fichier: list[str] = field(default_factory=list)
    # Headers of the file that its profile does not read: ignored, listed in the preview.
    colonnes_ignorees: list[str] = field(default_factory=list)
    # Where the columns read are: field → index; for a repeated group, one such dict per group.
    indices: dict[str, int] = field(default_factory=dict)
    groupes: list[dict[str, int]] = field(default_factory=list)
    # The classes named by the file and missing from the school: (identifier, name) → levels seen.
    classes_manquantes: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    @property
    def classes_a_creer(self) -> list[str]:
        """The missing classes, as the preview lists them."""
        return [
            f"{nom} ({'-'.join(n for n in Niveau.values if n in niveaux)})"
            for (_, nom), niveaux in sorted(self.classes_manquantes.items(), key=lambda x: cle(x[0][1]))
        ]

    @property
    def colonnes_lues(self) -> set[int]:
        return set(self.indices.values()).union(*(g.values() for g in self.groupes))

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
    classes_creees: int = 0

    @property
    def message(self) -> str:
        message = ""
        if self.classes_creees:
            message = _nombre(self.classes_creees, "classe créée", "classes créées") + ", "
        message += (
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
    analyse = Analyse(ecole=ecole, texte=texte)
    try:
        rangees = _rangees(texte, analyse)
    except FichierIllisible as erreur:
        return Analyse(ecole=ecole, erreurs_fichier=[str(erreur)])
    # What waits in the session for the confirmation: only the columns read (no pupil's address).
    analyse.texte = _colonnes_lues_seulement(texte, analyse.colonnes_lues)
    if analyse.profil.groupe:
        # One row a guardian: eleves/imports_responsables.py, which builds on this module.
        from eleves.imports_responsables import analyser_responsables  # here, not at load: a cycle
        return analyser_responsables(analyse, rangees)
    lignes = analyse.lignes = [_ligne_eleve(numero, valeurs) for numero, valeurs, _ in rangees]

    debut = annee_courante_debut()
    classes = list(Classe.objects.filter(ecole=ecole, annee__debut=debut).order_by(alphabetique("nom"), "pk"))
    classes_par_cle = defaultdict(list)
    for classe in classes:
        classe.ecole = ecole  # read when writing, spares a query per row
        classes_par_cle[_cle_classe(classe.nom)].append(classe)
        if classe.identifiant_onde:
            classes_par_cle[("onde", classe.identifiant_onde)].append(classe)
    if not classes and not analyse.profil.cree_classes:
        analyse.erreurs_fichier.append(
            f"Aucune classe n'est enregistrée dans cette école pour {libelle_annee(debut)} : "
            "les classes doivent exister avant l'import des élèves."
        )
    connues = ", ".join(c.nom for c in classes)

    for ligne in lignes:
        _lire_identite(ligne)
        _lire_date(ligne, debut)
        _lire_sexe(ligne)
        _lire_ine(ligne)
        if classes or analyse.profil.cree_classes:
            _lire_classe_et_niveau(ligne, classes_par_cle, connues, debut, analyse)
        else:
            _lire_niveau(ligne)
    _signaler_doublons(lignes)
    _rapprocher(lignes, ecole=ecole)
    return analyse


def importer(texte: str, *, ecole: Ecole, creer_classes: bool = False) -> Bilan:
    """Enrol the pupils of the CSV text ``texte`` in the classes of ``ecole`` for this year.

    Checks the text again, then writes every row or none: new pupils are created in the
    school's circonscription, pupils already known get this year's enrolment, pupils already
    in another class of the school move to the class of the file; rows already up to date are
    left untouched. Classes named by the file and missing from the school are created only with
    ``creer_classes`` (the directeur ticked it in the preview), with the levels the file gives
    them. Raises ``ImportImpossible`` (nothing written) if a row is wrong.
    """
    with transaction.atomic():
        # Two imports naming the same new pupil at once (the same list confirmed twice, or the
        # lists of two schools) would both find no such pupil and create two: the imports of a
        # circonscription take turns on its row.
        Circonscription.objects.select_for_update().get(pk=ecole.circonscription_id)
        analyse = analyser_texte(texte, ecole=ecole)
        if not analyse.valide:
            raise ImportImpossible(analyse)
        if analyse.profil.groupe:
            return analyse.ecrire()  # a file of guardians (eleves/imports_responsables.py)
        classes_creees = 0
        if analyse.classes_manquantes:
            if not creer_classes:
                analyse.erreurs_fichier.append(
                    "Des classes du fichier n'existent pas dans l'école : cochez « Créer les classes "
                    "manquantes », ou créez-les d'abord, puis déposez de nouveau le fichier."
                )
                raise ImportImpossible(analyse)
            annee = AnneeScolaire.objects.courante()
            for (identifiant, nom), niveaux in analyse.classes_manquantes.items():
                classe = Classe(
                    ecole=ecole, annee=annee, nom=nom, identifiant_onde=identifiant,
                    niveaux=[n for n in Niveau.values if n in niveaux],
                )
                try:
                    classe.full_clean()
                except ValidationError as erreur:
                    analyse.erreurs_fichier.extend(f"Classe « {nom} » : {m}" for m in erreur.messages)
                    raise ImportImpossible(analyse) from None
                classe.save()
                classes_creees += 1
            analyse = analyser_texte(texte, ecole=ecole)
            if not analyse.valide or analyse.classes_manquantes:
                raise ImportImpossible(analyse)
        for ligne in analyse.lignes:
            classe = ligne.classe
            if ligne.identifiant_classe and not classe.identifiant_onde:
                # A class made by hand, found by its name: it is found by ONDE's identifier next time.
                classe.identifiant_onde = ligne.identifiant_classe
                classe.save(update_fields=["identifiant_onde"])
            if ligne.action == Action.INCHANGE and not ligne.ajoute_ine:
                continue
            eleve = ligne.eleve or Eleve(
                nom=ligne.nom,
                prenom=ligne.prenom,
                date_naissance=ligne.date_naissance,
                sexe=ligne.sexe,
            )
            if ligne.ine and not eleve.ine:
                eleve.ine = ligne.ine
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
        classes_creees=classes_creees,
    )


def modele_csv() -> bytes:
    """The template offered for download: UTF-8 with BOM (so Excel reads it), one example row."""
    sortie = io.StringIO(newline="")
    ecrivain = csv.writer(sortie, delimiter=SEPARATEUR, lineterminator="\r\n")
    ecrivain.writerow(COLONNES.values())
    ecrivain.writerow(["DURAND", "Léa", f"14/03/{annee_courante_debut() - 7}", "F", "CE1", "CE1 A"])
    return sortie.getvalue().encode("utf-8-sig")


# Reading the file ------------------------------------------------------------------------------


def _rangees(texte: str, analyse: Analyse) -> list[tuple[int, dict, list[dict]]]:
    """Recognise the header into ``analyse``, then each filled row of the file: its line number,
    its values (field → stripped cell, "" when absent) and, for a profile with a repeated group,
    the values of each group. Blank rows are skipped."""
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=SEPARATEUR)
    rangees = []
    try:
        entete = next((r for r in lecteur if _remplie(r)), None)
        if entete is None:
            raise FichierIllisible("Le fichier est vide.")
        analyse.profil, analyse.indices, analyse.groupes, analyse.colonnes_ignorees = _colonnes(entete)

        def valeurs(cellules: list[str], indices: dict[str, int]) -> defaultdict:
            return defaultdict(str, {
                champ: cellules[i].strip() if i < len(cellules) else "" for champ, i in indices.items()
            })

        nb_lignes = 0
        for cellules in lecteur:
            if not _remplie(cellules):
                continue
            nb_lignes += 1
            if nb_lignes > MAX_LIGNES:
                continue  # counted for the message, not kept
            rangees.append((
                lecteur.line_num,
                valeurs(cellules, analyse.indices),
                [valeurs(cellules, groupe) for groupe in analyse.groupes],
            ))
    except csv.Error:
        raise FichierIllisible(
            f"Ligne {lecteur.line_num} : ligne illisible "
            "(guillemet non refermé ou cellule trop longue)."
        ) from None
    singulier, pluriel = analyse.profil.ligne
    if not rangees:
        raise FichierIllisible(f"Le fichier ne contient aucune {singulier} : seulement la ligne d'en-tête.")
    if nb_lignes > MAX_LIGNES:
        raise FichierIllisible(
            f"Le fichier contient {nb_lignes} {pluriel} : un import en accepte "
            f"{MAX_LIGNES} au plus. Découpez la liste en plusieurs fichiers."
        )
    return rangees


def _ligne_eleve(numero: int, valeurs: dict) -> Ligne:
    return Ligne(
        numero=numero,
        # ONDE's usage name, when filled, is the name the pupil goes by.
        nom=valeurs["nom_usage"] or valeurs["nom"],
        prenom=valeurs["prenom"],
        date_brute=valeurs["date_naissance"],
        sexe_brut=valeurs["sexe"],
        niveau_brut=valeurs["niveau"],
        classe_brute=valeurs["classe"],
        identifiant_classe=valeurs["identifiant_classe"],
        ine=valeurs["ine"],
    )


def _colonnes_lues_seulement(texte: str, gardees: set[int]) -> str:
    """``texte`` with the cells of the columns not read emptied, the header kept. Reading it again
    gives the same rows at the same line numbers (a cell's line breaks are kept)."""
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=SEPARATEUR)
    sortie = io.StringIO(newline="")
    ecrivain = csv.writer(sortie, delimiter=SEPARATEUR, lineterminator="\r\n")
    entete_lue = False
    for cellules in lecteur:
        if entete_lue:
            cellules = [c if i in gardees else "\n" * c.count("\n") for i, c in enumerate(cellules)]
        entete_lue = entete_lue or _remplie(cellules)
        ecrivain.writerow(cellules)
    return sortie.getvalue()


def _remplie(cellules: list[str]) -> bool:
    return any(c.strip() for c in cellules)


def _colonnes(entete: list[str]) -> tuple[ProfilEntete, dict[str, int], list[dict[str, int]], list[str]]:
    """The kind of file its header says, where each of its columns is (those of a repeated group,
    group by group), and the columns ignored."""
    entete = [titre.strip() for titre in entete]  # ONDE writes « Cycle» with a space before
    if len(entete) == 1:
        if "," in entete[0] or "\t" in entete[0]:
            utilise = "la virgule (,)" if "," in entete[0] else "la tabulation"
            raise FichierIllisible(
                "Le séparateur attendu est le point-virgule (;) "
                f"mais ce fichier utilise {utilise}. "
                "Dans votre tableur, enregistrez le fichier au format "
                "« CSV (séparateur : point-virgule) »."
            )
    reconnus = []
    for profil in PROFILS:
        indices: dict[str, int] = {}
        groupes: list[dict[str, int]] = []
        for i, titre in enumerate(entete):
            champ = profil.champ(titre)
            if champ is None:
                continue
            if champ in profil.groupe:
                # A title seen again in the current group starts the next one.
                if not groupes or champ in groupes[-1]:
                    groupes.append({})
                groupes[-1][champ] = i
                continue
            if champ in indices:
                raise FichierIllisible(
                    f"La colonne « {profil.colonnes[champ]} » apparaît deux fois dans l'en-tête."
                )
            indices[champ] = i
        manquantes = [profil.colonnes[c] for c in profil.obligatoires if c not in indices]
        for groupe in groupes or ([{}] if profil.groupe else []):
            manquantes += [profil.groupe[c] for c in profil.groupe_obligatoires if c not in groupe]
        if not manquantes:
            ignorees = [titre for titre in entete if titre and not profil.connue(titre)]
            return profil, indices, groupes, ignorees
        reconnus.append((len(profil.attendues) - len(manquantes), list(dict.fromkeys(manquantes))))
    # No kind of file matches: say what is missing from the nearest, what was found, what is expected.
    _, manquantes = max(reconnus, key=lambda r: r[0])
    libelle = "Colonne manquante" if len(manquantes) == 1 else "Colonnes manquantes"
    attendues = " ; ".join(f"pour {p.nom} : {', '.join(p.attendues)}" for p in PROFILS)
    trouvees = ", ".join(t for t in entete if t) or "aucune"
    raise FichierIllisible(
        f"{libelle} : {', '.join(manquantes)}. Colonnes trouvées : {trouvees}. "
        f"Colonnes attendues {attendues}."
    )


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
    niveau = _NIVEAUX_EN_MOTS.get(cle_nom(ligne.niveau_brut), niveau)
    if not niveau:
        ligne.erreurs.append("niveau manquant.")
    elif niveau not in Niveau.values:
        ligne.erreurs.append(
            f"niveau « {ligne.niveau_brut} » inconnu : "
            f"{', '.join(Niveau.values[:-1])} ou {Niveau.values[-1]}."
        )
    else:
        ligne.niveau = niveau


def _lire_ine(ligne: Ligne) -> None:
    ligne.ine = "".join(ligne.ine.split()).upper()
    if not ligne.ine:
        return
    try:
        valider_ine(ligne.ine)
    except ValidationError:
        ligne.erreurs.append(
            f"INE « {ligne.ine} » invalide : il comporte 11 caractères, 9 chiffres, puis un chiffre "
            "ou une lettre, puis une lettre."
        )
        ligne.ine = ""


def _lire_classe_et_niveau(
    ligne: Ligne, classes_par_cle: dict, connues: str, debut: int, analyse: Analyse
) -> None:
    _lire_niveau(ligne)
    if not ligne.classe_brute:
        ligne.erreurs.append("classe manquante (élève sans classe dans le fichier).")
        return
    if len(ligne.identifiant_classe) > _LONGUEUR_IDENTIFIANT:
        ligne.erreurs.append(
            f"identifiant de classe « {ligne.identifiant_classe[:20]}… » trop long "
            f"({_LONGUEUR_IDENTIFIANT} caractères au plus)."
        )
        return
    trouvees = []
    if ligne.identifiant_classe:
        trouvees = classes_par_cle.get(("onde", ligne.identifiant_classe), [])
    trouvees = trouvees or classes_par_cle.get(_cle_classe(ligne.classe_brute), [])
    if not trouvees and analyse.profil.cree_classes:
        # Listed in the preview; created on confirmation if the directeur agrees.
        cle = (ligne.identifiant_classe, " ".join(ligne.classe_brute.split()))
        if len(cle[1]) > _LONGUEUR_CLASSE:
            ligne.erreurs.append(f"le nom de la classe dépasse {_LONGUEUR_CLASSE} caractères.")
            return
        niveaux = analyse.classes_manquantes.setdefault(cle, set())
        if ligne.niveau:
            niveaux.add(ligne.niveau)
        return
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
    ines: dict[str, int] = {}
    for ligne in lignes:
        if (cle := ligne.cle) is not None:
            if cle in premieres:
                ligne.erreurs.append(f"même élève qu'à la ligne {premieres[cle]}.")
                continue
            premieres[cle] = ligne.numero
        if ligne.ine:
            if ligne.ine in ines:
                ligne.erreurs.append(
                    f"INE déjà donné à un autre élève à la ligne {ines[ligne.ine]} : un INE est propre à un élève."
                )
            else:
                ines[ligne.ine] = ligne.numero


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
    # The INE is unique nationally: held by which pupil, whatever the circonscription (pk only).
    ines_pris = dict(
        Eleve.objects.filter(ine__in={ligne.ine for ligne in a_chercher if ligne.ine}).values_list("ine", "pk")
    )

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
        if ligne.ine:
            if eleve is not None and eleve.ine and eleve.ine != ligne.ine:
                ligne.erreurs.append(
                    "l'INE du fichier diffère de celui enregistré pour cet élève : vérifiez-le sur sa fiche."
                )
            elif ines_pris.get(ligne.ine, eleve.pk if eleve else None) != (eleve.pk if eleve else None):
                ligne.erreurs.append("un autre élève est déjà enregistré avec cet INE : vérifiez-le.")
        if ligne.erreurs:
            continue
        ligne.eleve, ligne.inscription = eleve, inscription
        ligne.ajoute_ine = bool(eleve and ligne.ine and not eleve.ine)
        if eleve is None:
            ligne.action = Action.NOUVEL_ELEVE
        elif inscription is None:
            ligne.action = Action.INSCRIPTION
        elif ligne.classe is None or inscription.classe_id != ligne.classe.pk:
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
