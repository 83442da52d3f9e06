"""The administration site (/gestion/): the administrator role only, organisation only."""

import pytest
from django.urls import reverse

from eleves.models import AnneeScolaire, Classe, Ecole, Utilisateur
from tests.conftest import PERSONAS


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_administration_refusee_aux_autres_roles(client, monde, persona):
    client.force_login(monde[persona])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:eleves_ecole_changelist")).status_code == 302


def test_administration_refusee_aux_anonymes(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_administrateur_gere_l_organisation(client, monde):
    client.force_login(monde["admin"])
    page = client.get(reverse("admin:index")).content.decode()
    for modele in ("Écoles", "Secteurs RASED", "Années scolaires", "Classes", "Personnes"):
        assert modele in page
    # Pupils and families are managed in the application's pages, not in the admin.
    assert "Élèves" not in page
    assert client.get("/gestion/eleves/eleve/").status_code == 404


def test_administrateur_ajoute_une_ecole_avec_uai_valide(client, monde):
    client.force_login(monde["admin"])
    url = reverse("admin:eleves_ecole_add")
    donnees = {"circonscription": monde.nord.pk, "nom": "École des Tilleuls", "commune": "Bron"}
    refus = client.post(url, donnees | {"uai": "069123A"})
    assert refus.status_code == 200
    assert "7 chiffres suivis d" in refus.content.decode()
    assert not Ecole.objects.filter(nom="École des Tilleuls").exists()
    client.post(url, donnees | {"uai": "0691234B"})
    assert Ecole.objects.get(nom="École des Tilleuls").uai == "0691234B"


def test_administrateur_ajoute_un_enseignant_puis_une_classe(client, monde):
    client.force_login(monde["admin"])
    response = client.post(
        reverse("admin:eleves_utilisateur_add"),
        {
            "username": "nouvelle-enseignante", "password1": "cheval pommier lune",
            "password2": "cheval pommier lune", "usable_password": "true",
            "first_name": "Nadia", "last_name": "Benali", "email": "",
            "role": "enseignant", "fonction": "", "circonscription": monde.nord.pk,
            "ecole": "", "secteur": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    enseignante = Utilisateur.objects.get(username="nouvelle-enseignante")
    assert enseignante.check_password("cheval pommier lune")
    annee = AnneeScolaire.objects.courante()
    response = client.post(
        reverse("admin:eleves_classe_add"),
        {"ecole": monde.ecole_a.pk, "annee": annee.pk, "nom": "CE2-CM1 B", "niveaux": ["CE2", "CM1"],
         "enseignants": [enseignante.pk]},
    )
    assert response.status_code == 302
    classe = Classe.objects.get(nom="CE2-CM1 B")
    assert classe.niveaux == ["CE2", "CM1"]
    assert list(classe.enseignants.all()) == [enseignante]


def test_connexion_a_l_administration_par_la_page_de_l_application(client, monde):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("connexion"))
    admin = monde["admin"]
    assert not admin.is_staff  # the role opens the administration, not Django's flag
    client.post(reverse("connexion"), {"username": "admin", "password": "mot-de-passe-de-test-2026"})
    assert client.get(reverse("admin:index")).status_code == 200


def test_page_de_connexion_de_l_administration_refusee_aux_autres_roles(client, monde):
    client.force_login(monde["directeur"])
    response = client.get(reverse("admin:login"))
    assert response.status_code == 403
    assert "Action non autorisée" in response.content.decode()
