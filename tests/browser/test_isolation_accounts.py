"""One representative can neither read nor change another's account through any
account page or event handler — not even by forging websocket events.

A tap sits between the page and the portal's websocket (Playwright's
route_web_socket): it records every frame both ways and can send events the
page never offered, on the page's own connection, with any handler name and
arguments. The account handlers take no account id at all (the session decides
whose account it is); the administrators' handlers take request ids and refuse
anyone who is not an administrator; unknown ids answer "not found". A tab that
changes hands (sign-out, then someone else signs in) starts from a fresh
Reflex state, so the previous person's rows never reach the next one."""

from __future__ import annotations

import json
import re

from rar_app.services.identity import accounts, own_account
from tests.browser.conftest import visit
from tests.browser.harness import wait_ready
from tests.browser.test_accounts import (  # noqa: F401  (the autouse fixture)
    PASSWORD,
    PATHS,
    _fresh_address_counter,
    account_row,
    create_account,
    portal_db,
    sign_in_admin,
    sign_in_as,
    sign_out,
    wait_text,
)

STATE = "reflex___state____state.rar_app___pages___"
HANDLERS = {
    "admin_approve": STATE + "account_admin____admin_state.approve",
    "admin_refuse": STATE + "account_admin____admin_state.refuse",
    "admin_load": STATE + "account_admin____admin_state.load",
    "admin_proof": STATE + "account_admin____admin_state.download_proof",
    "profile_load": STATE + "account_profile____profile_state.load",
    "email_set": STATE + "account_profile____email_state.set_value",
    "email_submit": STATE + "account_profile____email_state.submit",
    "closure_confirm": STATE + "account_requests____closure_state.confirm",
}


class SocketTap:
    """Records the page's websocket frames and sends forged events on its connection."""

    def __init__(self, page):
        self.sent: list[str] = []
        self.received: list[str] = []
        self.server = None
        page.route_web_socket(re.compile(r"/_event"), self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()
        self.server = server

        def up(message):
            self.sent.append(message if isinstance(message, str) else "")
            server.send(message)

        def down(message):
            self.received.append(message if isinstance(message, str) else "")
            ws.send(message)

        ws.on_message(up)
        server.on_message(down)

    def mark(self) -> int:
        return len(self.received)

    def received_since(self, mark: int) -> str:
        return "\n".join(self.received[mark:])

    def wait_for(self, page, text: str, mark: int, timeout_s: float = 20) -> None:
        """Until a frame received since `mark` contains `text`."""
        for _ in range(int(timeout_s * 10)):
            if text in self.received_since(mark):
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"no frame with {text!r}")

    def forge(self, handler: str, payload: dict) -> None:
        """Send an event as the page would, for any handler and arguments."""
        template = next(m for m in reversed(self.sent) if m.startswith("42") and '"event"' in m)
        prefix, _, body = template.partition("[")
        frame = json.loads("[" + body)
        event = frame[1] if isinstance(frame[1], dict) else json.loads(frame[1])
        event = dict(event, name=handler, payload=payload)
        frame[1] = event if isinstance(frame[1], dict) else json.dumps(event)
        self.server.send(prefix + json.dumps(frame))


def open_request(portal, username: str, kind: str = "close") -> int:
    from rar_app.db import session_scope

    account_id = account_row(portal, username).id
    with portal_db(portal), session_scope() as db:
        return own_account.request_closure(db, account_id, reason="test")


def request_status(portal, request_id: int) -> str:
    from rar_app.db import session_scope
    from rar_app.models import AccountRequest

    with portal_db(portal), session_scope() as db:
        return db.get(AccountRequest, request_id).status


def test_representative_cannot_decide_or_list_requests_by_forging_admin_events(portal, page):
    victim = create_account(portal, "victime")
    request_id = open_request(portal, victim)
    tap = SocketTap(page)
    attacker = create_account(portal, "pirate")
    sign_in_as(page, portal, "fr", attacker)
    visit(page, portal, PATHS["profile"]["fr"], "fr", axe=False)
    page.locator("#profile-username").wait_for()

    mark = tap.mark()
    tap.forge(HANDLERS["admin_load"], {})
    page.wait_for_url(re.compile(r"/fr/connexion/?\?expired=1"))
    wait_ready(page, "fr")
    visit(page, portal, PATHS["profile"]["fr"], "fr", axe=False)  # still signed in: only refused
    page.locator("#profile-username").wait_for()
    tap.forge(HANDLERS["admin_approve"], {"request_id": request_id})
    page.wait_for_url(re.compile(r"/fr/connexion/?\?expired=1"))
    wait_ready(page, "fr")
    visit(page, portal, PATHS["profile"]["fr"], "fr", axe=False)
    page.locator("#profile-username").wait_for()
    tap.forge(HANDLERS["admin_refuse"], {"request_id": request_id})
    page.wait_for_url(re.compile(r"/fr/connexion/?\?expired=1"))
    wait_ready(page, "fr")
    visit(page, portal, PATHS["profile"]["fr"], "fr", axe=False)
    page.locator("#profile-username").wait_for()
    tap.forge(HANDLERS["admin_proof"], {"request_id": request_id})
    page.wait_for_url(re.compile(r"/fr/connexion/?\?expired=1"))

    assert request_status(portal, request_id) == "open"
    assert account_row(portal, victim).status == "active"
    frames = tap.received_since(mark)
    assert victim not in frames and f"{victim}@example.ca" not in frames
    assert "_download" not in frames


def test_account_handlers_act_only_on_the_session_account(portal, page):
    victim = create_account(portal, "cible")
    victim_id = account_row(portal, victim).id
    tap = SocketTap(page)
    attacker = create_account(portal, "intrus")
    sign_in_as(page, portal, "en", attacker)
    visit(page, portal, PATHS["email"]["en"], "en", axe=False)
    page.locator("#current-email").wait_for()
    mark = tap.mark()

    # A foreign id as an extra argument is not an argument these handlers have.
    tap.forge(HANDLERS["profile_load"], {"account_id": victim_id})
    tap.forge(HANDLERS["closure_confirm"], {"account_id": victim_id})
    # Changing "the" e-mail address changes the signed-in account's, whatever the page sends.
    # The password is a secret: read from the submitted form, never kept in the state.
    tap.forge(HANDLERS["email_set"], {"field": "email", "value": "detourne@example.ca"})
    tap.forge(HANDLERS["email_submit"], {"form": {"email": "detourne@example.ca", "password": PASSWORD,
                                                   "account_id": str(victim_id)}})
    wait_text(page, "#current-email", "detourne@example.ca")

    assert account_row(portal, victim).email == f"{victim}@example.ca"
    assert account_row(portal, victim).status == "active"
    assert account_row(portal, attacker).email == "detourne@example.ca"
    from rar_app.db import session_scope
    from rar_app.models import AccountRequest
    from sqlmodel import select

    with portal_db(portal), session_scope() as db:
        assert db.exec(select(AccountRequest).where(AccountRequest.account_id == victim_id,
                                                    AccountRequest.kind == "close")).first() is None
    frames = tap.received_since(mark)
    assert victim not in frames


def test_a_tab_that_changes_hands_keeps_nothing_of_the_previous_person(portal, page):
    first = create_account(portal, "premier")
    second = create_account(portal, "second")
    tap = SocketTap(page)
    sign_in_as(page, portal, "fr", first)
    visit(page, portal, PATHS["profile"]["fr"], "fr", axe=False)
    wait_text(page, "#profile-username", first)
    assert first in "\n".join(tap.received)
    sign_out(page)
    mark = tap.mark()
    sign_in_as(page, portal, "fr", second)
    visit(page, portal, PATHS["profile"]["fr"], "fr", axe=False)
    wait_text(page, "#profile-username", second)
    frames = tap.received_since(mark)
    assert second in frames
    assert first not in frames, "the previous person's profile rows reached the next one"


def test_administrator_unknown_or_malformed_request_ids_are_not_found(portal, page):
    tap = SocketTap(page)
    sign_in_admin(page, portal, "en")
    not_found = accounts.message("not_found", "en")
    for handler, request_id in (("admin_approve", 987654), ("admin_refuse", "not-a-number"),
                                ("admin_proof", 987654)):
        mark = tap.mark()
        tap.forge(HANDLERS[handler], {"request_id": request_id})
        tap.wait_for(page, not_found, mark)
        assert "_download" not in tap.received_since(mark)
    wait_text(page, "#error-summary", not_found)
