"""The payment methods the portal accepts — credit card (Visa, Mastercard, American
Express) and Interac Online — and the checks of the card form before any provider
is called. Card data lives only in a `CardDetails` for the length of the request."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Union

from rar_app.services.casework import submission
from rar_app.services.money.payment_errors import CardRefused

ACCEPTED_BRANDS = ("visa", "mastercard", "amex")
BRAND_LABELS = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express"}
INTERAC_INSTITUTIONS = ("demo_bank", "demo_bank_decline", "demo_bank_outage")

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
