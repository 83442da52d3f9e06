"""The waiting list: requests sent and not yet handled, by school, the longest waiting first;
names for the RASED and the directeur, none for circonscription staff; PDF; constant queries.

Seen on 15 March 2027: école A has r1 (sent 01/02/2027, 42 days) and r2 (being analysed since
a request sent 11/01/2027, 63 days); école B has r3 (sent 08/03/2027, 7 days); a decided request
and a draft are not waiting.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.rapports import liste_attente
from eleves.models import JournalAcces
from tests.aides.test_documents_programme import texte_pdf
from tests.conftest import PERSONAS
from tests.factories import eleve_inscrit
from tests.factories_aides import DemandeAideFactory

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _le_15_mars_2027(time_machine):
    time_machine.move_to(datetime(2027, 3, 15, 12, tzinfo=PARIS), tick=False)


def _demande(monde, eleve, classe, *, envoyee, etat):
    return DemandeAideFactory(
        eleve=eleve, classe=classe, auteur=monde["enseignant"], etat=etat,
        famille_informee_le=envoyee or date(2027, 1, 1), famille_informee_par="courrier",
        envoyee_le=datetime(envoyee.year, envoyee.month, envoyee.day, 9, tzinfo=PARIS) if envoyee else None,
    )


@pytest.fixture
def attente(monde):
    return {
        "r1": _demande(monde, monde.eleve_a1, monde.classe_a1, envoyee=date(2027, 2, 1), etat="envoyee"),
        "r2": _demande(monde, monde.eleve_a2, monde.classe_a2, envoyee=date(2027, 1, 11), etat="en_analyse"),
        "r3": _demande(monde, monde.eleve_b1, monde.classe_b1, envoyee=date(2027, 3, 8), etat="envoyee"),
        "decidee": _demande(monde, eleve_inscrit(monde.classe_a1, nom="Décidé"), monde.classe_a1,
                            envoyee=date(2026, 12, 1), etat="autre_reponse"),
        "brouillon": _demande(monde, eleve_inscrit(monde.classe_a1, nom="Brouillon"), monde.classe_a1,
                              envoyee=None, etat="brouillon"),
        "sud": _demande(monde, monde.eleve_c1, monde.classe_c1, envoyee=date(2027, 2, 2), etat="envoyee"),
    }


def test_par_ecole_les_plus_anciennes_d_abord(monde, attente):
    ecoles = liste_attente(monde["circonscription"], nominative=False)
    assert [e.nom for e in ecoles] == ["École Jean Jaurès (Villeurbanne)", "École Louise Michel (Villeurbanne)"]
    assert [(d.numero, d.jours, d.classe, d.niveau, d.etat) for d in ecoles[0].demandes] == [
        (attente["r2"].pk, 63, "CM1 A", "CM1", "En analyse"),
        (attente["r1"].pk, 42, "CE1 A", "CE1", "Envoyée au RASED"),
    ]
    assert ecoles[0].plus_longue == 63
    assert [(d.numero, d.jours) for d in ecoles[1].demandes] == [(attente["r3"].pk, 7)]
    assert all(d.eleve is None for e in ecoles for d in e.demandes)


def test_secteur_et_ecole(monde, attente):
    for persona in ("maitre_e", "psychologue", "directeur"):
        ecoles = liste_attente(monde[persona], nominative=True)
        assert [e.nom for e in ecoles] == ["École Jean Jaurès (Villeurbanne)"], persona
        assert [d.eleve for d in ecoles[0].demandes] == ["MOREAU Nassim", "PETIT Léa"], persona
    ecoles = liste_attente(monde["rased_autre_secteur"], nominative=True)
    assert [d.eleve for e in ecoles for d in e.demandes] == ["GARCIA Inès"]
    assert [d.numero for e in liste_attente(monde["autre_circonscription"], nominative=True)
            for d in e.demandes] == [attente["sud"].pk]


def test_page_sans_noms_pour_la_circonscription(client, monde, attente):
    client.force_login(monde["circonscription"])
    page = client.get(reverse("liste_attente")).content.decode()
    assert "Liste d'attente des demandes d'aide (3)" in page
    assert "École Jean Jaurès" in page and "CM1 A" in page and "63" in page
    for nom in ("Petit", "PETIT", "Moreau", "MOREAU", "Garcia", "GARCIA", "Léa", "Nassim", "Inès"):
        assert nom not in page, nom
    assert page.index("CM1 A") < page.index("CE1 A") < page.index("CE1 B")


def test_page_avec_noms_pour_le_rased(client, monde, attente):
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("liste_attente")).content.decode()
    assert "MOREAU Nassim" in page and "PETIT Léa" in page
    assert "GARCIA" not in page
    assert reverse("demande_detail", args=[attente["r2"].pk]) in page
    assert reverse("liste_attente_pdf") in page


def test_pdf_sans_noms_pour_la_circonscription(client, monde, attente):
    client.force_login(monde["circonscription"])
    response = client.get(reverse("liste_attente_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'inline; filename="liste-attente-rased.pdf"'
    texte = texte_pdf(response.content)
    for attendu in ("Liste d'attente des demandes d'aide", "École Jean Jaurès", "École Louise Michel", "CM1 A",
                    "11/01/2027", "63", "Aucun élève n'est nommé"):
        assert attendu in texte, attendu
    for nom in ("PETIT", "MOREAU", "GARCIA", "Léa", "Nassim"):
        assert nom not in texte, nom
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.action, entree.eleve) == (monde["circonscription"], "impression", None)


def test_pdf_du_directeur_nomme_ses_eleves(client, monde, attente):
    client.force_login(monde["directeur"])
    texte = texte_pdf(client.get(reverse("liste_attente_pdf")).content)
    assert "PETIT Léa" in texte and "MOREAU Nassim" in texte
    assert "GARCIA" not in texte
    assert "UAI" in texte


ATTENDU = {persona: 200 for persona in PERSONAS} | {"enseignant": 403, "enseignant_autre_ecole": 403,
                                                       "admin": 403}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("vue", ["liste_attente", "liste_attente_pdf"])
def test_liste_attente_selon_le_role(client, monde, attente, persona, vue):
    client.force_login(monde[persona])
    assert client.get(reverse(vue)).status_code == ATTENDU[persona]
    assert JournalAcces.objects.exists() == (vue == "liste_attente_pdf" and ATTENDU[persona] == 200)


def test_liens_depuis_l_accueil(client, monde):
    for persona in ("circonscription", "directeur", "maitre_g"):
        client.force_login(monde[persona])
        assert reverse("liste_attente") in client.get(reverse("accueil")).content.decode(), persona


@pytest.mark.parametrize("vue", ["liste_attente", "liste_attente_pdf"])
@pytest.mark.parametrize("persona", ["circonscription", "maitre_e"])
def test_nombre_de_requetes_constant(client, monde, vue, persona):
    client.force_login(monde[persona])
    _demande(monde, monde.eleve_a1, monde.classe_a1, envoyee=date(2027, 2, 1), etat="envoyee")

    def mesurer():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse(vue)).status_code == 200
        return len(requetes)

    mesurer()
    peu = mesurer()
    for i in range(8):
        classe = monde.classe_a2 if i % 2 else monde.classe_b1
        _demande(monde, eleve_inscrit(classe), classe, envoyee=date(2027, 1, 1 + i), etat="en_analyse")
    assert mesurer() == peu
