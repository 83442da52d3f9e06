"""Two-factor authentication (django-otp): who must use it, set-up, codes, throttling, the demo.

The other test modules run with ``DOUBLE_AUTHENTIFICATION`` off (tests/conftest.py); this one
turns it back on, as in production, and signs in with ``force_login`` (password only) or
through the sign-in page.
"""

import os
import subprocess
import sys
from base64 import b32encode
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rules.permissions import ObjectPermissionBackend

from eleves.models import Utilisateur
from eleves.views_2fa import SESSION_CLE_EN_ATTENTE
from rased.admin import site as admin_site

RACINE = Path(__file__).resolve().parent.parent
MOT_DE_PASSE = "mot-de-passe-de-test-2026"
REQUIS = ["maitre_e", "maitre_g", "psychologue", "circonscription", "admin"]
NON_REQUIS = ["enseignant", "directeur"]
PAGES_PROTEGEES = ["accueil", "eleve_liste", "demande_liste", "admin:index"]
PAGES_2FA = ["otp_configurer", "otp_verifier", "otp_codes", "otp_codes_regenerer"]
CODES_SECOURS = ["aaaa2222", "bbbb3333"]


@pytest.fixture(autouse=True)
def _double_authentification_active(_reglages_de_test, settings):
    settings.DOUBLE_AUTHENTIFICATION = True


def _code(cle_hex: str, decalage: int = 0) -> str:
    """The code an authenticator application shows now (``decalage`` steps away)."""
    return f"{totp(bytes.fromhex(cle_hex), drift=decalage):06d}"


def _code_faux(cle_hex: str) -> str:
    """Six digits accepted by no step of the tolerance window."""
    valides = {int(_code(cle_hex, d)) for d in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000000) if n not in valides)


def _equiper(user) -> TOTPDevice:
    """A person who already set up an application, with two backup codes left."""
    appareil = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    secours = StaticDevice.objects.create(user=user, name="Codes de secours")
    for code in CODES_SECOURS:
        secours.token_set.create(token=code)
    return appareil


def _verifier(client, code, next_=""):
    url = reverse("otp_verifier") + (f"?next={next_}" if next_ else "")
    return client.post(url, {"code": code, "next": next_})


def _page_accessible(client, nom):
    return client.get(reverse(nom)).status_code == 200


# Who must use it --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", REQUIS)
def test_session_par_mot_de_passe_seul_sans_appareil_menee_a_la_configuration(client, monde, persona):
    client.force_login(monde[persona])
    for nom in PAGES_PROTEGEES:
        response = client.get(reverse(nom))
        assert response.status_code == 302, nom
        assert response["Location"] == f"{reverse('otp_configurer')}?next={reverse(nom).replace('/', '%2F')}"
    # A change sent by POST is stopped as well, and changes nothing.
    response = client.post(reverse("eleve_liste"), {"nom": "Petit"})
    assert response["Location"].startswith(reverse("otp_configurer"))
    assert "recherche_eleves" not in client.session


@pytest.mark.parametrize("persona", REQUIS)
def test_session_par_mot_de_passe_seul_avec_appareil_menee_au_code(client, monde, persona):
    _equiper(monde[persona])
    client.force_login(monde[persona])
    for nom in PAGES_PROTEGEES:
        response = client.get(reverse(nom))
        assert response.status_code == 302, nom
        assert response["Location"].startswith(reverse("otp_verifier") + "?next=")
    eleve = client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk]))
    assert eleve["Location"].startswith(reverse("otp_verifier"))


def test_superutilisateur_doit_aussi_verifier(client, monde):
    enseignant = monde["enseignant"]
    enseignant.is_superuser = True
    enseignant.save()
    client.force_login(enseignant)
    assert client.get(reverse("accueil"))["Location"].startswith(reverse("otp_configurer"))


@pytest.mark.parametrize("persona", NON_REQUIS)
def test_enseignant_et_directeur_non_concernes(client, monde, persona):
    client.force_login(monde[persona])
    for nom in ("accueil", "eleve_liste", "demande_liste"):
        assert _page_accessible(client, nom), nom
    for nom in PAGES_2FA:
        assert client.get(reverse(nom)).status_code == 404, nom
    assert not TOTPDevice.objects.filter(user=monde[persona]).exists()


def test_connexion_et_fichiers_statiques_restent_accessibles(client, monde):
    client.force_login(monde["maitre_e"])
    assert client.get(reverse("connexion"))["Location"] == reverse("accueil")  # then to the set-up
    statique = client.get("/static/css/rased.css")
    assert not statique.get("Location", "").startswith("/double-authentification/")
    assert client.post(reverse("deconnexion")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_administration_exige_une_session_verifiee(monde, settings):
    """RasedAdminSite.has_permission itself refuses, should the middleware be missing."""
    admin = monde["admin"]
    requete = RequestFactory().get("/gestion/")
    requete.user = admin
    admin.is_verified = lambda: False
    assert admin_site.has_permission(requete) is False
    admin.is_verified = lambda: True
    assert admin_site.has_permission(requete) is True
    admin.is_verified = lambda: False
    settings.DOUBLE_AUTHENTIFICATION = False
    assert admin_site.has_permission(requete) is True


def test_administration_superutilisateur_sans_circonscription(db):
    """The superuser made by `createsuperuser` has no circonscription: the permission, asked of
    the rules backend as of the admin site, lets it in once its session is verified, not before
    (Django's own ``has_perm`` would answer True for any active superuser)."""
    racine = Utilisateur.objects.create_superuser("racine", password=MOT_DE_PASSE)
    assert racine.circonscription_id is None
    requete = RequestFactory().get("/gestion/")
    requete.user = racine
    regle = ObjectPermissionBackend()
    racine.is_verified = lambda: False
    assert regle.has_perm(racine, "eleves.administrer_instance") is False
    assert admin_site.has_permission(requete) is False
    racine.is_verified = lambda: True
    assert regle.has_perm(racine, "eleves.administrer_instance") is True
    assert admin_site.has_permission(requete) is True
    racine.is_active = False
    assert admin_site.has_permission(requete) is False


# Set-up -----------------------------------------------------------------------------------------


def test_configuration_avec_un_vrai_code_puis_dix_codes_de_secours_affiches_une_fois(client, monde):
    maitre = monde["maitre_e"]
    client.force_login(maitre)
    page = client.get(reverse("otp_configurer"), {"next": reverse("eleve_liste")})
    html = page.content.decode()
    cle = client.session[SESSION_CLE_EN_ATTENTE]
    base32 = b32encode(bytes.fromhex(cle)).decode()
    assert "Activer la double authentification" in html
    assert base32[:4] + " " + base32[4:8] in html  # the key to type, in groups of four
    assert f"otpauth://totp/rased%3Amaitre-e?secret={base32}" in html
    assert not TOTPDevice.objects.filter(user=maitre).exists()  # showing the page records nothing
    # Reloading the page keeps the key the application may already hold.
    client.get(reverse("otp_configurer"))
    assert client.session[SESSION_CLE_EN_ATTENTE] == cle

    url = f"{reverse('otp_configurer')}?next={reverse('eleve_liste')}"
    refus = client.post(url, {"code": _code_faux(cle), "next": reverse("eleve_liste")})
    assert refus.status_code == 200
    assert "Ce code ne correspond pas" in refus.content.decode()
    assert not TOTPDevice.objects.filter(user=maitre).exists()

    avant = client.session.session_key
    response = client.post(url, {"code": _code(cle), "next": reverse("eleve_liste")})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp_codes')}?next=%2Feleves%2F"
    appareil = TOTPDevice.objects.get(user=maitre)
    assert appareil.confirmed and appareil.key == cle
    assert client.session.session_key != avant
    assert SESSION_CLE_EN_ATTENTE not in client.session

    codes_page = client.get(response["Location"]).content.decode()
    codes = set(StaticToken.objects.filter(device__user=maitre).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(f"<code>{code}</code>" in codes_page for code in codes)
    assert 'href="/eleves/"' in codes_page
    again = client.get(reverse("otp_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "ne sont affichés qu'une fois" in again and "Il vous en reste 10" in again
    # The session is verified: the pages open.
    assert _page_accessible(client, "eleve_liste")


def test_code_de_configuration_ne_sert_pas_une_seconde_fois(client, monde):
    maitre = monde["maitre_g"]
    client.force_login(maitre)
    client.get(reverse("otp_configurer"))
    cle = client.session[SESSION_CLE_EN_ATTENTE]
    code = _code(cle)
    client.post(reverse("otp_configurer"), {"code": code})
    client.post(reverse("deconnexion"))
    client.force_login(maitre)
    refus = _verifier(client, code)
    assert "Ce code est incorrect ou a déjà servi" in refus.content.decode()


def test_mot_de_passe_seul_n_enregistre_pas_un_second_telephone(client, monde):
    psy = monde["psychologue"]
    appareil = _equiper(psy)
    client.force_login(psy)
    response = client.get(reverse("otp_configurer"))
    assert response["Location"].startswith(reverse("otp_verifier"))
    response = client.post(reverse("otp_configurer"), {"code": "123456"})
    assert response["Location"].startswith(reverse("otp_verifier"))
    assert list(TOTPDevice.objects.filter(user=psy)) == [appareil]


# Verification -----------------------------------------------------------------------------------


def test_verification_par_code_de_l_application_mene_a_next(client, monde):
    admin = monde["admin"]
    appareil = _equiper(admin)
    client.force_login(admin)
    page = client.get(reverse("otp_verifier"), {"next": "/gestion/"}).content.decode()
    assert "Code de vérification" in page and "codes de secours" in page
    avant = client.session.session_key
    response = _verifier(client, _code(appareil.key), "/gestion/")
    assert response.status_code == 302
    assert response["Location"] == "/gestion/"
    assert client.session.session_key != avant
    assert _page_accessible(client, "admin:index")
    assert _page_accessible(client, "eleve_liste")
    # Once verified, the code page sends back where asked.
    assert client.get(reverse("otp_verifier"))["Location"] == reverse("accueil")


def test_verification_ignore_un_next_vers_un_autre_site(client, monde):
    appareil = _equiper(monde["circonscription"])
    client.force_login(monde["circonscription"])
    response = _verifier(client, _code(appareil.key), "https://pirate.example/")
    assert response["Location"] == reverse("accueil")


def test_code_faux_refuse_en_francais(client, monde):
    appareil = _equiper(monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    response = _verifier(client, _code_faux(appareil.key))
    assert response.status_code == 200
    assert "Ce code est incorrect ou a déjà servi" in response.content.decode()
    assert client.get(reverse("accueil"))["Location"].startswith(reverse("otp_verifier"))


def test_code_de_secours_ne_sert_qu_une_fois(client, monde):
    maitre = monde["maitre_e"]
    _equiper(maitre)
    client.force_login(maitre)
    response = _verifier(client, "AAAA 2222")  # as copied from a sheet: capitals, a space
    assert response["Location"] == reverse("accueil")
    assert "il vous en reste 1" in client.get(reverse("accueil")).content.decode()
    assert list(StaticToken.objects.filter(device__user=maitre).values_list("token", flat=True)) == ["bbbb3333"]

    client.post(reverse("deconnexion"))
    client.force_login(maitre)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):  # past any throttling delay
        refus = _verifier(client, "aaaa2222")
    assert "Ce code est incorrect ou a déjà servi" in refus.content.decode()
    assert client.get(reverse("accueil"))["Location"].startswith(reverse("otp_verifier"))


def test_codes_refuses_apres_echecs_repetes_puis_acceptes_apres_l_attente(client, monde):
    appareil = _equiper(monde["psychologue"])
    client.force_login(monde["psychologue"])
    debut = timezone.now()
    faux = _code_faux(appareil.key)
    for secondes in (0, 2, 5):  # each try after the delay of the previous failures (1 s, 2 s)
        with time_machine.travel(debut + timedelta(seconds=secondes), tick=False):
            assert "Ce code est incorrect" in _verifier(client, faux).content.decode()
    with time_machine.travel(debut + timedelta(seconds=6), tick=False):
        # Three failures: 4 s to wait after the last one, even for the right code.
        refus = _verifier(client, _code(appareil.key)).content.decode()
        assert "Trop de codes erronés" in refus and "attendez 3 secondes" in refus
        assert client.get(reverse("accueil"))["Location"].startswith(reverse("otp_verifier"))
    with time_machine.travel(debut + timedelta(seconds=10), tick=False):
        response = _verifier(client, _code(appareil.key))
        assert response["Location"] == reverse("accueil")
    appareil.refresh_from_db()
    assert appareil.throttling_failure_count == 0


def test_deconnexion_puis_connexion_redemandent_le_code(client, monde):
    appareil = _equiper(monde["maitre_e"])
    client.post(reverse("connexion"), {"username": "maitre-e", "password": MOT_DE_PASSE})
    response = client.get(reverse("accueil"))
    assert response["Location"] == f"{reverse('otp_verifier')}?next=%2F"
    assert _verifier(client, _code(appareil.key), "/")["Location"] == "/"
    assert _page_accessible(client, "accueil")

    client.post(reverse("deconnexion"))
    client.post(reverse("connexion"), {"username": "maitre-e", "password": MOT_DE_PASSE})
    assert client.session["_auth_user_id"] == str(monde["maitre_e"].pk)
    assert client.get(reverse("accueil"))["Location"].startswith(reverse("otp_verifier"))


# Backup codes -----------------------------------------------------------------------------------


def test_nouveaux_codes_de_secours_apres_confirmation(client, monde):
    maitre = monde["maitre_g"]
    appareil = _equiper(maitre)
    client.force_login(maitre)
    # Not before the session is verified.
    assert client.get(reverse("otp_codes_regenerer"))["Location"].startswith(reverse("otp_verifier"))
    _verifier(client, _code(appareil.key))

    confirmation = client.get(reverse("otp_codes_regenerer")).content.decode()
    assert "Il vous reste 2 codes de secours" in confirmation
    assert sorted(StaticToken.objects.filter(device__user=maitre).values_list("token", flat=True)) == CODES_SECOURS

    response = client.post(reverse("otp_codes_regenerer"))
    assert response["Location"] == reverse("otp_codes")
    nouveaux = set(StaticToken.objects.filter(device__user=maitre).values_list("token", flat=True))
    assert len(nouveaux) == 10 and not nouveaux & set(CODES_SECOURS)
    page = client.get(reverse("otp_codes")).content.decode()
    assert all(code in page for code in nouveaux)
    assert "les anciens ne fonctionnent plus" in page


def test_nouveaux_codes_gardent_verifiee_une_session_ouverte_par_code_de_secours(client, monde):
    maitre = monde["maitre_g"]
    _equiper(maitre)
    client.force_login(maitre)
    _verifier(client, CODES_SECOURS[0])
    client.post(reverse("otp_codes_regenerer"))
    assert _page_accessible(client, "accueil")


# The demo ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", REQUIS)
def test_demo_sans_double_authentification(client, monde, settings, persona):
    settings.DOUBLE_AUTHENTIFICATION = False
    client.force_login(monde[persona])
    for nom in ("accueil", "eleve_liste", "demande_liste"):
        assert _page_accessible(client, nom), nom
    if persona == "admin":
        assert _page_accessible(client, "admin:index")
    for nom in PAGES_2FA:
        assert client.get(reverse(nom)).status_code == 404, nom


def _reglage_lu(env):
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DOUBLE_AUTHENTIFICATION")}
    resultat = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.DOUBLE_AUTHENTIFICATION)"],
        cwd=RACINE, env=base | {"SECRET_KEY": "x"} | env, capture_output=True, text=True, check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout.strip().splitlines()[-1]


def test_active_par_defaut_coupee_par_la_demo_du_makefile():
    assert _reglage_lu({}) == "True"
    assert _reglage_lu({"DOUBLE_AUTHENTIFICATION": "0"}) == "False"
    makefile = (RACINE / "Makefile").read_text()
    assert "DEV := DJANGO_DEBUG=1 DOUBLE_AUTHENTIFICATION=0\n" in makefile
    assert "$(DEV) $(BIN)/python manage.py runserver" in makefile
    assert "$(DEV) $(BIN)/python manage.py demo" in makefile


# A directeur's choice (issue 15) ---------------------------------------------------------------


def test_le_directeur_active_la_double_authentification_sur_mon_compte(client, monde):
    directeur = monde["directeur"]
    client.force_login(directeur)
    page = client.get(reverse("mon_compte")).content.decode()
    assert "Activer la double authentification" in page
    response = client.post(reverse("double_authentification_choix"), {"choix": "activer"})
    assert response["Location"].startswith(reverse("otp_configurer"))
    directeur.refresh_from_db()
    assert directeur.double_authentification_choisie
    # From now on, his password alone opens nothing.
    assert client.get(reverse("eleve_liste"))["Location"].startswith(reverse("otp_configurer"))
    assert client.get(reverse("otp_configurer")).status_code == 200


def test_le_directeur_desactive_apres_avoir_prouve_son_code(client, monde):
    directeur = monde["directeur"]
    directeur.double_authentification_choisie = True
    directeur.save()
    appareil = _equiper(directeur)
    client.force_login(directeur)
    # Without the code of this session, no way to turn it off.
    refus = client.post(reverse("double_authentification_choix"), {"choix": "desactiver"})
    assert refus["Location"].startswith(reverse("otp_verifier"))
    assert TOTPDevice.objects.filter(user=directeur).exists()

    _verifier(client, _code(appareil.key))
    response = client.post(reverse("double_authentification_choix"), {"choix": "desactiver"}, follow=True)
    assert "La double authentification est désactivée pour votre compte." in response.content.decode()
    directeur.refresh_from_db()
    assert not directeur.double_authentification_choisie
    assert not TOTPDevice.objects.filter(user=directeur).exists()
    assert not StaticDevice.objects.filter(user=directeur).exists()
    assert _page_accessible(client, "eleve_liste")


def test_un_reglage_l_impose_a_tous_les_directeurs(client, monde, settings):
    settings.DOUBLE_AUTHENTIFICATION_DIRECTEURS = True
    client.force_login(monde["directeur"])
    assert client.get(reverse("accueil"))["Location"].startswith(reverse("otp_configurer"))
    # Imposed: no choice to make, nothing to turn off.
    assert client.post(reverse("double_authentification_choix"), {"choix": "desactiver"})[
        "Location"].startswith(reverse("otp_configurer"))


@pytest.mark.parametrize("persona", ["enseignant", "maitre_e", "circonscription", "admin"])
def test_le_choix_n_est_qu_aux_directeurs(client, monde, persona):
    appareil = _equiper(monde[persona])
    client.force_login(monde[persona])
    if persona != "enseignant":
        _verifier(client, _code(appareil.key))
    assert "Activer la double authentification" not in client.get(reverse("mon_compte")).content.decode()
    assert client.post(reverse("double_authentification_choix"), {"choix": "desactiver"}).status_code == 403
    assert TOTPDevice.objects.filter(user=monde[persona]).exists()
