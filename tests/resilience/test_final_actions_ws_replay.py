"""Each final action through the pages' websocket handlers (Redis mode, two workers):
its event sent twice at once on the same socket (a double click), then replayed on a
second socket with the same session cookie (a second tab, a reconnecting browser) —
it acts once.

« Signer » (FinishSignState.sign), « Transmettre » (FinishPayState.transmit, nothing to
pay), « Transmettre et payer » (FinishPayState.pay_card, the same attempt key each
time), and an Express Entry invitation's « Accepter » / « Refuser » (PoolStatusState).
Counted in the portal's database: audit entries, signature, payment rows, application
numbers, messages, invitation decisions. tests/resilience/test_final_actions_replay.py
covers the same at the service level."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from tests.resilience.servers import ROOT, make_reps, step_path
from tests.resilience.ws_client import Client

pytestmark = [pytest.mark.resilience, pytest.mark.redis]

SIGN = ROOT + ".rar_app___state___program_sign____finish_sign_state"
PAY = ROOT + ".rar_app___state___program_payment____finish_pay_state"
POOL = ROOT + ".rar_app___pages___pool_status____pool_status_state"
ANSWER = "Mistigri"  # every test representative's security answer (tests/services/test_submission_drafts.py)
CARD = {"card-holder": "Rejeu Demo", "card-number": "4242 4242 4242 4242", "card-expiry-month": "12",
        "card-expiry-year": "2031", "card-security-code": "123"}


def _draft(portal, people: list[dict], *, status: str = "draft", prefix: str):
    """A representative with a session (cookie) and a complete visitor draft with its documents."""
    from tests.browser.harness import portal_db

    rep = make_reps(portal, 1, drafts=False, prefix=prefix)[0]
    with portal_db(portal):
        from tests.services.test_submission_drafts import make_draft

        for p in people:
            p.setdefault("family", "Banc")
        rep.app_id = make_draft(rep.account_id, people, file_number=f"REJEU-{prefix}", status=status).application_id
    return rep


def _count(portal, what: str, **where) -> int:
    from sqlmodel import func, select

    from tests.browser.harness import portal_db

    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app import models

        model = getattr(models, what)
        with session_scope() as db:
            query = select(func.count()).select_from(model)
            for k, v in where.items():
                query = query.where(getattr(model, k) == v)
            return db.exec(query).one()


def _status(portal, app_id: int) -> str:
    from tests.browser.harness import portal_db

    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Application

        with session_scope() as db:
            return db.get(Application, app_id).status


async def _twice_then_replay(portal, rep, path: str, prepare, name: str, payload_of) -> None:
    """`prepare(client)` puts a tab in place (typing…); the event is sent twice back to back on
    one socket, then again from a second socket with the same cookie, prepared the same way.
    `payload_of(first_client)` gives the event's payload (the first tab's attempt key…)."""
    first = Client(portal.base_url, cookie=rep.cookie)
    await first.open(path)
    await prepare(first)
    payload = payload_of(first)
    await first.send(name, json.loads(json.dumps(payload)))
    await first.send(name, json.loads(json.dumps(payload)))
    await first.sync()
    await first.sync()  # anything the second press sent after its own answer
    await first.close()
    second = Client(portal.base_url, cookie=rep.cookie)
    await second.open(path)
    await prepare(second)
    await second.send(name, json.loads(json.dumps(payload)))
    await second.sync()
    await second.close()


def _run(coro) -> None:
    asyncio.run(asyncio.wait_for(coro, 120))


def test_signer_twice_and_replayed_signs_once(redis_portal):
    portal = redis_portal
    rep = _draft(portal, [{"type": "visitor_visa"}], prefix="sign")
    path = step_path("visitor_study_work:declaration", rep.app_id)

    async def prepare(c: Client) -> None:
        await c.send(SIGN + ".set_consent", {"name": "agree", "value": "yes"})
        await c.send(SIGN + ".set_given_names", {"value": "Rep0"})
        await c.send(SIGN + ".set_family_name", {"value": "Banc"})
        await c.sync()

    _run(_twice_then_replay(portal, rep, path, prepare, SIGN + ".sign", lambda c: {"form": {"answer": ANSWER}}))
    assert _status(portal, rep.app_id) == "signed"
    assert _count(portal, "AuditEvent", action="application.signed", object_id=str(rep.app_id)) == 1


def test_transmettre_twice_and_replayed_submits_once(redis_portal):
    portal = redis_portal
    rep = _draft(portal, [{"type": "visitor_visa", "fee": "exempt", "biometrics": "none"}], status="signed",
                 prefix="free")
    path = step_path("visitor_study_work:signature", rep.app_id)

    async def prepare(c: Client) -> None:
        return None

    _run(_twice_then_replay(portal, rep, path, prepare, PAY + ".transmit", lambda c: {}))
    assert _status(portal, rep.app_id) == "submitted"
    assert _count(portal, "AuditEvent", action="application.submitted", object_id=str(rep.app_id)) == 1
    assert _count(portal, "Payment", application_id=rep.app_id) == 0
    assert _count(portal, "Message", application_id=rep.app_id, account_id=rep.account_id) == 1
    from tests.browser.harness import portal_db

    with portal_db(portal):
        from sqlmodel import select

        from rar_app.db import session_scope
        from rar_app.models import Applicant

        with session_scope() as db:
            numbers = [a.application_number for a in db.exec(select(Applicant).where(
                Applicant.application_id == rep.app_id))]
    assert len(numbers) == 1 and numbers[0], numbers


def test_transmettre_et_payer_twice_and_replayed_charges_once(redis_portal):
    portal = redis_portal
    rep = _draft(portal, [{"type": "visitor_visa"}], status="signed", prefix="pay")
    path = step_path("visitor_study_work:payment", rep.app_id)
    keys: list[str] = []

    async def prepare(c: Client) -> None:
        keys.append(c.var("finish_pay_state", "attempt_key"))

    def payload(c: Client) -> dict:
        assert keys[0], "the payment page issued no attempt key"
        return {"form": dict(CARD, attempt_key=keys[0])}

    _run(_twice_then_replay(portal, rep, path, prepare, PAY + ".pay_card", payload))
    assert _status(portal, rep.app_id) == "submitted"
    assert _count(portal, "Payment", application_id=rep.app_id) == 1
    assert _count(portal, "Payment", application_id=rep.app_id, status="approved") == 1
    assert _count(portal, "AuditEvent", action="payment.attempt", object_id=str(rep.app_id)) == 1  # one charge
    assert _count(portal, "AuditEvent", action="application.submitted", object_id=str(rep.app_id)) == 1


def _invited(portal, prefix: str):
    """A representative whose Express Entry profile holds an open invitation: the profile is
    admitted above every other of the demo pool, then a round of one invites it."""
    from tests.browser.harness import portal_db

    rep = make_reps(portal, 1, drafts=False, prefix=prefix)[0]
    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Account, Application
        from rar_app.programs import registry
        from rar_app.programs.engine import Context
        from rar_app.services.office import pools
        from sqlmodel import select

        from tests.services.test_express_entry_pool import _profile_answers

        program = registry.get("express_entry")
        spec = program.extra["pool"]
        answers = _profile_answers()
        with session_scope() as db:
            from datetime import datetime, timezone

            now = datetime.now(timezone.utc) - timedelta(days=1)
            app = Application(representative_id=rep.account_id, kind=program.code, status="submitted",
                              submitted_at=now, wizard_data=json.dumps({"v": 1, "answers": answers}))
            db.add(app)
            db.flush()
            decided = program.extra["pool_admission"](Context(now.date(), answers))
            pools.admit(db, spec, app, score=5000, streams=decided["streams"], details=decided["details"], now=now)
            staff = db.exec(select(Account).where(Account.role == "staff")).first()
            rep.app_id = app.id
            pools.run_round(db, spec, size=1, actor_id=staff.id)
    return rep


def _decisions(portal, app_id: int) -> list[str]:
    from sqlmodel import select

    from tests.browser.harness import portal_db

    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import PoolEntry, PoolInvitation

        with session_scope() as db:
            entry = db.exec(select(PoolEntry).where(PoolEntry.application_id == app_id)).one()
            return [i.state for i in db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == entry.id))]


def test_accepting_an_invitation_twice_and_replayed_starts_one_application(redis_portal):
    portal = redis_portal
    rep = _invited(portal, "accept")
    assert _decisions(portal, rep.app_id) == ["open"]
    path = step_path("pool_status", rep.app_id)

    async def prepare(c: Client) -> None:
        return None

    _run(_twice_then_replay(portal, rep, path, prepare, POOL + ".accept", lambda c: {}))
    assert _decisions(portal, rep.app_id) == ["accepted"]
    assert _count(portal, "Application", representative_id=rep.account_id, kind="express_entry_pr") == 1
    assert _count(portal, "AuditEvent", action="pool.invitation_accepted", actor_id=rep.account_id) == 1


def test_refusing_an_invitation_twice_and_replayed_refuses_once(redis_portal):
    portal = redis_portal
    rep = _invited(portal, "decline")
    assert _decisions(portal, rep.app_id) == ["open"]
    path = step_path("pool_status", rep.app_id)

    async def prepare(c: Client) -> None:
        await c.send(POOL + ".ask_decline", {})
        await c.sync()

    _run(_twice_then_replay(portal, rep, path, prepare, POOL + ".decline", lambda c: {}))
    assert _decisions(portal, rep.app_id) == ["declined"]
    assert _count(portal, "Application", representative_id=rep.account_id, kind="express_entry_pr") == 0
    assert _count(portal, "AuditEvent", action="pool.invitation_declined", actor_id=rep.account_id) == 1
