"""Refunds by back-office staff (issue 14): a charge approved after the portal had
written it off and that the provider could not give back at once (`refund_due`, see
payments._give_back_late_approval), or any approved payment staff decide to refund
(with a reason). Through the provider's `refund()`; audited (`payment.refunded`,
`payment.refund_failed`). No Reflex here.

Steps: one transaction checks the actor (active staff), the payment's status and marks
it `refunding` (a compare-and-set: two clicks cannot refund twice); the provider is
called outside any transaction; one transaction records the answer (refunded, or back
to the previous status with the reason it failed)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Applicant, Application, Payment
from rar_app.services import audit
from rar_app.services.money.payment_providers import PaymentProvider, get_provider, refund_with
from rar_app.services.office.search import NotFound, actor_account

STAFF = ("staff",)
REFUNDABLE = ("refund_due", "approved")
PAGE_SIZE = 20
REASON_MAX = 300


class RefundError(Exception):
    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code, self.field = code, field


@dataclasses.dataclass(frozen=True)
class RefundRow:
    payment_id: int
    status: str
    amount_cents: int
    method: str
    transaction_number: str
    application_number: str
    created_at: datetime
    failure_code: str


def _number(db: Session, application_id: int) -> str:
    app = db.get(Application, application_id)
    principal = db.exec(select(Applicant).where(Applicant.application_id == application_id)
                        .order_by(Applicant.position)).first()
    return (principal.application_number if principal else None) or (app.reference if app else "") or ""


def queue(db: Session, actor_id: int, *, view: str = "due", page: int = 0) -> tuple[list[RefundRow], bool]:
    """Payments waiting for a refund (`due`), or the approved ones, newest first. Staff only."""
    actor_account(db, actor_id, STAFF)
    status = "refund_due" if view != "approved" else "approved"
    page = page if isinstance(page, int) and page >= 0 else 0
    rows = list(db.exec(select(Payment).where(Payment.status == status)
                        .order_by(Payment.created_at.desc(), Payment.id.desc())
                        .offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return [RefundRow(p.id, p.status, p.amount_cents, p.method, p.transaction_number or "",
                      _number(db, p.application_id), p.created_at, p.failure_code or "")
            for p in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def refund(actor_id: int, payment_id: Any, reason: str = "", *, ip: str = "",
           provider: PaymentProvider | None = None) -> str:
    """Give back one payment; returns "refunded". Raises NotFound (not staff, unknown id),
    RefundError: not_refundable, reason_required (an approved payment needs a reason),
    provider_failed (nothing changed; try again)."""
    reason = (reason or "").strip()[:REASON_MAX]
    try:
        pid = int(payment_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    with session_scope() as db:
        staff = actor_account(db, actor_id, STAFF)
        payment = db.get(Payment, pid)
        if payment is None:
            raise NotFound()
        before = payment.status
        if before not in REFUNDABLE:
            raise RefundError("not_refundable")
        if before == "approved" and not reason:
            raise RefundError("reason_required", "reason")
        claimed = db.exec(update(Payment).where(Payment.id == pid, Payment.status == before)
                          .values(status="refunding")).rowcount
        if claimed != 1:
            raise RefundError("not_refundable")
        key, amount, app_id, role = payment.idempotency_key, payment.amount_cents, payment.application_id, staff.role
    result = refund_with(provider or get_provider(), key, amount)
    with session_scope() as db:
        payment = db.get(Payment, pid)
        ok = result.status == "refunded"
        payment.status = "refunded" if ok else before
        if ok:
            payment.failure_code = ("late_approval" if before == "refund_due" else "refunded_by_staff")
        db.add(payment)
        audit.record(db, "payment.refunded" if ok else "payment.refund_failed", actor_id=actor_id, actor_role=role,
                     ip=ip, object_type="application", object_id=app_id, payment_id=pid, amount_cents=amount,
                     previous_status=before, reason=reason, refund_reference=result.reference, code=result.code)
    if not ok:
        raise RefundError("provider_failed")
    return "refunded"
