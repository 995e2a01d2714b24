"""Issue 14, points 1 and 5 in a real browser.

1. A training deployment others can reach (demo mode on a non-loopback address) prints
   generated administrator and staff passwords once; the published password does not
   open those accounts there.
5. Pages run under a CSP (default-src 'self', script-src listing the page's own inline
   scripts) without a violation, and the websocket and CORS refuse other origins: a page
   from another site cannot open the portal's websocket nor read its answers.
(Named zw: the training deployment replaces the embedded-default server.)"""

from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import expect

from rar_app.services.office.demo import DEMO_PASSWORD
from tests.browser.conftest import CHALLENGE_PATHS, sign_in, visit
from tests.browser.harness import REPO, PortalServer

EVIL = "http://evil.example"

# Opens the portal's websocket (Socket.IO over a plain websocket) and says what happened.
WS_PROBE = """async (url) => await new Promise((resolve) => {
    let ws;
    try { ws = new WebSocket(url); } catch (e) { resolve('throw'); return; }
    const timer = setTimeout(() => resolve('timeout'), 8000);
    ws.onopen = () => { clearTimeout(timer); ws.close(); resolve('open'); };
    ws.onerror = () => { clearTimeout(timer); resolve('error'); };
})"""

FETCH_PROBE = """async (url) => {
    try { const r = await fetch(url, {credentials: 'include'}); return 'read:' + r.status; }
    catch (e) { return 'blocked'; }
}"""


def _ws_url(portal) -> str:
    return portal.base_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"


def test_pages_run_under_the_csp_and_other_origins_are_refused(portal, browser):
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(portal.url("/fr/connexion/"))
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "'sha256-" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "strict-transport-security" not in response.headers  # plain http on loopback
    # The whole sign-in runs over the websocket: it works under the policy.
    sign_in(page, portal, "fr")
    visit(page, portal, "/fr/rechercher-demandes-soumises", "fr", axe=False)
    assert not violations, violations
    # Same origin (control): the websocket opens and the API answers.
    assert page.evaluate(WS_PROBE, _ws_url(portal)) == "open"
    assert page.evaluate(FETCH_PROBE, portal.url("/api/health")) == "read:200"
    # Reflex's public upload folder serves nothing (client documents are never kept there).
    assert page.evaluate(FETCH_PROBE, portal.url("/_upload/passeport.pdf")) == "read:404"

    # A page from another site, in the same browser (the session cookie is there).
    evil = context.new_page()
    evil.route(EVIL + "/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>x</title><p>hello</p>"))
    evil.goto(EVIL + "/")
    assert evil.evaluate(WS_PROBE, _ws_url(portal)) == "error"
    assert evil.evaluate(FETCH_PROBE, portal.url("/api/health")) == "blocked"
    context.close()


def test_a_reachable_training_deployment_does_not_open_admin_with_the_published_password(server_pool, browser):
    server_pool.close()  # one portal at a time on this small machine
    training = PortalServer("training", {"RAR_HOST": "0.0.0.0"})
    training.env["RAR_PUBLIC_URL"] = training.base_url
    try:
        check = subprocess.run([sys.executable, "-m", "rar_app.manage", "check-config"], cwd=REPO,
                               env=training.env, capture_output=True, text=True, check=True)
        assert "reachable from other machines" in check.stdout
        init = subprocess.run([sys.executable, "-m", "rar_app.manage", "init"], cwd=REPO, env=training.env,
                              capture_output=True, text=True, check=True)
        printed = dict(re.findall(r"^\s+(demo\.(?:admin|staff))\s+(\S+)$", init.stdout, re.M))
        assert set(printed) == {"demo.admin", "demo.staff"}, init.stdout
        again = subprocess.run([sys.executable, "-m", "rar_app.manage", "init"], cwd=REPO, env=training.env,
                               capture_output=True, text=True, check=True)
        assert printed["demo.admin"] not in again.stdout  # printed once
        training.start()

        page = browser.new_context().new_page()
        for username in ("demo.admin", "demo.staff"):
            visit(page, training, "/fr/connexion", "fr", axe=False)
            page.fill("#username", username)
            page.fill("#password", DEMO_PASSWORD)
            page.click("#sign-in-submit")
            page.locator("#error-summary").wait_for()
            assert "/connexion" in page.url
        # The generated password opens the administrator account (then the security question).
        visit(page, training, "/fr/connexion", "fr", axe=False)
        page.fill("#username", "demo.admin")
        page.fill("#password", printed["demo.admin"])
        page.click("#sign-in-submit")
        page.wait_for_url("**" + CHALLENGE_PATHS[0] + "**")
        expect(page.locator("#challenge-question")).to_be_visible()
        # The representatives keep the published password (training material).
        sign_in(page.context.new_page(), training, "fr")
    finally:
        training.stop()
