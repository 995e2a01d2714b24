"""IEC: past the 20 days after accepting the IPD the invitation lapses — the work permit
application can no longer be paid for (nothing charged, the application stays signed) nor
submitted; one second before, it can. The clock is frozen (the pool guard's `utcnow`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Application, Payment, PoolInvitation
from rar_app.services.casework import submission
from rar_app.services.money import payment_methods, payments
from rar_app.services.money.payment_providers import DemoGateway
from rar_app.services.office import pool_flow, pool_guard
from tests.services.test_iec_pool import T0, _admit_all, _invite, world  # noqa: F401
from tests.services.test_search_helpers import stop_mail_worker  # noqa: F401

CARD = ("Léa Martin", "4242 4242 4242 4242", "12", "2030", "123")


def _signed_permit(world):  # noqa: F811
    """The FR-WH IPD accepted on 2026-12-06 (Toronto); the permit application signed."""
    _admit_all()
    invitation = _invite(world)
    with session_scope() as db:
        app_id = pool_flow.accept_and_start(db, world["rep"], invitation.id, now=T0 + timedelta(days=2)).id
    with session_scope() as db:
        app = db.get(Application, app_id)
        app.status = "signed"
        db.add(app)
        apply_by = db.get(PoolInvitation, invitation.id).apply_by
    # 20 days after 2026-12-06 in Toronto: 2026-12-26 23:59:59 EST.
    assert apply_by.replace(tzinfo=timezone.utc) == datetime(2026, 12, 27, 4, 59, 59, tzinfo=timezone.utc)
    return app_id, apply_by.replace(tzinfo=timezone.utc)


def _pay(world, app_id, gateway):  # noqa: F811
    method = payment_methods.validate_card(*CARD, today=date(2026, 12, 1))
    return payments.pay(world["rep"], app_id, method, payments.new_idempotency_key(), provider=gateway)


def test_past_the_twenty_days_the_payment_is_refused_and_nothing_charged(world, monkeypatch):  # noqa: F811
    app_id, apply_by = _signed_permit(world)
    monkeypatch.setattr(pool_guard, "utcnow", lambda: apply_by + timedelta(seconds=1))
    view = submission.view(world["rep"], app_id)
    assert view.lapsed and view.total_cents > 0  # the payment page shows the reason instead of the form
    gateway = DemoGateway()
    with pytest.raises(payments.ApplicationLapsed) as e:
        _pay(world, app_id, gateway)
    assert e.value.code == "application_lapsed"
    with session_scope() as db:
        assert db.get(Application, app_id).status == "signed"  # the claim rolled back
        assert db.exec(select(Payment).where(Payment.application_id == app_id)).all() == []
    with pytest.raises(submission.FinishError) as e:
        submission.submit_free(world["rep"], app_id)
    assert e.value.code == "application_lapsed"


def test_one_second_before_the_deadline_it_is_paid_and_submitted(world, monkeypatch):  # noqa: F811
    app_id, apply_by = _signed_permit(world)
    monkeypatch.setattr(pool_guard, "utcnow", lambda: apply_by - timedelta(seconds=1))
    assert not submission.view(world["rep"], app_id).lapsed
    outcome = _pay(world, app_id, DemoGateway())
    assert outcome.approved
    with session_scope() as db:
        assert db.get(Application, app_id).status == "submitted"
    assert not submission.view(world["rep"], app_id).lapsed
