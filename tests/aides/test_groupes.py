"""« Mes groupes »: a RASED member's groups of pupils per school, through the pages.

A group is its member's own (a colleague, a psychologist's colleague, anyone else: 404); its
pupils are those of the member's aids in the group's school that are not ended.
"""

from datetime import date, datetime, time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aides.enums import TypeAide
from aides.models import Creneau, CreneauNonTenu, Groupe, MembreGroupe, Seance
from aides.services import aide_arreter_depart
from eleves.enums import Role
from eleves.models import Utilisateur
from tests.eleves.outils_pages import texte
from tests.eleves.test_demo import lancer_demo
from tests.factories import eleve_inscrit
from tests.factories_aides import (
    AideFactory,
    CreneauFactory,
    DemandeAideFactory,
    GroupeFactory,
    MembreGroupeFactory,
    SeanceFactory,
)


def _aide(monde, eleve, intervenant, *, type_aide=TypeAide.E, **traits):
    demande = DemandeAideFactory(eleve=eleve, auteur=monde["enseignant"], envoyee=True)
    return AideFactory(demande=demande, intervenant=intervenant, type=type_aide, en_cours=True, **traits)


@pytest.fixture
def groupe(monde):
    return GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="CP lecture")


# --- The list ---------------------------------------------------------------------------------


def test_mes_groupes_vide_l_explique(client, monde):
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("groupe_liste")))
    assert "Vous n'avez encore aucun groupe" in page


def test_mes_groupes_par_ecole_avec_le_nombre_d_eleves(client, monde, groupe):
    maitre_e = monde["maitre_e"]
    MembreGroupeFactory(groupe=groupe, aide=_aide(monde, monde.eleve_a1, maitre_e))
    parti = MembreGroupeFactory(groupe=groupe, aide=_aide(monde, monde.eleve_a2, maitre_e))
    parti.retire_le = timezone.localdate()
    parti.save()
    GroupeFactory(intervenant=maitre_e, ecole=monde.ecole_b, nom="CE1 calcul")
    GroupeFactory(intervenant=monde["maitre_g"], ecole=monde.ecole_a, nom="Groupe du collègue")
    client.force_login(maitre_e)
    page = texte(client.get(reverse("groupe_liste")))
    assert "École Jean Jaurès" in page and "École Louise Michel" in page
    assert "CP lecture 1 élève" in page
    assert "CE1 calcul aucun élève" in page
    assert "Groupe du collègue" not in page


def test_mes_groupes_en_nombre_de_requetes_fixe(client, monde, django_assert_max_num_queries):
    maitre_e = monde["maitre_e"]
    client.force_login(maitre_e)
    g = GroupeFactory(intervenant=maitre_e, ecole=monde.ecole_a)
    MembreGroupeFactory(groupe=g, aide=_aide(monde, monde.eleve_a1, maitre_e))
    CreneauFactory(groupe=g)
    client.get(reverse("groupe_liste"))  # warm-up (session, permissions)
    with django_assert_max_num_queries(8) as avec_un:
        client.get(reverse("groupe_liste"))
    for n in range(6):
        autre = GroupeFactory(intervenant=maitre_e, ecole=monde.ecole_a if n % 2 else monde.ecole_b)
        MembreGroupeFactory(groupe=autre, aide=_aide(monde, monde.eleve_a2, maitre_e))
        CreneauFactory(groupe=autre)
    with django_assert_max_num_queries(len(avec_un.captured_queries)):
        page = texte(client.get(reverse("groupe_liste")))
    assert page.count("1 créneau") == 7


@pytest.mark.parametrize("persona", ["enseignant", "directeur", "circonscription", "admin"])
def test_mes_groupes_refuse_hors_rased(client, monde, persona):
    client.force_login(monde[persona])
    assert client.get(reverse("groupe_liste")).status_code == 403
    assert client.get(reverse("groupe_creer")).status_code == 403


# --- Create, rename -------------------------------------------------------------------------


def test_creer_un_groupe_dans_une_ecole_du_secteur(client, monde):
    client.force_login(monde["psychologue"])
    reponse = client.post(reverse("groupe_creer"), {"ecole": monde.ecole_a.pk, "nom": "  Langage   oral "})
    groupe = Groupe.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("groupe_detail", args=[groupe.pk])
    assert (groupe.nom, groupe.ecole, groupe.intervenant) == ("Langage oral", monde.ecole_a, monde["psychologue"])


def test_creer_un_groupe_hors_du_secteur_est_refuse(client, monde):
    client.force_login(monde["maitre_e"])
    page = texte(client.post(reverse("groupe_creer"), {"ecole": monde.ecole_b.pk, "nom": "CP"}))
    assert "Choisissez une école de votre secteur" in page
    assert not Groupe.objects.exists()


def test_deux_groupes_de_meme_nom_dans_une_ecole_sont_refuses(client, monde, groupe):
    client.force_login(monde["maitre_e"])
    page = texte(client.post(reverse("groupe_creer"), {"ecole": monde.ecole_a.pk, "nom": "cp lecture"}))
    assert "Vous avez déjà un groupe « cp lecture » dans cette école" in page
    assert Groupe.objects.count() == 1


def test_renommer_son_groupe(client, monde, groupe):
    client.force_login(monde["maitre_e"])
    client.post(reverse("groupe_renommer", args=[groupe.pk]), {"nom": "CP phonologie"})
    groupe.refresh_from_db()
    assert groupe.nom == "CP phonologie"


@pytest.mark.parametrize("persona", ["maitre_g", "psychologue", "rased_autre_secteur", "enseignant", "admin"])
def test_le_groupe_d_un_autre_est_introuvable(client, monde, groupe, persona):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    membre = MembreGroupeFactory(groupe=groupe, aide=aide)
    client.force_login(monde[persona])
    for nom in ("groupe_detail", "groupe_renommer", "groupe_supprimer"):
        assert client.get(reverse(nom, args=[groupe.pk])).status_code == 404
    assert client.post(reverse("groupe_renommer", args=[groupe.pk]), {"nom": "X"}).status_code == 404
    assert client.post(reverse("groupe_retirer_eleve", args=[groupe.pk, membre.pk])).status_code == 404
    assert client.post(reverse("groupe_ajouter_eleves", args=[groupe.pk]), {"aides": [aide.pk]}).status_code == 404
    assert client.post(reverse("groupe_supprimer", args=[groupe.pk])).status_code == 404
    groupe.refresh_from_db()
    membre.refresh_from_db()
    assert groupe.nom == "CP lecture" and membre.retire_le is None


def test_un_ancien_membre_du_rased_n_agit_plus_sur_ses_groupes(client, monde, groupe):
    """The policy's ``intervenant_de`` asks the role too: a member who became a teacher keeps his
    rows (the sessions refer to them) but no longer reaches them."""
    creneau = CreneauFactory(groupe=groupe)
    ancien = monde["maitre_e"]
    ancien.role = Role.ENSEIGNANT
    ancien.secteur = None
    ancien.save(update_fields=["role", "secteur"])
    client.force_login(ancien)
    assert client.get(reverse("groupe_detail", args=[groupe.pk])).status_code == 403
    assert client.get(reverse("creneau_detail", args=[creneau.pk])).status_code == 403
    assert client.post(reverse("groupe_supprimer", args=[groupe.pk])).status_code == 403
    assert Groupe.objects.filter(pk=groupe.pk).exists()


def test_le_groupe_d_une_psychologue_est_le_sien(client, monde):
    psy = monde["psychologue"]
    groupe = GroupeFactory(intervenant=psy, ecole=monde.ecole_a, nom="Entretiens")
    MembreGroupeFactory(groupe=groupe, aide=_aide(monde, monde.eleve_a1, psy, type_aide=TypeAide.PSY))
    client.force_login(psy)
    assert "LÉA" in texte(client.get(reverse("groupe_detail", args=[groupe.pk]))).upper()
    client.force_login(monde["maitre_e"])
    assert client.get(reverse("groupe_detail", args=[groupe.pk])).status_code == 404
    assert "Entretiens" not in texte(client.get(reverse("groupe_liste")))


# --- Pupils in, pupils out --------------------------------------------------------------------


def test_ajouter_les_eleves_de_ses_aides_en_cours_dans_l_ecole(client, monde, groupe):
    maitre_e = monde["maitre_e"]
    a1 = _aide(monde, monde.eleve_a1, maitre_e)
    a2 = _aide(monde, monde.eleve_a2, maitre_e)
    _aide(monde, eleve_inscrit(monde.classe_a1, nom="Fini", prenom="Paul"), maitre_e, terminee=True)
    _aide(monde, eleve_inscrit(monde.classe_a1, nom="Autre", prenom="Zoé"), monde["maitre_g"], type_aide=TypeAide.G)
    _aide(monde, monde.eleve_b1, monde["rased_autre_secteur"])
    client.force_login(maitre_e)
    page = texte(client.get(reverse("groupe_detail", args=[groupe.pk])))
    assert "Léa PETIT" in page and "Nassim MOREAU" in page
    assert "Paul" not in page and "Zoé" not in page and "Inès" not in page

    reponse = client.post(reverse("groupe_ajouter_eleves", args=[groupe.pk]), {"aides": [a1.pk, a2.pk]})
    assert reponse.status_code == 302
    assert set(groupe.membres.values_list("aide_id", flat=True)) == {a1.pk, a2.pk}
    page = texte(client.get(reverse("groupe_detail", args=[groupe.pk]), follow=True))
    assert "Élèves du groupe (2)" in page
    assert "Aucun autre élève à ajouter" in page


def test_un_eleve_peut_etre_dans_plusieurs_groupes(client, monde, groupe):
    maitre_e = monde["maitre_e"]
    aide = _aide(monde, monde.eleve_a1, maitre_e)
    autre = GroupeFactory(intervenant=maitre_e, ecole=monde.ecole_a, nom="CP calcul")
    client.force_login(maitre_e)
    client.post(reverse("groupe_ajouter_eleves", args=[groupe.pk]), {"aides": [aide.pk]})
    client.post(reverse("groupe_ajouter_eleves", args=[autre.pk]), {"aides": [aide.pk]})
    assert MembreGroupe.objects.filter(aide=aide, retire_le__isnull=True).count() == 2


def test_ajouter_l_eleve_d_une_autre_aide_est_refuse(client, monde, groupe):
    autre_aide = _aide(monde, monde.eleve_a1, monde["maitre_g"], type_aide=TypeAide.G)
    hors_ecole = _aide(monde, monde.eleve_b1, monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    for aide in (autre_aide, hors_ecole):
        page = texte(client.post(reverse("groupe_ajouter_eleves", args=[groupe.pk]), {"aides": [aide.pk]},
                                 follow=True))
        assert "ne peut pas être ajouté à ce groupe" in page
    assert not groupe.membres.exists()


def test_ajouter_est_un_post(client, monde, groupe):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    assert client.get(reverse("groupe_ajouter_eleves", args=[groupe.pk]), {"aides": [aide.pk]}).status_code == 405
    assert not groupe.membres.exists()


def test_retirer_un_eleve_le_garde_parmi_ceux_qui_ont_quitte(client, monde, groupe):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    membre = MembreGroupeFactory(groupe=groupe, aide=aide)
    client.force_login(monde["maitre_e"])
    assert client.get(reverse("groupe_retirer_eleve", args=[groupe.pk, membre.pk])).status_code == 405
    client.post(reverse("groupe_retirer_eleve", args=[groupe.pk, membre.pk]))
    membre.refresh_from_db()
    assert membre.retire_le == timezone.localdate()
    assert membre.motif_retrait == "retiré par l'intervenant"
    page = texte(client.get(reverse("groupe_detail", args=[groupe.pk])))
    assert "Ont quitté le groupe" in page
    assert f"Léa P. — retiré par l'intervenant le {timezone.localdate():%d/%m/%Y}" in page
    # A repeat is a friendly no-op; the pupil may come back.
    page = texte(client.post(reverse("groupe_retirer_eleve", args=[groupe.pk, membre.pk]), follow=True))
    assert "avait déjà quitté le groupe" in page
    client.post(reverse("groupe_ajouter_eleves", args=[groupe.pk]), {"aides": [aide.pk]})
    membre.refresh_from_db()
    assert membre.retire_le is None


def test_un_eleve_dont_l_aide_se_termine_est_note_sur_la_page_du_groupe(client, monde, groupe):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    MembreGroupeFactory(groupe=groupe, aide=aide)
    aide_arreter_depart(aide=aide, auteur=monde["maitre_e"], le=timezone.localdate())
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("groupe_detail", args=[groupe.pk])))
    assert f"Léa P. — aide terminée le {timezone.localdate():%d/%m/%Y}" in page
    assert "Aucun élève dans ce groupe" in page


# --- Delete ----------------------------------------------------------------------------------


def test_supprimer_un_groupe_annonce_ses_creneaux_et_garde_les_seances(client, monde, groupe):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    MembreGroupeFactory(groupe=groupe, aide=aide)
    creneau = CreneauFactory(groupe=groupe, jour=1, heure=time(10, 0))
    seance = SeanceFactory(intervenant=monde["maitre_e"], aides=[aide])
    Seance.objects.filter(pk=seance.pk).update(creneau=creneau)
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("groupe_supprimer", args=[groupe.pk])))
    assert "Son créneau sera supprimé aussi" in page and "mardi à 10:00" in page
    assert Groupe.objects.filter(pk=groupe.pk).exists()
    assert client.post(reverse("groupe_supprimer", args=[groupe.pk]))["Location"] == reverse("groupe_liste")
    assert not Groupe.objects.filter(pk=groupe.pk).exists()
    assert not Creneau.objects.exists()
    seance.refresh_from_db()
    assert seance.creneau_id is None


# --- The demo ---------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False)
def test_la_demo_donne_une_semaine_au_maitre_e(client, db):
    lancer_demo()
    maitre_e = Utilisateur.objects.get(username="maitre-e")
    groupes = list(Groupe.objects.de(maitre_e))
    assert len({g.ecole_id for g in groupes}) == 2
    assert all(g.membres.filter(retire_le__isnull=True).exists() for g in groupes)
    creneaux = Creneau.objects.de(maitre_e)
    assert set(creneaux.values_list("jour", flat=True)) == {0, 1, 2, 3, 4}
    assert set(creneaux.values_list("du", "au")) == {(date(2026, 11, 2), date(2026, 12, 18))}
    assert CreneauNonTenu.objects.filter(creneau__intervenant=maitre_e, date=date(2026, 11, 16)).exists()
    client.force_login(maitre_e)
    page = texte(client.get(reverse("creneau_liste")))
    assert "Lecture cycle 2" in page and "Lecture CE1" in page


def test_ajouter_et_retirer_demandent_le_jeton_csrf(monde, groupe):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    membre = MembreGroupeFactory(groupe=groupe, aide=aide)
    client = Client(enforce_csrf_checks=True)
    client.force_login(monde["maitre_e"])
    assert client.post(reverse("groupe_retirer_eleve", args=[groupe.pk, membre.pk])).status_code == 403
    assert client.post(reverse("groupe_supprimer", args=[groupe.pk])).status_code == 403
    membre.refresh_from_db()
    assert membre.retire_le is None and Groupe.objects.filter(pk=groupe.pk).exists()
