"""The office's next move on one applicant: the automated decision its program declares
(``Program.extra["office"]``: ``travel_authorization`` → `travel_authorization.decide`,
``coverage_document`` → `coverage.decide`) while it is submitted or in review, else the
usual status machine (`backoffice.advance`). The simulation and the back office's
« Passer à l'étape suivante » call `advance` here."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from sqlmodel import Session

from rar_app.services.office import backoffice, coverage, decisions, travel_authorization

HANDLERS: dict[str, Callable[..., str | None]] = {
    travel_authorization.KIND: travel_authorization.decide,
    coverage.KIND: coverage.decide,
}


def advance(db: Session, actor: backoffice.Actor, applicant_id: Any, *, refuse_share: float = 0.15,
            expected_status: str | None = None, on: date | None = None) -> str | None:
    """Like `backoffice.advance` (same arguments and answer), with the program's own
    decision first. Returns the action taken or None."""
    applicant, app = backoffice._applicant(db, applicant_id, lock=False)
    if expected_status is not None and applicant.status != expected_status:
        return None
    handler = HANDLERS.get(decisions.office_kind(app.kind))
    if handler is not None and applicant.status in decisions.DECIDING:
        return handler(db, actor, applicant.id, on=on)
    return backoffice.advance(db, actor, applicant.id, refuse_share=refuse_share, expected_status=expected_status)
