"""French wording on real pages and documents (rased/francais.py through its template filters):
a name elided (« Séances d'Enzo »), a count agreed (« 1 séance », « 2 séances », « aucune »), the
sector's name not repeated, a waiting time in words, « né »/« née », a version with its date."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aides import services
from aides.enums import TypeAide
from eleves.enums import Role
from tests.aides.test_fiche_suivi import texte_pdf
from tests.aides.test_mise_en_page_pdf import pages_pdf
from tests.eleves.outils_pages import texte
from tests.factories import (
    ResponsableLegalFactory,
    SecteurFactory,
    UtilisateurFactory,
    eleve_inscrit,
)
from tests.factories_aides import DemandeAideFactory
from tests.factories_parcours import aide_en_cours, programme_valide


@pytest.mark.parametrize(("prenom", "attendu"), [
    ("Enzo", "Séances d'Enzo DURAND"),
    ("Élodie", "Séances d'Élodie DURAND"),
    ("Hugo", "Séances d'Hugo DURAND"),
    ("Louis", "Séances de Louis DURAND"),
    ("Yanis", "Séances de Yanis DURAND"),
])
def test_page_des_seances_elide_devant_le_prenom(client, monde, prenom, attendu):
    eleve = eleve_inscrit(monde.classe_a1, nom="Durand", prenom=prenom)
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("eleve_seances", args=[eleve.pk])))
    assert attendu in page


def test_journal_du_dossier_d_enzo(client, monde):
    eleve = eleve_inscrit(monde.classe_a1, nom="Durand", prenom="Enzo")
    client.force_login(monde["directeur"])
    page = texte(client.get(reverse("eleve_journal", args=[eleve.pk])))
    assert "le dossier d'Enzo DURAND" in page
    assert "dossier de Enzo" not in page


def _programme(monde, par_semaine):
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    aide = aide_en_cours(demande, TypeAide.E, monde["maitre_e"], motif="Lecture.")
    return programme_valide(aide, seances_par_semaine=par_semaine, duree_seance=45)


@pytest.mark.parametrize(("par_semaine", "attendu"), [
    (1, "1 séance de 45 min par semaine"), (2, "2 séances de 45 min par semaine"),
])
def test_rythme_du_programme_accorde(client, monde, par_semaine, attendu):
    programme = _programme(monde, par_semaine)
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("programme_detail", args=[programme.pk])))
    assert attendu in page
    assert "(s)" not in page


def test_liste_des_versions_avec_leur_date_de_validation(client, monde):
    premiere = _programme(monde, 1)
    services.programme_nouvelle_version(programme=premiere, auteur=monde["maitre_e"],
                                        debut=timezone.localdate())
    premiere.refresh_from_db()
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("programme_detail", args=[premiere.pk])))
    assert f"Version 1 (cette page), validée le {timezone.localtime(premiere.valide_le):%d/%m/%Y} — En vigueur" in page
    assert "Version 2 — Brouillon" in page


def test_ligne_du_secteur_sans_mot_repete(client, monde):
    client.force_login(monde["maitre_e"])  # her secteur is named « Secteur 1 »
    page = texte(client.get(reverse("accueil")))
    assert "— Secteur 1" in page
    assert "secteur Secteur" not in page
    nord = SecteurFactory(circonscription=monde.nord, nom="Nord", ecoles=[monde.ecole_a])
    membre = UtilisateurFactory(role=Role.MAITRE_G, circonscription=monde.nord, secteur=nord)
    client.force_login(membre)
    assert "— secteur Nord" in texte(client.get(reverse("accueil")))


def _envoyee_il_y_a(monde, prenom, jours):
    eleve = eleve_inscrit(monde.classe_a1, nom="Attente", prenom=prenom)
    return DemandeAideFactory(eleve=eleve, auteur=monde["enseignant"], envoyee=True,
                              envoyee_le=timezone.now() - timedelta(days=jours))


def test_attente_en_jours_semaines_ou_mois(client, monde):
    durees = {"Zoé": 0, "Ali": 1, "Iris": 3, "Paul": 20, "Rose": 75}
    demandes = {prenom: _envoyee_il_y_a(monde, prenom, jours) for prenom, jours in durees.items()}
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("accueil")))
    attendus = {"Zoé": "aujourd'hui", "Ali": "1 jour", "Iris": "3 jours", "Paul": "2 semaines", "Rose": "2 mois"}
    for prenom, attendu in attendus.items():
        ligne = page.split(f"N° {demandes[prenom].pk} — {prenom} ATTENTE", 1)[1].split("N° ", 1)[0]
        assert f"en attente depuis {attendu}" in ligne, prenom
    # The circonscription's table: the column says « En attente depuis », the cell the time alone.
    client.force_login(monde["circonscription"])
    page = texte(client.get(reverse("accueil")))
    assert "En attente depuis" in page
    for prenom, attendu in attendus.items():
        assert f"{demandes[prenom].pk} École Jean Jaurès CE1 A CE1 {attendu}" in page, prenom


def test_liste_d_attente_la_plus_ancienne_attend_depuis(client, monde):
    _envoyee_il_y_a(monde, "Zoé", 0)
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("liste_attente")))
    assert "1 demande, la plus ancienne attend depuis aujourd'hui" in page
    assert "0 jours" not in page


@pytest.mark.parametrize(("sexe", "attendu"), [("F", "Léa PETIT, née le"), ("M", "Léa PETIT, né le")])
def test_fiche_de_suivi_ne_ou_nee(client, monde, sexe, attendu):
    type(monde.eleve_a1).objects.filter(pk=monde.eleve_a1.pk).update(sexe=sexe)
    DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    client.force_login(monde["maitre_g"])
    texte_fiche = texte_pdf(client.get(reverse("fiche_suivi_pdf", args=[monde.eleve_a1.pk])).content)
    assert attendu in texte_fiche
    assert "né(e)" not in texte_fiche


def _responsable(eleve, lien, civilite, prenom, adresse):
    return ResponsableLegalFactory(eleve=eleve, lien=lien, civilite=civilite, nom="Petit", prenom=prenom,
                                   adresse=adresse, code_postal="69100" if adresse else "",
                                   commune="Villeurbanne" if adresse else "")


def _courrier(client, monde, demande, genre):
    client.force_login(monde["directeur"])
    return pages_pdf(client.get(reverse("courrier_pdf", args=[demande.pk, genre])).content)


def test_courriers_accordes_avec_chaque_foyer(client, monde, demande_envoyee):
    """« vous » is a mother alone, a father alone, a guardian with no civility: each letter agrees."""
    _responsable(monde.eleve_a1, "mere", "Mme", "Sophie", "12 rue des Lilas")
    _responsable(monde.eleve_a1, "pere", "M.", "Karim", "3 avenue Foch")
    _responsable(monde.eleve_a1, "tuteur", "", "Alex", "")
    information = _courrier(client, monde, demande_envoyee, "information")
    psy = _courrier(client, monde, demande_envoyee, "accord-psy")
    assert "Comme vous en avez été informée le" in information[0]
    assert "Vous êtes libre de refuser" in psy[0]
    assert "Comme vous en avez été informé le" in information[1]
    assert "Signature d'Alex PETIT" in information[2]  # no civility: the first name is elided before


def test_courrier_aux_deux_parents_au_pluriel(client, monde, demande_envoyee):
    _responsable(monde.eleve_a1, "mere", "Mme", "Sophie", "12 rue des Lilas")
    _responsable(monde.eleve_a1, "pere", "M.", "Karim", "12 rue des Lilas")
    assert "Comme vous en avez été informés le" in _courrier(client, monde, demande_envoyee, "information")[0]
    assert "Vous êtes libres de refuser" in _courrier(client, monde, demande_envoyee, "accord-psy")[0]


@pytest.mark.parametrize(("nom", "titre"), [("CE1 A", "Classe CE1 A"), ("Classe des grands", "Classe des grands")])
def test_page_de_la_classe_sans_mot_repete(client, monde, nom, titre):
    type(monde.classe_a1).objects.filter(pk=monde.classe_a1.pk).update(nom=nom)
    client.force_login(monde["directeur"])
    page = texte(client.get(reverse("classe_detail", args=[monde.classe_a1.pk])))
    assert page.count(titre) >= 1 and "Classe Classe" not in page
    assert "Enseignant : " in page  # one teacher: the label is singular
