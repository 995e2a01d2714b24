"""Issue 14, points 4 and « secrets never in state », in a real browser:

- the session is handed over by a one-time ticket posted in a form body: no ticket and
  no session token in any address the browser loads or keeps (requests, navigations);
- the ticket is bound to the browser that signed in (its pre-sign-in cookie): replayed
  there it is refused (used once), posted from another browser it is refused and burnt;
- the password and the security answer never reach the page's state: typing them sends
  nothing over the websocket, and no state delta the server sends back carries them."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from rar_app.services.identity import demo_accounts, sessions
from tests.browser.conftest import CHALLENGE_PATHS, answer_challenge, demo_answer, visit
from tests.browser.harness import assert_accessible, close_context, wait_ready
from tests.browser.test_accounts import PATHS, clear_address_throttle

ESTABLISH = "**/api/session/establish"


def _post_ticket_script(ticket: str, next_path: str) -> str:
    return ("(() => {const f = document.createElement('form'); f.method = 'post';"
            " f.action = '/api/session/establish';"
            f" for (const [k, v] of Object.entries({json.dumps({'ticket': ticket, 'next': next_path})}))"
            " {const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;"
            " f.appendChild(i);} document.body.appendChild(f); f.submit();})()")


def _watch(page):
    seen = {"urls": [], "ws_sent": [], "ws_received": [], "tickets": []}
    page.on("request", lambda r: seen["urls"].append(r.url))
    page.on("framenavigated", lambda f: seen["urls"].append(f.url))

    def on_ws(ws):
        ws.on("framesent", lambda payload: seen["ws_sent"].append(str(payload)))
        ws.on("framereceived", lambda payload: seen["ws_received"].append(str(payload)))

    page.on("websocket", on_ws)

    def capture(route):
        body = route.request.post_data or ""
        seen["tickets"].append(dict(p.split("=", 1) for p in body.split("&") if "=" in p).get("ticket", ""))
        route.continue_()

    page.route(ESTABLISH, capture)
    return seen


def _session_cookie(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == sessions.cookie_name()), None)


def test_no_token_in_any_address_and_tickets_work_once_in_their_own_browser(portal, browser):
    clear_address_throttle(portal)
    lang = "fr"
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    seen = _watch(page)
    visit(page, portal, PATHS["sign_in"][lang], lang)
    presign = [c for c in ctx.cookies() if c["name"] == sessions.presign_cookie_name()]
    assert len(presign) == 1 and presign[0]["httpOnly"], "the first page gives an HttpOnly pre-sign-in cookie"

    password = demo_accounts.DEMO_PASSWORD
    page.fill("#username", "demo.rep")
    sent_before = len(seen["ws_sent"])
    page.type("#password", password)
    assert not any(password in frame for frame in seen["ws_sent"][sent_before:]), "typing sends nothing"
    page.click("#sign-in-submit")
    page.wait_for_url("**" + CHALLENGE_PATHS[0] + "**")
    wait_ready(page, lang)
    page.wait_for_function("!!document.querySelector('#challenge-question')?.dataset.questionKey")
    answer = demo_answer(page.locator("#challenge-question").get_attribute("data-question-key") or "")
    sent_before = len(seen["ws_sent"])
    page.type("#answer", answer)
    assert not any(answer in frame for frame in seen["ws_sent"][sent_before:])
    page.click("#challenge-submit")
    page.wait_for_url("**" + PATHS["home"][lang] + "**")
    wait_ready(page, lang)
    page.locator("#session-timeout-tick").wait_for(state="attached")

    token = _session_cookie(ctx)
    assert token and len(seen["tickets"]) == 2 and all(seen["tickets"])
    for secret in [token, *seen["tickets"]]:
        assert not any(secret in url for url in seen["urls"]), "no ticket or token in any address"
    assert not any("ticket" in url for url in seen["urls"])
    assert not any(password in f or answer in f for f in seen["ws_received"]), "no secret in any state delta"
    assert page.evaluate("location.href").find(token) < 0

    # Replayed in the same browser: used once.
    page.evaluate(_post_ticket_script(seen["tickets"][1], PATHS["home"][lang]))
    page.wait_for_url("**" + PATHS["sign_in"][lang] + "**expired=1")
    assert _session_cookie(ctx) == token, "a refused ticket sets nothing"
    close_context(ctx)


def test_a_ticket_posted_from_another_browser_is_refused_and_burnt(portal, browser):
    clear_address_throttle(portal)
    lang = "en"
    victim = browser.new_context(viewport={"width": 1280, "height": 900})
    attacker = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = victim.new_page()
    held: list[str] = []

    def hold(route):  # the attacker's copy: the victim's own post never leaves the browser
        body = route.request.post_data or ""
        held.append(dict(p.split("=", 1) for p in body.split("&") if "=" in p)["ticket"])
        route.abort()

    page.route(ESTABLISH, hold)
    visit(page, portal, PATHS["sign_in"][lang], lang, axe=False)
    page.fill("#username", "demo.rep")
    page.fill("#password", demo_accounts.DEMO_PASSWORD)
    with page.expect_request(ESTABLISH, timeout=60_000):
        page.click("#sign-in-submit")
    other_page = attacker.new_page()
    visit(other_page, portal, PATHS["sign_in"][lang], lang, axe=False)  # (the route handler has run by now)
    assert held, "the sign-in posted its ticket"
    other_page.evaluate(_post_ticket_script(held[0], PATHS["challenge"][lang]))
    other_page.wait_for_url("**" + PATHS["sign_in"][lang] + "**expired=1")
    wait_ready(other_page, lang)
    expect(other_page.locator("#notice")).to_be_visible()
    assert_accessible(other_page, "refused ticket, 375 px")
    assert _session_cookie(attacker) is None, "the other browser got no session"
    # The right browser cannot use it any more either: the foreign try burnt it.
    page.unroute(ESTABLISH)
    visit(page, portal, PATHS["sign_in"][lang], lang, axe=False)  # (the aborted post left an error page)
    page.evaluate(_post_ticket_script(held[0], PATHS["challenge"][lang]))
    page.wait_for_url("**" + PATHS["sign_in"][lang] + "**expired=1")
    assert _session_cookie(victim) is None
    close_context(attacker)
    close_context(victim)
