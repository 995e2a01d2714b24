"""Payment providers: the `PaymentProvider` protocol, the built-in demo gateway, and
the provider chosen by RAR_PAYMENT_PROVIDER (see payments.py and docs/payments.md).

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
"""

from __future__ import annotations

import dataclasses
import importlib
import secrets
import threading
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from rar_app.models import utcnow
from rar_app.services.money.payment_methods import CardDetails, InteracDetails, PaymentMethod
from rar_app.settings import get_settings

# ---------------------------------------------------------------------------
# Providers


@dataclasses.dataclass(frozen=True)
class ChargeResult:
    status: str  # approved, declined, failed
    transaction_number: str | None = None
    code: str | None = None  # decline or failure reason, e.g. insufficient_funds


@dataclasses.dataclass(frozen=True)
class RefundResult:
    status: str  # refunded (or voided before capture: the money never moved), failed
    reference: str | None = None
    code: str | None = None


@runtime_checkable
class PaymentProvider(Protocol):
    name: str

    def charge(self, amount_cents: int, method: PaymentMethod, idempotency_key: str) -> ChargeResult:
        """Charge once per key; the same key again returns the first result."""
        ...

    def lookup(self, idempotency_key: str) -> ChargeResult | None:
        """What happened to a key (None: never seen, nothing charged)."""
        ...


def refund_with(provider: Any, idempotency_key: str, amount_cents: int) -> RefundResult:
    """Give back (void or refund) the approved charge of a key. A provider offers it with
    `refund(idempotency_key, amount_cents) -> RefundResult` (idempotent on the key); one
    without it, or one that cannot be reached, answers "failed" and the payment waits as
    `refund_due` for staff (services/money/refunds.py) — never lost."""
    refund = getattr(provider, "refund", None)
    if refund is None:
        return RefundResult("failed", None, "refund_not_supported")
    try:
        return refund(idempotency_key, amount_cents)
    except Exception:  # noqa: BLE001 - unreachable or broken: staff will retry
        return RefundResult("failed", None, "provider_unreachable")


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
        self.refunds: dict[str, tuple[int, str]] = {}  # key → (amount, reference) given back
        self.unreachable_refunds = False  # tests: the gateway cannot be reached for refunds

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

    def refund(self, idempotency_key: str, amount_cents: int) -> RefundResult:
        """Give back an approved charge, once (the same key again returns the first refund)."""
        if self.unreachable_refunds:
            raise ProviderUnavailable("demo gateway: connection lost (refund)")
        with self._lock:
            if idempotency_key in self.refunds:
                return RefundResult("refunded", self.refunds[idempotency_key][1])
            seen = self._ledger.get(idempotency_key)
            if seen is None or seen[1].status != "approved":
                return RefundResult("failed", None, "nothing_to_refund")
            charged = next((a for k, a in self.captures if k == idempotency_key), 0)
            if amount_cents <= 0 or amount_cents > charged:
                return RefundResult("failed", None, "amount_mismatch")
            reference = f"R{utcnow():%y%m%d}-{secrets.token_hex(4).upper()}"
            self.refunds[idempotency_key] = (amount_cents, reference)
            return RefundResult("refunded", reference)


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
