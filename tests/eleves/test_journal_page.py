"""The page of a pupil's access log: who may read it, that reading it is logged, and that
entries can never be altered through the application."""

import pytest
from django.urls import reverse

from eleves.enums import Role
from eleves.models import JournalAcces, JournalInalterable
from eleves.views import PAGINATION_JOURNAL
from tests.factories import UtilisateurFactory

# The pupil is Léa Petit, in CE1 A of école A (secteur 1).
ATTENDU = {
    "enseignant": 403,
    "directeur": 200,
    "maitre_e": 403,
    "maitre_g": 403,
    "psychologue": 403,
    "circonscription": 200,  # the IEN
    "admin": 403,
    "enseignant_autre_ecole": 404,
    "rased_autre_secteur": 404,
    "autre_circonscription": 404,
}


@pytest.mark.parametrize("persona", ATTENDU)
def test_qui_voit_le_journal(client, monde, persona):
    client.force_login(monde[persona])
    response = client.get(reverse("eleve_journal", args=[monde.eleve_a1.pk]))
    assert response.status_code == ATTENDU[persona]
    # Only a granted reading is logged.
    assert JournalAcces.objects.filter(objet__startswith="Journal").exists() == (ATTENDU[persona] == 200)


@pytest.mark.parametrize("fonction", ["cpc", "secretariat"])
def test_conseiller_et_secretariat_n_y_ont_pas_acces(client, monde, fonction):
    client.force_login(UtilisateurFactory(role=Role.CIRCONSCRIPTION, circonscription=monde.nord, fonction=fonction))
    assert client.get(reverse("eleve_journal", args=[monde.eleve_a1.pk])).status_code == 403


def test_directeur_d_une_autre_ecole_ne_voit_pas(client, monde):
    # Moreau Nassim is in école A too; Garcia Inès in école B is outside this directeur's scope.
    client.force_login(monde["directeur"])
    assert client.get(reverse("eleve_journal", args=[monde.eleve_b1.pk])).status_code == 404


@pytest.mark.parametrize(("persona", "lien"), [("directeur", True), ("circonscription", True),
                                               ("enseignant", False), ("maitre_e", False)])
def test_lien_depuis_la_fiche(client, monde, persona, lien):
    client.force_login(monde[persona])
    page = client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk])).content.decode()
    assert (reverse("eleve_journal", args=[monde.eleve_a1.pk]) in page) == lien


def test_la_consultation_du_journal_est_journalisee_et_affichee(client, monde):
    client.force_login(monde["enseignant"])
    client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk]))
    client.force_login(monde["directeur"])
    response = client.get(reverse("eleve_journal", args=[monde.eleve_a1.pk]), REMOTE_ADDR="10.0.0.7")
    entree = JournalAcces.objects.filter(objet="Journal des accès de l'élève").get()
    assert (entree.utilisateur, entree.eleve, entree.action, entree.adresse) == (
        monde["directeur"], monde.eleve_a1, "consultation", "10.0.0.7")
    contenu = response.content.decode()
    assert "Fiche de l&#x27;élève" in contenu and "Journal des accès de l&#x27;élève" in contenu
    assert "2 entrées" in contenu


def test_pagination(client, monde):
    for i in range(PAGINATION_JOURNAL + 5):
        JournalAcces.objects.create(utilisateur=monde["enseignant"], action="consultation",
                                    objet=f"Consultation {i}", eleve=monde.eleve_a1)
    JournalAcces.objects.create(utilisateur=monde["enseignant"], action="consultation", objet="Autre élève",
                                eleve=monde.eleve_a2)
    client.force_login(monde["directeur"])
    url = reverse("eleve_journal", args=[monde.eleve_a1.pk])
    page1 = client.get(url).context["page"]
    assert len(page1.object_list) == PAGINATION_JOURNAL
    assert page1.paginator.count == PAGINATION_JOURNAL + 6  # with this reading, and not the other pupil's
    assert page1.object_list[0].objet == "Journal des accès de l'élève"  # newest first
    page2 = client.get(url, {"page": 2}).context["page"]
    assert len(page2.object_list) == 7  # 6 left on page 2, plus the second reading
    assert "Autre élève" not in {e.objet for e in page2.object_list}


def test_une_entree_ne_peut_pas_etre_modifiee_ni_supprimee(monde):
    entree = JournalAcces.objects.create(utilisateur=monde["enseignant"], action="consultation",
                                         objet="Fiche de l'élève", eleve=monde.eleve_a1)
    entree.objet = "Rien vu"
    with pytest.raises(JournalInalterable):
        entree.save()
    with pytest.raises(JournalInalterable):
        entree.delete()
    with pytest.raises(JournalInalterable):
        JournalAcces.objects.filter(pk=entree.pk).update(objet="Rien vu")
    with pytest.raises(JournalInalterable):
        JournalAcces.objects.filter(pk=entree.pk).delete()
    entree.refresh_from_db()
    assert entree.objet == "Fiche de l'élève"
    # The retention's explicit path is the only way out.
    assert JournalAcces.objects.filter(pk=entree.pk).purger() == 1
    assert not JournalAcces.objects.exists()
