"""« Mot de passe oublié » (issue 15): Django's reset flow by e-mail through the task queue; the same
answer whether the address has an account or not; throttled; a link valid 30 minutes, once; the
12-character rule; no sign-in by the reset itself."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.eleves.outils_pages import texte

pytestmark = pytest.mark.django_db
NOUVEAU = "Une phrase de passe bien longue 2026"


@pytest.fixture
def enseignant(monde):
    monde["enseignant"].email = "camille.enseignante@example.org"
    monde["enseignant"].save()
    return monde["enseignant"]


def _demander(client, adresse, capture):
    with capture(execute=True):
        return client.post(reverse("mot_de_passe_oublie"), {"email": adresse})


def _lien(message) -> str:
    return re.search(r"http://[^/]+(/mot-de-passe/\S+/)", message.body)[1]


def test_le_lien_est_sur_la_page_de_connexion(client):
    page = client.get(reverse("connexion"))
    assert reverse("mot_de_passe_oublie") in page.content.decode()
    assert "Mot de passe oublié ?" in texte(page)


def test_parcours_complet(client, enseignant, django_capture_on_commit_callbacks):
    reponse = _demander(client, "Camille.Enseignante@example.org", django_capture_on_commit_callbacks)
    assert reponse.status_code == 302 and reponse["Location"] == reverse("mot_de_passe_envoye")
    assert [m.to for m in mail.outbox] == [["camille.enseignante@example.org"]]
    assert "Choisir un nouveau mot de passe" in mail.outbox[0].subject
    lien = _lien(mail.outbox[0])

    formulaire = client.get(lien, follow=True)
    assert "Choisir un nouveau mot de passe" in texte(formulaire)
    adresse_formulaire = formulaire.redirect_chain[-1][0]  # the token replaced in the address
    trop_court = client.post(adresse_formulaire, {"new_password1": "court2026", "new_password2": "court2026"})
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in texte(trop_court)
    fini = client.post(adresse_formulaire, {"new_password1": NOUVEAU, "new_password2": NOUVEAU}, follow=True)
    assert "Mot de passe enregistré" in texte(fini)
    assert "_auth_user_id" not in client.session  # the reset does not sign in

    nouveau_client = Client()
    connexion = nouveau_client.post(reverse("connexion"), {"username": "enseignant", "password": NOUVEAU})
    assert connexion.status_code == 302 and "_auth_user_id" in nouveau_client.session
    deja_servi = client.get(lien, follow=True)
    assert "Ce lien n'est plus valable" in texte(deja_servi)


def test_meme_reponse_que_l_adresse_existe_ou_non(client, enseignant, django_capture_on_commit_callbacks):
    connue = _demander(client, "camille.enseignante@example.org", django_capture_on_commit_callbacks)
    inconnue = _demander(Client(), "personne@example.org", django_capture_on_commit_callbacks)
    assert connue["Location"] == inconnue["Location"]
    assert texte(client.get(connue["Location"])) == texte(Client().get(inconnue["Location"]))
    assert len(mail.outbox) == 1


def test_un_compte_desactive_ne_recoit_rien(client, enseignant, django_capture_on_commit_callbacks):
    enseignant.is_active = False
    enseignant.save()
    assert _demander(client, enseignant.email, django_capture_on_commit_callbacks).status_code == 302
    assert mail.outbox == []


def test_limite_par_adresse(client, enseignant, django_capture_on_commit_callbacks, settings):
    for _ in range(settings.REINITIALISATION_PAR_HEURE):
        _demander(client, enseignant.email, django_capture_on_commit_callbacks)
    reponse = _demander(client, enseignant.email, django_capture_on_commit_callbacks)
    assert reponse["Location"] == reverse("mot_de_passe_oublie")
    assert "Trop de demandes en peu de temps" in texte(client.get(reponse["Location"]))
    assert len(mail.outbox) == settings.REINITIALISATION_PAR_HEURE
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        _demander(client, enseignant.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == settings.REINITIALISATION_PAR_HEURE + 1


def test_le_lien_expire_apres_30_minutes(client, enseignant, django_capture_on_commit_callbacks):
    _demander(client, enseignant.email, django_capture_on_commit_callbacks)
    lien = _lien(mail.outbox[0])
    # Local time: Django's token reads the naive local clock (datetime.now()).
    with time_machine.travel(timezone.localtime() + timedelta(minutes=31)):
        page = client.get(lien, follow=True)
    assert "Ce lien n'est plus valable" in texte(page)
    enseignant.refresh_from_db()
    assert enseignant.check_password("mot-de-passe-de-test-2026")


def test_le_courriel_ne_nomme_aucun_eleve_et_passe_par_la_file(client, monde, enseignant,
                                                               django_capture_on_commit_callbacks):
    _demander(client, enseignant.email, django_capture_on_commit_callbacks)
    corps = mail.outbox[0].body
    assert monde.eleve_a1.nom not in corps
    assert "enseignant" in corps  # the account's username, so the person knows which account
