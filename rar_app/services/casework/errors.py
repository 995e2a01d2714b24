"""The refusals of the pages after the review (checklist, signature, transmission,
payment), each with a stable code the pages translate (`submit.error_<code>`)."""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable


class FinishError(Exception):
    """A refusal with a stable code; `field` names the form field when there is one."""

    code = "error"

    def __init__(self, code: str | None = None, field: str | None = None, **details: Any) -> None:
        self.code = code or self.code
        self.field = field
        self.details = details
        super().__init__(self.code)


class NotFound(FinishError):
    """Unknown, or not this representative's — deliberately indistinguishable."""

    code = "not_found"


class NotEditable(FinishError):
    """The application is submitted (or a payment is in flight): nothing may change."""

    code = "not_editable"


class ReadOnlyApplication(NotEditable):
    """Raised by the database guard when something tries to change a submitted application."""

    code = "read_only"


@dataclasses.dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    details: dict[str, Any] = dataclasses.field(default_factory=dict)


class SignatureRefused(FinishError):
    """The declaration form has errors: one FieldError per problem."""

    code = "signature_refused"

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("signature_refused", self.errors[0].field if self.errors else None)

    @property
    def codes(self) -> dict[str, str]:
        return {e.field: e.code for e in self.errors}


class SignatureLocked(FinishError):
    """Third wrong answer: the session has been revoked."""

    code = "signature_locked"
