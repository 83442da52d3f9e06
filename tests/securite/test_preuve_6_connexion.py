"""« Trust » issue, proof 6: signing in. Where each sub-item is proven:

- lockout after 5 failures, released after the 15-minute cool-off: tests/test_connexion.py
  (``test_verrouillage_apres_cinq_echecs_puis_liberation``, another account untouched); here, the
  boundary (4 failures do not lock) and an unknown name locked with the very same page;
- same message for an unknown user and a wrong password: tests/test_connexion.py
  (``test_meme_message_utilisateur_inconnu_ou_mauvais_mot_de_passe``);
- idle (30 min) and absolute (10 h) session limits: tests/test_connexion.py;
- the session key changes at sign-in and dies at sign-out: tests/test_connexion.py (password
  sign-in), tests/test_double_authentification.py (new key at the code); here, the whole two-factor
  sign-in (a new key at the password, another at the code) and the old cookie replayed after
  sign-out by another browser;
- a deactivated account is refused at its next request: tests/test_connexion.py (password-only
  directeur); here, each two-factor role with a verified session;
- two-factor authentication for RASED members, psychologists, circonscription staff and
  administrators: tests/test_double_authentification.py (set-up, codes, backup codes, throttling,
  four pages); here, a password-only session of each of these roles against every page of the
  permission matrix (tests/securite/matrice.py), by GET and by POST, with and without a device.

Each test prints its counts through the ``preuve`` fixture and asserts them.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.securite.matrice import ARGUMENTS
from tests.securite.monde_complet import arranger_tout
from tests.securite.outils import comptes_des_lignes, corps_normalise, difference, noms_d_urls

MOT_DE_PASSE = "mot-de-passe-de-test-2026"
ROLES_2FA = ["maitre_e", "maitre_g", "psychologue", "circonscription", "admin"]
# The only pages a session still owing its second factor may reach
# (eleves/double_authentification.py).
PAGES_LIBRES = {"connexion", "deconnexion", "otp_configurer", "otp_verifier"}


@pytest.fixture
def double_authentification(settings):
    settings.DOUBLE_AUTHENTIFICATION = True


def _connexion(client, username, password=MOT_DE_PASSE):
    return client.post(reverse("connexion"), {"username": username, "password": password})


def _code(appareil) -> str:
    return f"{totp(bytes.fromhex(appareil.key)):06d}"


def _vers_le_second_facteur(reponse) -> bool:
    return reponse.status_code == 302 and reponse["Location"].startswith(
        (reverse("otp_configurer") + "?", reverse("otp_verifier") + "?")
    )


# Lockout ----------------------------------------------------------------------------------------


def test_quatre_echecs_ne_bloquent_pas_le_cinquieme_bloque(client, monde, preuve):
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        for _ in range(4):
            assert _connexion(client, "directeur", "mauvais-mot-de-passe").status_code == 200
        assert _connexion(client, "directeur").status_code == 302  # the 5th try, right: signed in
        client.post(reverse("deconnexion"))
        for _ in range(5):
            _connexion(client, "directeur", "mauvais-mot-de-passe")
        assert _connexion(client, "directeur").status_code == 429
    with time_machine.travel(debut + timedelta(minutes=14), tick=False):
        # Still within the 15 minutes; an attempt while locked counts and restarts them (django-axes).
        assert _connexion(client, "directeur").status_code == 429
    with time_machine.travel(debut + timedelta(minutes=14 + 14), tick=False):
        assert _connexion(client, "directeur").status_code == 429
    with time_machine.travel(debut + timedelta(minutes=14 + 14 + 16), tick=False):
        assert _connexion(client, "directeur").status_code == 302
    preuve("[preuve 6] verrouillage : 4 échecs libres, le 5e bloque ; bloqué encore 14 min après chaque essai, "
           "libéré 16 min après le dernier")


def test_nom_inconnu_bloque_avec_la_meme_page(client, monde):
    """The lockout does not tell an existing account from an unknown name either."""
    for nom in ("directeur", "personne-inconnue"):
        for _ in range(5):
            _connexion(client, nom, "mauvais-mot-de-passe")
    connu, inconnu = _connexion(client, "directeur"), _connexion(client, "personne-inconnue")
    assert connu.status_code == inconnu.status_code == 429
    assert corps_normalise(connu) == corps_normalise(inconnu)


# Session keys -----------------------------------------------------------------------------------


def test_cle_de_session_a_chaque_facteur_et_morte_a_la_deconnexion(client, monde, double_authentification, preuve):
    maitre = monde["maitre_e"]
    appareil = TOTPDevice.objects.create(user=maitre, name="Téléphone", confirmed=True)
    client.get(reverse("connexion"))
    client.session.save()
    anonyme = client.session.session_key
    _connexion(client, "maitre-e")
    apres_mot_de_passe = client.session.session_key
    reponse = client.post(reverse("otp_verifier"), {"code": _code(appareil), "next": "/"})
    assert reponse["Location"] == "/"
    apres_code = client.session.session_key
    assert len({anonyme, apres_mot_de_passe, apres_code}) == 3
    assert not Session.objects.filter(session_key__in=[anonyme, apres_mot_de_passe]).exists()
    assert client.get(reverse("eleve_liste")).status_code == 200

    client.post(reverse("deconnexion"))
    assert not Session.objects.filter(session_key=apres_code).exists()
    rejoue = Client()  # another browser replaying the cookie of the signed-out session
    rejoue.cookies["sessionid"] = apres_code
    reponse = rejoue.get(reverse("eleve_liste"))
    assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("connexion"))
    preuve("[preuve 6] clés de session : 3 clés distinctes (anonyme, mot de passe, code), 0 survivante "
           "après la déconnexion, cookie rejoué refusé")


# Deactivated accounts ---------------------------------------------------------------------------


def test_compte_desactive_refuse_meme_session_verifiee(monde, double_authentification, preuve):
    refuses = 0
    for persona in ROLES_2FA:
        user = monde[persona]
        appareil = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
        client = Client()
        client.force_login(user)
        client.post(reverse("otp_verifier"), {"code": _code(appareil), "next": "/"})
        page = "admin:index" if persona == "admin" else "eleve_liste"
        assert client.get(reverse(page)).status_code == 200, persona  # verified: in
        user.is_active = False
        user.save(update_fields=["is_active"])
        for nom in ("accueil", page, "otp_verifier"):
            reponse = client.get(reverse(nom))
            assert reponse.status_code == 302, (persona, nom)
            assert reponse["Location"].startswith((reverse("connexion"), reverse("admin:login"))), (persona, nom)
        reponse = client.post(reverse("eleve_liste"), {"nom": "Petit"})
        assert reponse["Location"].startswith(reverse("connexion"))
        refuses += 1
    preuve(f"[preuve 6] comptes désactivés avec session vérifiée : {refuses} rôles, "
           f"{refuses} refusés à la requête suivante")
    assert refuses == len(ROLES_2FA)


# Two-factor authentication against the whole matrix ---------------------------------------------


def test_session_par_mot_de_passe_seul_n_atteint_aucune_page(monde, double_authentification, preuve):
    cote = arranger_tout(monde)["A"]
    urls = {nom: reverse(nom, kwargs=ARGUMENTS[nom](cote)) for nom in noms_d_urls() if nom not in PAGES_LIBRES}
    cas, atteintes = 0, []
    for avec_appareil in (False, True):
        for persona in ROLES_2FA:
            user = monde[persona]
            if avec_appareil:
                TOTPDevice.objects.get_or_create(user=user, name="Téléphone", defaults={"confirmed": True})
            client = Client()
            client.force_login(user)  # the password, and nothing else
            for nom, url in urls.items():
                avant = comptes_des_lignes()
                get = client.get(url)
                post = client.post(url, {"confirmer": "1", "envoyer": "1", "nom": "Petit"})
                changees = difference(avant, comptes_des_lignes())
                cas += 2
                for methode, reponse in (("GET", get), ("POST", post)):
                    if not _vers_le_second_facteur(reponse):
                        atteintes.append(f"{persona} {methode} {url}: {reponse.status_code}")
                if changees:
                    atteintes.append(f"{persona} POST {url}: lignes changées {changees}")
            assert "recherche_eleves" not in client.session
    preuve(f"[preuve 6] 2FA : {len(urls)} pages × {len(ROLES_2FA)} rôles × (GET, POST) × (sans, avec appareil) "
           f"= {cas} cas, {len(atteintes)} atteinte(s)")
    assert cas == len(urls) * len(ROLES_2FA) * 4
    assert not atteintes, "\n".join(atteintes)


def test_la_meme_session_verifiee_atteint_ses_pages(monde, double_authentification, preuve):
    """The proof above is not vacuous: once the code is given, the same pages open."""
    cote = arranger_tout(monde)["A"]
    urls = [reverse(nom, kwargs=ARGUMENTS[nom](cote)) for nom in noms_d_urls() if nom not in PAGES_LIBRES]
    ouvertes = {}
    for persona in ROLES_2FA:
        user = monde[persona]
        appareil = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
        client = Client()
        client.force_login(user)
        client.post(reverse("otp_verifier"), {"code": _code(appareil), "next": "/"})
        ouvertes[persona] = sum(client.get(url).status_code == 200 for url in urls)
    preuve(f"[preuve 6] 2FA vérifiée : pages ouvertes par rôle {ouvertes}")
    assert all(n >= 5 for n in ouvertes.values()), ouvertes
