"""The embedded demo Sign-In Partner: an OpenID Connect provider for demo mode.

With `./run` (demo mode, no RAR_OIDC_ISSUER) « Partenaire de connexion » works out of
the box: the settings point the portal's OIDC client (`oidc.py`) at this provider,
mounted at /demo-partner (`settings.DEMO_PARTNER_PATH`) beside the portal's own
endpoints. Production never mounts it (production refuses demo mode, and
`settings.demo_partner` is never on there).

The protocol is Authlib's: `AuthorizationServer` with the authorization code grant
(RFC 6749), PKCE (RFC 7636, S256 required), the OpenID Connect code flow extension
(`OpenIDCode`: ID token, nonce), JWT access tokens (RFC 9068) and the UserInfo
endpoint. This module only supplies what Authlib leaves to the application: the
one client (the portal), the demo identities, code storage (table
`demo_partner_code`, shared by every worker), the signing key, the Starlette
wrappers, and the identity chooser page (a person picks who they are; there is no
password: it is a demonstration).

The signing key (RSA 2048) is generated at first start into
`<data dir>/demo_partner_key.json`, mode 0600; every worker reads the same file.
"""

from __future__ import annotations

import contextvars
import dataclasses
import hashlib
import html
import json
import os
import time
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2 import AuthorizationServer, OAuth2Error, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Payload, OAuth2Request, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator, JWTBearerTokenValidator
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import KeySet, RSAKey
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.models import DemoPartnerCode, utcnow
from rar_app.services.identity.oidc import CALLBACK_PATH
from rar_app.settings import DEMO_PARTNER_PATH, Settings, get_settings

KEY_FILE = "demo_partner_key.json"
CODE_LIFETIME = timedelta(minutes=10)
ACCESS_TOKEN_SECONDS = 300
SCOPES = ("openid", "email", "profile")


@dataclasses.dataclass(frozen=True)
class DemoIdentity:
    """A person the demo partner vouches for (fictitious; example.ca addresses)."""

    subject: str
    given_name: str
    family_name: str
    email: str

    def get_user_id(self) -> str:  # Authlib asks users for their id
        return self.subject

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


IDENTITIES = (
    DemoIdentity("demo-partner-0001", "Marie", "Tremblay", "marie.tremblay@example.ca"),
    DemoIdentity("demo-partner-0002", "John", "Smith", "john.smith@example.ca"),
    DemoIdentity("demo-partner-0003", "Aminata", "Diallo", "aminata.diallo@example.ca"),
    DemoIdentity("demo-partner-0004", "Lucas", "Gagnon", "lucas.gagnon@example.ca"),
)
_BY_SUBJECT = {identity.subject: identity for identity in IDENTITIES}


def identity(subject: str | None) -> DemoIdentity | None:
    return _BY_SUBJECT.get(subject or "")


def issuer(settings: Settings | None = None) -> str:
    return (settings or get_settings()).public_url + DEMO_PARTNER_PATH


# ---------------------------------------------------------------------------
# The signing key: generated once, kept in the data folder (0600)


def _key_path(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


@lru_cache(maxsize=4)
def _signing_key(path: str) -> RSAKey:
    target = Path(path)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
        key.ensure_kid()
        draft = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(key.as_dict(private=True), fh)
        try:
            os.link(draft, target)  # atomic, and refuses to replace: the first worker's key wins
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)
    os.chmod(target, 0o600)
    return RSAKey.import_key(json.loads(target.read_text()))


def signing_key(settings: Settings | None = None) -> RSAKey:
    return _signing_key(str(_key_path(settings or get_settings())))


def public_jwks(settings: Settings | None = None) -> dict[str, Any]:
    return KeySet([signing_key(settings)]).as_dict(private=False)


# ---------------------------------------------------------------------------
# Authlib's models: the one client, authorization codes, access tokens


@dataclasses.dataclass(frozen=True)
class PortalClient(ClientMixin):
    """The portal itself, the only client (its secret is derived from the portal's key)."""

    client_id: str
    client_secret: str
    redirect_uri: str

    @property
    def client_metadata(self):
        return {}  # no signed UserInfo

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        import hmac

        return hmac.compare_digest(client_secret or "", self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_basic" if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


def portal_client(settings: Settings | None = None) -> PortalClient:
    settings = settings or get_settings()
    return PortalClient(settings.oidc_client_id or "", settings.oidc_client_secret or "",
                        settings.public_url + CALLBACK_PATH)


@dataclasses.dataclass(frozen=True)
class StoredCode(AuthorizationCodeMixin):
    """A `demo_partner_code` row as Authlib sees it."""

    row_id: int
    redirect_uri: str
    scope: str
    nonce: str
    code_challenge: str
    code_challenge_method: str
    subject: str
    auth_time: int

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce or None

    def get_auth_time(self):
        return self.auth_time


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

    def save_authorization_code(self, code, request):
        data = request.payload.data
        with session_scope() as db:
            db.add(DemoPartnerCode(
                code_hash=_hash(code), client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri or "", scope=request.scope or "",
                nonce=(data.get("nonce") or "")[:200], code_challenge=(data.get("code_challenge") or "")[:200],
                code_challenge_method=(data.get("code_challenge_method") or "")[:10],
                subject=request.user.get_user_id(), auth_time=int(time.time()),
                expires_at=utcnow() + CODE_LIFETIME,
            ))

    def query_authorization_code(self, code, client):
        with session_scope() as db:
            row = db.exec(select(DemoPartnerCode).where(DemoPartnerCode.code_hash == _hash(code or ""))).first()
            if row is None or row.client_id != client.get_client_id():
                return None
            if utcnow() > row.expires_at:
                db.delete(row)
                return None
            return StoredCode(row.id, row.redirect_uri, row.scope, row.nonce, row.code_challenge,
                              row.code_challenge_method, row.subject, row.auth_time)

    def delete_authorization_code(self, authorization_code):
        with session_scope() as db:
            row = db.get(DemoPartnerCode, authorization_code.row_id)
            if row is not None:
                db.delete(row)

    def authenticate_user(self, authorization_code):
        return identity(authorization_code.subject)


def _user_info(user: DemoIdentity, scope: str) -> UserInfo:
    return UserInfo(sub=user.subject, name=user.name, given_name=user.given_name,
                    family_name=user.family_name, email=user.email, email_verified=True).filter(scope)


class DemoOpenIDCode(OpenIDCode):
    def exists_nonce(self, nonce, request):
        with session_scope() as db:
            return db.exec(select(DemoPartnerCode.id).where(DemoPartnerCode.nonce == nonce)).first() is not None

    def resolve_client_private_key(self, client):
        return signing_key()

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": signing_key().kid}

    def get_client_claims(self, client):
        return {"iss": issuer(), "aud": [client.get_client_id()]}

    def generate_user_info(self, user, scope):
        return _user_info(user, scope)


class AccessTokens(JWTBearerTokenGenerator):
    def get_jwks(self):
        return KeySet([signing_key()])

    def get_audiences(self, client, user, scope):
        return issuer() + "/userinfo"


class AccessToken(dict):
    """A verified JWT access token, as the UserInfo endpoint wants it."""

    def __init__(self, claims):
        super().__init__(claims)
        self.scope = claims.get("scope", "")

    def get_client(self):
        return portal_client()

    def get_user(self):
        return identity(self.get("sub"))


_current_request: contextvars.ContextVar[OAuth2Request] = contextvars.ContextVar("demo_partner_request")


class AccessTokenValidator(JWTBearerTokenValidator):
    def get_jwks(self):
        return KeySet([signing_key()])


class RequestProtector(ResourceProtector):
    """Authlib's UserInfo endpoint asks `acquire_token(scopes)` of its protector (the
    framework integrations read the current request): this one reads it from a context var."""

    def acquire_token(self, scopes):
        claims = self.validate_request(scopes.split() if isinstance(scopes, str) else scopes, _current_request.get())
        return AccessToken(claims)


class DemoUserInfo(UserInfoEndpoint):
    def get_issuer(self):
        return issuer()

    def generate_user_info(self, user, scope):
        return _user_info(user, scope)

    def resolve_private_key(self):
        return signing_key()


class StarletteRequest(OAuth2Request):
    """Authlib's request from a Starlette request whose body was read beforehand."""

    class _Payload(OAuth2Payload):
        def __init__(self, values: dict[str, str]):
            self._values = values

        @property
        def data(self):
            return self._values

        @property
        def datalist(self):
            return {key: [value] for key, value in self._values.items()}

    def __init__(self, request: Request, form: dict[str, str]):
        # The public address (behind a proxy the connection may be plain http); headers stay
        # case-insensitive (Authlib reads "Authorization").
        url = get_settings().public_url + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        super().__init__(request.method, url, headers=request.headers)
        self._args = dict(request.query_params)
        self._form = form
        self.payload = self._Payload({**self._args, **form})

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class DemoServer(AuthorizationServer):
    def __init__(self):
        super().__init__(scopes_supported=list(SCOPES))
        self.register_token_generator("default", AccessTokens(issuer=None))

    def query_client(self, client_id):
        client = portal_client()
        return client if client_id == client.client_id else None

    def save_token(self, token, request):
        pass  # JWT access tokens (RFC 9068): nothing to keep

    def create_oauth2_request(self, request):
        return request

    def create_json_request(self, request):
        raise NotImplementedError  # no JSON endpoint here

    def handle_response(self, status, body, headers):
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=dict(headers))
        return Response(body, status_code=status, headers=dict(headers))

    def send_signal(self, name, *args, **kwargs):
        pass


@lru_cache(maxsize=1)
def _server() -> DemoServer:
    server = DemoServer()
    server.register_grant(CodeGrant, [CodeChallenge(required=True), DemoOpenIDCode(require_nonce=True)])
    protector = RequestProtector()
    protector.register_token_validator(AccessTokenValidator(issuer=None, resource_server=None))
    server.register_endpoint(DemoUserInfo(resource_protector=protector))
    return server


def server() -> DemoServer:
    srv = _server()
    # The issuer follows the settings (tests change the public address between portals).
    generator = srv._token_generators["default"]
    generator.issuer = issuer()
    for validators in srv._endpoints["userinfo"][0].resource_protector._token_validators.values():
        validators.issuer, validators.resource_server = issuer(), issuer() + "/userinfo"
    return srv


# ---------------------------------------------------------------------------
# HTTP endpoints


def metadata() -> dict[str, Any]:
    base = issuer()
    return {
        "issuer": base,
        "authorization_endpoint": base + "/authorize",
        "token_endpoint": base + "/token",
        "userinfo_endpoint": base + "/userinfo",
        "jwks_uri": base + "/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": list(SCOPES),
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "name", "given_name", "family_name", "email", "email_verified"],
        "ui_locales_supported": ["fr-CA", "en-CA"],
    }


def _language(values: dict[str, str]) -> str:
    wanted = (values.get("ui_locales") or values.get("lang") or "fr").split()[0].lower()
    return "en" if wanted.startswith("en") else "fr"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def chooser_page(values: dict[str, str], lang: str) -> str:
    """The identity chooser: one button per demo identity; the authorization request's
    parameters travel in hidden fields (Authlib validates them again on the POST)."""
    esc = html.escape
    hidden = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in values.items()
                     if k not in ("identity", "decision"))
    people = "".join(
        f'<li><button type="submit" name="identity" value="{esc(p.subject)}" class="btn btn-primary" '
        f'id="identity-{esc(p.subject)}">{esc(p.name)}</button> <span class="hint">{esc(p.email)}</span></li>'
        for p in IDENTITIES)
    other = "en" if lang == "fr" else "fr"
    switch = esc(f"{DEMO_PARTNER_PATH}/authorize?" + urlencode({**values, "ui_locales": f"{other}-CA"}))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{esc(t("demo_partner.title", lang))}</title>'
        '<link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/rar.css"></head>'
        f'<body><header class="site-header"><div class="header-inner"><span class="brand">'
        f'{esc(t("demo_partner.title", lang))}</span><nav class="header-nav" aria-label="{esc(t("demo_partner.title", lang))}">'
        f'<a href="{switch}" lang="{other}" id="partner-language">{esc(t("demo_partner.other_language", lang))}</a>'
        '</nav></div></header>'
        f'<main id="main" class="container"><h1>{esc(t("demo_partner.title", lang))}</h1>'
        f'<p class="alert">{esc(t("demo_partner.intro", lang))}</p>'
        f'<form method="post" action="{DEMO_PARTNER_PATH}/authorize" id="identity-form">{hidden}'
        f'<fieldset><legend>{esc(t("demo_partner.choose", lang))}</legend>'
        f'<ul class="action-list">{people}</ul></fieldset>'
        f'<p><button type="submit" name="decision" value="cancel" class="btn btn-secondary" id="cancel">'
        f'{esc(t("demo_partner.cancel", lang))}</button></p></form></main></body></html>'
    )


def demo_partner_routes() -> list[Route]:
    """/demo-partner/.well-known/openid-configuration, /jwks, /authorize (GET: the chooser,
    POST: the choice), /token, /userinfo. Mounted only when `settings.demo_partner`."""

    async def discovery(_request: Request) -> Response:
        return JSONResponse(metadata())

    async def jwks(_request: Request) -> Response:
        return JSONResponse(public_jwks())

    async def authorize(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()} if request.method == "POST" else {}
        oauth_request = StarletteRequest(request, form)
        values = dict(oauth_request.payload.data)
        lang = _language(values)
        srv = server()
        try:
            grant = srv.get_consent_grant(oauth_request)
        except OAuth2Error as error:
            # Not a request from the portal (unknown client or address): say so, redirect nowhere.
            body = f"<!DOCTYPE html><html lang=\"{lang}\"><title>{html.escape(t('demo_partner.title', lang))}</title>" \
                   f"<p>{html.escape(t('demo_partner.bad_request', lang))} ({html.escape(error.error)})</p></html>"
            return _no_store(HTMLResponse(body, status_code=400))
        if request.method == "GET":
            # Not "no-referrer" here: Chrome would send « Origin: null » with the chooser's
            # POST, which the portal's origin guard refuses (the portal's same-origin applies).
            return HTMLResponse(chooser_page(values, lang), headers={"Cache-Control": "no-store"})
        user = None if form.get("decision") == "cancel" else identity(form.get("identity"))
        return _no_store(srv.create_authorization_response(oauth_request, grant_user=user, grant=grant))

    async def token(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        return _no_store(server().create_token_response(StarletteRequest(request, form)))

    async def userinfo(request: Request) -> Response:
        oauth_request = StarletteRequest(request, {})
        reset = _current_request.set(oauth_request)
        try:
            return _no_store(server().create_endpoint_response("userinfo", oauth_request))
        finally:
            _current_request.reset(reset)

    base = DEMO_PARTNER_PATH
    return [
        Route(base + "/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route(base + "/jwks", jwks, methods=["GET"]),
        Route(base + "/authorize", authorize, methods=["GET", "POST"]),
        Route(base + "/token", token, methods=["POST"]),
        Route(base + "/userinfo", userinfo, methods=["GET", "POST"]),
    ]


def purge_expired(db) -> int:
    """Housekeeping: codes never exchanged."""
    count = 0
    for row in db.exec(select(DemoPartnerCode).where(DemoPartnerCode.expires_at < utcnow())):
        db.delete(row)
        count += 1
    return count


__all__ = ["IDENTITIES", "demo_partner_routes", "identity", "issuer", "metadata",
           "public_jwks", "purge_expired", "signing_key"]
