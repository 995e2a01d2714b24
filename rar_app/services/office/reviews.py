"""Staff reviews: what a representative or a client asked that takes effect only once
back-office staff have looked at its proof (table `staff_review`).

- `representative_removal`: a client uploaded a completed IMM 5476 to take their
  application over (services/casework/linking.take_over). Until staff approve, the
  representative keeps the file; on approval the application passes to the client, the
  representative is told (inbox message + e-mail) and the client too; on refusal the
  client is told why.
- `fee_exemption`: an applicant's fees were declared « Dispensé des frais » (allowed for
  that type by the rules parameter `fees.exemption.allowed`), with a reason and a
  supporting document. Submission opens the review; the back office cannot process the
  applicant until it is approved (`blocks_processing`); a refusal refuses the applicant.

Every step is audited (`review.opened`, `review.approved`, `review.refused`). Only active
staff decide, never about a request they made themselves. No Reflex here; callers pass
the database session (pages go through `transactions.run`).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from rar_app.i18n import t
from rar_app.models import Account, Applicant, Application, Client, Document, StaffReview, utcnow
from rar_app.services import audit
from rar_app.services.messaging import messages
from rar_app.services.office.search import NotFound, actor_account, write_processing

KINDS = ("representative_removal", "fee_exemption")
STAFF = ("staff",)
PAGE_SIZE = 20
NOTE_MAX = 500


class ReviewError(Exception):
    """The decision cannot be taken (already decided, own request, note missing)."""

    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code, self.field = code, field


def _texts(key: str, **values: Any) -> dict[str, str]:
    return {f"{part}_{lang}": t(f"reviews.tpl.{key}.{part}", lang, **{k: (v.get(lang, "") if isinstance(v, dict)
                                                                          else v) for k, v in values.items()})
            for part in ("subject", "body") for lang in ("fr", "en")}


def _open_review(db: Session, kind: str, app: Application, applicant: Applicant | None, requested_by: Account,
                 document_id: int | None, *, ip: str = "", **details: Any) -> StaffReview:
    review = StaffReview(kind=kind, application_id=app.id, applicant_id=applicant.id if applicant else None,
                         requested_by_id=requested_by.id, document_id=document_id,
                         details=json.dumps(details, ensure_ascii=False, sort_keys=True))
    db.add(review)
    db.flush()
    audit.record(db, "review.opened", actor_id=requested_by.id, actor_role=requested_by.role,
                 object_type="application", object_id=app.id, ip=ip, review_id=review.id, kind=kind,
                 applicant_id=review.applicant_id, document_id=document_id)
    return review


def open_for(db: Session, kind: str, application_id: int, applicant_id: int | None = None) -> StaffReview | None:
    query = select(StaffReview).where(StaffReview.kind == kind, StaffReview.application_id == application_id,
                                      StaffReview.status == "open")
    if applicant_id is not None:
        query = query.where(StaffReview.applicant_id == applicant_id)
    return db.exec(query.order_by(StaffReview.id)).first()


# ---------------------------------------------------------------------------
# Opening reviews


def request_removal(db: Session, client: Account, app: Application, applicant: Applicant, document_id: int, *,
                    ip: str = "") -> StaffReview:
    """The client's IMM 5476 is in: the removal waits for staff. The client is told it was received."""
    review = _open_review(db, "representative_removal", app, applicant, client, document_id, ip=ip,
                          former_representative_id=app.representative_id,
                          application_number=applicant.application_number or "")
    messages.post(db, account_id=client.id, category=applicant.application_type, detail="information",
                  notify=True, **_texts("removal_received", number=applicant.application_number or ""))
    return review


def request_fee_exemption(db: Session, representative: Account, app: Application, applicant: Applicant,
                          document_id: int | None, reason: str, item: str = "processing", *,
                          ip: str = "") -> StaffReview:
    """On submission of an applicant whose fee is « Dispensé des frais » (services/casework/submission)."""
    return _open_review(db, "fee_exemption", app, applicant, representative, document_id, ip=ip,
                        reason=reason[:NOTE_MAX], item=item, application_number=applicant.application_number or "")


def blocks_processing(db: Session, applicant_id: int) -> bool:
    """Is a fee exemption of this applicant still waiting for staff? (no processing until decided)"""
    return db.exec(select(StaffReview.id).where(StaffReview.kind == "fee_exemption",
                                                StaffReview.applicant_id == applicant_id,
                                                StaffReview.status == "open")).first() is not None


# ---------------------------------------------------------------------------
# The staff's queue


@dataclasses.dataclass(frozen=True)
class ReviewRow:
    id: int
    kind: str
    status: str
    application_id: int
    application_number: str
    client_name: str
    requested_by: str
    requested_at: datetime
    reason: str
    document_id: int | None
    document_name: str
    decided_at: datetime | None
    decision_note: str


def _row(db: Session, review: StaffReview) -> ReviewRow:
    details = json.loads(review.details or "{}")
    applicant = db.get(Applicant, review.applicant_id) if review.applicant_id else None
    client = db.get(Client, applicant.client_id) if applicant and applicant.client_id else None
    by = db.get(Account, review.requested_by_id)
    doc = db.get(Document, review.document_id) if review.document_id else None
    return ReviewRow(
        id=review.id, kind=review.kind, status=review.status, application_id=review.application_id,
        application_number=(applicant.application_number if applicant else "") or details.get("application_number", ""),
        client_name=f"{client.given_names} {client.family_name}".strip() if client else "",
        requested_by=(f"{by.given_names} {by.family_name}".strip() or by.username or "") if by else "",
        requested_at=review.created_at, reason=str(details.get("reason", "")),
        document_id=doc.id if doc and doc.deleted_at is None else None,
        document_name=doc.original_name if doc else "", decided_at=review.decided_at,
        decision_note=review.decision_note)


def queue(db: Session, actor_id: int, *, status: str = "open", page: int = 0) -> tuple[list[ReviewRow], bool]:
    """One page of reviews (oldest open first; decided ones newest first) and whether more follow. Staff only."""
    actor_account(db, actor_id, STAFF)
    status = status if status in ("open", "decided") else "open"
    query = select(StaffReview)
    if status == "open":
        query = query.where(StaffReview.status == "open").order_by(StaffReview.created_at, StaffReview.id)
    else:
        query = query.where(StaffReview.status != "open").order_by(StaffReview.decided_at.desc(),
                                                                   StaffReview.id.desc())
    page = max(0, int(page)) if isinstance(page, int) else 0
    rows = list(db.exec(query.offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    if rows:  # the queue shows clients' and representatives' names: a read of personal information
        audit.record(db, "personal.read", actor_id=actor_id, actor_role="staff", object_type="staff_review",
                     view="review_queue", status=status, page=page, reviews=[r.id for r in rows[:PAGE_SIZE]])
    return [_row(db, r) for r in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def reviews_of_application(db: Session, application_id: int) -> list[StaffReview]:
    return list(db.exec(select(StaffReview).where(StaffReview.application_id == application_id)
                        .order_by(StaffReview.id)))


# ---------------------------------------------------------------------------
# Deciding


def decide(db: Session, actor_id: int, review_id: Any, approve: bool, note: str = "", *, ip: str = "") -> str:
    """Approve or refuse an open review; returns its new status. Staff only (NotFound otherwise,
    and for unknown ids); a refusal needs a note (ReviewError "note_required")."""
    staff = actor_account(db, actor_id, STAFF)
    try:
        rid = int(review_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    review = db.exec(select(StaffReview).where(StaffReview.id == rid).with_for_update()).first()
    if review is None:
        raise NotFound()
    if review.status != "open":
        raise ReviewError("already_decided")
    if review.requested_by_id == staff.id:
        raise ReviewError("own_request")
    note = (note or "").strip()[:NOTE_MAX]
    if not approve and not note:
        raise ReviewError("note_required", "note")
    app = db.get(Application, review.application_id)
    applicant = db.get(Applicant, review.applicant_id) if review.applicant_id else None
    review.status = "approved" if approve else "refused"
    review.decided_by_id, review.decided_at, review.decision_note = staff.id, utcnow(), note
    db.add(review)
    audit.record(db, f"review.{review.status}", actor_id=staff.id, actor_role=staff.role, object_type="application",
                 object_id=app.id, ip=ip, review_id=review.id, kind=review.kind,
                 applicant_id=review.applicant_id, note=note)
    _EFFECTS[review.kind](db, staff, review, app, applicant, approve, note, ip)
    return review.status


def _removal(db: Session, staff: Account, review: StaffReview, app: Application, applicant: Applicant | None,
             approve: bool, note: str, ip: str) -> None:
    number = applicant.application_number if applicant else ""
    category = applicant.application_type if applicant else app.kind
    values = {"number": number or "", "category": messages.category_values(category)}
    client_id = review.requested_by_id
    if not approve:
        messages.post(db, account_id=client_id, category=category, detail="information", notify=True,
                      **_texts("removal_refused", number=number or "", note=note))
        return
    former = app.representative_id
    write_processing(db, app, representative_id=None, client_account_id=client_id, updated_at=utcnow())
    audit.record(db, "application.representative_removed", actor_id=staff.id, actor_role=staff.role,
                 object_type="application", object_id=app.id, ip=ip, reason="imm5476_from_client",
                 former_representative_id=former, document_id=review.document_id, review_id=review.id,
                 client_account_id=client_id, application_number=number)
    if former is not None:
        messages.post_template(db, "representative_removed", values, account_id=former, category=category,
                               detail="information", notify=True)
    messages.post_template(db, "takeover_confirmed", values, application_id=app.id,
                           applicant_id=applicant.id if applicant else None, category=category, detail="updated",
                           notify=True)


def _fee_exemption(db: Session, staff: Account, review: StaffReview, app: Application, applicant: Applicant | None,
                   approve: bool, note: str, ip: str) -> None:
    number = applicant.application_number if applicant else ""
    key = "exemption_approved" if approve else "exemption_refused"
    if not approve and applicant is not None and applicant.status == "submitted":
        write_processing(db, applicant, status="refused", decision="refused", processing_step="decision",
                         status_changed_at=utcnow())
        audit.record(db, "backoffice.refuse", actor_id=staff.id, actor_role=staff.role, object_type="application",
                     object_id=app.id, ip=ip, applicant_id=applicant.id, reason="fee_exemption_refused")
    messages.post(db, application_id=app.id, applicant_id=applicant.id if applicant else None,
                  category=applicant.application_type if applicant else app.kind, detail="updated",
                  notify=False, **_texts(key, number=number or "", note=note))
    if app.representative_id is not None:
        messages.post(db, account_id=app.representative_id,
                      category=applicant.application_type if applicant else app.kind,
                      detail="follow_up" if not approve else "updated", notify=True,
                      **_texts(key, number=number or "", note=note))


_EFFECTS = {"representative_removal": _removal, "fee_exemption": _fee_exemption}
