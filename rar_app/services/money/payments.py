"""Paying the fees of a signed application (the guide's "site Web externe"), by
credit card or Interac Online, through a pluggable payment provider. No Reflex here.

Provider
--------
`PaymentProvider` is a protocol: `charge(amount_cents, method, idempotency_key)`
returns a `ChargeResult` (approved / declined / failed, transaction number, code)
and `lookup(idempotency_key)` returns what the provider did with a key (None if it
never saw it). A provider must be idempotent on the key: the same key charged
again returns the first result and moves no money. `settings.payment_provider`
(RAR_PAYMENT_PROVIDER) chooses it: ``demo`` (the default, `DemoGateway` below), or
a dotted path ``package.module:name`` / ``package.module.name`` naming a provider
instance, class or factory (called with no argument). See docs/payments.md; the demo
gateway's test numbers are in payment_providers.py.

State machine (table `payment`)
-------------------------------
    pending ──▶ approved   (application submitted in the same transaction)
            ├─▶ declined   (application back to 'signed': try another card)
            └─▶ failed     (same; nothing was charged)
    declined | failed ──(the provider's approval arrives late)──▶ refunded | refund_due
    approved | refund_due ──(staff refund, services/money/refunds.py)──▶ refunded

`pay()`:
1. A key already used for this application returns its recorded outcome
   (`replayed=True`): a replayed request or a double click charges nothing.
2. Otherwise one transaction claims the application (`signed` → `paying`, a
   compare-and-set, first statement) and inserts the pending Payment with the
   key (unique). Only one claim can win: a second tab, a second worker or a
   parallel click gets `PaymentInProgress` / `AlreadySubmitted`, or, with the
   same key, the recorded outcome once it is known.
3. The provider is called outside any transaction.
4. One transaction records the result; an approval submits the application
   (`submission.mark_submitted`) in that same transaction: one charge, one
   submission.
A payment left pending by a crash between 3 and 4 is settled later by
`reconcile()` (called by the next `pay()` on that application after
`STALE_AFTER`): it asks the provider with `lookup(key)`.

Card data: the number and security code live only in a `CardDetails` for the
length of the request (not in the database, the audit log, logs, reprs, or the
page state). The database keeps the brand, the last four digits, amount, time and
transaction number.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Application, Payment, utcnow
from rar_app.services import audit
from rar_app.services.casework import submission
from rar_app.services.casework.submission import NotFound, as_id, owned_application
from rar_app.services.office import pool_guard
# The errors and the method checks are part of what the payment pages call here.
from rar_app.services.money.payment_errors import (  # noqa: F401
    AlreadySubmitted, ApplicationLapsed, CardRefused, InvalidKey, NothingToPay, NotSigned, PaymentError,
    PaymentInProgress,
)
from rar_app.services.money.payment_methods import (  # noqa: F401
    BRAND_LABELS, INTERAC_INSTITUTIONS, CardDetails, PaymentMethod, validate_card, validate_interac,
)
from rar_app.services.money.payment_providers import ChargeResult, PaymentProvider, get_provider, refund_with

STALE_AFTER = timedelta(minutes=2)
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


# ---------------------------------------------------------------------------
# Paying


def new_idempotency_key() -> str:
    """One per payment attempt: the page issues it with the form and sends it back."""
    return "pay_" + secrets.token_urlsafe(24)


@dataclasses.dataclass(frozen=True)
class PaymentOutcome:
    payment_id: int
    status: str  # approved, declined, failed, pending (still in flight elsewhere)
    amount_cents: int
    method: str
    transaction_number: str | None
    failure_code: str | None
    replayed: bool  # this key had been used: nothing was charged this time
    submitted: bool  # the application is submitted

    @property
    def approved(self) -> bool:
        return self.status == "approved"


def _outcome(p: Payment, app: Application, replayed: bool) -> PaymentOutcome:
    return PaymentOutcome(p.id, p.status, p.amount_cents, p.method, p.transaction_number, p.failure_code,
                          replayed, app.status == "submitted")


def _by_key(db: Session, key: str) -> Payment | None:
    return db.exec(select(Payment).where(Payment.idempotency_key == key)).first()


def _pending_of(db: Session, application_id: int) -> Payment | None:
    return db.exec(select(Payment).where(Payment.application_id == application_id, Payment.status == "pending")
                   .order_by(Payment.id.desc())).first()


def _replay(db: Session, account_id: int, app_id: int, key: str, ip: str = "") -> PaymentOutcome | None:
    """The recorded outcome of a key already used (audited `payment.replayed`: a double
    click, a second submit of the same form or a replayed request; nothing is charged)."""
    existing = _by_key(db, key)
    if existing is None:
        return None
    if existing.application_id != app_id:
        raise NotFound()
    app = owned_application(db, account_id, app_id)
    audit.record(db, "payment.replayed", actor_id=account_id, actor_role="representative", ip=ip,
                 object_type="application", object_id=app_id, payment_id=existing.id, status=existing.status)
    return _outcome(existing, app, replayed=True)


def _method_fields(method: PaymentMethod) -> dict[str, Any]:
    if isinstance(method, CardDetails):
        return {"method": "card", "card_brand": method.brand, "card_last4": method.last4}
    return {"method": "interac", "institution": method.institution}


def _start(account_id: int, app_id: int, method: PaymentMethod, key: str, ip: str,
           provider_name: str) -> PaymentOutcome | Payment:
    """Claim the application and record the pending payment; or the recorded outcome."""
    try:
        with session_scope() as db:
            if submission.claim(db, account_id, app_id, "signed", "paying"):
                app = owned_application(db, account_id, app_id)
                applicants = submission.applicants_of(db, app.id)
                lines, total, _w = submission.application_fees(app, applicants)  # the Signature page's
                if total <= 0:
                    raise NothingToPay()
                if pool_guard.application_lapsed(db, app.id):
                    raise ApplicationLapsed()  # rolls the claim back: the application stays signed, unpaid
                payment = Payment(application_id=app.id, idempotency_key=key, amount_cents=total, currency="CAD",
                                  provider=provider_name[:30], status="pending", account_id=account_id,
                                  fee_lines=json.dumps([ln.as_json() for ln in lines], ensure_ascii=False),
                                  **_method_fields(method))
                db.add(payment)
                db.flush()
                audit.record(db, "payment.attempt", actor_id=account_id, actor_role="representative", ip=ip,
                             object_type="application", object_id=app.id, payment_id=payment.id,
                             amount_cents=total, **_method_fields(method))
                return payment
    except IntegrityError:
        pass  # the same key was inserted by a parallel request: fall through to its outcome
    with session_scope() as db:
        replay = _replay(db, account_id, app_id, key, ip)
        if replay is not None:
            return replay
        app = owned_application(db, account_id, app_id)
        if app.status == "submitted":
            raise AlreadySubmitted()
        if app.status in ("paying", "submitting"):
            raise PaymentInProgress()
        raise NotSigned()


def _finish(payment_id: int, result: ChargeResult, *, account_id: int | None, ip: str,
            provider: PaymentProvider | None = None) -> PaymentOutcome:
    """Record the provider's answer (once); an approval submits the application. An
    approval that arrives after `reconcile` already settled the payment (as failed: the
    provider had not answered yet) is given back through the provider — never lost."""
    with session_scope() as db:
        payment = db.get(Payment, payment_id)
        app = db.get(Application, payment.application_id)
        if payment.status != "pending":  # settled meanwhile (reconcile): keep the first answer
            if result.status == "approved" and payment.status in ("declined", "failed"):
                _give_back_late_approval(db, payment, result, provider or get_provider(), ip=ip)
            return _outcome(payment, app, replayed=True)
        status = result.status if result.status in ("approved", "declined", "failed") else "failed"
        payment.status = status
        payment.transaction_number = (result.transaction_number or None) and result.transaction_number[:40]
        payment.failure_code = None if status == "approved" else (result.code or status)[:40]
        payment.completed_at = utcnow()
        db.add(payment)
        audit.record(db, f"payment.{status}", actor_id=account_id, actor_role="representative", ip=ip,
                     object_type="application", object_id=app.id, payment_id=payment.id,
                     amount_cents=payment.amount_cents, method=payment.method,
                     transaction_number=payment.transaction_number, code=payment.failure_code)
        if status == "approved":
            if app.status == "paying":
                submission.mark_submitted(db, app, actor_id=app.representative_id, ip=ip, payment_id=payment.id)
        elif app.status == "paying":
            app.status = "signed"
            app.updated_at = utcnow()
            db.add(app)
        db.flush()
        return _outcome(payment, app, replayed=False)


def _give_back_late_approval(db: Session, payment: Payment, result: ChargeResult, provider: PaymentProvider, *,
                             ip: str) -> None:
    """The provider approved a charge the portal had already written off: refund (or void)
    it now; when the provider cannot, the payment waits as `refund_due` for staff."""
    refund = refund_with(provider, payment.idempotency_key, payment.amount_cents)
    payment.transaction_number = (result.transaction_number or payment.transaction_number or "")[:40] or None
    payment.status = "refunded" if refund.status == "refunded" else "refund_due"
    payment.failure_code = "late_approval" if refund.status == "refunded" else (refund.code or "refund_failed")[:40]
    db.add(payment)
    audit.record(db, "payment.late_approval", actor_id=None, actor_role="system", ip=ip, object_type="application",
                 object_id=payment.application_id, payment_id=payment.id, amount_cents=payment.amount_cents,
                 transaction_number=payment.transaction_number, outcome=payment.status,
                 refund_reference=refund.reference, code=refund.code)


def _charge(provider: PaymentProvider, payment: Payment, method: PaymentMethod) -> ChargeResult:
    try:
        return provider.charge(payment.amount_cents, method, payment.idempotency_key)
    except Exception:  # noqa: BLE001 - whatever the provider raised, find out what it did
        try:
            known = provider.lookup(payment.idempotency_key)
        except Exception:  # noqa: BLE001
            known = None
        return known if known is not None else ChargeResult("failed", None, "provider_unreachable")


def pay(account_id: int, application_id: Any, method: PaymentMethod, idempotency_key: str, *, ip: str = "",
        provider: PaymentProvider | None = None) -> PaymentOutcome:
    """Charge the fees of a signed application once and submit it when approved.

    Raises NotFound, NotSigned, AlreadySubmitted (paid already, another key),
    PaymentInProgress (another attempt is in flight), NothingToPay, InvalidKey,
    ApplicationLapsed (an invitation's period to apply has passed: nothing charged)."""
    app_id = as_id(application_id)
    if not isinstance(idempotency_key, str) or not KEY_RE.fullmatch(idempotency_key):
        raise InvalidKey()
    provider = provider or get_provider()
    with session_scope() as db:
        replay = _replay(db, account_id, app_id, idempotency_key, ip)
        if replay is not None:
            return replay
    settle_if_stale(account_id, app_id, provider=provider)
    started = _start(account_id, app_id, method, idempotency_key, ip, getattr(provider, "name", "custom"))
    if isinstance(started, PaymentOutcome):
        return started
    result = _charge(provider, started, method)
    return _finish(started.id, result, account_id=account_id, ip=ip, provider=provider)


def settle_if_stale(account_id: int, application_id: Any, *, provider: PaymentProvider | None = None) -> None:
    """If the application has waited on a pending payment longer than STALE_AFTER
    (a crash between the charge and its record), settle it now (`reconcile`)."""
    with session_scope() as db:
        app = owned_application(db, account_id, application_id)
        if app.status != "paying":
            return
        pending = _pending_of(db, app.id)
        if pending is None or pending.created_at >= utcnow() - STALE_AFTER:
            return
    reconcile(app.id, provider=provider)


def reconcile(application_id: int, *, provider: PaymentProvider | None = None) -> PaymentOutcome | None:
    """Settle a payment left pending (crash between the charge and its record): ask
    the provider what it did with the key; never seen means nothing was charged."""
    provider = provider or get_provider()
    with session_scope() as db:
        pending = _pending_of(db, application_id)
        if pending is None:
            return None
        payment_id, key = pending.id, pending.idempotency_key
    try:
        known = provider.lookup(key)
    except Exception:  # noqa: BLE001 - still unknown: leave it pending
        return None
    result = known if known is not None else ChargeResult("failed", None, "interrupted")
    return _finish(payment_id, result, account_id=None, ip="", provider=provider)


# ---------------------------------------------------------------------------
# Receipt


@dataclasses.dataclass(frozen=True)
class ReceiptClient:
    position: int
    name: str
    application_number: str | None
    lines: tuple[submission.FeeLine, ...]

    @property
    def subtotal_cents(self) -> int:
        return sum(ln.amount_cents for ln in self.lines)


@dataclasses.dataclass(frozen=True)
class Receipt:
    application_id: int
    payment_id: int
    transaction_number: str | None
    paid_at: Any
    method: str
    card_brand: str | None
    card_last4: str | None
    institution: str | None
    amount_cents: int
    currency: str
    clients: tuple[ReceiptClient, ...]


def receipt(account_id: int, application_id: Any) -> Receipt:
    """The approved payment of an application, per client and per fee line. NotFound if none."""
    with session_scope() as db:
        app = owned_application(db, account_id, application_id)
        payment = db.exec(select(Payment).where(Payment.application_id == app.id, Payment.status == "approved")
                          .order_by(Payment.id)).first()
        if payment is None:
            raise NotFound()
        applicants = submission.applicants_of(db, app.id)
        lines = [submission.FeeLine(**ln) for ln in json.loads(payment.fee_lines or "[]")]
        clients = []
        for index, a in enumerate(applicants):
            given, family, _born = submission._client_name(db, a)
            clients.append(ReceiptClient(a.position, " ".join(x for x in (given, family) if x), a.application_number,
                                         tuple(ln for ln in lines if ln.applicant_index == index)))
        return Receipt(app.id, payment.id, payment.transaction_number, payment.completed_at, payment.method,
                       payment.card_brand, payment.card_last4, payment.institution, payment.amount_cents,
                       payment.currency, tuple(clients))


def attempts(account_id: int, application_id: Any) -> list[Payment]:
    """Every payment attempt of an application, oldest first (for the page and tests)."""
    with session_scope() as db:
        app = owned_application(db, account_id, application_id)
        return list(db.exec(select(Payment).where(Payment.application_id == app.id).order_by(Payment.id)))
