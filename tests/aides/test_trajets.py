"""Travel times between schools: the member's own value, else the administrator's, else the default."""

import pytest
from django.urls import reverse

from aides.models import TempsTrajet
from aides.selectors.emploi_du_temps import temps_de_trajet
from tests.eleves.outils_pages import texte
from tests.factories import EcoleFactory


def _paire(e1, e2):
    return (e1, e2) if e1.pk < e2.pk else (e2, e1)


@pytest.mark.django_db
def test_temps_de_trajet_propre_puis_commun_puis_defaut(monde, settings, django_assert_num_queries):
    settings.TEMPS_TRAJET_PAR_DEFAUT_MINUTES = 20
    maitre_e = monde["maitre_e"]
    ecole_d = EcoleFactory(circonscription=monde.nord, nom="École Marie Curie")
    a, b = _paire(monde.ecole_a, monde.ecole_b)
    TempsTrajet.objects.create(ecole_a=a, ecole_b=b, intervenant=None, minutes=15)
    TempsTrajet.objects.create(ecole_a=a, ecole_b=b, intervenant=maitre_e, minutes=12)
    c, d = _paire(monde.ecole_a, ecole_d)
    TempsTrajet.objects.create(ecole_a=c, ecole_b=d, intervenant=None, minutes=25)
    # Another member's value is his own.
    e, f = _paire(monde.ecole_b, ecole_d)
    TempsTrajet.objects.create(ecole_a=e, ecole_b=f, intervenant=monde["maitre_g"], minutes=5)

    with django_assert_num_queries(1):
        minutes = temps_de_trajet(maitre_e, [monde.ecole_a, monde.ecole_b, ecole_d])
        assert minutes(monde.ecole_a.pk, monde.ecole_b.pk) == 12
        assert minutes(monde.ecole_b.pk, monde.ecole_a.pk) == 12
        assert minutes(ecole_d.pk, monde.ecole_a.pk) == 25
        assert minutes(monde.ecole_b.pk, ecole_d.pk) == 20
        assert minutes(monde.ecole_a.pk, monde.ecole_a.pk) == 0

    assert temps_de_trajet(monde["maitre_g"], [monde.ecole_a, monde.ecole_b])(
        monde.ecole_a.pk, monde.ecole_b.pk) == 15


@pytest.mark.django_db
def test_temps_de_trajet_accepte_des_cles_et_ne_requete_pas_pour_une_seule_ecole(monde, django_assert_num_queries):
    with django_assert_num_queries(0):
        minutes = temps_de_trajet(monde["maitre_e"], [monde.ecole_a.pk])
        assert minutes(monde.ecole_a.pk, monde.ecole_a.pk) == 0


# --- The member's page ------------------------------------------------------------------------


@pytest.fixture
def trois_ecoles(monde):
    """Maître E's secteur covers écoles A and B and a third one."""
    ecole_d = EcoleFactory(circonscription=monde.nord, nom="École Marie Curie")
    monde.secteur_1.ecoles.add(monde.ecole_b, ecole_d)
    return monde.ecole_a, monde.ecole_b, ecole_d


def _champ(x, y):
    return f"trajet_{x.pk}_{y.pk}"


def test_la_page_montre_une_ligne_par_paire_d_ecoles(client, monde, settings, trois_ecoles):
    settings.TEMPS_TRAJET_PAR_DEFAUT_MINUTES = 20
    a, b, _ = trois_ecoles
    x, y = _paire(a, b)
    TempsTrajet.objects.create(ecole_a=x, ecole_b=y, intervenant=None, minutes=15)
    client.force_login(monde["maitre_e"])
    reponse = client.get(reverse("trajet_page"))
    form = reponse.context["form"]
    assert len(form.fields) == 3
    page = texte(reponse)
    assert "École Jean Jaurès ↔ École Louise Michel" in page
    assert "Laissez vide pour 15 min." in page and page.count("Laissez vide pour 20 min.") == 2
    assert 'placeholder="15"' in reponse.content.decode()


def test_le_membre_enregistre_ses_temps_et_revient_au_defaut(client, monde, trois_ecoles):
    client.force_login(monde["maitre_e"])
    noms = list(client.get(reverse("trajet_page")).context["form"].fields)
    donnees = dict.fromkeys(noms, "")
    donnees[noms[0]] = "25"
    assert client.post(reverse("trajet_page"), donnees)["Location"] == reverse("trajet_page")
    propre = TempsTrajet.objects.get(intervenant=monde["maitre_e"])
    assert propre.minutes == 25 and propre.ecole_a_id < propre.ecole_b_id
    form = client.get(reverse("trajet_page")).context["form"]
    assert form[noms[0]].value() == 25
    client.post(reverse("trajet_page"), dict.fromkeys(noms, ""))
    assert not TempsTrajet.objects.exists()


def test_un_temps_de_trajet_negatif_est_refuse(client, monde, trois_ecoles):
    client.force_login(monde["maitre_e"])
    noms = list(client.get(reverse("trajet_page")).context["form"].fields)
    page = texte(client.post(reverse("trajet_page"), dict.fromkeys(noms, "") | {noms[1]: "-5"}))
    assert "Un temps de trajet n'est pas négatif." in page
    assert not TempsTrajet.objects.exists()


def test_une_seule_ecole_pas_de_trajet(client, monde):
    client.force_login(monde["maitre_e"])
    assert "Votre secteur ne compte qu'une école" in texte(client.get(reverse("trajet_page")))


def test_les_temps_d_un_membre_ne_sont_pas_ceux_d_un_autre(client, monde, trois_ecoles):
    a, b, _ = trois_ecoles
    x, y = _paire(a, b)
    TempsTrajet.objects.create(ecole_a=x, ecole_b=y, intervenant=monde["maitre_g"], minutes=7)
    client.force_login(monde["maitre_e"])
    reponse = client.get(reverse("trajet_page"))
    assert 'placeholder="7"' not in reponse.content.decode()
    assert reponse.context["form"][_champ(*sorted([a, b], key=lambda e: e.nom))].value() is None


# --- The administrator's value, for everyone -----------------------------------------------------


def test_l_administrateur_fixe_un_temps_pour_tous(client, monde):
    client.force_login(monde["admin"])
    x, y = _paire(monde.ecole_a, monde.ecole_b)
    # The pair given in either order is kept once, smaller key first.
    reponse = client.post(reverse("admin:aides_tempstrajet_add"),
                          {"ecole_a": y.pk, "ecole_b": x.pk, "minutes": 18, "intervenant": ""})
    assert reponse.status_code == 302
    trajet = TempsTrajet.objects.get()
    assert (trajet.ecole_a, trajet.ecole_b, trajet.intervenant, trajet.minutes) == (x, y, None, 18)
    assert temps_de_trajet(monde["maitre_e"], [x, y])(x.pk, y.pk) == 18


@pytest.mark.parametrize("persona", ["maitre_e", "psychologue", "circonscription", "directeur"])
def test_les_temps_pour_tous_sont_reserves_a_l_administrateur(client, monde, persona):
    client.force_login(monde[persona])
    assert client.get(reverse("admin:aides_tempstrajet_changelist")).status_code == 302
    x, y = _paire(monde.ecole_a, monde.ecole_b)
    client.post(reverse("admin:aides_tempstrajet_add"), {"ecole_a": x.pk, "ecole_b": y.pk, "minutes": 1})
    assert not TempsTrajet.objects.exists()
