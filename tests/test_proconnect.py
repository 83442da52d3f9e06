"""Sign-in with ProConnect (eleves/proconnect.py), end to end against a real OpenID provider.

The provider (tests/fournisseur_oidc.py, authlib) serves on loopback; the test plays the browser:
Django's test client at rased, ``requests`` at the provider, which signs in the agent the test
sets and sends the browser back with a code. rased (mozilla-django-oidc) then fetches the tokens
and the provider's keys over HTTP and checks the id_token's RS256 signature.
"""

import html
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.forms import modelform_factory
from django.urls import reverse
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY

from eleves import proconnect
from eleves.models import AppareilProConnect, Utilisateur
from tests.fournisseur_oidc import Agent, FournisseurOIDC

RACINE = Path(__file__).resolve().parent.parent
CLIENT_ID = "rased-essai"
SECRET = "secret-de-test-0123456789"
MOT_DE_PASSE = "mot-de-passe-de-test-2026"


@pytest.fixture
def fournisseur():
    fournisseur = FournisseurOIDC(
        client_id=CLIENT_ID, secret=SECRET, redirect_uri="http://testserver/proconnect/retour/",
        post_logout_redirect_uri="http://testserver/connexion/",
    )
    fournisseur.demarrer()
    yield fournisseur
    fournisseur.arreter()


@pytest.fixture
def proconnect_actif(settings, fournisseur):
    """ProConnect on, as rased/settings.py turns it on from the PROCONNECT_* variables."""
    settings.PROCONNECT_ACTIF = True
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = SECRET
    settings.PROCONNECT_URL = fournisseur.url
    settings.PROCONNECT_FOURNISSEURS_IDENTITE = ["ac-lyon"]
    settings.PROCONNECT_DOMAINES = []
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "eleves.proconnect.ProConnectBackend"]
    return fournisseur


def _a_l_adresse(personne, email):
    personne.email = email
    personne.save(update_fields=["email"])
    return personne


@pytest.fixture
def enseignant(monde):
    return _a_l_adresse(monde["enseignant"], "camille.martin@ac-lyon.fr")


@pytest.fixture
def psychologue(monde):
    return _a_l_adresse(monde["psychologue"], "psy.nord@ac-lyon.fr")


def camille(**autres):
    """The agent ProConnect describes for the persona ``enseignant``."""
    return Agent(**{"sub": "sub-camille", "email": "camille.martin@ac-lyon.fr"} | autres)


def connecter(client, fournisseur, agent, suite=None):
    """The browser's round trip: rased → the provider (which signs ``agent`` in) → rased's return page.
    Returns rased's answer to the return."""
    fournisseur.agent = agent
    depart = client.get(reverse("proconnect_connexion"), {"next": suite} if suite else {})
    assert depart.status_code == 302
    assert depart["Location"].startswith(f"{fournisseur.url}/authorize?")
    autorisation = requests.get(depart["Location"], allow_redirects=False, timeout=10)
    assert autorisation.status_code == 302, autorisation.text
    retour = urlsplit(autorisation.headers["Location"])
    assert (retour.netloc, retour.path) == ("testserver", reverse("proconnect_retour"))
    return client.get(retour.path, dict(parse_qsl(retour.query)))


def _connecte(client):
    return client.session.get("_auth_user_id")


def _message(reponse):
    return [str(m) for m in get_messages(reponse.wsgi_request)]


# Matching the account -----------------------------------------------------------------------------


def test_premiere_connexion_par_courriel_verifie_relie_le_compte(client, proconnect_actif, enseignant):
    reponse = connecter(client, proconnect_actif, Agent(sub="sub-camille", email="Camille.Martin@ac-lyon.fr"))
    assert reponse.status_code == 302 and reponse["Location"] == reverse("accueil")
    assert _connecte(client) == str(enseignant.pk)
    enseignant.refresh_from_db()
    assert enseignant.proconnect_sub == "sub-camille"
    # The session's absolute limit counts from this sign-in, as after a password.
    assert "rased_session_debut" in client.session
    assert client.get(reverse("accueil")).status_code == 200


def test_connexion_suivante_par_le_sub_seul(client, proconnect_actif, enseignant):
    enseignant.proconnect_sub = "sub-camille"
    enseignant.email = "nouvelle.adresse@ac-lyon.fr"
    enseignant.save(update_fields=["proconnect_sub", "email"])
    # The address at the provider no longer names the account: the sub alone matches, even unverified.
    agent = camille(email_verified=False)
    reponse = connecter(client, proconnect_actif, agent, suite=reverse("eleve_liste"))
    assert reponse["Location"] == reverse("eleve_liste")
    assert _connecte(client) == str(enseignant.pk)


def test_compte_deja_relie_n_est_plus_trouve_par_courriel(client, proconnect_actif, enseignant):
    enseignant.proconnect_sub = "sub-camille"
    enseignant.save(update_fields=["proconnect_sub"])
    reponse = connecter(client, proconnect_actif, Agent(sub="un-autre-sub", email="camille.martin@ac-lyon.fr"))
    assert reponse["Location"] == reverse("connexion")
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.DEJA_RELIE]
    enseignant.refresh_from_db()
    assert enseignant.proconnect_sub == "sub-camille"


def test_courriel_non_verifie_refuse_et_ne_relie_rien(client, proconnect_actif, enseignant):
    agent = camille(email_verified=False)
    reponse = connecter(client, proconnect_actif, agent)
    assert reponse["Location"] == reverse("connexion")
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.NON_VERIFIEE]
    enseignant.refresh_from_db()
    assert enseignant.proconnect_sub is None


def test_sans_email_verified_comme_proconnect_l_adresse_garantie_relie_le_compte(
    client, proconnect_actif, enseignant
):
    reponse = connecter(client, proconnect_actif, camille(email_verified=None))
    assert reponse["Location"] == reverse("accueil")
    enseignant.refresh_from_db()
    assert enseignant.proconnect_sub == "sub-camille"


def test_sans_email_verified_et_adresses_non_garanties_refuse(client, proconnect_actif, enseignant, settings):
    settings.PROCONNECT_ADRESSES_GARANTIES = False
    reponse = connecter(client, proconnect_actif, camille(email_verified=None))
    assert reponse["Location"] == reverse("connexion")
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.NON_VERIFIEE]
    enseignant.refresh_from_db()
    assert enseignant.proconnect_sub is None


def test_personne_inconnue_refusee_sans_compte_cree(client, proconnect_actif, enseignant):
    avant = Utilisateur.objects.count()
    reponse = connecter(client, proconnect_actif, Agent(sub="sub-inconnu", email="inconnu@ac-lyon.fr"))
    assert reponse["Location"] == reverse("connexion")
    assert _connecte(client) is None
    assert Utilisateur.objects.count() == avant
    assert not Utilisateur.objects.filter(proconnect_sub="sub-inconnu").exists()
    page = client.get(reponse["Location"])
    assert escape(proconnect.INCONNU) in page.content.decode()


def test_compte_desactive_refuse(client, proconnect_actif, enseignant):
    enseignant.proconnect_sub = "sub-camille"
    enseignant.is_active = False
    enseignant.save(update_fields=["proconnect_sub", "is_active"])
    reponse = connecter(client, proconnect_actif, camille())
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.INACTIF]


def test_compte_desactive_pas_relie_par_courriel(client, proconnect_actif, enseignant):
    enseignant.is_active = False
    enseignant.save(update_fields=["is_active"])
    reponse = connecter(client, proconnect_actif, camille())
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.INACTIF]
    enseignant.refresh_from_db()
    assert enseignant.proconnect_sub is None


def test_deux_comptes_a_la_meme_adresse_refuses(client, proconnect_actif, enseignant, monde):
    monde["directeur"].email = "CAMILLE.MARTIN@ac-lyon.fr"
    monde["directeur"].save(update_fields=["email"])
    reponse = connecter(client, proconnect_actif, camille())
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.PLUSIEURS]
    assert not Utilisateur.objects.filter(proconnect_sub="sub-camille").exists()


# Who may come in -------------------------------------------------------------------------------------


def test_autre_fournisseur_d_identite_refuse(client, proconnect_actif, enseignant):
    enseignant.proconnect_sub = "sub-camille"
    enseignant.save(update_fields=["proconnect_sub"])
    agent = camille(idp_id="ministere-agriculture")
    reponse = connecter(client, proconnect_actif, agent)
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.NON_ACCEPTE]


def test_domaine_de_courriel_hors_liste_refuse(client, settings, proconnect_actif, enseignant):
    settings.PROCONNECT_FOURNISSEURS_IDENTITE = []
    settings.PROCONNECT_DOMAINES = ["ac-lyon.fr"]
    enseignant.email = "camille.martin@exemple.com"
    enseignant.save(update_fields=["email"])
    reponse = connecter(client, proconnect_actif, Agent(sub="sub-camille", email="camille.martin@exemple.com"))
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.NON_ACCEPTE]
    assert Utilisateur.objects.get(pk=enseignant.pk).proconnect_sub is None
    # The accepted domain, any case, comes in.
    enseignant.email = "camille.martin@AC-Lyon.fr"
    enseignant.save(update_fields=["email"])
    connecter(client, proconnect_actif, Agent(sub="sub-camille", email="camille.martin@AC-Lyon.fr"))
    assert _connecte(client) == str(enseignant.pk)


def test_fournisseur_et_domaine_tous_deux_exiges_quand_tous_deux_reglés(client, settings, proconnect_actif,
                                                                         enseignant):
    settings.PROCONNECT_DOMAINES = ["ac-grenoble.fr"]
    connecter(client, proconnect_actif, camille())
    assert _connecte(client) is None


# The second factor -----------------------------------------------------------------------------------


@pytest.fixture
def double_authentification(settings):
    settings.DOUBLE_AUTHENTIFICATION = True


def test_amr_avec_second_facteur_dispense_du_code_de_rased(client, proconnect_actif, psychologue,
                                                            double_authentification):
    agent = Agent(sub="sub-psy", email="psy.nord@ac-lyon.fr", amr=["pwd", "totp", "mfa"])
    reponse = connecter(client, proconnect_actif, agent)
    assert reponse["Location"] == reverse("accueil")
    accueil = client.get(reverse("accueil"))
    assert accueil.status_code == 200
    appareil = AppareilProConnect.objects.get(user=psychologue)
    assert client.session[DEVICE_ID_SESSION_KEY] == appareil.persistent_id
    # The set-up and code pages see a verified session, as after a code.
    assert client.get(reverse("otp_verifier"))["Location"] == reverse("accueil")


def test_amr_sans_second_facteur_garde_le_code_de_rased(client, proconnect_actif, psychologue,
                                                         double_authentification):
    agent = Agent(sub="sub-psy", email="psy.nord@ac-lyon.fr", amr=["pwd"])
    connecter(client, proconnect_actif, agent)
    assert _connecte(client) == str(psychologue.pk)
    accueil = client.get(reverse("accueil"))
    assert accueil.status_code == 302
    assert accueil["Location"].startswith(reverse("otp_configurer"))
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert not AppareilProConnect.objects.exists()


def test_amr_second_facteur_sans_objet_pour_un_role_sans_double_authentification(
        client, proconnect_actif, enseignant, double_authentification):
    connecter(client, proconnect_actif, Agent(sub="sub-camille", email="camille.martin@ac-lyon.fr",
                                              amr=["mfa"]))
    assert client.get(reverse("accueil")).status_code == 200
    assert not AppareilProConnect.objects.exists()


@pytest.mark.parametrize("amr, attendu", [
    (["pwd", "mfa"], True), (["totp"], True), (["otp"], True), ("pwd otp", True),
    (["pwd"], False), (["pop"], False), (["mail"], False), (None, False), ([1, {}], False),
])
def test_deux_facteurs_lit_amr(amr, attendu):
    assert proconnect.deux_facteurs(amr) is attendu


# Sign-out ------------------------------------------------------------------------------------------


def test_deconnexion_termine_aussi_la_session_proconnect(client, proconnect_actif, enseignant):
    connecter(client, proconnect_actif, camille())
    id_token = client.session[proconnect.SESSION_ID_TOKEN]
    reponse = client.post(reverse("deconnexion"))
    assert _connecte(client) is None
    # A page that moves on by itself (a refresh, not a redirect: see the template) and a link.
    page = reponse.content.decode()
    adresse = html.unescape(re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page)[1])
    assert f'href="{escape(adresse)}"' in page
    fin = urlsplit(adresse)
    assert f"{fin.scheme}://{fin.netloc}{fin.path}" == f"{proconnect_actif.url}/session/end"
    parametres = parse_qs(fin.query)
    assert parametres["id_token_hint"] == [id_token]
    assert parametres["post_logout_redirect_uri"] == ["http://testserver/connexion/"]
    assert len(parametres["state"][0]) >= 32
    # The provider checks the hint's signature, ends its session and sends the browser back.
    retour = requests.get(adresse, allow_redirects=False, timeout=10)
    assert retour.status_code == 302
    assert retour.headers["Location"].startswith("http://testserver/connexion/?state=")
    assert proconnect_actif.sessions_terminees == ["sub-camille"]


def test_deconnexion_apres_mot_de_passe_reste_chez_rased(client, proconnect_actif, enseignant):
    # Even after a refused ProConnect return in the same browser session.
    connecter(client, proconnect_actif, camille(idp_id="ministere-agriculture"))
    assert proconnect.SESSION_ID_TOKEN not in client.session
    client.post(reverse("connexion"), {"username": enseignant.username, "password": MOT_DE_PASSE})
    assert _connecte(client) == str(enseignant.pk)
    reponse = client.post(reverse("deconnexion"))
    assert reponse["Location"] == reverse("connexion")
    assert proconnect_actif.sessions_terminees == []


# The protocol's checks --------------------------------------------------------------------------------


def test_retour_sans_etat_connu_refuse(client, proconnect_actif, enseignant):
    reponse = client.get(reverse("proconnect_retour"), {"code": "un-code", "state": "x" * 32})
    assert reponse["Location"] == reverse("connexion")
    assert _connecte(client) is None
    assert _message(reponse) == [proconnect.ECHEC]


def test_retour_rejoue_refuse(client, proconnect_actif, enseignant):
    proconnect_actif.agent = camille()
    depart = client.get(reverse("proconnect_connexion"))
    retour = urlsplit(requests.get(depart["Location"], allow_redirects=False, timeout=10).headers["Location"])
    parametres = dict(parse_qsl(retour.query))
    assert client.get(retour.path, parametres)["Location"] == reverse("accueil")
    client.logout()
    # The state and the code served once.
    reponse = client.get(retour.path, parametres)
    assert reponse["Location"] == reverse("connexion") and _connecte(client) is None


def test_mauvais_secret_refuse_par_le_fournisseur(client, settings, proconnect_actif, enseignant):
    settings.PROCONNECT_CLIENT_SECRET = "pas-le-bon-secret"
    reponse = connecter(client, proconnect_actif, camille())
    assert reponse["Location"] == reverse("connexion") and _connecte(client) is None
    assert _message(reponse) == [proconnect.ECHEC]


def test_jeton_signe_par_une_autre_cle_refuse(client, proconnect_actif, enseignant):
    # The provider signs with a new key but still publishes the old one (same kid): rased refuses.
    ancienne = proconnect_actif.cle
    jwks = proconnect_actif._jwks
    proconnect_actif._jwks = lambda requete: (200, {"keys": [ancienne.as_dict(private=False)]}, [])
    proconnect_actif.cle = type(ancienne).generate_key(2048, parameters={"kid": ancienne.kid, "alg": "RS256"})
    try:
        reponse = connecter(client, proconnect_actif, camille())
    finally:
        proconnect_actif._jwks = jwks
    assert reponse["Location"] == reverse("connexion") and _connecte(client) is None
    assert Utilisateur.objects.get(pk=enseignant.pk).proconnect_sub is None


@pytest.mark.parametrize("faux", [{"audience": "un-autre-client"}, {"emetteur": "https://faux.example/api/v2"}])
def test_jeton_pour_un_autre_client_ou_d_un_autre_emetteur_refuse(client, proconnect_actif, enseignant, faux):
    # mozilla-django-oidc checks the signature, not the audience nor the issuer: rased does.
    for attribut, valeur in faux.items():
        setattr(proconnect_actif, attribut, valeur)
    reponse = connecter(client, proconnect_actif, camille())
    assert reponse["Location"] == reverse("connexion") and _connecte(client) is None
    assert _message(reponse) == [proconnect.ECHEC]


# Coexistence with the password and with django-axes ------------------------------------------------


def test_axes_compte_les_mots_de_passe_pas_les_retours_de_proconnect(client, settings, proconnect_actif,
                                                                       enseignant):
    # More refused ProConnect returns than django-axes allows failures, from one address.
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        connecter(client, proconnect_actif, Agent(sub="sub-inconnu", email="inconnu@ac-lyon.fr"))
    assert not AccessAttempt.objects.exists()
    connecter(client, proconnect_actif, camille())
    assert _connecte(client) == str(enseignant.pk)
    client.logout()
    # Wrong passwords still count and lock, ProConnect's backend in the list or not.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("connexion"), {"username": enseignant.username, "password": "faux"})
    assert AccessAttempt.objects.get(username=enseignant.username).failures_since_start == settings.AXES_FAILURE_LIMIT
    reponse = client.post(reverse("connexion"), {"username": enseignant.username, "password": MOT_DE_PASSE})
    assert reponse.status_code == 429 and _connecte(client) is None


def test_page_de_connexion_montre_le_bouton(client, proconnect_actif):
    page = client.get(reverse("connexion"), {"next": "/eleves/"}).content.decode()
    assert "Se connecter avec ProConnect" in page
    assert f'href="{reverse("proconnect_connexion")}?next=/eleves/"' in page


# ProConnect off ----------------------------------------------------------------------------------------


def test_proconnect_eteint_ni_bouton_ni_pages(client, enseignant):
    assert "ProConnect" not in client.get(reverse("connexion")).content.decode()
    assert client.get(reverse("proconnect_connexion")).status_code == 404
    assert client.get(reverse("proconnect_retour"), {"code": "c", "state": "s"}).status_code == 404


def test_proconnect_eteint_session_proconnect_terminee(client, settings, proconnect_actif, enseignant):
    connecter(client, proconnect_actif, camille())
    settings.PROCONNECT_ACTIF = False
    settings.AUTHENTICATION_BACKENDS = [b for b in settings.AUTHENTICATION_BACKENDS if "proconnect" not in b]
    # The session's backend is no longer one of the instance's: the person is signed out.
    assert client.get(reverse("accueil"))["Location"].startswith(reverse("connexion"))


# Settings ------------------------------------------------------------------------------------------------


def _manage(*args, env):
    retires = ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in retires and not k.startswith("PROCONNECT_")}
    production = {
        "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "rased.ac-lyon.fr", "DATABASE_URL": "postgres://rased@127.0.0.1:5432/rased",
        "CLE_CHIFFREMENT": "un-sel-de-production-long-et-aleatoire-0123456789",
    }
    return subprocess.run([sys.executable, "manage.py", *args], cwd=RACINE, env=base | production | env,
                          check=False,
                          capture_output=True, text=True)


REGLAGES = {
    "PROCONNECT_CLIENT_ID": "rased-ac-lyon", "PROCONNECT_CLIENT_SECRET": "secret",
    "PROCONNECT_URL": "https://auth.proconnect.gouv.fr/api/v2/", "PROCONNECT_FOURNISSEURS_IDENTITE": "ac-lyon",
}


def test_reglages_proconnect_en_production():
    resultat = _manage("check", "--deploy", "--fail-level", "WARNING", env=REGLAGES)
    assert resultat.returncode == 0, resultat.stderr
    lu = _manage("shell", "-c", "from django.conf import settings as s; "
                 "print(s.AUTHENTICATION_BACKENDS[0], s.AUTHENTICATION_BACKENDS[-1], s.PROCONNECT_URL)",
                 env=REGLAGES)
    assert lu.stdout.splitlines()[-1].split() == [
        "axes.backends.AxesStandaloneBackend", "eleves.proconnect.ProConnectBackend",
        "https://auth.proconnect.gouv.fr/api/v2",
    ]


@pytest.mark.parametrize("retire, ajoute", [
    ("PROCONNECT_CLIENT_SECRET", {}),
    ("PROCONNECT_FOURNISSEURS_IDENTITE", {}),
    ("PROCONNECT_URL", {"PROCONNECT_URL": "http://auth.proconnect.gouv.fr/api/v2"}),
])
def test_reglages_proconnect_incomplets_refuses(retire, ajoute):
    env = {k: v for k, v in REGLAGES.items() if k != retire} | ajoute
    resultat = _manage("check", env=env)
    assert resultat.returncode != 0
    assert "PROCONNECT_CLIENT_ID demande" in resultat.stderr


# The administrator ------------------------------------------------------------------------------------


def test_administrateur_voit_et_vide_l_identifiant_proconnect(client, monde, enseignant):
    enseignant.proconnect_sub = "sub-camille"
    enseignant.save(update_fields=["proconnect_sub"])
    client.force_login(monde["admin"])
    page = client.get(reverse("admin:eleves_utilisateur_change", args=[enseignant.pk])).content.decode()
    assert "Identifiant ProConnect" in page and 'value="sub-camille"' in page
    # Emptied, it is no identifier (NULL), so that several unlinked accounts stay unique.
    formulaire = modelform_factory(Utilisateur, fields=["proconnect_sub"])
    for personne in (enseignant, monde["directeur"]):
        assert formulaire({"proconnect_sub": ""}, instance=personne).save().proconnect_sub is None
