"""The portal's production build on PostgreSQL reached through a proxy this module cuts
(the machine's shared PostgreSQL is never stopped: other runs use it; the portal has a
database of its own on it), with its e-mail notices going to an SMTP port where no
server listens at first.

- PostgreSQL gone in the middle of « Suivant »: the page says, in its language, that the
  service is momentarily unavailable and the answers are kept; nothing is half written
  (the step's transaction rolled back whole); the value typed stays on the page; the same
  button is pressed again by itself, and once the database is back the step is saved and
  the questionnaire moves on — without signing in again.
- SMTP down: the notice waits in the queue (pending, with the error) and the portal's own
  delivery thread sends it once the server answers, once."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from rar_app.services import availability
from tests.browser.harness import portal_db
from tests.integration.services import PG_ADMIN_URL, require_postgres
from tests.resilience.proxy import CuttableProxy
from tests.resilience.servers import WIZARD_STATE, make_reps, start_portal, step_path
from tests.resilience.ws_client import Client

pytestmark = [pytest.mark.resilience, pytest.mark.postgres]

TYPED = "Saisi-pendant-la-panne"
QUESTION_STATE = "question_state"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def outage():
    """(portal, proxy in front of PostgreSQL, direct URL of the portal's database, SMTP port)."""
    require_postgres()
    name = f"rar_outage_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    host_port = base.rsplit("@", 1)[1]
    proxy = CuttableProxy(int(host_port.rsplit(":", 1)[1])).start()
    smtp_port = _free_port()
    portal = None
    try:
        portal = start_portal("pg-outage", {
            "RAR_DATABASE_URL": base.replace(host_port, f"127.0.0.1:{proxy.port}") + f"/{name}",
            "RAR_SMTP_HOST": "127.0.0.1", "RAR_SMTP_PORT": str(smtp_port),
            "RAR_MAIL_FROM": "portail@rar.example.invalid",
        })
        yield portal, proxy, f"{base}/{name}", smtp_port
    finally:
        if portal is not None:
            portal.stop()
        proxy.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _saved_client(db_url: str, app_id: int) -> dict:
    """The client step's answers as stored (read straight from PostgreSQL, not through the proxy)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            raw = conn.execute(text("SELECT wizard_data FROM application WHERE id = :id"), {"id": app_id}).scalar_one()
    finally:
        engine.dispose()
    return json.loads(raw)["answers"]["client.1"]


def test_postgresql_gone_mid_event_the_answers_are_kept_and_the_step_is_retried(outage):
    portal, proxy, db_url, _smtp = outage
    rep = make_reps(portal, 1, prefix="pgcut")[0]
    path = step_path("visitor_study_work:client", rep.app_id, client=1)
    before = _saved_client(db_url, rep.app_id)
    assert before["family_name"] != TYPED

    async def scenario() -> list[str]:
        browser = Client(portal.base_url, cookie=rep.cookie)
        await browser.open(path)
        await browser.send(WIZARD_STATE + ".set_value", {"name": "family_name", "value": TYPED})
        await browser.sync()

        proxy.cut()  # as a PostgreSQL restart: every connection drops, new ones are refused
        await browser.send(WIZARD_STATE + ".next_step", {})
        deadline = time.monotonic() + 60
        while not browser.var(QUESTION_STATE, "unavailable"):
            assert time.monotonic() < deadline, "no « service unavailable » message"
            await browser._follow(await browser.next_update(timeout=30))
        message = browser.var(QUESTION_STATE, "unavailable")
        assert "momentanément indisponible" in message and "Vos réponses sont conservées" in message, message
        assert "Traceback" not in json.dumps(browser.state)
        assert browser.var(QUESTION_STATE, "values")["family_name"] == TYPED  # still on the page
        assert not [e for e in browser.browser_events if e["name"] == "_redirect"], "moved on without saving"
        assert _saved_client(db_url, rep.app_id) == before  # nothing half written

        # A retry or two while the database is still away (the portal chains them by itself, every
        # RETRY_SECONDS): still nothing written, still the message.
        await asyncio.sleep(2.5 * availability.RETRY_SECONDS)
        assert _saved_client(db_url, rep.app_id) == before
        assert browser.var(QUESTION_STATE, "unavailable") == message
        # …then it comes back: the next retry saves the step and the questionnaire moves on.
        proxy.restore()
        deadline = time.monotonic() + 90
        while not [e for e in browser.browser_events if e["name"] == "_redirect"]:
            assert time.monotonic() < deadline, "the step was not saved once the database came back"
            await browser._follow(await browser.next_update(timeout=60))
        redirects = [e["payload"]["path"] for e in browser.browser_events if e["name"] == "_redirect"]
        await browser.sync()
        assert browser.var(QUESTION_STATE, "unavailable") == ""
        await browser.close()
        return redirects

    redirects = asyncio.run(asyncio.wait_for(scenario(), 300))
    assert "connexion" not in redirects[-1] and f"id={rep.app_id}" in redirects[-1], redirects
    after = _saved_client(db_url, rep.app_id)
    assert after["family_name"] == TYPED and after["given_names"] == before["given_names"]


def test_smtp_down_the_notice_waits_and_leaves_when_it_returns(outage):
    """The notice of a new message waits while no SMTP server answers, then the portal's own
    delivery thread sends it, once."""
    from aiosmtpd.controller import Controller

    portal, _proxy, _db_url, smtp_port = outage
    rep = make_reps(portal, 1, drafts=False, prefix="smtp")[0]
    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Account, Message, utcnow
        from rar_app.services.messaging import messages

        with session_scope() as db:
            db.get(Account, rep.account_id).email = "rep.smtp@example.invalid"
            # What messages.post(notify=True) records — a notice due now — left to the portal to deliver.
            message = messages.post(db, account_id=rep.account_id, category=messages.CATEGORY_ACCOUNT,
                                    detail="updated", subject_fr="Sujet", subject_en="Subject", notify=False)
            message.email_status, message.email_next_attempt_at = "pending", utcnow()
            db.add(message)
            db.flush()
            message_id = message.id

        def row():
            with session_scope() as db:
                m = db.get(Message, message_id)
                return m.email_status, m.email_attempts, m.email_error

        deadline = time.monotonic() + 90  # the delivery thread polls every 15 s
        while row()[1] < 1:
            assert time.monotonic() < deadline, "the portal never tried to send the notice"
            time.sleep(0.5)
        status, _attempts, error = row()
        assert status == "pending" and error, (status, error)  # queued, with why

        received = []

        class Recorder:
            async def handle_DATA(self, server, session, envelope):
                received.append(envelope)
                return "250 Message accepted for delivery"

        controller = Controller(Recorder(), hostname="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            deadline = time.monotonic() + 120  # the first retry is due 30 s after the failure
            while row()[0] != "sent":
                assert time.monotonic() < deadline, f"not delivered once SMTP came back: {row()}"
                time.sleep(0.5)
            time.sleep(1)
        finally:
            controller.stop()
        assert len(received) == 1 and received[0].rcpt_tos == ["rep.smtp@example.invalid"]
        assert row()[0] == "sent"
