"""The RASED's yearly activity report: hand-counted figures, the « < 5 » rule, the psychologist's
activity only as aggregates, the PDF and the CSV, who may read it, constant query counts.

The known data set (school year 2026-2027, seen on 15 March 2027):
- école A (Jean Jaurès): requests r1–r4 decided with an E aid (r1–r3 also a psychologist's
  follow-up), r8 waiting; école B (Louise Michel): r5, r6 decided with an E aid, r7 oriented,
  r9 being analysed; a draft (not counted); last year, one request with an E aid (not counted);
- sent → decided after 10, 20, … 70 days (r1…r7): median 40, 90th percentile 64;
- sent → first session after 15, 25, 35, 45, 55 days (r1…r5): median 35, 90th percentile 51;
- 6 pupils with an E aid (5 in CE1, 1 in CM1), 3 with a psychologist's follow-up (CE1).
"""

import csv
import io
import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.models import (
    Seance,
    StatistiqueAnnuelle,
)
from aides.rapports import (
    Effectif,
    RapportAnnuel,
    Tableau,
    calculer_rapport_annuel,
    figer,
    masquer_secondaire,
    quantiles_attente,
    rapport_annuel,
)
from eleves.models import JournalAcces
from tests.aides.test_documents_programme import texte_pdf
from tests.conftest import PERSONAS
from tests.factories import ClasseFactory, EcoleFactory, UtilisateurFactory, eleve_inscrit
from tests.factories_aides import (
    ActionEquipeFactory,
    AideFactory,
    DemandeAideFactory,
    EvaluationFactory,
    ProgrammeFactory,
    ReunionFactory,
    SeanceFactory,
)

PARIS = ZoneInfo("Europe/Paris")
ANNEE = 2026


@pytest.fixture(autouse=True)
def _le_15_mars_2027(time_machine):
    time_machine.move_to(datetime(2027, 3, 15, 12, tzinfo=PARIS), tick=False)


def _moment(jour: date) -> datetime:
    return datetime(jour.year, jour.month, jour.day, 10, tzinfo=PARIS)


def _demande(monde, eleve, classe, *, envoyee, decidee=None, etat="aide_decidee", decision="aide"):
    """A row of the teacher's request in ``classe``, sent and decided on those days (at 10:00)."""
    return DemandeAideFactory(
        eleve=eleve, classe=classe, auteur=monde["enseignant"], etat=etat, famille_informee_le=envoyee,
        envoyee_le=_moment(envoyee) if envoyee else None,
        decision=decision if decidee else "", decidee_le=_moment(decidee) if decidee else None,
    )


def _aide(demande, type_aide, membre, *, debut, fin=None, issue=""):
    return AideFactory(demande=demande, type=type_aide, intervenant=membre,
                       etat="terminee" if fin else "en_cours", debut=debut, fin=fin, issue=issue)


def _programme(aide, modalite, debut):
    return ProgrammeFactory(aide=aide, modalite=modalite, date_debut=debut, date_revision=date(2027, 6, 30),
                            valide=True)


@pytest.fixture
def donnees(monde):
    """The known data set described at the top of this module; returns its pupils and aids."""
    noms = {"maitre_e": "Lefebvre", "maitre_g": "Garnier", "psychologue": "Confidentielle",
            "rased_autre_secteur": "Bonnet"}
    for persona, nom in noms.items():
        monde[persona].last_name = nom
        monde[persona].save()
    e, e2, psy = monde["maitre_e"], monde["rased_autre_secteur"], monde["psychologue"]
    a1, a2, b1 = monde.classe_a1, monde.classe_a2, monde.classe_b1
    p = {
        1: monde.eleve_a1, 2: eleve_inscrit(a1, nom="Zabou"), 3: eleve_inscrit(a1, nom="Zébulon"),
        4: monde.eleve_a2, 5: monde.eleve_b1, 6: eleve_inscrit(b1, nom="Zorro"), 7: eleve_inscrit(b1, nom="Zinedine"),
        8: eleve_inscrit(a2, nom="Zelda"), 9: eleve_inscrit(b1, nom="Zoé"),
    }
    envois = {1: date(2026, 9, 14), 2: date(2026, 9, 21), 3: date(2026, 10, 5), 4: date(2026, 10, 12),
              5: date(2026, 11, 2), 6: date(2026, 11, 9), 7: date(2026, 11, 16)}
    classes = {1: a1, 2: a1, 3: a1, 4: a2, 5: b1, 6: b1, 7: b1}
    r = {}
    for i, envoi in envois.items():
        decidee = date.fromordinal(envoi.toordinal() + 10 * i)
        r[i] = _demande(monde, p[i], classes[i], envoyee=envoi, decidee=decidee,
                        etat="autre_reponse" if i == 7 else "aide_decidee",
                        decision="orientation" if i == 7 else "aide")
    r[8] = _demande(monde, p[8], a2, envoyee=date(2027, 2, 1), etat="envoyee")
    r[9] = _demande(monde, p[9], b1, envoyee=date(2027, 1, 11), etat="en_analyse")
    _demande(monde, eleve_inscrit(a1, nom="Brouillon"), a1, envoyee=None, etat="brouillon")

    debuts_e = {1: date(2026, 9, 28), 2: date(2026, 10, 12), 3: date(2026, 11, 2), 4: date(2026, 11, 16),
                5: date(2026, 12, 7), 6: date(2027, 1, 11)}
    aides_e = {}
    for i, debut in debuts_e.items():
        membre = e if i <= 4 else e2
        fin = date(2027, 2, 12) if i == 4 else None
        aides_e[i] = _aide(r[i], "E", membre, debut=debut, fin=fin, issue="arret" if fin else "")
    aides_psy = {i: _aide(r[i], "psy", psy, debut=date(2026, 10, 5)) for i in (1, 2, 3)}
    programmes = {i: _programme(aide, "individuel" if i == 4 else "petit_groupe", aide.debut)
                  for i, aide in aides_e.items()}
    _programme(aides_psy[1], "individuel", date(2026, 10, 5))

    for i, jours in {1: 15, 2: 25, 3: 35, 4: 45}.items():
        SeanceFactory(intervenant=e, date=date.fromordinal(envois[i].toordinal() + jours), aides=[aides_e[i]])
    SeanceFactory(intervenant=e2, date=date(2026, 12, 27), aides=[aides_e[5]], duree=60)  # 55 days after sending
    SeanceFactory(intervenant=psy, date=date(2027, 1, 15), aides=list(aides_psy.values()), duree=60)
    SeanceFactory(intervenant=psy, date=date(2027, 1, 22), aides=[aides_psy[1]], duree=60)

    for i in (1, 2, 3, 5, 6):
        EvaluationFactory(programme=programmes[i], type="intermediaire", date=date(2027, 1, 20), suite="poursuite")
    EvaluationFactory(programme=programmes[4], type="finale", date=date(2027, 2, 12), suite="arret")

    directeur = monde["directeur"]
    ReunionFactory(demande=r[1], type="equipe_educative", date=_moment(date(2026, 10, 1)), lieu="École",
                           auteur=directeur)
    ReunionFactory(demande=r[2], type="famille", date=_moment(date(2026, 10, 20)), lieu="École",
                           auteur=directeur)
    ReunionFactory(demande=r[5], type="equipe_educative", date=_moment(date(2026, 12, 1)), lieu="École",
                           auteur=directeur)
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=e, date=date(2026, 11, 5), public="Cycle 2",
                                theme="Fluence", duree=90)
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=psy, date=date(2027, 1, 8), public="CE1",
                                theme="Inclusion", duree=60)
    ActionEquipeFactory(ecole=monde.ecole_b, auteur=e2, date=date(2027, 2, 2), public="Cycle 3",
                                theme="Calcul mental", duree=120)

    # Last school year: counted in 2025-2026's report only.
    ancienne = _demande(monde, monde.eleve_ancien, monde.classe_a_annee_passee, envoyee=date(2025, 10, 1),
                        decidee=date(2025, 10, 10))
    aide_ancienne = _aide(ancienne, "E", e, debut=date(2025, 10, 15), fin=date(2026, 6, 20), issue="arret")
    SeanceFactory(intervenant=e, date=date(2026, 5, 10), aides=[aide_ancienne])
    ReunionFactory(demande=ancienne, type="famille", date=_moment(date(2026, 5, 1)), lieu="École",
                           auteur=directeur)
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=e, date=date(2026, 6, 1), public="Cycle 2",
                                theme="Ancienne", duree=30)
    return {"eleves": p, "demandes": r}


def _cellules(tableau, libelle):
    return [str(c) for c in tableau.ligne(libelle)]


def test_effectif_masque_de_1_a_4():
    assert [str(Effectif(n)) for n in (0, 1, 4, 5, 12)] == ["0", "< 5", "< 5", "5", "12"]
    assert Effectif(3).pour_graphique == 0
    assert Effectif(7).pour_graphique == 7


def _rapport_d_un_tableau(cle, colonnes, lignes, total) -> RapportAnnuel:
    tableau = Tableau(cle, "Tableau", "Ligne", colonnes,
                      [(nom, [Effectif(v) for v in valeurs]) for nom, valeurs in lignes], [Effectif(v) for v in total])
    return RapportAnnuel("Lyon Nord", ANNEE, [("Demandes traitées", Effectif(total[1] if len(total) > 1 else 0))],
                         [tableau])


def _valeurs_possibles(tableau, *, somme_par_ligne: bool) -> dict[tuple, set[int]]:
    """What a reader can deduce: every value of each masked cell consistent with the printed
    cells, the column totals and (``somme_par_ligne``) received = decided + waiting on every line.
    « < 5 » is 1 to 4; « secret » is 0 or 5 and more."""
    grille = {(i, j): c for i, (_, cellules) in enumerate([*tableau.lignes, ("Total", tableau.total)])
              for j, c in enumerate(cellules)}
    inconnues = [k for k, c in grille.items() if c.masque]
    plus_grand = max(c.valeur for c in tableau.total)
    domaines = [range(1, 5) if grille[k].petit else [0, *range(5, plus_grand + 1)] for k in inconnues]
    n, m = len(tableau.lignes), len(tableau.colonnes)
    possibles = {k: set() for k in inconnues}
    for essai in itertools.product(*domaines):
        v = {k: c.valeur for k, c in grille.items()} | dict(zip(inconnues, essai))
        if any(sum(v[(i, j)] for i in range(n)) != v[(n, j)] for j in range(m)):
            continue
        if somme_par_ligne and any(v[(i, 0)] != v[(i, 1)] + v[(i, 2)] for i in range(n + 1)):
            continue
        for k, valeur in zip(inconnues, essai):
            possibles[k].add(valeur)
    return possibles


def test_masquage_secondaire_aucun_petit_effectif_ne_se_deduit_d_un_total():
    """Two schools with 3 and 2 requests waiting: « < 5 » alone, each is received minus decided
    (20 - 17, 12 - 10). The decided ones are masked too: no masked cell has a single value left."""
    lignes = [("École A", [20, 17, 3]), ("École B", [12, 10, 2])]
    colonnes = ["Reçues", "Traitées", "En attente"]
    avant = _rapport_d_un_tableau("ecoles", colonnes, lignes, [32, 27, 5]).tableaux[0]
    assert [str(c) for c in avant.lignes[0][1]] == ["20", "17", "< 5"]
    deduites = _valeurs_possibles(avant, somme_par_ligne=True)
    assert deduites == {(0, 2): {3}, (1, 2): {2}}  # today: both recomputed from the totals

    rapport = masquer_secondaire(_rapport_d_un_tableau("ecoles", colonnes, lignes, [32, 27, 5]))
    tableau = rapport.tableaux[0]
    assert [[str(c) for c in cellules] for _, cellules in tableau.lignes] == [
        ["20", "secret", "< 5"], ["12", "secret", "< 5"]]
    assert [str(c) for c in tableau.total] == ["32", "27", "5"]
    possibles = _valeurs_possibles(tableau, somme_par_ligne=True)
    assert set(possibles) == {(0, 1), (0, 2), (1, 1), (1, 2)}
    assert all(len(valeurs) > 1 for valeurs in possibles.values()), possibles
    # The values themselves are kept: the masking is in the printing only.
    assert [c.valeur for c in tableau.ligne("École A")] == [20, 17, 3]


def test_masquage_secondaire_d_une_colonne_plus_petite_cellule_puis_total():
    """A column with a total: the smallest other cell that is not zero is masked (a masked zero
    would be known as 0); the key figure printing the same total follows."""
    rapport = masquer_secondaire(_rapport_d_un_tableau(
        "eleves", ["Élèves"], [("CP", [0]), ("CE1", [12]), ("CE2", [3]), ("CM1", [30])], [45]))
    tableau = rapport.tableaux[0]
    assert [str(c) for _, (c,) in tableau.lignes] == ["0", "secret", "< 5", "30"]
    assert all(len(v) > 1 for v in _valeurs_possibles(tableau, somme_par_ligne=False).values())
    # Nothing to protect: nothing more masked.
    rien = masquer_secondaire(_rapport_d_un_tableau("eleves", ["Élèves"], [("CP", [2]), ("CE1", [3])], [5]))
    assert [str(c) for _, (c,) in rien.tableaux[0].lignes] == ["< 5", "< 5"]
    assert str(rien.tableaux[0].total[0]) == "5"


def test_quantiles_mediane_et_90e_centile():
    assert quantiles_attente([10, 20, 30, 40, 50, 60, 70]) == (40, 64)
    assert quantiles_attente([55, 15, 35, 25, 45]) == (35, 51)
    assert quantiles_attente([1, 2, 3, 4]) is None


def test_demandes_par_ecole_et_niveau(monde, donnees):
    rapport = rapport_annuel(circonscription=monde.nord, debut=ANNEE)
    ecoles = rapport.tableau("ecoles")
    assert ecoles.cellule("École Jean Jaurès (Villeurbanne)", "Reçues").valeur == 5
    # 5 received of which 4 decided and 1 waiting: the 5 is masked too, else the 4 of école B
    # would be 9 - 5 (secondary suppression).
    assert _cellules(ecoles, "École Jean Jaurès (Villeurbanne)") == ["secret", "< 5", "< 5"]
    assert [c.valeur for c in ecoles.ligne("École Louise Michel (Villeurbanne)")] == [4, 3, 1]
    assert [c.valeur for c in ecoles.total] == [9, 7, 2]
    assert [str(c) for c in ecoles.total] == ["9", "secret", "< 5"]
    niveaux = rapport.tableau("niveaux")
    assert [n for n, _ in niveaux.lignes] == ["CE1", "CM1"]
    assert [c.valeur for c in niveaux.ligne("CE1")] == [7, 6, 1]
    assert _cellules(niveaux, "CM1") == ["< 5", "< 5", "< 5"]
    assert _cellules(niveaux, "CE1") == ["secret", "6", "< 5"]
    assert [str(c) for c in niveaux.total] == ["9", "secret", "< 5"]


def test_reponses_apportees(monde, donnees):
    reponses = rapport_annuel(circonscription=monde.nord, debut=ANNEE).tableau("reponses")
    assert {libelle: c[0].valeur for libelle, c in reponses.lignes} == {
        "Aide E": 6, "Aide G": 0, "Suivi psychologique": 3, "Conseil à l'enseignant": 0,
        "Orientation hors de l'école": 1, "Demande non retenue": 0, "En attente de décision": 2,
    }
    assert str(reponses.cellule("Suivi psychologique", "Demandes")) == "< 5"


def test_eleves_aides_par_type_et_niveau_avec_secret_statistique(monde, donnees):
    eleves = rapport_annuel(circonscription=monde.nord, debut=ANNEE).tableau("eleves")
    assert eleves.colonnes == ["Aide E", "Aide G", "Suivi psychologique", "Tous (sans double compte)"]
    assert [c.valeur for c in eleves.ligne("CE1")] == [5, 0, 3, 5]
    assert _cellules(eleves, "CE1") == ["secret", "0", "< 5", "secret"]
    assert _cellules(eleves, "CM1") == ["< 5", "0", "0", "< 5"]
    assert [str(c) for c in eleves.total] == ["6", "0", "< 5", "6"]


def test_modalites_des_programmes(monde, donnees):
    modalites = rapport_annuel(circonscription=monde.nord, debut=ANNEE).tableau("modalites")
    assert [c.valeur for c in modalites.ligne("En petit groupe")] == [5, 0, 0]
    assert _cellules(modalites, "Individuelle") == ["< 5", "0", "< 5"]


def test_seances_par_membre_psychologues_seulement_ensemble(monde, donnees):
    membres = rapport_annuel(circonscription=monde.nord, debut=ANNEE).tableau("membres")
    lignes = {libelle: [str(c) for c in cellules] for libelle, cellules in membres.lignes}
    assert lignes == {
        "Camille Lefebvre (maître E)": ["4", "3 h 00"],
        "Camille Bonnet (maître E)": ["1", "1 h 00"],
        "Camille Garnier (maître G)": ["0", "0 h 00"],
        "Psychologues (ensemble)": ["2", "2 h 00"],
    }
    assert [str(c) for c in membres.total] == ["7", "6 h 00"]


def test_delais_mediane_et_90e_centile(monde, donnees):
    delais = rapport_annuel(circonscription=monde.nord, debut=ANNEE).tableau("delais")
    assert _cellules(delais, "De l'envoi à la décision") == ["7", "40", "64"]
    assert _cellules(delais, "De l'envoi à la première séance") == ["5", "35", "51"]


def test_delais_non_calcules_sous_cinq_demandes(monde, donnees):
    Seance.objects.filter(date__gte=date(2026, 11, 1)).delete()
    delais = rapport_annuel(circonscription=monde.nord, debut=ANNEE).tableau("delais")
    assert _cellules(delais, "De l'envoi à la première séance") == ["< 5", "—", "—"]


def test_issues_reunions_orientations_actions(monde, donnees):
    rapport = rapport_annuel(circonscription=monde.nord, debut=ANNEE)
    issues = rapport.tableau("issues")
    assert [c.valeur for c in issues.ligne("Poursuite sans changement")] == [5, 0]
    assert [c.valeur for c in issues.ligne("Arrêt (objectifs atteints)")] == [1, 1]
    assert _cellules(issues, "Arrêt (objectifs atteints)") == ["< 5", "< 5"]
    reunions = rapport.tableau("reunions")
    assert reunions.ligne("Équipe éducative") == [2]
    assert reunions.ligne("Rencontre avec la famille") == [1]
    assert reunions.total == [3]
    orientations = rapport.tableau("orientations")
    assert [c.valeur for _, (c,) in orientations.lignes] == [1, 0]
    assert orientations.total[0].valeur == 1
    actions = rapport.tableau("actions")
    assert _cellules(actions, "École Jean Jaurès (Villeurbanne)") == ["2", "2 h 30"]
    assert _cellules(actions, "École Louise Michel (Villeurbanne)") == ["1", "2 h 00"]
    assert [str(c) for c in actions.total] == ["3", "4 h 30"]


def test_chiffres_cles(monde, donnees):
    chiffres = dict(rapport_annuel(circonscription=monde.nord, debut=ANNEE).chiffres_cles)
    assert {k: str(v) for k, v in chiffres.items()} == {
        "Demandes reçues": "9", "Demandes traitées": "secret", "Demandes en attente": "< 5", "Élèves aidés": "6",
        "Séances": "7", "Heures de séances": "6 h 00", "Délai médian jusqu'à la décision": "40 jours",
        "Actions auprès des équipes": "3",
    }


def test_annee_precedente_a_ses_propres_chiffres(monde, donnees):
    rapport = rapport_annuel(circonscription=monde.nord, debut=ANNEE - 1)
    assert [c.valeur for c in rapport.tableau("ecoles").total] == [1, 1, 0]
    assert [c.valeur for c in rapport.tableau("eleves").total] == [1, 0, 0, 1]
    assert [str(c) for c in rapport.tableau("membres").total] == ["1", "0 h 45"]


def test_une_autre_circonscription_n_est_pas_comptee(monde, donnees):
    sud = monde.sud
    demande = _demande(monde, monde.eleve_c1, monde.classe_c1, envoyee=date(2026, 10, 1), decidee=date(2026, 10, 5))
    _aide(demande, "E", UtilisateurFactory(role="maitre_e", circonscription=sud, last_name="Sudiste"),
          debut=date(2026, 10, 10))
    nord = rapport_annuel(circonscription=monde.nord, debut=ANNEE)
    assert [c.valeur for c in nord.tableau("ecoles").total] == [9, 7, 2]
    assert "École Victor Hugo (Villeurbanne)" not in [n for n, _ in nord.tableau("ecoles").lignes]
    rapport_sud = rapport_annuel(circonscription=sud, debut=ANNEE)
    assert [c.valeur for c in rapport_sud.tableau("ecoles").total] == [1, 1, 0]
    assert [n for n, _ in rapport_sud.tableau("membres").lignes] == ["Camille Sudiste (maître E)"]


# --- Page, PDF, CSV ----------------------------------------------------------------------------


def _page(client, **params):
    return client.get(reverse("rapport_annuel"), params)


def test_page_du_rapport_avec_graphiques_et_liens(client, monde, donnees):
    client.force_login(monde["circonscription"])
    response = _page(client)
    page = response.content.decode()
    assert "Bilan d'activité du RASED — 2026-2027" in page
    assert page.count("<svg") == 3
    assert "Demandes reçues par niveau" in page and "CM1 : &lt; 5" in page
    # The PDF is prepared by the task queue (tests/aides/test_impressions_documents.py).
    assert f'action="{reverse("rapport_annuel_preparer", args=[ANNEE])}"' in page and "Préparer le PDF" in page
    assert reverse("rapport_annuel_pdf", args=[ANNEE]) not in page
    assert reverse("rapport_annuel_csv", args=[ANNEE]) in page
    assert "Camille Lefebvre (maître E)" in page
    # The same cells as the CSV, secondary suppression included.
    assert ('<th scope="row">École Jean Jaurès (Villeurbanne)</th><td class="text-end">secret</td>'
            '<td class="text-end">&lt; 5</td>') in page
    assert "Confidentielle" not in page
    for eleve in donnees["eleves"].values():
        assert eleve.nom not in page
    assert not JournalAcces.objects.exists()


def test_page_choix_de_l_annee(client, monde, donnees):
    client.force_login(monde["circonscription"])
    page = _page(client, annee=ANNEE - 1).content.decode()
    assert "Bilan d'activité du RASED — 2025-2026" in page
    assert '<option value="2026">2026-2027</option>' in page
    assert _page(client, annee=2019).status_code == 404
    assert _page(client, annee="x").status_code == 404
    assert client.get(reverse("rapport_annuel_pdf", args=[2019])).status_code == 404


def test_pdf_du_rapport(client, monde, donnees):
    client.force_login(monde["circonscription"])
    response = client.get(reverse("rapport_annuel_pdf", args=[ANNEE]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'inline; filename="bilan-activite-rased-2026-2027.pdf"'
    texte = texte_pdf(response.content)
    for attendu in ("Bilan d'activité du RASED — 2026-2027", "Lyon Nord", "Demandes par école",
                    "École Jean Jaurès", "< 5", "Camille Lefebvre (maître E)", "Psychologues (ensemble)",
                    "Demandes reçues par niveau", "Délais d'attente", "page 1 /", "secret"):
        assert attendu in texte, attendu
    assert "Confidentielle" not in texte
    for eleve in donnees["eleves"].values():
        assert eleve.nom not in texte
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.action, entree.eleve) == (monde["circonscription"], "impression", None)


def _blocs(contenu: str) -> dict[str, list[list[str]]]:
    """The CSV's blocks (separated by a blank line), by their title: [header line, rows…]."""
    blocs, bloc = {}, []
    for ligne in [*csv.reader(io.StringIO(contenu), delimiter=";"), []]:
        if ligne:
            bloc.append(ligne)
        elif bloc:
            blocs[bloc[0][0]] = bloc[1:]
            bloc = []
    return blocs


def _nombre(cellule: str) -> float:
    return float(cellule.replace(",", "."))


def test_csv_du_rapport_un_tableau_par_bloc(client, monde, donnees):
    """One block per table (title, header, rows, total), each figure a number a spreadsheet sums,
    masked cells as text; the same cells as the page."""
    client.force_login(monde["circonscription"])
    response = client.get(reverse("rapport_annuel_csv", args=[ANNEE]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bilan-activite-rased-2026-2027.csv"'
    assert response.content.startswith("\ufeff".encode())
    contenu = response.content.decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(contenu), delimiter=";"))
    assert lignes[0] == ["Bilan d'activité du RASED — 2026-2027", "Lyon Nord"]
    assert lignes[1][0].startswith("Secret statistique : « < 5 »")
    blocs = _blocs(contenu)
    rapport = rapport_annuel(circonscription=monde.nord, debut=ANNEE)
    assert list(blocs) == [lignes[0][0], "Chiffres clés"] + [t.titre for t in rapport.tableaux]
    assert blocs["Chiffres clés"][0] == ["Indicateur", "Valeur"]
    assert ["Demandes traitées", "secret"] in blocs["Chiffres clés"]

    ecoles = blocs["Demandes par école"]
    assert ecoles[0] == ["École", "Reçues", "Traitées (décision prise)", "En attente"]
    assert ecoles[1:] == [
        ["École Jean Jaurès (Villeurbanne)", "secret", "< 5", "< 5"],
        ["École Louise Michel (Villeurbanne)", "< 5", "< 5", "< 5"],
        ["Total", "9", "secret", "< 5"],
    ]
    assert blocs["Élèves aidés par type d'aide et niveau"][-1] == ["Total", "6", "0", "< 5", "6"]
    membres = {ligne[0]: ligne[1:] for ligne in blocs["Séances et heures par membre du RASED"][1:]}
    assert membres["Camille Lefebvre (maître E)"] == ["4", "3"]
    assert membres["Total"] == ["7", "6"]
    # A block without masked cells sums to its total, column by column.
    actions = blocs["Actions auprès des équipes (pôle ressource)"]
    assert actions[0] == ["École", "Actions", "Heures"]
    for j in (1, 2):
        assert sum(_nombre(ligne[j]) for ligne in actions[1:-1]) == _nombre(actions[-1][j])
    assert actions[-1] == ["Total", "3", "4,5"]
    reunions = blocs["Réunions par type"]
    assert sum(int(ligne[1]) for ligne in reunions[1:-1]) == int(reunions[-1][1]) == 3
    # Every cell of every table is a number, or a masked count, or « — » (a delay not computed).
    for titre, bloc in blocs.items():
        if titre in ("Chiffres clés", lignes[0][0]):
            continue
        for ligne in bloc[1:]:
            for cellule in ligne[1:]:
                assert cellule in ("< 5", "secret", "—") or _nombre(cellule) >= 0, (titre, ligne)
    assert "Confidentielle" not in contenu
    entree = JournalAcces.objects.get()
    assert (entree.action, entree.objet) == ("export", "Bilan d'activité 2026-2027, CSV")


@pytest.mark.parametrize("nom", ["=cmd|' /C calc'!A0", "@x", "+1", "-2"])
def test_csv_neutralise_les_formules(client, monde, donnees, nom):
    monde.ecole_b.nom = nom
    monde.ecole_b.save()
    client.force_login(monde["circonscription"])
    contenu = client.get(reverse("rapport_annuel_csv", args=[ANNEE])).content.decode("utf-8-sig")
    libelles = {ligne[0] for ligne in csv.reader(io.StringIO(contenu), delimiter=";") if ligne}
    assert f"'{nom} (Villeurbanne)" in libelles
    assert f"{nom} (Villeurbanne)" not in libelles


def test_page_echappe_les_noms(client, monde, donnees):
    monde.ecole_b.nom = "<script>alert(1)</script>"
    monde.ecole_b.save()
    client.force_login(monde["circonscription"])
    page = _page(client).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


ATTENDU = {persona: 403 for persona in PERSONAS} | {"circonscription": 200}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("vue", ["rapport_annuel", "rapport_annuel_pdf", "rapport_annuel_csv"])
def test_rapport_selon_le_role(client, monde, donnees, persona, vue):
    client.force_login(monde[persona])
    args = [] if vue == "rapport_annuel" else [ANNEE]
    assert client.get(reverse(vue, args=args)).status_code == ATTENDU[persona]
    assert JournalAcces.objects.exists() == (ATTENDU[persona] == 200 and vue != "rapport_annuel")


def test_rapport_anonyme_redirige(client, monde):
    assert client.get(reverse("rapport_annuel")).status_code == 302
    assert client.get(reverse("rapport_annuel_csv", args=[ANNEE])).status_code == 302


@pytest.mark.parametrize("vue", ["rapport_annuel", "rapport_annuel_csv", "rapport_annuel_pdf"])
def test_nombre_de_requetes_constant(client, monde, vue):
    """One request, then the whole data set plus 20 more requests and schools: same count."""
    client.force_login(monde["circonscription"])
    args = [] if vue == "rapport_annuel" else [ANNEE]

    def mesurer():
        client.get(reverse(vue, args=args))
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse(vue, args=args)).status_code == 200
        return len(requetes)

    demande = _demande(monde, monde.eleve_a1, monde.classe_a1, envoyee=date(2026, 9, 1), decidee=date(2026, 9, 5))
    _aide(demande, "E", monde["maitre_e"], debut=date(2026, 9, 10))
    peu = mesurer()
    _beaucoup(monde)
    assert mesurer() == peu


def _beaucoup(monde):
    for i in range(20):
        ecole = EcoleFactory(circonscription=monde.nord, nom=f"École {i}")
        classe = ClasseFactory(ecole=ecole, annee=monde.classe_a1.annee, niveaux=["CP"])
        eleve = eleve_inscrit(classe)
        demande = _demande(monde, eleve, classe, envoyee=date(2026, 10, 1), decidee=date(2026, 10, 3 + i % 20))
        aide = _aide(demande, "E" if i % 3 else "psy", monde["maitre_e" if i % 3 else "psychologue"],
                     debut=date(2026, 10, 20))
        _programme(aide, "petit_groupe", aide.debut)
        SeanceFactory(intervenant=aide.intervenant, date=date(2026, 11, 1 + i), aides=[aide])
        ActionEquipeFactory(ecole=ecole, auteur=monde["maitre_e"], date=date(2026, 12, 1), public="x",
                                    theme="y", duree=30)
        ReunionFactory(demande=demande, type="synthese", date=_moment(date(2026, 10, 2)), lieu="x",
                               auteur=monde["maitre_e"])


def test_bilan_fige_identique_au_calcul_et_annee_courante_jamais_figee(monde, donnees):
    """A frozen year reads back as the very report computed from the rows (cells, masking,
    CSV lines); the current year is never frozen; freezing twice writes nothing."""
    assert figer(circonscriptions=[monde.nord], annees=[ANNEE - 1, ANNEE]) == [(monde.nord.pk, ANNEE - 1)]
    assert figer(circonscriptions=[monde.nord], annees=[ANNEE - 1]) == []
    assert list(StatistiqueAnnuelle.objects.values_list("debut", flat=True)) == [ANNEE - 1]
    fige = rapport_annuel(circonscription=monde.nord, debut=ANNEE - 1)
    calcule = calculer_rapport_annuel(circonscription=monde.nord, debut=ANNEE - 1)
    assert fige == calcule
    assert list(fige.lignes_csv()) == list(calcule.lignes_csv())
    assert fige.graphiques() == calcule.graphiques()
    # Rows added afterwards to the frozen year no longer change its report.
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=monde["maitre_e"], date=date(2026, 6, 2),
                                public="Cycle 3", theme="Tardive", duree=30)
    assert rapport_annuel(circonscription=monde.nord, debut=ANNEE - 1) == fige
    assert calculer_rapport_annuel(circonscription=monde.nord, debut=ANNEE - 1) != fige
