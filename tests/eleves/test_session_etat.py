"""The session's time left and « Rester connecté » (eleves.views.session_etat), and what every page
tells the drafts' script (static/js/brouillons.js) on its <body> (issue 13)."""

import json
import re
import time

from django.test import Client
from django.urls import reverse

from rased.middleware import BROUILLONS_ENREGISTRES_KEY, SESSION_SEEN_KEY

URL = "/session/"


def _vue_il_y_a(client, secondes):
    session = client.session
    session[SESSION_SEEN_KEY] = time.time() - secondes
    session.save()


def _corps(response) -> dict:
    balise = re.search(r"<body([^>]*)>", response.content.decode()).group(1)
    return dict(re.findall(r'(data-[\w-]+)="([^"]*)"', balise))


def test_adresse_de_l_etat_de_session():
    assert reverse("session_etat") == URL


def test_anonyme_n_est_pas_connecte_et_ne_prolonge_rien(client, db):
    assert client.get(URL).json() == {"connecte": False}
    refus = client.post(URL)
    assert refus.status_code == 403
    assert refus.json() == {"connecte": False}
    assert SESSION_SEEN_KEY not in client.session


def test_rester_connecte_renouvelle_la_session(client, monde, settings):
    client.force_login(monde["maitre_e"])
    _vue_il_y_a(client, 25 * 60)

    response = client.post(URL)

    assert response.status_code == 200
    assert response.json()["connecte"] is True
    assert settings.SESSION_COOKIE_AGE - 5 <= response.json()["expire_dans"] <= settings.SESSION_COOKIE_AGE
    assert time.time() - client.session[SESSION_SEEN_KEY] < 5
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_rester_connecte_exige_le_jeton_csrf(monde):
    client = Client(enforce_csrf_checks=True)
    client.force_login(monde["maitre_e"])
    _vue_il_y_a(client, 25 * 60)

    refus = client.post(URL)
    assert refus.status_code == 403
    assert refus["Content-Type"].startswith("text/html")  # the CSRF refusal page, not the view


def test_le_temps_restant_demande_par_la_page_ne_compte_pas_comme_activite(client, monde):
    client.force_login(monde["maitre_e"])
    _vue_il_y_a(client, 25 * 60)

    etat = client.get(URL, headers={"X-Rased-Sans-Activite": "1"}).json()

    assert etat["connecte"] is True
    assert 4 * 60 <= etat["expire_dans"] <= 5 * 60
    assert time.time() - client.session[SESSION_SEEN_KEY] > 20 * 60
    # A page the person opens is activity.
    client.get(reverse("accueil"))
    assert time.time() - client.session[SESSION_SEEN_KEY] < 5


def test_le_temps_restant_tient_compte_de_la_duree_maximale(client, monde, settings):
    client.force_login(monde["maitre_e"])
    session = client.session
    session["rased_session_debut"] = time.time() - settings.SESSION_ABSOLUTE_LIMIT.total_seconds() + 60
    session.save()
    assert client.get(URL, headers={"X-Rased-Sans-Activite": "1"}).json()["expire_dans"] <= 60


def test_la_page_dit_au_script_ou_garder_les_brouillons(client, monde):
    anonyme = _corps(client.get(reverse("connexion")))
    assert anonyme == {"data-connexion": "/connexion/", "data-session": URL}

    client.force_login(monde["enseignant"])
    enseignant = _corps(client.get(reverse("accueil")))
    assert enseignant["data-personne"] == str(monde["enseignant"].pk)
    assert enseignant["data-brouillon-stockage"] == "local"
    assert enseignant["data-session-duree"] == str(30 * 60)

    # Professional secrecy: a psychologist's texts never reach the browser's long-term storage.
    client.force_login(monde["psychologue"])
    assert _corps(client.get(reverse("accueil")))["data-brouillon-stockage"] == "session"


def test_enregistrement_confirme_nomme_la_page_du_brouillon_une_fois(client, monde):
    client.force_login(monde["maitre_e"])
    # Any signed-in POST answered by a redirect: here, marking the notifications read.
    client.post(reverse("notifications_lues"))
    suivante = _corps(client.get(reverse("accueil")))
    assert json.loads(suivante["data-brouillons-enregistres"].replace("&quot;", '"')) == [reverse("notifications_lues")]
    assert BROUILLONS_ENREGISTRES_KEY not in client.session
    assert "data-brouillons-enregistres" not in _corps(client.get(reverse("accueil")))


def test_formulaire_refuse_ne_nomme_rien(client, monde):
    client.force_login(monde["enseignant"])
    response = client.post(reverse("demande_creer", args=[monde.eleve_a1.pk]), {})
    assert response.status_code == 200
    assert BROUILLONS_ENREGISTRES_KEY not in client.session


def test_deconnexion_marquee_pour_le_script(client, monde):
    client.force_login(monde["enseignant"])
    assert 'action="/deconnexion/" data-deconnexion' in client.get(reverse("accueil")).content.decode()



def test_envoi_apres_expiration_ne_confirme_rien(client, monde):
    """A form sent once the session has ended lands on the sign-in page: nothing was saved, so
    nothing tells the browser to drop its draft."""
    response = client.post(reverse("demande_creer", args=[monde.eleve_a1.pk]), {"difficultes": "Lecture."})
    assert response.status_code == 302 and response["Location"].startswith(reverse("connexion") + "?next=")
    assert BROUILLONS_ENREGISTRES_KEY not in client.session
