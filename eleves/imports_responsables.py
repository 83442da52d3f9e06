"""Import of ONDE's guardians' extraction: each guardian linked to their children of the school.

One row a guardian (civilité, names, address, e-mail, three phones), then a group of four
columns per child (usage name, family name, first name, class), repeated as many times as the
guardian has children. ``eleves.imports`` recognises the file by its header
(``ONDE_RESPONSABLES``) and hands its rows here; the preview and the all-or-nothing confirmation
are the pupils' (``eleves/views_import.py``).

A child is looked for among the school's pupils of the current year by usage name (else family
name) and first name, compared with ``cle_nom``; a child not found is listed, not linked. The
model keeps one ``ResponsableLegal`` per pupil: a guardian already recorded for the pupil (same
first name, and the file's usage or family name) is updated, never created twice, so importing
the same file twice changes nothing.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from eleves.enums import LienResponsable
from eleves.imports import Analyse, ImportImpossible, _cle_classe, _nombre
from eleves.models import Inscription, ResponsableLegal, annee_courante_debut
from eleves.scolarite import cle_nom, libelle_annee
from eleves.services import responsable_enregistrer

# The file does not say how the guardian is related to the child: said in the preview.
LIEN_PAR_DEFAUT = LienResponsable.AUTRE
# ONDE writes « M. », « M », « MME », « Mme »… (compared by ``cle_nom``, the dot dropped).
_CIVILITES = {
    "m": "M.", "mr": "M.", "monsieur": "M.",
    "mme": "Mme", "madame": "Mme", "mlle": "Mme", "mademoiselle": "Mme",
}
# The phone kept, the first filled: the one that reaches the guardian themselves, then the home,
# the work phone last (a family matter is not for the workplace). The others are not stored.
TELEPHONES = (
    ("telephone_portable", "téléphone portable"),
    ("telephone_domicile", "téléphone du domicile"),
    ("telephone_travail", "téléphone du travail"),
)
_SEPARATEURS_TELEPHONE = re.compile(r"[\s.\-/()]")
_CHAMPS = {f.name: f for f in ResponsableLegal._meta.get_fields() if hasattr(f, "verbose_name")}
# Compared and updated field by field: label in the preview → model fields.
_RUBRIQUES = {
    "civilité": ("civilite",),
    "adresse": ("adresse", "code_postal", "commune"),
    "téléphone": ("telephone",),
    "courriel": ("email",),
}


class ActionResponsable(StrEnum):
    NOUVEAU = "nouveau"
    MISE_A_JOUR = "mise_a_jour"
    INCHANGE = "inchange"


@dataclass
class Enfant:
    """One child named on a guardian's row, and what importing does for them."""

    rang: int
    nom: str
    nom_famille: str
    prenom: str
    classe_brute: str
    inscription: Inscription | None = None
    responsable: ResponsableLegal | None = None
    action: ActionResponsable | None = None
    changements: list[str] = field(default_factory=list)

    @property
    def libelle(self) -> str:
        classe = self.inscription.classe.nom if self.inscription else self.classe_brute
        nom = f"{self.prenom} {self.nom.upper()}".strip()
        return f"{nom} ({classe})" if classe else nom

    @property
    def description(self) -> str:
        match self.action:
            case ActionResponsable.NOUVEAU:
                return "nouveau responsable de l'élève"
            case ActionResponsable.MISE_A_JOUR:
                return f"mis à jour : {', '.join(self.changements)}"
            case ActionResponsable.INCHANGE:
                return "déjà enregistré (inchangé)"
        return "pas élève de l'école cette année : non rattaché"


@dataclass
class LigneResponsable:
    """One guardian row of the file: the guardian as they would be stored, and their children."""

    numero: int
    civilite: str = ""
    nom: str = ""
    noms: frozenset[str] = frozenset()
    prenom: str = ""
    adresse: str = ""
    code_postal: str = ""
    commune: str = ""
    telephone: str = ""
    email: str = ""
    enfants: list[Enfant] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)
    # What the import corrected in the row (a postal code whose 0 a spreadsheet dropped).
    remarques: list[str] = field(default_factory=list)

    @property
    def nom_affiche(self) -> str:
        return " ".join(p for p in (self.civilite, self.prenom, self.nom.upper()) if p)

    @property
    def adresse_affichee(self) -> str:
        return ", ".join(p for p in (self.adresse, f"{self.code_postal} {self.commune}".strip()) if p)

    @property
    def valeurs(self) -> dict[str, str]:
        return {
            "civilite": self.civilite, "adresse": self.adresse, "code_postal": self.code_postal,
            "commune": self.commune, "telephone": self.telephone, "email": self.email,
        }


@dataclass(frozen=True)
class BilanResponsables:
    ajoutes: int
    mis_a_jour: int
    inchanges: int

    @property
    def message(self) -> str:
        return (
            f"{_nombre(self.ajoutes, 'responsable ajouté', 'responsables ajoutés')} à la fiche d'un élève, "
            f"{_nombre(self.mis_a_jour, 'mis à jour', 'mis à jour')}, "
            f"{_nombre(self.inchanges, 'inchangé', 'inchangés')}."
        )


@dataclass
class AnalyseResponsables(Analyse):
    """A guardians' file checked against a school."""

    lignes: list[LigneResponsable] = field(default_factory=list)

    @property
    def liens(self) -> list[Enfant]:
        return [e for ligne in self.lignes for e in ligne.enfants if e.action]

    @property
    def enfants_absents(self) -> list[str]:
        vus = dict.fromkeys(
            e.libelle for ligne in self.lignes if not ligne.erreurs for e in ligne.enfants if not e.inscription
        )
        return list(vus)

    def compter_liens(self, action: ActionResponsable) -> int:
        return sum(1 for e in self.liens if e.action == action)

    @property
    def resume(self) -> str:
        morceaux = [
            _nombre(self.compter_liens(ActionResponsable.NOUVEAU), "responsable à ajouter", "responsables à ajouter")
            + " à la fiche d'un élève",
            _nombre(
                self.compter_liens(ActionResponsable.MISE_A_JOUR), "responsable à mettre à jour",
                "responsables à mettre à jour",
            ),
            _nombre(
                self.compter_liens(ActionResponsable.INCHANGE), "responsable déjà enregistré (inchangé)",
                "responsables déjà enregistrés (inchangés)",
            ),
        ]
        total = _nombre(len(self.lignes), "ligne lue", "lignes lues")
        a_faire = ", ".join(m for m in morceaux if not m.startswith("0 ")) or "aucun responsable à enregistrer"
        resume = f"{total} : {a_faire}."
        if absents := self.enfants_absents:
            resume += " " + (
                "Un enfant du fichier n'est pas élève de l'école cette année (non rattaché)."
                if len(absents) == 1
                else f"{len(absents)} enfants du fichier ne sont pas élèves de l'école cette année (non rattachés)."
            )
        return resume

    def ecrire(self) -> BilanResponsables:
        """Write every link of a valid analysis (inside ``eleves.imports.importer``'s transaction):
        a new ``ResponsableLegal`` per pupil the guardian is not yet recorded for, the changed
        fields of those already recorded. Raises ``ImportImpossible`` if a write is refused."""
        for ligne in self.lignes:
            for enfant in ligne.enfants:
                if enfant.action not in (ActionResponsable.NOUVEAU, ActionResponsable.MISE_A_JOUR):
                    continue
                responsable = enfant.responsable or ResponsableLegal(
                    eleve=enfant.inscription.eleve, lien=LIEN_PAR_DEFAUT, nom=ligne.nom, prenom=ligne.prenom,
                )
                for champ, valeur in _nouvelles_valeurs(ligne, responsable).items():
                    setattr(responsable, champ, valeur)
                try:
                    responsable_enregistrer(responsable=responsable)
                except ValidationError as erreur:
                    ligne.erreurs.extend(f"enregistrement refusé : {m}" for m in erreur.messages)
        if not self.valide:
            raise ImportImpossible(self)
        return BilanResponsables(
            ajoutes=self.compter_liens(ActionResponsable.NOUVEAU),
            mis_a_jour=self.compter_liens(ActionResponsable.MISE_A_JOUR),
            inchanges=self.compter_liens(ActionResponsable.INCHANGE),
        )


def analyser_responsables(analyse: Analyse, rangees: list[tuple[int, dict, list[dict]]]) -> AnalyseResponsables:
    """Check the guardians' rows read by ``eleves.imports`` for ``analyse.ecole``, without writing:
    two queries, whatever the file's length."""
    resultat = AnalyseResponsables(
        ecole=analyse.ecole, texte=analyse.texte, profil=analyse.profil, indices=analyse.indices,
        groupes=analyse.groupes, colonnes_ignorees=analyse.colonnes_ignorees,
    )
    resultat.lignes = [_lire_ligne(numero, valeurs, groupes) for numero, valeurs, groupes in rangees]

    debut = annee_courante_debut()
    inscriptions = Inscription.objects.filter(
        classe__ecole=analyse.ecole, annee__debut=debut
    ).select_related("eleve", "classe")
    par_cle = defaultdict(list)
    for inscription in inscriptions:
        par_cle[(cle_nom(inscription.eleve.nom), cle_nom(inscription.eleve.prenom))].append(inscription)
    deja = defaultdict(list)
    eleves = [i.eleve_id for liste in par_cle.values() for i in liste]
    for responsable in ResponsableLegal.objects.filter(eleve_id__in=eleves).order_by("pk"):
        deja[responsable.eleve_id].append(responsable)

    premieres: dict[tuple, int] = {}
    for ligne in resultat.lignes:
        if ligne.erreurs:
            continue
        for enfant in ligne.enfants:
            _trouver_l_eleve(ligne, enfant, par_cle, debut)
            if enfant.inscription is None:
                continue
            eleve = enfant.inscription.eleve
            # The same guardian for the same pupil, by either of their names: one row only.
            cles = {(eleve.pk, nom, cle_nom(ligne.prenom)) for nom in ligne.noms}
            if deja_lue := next((premieres[c] for c in cles if c in premieres), None):
                ligne.erreurs.append(f"même responsable de {enfant.libelle} qu'à la ligne {deja_lue}.")
                continue
            premieres.update(dict.fromkeys(cles, ligne.numero))
            _comparer(ligne, enfant, deja[eleve.pk])
        if ligne.erreurs:
            for enfant in ligne.enfants:
                enfant.action = None
    return resultat


# Reading a row ---------------------------------------------------------------------------------


def _lire_ligne(numero: int, valeurs: dict, groupes: list[dict]) -> LigneResponsable:
    ligne = LigneResponsable(numero=numero)
    # ONDE's usage name, when filled, is the name the guardian goes by; both find them again.
    ligne.nom = _espaces(valeurs["nom_usage"]) or _espaces(valeurs["nom"])
    ligne.noms = frozenset(cle_nom(n) for n in (valeurs["nom_usage"], valeurs["nom"]) if cle_nom(n))
    ligne.prenom = _espaces(valeurs["prenom"])
    if not ligne.nom:
        ligne.erreurs.append("nom du responsable manquant.")
    if not ligne.prenom:
        ligne.erreurs.append("prénom du responsable manquant.")
    _lire_civilite(ligne, valeurs["civilite"])
    _lire_adresse(ligne, valeurs)
    _lire_telephone(ligne, valeurs)
    _lire_email(ligne, valeurs["email"])
    for rang, groupe in enumerate(groupes, start=1):
        nom_usage, nom, prenom = (_espaces(groupe[c]) for c in ("enfant_nom_usage", "enfant_nom", "enfant_prenom"))
        if not (nom_usage or nom or prenom):
            continue  # fewer children than groups in the header
        if not (nom_usage or nom) or not prenom:
            manque = "prénom" if not prenom else "nom"
            ligne.erreurs.append(f"enfant n° {rang} : {manque} manquant.")
            continue
        ligne.enfants.append(Enfant(
            rang=rang, nom=nom_usage or nom, nom_famille=nom, prenom=prenom, classe_brute=_espaces(groupe["enfant_classe"]),
        ))
    if not ligne.enfants and not ligne.erreurs:
        ligne.erreurs.append("aucun enfant n'est indiqué sur cette ligne.")
    if not ligne.erreurs:
        _verifier_longueurs(ligne)
    return ligne


def _espaces(texte: str) -> str:
    return " ".join(texte.split())


def _lire_civilite(ligne: LigneResponsable, brute: str) -> None:
    if not brute.strip():
        return
    civilite = _CIVILITES.get(cle_nom(brute).replace(".", ""))
    if civilite is None:
        ligne.erreurs.append(f"civilité « {brute.strip()} » non reconnue : M. ou Mme.")
    else:
        ligne.civilite = civilite


def _lire_adresse(ligne: LigneResponsable, valeurs: dict) -> None:
    # An address on several lines of one cell: one line on the letter, its parts separated by commas.
    ligne.adresse = ", ".join(_espaces(x) for x in valeurs["adresse"].splitlines() if x.strip())
    ligne.commune = _espaces(valeurs["commune"])
    code_postal = "".join(valeurs["code_postal"].split())
    pays = _espaces(valeurs["pays"])
    if pays and cle_nom(pays) != "france":
        # Abroad: the postal code is not French, and the country is needed on the letter.
        ligne.commune = " ".join(p for p in (code_postal, ligne.commune, f"({pays.upper()})") if p)
        return
    if code_postal.isdigit() and len(code_postal) == 4:
        # A spreadsheet read « 01000 » as a number: the 0 comes back.
        ligne.remarques.append(f"code postal « {code_postal} » lu « 0{code_postal} ».")
        code_postal = "0" + code_postal
    if code_postal and not re.fullmatch(r"\d{5}", code_postal):
        ligne.erreurs.append(f"code postal « {valeurs['code_postal']} » invalide : il comporte 5 chiffres.")
        return
    ligne.code_postal = code_postal


def _lire_telephone(ligne: LigneResponsable, valeurs: dict) -> None:
    champ, libelle = next(((c, l) for c, l in TELEPHONES if valeurs[c]), (None, ""))
    if champ is None:
        return
    brut = valeurs[champ]
    chiffres = _SEPARATEURS_TELEPHONE.sub("", brut)
    if chiffres.isdigit() and len(chiffres) == 9 and chiffres[0] != "0":
        chiffres = "0" + chiffres  # the 0 a spreadsheet dropped
    if chiffres.isdigit() and len(chiffres) == 10 and chiffres[0] == "0":
        ligne.telephone = " ".join(chiffres[i:i + 2] for i in range(0, 10, 2))
    elif re.fullmatch(r"\+33\d{9}", chiffres):
        ligne.telephone = f"+33 {chiffres[3]} " + " ".join(chiffres[i:i + 2] for i in range(4, 12, 2))
    elif re.fullmatch(r"\+\d{9,15}", chiffres):
        ligne.telephone = chiffres
    else:
        ligne.erreurs.append(f"{libelle} « {brut} » invalide (ex. 06 12 34 56 78).")


def _lire_email(ligne: LigneResponsable, brut: str) -> None:
    email = brut.strip()
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        ligne.erreurs.append(f"courriel « {email} » invalide.")
        return
    ligne.email = email


def _verifier_longueurs(ligne: LigneResponsable) -> None:
    """The model's own checks on what would be stored (lengths, formats), said per field."""
    essai = ResponsableLegal(lien=LIEN_PAR_DEFAUT, nom=ligne.nom, prenom=ligne.prenom, **ligne.valeurs)
    try:
        essai.clean_fields(exclude=["eleve", "revision"])
    except ValidationError as erreur:
        for champ, messages in erreur.message_dict.items():
            ligne.erreurs.extend(f"{_CHAMPS[champ].verbose_name} : {m}" for m in messages)


# Finding the children and the guardians already recorded ----------------------------------------


def _trouver_l_eleve(ligne: LigneResponsable, enfant: Enfant, par_cle: dict, debut: int) -> None:
    prenom = cle_nom(enfant.prenom)
    trouvees = par_cle.get((cle_nom(enfant.nom), prenom)) or par_cle.get((cle_nom(enfant.nom_famille), prenom), [])
    if len(trouvees) > 1 and enfant.classe_brute:
        trouvees = [i for i in trouvees if _cle_classe(i.classe.nom) == _cle_classe(enfant.classe_brute)]
    if len(trouvees) > 1:
        ligne.erreurs.append(
            f"plusieurs élèves de l'école pour {libelle_annee(debut)} s'appellent {enfant.libelle} : "
            "ajoutez ce responsable depuis la fiche de l'élève."
        )
        return
    enfant.inscription = trouvees[0] if trouvees else None


def _comparer(ligne: LigneResponsable, enfant: Enfant, responsables: list[ResponsableLegal]) -> None:
    prenom = cle_nom(ligne.prenom)
    memes = [r for r in responsables if cle_nom(r.prenom) == prenom and cle_nom(r.nom) in ligne.noms]
    if len(memes) > 1:
        ligne.erreurs.append(
            f"{enfant.libelle} a déjà {len(memes)} responsables enregistrés à ce nom : "
            "corrigez sa fiche, puis déposez de nouveau le fichier."
        )
        return
    if not memes:
        enfant.action = ActionResponsable.NOUVEAU
        return
    enfant.responsable = memes[0]
    nouvelles = _nouvelles_valeurs(ligne, memes[0])
    enfant.changements = [r for r, champs in _RUBRIQUES.items() if any(c in nouvelles for c in champs)]
    enfant.action = ActionResponsable.MISE_A_JOUR if enfant.changements else ActionResponsable.INCHANGE


def _nouvelles_valeurs(ligne: LigneResponsable, responsable: ResponsableLegal) -> dict[str, str]:
    """The fields the row changes: a filled cell replaces what is recorded, an empty one erases
    nothing; the address's three parts go together."""
    valeurs = ligne.valeurs
    if not (ligne.adresse or ligne.code_postal or ligne.commune):
        for champ in _RUBRIQUES["adresse"]:
            valeurs.pop(champ)
    return {
        champ: valeur for champ, valeur in valeurs.items()
        if (valeur or champ in _RUBRIQUES["adresse"]) and valeur != getattr(responsable, champ)
    }
