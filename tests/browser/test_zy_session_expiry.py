"""The idle-session warning and the expiry, against a portal started with short
lifetimes (RAR_SESSION_IDLE_MINUTES=2, RAR_SESSION_IDLE_WARNING_MINUTES=1): the
warning appears a minute before the end, "Rester connecté" refreshes the
session on the server, and after the end the timer — or the next event, or the
next page — sends the browser to sign-in with "Votre session a expiré".
(Named zy: it runs late, since switching servers rebuilds.)"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_accessible, wait_ready
from tests.browser.test_accounts import PATHS, portal_db, wait_text

SHORT = {"RAR_SESSION_IDLE_MINUTES": "2", "RAR_SESSION_IDLE_WARNING_MINUTES": "1"}


@pytest.fixture(scope="module")
def short_portal(server_pool):
    return server_pool.get("short-session", SHORT)


def session_row(portal, username: str = "demo.rep"):
    from rar_app.db import session_scope
    from rar_app.models import Account, AuthSession

    with portal_db(portal), session_scope() as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        row = db.exec(select(AuthSession).where(AuthSession.account_id == account.id, AuthSession.stage == "full",
                                                AuthSession.revoked_at.is_(None))
                      .order_by(AuthSession.id.desc())).first()
        db.expunge(row)
        return row


def age_session(portal, seconds: int, username: str = "demo.rep") -> None:
    """Make the newest full session of `username` look idle for `seconds` more."""
    from rar_app.db import session_scope
    from rar_app.models import AuthSession

    row_id = session_row(portal, username).id
    with portal_db(portal), session_scope() as db:
        row = db.get(AuthSession, row_id)
        row.last_seen_at = row.last_seen_at - timedelta(seconds=seconds)
        db.add(row)


def tick(page) -> None:
    """What the browser timer does when it fires: ask the server where the session stands."""
    page.evaluate("document.getElementById('session-timeout-tick').click()")


def test_warning_stay_signed_in_then_expiry_by_the_timer(short_portal, page):
    sign_in(page, short_portal, "fr")
    # No warning at first; it comes by itself a minute before the idle end.
    assert page.locator("#session-timeout").count() == 0
    page.locator("#session-timeout").wait_for(timeout=100_000)
    wait_ready(page, "fr")
    text = page.locator("#session-timeout").inner_text()
    assert "Votre session va bientôt expirer" in text and "1 minute(s)" in text
    page.wait_for_function("document.activeElement?.id === 'session-timeout-stay'")
    assert page.locator("#session-timeout").get_attribute("role") == "alertdialog"
    assert_accessible(page, "idle warning")

    before = session_row(short_portal).last_seen_at
    page.click("#session-timeout-stay")
    page.locator("#session-timeout").wait_for(state="detached")
    assert session_row(short_portal).last_seen_at > before, "Rester connecté refreshes the session on the server"

    # A minute of inactivity later (aged on the server), the warning is back...
    age_session(short_portal, 65)
    tick(page)
    page.locator("#session-timeout").wait_for()
    # ...and with nothing done, the timer ends it: back to sign-in, with the reason.
    page.wait_for_url(re.compile(r"/fr/connexion/?\?expired=1"), timeout=100_000)
    wait_ready(page, "fr")
    wait_text(page, "#notice", "Votre session a expiré")
    assert_accessible(page, "expired")
    page.goto(short_portal.url(PATHS["home"]["fr"]))
    page.wait_for_url("**/fr/connexion**")


def test_next_event_after_expiry_goes_to_sign_in_in_english(short_portal, page):
    sign_in(page, short_portal, "en")
    visit(page, short_portal, PATHS["profile"]["en"], "en", axe=False)
    page.locator("#profile-username").wait_for()
    age_session(short_portal, 200)  # past the idle end, before the browser timer noticed
    page.click("#language-save")  # any event that touches data re-checks the session
    page.wait_for_url(re.compile(r"/en/sign-in/?\?expired=1"))
    wait_ready(page, "en")
    wait_text(page, "#notice", "Your session has expired")


def test_next_page_after_expiry_goes_to_sign_in(short_portal, page):
    sign_in(page, short_portal, "fr")
    age_session(short_portal, 200)
    page.goto(short_portal.url(PATHS["profile"]["fr"]))
    page.wait_for_url(re.compile(r"/fr/connexion/?\?expired=1"))
    wait_ready(page, "fr")
    wait_text(page, "#notice", "Votre session a expiré")
