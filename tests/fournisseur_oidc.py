"""A small OpenID Connect provider on loopback, for the tests of the ProConnect sign-in.

Built with authlib's server components (the authorization code grant, its OpenID extension and
RP-initiated logout): it checks the client's secret, the redirect URI and the nonce, signs the
id_token with an RS256 key published at its JWKS address, answers userinfo as a signed JWT, and
ends a session given a valid ``id_token_hint``, as ProConnect does, under ProConnect's paths
(``/api/v2/authorize``, ``/token``, ``/userinfo``, ``/jwks``, ``/session/end``).

It has no sign-in page: it signs in ``agent``, the person the test sets, and consents for them.
Like ProConnect, it refuses an authorization request with a parameter it does not know, and puts
``amr`` in the id_token only when the request's ``claims`` asks for it.
"""

import json
import secrets
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.util import request_uri

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

PREFIXE = "/api/v2"
# What ProConnect's authorization endpoint accepts; anything else is refused.
PARAMETRES_AUTORISES = {
    "response_type", "client_id", "redirect_uri", "scope", "claims", "state", "nonce", "prompt",
    "idp_hint", "acr_values",
}


@dataclass
class Agent:
    """The person signed in at the provider, as its identity provider describes them."""

    sub: str
    email: str
    # None: the claim is left out, as ProConnect does.
    email_verified: bool | None = True
    idp_id: str = "ac-lyon"
    amr: list[str] = field(default_factory=lambda: ["pwd"])


@dataclass
class _Client(ClientMixin):
    client_id: str
    secret: str
    redirect_uri: str
    post_logout_redirect_uri: str

    @property
    def client_metadata(self):
        return {"post_logout_redirect_uris": [self.post_logout_redirect_uri]}

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method, endpoint):
        # ProConnect's token endpoint takes the secret in the form's body.
        return method == "client_secret_post"

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class _Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    agent: Agent
    amr: list[str] | None

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return None

    def get_amr(self):
        return self.amr


class _Requete(OAuth2Request):
    """A WSGI request as authlib reads it."""

    def __init__(self, environ):
        entetes = {cle[5:].replace("_", "-").title(): valeur for cle, valeur in environ.items()
                   if cle.startswith("HTTP_")}
        super().__init__(environ["REQUEST_METHOD"], request_uri(environ), headers=entetes)
        self._args = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self._form = {}
        if environ["REQUEST_METHOD"] == "POST":
            corps = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
            self._form = {k: v[0] for k, v in parse_qs(corps).items()}
        self.payload = BasicOAuth2Payload(self._args | self._form)

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class _CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post"]

    def save_authorization_code(self, code, request):
        donnees = request.payload.data
        demandes = json.loads(donnees.get("claims") or "{}").get("id_token", {})
        self.server.codes[code] = _Code(
            code=code, client_id=request.client.get_client_id(), redirect_uri=donnees["redirect_uri"],
            scope=donnees["scope"], nonce=donnees.get("nonce"), agent=request.user,
            amr=list(request.user.amr) if "amr" in demandes else None,
        )

    def query_authorization_code(self, code, client):
        trouve = self.server.codes.get(code)
        return trouve if trouve and trouve.client_id == client.get_client_id() else None

    def delete_authorization_code(self, authorization_code):
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.agent


class _OpenIDCode(OpenIDCode):
    def __init__(self, fournisseur):
        super().__init__(require_nonce=True)
        self.fournisseur = fournisseur

    def exists_nonce(self, nonce, request):
        return any(code.nonce == nonce for code in self.fournisseur.serveur.codes.values())

    def resolve_client_private_key(self, client):
        return self.fournisseur.cle

    def get_client_algorithm(self, client):
        return "RS256"

    def get_client_claims(self, client):
        return {"iss": self.fournisseur.emetteur or self.fournisseur.url,
                "aud": self.fournisseur.audience or client.get_client_id()}

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": self.fournisseur.cle.kid}

    def generate_user_info(self, user, scope):
        # ProConnect's id_token names the agent by ``sub`` only; the rest comes from userinfo.
        return UserInfo(sub=user.sub)


class _FinDeSession(EndSessionEndpoint):
    def get_server_jwks(self):
        return KeySet([self.server.fournisseur.cle])

    def end_session(self, end_session_request):
        self.server.fournisseur.sessions_terminees.append(end_session_request.id_token_claims["sub"])


class _Serveur(AuthorizationServer):
    def __init__(self, fournisseur):
        super().__init__()
        self.fournisseur = fournisseur
        self.codes: dict[str, _Code] = {}
        self.jetons: dict[str, tuple[Agent, str]] = {}
        self.register_token_generator("default", BearerTokenGenerator(lambda **_: generate_token(42)))
        self.register_grant(_CodeGrant, [_OpenIDCode(fournisseur)])
        self.register_endpoint(_FinDeSession)

    def query_client(self, client_id):
        client = self.fournisseur.client
        return client if client_id == client.client_id else None

    def save_token(self, token, request):
        self.jetons[token["access_token"]] = (request.user, token["scope"])

    def create_oauth2_request(self, request):
        return request

    def handle_response(self, status, body, headers):
        return status, body, headers

    def send_signal(self, name, *args, **kwargs):
        pass


class FournisseurOIDC:
    """The provider, serving on 127.0.0.1 from ``demarrer()`` until ``arreter()``."""

    def __init__(self, *, client_id, secret, redirect_uri, post_logout_redirect_uri):
        self.client = _Client(client_id, secret, redirect_uri, post_logout_redirect_uri)
        self.cle = RSAKey.generate_key(2048, parameters={"kid": "cle-de-test", "alg": "RS256", "use": "sig"})
        self.serveur = _Serveur(self)
        self.agent: Agent | None = None
        self.sessions_terminees: list[str] = []
        # A faulty provider, for the tests of what rased checks: another issuer or audience.
        self.emetteur: str | None = None
        self.audience: str | None = None
        self._http = make_server("127.0.0.1", 0, self._application, handler_class=_SansJournal)
        self.url = f"http://127.0.0.1:{self._http.server_port}{PREFIXE}"
        self._fil = threading.Thread(target=self._http.serve_forever, daemon=True)

    def demarrer(self):
        self._fil.start()

    def arreter(self):
        self._http.shutdown()
        self._http.server_close()
        self._fil.join(timeout=5)

    def _application(self, environ, start_response):
        requete = _Requete(environ)
        pages = {
            "/authorize": self._autoriser, "/token": self.serveur.create_token_response,
            "/userinfo": self._userinfo, "/jwks": self._jwks, "/session/end": self._fin_de_session,
        }
        page = pages.get(environ["PATH_INFO"].removeprefix(PREFIXE))
        statut, corps, entetes = page(requete) if page else (404, {"error": "not_found"}, [])
        entetes = list(entetes)
        if isinstance(corps, dict):
            corps = json.dumps(corps)
            if not any(nom.lower() == "content-type" for nom, _ in entetes):
                entetes.append(("Content-Type", "application/json"))
        start_response(f"{statut} {HTTPStatus(statut).phrase}", entetes)
        return [corps.encode()]

    def _autoriser(self, requete):
        if set(requete.args) - PARAMETRES_AUTORISES or self.agent is None:
            return 400, {"error": "invalid_request"}, []
        try:
            grant = self.serveur.get_consent_grant(requete, end_user=self.agent)
        except OAuth2Error as erreur:
            return erreur.status_code, {"error": erreur.error}, []
        return self.serveur.create_authorization_response(requete, grant_user=self.agent, grant=grant)

    def _userinfo(self, requete):
        jeton = requete.headers.get("Authorization", "").removeprefix("Bearer ")
        if jeton not in self.serveur.jetons:
            return 401, {"error": "invalid_token"}, []
        agent, scope = self.serveur.jetons[jeton]
        claims = {"sub": agent.sub, "iss": self.url, "aud": self.client.client_id}
        if "email" in scope.split():
            claims["email"] = agent.email
            if agent.email_verified is not None:
                claims["email_verified"] = agent.email_verified
        if "idp_id" in scope.split():
            claims["idp_id"] = agent.idp_id
        # Like ProConnect's: a JWT signed with the published key.
        signe = jwt.encode({"alg": "RS256", "kid": self.cle.kid}, claims, self.cle, ["RS256"])
        return 200, signe, [("Content-Type", "application/jwt")]

    def _jwks(self, requete):
        return 200, {"keys": [self.cle.as_dict(private=False)]}, []

    def _fin_de_session(self, requete):
        reponse = self.serveur.create_endpoint_response("end_session", requete)
        return reponse or (200, "Vous êtes déconnecté.", [("Content-Type", "text/plain; charset=utf-8")])


class _SansJournal(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass
