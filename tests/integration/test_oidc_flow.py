"""Sign-In Partner against a real OpenID Connect provider on loopback.

The provider is panva's oidc-provider (tests/integration/oidc_provider, pinned in
its package.json), installed on first use with `npm install --prefix` from the npm
registry into the git-ignored node_modules folder, started once per module on a
free 127.0.0.1 port. The portal's /api/oidc/* routes run in Starlette's
TestClient (the portal's "browser side" cookies); a second httpx client plays the
browser at the provider (its cookies, the login form).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse, urlunparse

import httpx
import pytest
from joserfc import jws, jwt
from joserfc.jwk import RSAKey
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rar_app.db import session_scope
from rar_app.models import Account, AuditEvent, OidcLogin
from rar_app.services.identity import accounts, enrolment, oidc, sessions, signin

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "rar-portal-test"
CLIENT_SECRET = "rar-portal-test-secret-0123456789abcdef"
PORTAL_URL = "http://127.0.0.1:38123"  # the portal's public address as the provider knows it (never dialled)
REDIRECT_URI = PORTAL_URL + "/api/oidc/callback"
MARIE = ("marie.tremblay", "Partenaire-2026!")
JOHN = ("john.smith", "Partner-2026!")


def _install_provider() -> None:
    if (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("Node.js and npm are needed for the OIDC provider")
    subprocess.run([npm, "install", "--prefix", str(PROVIDER_DIR), "--no-audit", "--no-fund"],
                   check=True, timeout=600, cwd=PROVIDER_DIR)


@pytest.fixture(scope="module")
def provider():
    """A running oidc-provider: yields its issuer URL."""
    _install_provider()
    env = dict(os.environ, CLIENT_ID=CLIENT_ID, CLIENT_SECRET=CLIENT_SECRET, REDIRECT_URIS=REDIRECT_URI)
    proc = subprocess.Popen([shutil.which("node") or "node", "provider.js"], cwd=PROVIDER_DIR, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        for line in proc.stdout:
            log.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    issuer = None
    try:
        while issuer is None:
            line = lines.get(timeout=30)
            if line.startswith("READY "):
                issuer = line.split()[1].strip()
        yield issuer
    except queue.Empty:
        pytest.fail("the OIDC provider did not start:\n" + "".join(log))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def portal(provider, migrated_db, portal_env):
    """The portal's OIDC routes configured for the test provider (auto-approved enrolments)."""
    portal_env(RAR_OIDC_ISSUER=provider, RAR_OIDC_CLIENT_ID=CLIENT_ID, RAR_OIDC_CLIENT_SECRET=CLIENT_SECRET,
               RAR_PUBLIC_URL=PORTAL_URL, RAR_AUTO_APPROVE_ENROLMENTS="true")
    oidc.clear_caches()
    app = Starlette(routes=oidc.oidc_routes())
    with TestClient(app, base_url=PORTAL_URL, follow_redirects=False) as client:
        yield client


@pytest.fixture
def browser():
    with httpx.Client(follow_redirects=False, timeout=15) as client:
        yield client


def provider_sign_in(browser: httpx.Client, authorize_url: str, user=MARIE) -> str:
    """Follow the provider's pages as a browser would (submitting the login form
    when shown) until it redirects to the portal; return that callback URL."""
    url = authorize_url
    for _ in range(10):
        response = browser.get(url)
        if response.status_code == 200 and 'id="login-form"' in response.text:
            action = response.text.split('action="', 1)[1].split('"', 1)[0]
            response = browser.post(urljoin(url, action), data={"login": user[0], "password": user[1]})
            assert response.status_code in (302, 303), response.text
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["location"])
        if url.startswith(PORTAL_URL):
            return url
    raise AssertionError("the provider never redirected back to the portal")


def start(portal: TestClient, lang: str = "fr") -> str:
    response = portal.get(f"/api/oidc/start?lang={lang}")
    assert response.status_code == 303
    assert oidc.STATE_COOKIE in response.headers["set-cookie"] and "HttpOnly" in response.headers["set-cookie"]
    return response.headers["location"]


def callback(portal: TestClient, callback_url: str, **replace: str) -> httpx.Response:
    parsed = urlparse(callback_url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    query.update(replace)
    return portal.get(f"{parsed.path}?{urlencode(query)}")


def with_params(url: str, **params: str | None) -> str:
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunparse(parsed._replace(query=urlencode(query)))


def error_code(response: httpx.Response) -> str | None:
    location = response.headers["location"]
    return parse_qs(urlparse(location).query).get("oidc_error", [None])[0]


def enrolment_form(**overrides) -> enrolment.EnrolmentForm:
    data = dict(family_name="Tremblay", given_names="Marie", email="marie.tremblay@example.ca",
                phone="514 555-0199", business_name="Tremblay Immigration", business_address="1 rue Principale, Québec",
                language="fr", regulatory_body="CICC", membership_number="R512345",
                questions=[("first_pet", "Pixel"), ("birth_city", "Québec"), ("primary_school", "Saint-Jean")],
                username="marie.t", password="Kayak2026Zz", password_confirmation="Kayak2026Zz")
    data.update(overrides)
    return enrolment.EnrolmentForm(**data)


def enrol_with_partner(portal: TestClient, browser: httpx.Client, user=MARIE, **overrides) -> int:
    response = callback(portal, provider_sign_in(browser, start(portal), user))
    assert response.headers["location"] == "/fr/inscription"
    ticket = oidc.partner_ticket_from_cookie_header(
        f"{oidc.PARTNER_COOKIE}={portal.cookies.get(oidc.PARTNER_COOKIE)}")
    with session_scope() as db:
        return enrolment.enrol(db, enrolment_form(**overrides), partner_ticket=ticket).account_id


# ---------------------------------------------------------------------------


def test_authorization_request_uses_pkce_s256_state_and_nonce(portal, provider):
    import asyncio

    url, pending = asyncio.run(oidc.begin(REDIRECT_URI))
    query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    assert url.startswith(provider + "/auth?")
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT_URI and "openid" in query["scope"].split()
    assert query["state"] == pending.state and query["nonce"] == pending.nonce
    assert query["code_challenge_method"] == "S256"
    expected = base64.urlsafe_b64encode(hashlib.sha256(pending.code_verifier.encode()).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == expected
    assert 43 <= len(pending.code_verifier) <= 128
    with session_scope() as db:
        row = db.get(OidcLogin, pending.login_id)
        assert row.state_hash != pending.state and len(row.state_hash) == 64  # the state itself is not stored
        assert row.browser_hash == hashlib.sha256(pending.browser_key.encode()).hexdigest()


def test_full_code_flow_needs_enrolment_then_signs_in_to_challenge(portal, browser):
    # 1. First visit: the identity is linked to no account → enrolment page, identity kept for the form.
    response = callback(portal, provider_sign_in(browser, start(portal)))
    assert response.status_code == 303 and response.headers["location"] == "/fr/inscription"
    cookies = response.headers.get_list("set-cookie")
    partner_cookie = next(c for c in cookies if c.startswith(oidc.PARTNER_COOKIE + "="))
    assert "HttpOnly" in partner_cookie and "SameSite=Lax" in partner_cookie
    ticket = partner_cookie.split(";", 1)[0].split("=", 1)[1]
    with session_scope() as db:
        identity = oidc.identity_for_enrolment(db, ticket)
    assert identity.subject == "gckey-4f1c2a9e-marie"
    assert identity.email == "marie.tremblay@example.ca" and identity.email_verified
    assert (identity.given_name, identity.family_name) == ("Marie", "Tremblay")
    with session_scope() as db:
        result = enrolment.enrol(db, enrolment_form(), partner_ticket=ticket)
    assert result.status == "active"
    with session_scope() as db:
        account = db.get(Account, result.account_id)
        assert (account.oidc_issuer, account.oidc_subject) == (identity.issuer, identity.subject)
        assert oidc.identity_for_enrolment(db, ticket) is None, "the enrolment ticket works once"

    # 2. Next visit: linked → a session in stage "challenge", its cookie set by the callback itself.
    response = callback(portal, provider_sign_in(browser, start(portal)))
    assert response.headers["location"] == "/fr/question-de-securite"
    session_cookie = next(c for c in response.headers.get_list("set-cookie")
                          if c.startswith(sessions.cookie_name() + "="))
    assert "HttpOnly" in session_cookie
    token = session_cookie.split(";", 1)[0].split("=", 1)[1]
    info = sessions.lookup(token)
    assert info.account_id == result.account_id and info.stage == "challenge" and not info.is_complete
    question = signin.begin_challenge(token)
    answer = dict(enrolment_form().questions)[question.key]
    passed = signin.answer_challenge(token, answer)
    assert sessions.lookup(token) is None, "the challenge session id is replaced"
    assert sessions.lookup(passed.token).stage == "full"
    with session_scope() as db:
        actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "auth.partner_unlinked" in actions and "auth.challenge_passed" in actions
    assert actions.count("auth.sign_in") == 1


def test_english_start_returns_to_english_pages(portal, browser):
    response = callback(portal, provider_sign_in(browser, start(portal, "en"), JOHN))
    assert response.headers["location"] == "/en/enrolment"


def test_wrong_state_is_refused_and_state_works_once(portal, browser):
    callback_url = provider_sign_in(browser, start(portal))
    response = callback(portal, callback_url, state="forged-" + "x" * 30)
    assert error_code(response) == "state_mismatch"
    assert response.headers["location"].startswith("/fr/connexion?")
    assert callback(portal, callback_url).headers["location"] == "/fr/inscription"
    assert error_code(callback(portal, callback_url)) == "state_mismatch", "replay of the same state"


def test_callback_in_another_browser_is_refused(portal, browser):
    """Login CSRF: the state is bound to the browser that started the sign-in."""
    callback_url = provider_sign_in(browser, start(portal))
    with TestClient(portal.app, base_url=PORTAL_URL, follow_redirects=False) as other_browser:
        assert error_code(callback(other_browser, callback_url)) == "state_mismatch"


def test_wrong_nonce_in_id_token_is_refused(portal, browser):
    authorize_url = with_params(start(portal), nonce="attacker-chosen-nonce-0123456789")
    assert error_code(callback(portal, provider_sign_in(browser, authorize_url))) == "nonce_mismatch"


def test_issuer_mismatch_in_authorization_response(portal, browser):
    callback_url = provider_sign_in(browser, start(portal))
    assert error_code(callback(portal, callback_url, iss="http://127.0.0.1:1/evil")) == "issuer_mismatch"


def test_pkce_verifier_must_match(portal, browser):
    """The provider refuses the code when the code_verifier does not match the challenge."""
    callback_url = provider_sign_in(browser, start(portal))
    with session_scope() as db:
        row = db.exec(select(OidcLogin).order_by(OidcLogin.id.desc())).first()
        row.code_verifier = "A" * 64
        db.add(row)
    assert error_code(callback(portal, callback_url)) == "token_exchange_failed"


def test_provider_requires_pkce(portal, browser):
    authorize_url = with_params(start(portal), code_challenge=None, code_challenge_method=None)
    callback_url = provider_sign_in(browser, authorize_url)
    assert parse_qs(urlparse(callback_url).query)["error"] == ["invalid_request"]
    assert error_code(callback(portal, callback_url)) == "provider_error"


def test_cancel_at_provider(portal, browser):
    response = browser.get(start(portal))
    interaction = urljoin(str(response.url), response.headers["location"])
    page = browser.get(interaction)
    abort = urljoin(interaction, page.text.split('id="abort"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0])
    url = abort
    for _ in range(5):
        response = browser.get(url)
        url = urljoin(url, response.headers["location"])
        if url.startswith(PORTAL_URL):
            break
    assert error_code(callback(portal, url)) == "partner_cancelled"


def test_provider_checks_the_test_users_password(portal, browser):
    response = browser.get(start(portal))
    interaction = urljoin(str(response.url), response.headers["location"])
    page = browser.get(interaction)
    action = page.text.split('action="', 1)[1].split('"', 1)[0]
    refused = browser.post(urljoin(interaction, action), data={"login": MARIE[0], "password": "wrong"})
    assert refused.status_code == 401


def _tamper(monkeypatch, change):
    real = oidc._exchange_code

    async def tampered(*args, **kwargs):
        token = await real(*args, **kwargs)
        token["id_token"] = change(token["id_token"])
        return token

    monkeypatch.setattr(oidc, "_exchange_code", tampered)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _swap_subject(id_token: str) -> str:
    header, payload, signature = id_token.split(".")
    claims = json.loads(_unb64(payload))
    claims["sub"] = "gckey-9b2d7c11-john"
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


def _resign_with_foreign_key(id_token: str) -> str:
    header = json.loads(_unb64(id_token.split(".")[0]))
    claims = json.loads(_unb64(id_token.split(".")[1]))
    key = RSAKey.generate_key(2048, parameters={"kid": header["kid"]})
    return jwt.encode({"alg": "RS256", "kid": header["kid"]}, claims, key)


def _alg_none(id_token: str) -> str:
    claims = json.loads(_unb64(id_token.split(".")[1]))
    return ".".join([_b64(b'{"alg":"none","typ":"JWT"}'), _b64(json.dumps(claims).encode()), ""])


def _hs256_with_client_secret(id_token: str) -> str:
    from joserfc.jwk import OctKey

    claims = json.loads(_unb64(id_token.split(".")[1]))
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(CLIENT_SECRET.encode()))


@pytest.mark.parametrize("change", [_swap_subject, _resign_with_foreign_key, _alg_none, _hs256_with_client_secret,
                                    lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB")],
                         ids=["payload-changed", "foreign-key", "alg-none", "hs256-client-secret", "signature-cut"])
def test_tampered_id_token_is_refused(portal, browser, monkeypatch, change):
    _tamper(monkeypatch, change)
    response = callback(portal, provider_sign_in(browser, start(portal)))
    assert error_code(response) == "id_token_invalid"
    with session_scope() as db:
        assert db.exec(select(Account)).first() is None


def test_untampered_token_passes_through_the_same_hook(portal, browser, monkeypatch):
    _tamper(monkeypatch, lambda t: t)
    assert callback(portal, provider_sign_in(browser, start(portal))).headers["location"] == "/fr/inscription"


def test_closed_or_pending_linked_account_is_refused(portal, browser, portal_env):
    account_id = enrol_with_partner(portal, browser)
    with session_scope() as db:
        db.get(Account, account_id).status = "closed"
    assert error_code(callback(portal, provider_sign_in(browser, start(portal)))) == "account_closed"
    with session_scope() as db:
        db.get(Account, account_id).status = "pending"
    assert error_code(callback(portal, provider_sign_in(browser, start(portal)))) == "account_pending"


def test_identity_already_linked_cannot_enrol_twice(portal, browser):
    """Two enrolment tickets for the same identity (two tabs): only one account gets linked."""
    tickets = []
    for _ in range(2):
        response = callback(portal, provider_sign_in(browser, start(portal)))
        assert response.headers["location"] == "/fr/inscription"
        tickets.append(portal.cookies.get(oidc.PARTNER_COOKIE))
    with session_scope() as db:
        enrolment.enrol(db, enrolment_form(), partner_ticket=tickets[0])
    with pytest.raises(accounts.ValidationFailed) as refused:
        with session_scope() as db:
            enrolment.enrol(db, enrolment_form(username="marie.t2"), partner_ticket=tickets[1])
    assert refused.value.codes == {"partner": ["partner_already_linked"]}
    # Now linked: the callback signs in instead of offering enrolment.
    response = callback(portal, provider_sign_in(browser, start(portal)))
    assert urlparse(response.headers["location"]).path == "/fr/question-de-securite"


def test_enrolment_ticket_expires(portal, browser):
    callback(portal, provider_sign_in(browser, start(portal)))
    ticket = portal.cookies.get(oidc.PARTNER_COOKIE)
    with session_scope() as db:
        row = db.exec(select(OidcLogin).where(OidcLogin.enrolment_ticket_hash.is_not(None))).one()
        row.enrolment_expires_at = row.created_at
        db.add(row)
    with pytest.raises(accounts.ValidationFailed) as refused:
        with session_scope() as db:
            enrolment.enrol(db, enrolment_form(), partner_ticket=ticket)
    assert refused.value.codes == {"partner": ["partner_expired"]}


def test_unconfigured_partner_redirects_with_code(migrated_db, portal_env):
    portal_env(RAR_PUBLIC_URL=PORTAL_URL, RAR_DEMO="false")  # demo mode would bring the demo partner
    oidc.clear_caches()
    with TestClient(Starlette(routes=oidc.oidc_routes()), base_url=PORTAL_URL, follow_redirects=False) as client:
        response = client.get("/api/oidc/start?lang=en")
    assert response.headers["location"] == "/en/sign-in?oidc_error=oidc_unavailable"
