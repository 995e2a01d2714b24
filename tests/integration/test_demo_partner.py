"""The embedded demo Sign-In Partner (issue 17, point 8) over real HTTP: its routes run
in Granian on loopback (the provider side, as in `./run`), the portal's /api/oidc/*
routes in Starlette's TestClient, both on one database and one data folder (the
client secret is derived from the same portal key). An httpx client plays the
browser at the identity chooser. Demo mode, no RAR_OIDC_ISSUER: the settings point
the portal at the demo partner by themselves."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rar_app.db import session_scope
from rar_app.models import Account, DemoPartnerCode
from rar_app.services.identity import sessions, demo_partner, enrolment, oidc, signin
from rar_app.settings import get_settings, load_settings
from tests.browser.harness import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def partner(migrated_db, portal_env):
    """(portal TestClient, public URL): the demo partner in Granian, the portal's routes in-process."""
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    portal_env(RAR_PUBLIC_URL=public_url, RAR_DEMO="true", RAR_AUTO_APPROVE_ENROLMENTS="true")
    settings = get_settings()
    assert settings.demo_partner and settings.oidc_issuer == public_url + "/demo-partner"
    env = {k: v for k, v in os.environ.items()}
    env.update(RAR_PUBLIC_URL=public_url, RAR_DATA_DIR=str(settings.data_dir), RAR_DATABASE_URL=settings.database_url,
               PYTHONPATH=str(ROOT))
    granian = shutil.which("granian", path=str(Path(sys.executable).parent)) or "granian"
    proc = subprocess.Popen([granian, "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "1", "tests.integration.demo_partner_app:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                if httpx.get(public_url + "/demo-partner/jwks", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail("the demo partner did not start")
            time.sleep(0.2)
        oidc.clear_caches()
        with TestClient(Starlette(routes=oidc.oidc_routes()), base_url=public_url, follow_redirects=False) as client:
            yield client, public_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def choose(browser: httpx.Client, authorize_url: str, subject: str | None, *, lang: str = "fr") -> str:
    """At the chooser: pick an identity (None: cancel); returns the callback URL."""
    page = browser.get(authorize_url)
    assert page.status_code == 200 and f'lang="{lang}"' in page.text and 'id="identity-form"' in page.text
    fields = {}
    for chunk in page.text.split('<input type="hidden" ')[1:]:
        name = chunk.split('name="', 1)[1].split('"', 1)[0]
        value = chunk.split('value="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        fields[name] = value
    fields.update({"identity": subject} if subject else {"decision": "cancel"})
    answer = browser.post(urljoin(authorize_url, "/demo-partner/authorize"), data=fields)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def back_at_portal(portal: TestClient, callback_url: str) -> httpx.Response:
    parsed = urlparse(callback_url)
    return portal.get(f"{parsed.path}?{parsed.query}")


def test_enrol_then_sign_in_through_the_demo_partner(partner):
    portal, public_url = partner
    marie = demo_partner.IDENTITIES[0]
    with httpx.Client(follow_redirects=False, timeout=15) as browser:
        start = portal.get("/api/oidc/start?lang=fr")
        assert start.status_code == 303 and start.headers["location"].startswith(public_url + "/demo-partner/authorize?")
        response = back_at_portal(portal, choose(browser, start.headers["location"], marie.subject))
        assert response.status_code == 303 and response.headers["location"] == "/fr/inscription"
        ticket = portal.cookies.get(oidc.PARTNER_COOKIE)
        with session_scope() as db:
            identity = oidc.identity_for_enrolment(db, ticket)
            assert (identity.issuer, identity.subject) == (public_url + "/demo-partner", marie.subject)
            assert (identity.given_name, identity.family_name, identity.email) == ("Marie", "Tremblay", marie.email)
            assert identity.email_verified
            assert db.exec(DemoPartnerCode.__table__.select()).first() is None, "the code was used once and deleted"
        from tests.integration.test_oidc_flow import enrolment_form

        with session_scope() as db:
            result = enrolment.enrol(db, enrolment_form(username="marie.demo"), partner_ticket=ticket)
        assert result.status == "active"

        # Next time: the identity is linked → a session in stage "challenge" for the security
        # question; the callback (the browser that started the sign-in) sets its cookie itself,
        # no token in any address.
        start = portal.get("/api/oidc/start?lang=en")
        response = back_at_portal(portal, choose(browser, start.headers["location"], marie.subject, lang="en"))
        assert response.status_code == 303
        assert response.headers["location"] == "/en/security-question"
        token = sessions.token_from_cookie_header("; ".join(
            c.split(";", 1)[0] for c in response.headers.get_list("set-cookie")))
        assert token and token not in response.headers["location"]
        info = sessions.lookup(token)
        assert info is not None and info.stage == "challenge" and info.account_id == result.account_id
        with session_scope() as db:
            assert db.get(Account, result.account_id).oidc_subject == marie.subject


def test_cancel_a_foreign_client_and_a_replayed_code_are_refused(partner):
    portal, public_url = partner
    with httpx.Client(follow_redirects=False, timeout=15) as browser:
        start = portal.get("/api/oidc/start?lang=fr")
        response = back_at_portal(portal, choose(browser, start.headers["location"], None))
        assert parse_qs(urlparse(response.headers["location"]).query)["oidc_error"] == ["partner_cancelled"]

        # Another client, or another return address: refused at the partner, redirected nowhere.
        query = parse_qs(urlparse(start.headers["location"]).query)
        for change in ({"client_id": "intruder"}, {"redirect_uri": "https://evil.example/cb"}):
            bad = {k: v[0] for k, v in query.items()} | change
            answer = browser.get(public_url + "/demo-partner/authorize?" + urlencode(bad))
            assert answer.status_code == 400 and "location" not in answer.headers

        # A code works once, and only with the portal's secret and its PKCE verifier.
        start = portal.get("/api/oidc/start?lang=fr")
        callback = choose(browser, start.headers["location"], demo_partner.IDENTITIES[1].subject)
        code = parse_qs(urlparse(callback).query)["code"][0]
        settings = get_settings()
        stolen = browser.post(public_url + "/demo-partner/token",
                              data={"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": public_url + oidc.CALLBACK_PATH},
                              auth=(settings.oidc_client_id, "wrong-secret"))
        assert stolen.status_code == 401
        no_verifier = browser.post(public_url + "/demo-partner/token",
                                   data={"grant_type": "authorization_code", "code": code,
                                         "redirect_uri": public_url + oidc.CALLBACK_PATH},
                                   auth=(settings.oidc_client_id, settings.oidc_client_secret))
        assert no_verifier.status_code == 400
        assert back_at_portal(portal, callback).headers["location"] == "/fr/inscription"
        replay = browser.post(public_url + "/demo-partner/token",
                              data={"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": public_url + oidc.CALLBACK_PATH},
                              auth=(settings.oidc_client_id, settings.oidc_client_secret))
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_key_in_the_data_folder_0600_and_never_in_production(partner):
    key_file = get_settings().data_dir / demo_partner.KEY_FILE
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "d" not in demo_partner.public_jwks()["keys"][0], "the JWKS carries the public key only"
    production = load_settings({"RAR_ENV": "production", "RAR_DEMO": "false", "RAR_SECRET_KEY": "x" * 40,
                                "RAR_PUBLIC_URL": "https://rar.example", "RAR_PAYMENT_PROVIDER": "tests.fake"},
                               refuse_unsafe=False)
    assert not production.demo_partner and not oidc.is_configured(production)
    development_off = load_settings({"RAR_DEMO": "false", "RAR_DATA_DIR": str(key_file.parent)})
    assert not development_off.demo_partner and development_off.oidc_issuer is None
