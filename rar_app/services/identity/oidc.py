"""Sign-In Partner: OpenID Connect authorization code flow with Authlib.

Flow
1. GET /api/oidc/start?lang=fr — `begin()` discovers the provider
   (RAR_OIDC_ISSUER/.well-known/openid-configuration), creates a random state,
   nonce and PKCE code_verifier (S256), stores them server-side in the table
   `oidc_login` (state as a SHA-256) and redirects to the provider. The browser
   also gets a short-lived HttpOnly cookie `rar_oidc` whose hash is stored with
   the row: the callback must come back in the same browser (no login CSRF).
2. GET /api/oidc/callback — `complete()` finds the row by state (once, within ten
   minutes, same browser), checks the `iss` response parameter (RFC 9207),
   exchanges the code with the code_verifier (client_secret_basic), verifies the
   ID token signature with the provider's JWKS (from discovery; asymmetric
   algorithms only), its iss, aud, azp, exp, iat, at_hash and nonce, then reads
   userinfo (same `sub`). It returns a `PartnerIdentity`.
3. `signin.sign_in_with_partner()` finds the account linked to (issuer,
   subject): the callback creates a session in stage "challenge", sets its HttpOnly
   cookie itself and redirects to the security question page. With no linked
   account, the identity stays in the row; the browser gets an HttpOnly cookie
   `rar_partner` (an enrolment ticket, 30 minutes) and goes to the enrolment
   page, which reads it with `identity_for_enrolment()` to prefill names and email
   and passes it to `enrolment.enrol(..., partner_ticket=...)` to link the account.

Errors are `OidcError` (an accounts.AccountError) with codes: oidc_unavailable,
partner_cancelled, provider_error, state_mismatch, issuer_mismatch,
token_exchange_failed, id_token_invalid, nonce_mismatch, userinfo_invalid.
The routes turn them into a redirect to the sign-in page with ?oidc_error=<code>.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import secrets
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any, Mapping
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidClaimError, InvalidKeyIdError, JoseError, MissingClaimError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from rar_app.db import session_scope
from rar_app.models import OidcLogin, utcnow
from rar_app.services.identity import accounts, sessions, signin
from rar_app.services.identity.accounts import AccountError
from rar_app.services.identity.signin import PartnerIdentity
from rar_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

STATE_COOKIE = "rar_oidc"
PARTNER_COOKIE = "rar_partner"
LOGIN_LIFETIME = timedelta(minutes=10)
ENROLMENT_LIFETIME = timedelta(minutes=30)
METADATA_TTL_SECONDS = 3600
HTTP_TIMEOUT = 10.0
SCOPE = "openid email profile"
ID_TOKEN_LEEWAY = 60
# Never "none", never an HMAC keyed with the client secret: the provider's keys only.
ASYMMETRIC_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")

CALLBACK_PATH = "/api/oidc/callback"
DEFAULT_PATHS = {
    "challenge": {"fr": "/fr/question-de-securite", "en": "/en/security-question"},
    "enrol": {"fr": "/fr/inscription", "en": "/en/enrolment"},
    "sign_in": {"fr": "/fr/connexion", "en": "/en/sign-in"},
}

accounts.MESSAGES.update({
    "oidc_unavailable": ("La connexion par un partenaire n’est pas offerte pour le moment.", "Sign-In Partner sign-in is not available at the moment."),
    "partner_cancelled": ("La connexion par le partenaire a été annulée.", "The Sign-In Partner sign-in was cancelled."),
    "provider_error": ("Le partenaire de connexion a refusé la demande. Réessayez.", "The Sign-In Partner refused the request. Please try again."),
    "state_mismatch": ("La connexion par le partenaire a expiré ou n’a pas été commencée dans ce navigateur. Recommencez.", "The Sign-In Partner sign-in expired or was not started in this browser. Please start again."),
    "issuer_mismatch": ("La réponse ne provient pas du partenaire de connexion attendu.", "The response does not come from the expected Sign-In Partner."),
    "token_exchange_failed": ("La connexion par le partenaire a échoué. Réessayez.", "The Sign-In Partner sign-in failed. Please try again."),
    "id_token_invalid": ("L’identité transmise par le partenaire n’a pas pu être vérifiée.", "The identity sent by the Sign-In Partner could not be verified."),
    "nonce_mismatch": ("L’identité transmise par le partenaire n’a pas pu être vérifiée.", "The identity sent by the Sign-In Partner could not be verified."),
    "userinfo_invalid": ("L’identité transmise par le partenaire n’a pas pu être vérifiée.", "The identity sent by the Sign-In Partner could not be verified."),
})


class OidcError(AccountError):
    code = "provider_error"


@dataclasses.dataclass(frozen=True)
class PendingLogin:
    """What `begin` stored server-side (row `oidc_login`); `browser_key` goes in
    the `rar_oidc` cookie and must come back with the callback."""

    login_id: int
    state: str
    nonce: str
    code_verifier: str
    browser_key: str
    redirect_uri: str
    language: str


@dataclasses.dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    client_id: str
    client_secret: str

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "ProviderConfig":
        settings = settings or get_settings()
        if not (settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret):
            raise OidcError("oidc_unavailable")
        return cls(settings.oidc_issuer.rstrip("/"), settings.oidc_client_id, settings.oidc_client_secret)


def is_configured(settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# ---------------------------------------------------------------------------
# Discovery and keys (cached per issuer / JWKS address)

_metadata_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_jwks_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def clear_caches() -> None:
    _metadata_cache.clear()
    _jwks_cache.clear()


async def discover(issuer: str, *, force: bool = False) -> dict[str, Any]:
    """The provider's metadata; its `issuer` must be exactly the configured one."""
    issuer = issuer.rstrip("/")
    cached = _metadata_cache.get(issuer)
    if cached and not force and time.monotonic() - cached[0] < METADATA_TTL_SECONDS:
        return cached[1]
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            response = await client.get(f"{issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            metadata = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("OIDC discovery failed for %s: %s", issuer, exc)
        raise OidcError("oidc_unavailable") from exc
    if metadata.get("issuer", "").rstrip("/") != issuer:
        raise OidcError("issuer_mismatch")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(key):
            raise OidcError("oidc_unavailable")
    _metadata_cache[issuer] = (time.monotonic(), metadata)
    return metadata


async def _jwks(metadata: Mapping[str, Any], *, force: bool = False) -> KeySet:
    uri = metadata["jwks_uri"]
    cached = _jwks_cache.get(uri)
    if cached and not force and time.monotonic() - cached[0] < METADATA_TTL_SECONDS:
        return KeySet.import_key_set(cached[1])
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            response = await client.get(uri)
            response.raise_for_status()
            data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError("id_token_invalid") from exc
    _jwks_cache[uri] = (time.monotonic(), data)
    return KeySet.import_key_set(data)


def _client(config: ProviderConfig, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=config.client_id, client_secret=config.client_secret,
        token_endpoint_auth_method="client_secret_basic", scope=SCOPE, redirect_uri=redirect_uri,
        code_challenge_method="S256", timeout=HTTP_TIMEOUT,
    )


# ---------------------------------------------------------------------------
# The flow


async def begin(redirect_uri: str, *, language: str = "fr",
                config: ProviderConfig | None = None) -> tuple[str, PendingLogin]:
    """The provider's authorization URL and the pending login (stored in `oidc_login`).
    Raises OidcError('oidc_unavailable')."""
    config = config or ProviderConfig.from_settings()
    metadata = await discover(config.issuer)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    code_verifier = generate_token(64)  # 64 characters of [A-Za-z0-9]: RFC 7636 allows 43..128
    browser_key = secrets.token_urlsafe(32)
    language = language if language in ("fr", "en") else "fr"
    async with _client(config, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, code_verifier=code_verifier, nonce=nonce,
            ui_locales=f"{language}-CA",
        )
    now = utcnow()
    with session_scope() as db:
        row = OidcLogin(state_hash=_hash(state), browser_hash=_hash(browser_key), nonce=nonce,
                        code_verifier=code_verifier, redirect_uri=redirect_uri, language=language,
                        created_at=now, expires_at=now + LOGIN_LIFETIME)
        db.add(row)
        db.flush()
        login_id = row.id
    return url, PendingLogin(login_id=login_id, state=state, nonce=nonce, code_verifier=code_verifier,
                             browser_key=browser_key, redirect_uri=redirect_uri, language=language)


def pending_language(state: str | None) -> str:
    """The language the sign-in was started in (for error redirects); 'fr' if unknown."""
    if not state:
        return "fr"
    with session_scope() as db:
        row = db.exec(select(OidcLogin).where(OidcLogin.state_hash == _hash(state))).first()
        return row.language if row else "fr"


def _take_pending(state: str | None, browser_key: str | None) -> OidcLogin:
    """The pending login for this state, used once, in the browser that started it."""
    if not state:
        raise OidcError("state_mismatch")
    with session_scope() as db:
        row = db.exec(select(OidcLogin).where(OidcLogin.state_hash == _hash(state))).first()
        if row is None or row.used_at is not None or utcnow() > row.expires_at:
            raise OidcError("state_mismatch")
        if not browser_key or not secrets.compare_digest(row.browser_hash, _hash(browser_key)):
            raise OidcError("state_mismatch")
        row.used_at = utcnow()  # spent now, whatever happens next
        db.add(row)
        return row


async def _exchange_code(config: ProviderConfig, metadata: Mapping[str, Any], *, code: str, code_verifier: str,
                         redirect_uri: str) -> dict[str, Any]:
    """The token endpoint's response for this code (client_secret_basic, PKCE)."""
    async with _client(config, redirect_uri) as client:
        token = await client.fetch_token(metadata["token_endpoint"], grant_type="authorization_code", code=code,
                                         code_verifier=code_verifier, redirect_uri=redirect_uri)
    return dict(token)


async def verify_id_token(config: ProviderConfig, metadata: Mapping[str, Any], id_token: str, *, nonce: str,
                          access_token: str | None = None) -> dict[str, Any]:
    """Check the ID token's signature against the provider's JWKS and its claims.
    Returns the claims. Raises OidcError('id_token_invalid' | 'nonce_mismatch')."""
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    algs = [a for a in offered if a in ASYMMETRIC_ALGS]
    if not algs:
        raise OidcError("id_token_invalid")
    registry = JWSRegistry(algorithms=algs)
    try:
        keys = await _jwks(metadata)
        try:
            token = jwt.decode(id_token, keys, algorithms=algs, registry=registry)
        except InvalidKeyIdError:  # keys rotated since we cached them
            keys = await _jwks(metadata, force=True)
            token = jwt.decode(id_token, keys, algorithms=algs, registry=registry)
    except (JoseError, ValueError, TypeError) as exc:
        log.warning("ID token rejected: %s", exc)
        raise OidcError("id_token_invalid") from exc
    params = {"nonce": nonce, "client_id": config.client_id}
    if access_token:
        params["access_token"] = access_token
    options = {"iss": {"essential": True, "value": config.issuer}, "aud": {"essential": True, "value": config.client_id},
               "sub": {"essential": True}, "exp": {"essential": True}, "iat": {"essential": True}}
    claims = CodeIDToken(token.claims, token.header, options, params)
    try:
        claims.validate(leeway=ID_TOKEN_LEEWAY)
    except (InvalidClaimError, MissingClaimError) as exc:
        claim = getattr(exc, "claim", "") or str(exc)
        log.warning("ID token claims rejected: %s", exc)
        raise OidcError("nonce_mismatch" if "nonce" in claim else "id_token_invalid") from exc
    except JoseError as exc:  # expired, not yet valid, ...
        raise OidcError("id_token_invalid") from exc
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise OidcError("id_token_invalid")
    return dict(claims)


async def _userinfo(metadata: Mapping[str, Any], access_token: str, subject: str) -> dict[str, Any]:
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint or not access_token:
        return {}
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            response = await client.get(endpoint, headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
            data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcError("userinfo_invalid") from exc
    if not isinstance(data, dict) or data.get("sub") != subject:
        raise OidcError("userinfo_invalid")
    return data


async def complete(callback_query: Mapping[str, str], *, browser_key: str | None,
                   config: ProviderConfig | None = None) -> PartnerIdentity:
    """Finish the sign-in from the callback's query parameters (code, state, iss or
    error) and the `rar_oidc` cookie value. The verified identity is also kept in
    the pending row (see `issue_enrolment_ticket`). Raises OidcError."""
    config = config or ProviderConfig.from_settings()
    query = dict(callback_query)
    row = _take_pending(query.get("state"), browser_key)
    if query.get("error"):
        raise OidcError("partner_cancelled" if query["error"] == "access_denied" else "provider_error")
    metadata = await discover(config.issuer)
    iss = query.get("iss")
    if iss is not None and iss.rstrip("/") != config.issuer:
        raise OidcError("issuer_mismatch")
    if iss is None and metadata.get("authorization_response_iss_parameter_supported"):
        raise OidcError("issuer_mismatch")
    code = query.get("code")
    if not code:
        raise OidcError("provider_error")
    try:
        token = await _exchange_code(config, metadata, code=code, code_verifier=row.code_verifier,
                                     redirect_uri=row.redirect_uri)
    except OidcError:
        raise
    except Exception as exc:  # OAuthError from the provider, network errors
        log.warning("OIDC token exchange failed: %s", exc)
        raise OidcError("token_exchange_failed") from exc
    if not token.get("id_token"):
        raise OidcError("id_token_invalid")
    claims = await verify_id_token(config, metadata, token["id_token"], nonce=row.nonce,
                                   access_token=token.get("access_token"))
    info = await _userinfo(metadata, token.get("access_token", ""), claims["sub"])
    merged = {**info, **{k: v for k, v in claims.items() if v not in (None, "")}}

    def text(name: str) -> str:
        value = merged.get(name)
        return value.strip()[:200] if isinstance(value, str) else ""

    identity = PartnerIdentity(
        issuer=config.issuer, subject=claims["sub"], email=text("email"),
        email_verified=merged.get("email_verified") is True, given_name=text("given_name"),
        family_name=text("family_name"), name=text("name"), locale=text("locale"),
    )
    with session_scope() as db:
        stored = db.get(OidcLogin, row.id)
        stored.identity = identity.to_json()
        db.add(stored)
    return identity


# ---------------------------------------------------------------------------
# A verified identity waiting for the enrolment form


def issue_enrolment_ticket(db: Session, state: str) -> str:
    """For a completed login whose identity is linked to no account: a ticket
    (cookie `rar_partner`) with which the enrolment form finds that identity."""
    row = db.exec(select(OidcLogin).where(OidcLogin.state_hash == _hash(state))).first()
    if row is None or not row.identity:
        raise OidcError("state_mismatch")
    ticket = secrets.token_urlsafe(32)
    row.enrolment_ticket_hash = _hash(ticket)
    row.enrolment_expires_at = utcnow() + ENROLMENT_LIFETIME
    db.add(row)
    return ticket


def _enrolment_row(db: Session, ticket: str | None) -> OidcLogin | None:
    if not ticket:
        return None
    row = db.exec(select(OidcLogin).where(OidcLogin.enrolment_ticket_hash == _hash(ticket))).first()
    if (row is None or not row.identity or row.enrolled_account_id is not None
            or row.enrolment_expires_at is None or utcnow() > row.enrolment_expires_at):
        return None
    return row


def identity_for_enrolment(db: Session, ticket: str | None) -> PartnerIdentity | None:
    """The partner identity waiting for enrolment, or None (absent, used, expired)."""
    row = _enrolment_row(db, ticket)
    return PartnerIdentity.from_json(row.identity) if row else None


def mark_enrolled(db: Session, ticket: str, account_id: int) -> None:
    row = _enrolment_row(db, ticket)
    if row is not None:
        row.enrolled_account_id = account_id
        db.add(row)


def partner_ticket_from_cookie_header(cookie_header: str | None) -> str | None:
    """The enrolment ticket from the browser's Cookie header (HttpOnly: read it
    from the websocket handshake headers, as for the session cookie)."""
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:
        return None
    morsel = jar.get(PARTNER_COOKIE)
    return morsel.value if morsel and morsel.value else None


def purge_expired(db: Session) -> int:
    """Housekeeping: delete pending logins past both their lifetimes."""
    now = utcnow()
    count = 0
    for row in db.exec(select(OidcLogin).where(OidcLogin.expires_at < now)):
        if row.enrolment_expires_at is None or row.enrolment_expires_at < now:
            db.delete(row)
            count += 1
    return count


# ---------------------------------------------------------------------------
# HTTP endpoints (Starlette), mounted beside /api/session/establish


def _cookie(name: str, value: str, *, path: str, max_age: int) -> str:
    parts = [f"{name}={value}", f"Path={path}", "HttpOnly", "SameSite=Lax", f"Max-Age={max_age}"]
    if get_settings().cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _client_ip(request: Request) -> str:
    from rar_app.services.identity.addresses import request_ip

    return request_ip(request)


def redirect_uri(settings: Settings | None = None) -> str:
    return (settings or get_settings()).public_url + CALLBACK_PATH


def oidc_routes(paths: Mapping[str, Mapping[str, str]] | None = None) -> list[Route]:
    """GET /api/oidc/start?lang=fr|en and GET /api/oidc/callback. `paths` overrides
    DEFAULT_PATHS (pages for the security question, enrolment and sign-in errors)."""
    pages = {kind: dict(DEFAULT_PATHS[kind], **(paths or {}).get(kind, {})) for kind in DEFAULT_PATHS}

    def error_redirect(code: str, language: str) -> Response:
        target = pages["sign_in"][language] + "?" + urlencode({"oidc_error": code})
        response = RedirectResponse(target, status_code=303)
        if code != "state_mismatch":  # a forged callback must not cancel the sign-in under way
            response.headers.append("Set-Cookie", _cookie(STATE_COOKIE, "", path="/api/oidc", max_age=0))
        return _no_store(response)

    async def start(request: Request) -> Response:
        language = request.query_params.get("lang", "fr")
        language = language if language in ("fr", "en") else "fr"
        try:
            url, pending = await begin(redirect_uri(), language=language)
        except OidcError as exc:
            return error_redirect(exc.code, language)
        response = RedirectResponse(url, status_code=303)
        response.headers.append("Set-Cookie", _cookie(STATE_COOKIE, pending.browser_key, path="/api/oidc",
                                                      max_age=int(LOGIN_LIFETIME.total_seconds())))
        return _no_store(response)

    async def callback(request: Request) -> Response:
        query = dict(request.query_params)
        language = pending_language(query.get("state"))
        ip, user_agent = _client_ip(request), request.headers.get("user-agent", "")
        try:
            identity = await complete(query, browser_key=request.cookies.get(STATE_COOKIE))
            with session_scope() as db:
                result = signin.sign_in_with_partner(db, identity, ip=ip, user_agent=user_agent)
                needs_enrolment = isinstance(result, signin.NeedsEnrolment)
                ticket = issue_enrolment_ticket(db, query["state"]) if needs_enrolment else None
        except AccountError as exc:
            return error_redirect(exc.code, language)
        if needs_enrolment:
            response = RedirectResponse(pages["enrol"][language], status_code=303)
            response.headers.append("Set-Cookie", _cookie(PARTNER_COOKIE, ticket, path="/",
                                                          max_age=int(ENROLMENT_LIFETIME.total_seconds())))
        else:
            # This is already an HTTP response of the browser that started the sign-in
            # (the state cookie proved it): it sets the session cookie itself, no ticket.
            response = RedirectResponse(pages["challenge"][language], status_code=303)
            response.headers.append("Set-Cookie", sessions.cookie_header_value(result.token))
        response.headers.append("Set-Cookie", _cookie(STATE_COOKIE, "", path="/api/oidc", max_age=0))
        return _no_store(response)

    return [
        Route("/api/oidc/start", start, methods=["GET"]),
        Route(CALLBACK_PATH, callback, methods=["GET"]),
    ]
