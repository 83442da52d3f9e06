"""Reports across many pupils: the RASED's yearly activity report (bilan d'activité), the list
of the pupils helped per période (what the LSU records as « RASED »), the waiting list.

Plain functions returning plain data; the views decide who reads them (``aides/views/rapports.py``)
and the templates only lay them out, so that the page, the PDF and the CSV say the same thing.

Statistical secrecy (DOMAIN.md): the psychologist's work appears only as aggregates, and every
cell of the yearly report that counts pupils — or requests, aids, reviews, each of which is one
pupil — is an ``Effectif``, printed « < 5 » from 1 to 4. Zero is printed: it identifies nobody.
Sessions, hours, meetings and team actions count work, not pupils, and are printed as they are.
Secondary suppression (``masquer_secondaire``): a « < 5 » must not be recomputable from a total
and the other cells of its line or column, so another cell is masked too, printed « secret ».

A past school year touched by the retention purge is read from its frozen figures
(``StatistiqueAnnuelle``, written by ``figer`` before the purge deletes anything): the report of
a past year does not change when pupils' files are deleted.

Every figure comes from aggregate queries (``values``/``annotate``): the number of queries does
not depend on the size of the circonscription. Only the waiting times are computed in Python,
over one ``values_list`` of dates (medians and percentiles are not portable SQL).
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from aides.enums import (
    ETATS_A_TRAITER,
    Decision,
    EtatDemande,
    EtatProgramme,
    IssueAide,
    Modalite,
    SuiteEvaluation,
    TypeAide,
    TypeReunion,
)
from aides.models import (
    ActionEquipe,
    Aide,
    DemandeAide,
    Evaluation,
    Programme,
    Reunion,
    StatistiqueAnnuelle,
)
from aides.pdf.graphiques import Barre, histogramme
from eleves.alphabetique import cle, ordre_alphabetique
from eleves.enums import Niveau, Role
from eleves.models import Ecole, Inscription, Utilisateur
from eleves.rules import lit_le_secret_psy
from eleves.scolarite import (
    annee_scolaire_de,
    debut_annee_scolaire,
    fin_annee_scolaire,
    libelle_annee,
    periodes,
    periodes_couvertes,
)
from rased.formats import duree_fr, nombre_fr
from rased.francais import accorde

SEUIL_SECRET = 5

TYPE_ABREGE = {TypeAide.E: "Aide E", TypeAide.G: "Aide G", TypeAide.PSY: "Suivi psychologique"}
ORDRE_NIVEAUX = list(Niveau.values)


SECRET = "secret"


@dataclass(frozen=True)
class Effectif:
    """A number of pupils: printed « < 5 » from 1 to 4, so that nobody can be singled out;
    « secret » when masked only so that a « < 5 » of its line or column cannot be recomputed
    from a total (``secret``, set by ``masquer_secondaire``)."""

    valeur: int
    secret: bool = False

    @property
    def petit(self) -> bool:
        return 0 < self.valeur < SEUIL_SECRET

    @property
    def masque(self) -> bool:
        return self.petit or self.secret

    def __str__(self) -> str:
        if self.petit:
            return f"< {SEUIL_SECRET}"
        return SECRET if self.secret else str(self.valeur)

    @property
    def pour_graphique(self) -> int:
        """A masked count draws no bar: its length would give the number away."""
        return 0 if self.masque else self.valeur


@dataclass(frozen=True)
class Duree:
    minutes: int

    def __str__(self) -> str:
        return duree_fr(self.minutes)

    @property
    def heures(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def csv(self) -> str:
        """Decimal hours with a comma: a number for a French spreadsheet."""
        return nombre_fr(self.heures)


@dataclass
class Tableau:
    """One table of the report: a label per line, one cell per column, an optional total."""

    cle: str
    titre: str
    libelle_lignes: str
    colonnes: list[str]
    lignes: list[tuple[str, list]]
    total: list | None = None
    note: str = ""

    def ligne(self, libelle: str) -> list:
        return next(cellules for nom, cellules in self.lignes if nom == libelle)

    def cellule(self, libelle: str, colonne: str):
        return self.ligne(libelle)[self.colonnes.index(colonne)]


@dataclass
class RapportAnnuel:
    circonscription: str
    debut: int
    chiffres_cles: list[tuple[str, object]]
    tableaux: list[Tableau]

    @property
    def annee(self) -> str:
        return libelle_annee(self.debut)

    def tableau(self, cle: str) -> Tableau:
        return next(t for t in self.tableaux if t.cle == cle)

    @property
    def entetes_csv(self) -> list[str]:
        return [f"Bilan d'activité du RASED — {self.annee}", self.circonscription]

    def lignes_csv(self):
        """One block per table, as a sheet a secretary can sum: its title line (and note), its
        header line, one line per row with a number per cell, its total, then a blank line.
        Masked cells stay text (« < 5 », « secret »): a spreadsheet's SUM skips them."""
        yield [LEGENDE_SECRET]
        yield []
        yield ["Chiffres clés"]
        yield ["Indicateur", "Valeur"]
        for libelle, cellule in self.chiffres_cles:
            yield [libelle, _texte_csv(cellule)]
        for tableau in self.tableaux:
            yield []
            yield [tableau.titre] + ([tableau.note] if tableau.note else [])
            yield [tableau.libelle_lignes] + list(tableau.colonnes)
            lignes = list(tableau.lignes)
            if tableau.total is not None and lignes:
                lignes.append(("Total", tableau.total))
            for libelle, cellules in lignes:
                yield [libelle] + [_texte_csv(c) for c in cellules]

    def graphiques(self) -> list[str]:
        """Three charts, drawn from the same (masked) figures as the tables."""
        niveaux = self.tableau("niveaux")
        eleves = self.tableau("eleves")
        membres = self.tableau("membres")
        return [
            histogramme(
                [Barre(n, c[0].pour_graphique, str(c[0])) for n, c in niveaux.lignes],
                titre="Demandes reçues par niveau",
            ),
            histogramme(
                [Barre(col, e.pour_graphique, str(e)) for col, e in zip(eleves.colonnes, eleves.total)],
                titre="Élèves aidés par type d'aide",
            ),
            histogramme(
                [Barre(_abrege(n), c[1].heures, str(c[1])) for n, c in membres.lignes],
                titre="Heures de séances par membre du RASED",
            ),
        ]


def _abrege(libelle: str, longueur: int = 30) -> str:
    """Short enough for a chart's label column (the table below keeps the whole label)."""
    return libelle if len(libelle) <= longueur else libelle[: longueur - 1].rstrip() + "…"


def _texte_csv(cellule) -> str:
    return getattr(cellule, "csv", None) or str(cellule)


# --- Secondary suppression ---------------------------------------------------------------------

LEGENDE_SECRET = (
    "Secret statistique : « < 5 » = effectif de 1 à 4 ; « secret » = effectif masqué pour qu'un « < 5 » "
    "ne puisse pas se déduire d'un total."
)
TOTAL = "Total"
CHIFFRES_CLES = "chiffres"
# Columns that add up on every line of a table: (the whole, its parts). A request received is
# either decided or still waiting (counted as exact: masking too much is the safe side).
SOMMES_PAR_LIGNE = {"ecoles": (0, (1, 2)), "niveaux": (0, (1, 2))}
# The same figure printed in several places (table, line, column): masked in one, masked in all.
MEMES_CHIFFRES = (
    (("ecoles", TOTAL, 0), ("niveaux", TOTAL, 0), (CHIFFRES_CLES, "Demandes reçues", 0)),
    (("ecoles", TOTAL, 1), ("niveaux", TOTAL, 1), (CHIFFRES_CLES, "Demandes traitées", 0)),
    (("ecoles", TOTAL, 2), ("niveaux", TOTAL, 2), (CHIFFRES_CLES, "Demandes en attente", 0),
     ("reponses", "En attente de décision", 0)),
    (("eleves", TOTAL, 3), (CHIFFRES_CLES, "Élèves aidés", 0)),
    (("reponses", "Orientation hors de l'école", 0), ("orientations", "À l'analyse de la demande", 0)),
)


@dataclass
class _Case:
    """One cell of the report, where it is written (a line's list of cells, an index)."""

    cellules: list
    j: int

    @property
    def effectif(self) -> Effectif:
        return self.cellules[self.j]

    @property
    def masquee(self) -> bool:
        return self.effectif.masque

    def masquer(self) -> None:
        self.cellules[self.j] = Effectif(self.effectif.valeur, secret=True)


def masquer_secondaire(rapport: "RapportAnnuel") -> "RapportAnnuel":
    """Secondary suppression, in place: no masked count can be recomputed exactly from a total.

    Each table with a total line is a set of sums (every column: its lines add up to its total;
    the tables of ``SOMMES_PAR_LIGNE``: on every line, received = decided + waiting). When exactly
    one cell of a sum is masked, it is the total minus the others: the smallest other part that is
    neither masked nor zero is masked too (a zero masked would give the value back, as a « secret »
    cell is known to be 0 or 5 and more), else the total. A figure printed in several places
    (``MEMES_CHIFFRES``) is masked everywhere once masked somewhere; the whole is repeated until
    nothing changes. Cells that do not count pupils (sessions, hours) are never masked.
    Used by the live and the frozen report alike, so that both print the same cells.
    """
    def effectifs(cases: list[_Case]) -> list[_Case]:
        return [c for c in cases if isinstance(c.effectif, Effectif)]

    sommes: list[tuple[list[_Case], _Case]] = []
    for tableau in rapport.tableaux:
        if tableau.total is not None and tableau.lignes:
            for j, total in enumerate(tableau.total):
                if isinstance(total, Effectif):
                    sommes.append((effectifs([_Case(c, j) for _, c in tableau.lignes]), _Case(tableau.total, j)))
        if tableau.cle in SOMMES_PAR_LIGNE:
            tout, parties = SOMMES_PAR_LIGNE[tableau.cle]
            for cellules in [c for _, c in tableau.lignes] + ([tableau.total] if tableau.total else []):
                sommes.append((effectifs([_Case(cellules, j) for j in parties]), _Case(cellules, tout)))

    chiffres = [[valeur] for _, valeur in rapport.chiffres_cles]
    lignes = {(CHIFFRES_CLES, libelle): cellules for (libelle, _), cellules in zip(rapport.chiffres_cles, chiffres)}
    for tableau in rapport.tableaux:
        lignes |= {(tableau.cle, libelle): cellules for libelle, cellules in tableau.lignes}
        if tableau.total is not None:
            lignes[(tableau.cle, TOTAL)] = tableau.total
    memes = [
        effectifs([_Case(lignes[(cle, ligne)], j) for cle, ligne, j in groupe
                   if j < len(lignes.get((cle, ligne), ()))])
        for groupe in MEMES_CHIFFRES
    ]

    def propager() -> None:
        for case in [c for groupe in memes if any(c.masquee for c in groupe) for c in groupe if not c.masquee]:
            case.masquer()

    propager()
    change = True
    while change:
        change = False
        for parties, tout in sommes:
            if not isinstance(tout.effectif, Effectif) or sum(c.masquee for c in parties + [tout]) != 1:
                continue
            autres = [c for c in parties if not c.masquee and c.effectif.valeur > 0]
            cible = min(autres, key=lambda c: c.effectif.valeur) if autres else tout
            if not cible.masquee:
                cible.masquer()
                propager()
                change = True
    rapport.chiffres_cles = [(libelle, cellules[0]) for (libelle, _), cellules in zip(rapport.chiffres_cles, chiffres)]
    return rapport


def _bornes(debut: int) -> tuple[date, date, datetime, datetime]:
    """The school year as dates, and as aware datetimes [start, end[ in the local time zone."""
    du, au = debut_annee_scolaire(debut), fin_annee_scolaire(debut)
    zone = timezone.get_current_timezone()
    return du, au, datetime.combine(du, time(), zone), datetime.combine(au + timedelta(days=1), time(), zone)


def quantiles_attente(durees: list[int]) -> tuple[float, float] | None:
    """Median and 90th percentile (linear interpolation between ranks, as a spreadsheet's
    CENTILE.INCLURE); None under 5 values, which would describe single pupils."""
    if len(durees) < SEUIL_SECRET:
        return None
    return statistics.median(durees), statistics.quantiles(durees, n=10, method="inclusive")[8]


def entete_document(user, debut: int, ecole=None) -> dict:
    """The heading of a report's PDF: the reader's circonscription, the school if any, the year."""
    return {
        "circonscription": str(user.circonscription),
        "ecole": f"{ecole.nom} ({ecole.commune}) — UAI {ecole.uai}" if ecole else "",
        "annee": libelle_annee(debut),
    }


def rapport_annuel(*, circonscription, debut: int) -> RapportAnnuel:
    """The yearly activity report: frozen figures for a past year that a purge has touched
    (``figer``), else computed from the rows (``calculer_rapport_annuel``)."""
    if debut < annee_scolaire_de(timezone.localdate()):
        fige = StatistiqueAnnuelle.objects.filter(circonscription=circonscription, debut=debut).first()
        if fige is not None:
            return _depuis_json(fige.donnees, circonscription=str(circonscription), debut=debut)
    return calculer_rapport_annuel(circonscription=circonscription, debut=debut)


def figer(*, circonscriptions, annees) -> list[tuple[int, int]]:
    """Freeze the report of each past school year in ``annees`` for each circonscription, unless
    already frozen; returns the (circonscription pk, year) written. The current year stays live.

    Called by the retention purge before it deletes anything: the figures kept are those the
    rows gave just before. A frozen year is never computed again (idempotent).
    """
    courante = annee_scolaire_de(timezone.localdate())
    ecrites = []
    for circonscription in circonscriptions:
        deja = set(StatistiqueAnnuelle.objects.filter(circonscription=circonscription)
                   .values_list("debut", flat=True))
        for debut in sorted(a for a in set(annees) if a < courante and a not in deja):
            rapport = calculer_rapport_annuel(circonscription=circonscription, debut=debut)
            StatistiqueAnnuelle.objects.create(circonscription=circonscription, debut=debut,
                                               donnees=_vers_json(rapport))
            ecrites.append((circonscription.pk, debut))
    return ecrites


# A cell is an Effectif (masked when printed), a Duree, a number or a text: kept with its kind,
# so that a frozen report prints exactly as the live one (same masking, same CSV).
def _cellule_json(cellule):
    if isinstance(cellule, Effectif):
        return {"effectif": cellule.valeur}
    if isinstance(cellule, Duree):
        return {"minutes": cellule.minutes}
    return cellule


def _cellule_python(valeur):
    if isinstance(valeur, dict):
        return Effectif(valeur["effectif"]) if "effectif" in valeur else Duree(valeur["minutes"])
    return valeur


def _vers_json(rapport: RapportAnnuel) -> dict:
    return {
        "chiffres_cles": [[libelle, _cellule_json(c)] for libelle, c in rapport.chiffres_cles],
        "tableaux": [
            {
                "cle": t.cle, "titre": t.titre, "libelle_lignes": t.libelle_lignes, "colonnes": t.colonnes,
                "lignes": [[libelle, [_cellule_json(c) for c in cellules]] for libelle, cellules in t.lignes],
                "total": None if t.total is None else [_cellule_json(c) for c in t.total],
                "note": t.note,
            }
            for t in rapport.tableaux
        ],
    }


def _depuis_json(donnees: dict, *, circonscription: str, debut: int) -> RapportAnnuel:
    return masquer_secondaire(RapportAnnuel(
        circonscription=circonscription,
        debut=debut,
        chiffres_cles=[(libelle, _cellule_python(c)) for libelle, c in donnees["chiffres_cles"]],
        tableaux=[
            Tableau(
                cle=t["cle"], titre=t["titre"], libelle_lignes=t["libelle_lignes"], colonnes=t["colonnes"],
                lignes=[(libelle, [_cellule_python(c) for c in cellules]) for libelle, cellules in t["lignes"]],
                total=None if t["total"] is None else [_cellule_python(c) for c in t["total"]],
                note=t["note"],
            )
            for t in donnees["tableaux"]
        ],
    ))


def calculer_rapport_annuel(*, circonscription, debut: int) -> RapportAnnuel:
    """The yearly activity report of the circonscription's RASED for school year ``debut``,
    computed from the rows.

    The year's requests are those filed for a class of that year (sent, drafts excluded); the
    year's aids, those that ran during the year (started before its end, not ended before its
    start); sessions, reviews, meetings and team actions, those dated in the year.

    It counts beyond what circonscription staff may list by name (the psychologist's follow-ups
    among others) on purpose: only aggregates leave this function, small ones masked.
    """
    du, au, depuis, jusqu_a = _bornes(debut)
    demandes = DemandeAide.objects.filter(
        circonscription=circonscription, classe__annee__debut=debut
    ).exclude(etat=EtatDemande.BROUILLON)
    comptes = {
        "recues": Count("pk"),
        "traitees": Count("pk", filter=Q(decidee_le__isnull=False)),
        "en_attente": Count("pk", filter=Q(etat__in=ETATS_A_TRAITER)),
    }
    colonnes_demandes = ["Reçues", "Traitées (décision prise)", "En attente"]

    def cellules(ligne) -> list:
        return [Effectif(ligne[c] or 0) for c in comptes]

    # One query for the totals, the decisions and the pupils oriented at the analysis.
    totaux = demandes.aggregate(
        **comptes,
        **{f"decision_{d.value}": Count("pk", filter=Q(decision=d.value)) for d in Decision},
        orientes=Count("eleve", distinct=True, filter=Q(decision=Decision.ORIENTATION)),
    )

    envoyees = [e for e in EtatDemande if e != EtatDemande.BROUILLON]
    dans_l_annee = Q(classes__annee__debut=debut, classes__demandes__etat__in=envoyees)
    ecoles = (
        Ecole.objects.filter(circonscription=circonscription)
        .annotate(
            recues=Count("classes__demandes", filter=dans_l_annee),
            traitees=Count("classes__demandes", filter=dans_l_annee & Q(classes__demandes__decidee_le__isnull=False)),
            en_attente=Count("classes__demandes", filter=dans_l_annee & Q(classes__demandes__etat__in=ETATS_A_TRAITER)),
        )
        .order_by(*ordre_alphabetique("nom", "commune"), "pk")
    )
    t_ecoles = Tableau(
        "ecoles", "Demandes par école", "École", colonnes_demandes,
        [(f"{e.nom} ({e.commune})", cellules({c: getattr(e, c) for c in comptes})) for e in ecoles], cellules(totaux),
    )
    par_niveau = sorted(demandes.values("niveau").annotate(**comptes), key=lambda d: _rang_niveau(d["niveau"]))
    t_niveaux = Tableau(
        "niveaux", "Demandes par niveau", "Niveau", colonnes_demandes,
        [(d["niveau"], cellules(d)) for d in par_niveau], cellules(totaux),
    )

    # An aid withdrawn by a revised decision (before it started) is no longer an answer given.
    types_decides = dict(
        Aide.objects.filter(demande__in=demandes).exclude(issue=IssueAide.REVISION).values_list("type")
        .annotate(n=Count("demande", distinct=True)).values_list("type", "n")
    )
    t_reponses = Tableau(
        "reponses", "Réponses apportées aux demandes", "Réponse", ["Demandes"],
        [(TYPE_ABREGE[t], [Effectif(types_decides.get(t, 0))]) for t in TypeAide]
        + [(d.label, [Effectif(totaux[f"decision_{d.value}"])]) for d in Decision if d != Decision.AIDE]
        + [("En attente de décision", [Effectif(totaux["en_attente"])])],
        note="Une demande peut donner lieu à plusieurs types d'aide.",
    )

    aides = Aide.objects.filter(
        eleve__circonscription=circonscription, debut__isnull=False, debut__lte=au
    ).filter(Q(fin__isnull=True) | Q(fin__gte=du))
    # The pupil's level that year (the class changes every year); the request's, if not enrolled.
    niveau_annee = Coalesce(
        Subquery(Inscription.objects.filter(eleve=OuterRef("eleve_id"), annee__debut=debut).values("niveau")[:1]),
        F("demande__niveau"),
    )
    # Pupils counted once per column: all kinds of aid, then each kind (a pupil may have several).
    par_colonne = {"tous": Count("eleve", distinct=True)} | {
        t.value: Count("eleve", distinct=True, filter=Q(type=t.value)) for t in TypeAide
    }
    totaux_aides = aides.aggregate(**par_colonne)
    par_type = {t.value: totaux_aides[t.value] for t in TypeAide}
    eleves_aides = totaux_aides["tous"]
    par_niveau_annee = list(aides.annotate(niv=niveau_annee).values("niv").annotate(**par_colonne))
    croise = {(t.value, d["niv"]): d[t.value] for d in par_niveau_annee for t in TypeAide}
    tous = {d["niv"]: d["tous"] for d in par_niveau_annee}
    t_eleves = Tableau(
        "eleves", "Élèves aidés par type d'aide et niveau", "Niveau",
        [TYPE_ABREGE[t] for t in TypeAide] + ["Tous (sans double compte)"],
        [
            (niv, [Effectif(croise.get((t.value, niv), 0)) for t in TypeAide] + [Effectif(tous[niv])])
            for niv in sorted(tous, key=_rang_niveau)
        ],
        [Effectif(par_type.get(t.value, 0)) for t in TypeAide] + [Effectif(eleves_aides)],
        note="Aides commencées, en cours pendant l'année ; niveau de l'élève cette année-là.",
    )

    modalites = {
        (d["modalite"], d["aide__type"]): d["n"]
        for d in Programme.objects.filter(
            aide__in=aides, etat__in=[EtatProgramme.VALIDE, EtatProgramme.REMPLACE],
            date_debut__lte=au, date_revision__gte=du,
        ).values("modalite", "aide__type").annotate(n=Count("aide", distinct=True))
    }
    t_modalites = Tableau(
        "modalites", "Modalités des aides (programmes validés)", "Modalité", [TYPE_ABREGE[t] for t in TypeAide],
        [(m.label, [Effectif(modalites.get((m.value, t.value), 0)) for t in TypeAide]) for m in Modalite],
        note="Une aide dont le programme a changé de modalité compte dans chacune.",
    )

    t_membres = _seances_par_membre(circonscription, du, au)
    t_delais, mediane_decision = _delais(demandes)

    bilans_de_l_annee = Evaluation.objects.filter(
        programme__aide__eleve__circonscription=circonscription, date__range=(du, au)
    )
    # One query: the aids reviewed per outcome, and the pupils oriented after a review.
    bilans = bilans_de_l_annee.aggregate(
        **{s.value: Count("programme__aide", distinct=True, filter=Q(suite=s.value)) for s in SuiteEvaluation},
        orientes=Count("programme__aide__eleve", distinct=True, filter=Q(suite=SuiteEvaluation.ORIENTATION)),
    )
    # The aids that ended in the year, by issue, whatever ended them: a final bilan, or the
    # family's refusal before the start or withdrawal during the aid.
    issues = Aide.objects.filter(eleve__circonscription=circonscription, fin__range=(du, au)).aggregate(
        **{s.value: Count("pk", filter=Q(issue=s.value)) for s in IssueAide}
    )
    t_issues = Tableau(
        "issues", "Issues des bilans et des aides", "Suite donnée",
        ["Bilans de l'année (élèves)", "Aides terminées dans l'année"],
        [(s.label, [Effectif(bilans.get(s.value, 0)), Effectif(issues.get(s.value, 0))]) for s in SuiteEvaluation]
        + [(s.label, [Effectif(0), Effectif(issues[s.value])])
           for s in (IssueAide.REFUS_FAMILLE, IssueAide.RETRAIT_FAMILLE, IssueAide.DEPART,
                     IssueAide.REVISION)],
        note=("Une aide refusée par la famille ou retirée par une décision révisée n'a pas commencé ; "
              "un retrait ou un départ de l'élève arrête une aide en cours."),
    )

    reunions = dict(
        Reunion.objects.filter(demande__circonscription=circonscription, date__gte=depuis, date__lt=jusqu_a)
        .values_list("type").annotate(n=Count("pk")).values_list("type", "n")
    )
    t_reunions = Tableau(
        "reunions", "Réunions par type", "Type de réunion", ["Réunions"],
        [(r.label, [reunions.get(r.value, 0)]) for r in TypeReunion], [sum(reunions.values())],
    )

    orientees_demande = demandes.filter(decision=Decision.ORIENTATION)
    orientees_bilan = bilans_de_l_annee.filter(suite=SuiteEvaluation.ORIENTATION)
    # A UNION of the two id lists (duplicates removed), counted: the pupils table is not scanned.
    eleves_orientes = orientees_demande.values_list("eleve_id").union(
        orientees_bilan.values_list("programme__aide__eleve_id"))
    t_orientations = Tableau(
        "orientations", "Orientations", "Moment de l'orientation", ["Élèves"],
        [
            ("À l'analyse de la demande",
             [Effectif(totaux["orientes"])]),
            ("À l'issue d'un bilan d'aide", [Effectif(bilans["orientes"])]),
        ],
        [Effectif(eleves_orientes.count())],
        note="Orientation hors de l'école : MDPH, soins, structure spécialisée.",
    )

    actions = list(
        ActionEquipe.objects.filter(ecole__circonscription=circonscription, date__range=(du, au))
        .values("ecole__nom", "ecole__commune").annotate(n=Count("pk"), minutes=Sum("duree"))
        .order_by(*ordre_alphabetique("ecole__nom", "ecole__commune"))
    )
    t_actions = Tableau(
        "actions", "Actions auprès des équipes (pôle ressource)", "École", ["Actions", "Heures"],
        [(f"{a['ecole__nom']} ({a['ecole__commune']})", [a["n"], Duree(a["minutes"])]) for a in actions],
        [sum(a["n"] for a in actions), Duree(sum(a["minutes"] for a in actions))],
    )

    seances, heures = t_membres.total
    return masquer_secondaire(RapportAnnuel(
        circonscription=str(circonscription),
        debut=debut,
        chiffres_cles=[
            ("Demandes reçues", Effectif(totaux["recues"])),
            ("Demandes traitées", Effectif(totaux["traitees"])),
            ("Demandes en attente", Effectif(totaux["en_attente"])),
            ("Élèves aidés", Effectif(eleves_aides)),
            ("Séances", seances),
            ("Heures de séances", heures),
            ("Délai médian jusqu'à la décision", mediane_decision),
            ("Actions auprès des équipes", t_actions.total[0]),
        ],
        tableaux=[t_ecoles, t_niveaux, t_reponses, t_eleves, t_modalites, t_membres, t_delais, t_issues,
                  t_reunions, t_orientations, t_actions],
    ))


def _rang_niveau(niveau: str) -> int:
    return ORDRE_NIVEAUX.index(niveau) if niveau in ORDRE_NIVEAUX else len(ORDRE_NIVEAUX)


def _seances_par_membre(circonscription, du, au) -> Tableau:
    """E and G members by name; psychologists only together (their activity is an aggregate)."""
    dans_l_annee = Q(seances__date__range=(du, au))
    membres = (
        Utilisateur.objects.filter(circonscription=circonscription, role__in=[Role.MAITRE_E, Role.MAITRE_G,
                                                                              Role.PSYCHOLOGUE])
        .annotate(n=Count("seances", filter=dans_l_annee), minutes=Sum("seances__duree", filter=dans_l_annee))
        .filter(Q(is_active=True) | Q(n__gt=0))
        .order_by("role", *ordre_alphabetique("last_name", "first_name"), "pk")
    )
    lignes, psy = [], {"personnes": 0, "n": 0, "minutes": 0}
    for m in membres:
        if m.role == Role.PSYCHOLOGUE:
            psy["personnes"] += 1
            psy["n"] += m.n
            psy["minutes"] += m.minutes or 0
        else:
            fonction = "maître E" if m.role == Role.MAITRE_E else "maître G"
            lignes.append((f"{m} ({fonction})", [m.n, Duree(m.minutes or 0)]))
    if psy["personnes"]:
        lignes.append(("Psychologues (ensemble)", [psy["n"], Duree(psy["minutes"])]))
    return Tableau(
        "membres", "Séances et heures par membre du RASED", "Membre", ["Séances", "Heures"], lignes,
        [sum(c[0] for _, c in lignes), Duree(sum(c[1].minutes for _, c in lignes))],
    )


def _delais(demandes) -> tuple[Tableau, str]:
    """Days from sending to the decision and to the first session of the request's aids."""
    decision, premiere_seance = [], []
    for envoyee, decidee, premiere in (
        demandes.filter(envoyee_le__isnull=False)
        .annotate(premiere=Min("aides__presences__seance__date"))
        .values_list("envoyee_le", "decidee_le", "premiere")
    ):
        jour_envoi = timezone.localdate(envoyee)
        if decidee:
            decision.append((timezone.localdate(decidee) - jour_envoi).days)
        if premiere:
            premiere_seance.append((premiere - jour_envoi).days)
    lignes = []
    for libelle, durees in (("De l'envoi à la décision", decision),
                            ("De l'envoi à la première séance", premiere_seance)):
        q = quantiles_attente(durees)
        lignes.append((libelle, [Effectif(len(durees))] + ([nombre_fr(q[0], 1), nombre_fr(q[1], 1)] if q else ["—", "—"])))
    mediane = lignes[0][1][1]
    return Tableau(
        "delais", "Délais d'attente (en jours)", "Délai", ["Demandes", "Médiane", "90e centile"], lignes,
        note="Non calculés sous 5 demandes. 90e centile : 9 demandes sur 10 attendent moins.",
    ), (f"{mediane} {accorde(float(mediane.replace(',', '.')), 'jour')}" if mediane != "—" else "—")


# --- Pupils helped per période (for the school report book, LSU) ---------------------------


@dataclass
class EleveAide:
    nom: str
    prenom: str
    niveau: str
    types: list[str] = field(default_factory=list)
    eleve_id: int | None = None
    # Period number → kinds of aid that ran during it (e.g. {2: ["E"], 3: ["E", "G"]}).
    par_periode: dict = field(default_factory=dict)

    @property
    def cases(self) -> list[str]:
        """One cell per période, 1 to 5: the kinds of aid that ran during it, or empty."""
        return [", ".join(self.par_periode.get(n, [])) for n in range(1, 6)]


@dataclass
class ClasseAidee:
    nom: str
    eleves: list[EleveAide]


@dataclass
class ListePeriodes:
    ecole: object
    debut: int
    periodes: tuple
    periode: int | None
    classes: list[ClasseAidee]
    avec_psy: bool

    @property
    def annee(self) -> str:
        return libelle_annee(self.debut)

    @property
    def nb_eleves(self) -> int:
        return sum(len(c.eleves) for c in self.classes)


TYPE_COURT = {TypeAide.E: "E", TypeAide.G: "G", TypeAide.PSY: "Psy"}


def eleves_aides_par_periode(user, *, ecole, debut: int, periode: int | None = None,
                             aujourd_hui: date | None = None) -> ListePeriodes:
    """The school's pupils who received a RASED aid during school year ``debut``, per class,
    with the périodes each aid ran (until today for an aid still running).

    Every aid of a pupil enrolled in the school that year counts, whatever school filed the
    request (``Aide.objects.des_eleves_de_l_ecole``); a psychologist's follow-ups are left out
    for everyone but psychologists (no nominative list of the psychologist's pupils).
    ``periode`` keeps only the pupils helped during that période. Two queries.
    """
    aujourd_hui = aujourd_hui or timezone.localdate()
    du, au = debut_annee_scolaire(debut), fin_annee_scolaire(debut)
    avec_psy = lit_le_secret_psy(user)
    inscrits = Inscription.objects.filter(annee__debut=debut, classe__ecole=ecole)
    aides = (
        Aide.objects.des_eleves_de_l_ecole(user, ecole=ecole, debut=debut)
        .filter(debut__isnull=False, debut__lte=au)
        .filter(Q(fin__isnull=True) | Q(fin__gte=du))
    )
    eleves: dict[int, EleveAide] = {}
    classes: dict[int, str] = {}
    for eleve_id, nom, prenom, type_aide, debut_aide, fin_aide, niveau, classe in (
        aides.annotate(
            niveau_annee=Subquery(inscrits.filter(eleve=OuterRef("eleve_id")).values("niveau")[:1]),
            classe_annee=Subquery(inscrits.filter(eleve=OuterRef("eleve_id")).values("classe__nom")[:1]),
        )
        .order_by(*ordre_alphabetique("eleve__nom", "eleve__prenom"), "eleve_id", "type")
        .values_list("eleve_id", "eleve__nom", "eleve__prenom", "type", "debut", "fin", "niveau_annee",
                     "classe_annee")
    ):
        numeros = periodes_couvertes(debut, du=debut_aide, au=fin_aide, jusqu_au=aujourd_hui)
        if not numeros:
            continue
        ligne = eleves.setdefault(eleve_id, EleveAide(nom=nom.upper(), prenom=prenom, niveau=niveau,
                                                       eleve_id=eleve_id))
        classes[eleve_id] = classe
        court = TYPE_COURT[type_aide]
        if court not in ligne.types:
            ligne.types.append(court)
        for numero in numeros:
            deja = ligne.par_periode.setdefault(numero, [])
            if court not in deja:
                deja.append(court)
    par_classe: dict[str, list[EleveAide]] = {}
    for eleve_id, ligne in eleves.items():
        if periode is None or periode in ligne.par_periode:
            par_classe.setdefault(classes[eleve_id], []).append(ligne)
    return ListePeriodes(
        ecole=ecole, debut=debut, periodes=periodes(debut), periode=periode, avec_psy=avec_psy,
        classes=[ClasseAidee(nom, par_classe[nom]) for nom in sorted(par_classe, key=cle)],
    )


# --- Waiting list --------------------------------------------------------------------------


@dataclass
class DemandeEnAttente:
    numero: int
    eleve: str | None
    classe: str
    niveau: str
    etat: str
    envoyee_le: date | None
    jours: int | None
    eleve_id: int | None = None  # in a nominative list only


@dataclass
class EcoleEnAttente:
    nom: str
    demandes: list[DemandeEnAttente]

    @property
    def plus_longue(self) -> int | None:
        return max((d.jours for d in self.demandes if d.jours is not None), default=None)


def liste_attente(user, *, nominative: bool, aujourd_hui: date | None = None) -> list[EcoleEnAttente]:
    """The requests ``user`` sees that wait for the RASED (sent or being analysed), by school,
    the longest waiting first within each school. Without ``nominative`` no pupil is named
    (their names are not even read). One query."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    champs = ["pk", "classe__ecole_id", "classe__ecole__nom", "classe__ecole__commune", "classe__nom", "niveau",
              "etat", "envoyee_le"]
    if nominative:
        champs += ["eleve_id", "eleve__nom", "eleve__prenom"]
    ecoles: dict[int, EcoleEnAttente] = {}
    etats = dict(EtatDemande.choices)
    for d in (
        DemandeAide.objects.visibles_par(user).filter(etat__in=ETATS_A_TRAITER)
        .order_by(*ordre_alphabetique("classe__ecole__nom", "classe__ecole__commune"), "classe__ecole_id",
                  "envoyee_le", "pk")
        .values(*champs)
    ):
        envoi = timezone.localdate(d["envoyee_le"]) if d["envoyee_le"] else None
        groupe = ecoles.setdefault(
            d["classe__ecole_id"], EcoleEnAttente(f"{d['classe__ecole__nom']} ({d['classe__ecole__commune']})", [])
        )
        groupe.demandes.append(DemandeEnAttente(
            numero=d["pk"],
            eleve=f"{d['eleve__nom'].upper()} {d['eleve__prenom']}" if nominative else None,
            classe=d["classe__nom"], niveau=d["niveau"], etat=etats.get(d["etat"], d["etat"]),
            envoyee_le=envoi, jours=(aujourd_hui - envoi).days if envoi else None,
            eleve_id=d["eleve_id"] if nominative else None,
        ))
    return list(ecoles.values())
