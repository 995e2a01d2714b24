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
from typing import Any, Callable

from sqlmodel import Session, select

from rar_app import rules
from rar_app.i18n import t
from rar_app.models import Applicant, Application, IssuedAuthorization
from rar_app.programs import registry
from rar_app.programs.base import Program

DECIDING = ("submitted", "in_review")  # statuses in which an automated decision can be taken
REFUSED = "refused"


def open_case(db: Session, actor: Any, applicant_id: Any, *, kind: str, facts_of: Callable[[Program, dict], dict],
              rule: Callable[..., dict], passes: str, refused_key: str, on: date) -> Any:
    """The first moves every automated decision shares: the applicant and its application, the
    program's facts and the rule's verdict (French and English); the file goes into review, and a
    case the rule rejects is refused here with the rule's reason.

    Returns None when there is nothing to decide, REFUSED, or (applicant, app, program, facts, verdict, verdict_en)."""
    from rar_app.services.office import backoffice  # noqa: PLC0415 (backoffice is the deciders' toolbox)

    applicant, app = backoffice._applicant(db, applicant_id)
    if applicant.status not in DECIDING:
        return None
    program = program_of(app.kind)
    if program is None or program.extra.get("office") != kind:
        return None
    facts = facts_of(program, answers(app))
    try:
        verdict = rule(facts["rules_request"], on, "fr")
        verdict_en = rule(facts["rules_request"], on, "en")
    except rules.RulesInputError:
        verdict = verdict_en = None
    if applicant.status == "submitted":
        backoffice.move(db, actor, applicant.id, "start_review")
    if verdict is None or not verdict[passes]:
        reasons = {lang: (v["reason"]["message"] if v else "—") for lang, v in (("fr", verdict), ("en", verdict_en))}
        backoffice.refuse(db, actor, applicant.id, reason_fr=t(refused_key, "fr", reason=reasons["fr"]),
                          reason_en=t(refused_key, "en", reason=reasons["en"]))
        return REFUSED
    return applicant, app, program, facts, verdict, verdict_en


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
