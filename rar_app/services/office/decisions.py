"""Automated office decisions that a program declares (``Program.extra["office"]``):
which service decides, and when the simulation lets it.

A program names a kind of decision, never a service: ``"travel_authorization"`` (the
eTA: decided within minutes, most approved with a number and a validity, a share sent
to further review with a document request) or ``"coverage_document"`` (the IFHP:
a certificate of eligibility as a PDF, or a request for the missing documents). `automated`
maps kinds to the services that carry them out, so nothing tests a program's code.

The helpers here (the program of an application, its answers, the statuses in which
a decision is taken, the simulated delay) are shared by the deciding services
(`travel_authorization`, `coverage`) and by `automated`, which dispatches to them; the
simulation asks `due` whether the program's ``extra["decision_minutes"]`` of simulated
time have passed (instead of the share of the processing-time estimate it uses for
the other lines of business).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from rar_app.models import Applicant, Application, IssuedAuthorization
from rar_app.programs import registry
from rar_app.programs.base import Program

DECIDING = ("submitted", "in_review")  # statuses in which an automated decision can be taken


def program_of(kind: str) -> Program | None:
    try:
        return registry.get(kind)
    except KeyError:
        return None


def office_kind(kind: str) -> str:
    program = program_of(kind)
    return str(program.extra.get("office") or "") if program else ""


def answers(app: Application) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(app.wizard_data or "{}")
    except ValueError:
        return {}
    found = data.get("answers") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def due(applicant: Applicant, app_kind: str, submitted_at: datetime | None, now: datetime, speed: float,
        since: datetime) -> bool | None:
    """For programs with an automated decision: whether its simulated delay has passed
    (True/False); None for the others (the simulation's usual rule applies)."""
    program = program_of(app_kind)
    minutes = program.extra.get("decision_minutes") if program and program.extra.get("office") else None
    if minutes is None or applicant.status not in DECIDING:
        return None
    if speed <= 0:
        return False
    start = max(applicant.status_changed_at or submitted_at or now, since)
    return (now - start).total_seconds() * speed / 60 >= float(minutes)


def issued_for(db: Session, applicant_id: int) -> IssuedAuthorization | None:
    return db.exec(select(IssuedAuthorization).where(IssuedAuthorization.applicant_id == applicant_id)).first()
