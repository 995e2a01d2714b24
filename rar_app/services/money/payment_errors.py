"""What paying can answer besides an outcome: the application is not signed, already
submitted, being paid in another tab, has nothing to pay, the key is malformed, or
the card form has errors."""

from __future__ import annotations

from rar_app.services.casework import submission
from rar_app.services.casework.submission import FinishError

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


class ApplicationLapsed(PaymentError):
    """The invitation's period to apply (`PoolInvitation.apply_by`) has passed: nothing is charged."""

    code = "application_lapsed"


class CardRefused(PaymentError):
    """The card form has errors (checked before any provider call)."""

    code = "card_refused"

    def __init__(self, errors: list[submission.FieldError]) -> None:
        self.errors = errors
        super().__init__("card_refused", errors[0].field if errors else None)

    @property
    def codes(self) -> dict[str, str]:
        return {e.field: e.code for e in self.errors}
