"""The payment reconcile race (issue 14): an approval that arrives after `reconcile`
wrote the payment off is given back through the provider — or waits as `refund_due`
for staff, who refund it from the back office — never lost. Staff refunds are audited,
happen once, and only staff may make them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import AuditEvent, Payment
from rar_app.services.money import payments, refunds
from rar_app.services.money.payment_providers import DemoGateway
from rar_app.services.office.search import NotFound
from tests.services.test_payments import card, signed, status_of
from tests.services.test_search_helpers import make_account
from tests.services.test_submission_drafts import make_rep


@pytest.fixture
def rep(migrated_db):
    return make_rep()


@pytest.fixture
def gateway():
    return DemoGateway()


@pytest.fixture
def staff(migrated_db):
    with session_scope() as db:
        return make_account(db, "staff").id


def _reconciled_while_in_flight(rep, gateway):
    """pay() has claimed the application and is waiting on the provider; meanwhile the
    payment looks stale and is reconciled (the provider has not seen the key yet)."""
    app_id = signed(rep)
    key = payments.new_idempotency_key()
    started = payments._start(rep, app_id, card(), key, "", "demo")
    with session_scope() as db:
        row = db.get(Payment, started.id)
        row.created_at -= timedelta(minutes=5)
    payments.reconcile(app_id, provider=gateway)
    assert status_of(app_id) == "signed"
    return app_id, started, key


def _payment(payment_id):
    with session_scope() as db:
        return db.get(Payment, payment_id)


def _actions(name):
    with session_scope() as db:
        return list(db.exec(select(AuditEvent).where(AuditEvent.action == name)))


def test_a_late_approval_is_refunded_through_the_provider(rep, gateway):
    app_id, started, key = _reconciled_while_in_flight(rep, gateway)
    result = gateway.charge(started.amount_cents, card(), key)  # the provider answers at last
    assert result.status == "approved"
    outcome = payments._finish(started.id, result, account_id=rep, ip="127.0.0.1", provider=gateway)
    assert outcome.status == "refunded" and not outcome.submitted
    assert gateway.refunds[key][0] == started.amount_cents, "the money went back"
    payment = _payment(started.id)
    assert payment.transaction_number == result.transaction_number and payment.failure_code == "late_approval"
    [entry] = _actions("payment.late_approval")
    assert '"outcome": "refunded"' in entry.details
    # The application can be paid again, once.
    assert payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway).approved
    assert status_of(app_id) == "submitted"


def test_when_the_provider_cannot_refund_staff_do_it(rep, gateway, staff):
    _app_id, started, key = _reconciled_while_in_flight(rep, gateway)
    result = gateway.charge(started.amount_cents, card(), key)
    gateway.unreachable_refunds = True
    assert payments._finish(started.id, result, account_id=rep, ip="", provider=gateway).status == "refund_due"
    assert key not in gateway.refunds

    with session_scope() as db:
        due, _more = refunds.queue(db, staff)
    assert [r.payment_id for r in due] == [started.id]
    with pytest.raises(refunds.RefundError) as failed:  # still unreachable: nothing changes
        refunds.refund(staff, started.id, ip="10.1.1.1", provider=gateway)
    assert failed.value.code == "provider_failed" and _payment(started.id).status == "refund_due"
    gateway.unreachable_refunds = False
    for who in (rep, None, 10**9):
        with pytest.raises(NotFound):
            refunds.refund(who, started.id, provider=gateway)
    assert refunds.refund(staff, started.id, ip="10.1.1.1", provider=gateway) == "refunded"
    assert _payment(started.id).status == "refunded" and key in gateway.refunds
    with pytest.raises(refunds.RefundError):  # once
        refunds.refund(staff, started.id, provider=gateway)
    [done] = _actions("payment.refunded")
    assert done.actor_id == staff and done.ip == "10.1.1.1"
    assert len(_actions("payment.refund_failed")) == 1


def test_staff_refund_an_approved_payment_with_a_reason(rep, gateway, staff):
    app_id = signed(rep)
    outcome = payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    with pytest.raises(refunds.RefundError) as caught:
        refunds.refund(staff, outcome.payment_id, "  ", provider=gateway)
    assert caught.value.code == "reason_required" and _payment(outcome.payment_id).status == "approved"
    assert refunds.refund(staff, outcome.payment_id, "Demande retirée", provider=gateway) == "refunded"
    with pytest.raises(NotFound):
        refunds.refund(staff, "x", provider=gateway)
