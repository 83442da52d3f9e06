"""The pupils helped per période (what the LSU records as « RASED »): content, the psychologist's
follow-ups left out for everyone but psychologists, who may read it, PDF, query counts.

Seen on 15 March 2027 (période 4 of 2026-2027), école A (Jean Jaurès):
- Léa PETIT (CE1 A): E aid since 28/09/2026 and a psychologist's follow-up since 05/10/2026;
- Zabou (CE1 A): G aid from 16/11/2026 to 12/02/2027;
- Zoltan (CM1 A): a psychologist's follow-up only;
- Zacharie (CE1 A): an E aid decided but not started;
- Zénon (CP A last year, CM1 A now): an E aid that ended in June 2026 (last school year);
- Zadig (CM1 A this year): an E aid started in May 2026 from last year's request (in CP A);
école B: Inès GARCIA with an E aid (not in école A's list).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.rapports import eleves_aides_par_periode
from eleves.models import JournalAcces
from tests.aides.test_documents_programme import texte_pdf
from tests.conftest import PERSONAS
from tests.factories import ClasseFactory, InscriptionFactory, eleve_inscrit
from tests.factories_aides import AideFactory, DemandeAideFactory

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _le_15_mars_2027(time_machine):
    time_machine.move_to(datetime(2027, 3, 15, 12, tzinfo=PARIS), tick=False)


def _aide(monde, eleve, classe, type_aide, *, debut, fin=None, membre="maitre_e"):
    demande = DemandeAideFactory(
        eleve=eleve, classe=classe, auteur=monde["enseignant"], aide_decidee=True,
        famille_informee_le=date(2025, 9, 1), envoyee_le=datetime(2025, 9, 2, tzinfo=PARIS),
        decidee_le=datetime(2025, 9, 3, tzinfo=PARIS),
    )
    return AideFactory(demande=demande, type=type_aide, intervenant=monde[membre], debut=debut, fin=fin,
                       etat="terminee" if fin else ("en_cours" if debut else "a_demarrer"))


@pytest.fixture
def aides(monde):
    a1, a2 = monde.classe_a1, monde.classe_a2
    _aide(monde, monde.eleve_a1, a1, "E", debut=date(2026, 9, 28))
    _aide(monde, monde.eleve_a1, a1, "psy", debut=date(2026, 10, 5), membre="psychologue")
    _aide(monde, eleve_inscrit(a1, nom="Zabou"), a1, "G", debut=date(2026, 11, 16), fin=date(2027, 2, 12),
          membre="maitre_g")
    _aide(monde, eleve_inscrit(a2, nom="Zoltan"), a2, "psy", debut=date(2026, 10, 5), membre="psychologue")
    _aide(monde, eleve_inscrit(a1, nom="Zacharie"), a1, "E", debut=None)
    zenon = eleve_inscrit(monde.classe_a_annee_passee, nom="Zénon")
    InscriptionFactory(eleve=zenon, classe=a2, niveau="CM1")
    _aide(monde, zenon, monde.classe_a_annee_passee, "E", debut=date(2025, 11, 3), fin=date(2026, 6, 20))
    zadig = eleve_inscrit(monde.classe_a_annee_passee, nom="Zadig")
    InscriptionFactory(eleve=zadig, classe=a2, niveau="CM1")
    _aide(monde, zadig, monde.classe_a_annee_passee, "E", debut=date(2026, 5, 4))
    _aide(monde, monde.eleve_b1, monde.classe_b1, "E", debut=date(2026, 10, 1), membre="rased_autre_secteur")


def _lignes(liste):
    return {f"{e.nom} {e.prenom}": (classe.nom, e.niveau, e.types, e.cases) for classe in liste.classes
            for e in classe.eleves}


def test_liste_par_classe_avec_les_periodes(monde, aides):
    liste = eleves_aides_par_periode(monde["directeur"], ecole=monde.ecole_a, debut=2026)
    assert [c.nom for c in liste.classes] == ["CE1 A", "CM1 A"]
    assert _lignes(liste) == {
        "PETIT Léa": ("CE1 A", "CE1", ["E"], ["E", "E", "E", "E", ""]),
        "ZABOU Léa": ("CE1 A", "CE1", ["G"], ["", "G", "G", "", ""]),
        "ZADIG Léa": ("CM1 A", "CM1", ["E"], ["E", "E", "E", "E", ""]),
    }
    assert not liste.avec_psy


def test_filtre_sur_une_periode(monde, aides):
    def noms(periode):
        liste = eleves_aides_par_periode(monde["directeur"], ecole=monde.ecole_a, debut=2026, periode=periode)
        return sorted(_lignes(liste))

    assert noms(1) == ["PETIT Léa", "ZADIG Léa"]
    assert noms(2) == ["PETIT Léa", "ZABOU Léa", "ZADIG Léa"]
    assert noms(5) == []


def test_annee_precedente(monde, aides):
    liste = eleves_aides_par_periode(monde["directeur"], ecole=monde.ecole_a, debut=2025)
    assert _lignes(liste) == {
        "ZÉNON Léa": ("CP A", "CP", ["E"], ["", "E", "E", "E", "E"]),
        "ZADIG Léa": ("CP A", "CP", ["E"], ["", "", "", "", "E"]),
    }


def test_suivis_psy_pour_les_psychologues_seulement(monde, aides):
    for persona in ("directeur", "maitre_e", "maitre_g", "circonscription"):
        lignes = _lignes(eleves_aides_par_periode(monde[persona], ecole=monde.ecole_a, debut=2026))
        assert "ZOLTAN Léa" not in lignes, persona
        assert lignes["PETIT Léa"][2] == ["E"], persona
    lignes = _lignes(eleves_aides_par_periode(monde["psychologue"], ecole=monde.ecole_a, debut=2026))
    assert lignes["ZOLTAN Léa"] == ("CM1 A", "CM1", ["Psy"], ["Psy", "Psy", "Psy", "Psy", ""])
    assert lignes["PETIT Léa"][2] == ["E", "Psy"]
    assert lignes["PETIT Léa"][3] == ["E, Psy", "E, Psy", "E, Psy", "E, Psy", ""]


def _page(client, ecole, pdf=False, **params):
    vue = "eleves_aides_periode_pdf" if pdf else "eleves_aides_periode"
    return client.get(reverse(vue, args=[ecole.pk]), params)


def test_page_de_la_liste(client, monde, aides):
    client.force_login(monde["directeur"])
    page = _page(client, monde.ecole_a).content.decode()
    assert "PETIT Léa" in page and "ZABOU Léa" in page
    assert "ZOLTAN" not in page
    assert "GARCIA" not in page
    assert "n'y figurent pas" in page
    assert reverse("eleves_aides_periode_pdf", args=[monde.ecole_a.pk]) in page
    assert _page(client, monde.ecole_a, periode=9).status_code == 404
    assert _page(client, monde.ecole_a, annee=1990).status_code == 404
    assert "Aucun élève" in _page(client, monde.ecole_a, periode=5).content.decode()


def test_pdf_de_la_liste(client, monde, aides):
    client.force_login(monde["directeur"])
    response = _page(client, monde.ecole_a, pdf=True, periode=2)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (
        f'inline; filename="eleves-aides-ecole-{monde.ecole_a.pk}-2026-2027-p2.pdf"')
    texte = texte_pdf(response.content)
    for attendu in ("Élèves aidés par le RASED — période 2", "École Jean Jaurès", "CE1 A", "PETIT Léa", "ZABOU Léa",
                    "P5", "2026-2027"):
        assert attendu in texte, attendu
    assert "ZOLTAN" not in texte
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.action, entree.eleve) == (monde["directeur"], "impression", None)


ATTENDU = {"enseignant": 403, "directeur": 200, "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
           "circonscription": 200, "admin": 403, "enseignant_autre_ecole": 404, "rased_autre_secteur": 404,
           "autre_circonscription": 404}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("pdf", [False, True])
def test_liste_selon_le_role(client, monde, aides, persona, pdf):
    client.force_login(monde[persona])
    assert _page(client, monde.ecole_a, pdf=pdf).status_code == ATTENDU[persona]
    assert JournalAcces.objects.exists() == (pdf and ATTENDU[persona] == 200)


def test_entree_de_la_liste(client, monde):
    client.force_login(monde["directeur"])
    response = client.get(reverse("eleves_aides_choix"))
    assert response.status_code == 302
    assert response["Location"] == reverse("eleves_aides_periode", args=[monde.ecole_a.pk])
    client.force_login(monde["circonscription"])
    page = client.get(reverse("eleves_aides_choix")).content.decode()
    assert "École Jean Jaurès" in page and "École Louise Michel" in page and "Victor Hugo" not in page
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("eleves_aides_choix")).content.decode()
    assert "École Jean Jaurès" in page and "École Louise Michel" not in page
    client.force_login(monde["enseignant"])
    assert client.get(reverse("eleves_aides_choix")).status_code == 403


def test_liens_depuis_l_accueil(client, monde):
    client.force_login(monde["directeur"])
    page = client.get(reverse("accueil")).content.decode()
    assert reverse("eleves_aides_periode", args=[monde.ecole_a.pk]) in page
    for persona in ("circonscription", "maitre_e"):
        client.force_login(monde[persona])
        assert reverse("eleves_aides_choix") in client.get(reverse("accueil")).content.decode()


@pytest.mark.parametrize("pdf", [False, True])
def test_nombre_de_requetes_constant(client, monde, pdf):
    client.force_login(monde["directeur"])
    _aide(monde, monde.eleve_a1, monde.classe_a1, "E", debut=date(2026, 9, 28))

    def mesurer():
        with CaptureQueriesContext(connection) as requetes:
            assert _page(client, monde.ecole_a, pdf=pdf).status_code == 200
        return len(requetes)

    mesurer()
    peu = mesurer()
    for i in range(8):
        classe = monde.classe_a2 if i % 2 else monde.classe_a1
        _aide(monde, eleve_inscrit(classe, nom=f"Nombreux{i}"), classe, "G" if i % 3 else "E",
              debut=date(2026, 11, 2), membre="maitre_g" if i % 3 else "maitre_e")
    assert mesurer() == peu


def test_un_eleve_venu_d_une_autre_ecole_compte_dans_la_liste_de_sa_nouvelle_ecole(client, monde, aides):
    """Yanis's request was filed last year in école B, where his E aid started; this year he is in
    école A: école A's directeur types him into ONDE with the aid that goes on, école B no longer."""
    classe_b_passee = ClasseFactory(ecole=monde.ecole_b, annee=monde.classe_a_annee_passee.annee, nom="CP B")
    yanis = eleve_inscrit(classe_b_passee, nom="Yanis")
    InscriptionFactory(eleve=yanis, classe=monde.classe_a2, niveau="CM1")
    _aide(monde, yanis, classe_b_passee, "E", debut=date(2026, 3, 2), membre="rased_autre_secteur")

    client.force_login(monde["directeur"])
    page = client.get(reverse("eleves_aides_periode", args=[monde.ecole_a.pk])).content.decode()
    assert "YANIS" in page
    assert _lignes(eleves_aides_par_periode(monde["directeur"], ecole=monde.ecole_a, debut=2026))["YANIS Léa"] == (
        "CM1 A", "CM1", ["E"], ["E", "E", "E", "E", ""])
    # Last year he was école B's: its list of 2025-2026 has him, this year's does not.
    autre = monde["rased_autre_secteur"]  # the RASED of école B's secteur
    assert "YANIS Léa" in _lignes(eleves_aides_par_periode(autre, ecole=monde.ecole_b, debut=2025))
    assert "YANIS Léa" not in _lignes(eleves_aides_par_periode(autre, ecole=monde.ecole_b, debut=2026))
