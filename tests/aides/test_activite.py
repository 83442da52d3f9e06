"""« Mon activité »: a RASED member's own figures, hand-counted, per school, kind, période and year;
the page, its charts, the CSV (per school, per pupil) and the PDF; only the member reads them.

The known data set (school year 2026-2027, seen on 15 March 2027), the maître E's work:
- aids carried: a1 (Léa Petit, école A, started 28/09, P1), a2 (Nassim Moreau, école A, started
  16/11, P2), a3 (Inès Garcia, école B, started 11/01, P3);
- sessions: s1 05/10 45 min a1 present (1 pupil: individual); s2 17/11 60 min a1 present, a2
  absent (2 pupils: small group); s3 19/11 30 min a1 and a2 present, said « en classe »; s4 12/01
  45 min a3 present (individual, école B);
  → 4 sessions, 3 h 00, 3 pupils, 5 present of 6 recorded (83,3 %); école A 3 sessions 2 h 15
  (80 %), école B 1 session 0 h 45 (100 %);
- reviews written: intermediate 20/01 on a1 (P3), final 08/03 on a2 (P4);
- not hers: a colleague's session with a3, the psychologist's follow-up of Léa and its session
  (whose content must never show), a review by the psychologist, last year's session.
"""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.selectors.activite import activite_du_membre, modalite_de
from eleves.models import JournalAcces
from tests.aides.test_documents_programme import texte_pdf
from tests.conftest import PERSONAS
from tests.factories import ClasseFactory, EcoleFactory, eleve_inscrit
from tests.factories_aides import (
    AideFactory,
    DemandeAideFactory,
    EvaluationFactory,
    ProgrammeFactory,
    SeanceFactory,
)

PARIS = ZoneInfo("Europe/Paris")
ANNEE = 2026
RASED = ("maitre_e", "maitre_g", "psychologue", "rased_autre_secteur")


@pytest.fixture(autouse=True)
def _le_15_mars_2027(time_machine):
    time_machine.move_to(datetime(2027, 3, 15, 12, tzinfo=PARIS), tick=False)


def _aide(monde, eleve, classe, membre, *, debut, type_aide="E"):
    demande = DemandeAideFactory(eleve=eleve, classe=classe, auteur=monde["enseignant"], envoyee=True,
                                 etat="aide_decidee", famille_informee_le=date(2026, 9, 14))
    return AideFactory(demande=demande, type=type_aide, intervenant=membre, etat="en_cours", debut=debut)


@pytest.fixture
def donnees(monde):
    e, psy = monde["maitre_e"], monde["psychologue"]
    e.first_name, e.last_name = "Camille", "Lefebvre"
    e.save()
    a1 = _aide(monde, monde.eleve_a1, monde.classe_a1, e, debut=date(2026, 9, 28))
    a2 = _aide(monde, monde.eleve_a2, monde.classe_a2, e, debut=date(2026, 11, 16))
    a3 = _aide(monde, monde.eleve_b1, monde.classe_b1, e, debut=date(2027, 1, 11))
    SeanceFactory(intervenant=e, date=date(2026, 10, 5), duree=45, aides=[a1])
    s2 = SeanceFactory(intervenant=e, date=date(2026, 11, 17), duree=60, aides=[a1, a2])
    s2.presences.filter(aide=a2).update(presence="absent")
    SeanceFactory(intervenant=e, date=date(2026, 11, 19), duree=30, aides=[a1, a2], modalite="en_classe")
    SeanceFactory(intervenant=e, date=date(2027, 1, 12), duree=45, aides=[a3])
    EvaluationFactory(programme=ProgrammeFactory(aide=a1, date_debut=a1.debut, valide=True),
                      date=date(2027, 1, 20))
    EvaluationFactory(programme=ProgrammeFactory(aide=a2, date_debut=a2.debut, valide=True),
                      type="finale", suite="arret", date=date(2027, 3, 8))

    # Not hers.
    SeanceFactory(intervenant=monde["rased_autre_secteur"], date=date(2027, 1, 14), duree=90, aides=[a3])
    suivi = _aide(monde, monde.eleve_a1, monde.classe_a1, psy, debut=date(2026, 10, 12), type_aide="psy")
    SeanceFactory(intervenant=psy, date=date(2027, 1, 15), duree=60, aides=[suivi],
                  contenu="Entretien : angoisse de séparation")
    EvaluationFactory(programme=ProgrammeFactory(aide=suivi, date_debut=suivi.debut, valide=True),
                      date=date(2027, 2, 1), synthese="Estime de soi fragile")
    ancienne = _aide(monde, monde.eleve_ancien, monde.classe_a_annee_passee, e, debut=date(2025, 10, 1))
    SeanceFactory(intervenant=e, date=date(2026, 5, 12), duree=45, aides=[ancienne])
    return {"a1": a1, "a2": a2, "a3": a3}


def test_modalite_dite_sinon_selon_le_nombre_d_eleves():
    assert modalite_de("en_classe", 1) == "en_classe"
    assert modalite_de("individuel", 4) == "individuel"
    assert modalite_de("", 1) == "individuel"
    assert modalite_de("", 0) == "individuel"
    assert modalite_de("", 2) == "petit_groupe"


def test_chiffres_de_l_annee_par_ecole_et_modalite(monde, donnees):
    activite = activite_du_membre(monde["maitre_e"], debut=ANNEE)
    total = activite.total
    assert (total.seances, str(total.heures), total.nb_eleves) == (4, "3 h 00", 3)
    assert (total.inscrits, total.presents, total.taux_presence) == (6, 5, 83.3)
    assert total.taux_presence_texte == "83,3 %"
    assert (total.prises_en_charge, total.bilans, total.bilans_finaux) == (3, 2, 1)
    assert [(libelle, n, str(h)) for libelle, n, h in total.modalites] == [
        ("Individuelle", 2, "1 h 30"), ("En petit groupe", 1, "1 h 00"), ("En classe (co-intervention)", 1, "0 h 30"),
    ]
    ecoles = dict(activite.par_ecole)
    assert list(ecoles) == ["École Jean Jaurès (Villeurbanne)", "École Louise Michel (Villeurbanne)"]
    a, b = ecoles.values()
    assert (a.seances, str(a.heures), a.nb_eleves, a.taux_presence, a.prises_en_charge, a.bilans) == (
        3, "2 h 15", 2, 80.0, 2, 2)
    assert [n for _, n, _ in a.modalites] == [1, 1, 1]
    assert (b.seances, str(b.heures), b.nb_eleves, b.taux_presence, b.prises_en_charge, b.bilans) == (
        1, "0 h 45", 1, 100.0, 1, 0)


def test_chiffres_par_periode_et_periode_choisie(monde, donnees):
    activite = activite_du_membre(monde["maitre_e"], debut=ANNEE)
    assert [(p.numero, c.seances, c.minutes, c.prises_en_charge, c.bilans) for p, c in activite.par_periode] == [
        (1, 1, 45, 1, 0), (2, 2, 90, 1, 0), (3, 1, 45, 1, 1), (4, 0, 0, 0, 1), (5, 0, 0, 0, 0),
    ]
    p2 = activite_du_membre(monde["maitre_e"], debut=ANNEE, periode=2)
    assert p2.libelle_etendue == "Période 2 2026-2027"
    assert (p2.total.seances, str(p2.total.heures), p2.total.nb_eleves, p2.total.taux_presence) == (
        2, "1 h 30", 2, 75.0)
    assert [nom for nom, _ in p2.par_ecole] == ["École Jean Jaurès (Villeurbanne)"]
    # The year at a glance stays whole when one période is chosen.
    assert [c.seances for _, c in p2.par_periode] == [1, 2, 1, 0, 0]


def test_annee_precedente_a_ses_propres_chiffres(monde, donnees):
    activite = activite_du_membre(monde["maitre_e"], debut=ANNEE - 1)
    assert (activite.total.seances, activite.total.prises_en_charge) == (1, 1)
    assert [c.seances for _, c in activite.par_periode] == [0, 0, 0, 0, 1]


def test_psychologue_n_a_que_ses_chiffres_et_aucun_contenu(client, monde, donnees):
    psy = activite_du_membre(monde["psychologue"], debut=ANNEE)
    assert (psy.total.seances, str(psy.total.heures), psy.total.bilans) == (1, "1 h 00", 1)
    assert activite_du_membre(monde["maitre_e"], debut=ANNEE).total.minutes == 180
    client.force_login(monde["psychologue"])
    for vue in ("mon_activite", "mon_activite_pdf", "mon_activite_csv"):
        response = client.get(reverse(vue), {"par": "eleve"} if vue == "mon_activite_csv" else {})
        contenu = texte_pdf(response.content) if vue == "mon_activite_pdf" else response.content.decode("utf-8-sig")
        assert "angoisse" not in contenu and "Estime de soi fragile" not in contenu
        assert "Lefebvre" not in contenu
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("mon_activite")).content.decode()
    assert "angoisse" not in page


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("vue", ["mon_activite", "mon_activite_pdf", "mon_activite_csv"])
def test_seul_le_membre_lit_ses_chiffres(client, monde, donnees, persona, vue):
    """Every other role is refused; each RASED member reads their own figures, nobody else's."""
    client.force_login(monde[persona])
    response = client.get(reverse(vue))
    if persona not in RASED:
        assert response.status_code == 403
        assert not JournalAcces.objects.exists()
        return
    assert response.status_code == 200
    if vue == "mon_activite":
        attendu = activite_du_membre(monde[persona], debut=ANNEE)
        assert response.context["activite"].membre == monde[persona].get_full_name()
        assert response.context["activite"].total.seances == attendu.total.seances
        seances = {"maitre_e": 4, "maitre_g": 0, "psychologue": 1, "rased_autre_secteur": 1}
        assert attendu.total.seances == seances[persona]


def test_anonyme_redirige(client, monde):
    for vue in ("mon_activite", "mon_activite_pdf", "mon_activite_csv"):
        assert client.get(reverse(vue)).status_code == 302


def test_page_avec_graphiques_tableaux_et_liens(client, monde, donnees):
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("mon_activite")).content.decode()
    assert "Mon activité — Année scolaire 2026-2027" in page
    assert page.count("<svg") == 2
    assert "Heures de séances par école" in page and "École Jean Jaurès (Villeurbanne) : 2 h 15" in page
    assert "Séances par période et par modalité" in page
    assert "83,3 %" in page and "3 h 00" in page
    assert reverse("mon_activite_pdf") in page and reverse("mon_activite_csv") + "?par=eleve" in page
    assert "Moreau" not in page  # pupils are named in the per-pupil CSV only
    assert not JournalAcces.objects.exists()


def test_page_d_une_periode_et_parametres_invalides(client, monde, donnees):
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("mon_activite"), {"annee": ANNEE, "periode": 2}).content.decode()
    assert "Mon activité — Période 2 2026-2027" in page
    assert '<option value="2" selected>Période 2</option>' in page
    assert f"{reverse('mon_activite_csv')}?annee={ANNEE}&amp;periode=2&amp;par=ecole" in page
    for parametres in ({"periode": 6}, {"periode": "x"}, {"annee": 2019}, {"annee": "x"}):
        assert client.get(reverse("mon_activite"), parametres).status_code == 404
    assert client.get(reverse("mon_activite_csv"), {"par": "classe"}).status_code == 404


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _nombre(cellule: str) -> float:
    return float(cellule.replace(",", "."))


def test_csv_par_ecole_des_nombres(client, monde, donnees):
    client.force_login(monde["maitre_e"])
    response = client.get(reverse("mon_activite_csv"), {"annee": ANNEE})
    assert response["Content-Disposition"] == 'attachment; filename="mon-activite-ecoles-2026-2027.csv"'
    lignes = _csv(response)
    entetes = lignes[0]
    assert entetes[:3] == ["École", "Séances", "Heures"]
    assert entetes[-6:] == ["Élèves suivis", "Élèves attendus (total des séances)",
                            "Élèves présents (total des séances)", "Taux de présence (%)",
                            "Aides prises en charge", "Bilans rédigés"]
    assert len({len(ligne) for ligne in lignes}) == 1
    par_ecole = {ligne[0]: dict(zip(entetes, ligne)) for ligne in lignes[1:]}
    assert list(par_ecole) == ["École Jean Jaurès (Villeurbanne)", "École Louise Michel (Villeurbanne)", "Total"]
    a = par_ecole["École Jean Jaurès (Villeurbanne)"]
    assert int(a["Séances"]) == 3 and _nombre(a["Heures"]) == 2.25
    assert int(a["Séances en classe (co-intervention)"]) == 1
    assert _nombre(a["Taux de présence (%)"]) == 80
    total = par_ecole["Total"]
    assert [int(total[c]) for c in ("Séances", "Élèves suivis", "Aides prises en charge", "Bilans rédigés")] == [
        4, 3, 3, 2]
    assert _nombre(total["Heures"]) == 3 and total["Taux de présence (%)"] == "83,3"
    # Every figure is a number a spreadsheet sums.
    for ligne in lignes[1:]:
        for cellule in ligne[1:]:
            _nombre(cellule)
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.action, entree.objet) == (
        monde["maitre_e"], "export", "Mon activité Année scolaire 2026-2027, CSV par école")


def test_csv_par_eleve_d_une_periode(client, monde, donnees):
    client.force_login(monde["maitre_e"])
    response = client.get(reverse("mon_activite_csv"), {"annee": ANNEE, "periode": 2, "par": "eleve"})
    assert response["Content-Disposition"] == 'attachment; filename="mon-activite-eleves-2026-2027-p2.csv"'
    lignes = _csv(response)
    assert lignes[0][:4] == ["Élève", "École", "Séances", "Heures"]
    eleves = {ligne[0]: dict(zip(lignes[0], ligne)) for ligne in lignes[1:]}
    assert list(eleves) == ["MOREAU Nassim", "PETIT Léa"]
    assert (int(eleves["PETIT Léa"]["Séances"]), _nombre(eleves["PETIT Léa"]["Heures"])) == (2, 1.5)
    moreau = eleves["MOREAU Nassim"]
    assert (int(moreau["Élèves présents (total des séances)"]), _nombre(moreau["Taux de présence (%)"])) == (1, 50)


def test_pdf_a_joindre_au_rapport(client, monde, donnees):
    client.force_login(monde["maitre_e"])
    response = client.get(reverse("mon_activite_pdf"), {"annee": ANNEE})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="mon-activite-2026-2027.pdf"'
    texte = texte_pdf(response.content)
    for attendu in ("Activité de Camille Lefebvre (maître E)", "Lyon Nord", "École Jean Jaurès", "83,3 %",
                    "Par période", "Heures de séances par école", "page 1 /"):
        assert attendu in texte, attendu
    for nom in ("Petit", "Moreau", "Garcia"):
        assert nom not in texte
    entree = JournalAcces.objects.get()
    assert (entree.action, entree.objet) == ("impression", "Mon activité Année scolaire 2026-2027, PDF")


@pytest.mark.parametrize("vue,parametres", [
    ("mon_activite", {}), ("mon_activite_csv", {"par": "ecole"}), ("mon_activite_csv", {"par": "eleve"}),
    ("mon_activite_pdf", {}),
])
def test_nombre_de_requetes_constant(client, monde, donnees, vue, parametres):
    """The data set, then 20 more schools, aids, sessions and reviews: same number of queries."""
    client.force_login(monde["maitre_e"])

    def mesurer():
        client.get(reverse(vue), parametres)
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse(vue), parametres).status_code == 200
        return len(requetes)

    peu = mesurer()
    for i in range(20):
        ecole = EcoleFactory(circonscription=monde.nord, nom=f"École {i}")
        classe = ClasseFactory(ecole=ecole, annee=monde.classe_a1.annee, niveaux=["CP"])
        aide = _aide(monde, eleve_inscrit(classe), classe, monde["maitre_e"], debut=date(2026, 10, 1))
        SeanceFactory(intervenant=monde["maitre_e"], date=date(2026, 11, 2 + i % 4), aides=[aide, donnees["a1"]])
        EvaluationFactory(programme=ProgrammeFactory(aide=aide, date_debut=aide.debut, valide=True),
                          date=date(2027, 1, 18))
    assert mesurer() == peu
    assert peu <= 10, peu
