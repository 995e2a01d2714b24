"""Payments: card checks (Luhn, brands, expiry, security code), the demo gateway's
test numbers, the state machine (pending → approved / declined / failed), one
charge and one submission whatever the clicks, tabs and replays, reconciliation
after a crash, the receipt, pluggable providers, and no card data at rest."""

from __future__ import annotations

import re

import importlib
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from rar_app.db import get_engine, session_scope
from rar_app.models import Application, AuditEvent, Payment
from rar_app.services.casework import applications, submission
from rar_app.services.money import payment_methods, payment_providers, payments
from rar_app.services.money.payment_errors import (
    AlreadySubmitted,
    CardRefused,
    InvalidKey,
    NothingToPay,
    NotSigned,
    PaymentInProgress,
)
from rar_app.services.money.payment_providers import ChargeResult, DemoGateway
from rar_app.services.casework.submission import NotFound
from tests.services.test_submission_drafts import ANSWER, make_draft, make_rep, new_session

TODAY = date(2026, 11, 28)
STUDY = {"given": "Amina", "family": "Diallo", "type": "study_permit", "biometrics": "standard"}
FAMILY = [
    {"given": "Lina", "family": "Haddad", "type": "visitor_visa", "fee": "family_rate", "biometrics": "family_rate"},
    {"given": "Omar", "family": "Haddad", "type": "visitor_visa", "fee": "family_rate_exempt",
     "biometrics": "family_rate_exempt"},
    {"given": "Sami", "family": "Haddad", "type": "visitor_visa", "fee": "family_rate_exempt",
     "biometrics": "family_rate_exempt"},
    {"given": "Nour", "family": "Haddad", "type": "visitor_visa", "fee": "family_rate_exempt",
     "biometrics": "family_rate_exempt", "minor": True},
    {"given": "Yara", "family": "Haddad", "type": "visitor_visa", "fee": "family_rate_exempt",
     "biometrics": "family_rate_exempt", "minor": True},
]


def card(number="4242 4242 4242 4242", month="12", year=str(TODAY.year + 2), code=None, holder="Hélène Côté"):
    digits = number.replace(" ", "")
    code = code or ("1234" if digits[:2] in ("34", "37") else "123")
    return payment_methods.validate_card(holder, number, month, year, code, today=TODAY)


@pytest.fixture
def rep(migrated_db):
    return make_rep()


@pytest.fixture
def gateway():
    return DemoGateway()


def signed(rep, people=None):
    draft = make_draft(rep, people or [STUDY])
    submission.sign(rep, new_session(rep), draft.application_id, agree="yes", given_names="Hélène",
                    family_name="Côté-Lévesque", answer=ANSWER)
    return draft.application_id


def status_of(app_id):
    with session_scope() as db:
        return db.get(Application, app_id).status


def actions(app_id):
    with session_scope() as db:
        return [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.object_type == "application",
                                                                    AuditEvent.object_id == str(app_id))
                                          .order_by(AuditEvent.id))]


# --------------------------------------------------------------------------- card checks


@pytest.mark.parametrize("number,brand", [
    ("4242424242424242", "visa"), ("4111 1111 1111 1111", "visa"), ("4222222222222", "visa"),
    ("5555-5555-5555-4444", "mastercard"), ("2223003122003222", "mastercard"), ("2720999999999996", "mastercard"),
    ("378282246310005", "amex"), ("3714 496353 98431", "amex"),
])
def test_accepted_cards(number, brand):
    details = card(number)
    assert details.brand == brand and details.last4 == number.replace(" ", "").replace("-", "")[-4:]


@pytest.mark.parametrize("number,code", [
    ("", "number_required"),
    ("4242 4242 4242 4241", "number_invalid"),  # Luhn
    ("4242-4242-4242-424x", "number_invalid"),
    ("４２４２４２４２４２４２４２４２", "number_invalid"),  # full-width digits
    ("424242424242", "number_invalid"),  # too short for Visa
    ("6011111111111117", "brand_not_accepted"),  # Discover
    ("3530111333300000", "brand_not_accepted"),  # JCB
    ("36227206271667", "brand_not_accepted"),  # Diners
    ("1234567812345670", "number_invalid"),  # Luhn-valid, no brand
    ("2721000000000004", "brand_not_accepted"),  # just past Mastercard's 2-series
])
def test_refused_numbers(number, code):
    with pytest.raises(CardRefused) as exc:
        payment_methods.validate_card("A B", number, "12", "2030", "123", today=TODAY)
    assert exc.value.codes["number"] == code


def test_luhn():
    assert payment_methods.luhn_valid("79927398713")
    assert not payment_methods.luhn_valid("79927398710")
    assert not payment_methods.luhn_valid("")
    assert not payment_methods.luhn_valid("abc")


def test_expiry_this_month_is_fine_last_month_is_not():
    assert card(month=str(TODAY.month), year=str(TODAY.year)).expiry_month == TODAY.month
    assert card(month="12", year="28").expiry_year == 2028
    for month, year, code in (("10", str(TODAY.year), "expiry_past"), ("13", "2030", "expiry_invalid"),
                              ("", "", "expiry_required"), ("ab", "2030", "expiry_required"),
                              ("1", "1999", "expiry_invalid")):
        with pytest.raises(CardRefused) as exc:
            payment_methods.validate_card("A B", "4242424242424242", month, year, "123", today=TODAY)
        assert exc.value.codes == {"expiry": code}


def test_security_code_length_follows_the_brand():
    with pytest.raises(CardRefused) as exc:
        card("378282246310005", code="123")
    assert exc.value.codes == {"security_code": "security_code_amex"}
    with pytest.raises(CardRefused) as exc:
        card("4242424242424242", code="1234")
    assert exc.value.codes == {"security_code": "security_code_three"}
    with pytest.raises(CardRefused) as exc:
        payment_methods.validate_card("A", "42", "12", "2030", "12", today=TODAY)
    assert exc.value.codes == {"number": "number_invalid", "security_code": "security_code_invalid"}


def test_holder_and_every_error_at_once():
    with pytest.raises(CardRefused) as exc:
        payment_methods.validate_card("  ", "", None, None, "", today=TODAY)
    assert exc.value.codes == {"holder": "holder_required", "number": "number_required",
                               "expiry": "expiry_required", "security_code": "security_code_required"}
    with pytest.raises(CardRefused) as exc:
        payment_methods.validate_card("R2D2", "4242424242424242", "12", "2030", "123", today=TODAY)
    assert exc.value.codes == {"holder": "holder_invalid"}


def test_card_details_never_show_the_number_or_code():
    details = card("4000 0000 0000 9995", code="987")
    for shown in (repr(details), str(details), f"{details}", repr([details])):
        assert "4000000000009995" not in shown and "987" not in shown
        assert "9995" in shown


# --------------------------------------------------------------------------- state machine


def test_approved_payment_submits_the_application(rep, gateway):
    app_id = signed(rep)
    key = payments.new_idempotency_key()
    outcome = payments.pay(rep, app_id, card(), key, ip="127.0.0.1", provider=gateway)
    assert outcome.approved and outcome.submitted and not outcome.replayed
    assert outcome.amount_cents == 23500 and outcome.transaction_number
    assert status_of(app_id) == "submitted"
    (row,) = payments.attempts(rep, app_id)
    assert (row.status, row.card_brand, row.card_last4, row.method, row.account_id) == (
        "approved", "visa", "4242", "card", rep)
    assert row.completed_at is not None and row.idempotency_key == key
    assert gateway.captures == [(key, 23500)]
    view = submission.view(rep, app_id)
    assert view.applicants[0].application_number.startswith("S")
    assert [a for a in actions(app_id) if a.startswith(("payment.", "application.submitted"))] == [
        "payment.attempt", "payment.approved", "application.submitted"]


def test_declined_then_approved(rep, gateway):
    app_id = signed(rep)
    declined = payments.pay(rep, app_id, card("4000 0000 0000 9995"), payments.new_idempotency_key(),
                            provider=gateway)
    assert (declined.status, declined.failure_code, declined.submitted) == ("declined", "insufficient_funds", False)
    assert status_of(app_id) == "signed"
    assert submission.view(rep, app_id).applicants[0].application_number is None
    approved = payments.pay(rep, app_id, card("5555 5555 5555 4444"), payments.new_idempotency_key(),
                            provider=gateway)
    assert approved.approved and status_of(app_id) == "submitted"
    assert [p.status for p in payments.attempts(rep, app_id)] == ["declined", "approved"]
    assert len(gateway.captures) == 1
    assert [a for a in actions(app_id) if a.startswith("payment.")] == [
        "payment.attempt", "payment.declined", "payment.attempt", "payment.approved"]


@pytest.mark.parametrize("number,status,code", [
    ("4000000000000002", "declined", "card_declined"),
    ("4000000000000069", "declined", "expired_card"),
    ("5105105105105100", "declined", "card_declined"),
    ("371449635398431", "declined", "insufficient_funds"),
    ("4000000000000119", "failed", "processing_error"),
    ("4000000000003063", "failed", "provider_unreachable"),
])
def test_demo_numbers_that_do_not_approve_leave_the_application_unsubmitted(rep, gateway, number, status, code):
    app_id = signed(rep)
    outcome = payments.pay(rep, app_id, card(number), payments.new_idempotency_key(), provider=gateway)
    assert (outcome.status, outcome.failure_code, outcome.submitted) == (status, code, False)
    assert status_of(app_id) == "signed" and gateway.captures == []


@pytest.mark.parametrize("institution,status", [
    ("demo_bank", "approved"), ("demo_bank_decline", "declined"), ("demo_bank_outage", "failed")])
def test_interac(rep, gateway, institution, status):
    app_id = signed(rep, FAMILY)
    outcome = payments.pay(rep, app_id, payment_methods.validate_interac(institution), payments.new_idempotency_key(),
                           provider=gateway)
    assert outcome.status == status and outcome.method == "interac"
    assert status_of(app_id) == ("submitted" if status == "approved" else "signed")
    (row,) = payments.attempts(rep, app_id)
    assert row.institution == institution and row.card_last4 is None


def test_interac_needs_an_institution():
    with pytest.raises(CardRefused) as exc:
        payment_methods.validate_interac("some_bank")
    assert exc.value.codes == {"institution": "institution_required"}


# --------------------------------------------------------------------------- one charge, one submission


def test_replayed_key_after_approval_charges_nothing(rep, gateway):
    app_id = signed(rep)
    key = payments.new_idempotency_key()
    first = payments.pay(rep, app_id, card(), key, provider=gateway)
    for _ in range(3):
        again = payments.pay(rep, app_id, card(), key, provider=gateway)
        assert again.replayed and again.payment_id == first.payment_id
        assert again.transaction_number == first.transaction_number
    assert len(gateway.captures) == 1 and len(payments.attempts(rep, app_id)) == 1
    assert actions(app_id).count("application.submitted") == 1
    assert actions(app_id).count("payment.replayed") == 3


def test_replayed_key_after_decline_does_not_try_again(rep, gateway):
    app_id = signed(rep)
    key = payments.new_idempotency_key()
    payments.pay(rep, app_id, card("4000000000000002"), key, provider=gateway)
    again = payments.pay(rep, app_id, card("4242424242424242"), key, provider=gateway)
    assert again.replayed and again.status == "declined"
    assert gateway.captures == [] and len(payments.attempts(rep, app_id)) == 1


def test_a_new_key_after_payment_cannot_pay_again(rep, gateway):
    app_id = signed(rep)
    payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    with pytest.raises(AlreadySubmitted):
        payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    assert len(gateway.captures) == 1


class SlowGateway(DemoGateway):
    """Holds every charge until released, so parallel requests overlap for sure."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def charge(self, amount_cents, method, idempotency_key):
        self.calls += 1
        self.release.wait(10)
        return super().charge(amount_cents, method, idempotency_key)


def _parallel(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        barrier.wait()
        try:
            results.append(fn(i))
        except payments.PaymentError as exc:
            errors.append(type(exc).__name__)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    return threads, results, errors


def test_concurrent_requests_with_the_same_key_charge_once(rep):
    """A double click / replayed request arriving while the first is still in flight."""
    gateway = SlowGateway()
    app_id = signed(rep)
    key = payments.new_idempotency_key()
    threads, results, errors = _parallel(5, lambda i: payments.pay(rep, app_id, card(), key, provider=gateway))
    threading.Timer(1.0, gateway.release.set).start()
    for t in threads:
        t.join()
    assert errors == []
    assert gateway.calls == 1 and len(gateway.captures) == 1
    assert sorted(r.status for r in results) == ["approved"] + ["pending"] * 4
    assert [r.replayed for r in results].count(False) == 1
    assert payments.pay(rep, app_id, card(), key, provider=gateway).status == "approved"
    assert actions(app_id).count("application.submitted") == 1


def test_two_tabs_paying_at_once_charge_once(rep):
    """Different keys (two tabs, two workers): one claim wins, the others are told."""
    gateway = SlowGateway()
    app_id = signed(rep)
    threads, results, errors = _parallel(
        6, lambda i: payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway))
    threading.Timer(1.0, gateway.release.set).start()
    for t in threads:
        t.join()
    assert [r.status for r in results] == ["approved"]
    assert set(errors) <= {"PaymentInProgress", "AlreadySubmitted"} and len(errors) == 5
    assert gateway.calls == 1 and len(gateway.captures) == 1
    assert len(payments.attempts(rep, app_id)) == 1
    assert actions(app_id).count("application.submitted") == 1


def test_payment_in_progress_is_reported(rep):
    gateway = SlowGateway()
    app_id = signed(rep)
    threads, results, _errors = _parallel(1, lambda i: payments.pay(rep, app_id, card(), "k" * 20,
                                                                       provider=gateway))
    for _ in range(100):
        if status_of(app_id) == "paying":
            break
        threading.Event().wait(0.05)
    with pytest.raises(PaymentInProgress):
        payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    with pytest.raises(submission.NotEditable):
        submission.sign(rep, new_session(rep), app_id, agree="yes", given_names="Hélène",
                        family_name="Côté-Lévesque", answer=ANSWER)
    gateway.release.set()
    for t in threads:
        t.join()
    assert results[0].approved


# --------------------------------------------------------------------------- refusals


def test_refusals(rep, gateway):
    draft = make_draft(rep, [STUDY])
    with pytest.raises(NotSigned):
        payments.pay(rep, draft.application_id, card(), payments.new_idempotency_key(), provider=gateway)
    other = make_rep("rep.other")
    app_id = signed(rep)
    with pytest.raises(NotFound):
        payments.pay(other, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    for bad in ("", "short", "x" * 65, "clé-avec-accents-123456", None):
        with pytest.raises(InvalidKey):
            payments.pay(rep, app_id, card(), bad, provider=gateway)
    key = payments.new_idempotency_key()
    payments.pay(rep, app_id, card("4000000000000002"), key, provider=gateway)
    other_app = signed(rep)
    with pytest.raises(NotFound):  # a key belongs to one application
        payments.pay(rep, other_app, card(), key, provider=gateway)
    assert gateway.captures == []


def test_nothing_to_pay(rep, gateway):
    app_id = signed(rep, [{"type": "visitor_visa", "fee": "exempt"}])
    with pytest.raises(NothingToPay):
        payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    assert status_of(app_id) == "signed" and payments.attempts(rep, app_id) == []


# --------------------------------------------------------------------------- crash recovery


def _crash_after_charge(rep, app_id, gateway, number="4242424242424242", charge=True):
    key = payments.new_idempotency_key()
    started = payments._start(rep, app_id, card(number), key, "", "demo")
    if charge:
        gateway.charge(started.amount_cents, card(number), key)
    with session_scope() as db:  # the process died here; time passes
        row = db.get(Payment, started.id)
        row.created_at -= timedelta(minutes=5)
    return key


def test_reconcile_finds_a_charge_made_before_a_crash(rep, gateway):
    app_id = signed(rep)
    _crash_after_charge(rep, app_id, gateway)
    assert status_of(app_id) == "paying"
    with pytest.raises(AlreadySubmitted):  # the next attempt settles it first, then refuses to pay twice
        payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    assert status_of(app_id) == "submitted" and len(gateway.captures) == 1
    assert [p.status for p in payments.attempts(rep, app_id)] == ["approved"]


def test_reconcile_releases_a_payment_never_charged(rep, gateway):
    app_id = signed(rep)
    _crash_after_charge(rep, app_id, gateway, charge=False)
    outcome = payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    assert outcome.approved
    assert [(p.status, p.failure_code) for p in payments.attempts(rep, app_id)] == [
        ("failed", "interrupted"), ("approved", None)]


def test_a_fresh_pending_payment_is_not_reconciled(rep, gateway):
    app_id = signed(rep)
    key = payments.new_idempotency_key()
    payments._start(rep, app_id, card(), key, "", "demo")
    with pytest.raises(PaymentInProgress):
        payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    assert payments.pay(rep, app_id, card(), key, provider=gateway).status == "pending"


# --------------------------------------------------------------------------- unsubmitted, on the home page


def test_unpaid_applications_stay_on_the_home_page_and_resume_at_the_payment(rep, gateway):
    """Signed, declined, or with a charge left in flight: listed under "Poursuivre une
    demande que vous n'avez pas soumise", continued at the Signature / payment page;
    gone from the list once paid."""
    app_id = signed(rep)
    (row,) = applications.list_drafts(rep).rows
    assert (row.id, row.resume) == (app_id, "signature")
    assert row.deletable is False, "a signed application offers no delete on the home page"
    payments.pay(rep, app_id, card("4000000000000002"), payments.new_idempotency_key(), provider=gateway)
    assert status_of(app_id) == "signed"
    (row,) = applications.list_drafts(rep).rows
    assert (row.id, row.resume) == (app_id, "payment")
    assert applications.resume_ref(rep, app_id) == "payment"
    # A charge started and never answered (the process died): 'paying', still listed.
    _crash_after_charge(rep, app_id, gateway, charge=False)
    assert status_of(app_id) == "paying"
    (row,) = applications.list_drafts(rep).rows
    assert (row.id, row.resume, row.applicant_names) == (app_id, "payment", ["Amina Diallo"])
    assert row.deletable is False
    # Neither deleted nor reopened while a payment is in flight.
    with pytest.raises(applications.NotEditable):
        applications.delete_draft(rep, app_id)
    with pytest.raises(applications.NotEditable):
        applications.reopen(rep, app_id)
    # Continued to the payment: the stale attempt is settled, the new one pays, the row goes.
    outcome = payments.pay(rep, app_id, card(), payments.new_idempotency_key(), provider=gateway)
    assert outcome.approved and status_of(app_id) == "submitted"
    assert applications.list_drafts(rep).total == 0


# --------------------------------------------------------------------------- receipt and data at rest


def test_receipt_per_client_and_fee_line(rep, gateway):
    app_id = signed(rep, FAMILY)
    outcome = payments.pay(rep, app_id, payment_methods.validate_interac("demo_bank"), payments.new_idempotency_key(),
                           provider=gateway)
    receipt = payments.receipt(rep, app_id)
    assert receipt.transaction_number == outcome.transaction_number and receipt.method == "interac"
    assert [c.name for c in receipt.clients] == ["Lina Haddad", "Omar Haddad", "Sami Haddad", "Nour Haddad",
                                                 "Yara Haddad"]
    assert sum(c.subtotal_cents for c in receipt.clients) == receipt.amount_cents == outcome.amount_cents
    assert receipt.clients[0].subtotal_cents > 0
    assert all(len(c.lines) == 2 for c in receipt.clients)
    assert all(c.application_number and c.application_number.startswith("V") for c in receipt.clients)
    with pytest.raises(NotFound):
        payments.receipt(make_rep("rep.other"), app_id)


def test_no_receipt_without_an_approved_payment(rep, gateway):
    app_id = signed(rep)
    payments.pay(rep, app_id, card("4000000000000002"), payments.new_idempotency_key(), provider=gateway)
    with pytest.raises(NotFound):
        payments.receipt(rep, app_id)


def test_card_number_and_code_are_never_stored(rep, gateway, caplog):
    caplog.set_level("DEBUG")
    app_id = signed(rep)
    payments.pay(rep, app_id, card("4000 0000 0000 9995", code="731"), payments.new_idempotency_key(),
                 provider=gateway)
    payments.pay(rep, app_id, card("3782 822463 10005", code="8642"), payments.new_idempotency_key(),
                 provider=gateway)
    dump = []
    with get_engine().connect() as conn:
        for table in ("payment", "audit_event", "application", "applicant"):
            for row in conn.execute(text(f"select * from {table}")):
                dump.append(" ".join(str(v) for v in row))
    everything = "\n".join(dump) + caplog.text
    for secret in ("4000000000009995", "378282246310005", "822463", "8642"):
        # As a value of its own: random hex hashes and tokens (audit chain, keys) may contain
        # the four digits by chance.
        assert not re.search(rf"(?<![0-9A-Za-z]){secret}(?![0-9A-Za-z])", everything), secret
    assert "9995" in everything and "0005" in everything


# --------------------------------------------------------------------------- providers


class RecordingProvider:
    name = "recording"

    def __init__(self):
        self.keys = []

    def charge(self, amount_cents, method, idempotency_key):
        self.keys.append(idempotency_key)
        return ChargeResult("approved", "R-1", None)

    def lookup(self, idempotency_key):
        return None


RECORDING = RecordingProvider()


def test_provider_from_settings(rep, portal_env):
    # The dotted path imports this file as `tests.services.test_payments` (pytest may know it by another name).
    here = importlib.import_module("tests.services.test_payments")
    assert isinstance(payment_providers.load_provider("demo"), DemoGateway)
    assert isinstance(payment_providers.load_provider("tests.services.test_payments:RecordingProvider"), here.RecordingProvider)
    assert payment_providers.load_provider("tests.services.test_payments.RECORDING") is here.RECORDING
    with pytest.raises(ValueError):
        payment_providers.load_provider("tests.services.test_payments:card")  # a function that is no provider
    with pytest.raises(ValueError):
        payment_providers.load_provider("nothing")
    portal_env(RAR_PAYMENT_PROVIDER="tests.services.test_payments.RECORDING")
    payment_providers._provider_cache.clear()
    try:
        app_id = signed(rep)
        outcome = payments.pay(rep, app_id, card(), "key-" + "r" * 20)
        assert outcome.approved and here.RECORDING.keys == ["key-" + "r" * 20]
        assert payments.attempts(rep, app_id)[0].provider == "recording"
    finally:
        payment_providers._provider_cache.clear()


def test_demo_gateway_is_idempotent_and_refuses_a_reused_key_with_other_details(gateway):
    first = gateway.charge(100, card(), "k" * 20)
    assert gateway.charge(100, card(), "k" * 20) == first
    assert gateway.lookup("k" * 20) == first and gateway.lookup("other-key-000000") is None
    assert gateway.charge(200, card(), "k" * 20).code == "idempotency_mismatch"
    assert len(gateway.captures) == 1
