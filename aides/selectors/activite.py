"""« Mon activité »: a RASED member's own figures for a school year or one of its périodes.

Only the member's own work is read (their sessions, the aids they carry, the reviews they wrote),
always through ``intervenant=user`` / ``auteur=user``: nobody else's figures can come out of here,
and the view gives no way to ask for another person. Counts and durations only: the content of a
session (what was worked on, observations) is never read, so a psychologist's figures carry
nothing of her notes.

- A session counts in the school of its timetable slot when logged from one, else in the school
  of its first pupil's request (sessions are of one school in practice); in the période of its date.
- Its kind: ``Seance.modalite`` when the member said it, else one pupil → individual, two or
  more → small group (``modalite_de``).
- Pupils followed: distinct pupils recorded in the member's sessions (present or not).
- Attendance rate: pupils marked present / pupils recorded, over the sessions.
- Requests taken up: the aids the member is intervenant of that started in the span.
- Bilans done: the reviews (evaluations) the member wrote in the span.

Five queries whatever the volume: sessions, pupils in sessions, aids started, reviews, schools'
names; the figures are summed in Python over those rows.
"""

from dataclasses import dataclass, field
from datetime import date

from aides.enums import Modalite, Presence, TypeEvaluation
from aides.models import Aide, Evaluation, PresenceSeance, Seance
from aides.pdf.graphiques import Groupe, barres_groupees
from aides.rapports import Duree
from eleves.alphabetique import cle
from eleves.enums import Role
from eleves.models import Ecole
from eleves.scolarite import (
    Periode,
    debut_annee_scolaire,
    fin_annee_scolaire,
    libelle_annee,
    periodes,
)
from rased.formats import nombre_fr

SANS_ECOLE = "École non renseignée"
FONCTIONS = {Role.MAITRE_E: "maître E", Role.MAITRE_G: "maître G",
             Role.PSYCHOLOGUE: "psychologue de l'Éducation nationale"}
MODALITES = (Modalite.INDIVIDUEL, Modalite.PETIT_GROUPE, Modalite.EN_CLASSE)


def modalite_de(modalite: str, nb_eleves: int) -> str:
    """The kind of a session: what the member said, else guessed from the number of pupils."""
    if modalite:
        return modalite
    return Modalite.INDIVIDUEL if nb_eleves <= 1 else Modalite.PETIT_GROUPE


@dataclass
class Chiffres:
    """The figures of one line (a school, a période, a pupil, the whole span)."""

    seances: int = 0
    minutes: int = 0
    # Kind of session → [sessions, minutes].
    par_modalite: dict = field(default_factory=lambda: {m.value: [0, 0] for m in MODALITES})
    eleves: set = field(default_factory=set)
    inscrits: int = 0
    presents: int = 0
    prises_en_charge: int = 0
    bilans: int = 0
    bilans_finaux: int = 0

    @property
    def heures(self) -> Duree:
        return Duree(self.minutes)

    @property
    def nb_eleves(self) -> int:
        return len(self.eleves)

    @property
    def taux_presence(self) -> float | None:
        """Percentage of the pupils recorded who were present; None without any recorded."""
        return round(100 * self.presents / self.inscrits, 1) if self.inscrits else None

    @property
    def taux_presence_texte(self) -> str:
        taux = self.taux_presence
        return "—" if taux is None else f"{nombre_fr(taux)} %"

    def compter_seance(self, duree: int, modalite: str) -> None:
        self.seances += 1
        self.minutes += duree
        self.par_modalite[modalite][0] += 1
        self.par_modalite[modalite][1] += duree

    def compter_presence(self, eleve_id: int, presence: str) -> None:
        self.eleves.add(eleve_id)
        self.inscrits += 1
        self.presents += presence == Presence.PRESENT

    def seances_de(self, modalite: str) -> int:
        return self.par_modalite[modalite][0]

    def heures_de(self, modalite: str) -> Duree:
        return Duree(self.par_modalite[modalite][1])

    @property
    def modalites(self) -> list[tuple[str, int, Duree]]:
        """(label, sessions, hours) per kind, for the templates."""
        return [(m.label, self.seances_de(m), self.heures_de(m)) for m in MODALITES]


@dataclass
class LigneEleve:
    nom: str
    ecole: str
    chiffres: Chiffres


@dataclass
class Activite:
    membre: str
    fonction: str
    debut: int
    periode: Periode | None
    total: Chiffres
    par_ecole: list[tuple[str, Chiffres]]
    # The five périodes of the year, whatever the span chosen: the year at a glance.
    par_periode: list[tuple[Periode, Chiffres]]
    par_eleve: list[LigneEleve]

    @property
    def annee(self) -> str:
        return libelle_annee(self.debut)

    @property
    def libelle_etendue(self) -> str:
        return f"{self.periode.libelle} {self.annee}" if self.periode else f"Année scolaire {self.annee}"

    def graphiques(self) -> list[str]:
        """Hours by school, and sessions per période by kind (server-drawn SVG, as the reports)."""
        return [
            # Grouped bars with one series: long school names are shortened in the drawing only.
            barres_groupees(
                [Groupe(nom, (c.heures.heures,), (str(c.heures),)) for nom, c in self.par_ecole],
                titre="Heures de séances par école",
            ),
            barres_groupees(
                [Groupe(p.libelle, tuple(c.seances_de(m) for m in MODALITES)) for p, c in self.par_periode],
                titre="Séances par période et par modalité",
                series=tuple(m.label for m in MODALITES),
            ),
        ]


def _etendue(debut: int, periode: int | None) -> tuple[date, date, Periode | None]:
    if periode is None:
        return debut_annee_scolaire(debut), fin_annee_scolaire(debut), None
    choisie = periodes(debut)[periode - 1]
    return choisie.debut, choisie.fin, choisie


def activite_du_membre(user, *, debut: int, periode: int | None = None) -> Activite:
    """``user``'s own figures for school year ``debut``, or its période ``periode`` (1 to 5)."""
    annee_du, annee_au = debut_annee_scolaire(debut), fin_annee_scolaire(debut)
    du, au, choisie = _etendue(debut, periode)
    les_periodes = periodes(debut)

    def numero(jour: date) -> int:
        return next(p.numero for p in les_periodes if p.debut <= jour <= p.fin)

    seances = list(
        Seance.objects.filter(intervenant=user, date__range=(annee_du, annee_au))
        .values_list("pk", "date", "duree", "modalite", "creneau__ecole_id")
    )
    presences = list(
        PresenceSeance.objects.filter(seance__intervenant=user, seance__date__range=(annee_du, annee_au))
        .order_by("seance_id", "pk")
        .values_list("seance_id", "aide__eleve_id", "aide__eleve__nom", "aide__eleve__prenom",
                     "aide__demande__classe__ecole_id", "presence")
    )
    prises = list(
        Aide.objects.filter(intervenant=user, debut__range=(annee_du, annee_au))
        .values_list("debut", "demande__classe__ecole_id")
    )
    bilans = list(
        Evaluation.objects.filter(auteur=user, date__range=(annee_du, annee_au))
        .values_list("date", "type", "programme__aide__demande__classe__ecole_id")
    )
    ids = ({s[4] for s in seances} | {p[4] for p in presences} | {a[1] for a in prises} | {b[2] for b in bilans}) - {None}
    noms = {e["pk"]: f"{e['nom']} ({e['commune']})"
            for e in Ecole.objects.filter(pk__in=ids).values("pk", "nom", "commune")}

    par_seance: dict[int, list] = {}
    for ligne in presences:
        par_seance.setdefault(ligne[0], []).append(ligne)

    total = Chiffres()
    par_ecole: dict[str, Chiffres] = {}
    par_periode = {p.numero: Chiffres() for p in les_periodes}
    par_eleve: dict[int, LigneEleve] = {}

    def dans_l_etendue(jour: date) -> bool:
        return du <= jour <= au

    for pk, jour, duree, modalite, ecole_du_creneau in seances:
        eleves = par_seance.get(pk, [])
        ecole = noms.get(ecole_du_creneau or (eleves[0][4] if eleves else None), SANS_ECOLE)
        sorte = modalite_de(modalite, len(eleves))
        cibles = [par_periode[numero(jour)]]
        lignes_eleves = []
        if dans_l_etendue(jour):
            cibles += [total, par_ecole.setdefault(ecole, Chiffres())]
            lignes_eleves = [
                par_eleve.setdefault(eleve_id, LigneEleve(f"{nom.upper()} {prenom}",
                                                          noms.get(ecole_eleve, SANS_ECOLE), Chiffres()))
                for _, eleve_id, nom, prenom, ecole_eleve, _ in eleves
            ]
        # A pupil's line counts the sessions he was recorded in, with their whole duration.
        for c in cibles + [ligne.chiffres for ligne in lignes_eleves]:
            c.compter_seance(duree, sorte)
        for i, (_, eleve_id, _, _, _, presence) in enumerate(eleves):
            for c in cibles + ([lignes_eleves[i].chiffres] if lignes_eleves else []):
                c.compter_presence(eleve_id, presence)

    for jour, ecole_id in prises:
        cibles = [par_periode[numero(jour)]]
        if dans_l_etendue(jour):
            cibles += [total, par_ecole.setdefault(noms.get(ecole_id, SANS_ECOLE), Chiffres())]
        for c in cibles:
            c.prises_en_charge += 1
    for jour, type_bilan, ecole_id in bilans:
        cibles = [par_periode[numero(jour)]]
        if dans_l_etendue(jour):
            cibles += [total, par_ecole.setdefault(noms.get(ecole_id, SANS_ECOLE), Chiffres())]
        for c in cibles:
            c.bilans += 1
            c.bilans_finaux += type_bilan == TypeEvaluation.FINALE

    return Activite(
        membre=user.get_full_name() or user.username,
        fonction=FONCTIONS.get(user.role, user.get_role_display()),
        debut=debut,
        periode=choisie,
        total=total,
        par_ecole=sorted(par_ecole.items(), key=lambda item: (item[0] == SANS_ECOLE, item[0])),
        par_periode=[(p, par_periode[p.numero]) for p in les_periodes],
        par_eleve=sorted(par_eleve.values(), key=lambda ligne: (cle(ligne.nom), cle(ligne.ecole))),
    )
