"""Sign-in through ProConnect, the State's OpenID Connect federation (académies are its identity
providers), beside the password; off unless ``PROCONNECT_CLIENT_ID`` is set (rased/settings.py).

mozilla-django-oidc runs the protocol: state and nonce, the code exchanged for tokens, the
id_token's RS256 signature checked against the provider's published keys. This module decides who
the agent is (``personne_pour``), in this order:

- an agent from an identity provider or an e-mail domain the instance does not accept: refused;
- the account whose ``proconnect_sub`` is the provider's ``sub``;
- else, once, the only account with the e-mail address the provider says it verified
  (``email_verified``; ProConnect leaves the claim out, and ``PROCONNECT_ADRESSES_GARANTIES`` says
  whether its address is then trusted): it keeps that ``sub``, and from then on only the ``sub`` matches;
- never a new account, never an inactive one.

A second factor proved at the identity provider (the id_token's ``amr``) stands for rased's own
code in that session: the backend hands django-otp an ``AppareilProConnect`` that it records in the
session at sign-in, as it does an authenticator application after a code. Without it, the roles
that need two factors are asked rased's code as after a password.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import resolve_url
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from eleves.double_authentification import double_authentification_requise
from eleves.models import AppareilProConnect

# The id_token of a session opened through ProConnect: sign-out sends it back.
SESSION_ID_TOKEN = "oidc_id_token"

# The ``amr`` values that say a second factor was proved (RFC 8176; ProConnect sends « mfa » with
# any two factors). « pop » alone (a passkey or an agent's card) is left out: a card read without
# its PIN is one factor.
AMR_DEUX_FACTEURS = frozenset({"mfa", "otp", "totp"})

ECHEC = (
    "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre "
    "identifiant et votre mot de passe."
)
INCONNU = (
    "Aucun compte ne correspond à votre identité ProConnect. Demandez à l'administrateur de créer "
    "votre compte avec votre adresse électronique professionnelle."
)
NON_VERIFIEE = (
    "ProConnect n'a pas confirmé votre adresse électronique : votre compte ne peut pas lui être relié. "
    "Connectez-vous avec votre identifiant et votre mot de passe."
)
NON_ACCEPTE = (
    "Votre fournisseur d'identité ou votre adresse électronique n'est pas accepté pour se connecter "
    "ici avec ProConnect. Connectez-vous avec votre identifiant et votre mot de passe."
)
DEJA_RELIE = (
    "Le compte à votre adresse est déjà relié à une autre identité ProConnect. Demandez à "
    "l'administrateur de le délier."
)
PLUSIEURS = (
    "Plusieurs comptes ont votre adresse électronique : demandez à l'administrateur de relier le bon "
    "à ProConnect."
)
INACTIF = "Ce compte est désactivé."

# mozilla-django-oidc's settings, derived from the instance's PROCONNECT_* ones when read (a test
# that turns ProConnect on sets only those).
_CHEMINS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "/token",
    "OIDC_OP_USER_ENDPOINT": "/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "/jwks",
}
_FIN_DE_SESSION = "/session/end"
_REGLAGES = {
    "OIDC_RP_SIGN_ALGO": "RS256",
    # Only what the matching reads: the ``sub`` (openid), the address, the identity provider.
    "OIDC_RP_SCOPES": "openid email idp_id",
    # ProConnect puts ``amr`` in the id_token only when asked for it.
    "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {"claims": json.dumps({"id_token": {"amr": {"essential": True}}})},
    "OIDC_CREATE_USER": False,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "proconnect_retour",
    "OIDC_TIMEOUT": 10,
}


def reglage(nom, *defaut):
    """mozilla-django-oidc's ``get_settings``, given to its backend and views."""
    if nom in _CHEMINS:
        return settings.PROCONNECT_URL + _CHEMINS[nom]
    if nom == "OIDC_RP_CLIENT_ID":
        return settings.PROCONNECT_CLIENT_ID
    if nom == "OIDC_RP_CLIENT_SECRET":
        return settings.PROCONNECT_CLIENT_SECRET
    if nom in _REGLAGES:
        return _REGLAGES[nom]
    return import_from_settings(nom, *defaut)


class ConnexionRefusee(Exception):
    """A ProConnect sign-in refused; the message says why, in French, and names no one."""


def _accepte(claims: dict) -> bool:
    fournisseurs, domaines = settings.PROCONNECT_FOURNISSEURS_IDENTITE, settings.PROCONNECT_DOMAINES
    if fournisseurs and claims.get("idp_id") not in fournisseurs:
        return False
    courriel = claims.get("email")
    domaine = courriel.rpartition("@")[2].lower() if isinstance(courriel, str) else ""
    return not domaines or domaine in domaines


def personne_pour(claims: dict):
    """The account of the agent ProConnect describes in ``claims`` (its userinfo), or
    ``ConnexionRefusee``. Stores the ``sub`` on the account matched by its verified address."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise ConnexionRefusee(ECHEC)
    if not _accepte(claims):
        raise ConnexionRefusee(NON_ACCEPTE)
    personne = get_user_model().objects.filter(proconnect_sub=sub).first()
    if personne is None:
        personne = _relier(sub=sub, claims=claims)
    if not personne.is_active:
        raise ConnexionRefusee(INACTIF)
    return personne


def _relier(*, sub: str, claims: dict):
    """The first ProConnect sign-in of an account: matched by the address the provider verified,
    which must name one account, active and not yet linked to another ``sub``."""
    courriel = claims.get("email")
    if not isinstance(courriel, str) or "@" not in courriel:
        raise ConnexionRefusee(INCONNU)
    Utilisateur = get_user_model()
    with transaction.atomic():
        # Two first sign-ins at once (two tabs): the lock lets one store its ``sub``.
        comptes = list(Utilisateur.objects.select_for_update().filter(email__iexact=courriel)[:2])
        if not comptes:
            raise ConnexionRefusee(INCONNU)
        if not _adresse_verifiee(claims):
            raise ConnexionRefusee(NON_VERIFIEE)
        if len(comptes) > 1:
            raise ConnexionRefusee(PLUSIEURS)
        personne = comptes[0]
        if personne.proconnect_sub:
            raise ConnexionRefusee(DEJA_RELIE)
        if not personne.is_active:
            raise ConnexionRefusee(INACTIF)
        personne.proconnect_sub = sub
        personne.save(update_fields=["proconnect_sub"])
    return personne


def _adresse_verifiee(claims: dict) -> bool:
    # ProConnect leaves ``email_verified`` out: its identity providers (the académies' directories)
    # vouch for their agents' addresses. An explicit ``false`` is refused whatever the setting.
    if "email_verified" not in claims:
        return settings.PROCONNECT_ADRESSES_GARANTIES
    return claims["email_verified"] is True


def deux_facteurs(amr) -> bool:
    """Whether the id_token's ``amr`` (a list, by the standard) says a second factor was proved."""
    valeurs = amr.split() if isinstance(amr, str) else amr if isinstance(amr, list) else []
    return bool(AMR_DEUX_FACTEURS.intersection(v for v in valeurs if isinstance(v, str)))


class ProConnectBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching accounts as ``personne_pour`` says; after
    ``axes.backends.AxesStandaloneBackend`` in AUTHENTICATION_BACKENDS like the password's."""

    get_settings = staticmethod(reglage)

    def verify_claims(self, claims):
        return isinstance(claims.get("sub"), str)

    def store_tokens(self, access_token, id_token):
        # Kept in the session by the return page once signed in (eleves/views_proconnect.py), not
        # before: a refused return must not leave it for a later password session's sign-out.
        self.request.proconnect_id_token = id_token

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            # mozilla-django-oidc checks the signature, the expiry and the nonce, not to whom and by
            # whom the id_token was issued.
            audience = payload.get("aud")
            if self.OIDC_RP_CLIENT_ID not in ([audience] if isinstance(audience, str) else audience or []):
                raise ConnexionRefusee(ECHEC)
            if payload.get("iss") != settings.PROCONNECT_URL:
                raise ConnexionRefusee(ECHEC)
            claims = self.get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core § 5.3.2: the userinfo's ``sub`` must be the id_token's.
            if not self.verify_claims(claims) or claims["sub"] != payload.get("sub"):
                raise ConnexionRefusee(ECHEC)
            personne = personne_pour(claims)
        except ConnexionRefusee as refus:
            # Read by the callback view (eleves/views_proconnect.py), which shows it.
            self.request.proconnect_refus = str(refus)
            return None
        if deux_facteurs(payload.get("amr")) and double_authentification_requise(personne):
            # django-otp records the device of ``otp_device`` in the session at sign-in.
            personne.otp_device, _ = AppareilProConnect.objects.get_or_create(
                user=personne, defaults={"name": "ProConnect"}
            )
        return personne


def tentative_sans_mot_de_passe(request, credentials) -> bool:
    """django-axes' ``AXES_WHITELIST_CALLABLE``: it counts guesses of a password, and a sign-in
    that carries none (ProConnect's return: the identity provider checked the password) is not
    one. Counted, refused ProConnect returns would lock out, under no username, every agent behind
    a school's shared address."""
    return credentials is not None and credentials.get("password") is None


def fin_de_session(request) -> str | None:
    """ProConnect's end of session (RP-initiated logout) for a session opened through it, else
    None. Read before the sign-out, which forgets the id_token."""
    id_token = request.session.get(SESSION_ID_TOKEN)
    if not settings.PROCONNECT_ACTIF or not id_token:
        return None
    parametres = {
        "id_token_hint": id_token,
        # Required by ProConnect; the sign-in page it returns to changes nothing, so nothing checks it.
        "state": get_random_string(32),
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{settings.PROCONNECT_URL}{_FIN_DE_SESSION}?{urlencode(parametres)}"
