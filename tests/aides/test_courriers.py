"""Letters to the family: who prints which, one page per household, reply slip, nothing
confidential, access log, French messages when a letter cannot be printed."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from pypdf import PdfReader

from aides.enums import TypeAide
from aides.models import DemandeAide
from aides.pdf.courriers import GENRES, donnees_courrier, foyers
from aides.selectors.documents import LecturesCourrier
from eleves.models import JournalAcces, ResponsableLegal
from tests.aides.test_fiche_suivi import (
    CONCLUSION_PARTAGEE,
    MARQUEURS_PSY,
    suivi_complet,
    texte_pdf,
)
from tests.conftest import PERSONAS
from tests.factories import ResponsableLegalFactory
from tests.factories_aides import AideFactory, DemandeAideFactory
from tests.factories_parcours import aides_decidees

GENRES_TESTES = ["information", "accord-aide", "accord-psy"]

# Who prints which letter (DemandeAide.visibles_par gives the 404s, the letter's rule the 403s).
ATTENDU = {
    "information": {"enseignant": 200, "directeur": 200, "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
                    "circonscription": 403},
    "accord-aide": {"enseignant": 403, "directeur": 200, "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
                    "circonscription": 403},
    "accord-psy": {"enseignant": 403, "directeur": 200, "maitre_e": 403, "maitre_g": 403, "psychologue": 200,
                   "circonscription": 403},
}


def _attendu(genre, persona):
    return ATTENDU[genre].get(persona, 404)


def _url(demande, genre):
    return reverse("courrier_pdf", args=[demande.pk, genre])


def _parents(eleve, *, meme_adresse=True):
    mere = ResponsableLegalFactory(eleve=eleve, lien="mere", civilite="Mme", nom="Petit", prenom="Sophie",
                                   adresse="12 rue des Lilas", code_postal="69100", commune="Villeurbanne")
    pere = ResponsableLegalFactory(
        eleve=eleve, lien="pere", civilite="M.", nom="Petit", prenom="Karim",
        # The same address typed differently is the same household.
        **({"adresse": "12 Rue des  lilas", "code_postal": "69100", "commune": "VILLEURBANNE"} if meme_adresse
           else {"adresse": "3 avenue Foch", "code_postal": "69006", "commune": "Lyon"}),
    )
    return mere, pere


@pytest.fixture
def demande_aidee(monde, demande_envoyee):
    """Léa Petit's request with an E aid and a psychological follow-up under way, every
    psychologist's field planted with a marker; her parents live together."""
    _parents(monde.eleve_a1)
    suivi_complet(monde, demande_envoyee, date(2026, 9, 14), terminer=False)
    demande_envoyee.refresh_from_db()
    return demande_envoyee


def _get(client, monde, persona, demande, genre):
    client.force_login(monde[persona])
    return client.get(_url(demande, genre))


@pytest.fixture
def demande_decidee(monde, demande_envoyee):
    """A request where the RASED decided an E aid and a psychological follow-up, not started yet."""
    _parents(monde.eleve_a1)
    aides_decidees(demande_envoyee, {TypeAide.E: monde["maitre_e"], TypeAide.PSY: monde["psychologue"]},
                   motif="Décodage.")
    return demande_envoyee


@pytest.mark.parametrize("genre", GENRES_TESTES)
def test_courrier_smoke(client, monde, demande_decidee, genre):
    qui = {"information": "enseignant", "accord-aide": "maitre_e", "accord-psy": "psychologue"}[genre]
    response = _get(client, monde, qui, demande_decidee, genre)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'inline; filename="courrier-{genre}-{demande_decidee.pk}.pdf"'
    texte = texte_pdf(response.content)
    aujourd_hui = timezone.localdate().strftime("%d/%m/%Y")
    for attendu in (
        "Lyon Nord", "École Jean Jaurès", GENRES[genre].titre,
        "Madame Sophie PETIT et Monsieur Karim PETIT", "12 rue des Lilas", "69100 VILLEURBANNE",
        f"À Villeurbanne, le {aujourd_hui}", "Madame, Monsieur,", "Léa PETIT", "CE1 A",
        f"demande d'aide n° {demande_decidee.pk}", "refuser", "consignée dans le dossier de votre enfant",
        "Coupon-réponse à retourner à l'école", "J'accepte", "Je refuse", "Date :",
        "Signature de Madame Sophie PETIT", "Signature de Monsieur Karim PETIT",
        "titulaire de l'autorité parentale", str(monde[qui]),
    ):
        assert attendu in texte, attendu
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.eleve, entree.action) == (monde[qui], monde.eleve_a1, "impression")
    assert entree.objet == f"Courrier à la famille ({GENRES[genre].objet}), demande n° {demande_decidee.pk}, PDF"


def test_courrier_information_nomme_le_referent_ou_le_rased(client, monde, demande_decidee):
    texte = texte_pdf(_get(client, monde, "enseignant", demande_decidee, "information").content)
    for membre in ("maitre_e", "maitre_g", "psychologue"):  # no référent yet: the RASED of the secteur
        assert str(monde[membre]) in texte
    DemandeAide.objects.filter(pk=demande_decidee.pk).update(referent=monde["maitre_g"])
    texte = texte_pdf(_get(client, monde, "enseignant", demande_decidee, "information").content)
    assert f"{monde['maitre_g']}, Maître G (aide à dominante relationnelle), référent de la demande" in texte
    assert str(monde["psychologue"]) not in texte


def test_courrier_accord_aide_nomme_l_aide_et_son_intervenant(client, monde, demande_decidee):
    texte = texte_pdf(_get(client, monde, "directeur", demande_decidee, "accord-aide").content)
    assert f"une aide à dominante pédagogique (maître E), menée par {monde['maitre_e']}" in texte
    assert "J'accepte l'aide proposée à mon enfant" in texte
    assert "psycholog" not in texte  # the follow-up decided beside it is not this letter's business


def test_courrier_accord_psy_nomme_le_psychologue(client, monde, demande_decidee):
    texte = texte_pdf(_get(client, monde, "directeur", demande_decidee, "accord-psy").content)
    assert (f"aux élèves en difficulté (RASED), {monde['psychologue']}, propose de rencontrer Léa pour un bilan "
            "psychologique") in texte
    assert "secret professionnel" in texte


def test_une_page_par_adresse(client, monde, demande_envoyee):
    _parents(monde.eleve_a1, meme_adresse=False)
    ResponsableLegalFactory(eleve=monde.eleve_a1, lien="tuteur", civilite="", nom="Roux", prenom="Alex",
                            adresse="", code_postal="", commune="")
    response = _get(client, monde, "directeur", demande_envoyee, "information")
    lecteur = PdfReader(io.BytesIO(response.content))
    assert len(lecteur.pages) == 3
    pages = [" ".join(p.extract_text().split()) for p in lecteur.pages]
    titre = GENRES["information"].titre
    assert f"{titre} Madame Sophie PETIT 12 rue des Lilas 69100 VILLEURBANNE À Villeurbanne" in pages[0]
    assert f"{titre} Monsieur Karim PETIT 3 avenue Foch 69006 LYON À Villeurbanne" in pages[1]
    assert f"{titre} Alex ROUX À Villeurbanne" in pages[2]  # no address on record: handed over
    for page, salutation in zip(pages, ("Madame,", "Monsieur,", "Madame, Monsieur,")):
        # each page is a whole letter: header, salutation, reply slip with its own signatures
        assert "Lyon Nord" in page and "École Jean Jaurès" in page
        assert f") {salutation} " in page
        assert "Coupon-réponse" in page and "J'accepte" in page and "Je refuse" in page
    assert "Signature de Monsieur Karim PETIT" not in pages[0]
    assert JournalAcces.objects.count() == 1


def test_foyers_regroupes_par_adresse(monde):
    mere, pere = _parents(monde.eleve_a1)
    assert [f["destinataires"] for f in foyers([mere, pere])] == ["Madame Sophie PETIT et Monsieur Karim PETIT"]
    assert foyers([mere, pere])[0]["salutation"] == "Madame, Monsieur"
    pere.adresse = "3 avenue Foch"
    assert [f["salutation"] for f in foyers([mere, pere])] == ["Madame", "Monsieur"]


@pytest.mark.parametrize("genre", GENRES_TESTES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_courrier_selon_le_role(client, monde, demande_decidee, genre, persona):
    response = _get(client, monde, persona, demande_decidee, genre)
    assert response.status_code == _attendu(genre, persona)
    assert JournalAcces.objects.filter(action="impression").exists() == (response.status_code == 200)


@pytest.mark.parametrize("genre", GENRES_TESTES)
def test_aucun_contenu_psychologique_dans_les_courriers(client, monde, demande_aidee, genre):
    """Every persona who may print the letter, the psychologist included: nothing confidential."""
    for persona, statut in ATTENDU[genre].items():
        if statut != 200:
            continue
        response = _get(client, monde, persona, demande_aidee, genre)
        assert response.status_code == 200, persona
        texte = texte_pdf(response.content)
        for champ, marqueur in MARQUEURS_PSY.items():
            assert marqueur not in texte, (persona, champ)
        assert CONCLUSION_PARTAGEE not in texte
        donnees = repr(donnees_courrier(LecturesCourrier(demande_aidee, imprime_par=monde[persona]), genre))
        assert not any(m in donnees for m in MARQUEURS_PSY.values())


def test_genre_inconnu_404(client, monde, demande_decidee):
    client.force_login(monde["directeur"])
    for genre in ("autre", "accord_psy", "information-psy"):
        assert client.get(f"/demandes/{demande_decidee.pk}/courriers/{genre}.pdf").status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("courrier_pdf", args=[demande_decidee.pk, "../../x"])
    assert not JournalAcces.objects.exists()


def test_sans_responsable_legal_un_message_et_pas_de_pdf(client, monde, demande_envoyee):
    client.force_login(monde["directeur"])
    response = client.get(_url(demande_envoyee, "information"), follow=True)
    assert response.redirect_chain == [(reverse("demande_detail", args=[demande_envoyee.pk]), 302)]
    assert "Aucun responsable légal n&#x27;est enregistré pour cet élève" in response.content.decode()
    assert not JournalAcces.objects.filter(action="impression").exists()


def test_accord_aide_sans_aide_e_ou_g_un_message(client, monde, demande_envoyee):
    _parents(monde.eleve_a1)
    client.force_login(monde["maitre_e"])
    response = client.get(_url(demande_envoyee, "accord-aide"), follow=True)
    assert "Aucune aide E ou G n&#x27;est à proposer" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_brouillon_un_message(client, monde):
    _parents(monde.eleve_a1)
    brouillon = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    client.force_login(monde["enseignant"])
    response = client.get(_url(brouillon, "information"), follow=True)
    assert "une fois la demande envoyée au RASED" in response.content.decode()


def test_courrier_anonyme_redirige(client, demande_envoyee):
    assert client.get(_url(demande_envoyee, "information")).status_code == 302


def test_texte_hostile_imprime_tel_quel(client, monde, demande_envoyee):
    hostile = '<b>x</b><img src="file:///etc/passwd">'
    ResponsableLegalFactory(eleve=monde.eleve_a1, nom=hostile, adresse=hostile)
    texte = texte_pdf(_get(client, monde, "directeur", demande_envoyee, "information").content)
    assert "<B>X</B><IMG SRC=" in texte  # the name is printed in capitals, as on an envelope
    assert '<b>x</b><img src="file:///' in texte
    assert "root:" not in texte


@pytest.mark.parametrize("genre, persona", [("information", "enseignant"), ("accord-aide", "maitre_e"),
                                            ("accord-psy", "directeur")])
def test_courrier_nombre_de_requetes_constant(client, monde, demande_decidee, genre, persona):
    """One household and one aid, then three households and two aids."""
    client.force_login(monde[persona])
    url = _url(demande_decidee, genre)

    def mesurer():
        client.get(url)
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        return len(requetes)

    peu = mesurer()
    for i in range(2):
        ResponsableLegalFactory(eleve=monde.eleve_a1, lien="autre", nom=f"Autre{i}",
                                adresse=f"{i} place Bellecour")
    AideFactory(demande=demande_decidee, type=TypeAide.G, intervenant=monde["maitre_g"])
    assert ResponsableLegal.objects.count() == 4
    assert mesurer() == peu


@pytest.mark.parametrize("persona", PERSONAS)
def test_liens_sur_la_page_de_la_demande_selon_le_droit(client, monde, demande_decidee, persona):
    client.force_login(monde[persona])
    page_demande = client.get(reverse("demande_detail", args=[demande_decidee.pk])).content.decode()
    for genre in GENRES_TESTES:
        assert (_url(demande_decidee, genre) in page_demande) == (_attendu(genre, persona) == 200), genre
