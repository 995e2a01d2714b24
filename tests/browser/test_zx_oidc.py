"""Sign-In Partner in a real browser, through a real OpenID Connect provider
(panva's oidc-provider from tests/integration/oidc_provider, on loopback): the
"Partenaire de connexion" button, the provider's login page, back to the
portal's enrolment form prefilled from the identity, then — once an
administrator has approved the enrolment — the partner sign-in lands on the
security question and the account home. Also: cancelling at the provider.

The portal runs with RAR_OIDC_ISSUER/CLIENT_ID/CLIENT_SECRET pointing at the
provider and without automatic approval of enrolments, on a port chosen before
the provider starts (its client's redirect URI must name it). Named zx: it runs
late, since switching servers rebuilds."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import threading

import pytest

from tests.browser.conftest import answer_challenge, visit
from tests.browser.harness import PortalServer, assert_accessible, free_port, wait_ready, close_context
from tests.browser.test_accounts import (
    ANSWERS,
    PASSWORD,
    PATHS,
    account_row,
    clear_address_throttle,
    new_username,
    wait_text,
)
from tests.browser.test_accounts_profile import admin_decides

CLIENT_ID = "rar-portal-browser-test"
CLIENT_SECRET = "rar-portal-browser-test-secret-0123456789"
USERS = {"fr": ("marie.tremblay", "Partenaire-2026!", "Marie", "Tremblay", "marie.tremblay@example.ca"),
         "en": ("john.smith", "Partner-2026!", "John", "Smith", "john.smith@example.ca")}


@pytest.fixture(scope="module")
def oidc_setup(server_pool):
    """(portal, issuer): the provider on loopback, and a portal configured for it."""
    from tests.integration.test_oidc_flow import PROVIDER_DIR, _install_provider

    _install_provider()
    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/api/oidc/callback"
    env = dict(os.environ, CLIENT_ID=CLIENT_ID, CLIENT_SECRET=CLIENT_SECRET, REDIRECT_URIS=redirect_uri)
    proc = subprocess.Popen([shutil.which("node") or "node", "provider.js"], cwd=PROVIDER_DIR, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        for line in proc.stdout:
            log.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        issuer = None
        while issuer is None:
            try:
                line = lines.get(timeout=30)
            except queue.Empty:
                pytest.fail("the OIDC provider did not start:\n" + "".join(log))
            if line.startswith("READY "):
                issuer = line.split()[1].strip()
        portal = _portal_on(server_pool, port, {
            "RAR_OIDC_ISSUER": issuer, "RAR_OIDC_CLIENT_ID": CLIENT_ID, "RAR_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "RAR_AUTO_APPROVE_ENROLMENTS": "false",
        })
        yield portal, issuer
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _portal_on(server_pool, port: int, extra_env: dict[str, str]) -> PortalServer:
    """server_pool.get, but on a port known in advance."""
    key = "oidc"
    if server_pool.current_key == key:
        return server_pool.current
    server_pool.close()
    server = PortalServer(key, extra_env)
    server.port = port
    server.base_url = f"http://127.0.0.1:{port}"
    server.env["RAR_PORT"] = str(port)
    server_pool.current = server.start()
    server_pool.current_key = key
    return server


@pytest.fixture(autouse=True)
def _fresh_address_counter(oidc_setup):
    clear_address_throttle(oidc_setup[0])
    yield
    clear_address_throttle(oidc_setup[0])


def partner_sign_in(page, portal, lang: str, user) -> None:
    """From the portal's sign-in page through the provider's login page (when it asks)."""
    visit(page, portal, PATHS["sign_in"][lang], lang, axe=False)
    before = page.url
    page.click("#partner-sign-in")
    # At the provider's login page, or already back (the provider remembers its session).
    page.wait_for_url(lambda url: url != before and "/api/oidc/" not in url)
    if page.locator("#login-form").count() or "/interaction/" in page.url:
        page.locator("#login-form").wait_for()
        page.fill("input[name=login]", user[0])
        page.fill("input[name=password]", user[1])
        page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(portal.base_url))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_partner_enrolment_then_admin_approval_then_partner_sign_in(oidc_setup, browser, lang):
    portal, _issuer = oidc_setup
    user = USERS[lang]
    ctx = browser.new_context()
    page = ctx.new_page()
    try:
        # First visit: an identity linked to no account → the enrolment form, prefilled.
        partner_sign_in(page, portal, lang, user)
        page.wait_for_url(re.compile(re.escape(PATHS["enrol"][lang]) + r"/?$"))
        wait_ready(page, lang)
        page.locator("#partner-notice").wait_for()
        assert user[2] in page.locator("#partner-notice").inner_text()
        page.wait_for_function("(v) => document.querySelector('#email').value === v", arg=user[4])
        assert page.input_value("#family_name") == user[3] and page.input_value("#given_names") == user[2]
        assert_accessible(page, "enrolment from the Sign-In Partner")
        username = new_username(f"partner{lang}")
        page.fill("#phone", "418-555-0177")
        page.fill("#business_name", "Cabinet Partenaire")
        page.fill("#business_address", "5, rue du Fleuve, Québec")
        page.select_option("#regulatory_body", "CNQ" if lang == "fr" else "LSO")
        page.fill("#membership_number", f"M-{username[-6:]}9")
        for n, (key, answer) in enumerate(ANSWERS.items(), start=1):
            page.select_option(f"#question_{n}", key)
            page.fill(f"#answer_{n}", answer)
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.fill("#password_confirmation", PASSWORD)
        page.click("#already_enrolled-no")
        page.click("#enrol-submit")
        page.locator("#enrol-done").wait_for()
        assert page.locator("#enrol-done").get_attribute("data-status") == "pending"
        assert_accessible(page, "enrolment pending")
        account = account_row(portal, username)
        assert account.status == "pending" and account.oidc_subject and account.oidc_issuer

        # Not approved yet: the partner sign-in says so on the sign-in page.
        partner_sign_in(page, portal, lang, user)
        page.wait_for_url(re.compile(re.escape(PATHS["sign_in"][lang]) + r"/?\?oidc_error=account_pending"))
        wait_ready(page, lang)
        wait_text(page, "#notice", "Votre inscription n’a pas encore été approuvée" if lang == "fr"
                  else "Your enrolment has not yet been approved")
        assert_accessible(page, "partner sign-in refused")

        admin_decides(browser, portal, lang, "enrolment", username)
        assert account_row(portal, username).status == "active"

        # Now the partner sign-in lands on the security question, then the account home.
        partner_sign_in(page, portal, lang, user)
        page.wait_for_url("**" + PATHS["challenge"][lang] + "**")
        page.wait_for_function("!!document.querySelector('#challenge-question')?.dataset.questionKey")
        key = page.locator("#challenge-question").get_attribute("data-question-key")
        answer_challenge(page, lang, ANSWERS[key])
        page.wait_for_url("**" + PATHS["home"][lang] + "**")
        wait_ready(page, lang)
        visit(page, portal, PATHS["profile"][lang], lang, axe=False)
        wait_text(page, "#profile-partner", "Associé à ce compte" if lang == "fr" else "Linked to this account")
        # The same account signs in with its own credential too.
    finally:
        close_context(ctx)


def test_cancelling_at_the_partner_returns_to_sign_in_with_a_message(oidc_setup, page):
    portal, _issuer = oidc_setup
    visit(page, portal, PATHS["sign_in"]["fr"], "fr", axe=False)
    page.click("#partner-sign-in")
    page.locator("#login-form").wait_for()
    page.click("#abort")
    page.wait_for_url(re.compile(r"/fr/connexion/?\?oidc_error=partner_cancelled"))
    wait_ready(page, "fr")
    wait_text(page, "#notice", "La connexion par le partenaire a été annulée.")
