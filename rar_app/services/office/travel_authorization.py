"""The simulated office's eTA decision (a program whose ``extra["office"]`` is
``"travel_authorization"``).

Paid requests are forwarded at once; within the program's ``decision_minutes`` of
simulated time the office decides:

- the rules in force no longer allow an eTA for the nationality → refused, with the
  rules engine's reason;
- a share of requests (``extra["review_share"]``, chosen deterministically per
  applicant so a replayed training run decides the same way) and every request with a
  « Oui » to a background question → further review: a document request (passport
  page and explanation of the trip), answered through the usual upload slot; once
  every request is answered the file comes back and is approved;
- otherwise approved: an eTA number, valid five years or until the passport expires
  (rules `eta_valid_until`, IRPR 12.06), stored as an `IssuedAuthorization` and told
  in one message (application messages and the representative's inbox).

Every change is audited by the status machine (`backoffice.move`) and here
(``office.eta_issued``).
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from rar_app import rules
from rar_app.i18n import t
from rar_app.models import DocumentRequest, IssuedAuthorization
from rar_app.services import audit
from rar_app.services.office import backoffice, decisions

KIND = "travel_authorization"


def _number(db: Session) -> str:
    for _ in range(100):
        number = f"E{100_000_000 + secrets.randbelow(900_000_000)}"
        if db.exec(select(IssuedAuthorization.id).where(IssuedAuthorization.number == number)).first() is None:
            return number
    raise RuntimeError("could not allocate an eTA number")  # pragma: no cover


def selected_for_review(applicant_id: int, share: float) -> bool:
    return random.Random(applicant_id * 104729 + 17).random() < share


def _had_request(db: Session, applicant_id: int) -> bool:
    return db.exec(select(DocumentRequest.id).where(DocumentRequest.applicant_id == applicant_id)).first() is not None


def decide(db: Session, actor: backoffice.Actor, applicant_id: Any, *, on: date | None = None) -> str | None:
    """One move of the automated decision. Returns "refused", "further_review",
    "approved", or None when nothing applies (status not submitted/in review)."""
    on = on or date.today()
    opened = decisions.open_case(db, actor, applicant_id, kind=KIND, on=on, rule=rules.eta, passes="can_apply",
                                 refused_key="eta.office_refused_reason",
                                 facts_of=lambda program, answers: program.extra["facts"](answers))
    if opened is None or opened == decisions.REFUSED:
        return opened
    applicant, app, program, facts, verdict, _verdict_en = opened
    flagged = bool(facts["background_flags"]) or selected_for_review(applicant.id, float(
        program.extra.get("review_share", 0)))
    if flagged and not _had_request(db, applicant.id):
        backoffice.request_documents(db, actor, applicant.id, label_fr=t("eta.office_review_label", "fr"),
                                     label_en=t("eta.office_review_label", "en"),
                                     note_fr=t("eta.office_review_note", "fr"), note_en=t("eta.office_review_note", "en"),
                                     due_on=on + timedelta(days=3))
        return "further_review"
    _approve(db, actor, applicant.id, facts, on)
    return "approved"


def _approve(db: Session, actor: backoffice.Actor, applicant_id: int, facts: dict[str, Any], on: date) -> None:
    applicant, app = backoffice.move(db, actor, applicant_id, "approve")
    applicant.decision = "approved"
    valid_until, reference = rules.eta_valid_until(on, facts["passport_expiry"], on)
    number = _number(db)
    db.add(IssuedAuthorization(application_id=app.id, applicant_id=applicant.id, kind=KIND, number=number,
                               valid_from=on, valid_until=valid_until))
    values = {"eta_number": number, "valid_until": valid_until.isoformat()}
    document = t("eta.issued_document", "fr", **values)[:100]
    backoffice.move(db, actor, applicant.id, "close", issued_document=document, issued_at=on.isoformat())
    applicant.issued_document, applicant.issued_at = document, on
    db.add(applicant)
    audit.record(db, "office.eta_issued", actor_id=actor.account_id, actor_role=actor.role, object_type="application",
                 object_id=app.id, ip=actor.ip, applicant_id=applicant.id, eta_number=number,
                 valid_until=valid_until.isoformat(), reference=reference)
    client = " ".join(x for x in (facts["given_names"], facts["family_name"]) if x)
    body = {**values, "client": client, "number": applicant.application_number or "",
            "passport": facts["passport_number"]}
    texts = {"subject_fr": t("eta.office_approved_subject", "fr", number=applicant.application_number or ""),
             "subject_en": t("eta.office_approved_subject", "en", number=applicant.application_number or ""),
             "body_fr": t("eta.office_approved_body", "fr", **body),
             "body_en": t("eta.office_approved_body", "en", **body)}
    backoffice.notify(db, app, applicant, None, "updated", texts=texts)
