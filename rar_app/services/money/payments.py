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
instance, class or factory (called with no argument). See docs/payments.md.

Demo gateway test numbers (any holder name, any future expiry date, any security
code of the right length — 3 digits, 4 for American Express)
-----------------------------------------------------------------------------
==========================  ==================  ==========================================
Card number                 Brand               Result
==========================  ==================  ==========================================
4242 4242 4242 4242         Visa                approved
4111 1111 1111 1111         Visa                approved
5555 5555 5555 4444         Mastercard          approved
2223 0031 2200 3222         Mastercard          approved (2-series)
3782 822463 10005           American Express    approved
4000 0000 0000 0002         Visa                declined: card_declined
4000 0000 0000 9995         Visa                declined: insufficient_funds
4000 0000 0000 0069         Visa                declined: expired_card (the bank says so)
5105 1051 0510 5100         Mastercard          declined: card_declined
3714 496353 98431           American Express    declined: insufficient_funds
4000 0000 0000 0119         Visa                failed: processing_error (nothing charged)
4000 0000 0000 3063         Visa                failed: the gateway cannot be reached
                                                (raises; the portal records provider_unreachable)
any other valid number      Visa/MC/Amex        approved
6011 1111 1111 1117         Discover            refused by the portal: brand not accepted
==========================  ==================  ==========================================

Interac Online (demo institutions): ``demo_bank`` approves, ``demo_bank_decline``
declines (interac_declined), ``demo_bank_outage`` fails (institution_unavailable).

The demo gateway keeps its ledger in memory (one per process): enough for
training and tests; with several workers each has its own ledger, which is
harmless because the portal never charges one key from two workers (below).

State machine (table `payment`)
-------------------------------
    pending ──▶ approved   (application submitted in the same transaction)
            ├─▶ declined   (application back to 'signed': try another card)
            └─▶ failed     (same; nothing was charged)

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
import importlib
import json
import re
import secrets
import threading
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Protocol, Union, runtime_checkable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Applicant, Application, Payment, utcnow
from rar_app.services import audit
from rar_app.services.casework import submission
from rar_app.services.casework.submission import FinishError, NotFound, as_id, owned_application
from rar_app.settings import get_settings

STALE_AFTER = timedelta(minutes=2)
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

ACCEPTED_BRANDS = ("visa", "mastercard", "amex")
BRAND_LABELS = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express"}
INTERAC_INSTITUTIONS = ("demo_bank", "demo_bank_decline", "demo_bank_outage")

# ---------------------------------------------------------------------------
# Errors


class PaymentError(FinishError):
    code = "payment_error"


class NotSigned(PaymentError):
    code = "not_signed"


class AlreadySubmitted(PaymentError):
    code = "already_submitted"


class PaymentInProgress(PaymentError):
    code = "payment_in_progress"


class NothingToPay(PaymentError):
    code = "nothing_to_pay"


class InvalidKey(PaymentError):
    code = "invalid_key"


class CardRefused(PaymentError):
    """The card form has errors (checked before any provider call)."""

    code = "card_refused"

    def __init__(self, errors: list[submission.FieldError]) -> None:
        self.errors = errors
        super().__init__("card_refused", errors[0].field if errors else None)

    @property
    def codes(self) -> dict[str, str]:
        return {e.field: e.code for e in self.errors}


# ---------------------------------------------------------------------------
# Payment methods and card checks


@dataclasses.dataclass(frozen=True)
class CardDetails:
    """A validated card, for one request only. repr/str never show the number or code."""

    holder: str
    number: str = dataclasses.field(repr=False)
    expiry_month: int
    expiry_year: int
    security_code: str = dataclasses.field(repr=False)
    brand: str

    kind = "card"

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def __repr__(self) -> str:
        return f"CardDetails(brand={self.brand!r}, last4={self.last4!r}, expiry={self.expiry_month:02d}/{self.expiry_year})"

    __str__ = __repr__


@dataclasses.dataclass(frozen=True)
class InteracDetails:
    institution: str

    kind = "interac"


PaymentMethod = Union[CardDetails, InteracDetails]


def card_digits(number: str | None) -> str | None:
    """The digits of a card number typed with spaces or hyphens; None if anything else is in it."""
    raw = (number or "").strip()
    cleaned = re.sub(r"[\s-]", "", raw)
    return cleaned if cleaned.isascii() and cleaned.isdigit() else None


def luhn_valid(digits: str) -> bool:
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """visa, mastercard, amex; "other" for a card of a brand the portal does not
    accept (Discover, JCB, Diners, UnionPay…); None when no brand has that shape."""
    n = len(digits)
    if digits.startswith("4"):
        return "visa" if n in (13, 16, 19) else None
    if digits[:2] in ("34", "37"):
        return "amex" if n == 15 else None
    if n == 16 and (51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720):
        return "mastercard"
    if digits[:1] in ("3", "5", "6", "2") and 14 <= n <= 19:
        return "other"
    return None


def validate_card(holder: str | None, number: str | None, expiry_month: str | int | None,
                  expiry_year: str | int | None, security_code: str | None, *,
                  today: date | None = None) -> CardDetails:
    """Check a card form; raises CardRefused with one FieldError per problem.
    Fields: holder, number, expiry (month and year), security_code."""
    today = today or date.today()
    errors: list[submission.FieldError] = []
    fe = submission.FieldError
    holder_clean = " ".join((holder or "").split())
    if not holder_clean:
        errors.append(fe("holder", "holder_required"))
    elif len(holder_clean) > 26 * 2 or any(c.isdigit() for c in holder_clean):
        errors.append(fe("holder", "holder_invalid"))

    brand: str | None = None
    digits = card_digits(number)
    if not (number or "").strip():
        errors.append(fe("number", "number_required"))
    elif digits is None:
        errors.append(fe("number", "number_invalid"))
    else:
        shape = card_brand(digits)
        if shape == "other":
            errors.append(fe("number", "brand_not_accepted"))
        elif shape is None or not luhn_valid(digits):
            errors.append(fe("number", "number_invalid"))
        else:
            brand = shape

    month = year = None
    try:
        month = int(str(expiry_month).strip())
        year = int(str(expiry_year).strip())
        if len(str(expiry_year).strip()) == 2:
            year += 2000
    except (TypeError, ValueError):
        month = year = None
    if month is None or year is None:
        errors.append(fe("expiry", "expiry_required"))
    elif not 1 <= month <= 12 or not 2000 <= year <= 2100:
        errors.append(fe("expiry", "expiry_invalid"))
    elif (year, month) < (today.year, today.month):
        errors.append(fe("expiry", "expiry_past"))

    code = (security_code or "").strip()
    if not code:
        errors.append(fe("security_code", "security_code_required"))
    elif brand == "amex" and not re.fullmatch(r"[0-9]{4}", code):
        errors.append(fe("security_code", "security_code_amex"))
    elif brand in ("visa", "mastercard") and not re.fullmatch(r"[0-9]{3}", code):
        errors.append(fe("security_code", "security_code_three"))
    elif brand is None and not re.fullmatch(r"[0-9]{3,4}", code):
        errors.append(fe("security_code", "security_code_invalid"))

    if errors:
        raise CardRefused(errors)
    assert digits is not None and brand is not None and month is not None and year is not None
    return CardDetails(holder_clean, digits, month, year, code, brand)


def validate_interac(institution: str | None) -> InteracDetails:
    if institution not in INTERAC_INSTITUTIONS:
        raise CardRefused([submission.FieldError("institution", "institution_required")])
    return InteracDetails(institution)


# ---------------------------------------------------------------------------
# Providers


@dataclasses.dataclass(frozen=True)
class ChargeResult:
    status: str  # approved, declined, failed
    transaction_number: str | None = None
    code: str | None = None  # decline or failure reason, e.g. insufficient_funds


@runtime_checkable
class PaymentProvider(Protocol):
    name: str

    def charge(self, amount_cents: int, method: PaymentMethod, idempotency_key: str) -> ChargeResult:
        """Charge once per key; the same key again returns the first result."""
        ...

    def lookup(self, idempotency_key: str) -> ChargeResult | None:
        """What happened to a key (None: never seen, nothing charged)."""
        ...


class ProviderUnavailable(Exception):
    """The provider could not be reached (the demo gateway's 4000 0000 0000 3063)."""


class DemoGateway:
    """The built-in demo gateway: outcomes by test number (module docstring)."""

    name = "demo"

    CARD_OUTCOMES: dict[str, tuple[str, str | None]] = {
        "4000000000000002": ("declined", "card_declined"),
        "4000000000009995": ("declined", "insufficient_funds"),
        "4000000000000069": ("declined", "expired_card"),
        "5105105105105100": ("declined", "card_declined"),
        "371449635398431": ("declined", "insufficient_funds"),
        "4000000000000119": ("failed", "processing_error"),
    }
    UNREACHABLE = "4000000000003063"
    INTERAC_OUTCOMES: dict[str, tuple[str, str | None]] = {
        "demo_bank": ("approved", None),
        "demo_bank_decline": ("declined", "interac_declined"),
        "demo_bank_outage": ("failed", "institution_unavailable"),
    }

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ledger: dict[str, tuple[tuple[Any, ...], ChargeResult]] = {}
        self.captures: list[tuple[str, int]] = []  # (key, amount) of every approved charge: money moved

    def charge(self, amount_cents: int, method: PaymentMethod, idempotency_key: str) -> ChargeResult:
        if isinstance(method, CardDetails):
            fingerprint: tuple[Any, ...] = ("card", amount_cents, method.brand, method.last4)
            if method.number == self.UNREACHABLE:
                raise ProviderUnavailable("demo gateway: connection lost (test number)")
            status, code = self.CARD_OUTCOMES.get(method.number, ("approved", None))
        elif isinstance(method, InteracDetails):
            fingerprint = ("interac", amount_cents, method.institution)
            status, code = self.INTERAC_OUTCOMES.get(method.institution, ("declined", "interac_declined"))
        else:
            raise TypeError("unknown payment method")
        with self._lock:
            seen = self._ledger.get(idempotency_key)
            if seen is not None:
                if seen[0] != fingerprint:
                    return ChargeResult("failed", None, "idempotency_mismatch")
                return seen[1]
            number = f"D{utcnow():%y%m%d}-{secrets.token_hex(4).upper()}"
            result = ChargeResult(status, number, code)
            self._ledger[idempotency_key] = (fingerprint, result)
            if status == "approved":
                self.captures.append((idempotency_key, amount_cents))
            return result

    def lookup(self, idempotency_key: str) -> ChargeResult | None:
        with self._lock:
            seen = self._ledger.get(idempotency_key)
            return seen[1] if seen else None


@lru_cache(maxsize=1)
def _demo() -> DemoGateway:
    return DemoGateway()


def load_provider(spec: str) -> PaymentProvider:
    """'demo', or 'package.module:name' / 'package.module.name' (an instance, or a
    class / factory called with no argument)."""
    spec = (spec or "demo").strip()
    if spec == "demo":
        return _demo()
    module_name, _, attr = spec.partition(":") if ":" in spec else spec.rpartition(".")
    if not module_name or not attr:
        raise ValueError(f"RAR_PAYMENT_PROVIDER must be 'demo' or a dotted path, not {spec!r}")
    target = getattr(importlib.import_module(module_name), attr)
    provider = target() if isinstance(target, type) or (callable(target) and not hasattr(target, "charge")) else target
    if not isinstance(provider, PaymentProvider):
        raise ValueError(f"{spec} is not a payment provider (needs name, charge() and lookup())")
    return provider


_provider_cache: dict[str, PaymentProvider] = {}


def get_provider() -> PaymentProvider:
    spec = get_settings().payment_provider
    if spec not in _provider_cache:
        _provider_cache[spec] = load_provider(spec)
    return _provider_cache[spec]


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
                lines, total, _w = submission.fee_lines(applicants)
                if total <= 0:
                    raise NothingToPay()
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


def _finish(payment_id: int, result: ChargeResult, *, account_id: int | None, ip: str) -> PaymentOutcome:
    """Record the provider's answer (once); an approval submits the application."""
    with session_scope() as db:
        payment = db.get(Payment, payment_id)
        app = db.get(Application, payment.application_id)
        if payment.status != "pending":  # settled meanwhile (reconcile): keep the first answer
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
    PaymentInProgress (another attempt is in flight), NothingToPay, InvalidKey."""
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
    return _finish(started.id, result, account_id=account_id, ip=ip)


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
    return _finish(payment_id, result, account_id=None, ip="")


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
