"""Finding and reading submitted applications: the representative's search, the
"État de la demande et messages" view, and the one access rule every query uses.

Access (the one place it lives): `visible(query, account)` narrows any query that
joins `Application` to what that account may see —

- a representative: applications whose `representative_id` is theirs;
- a client (role "client"): applications they took over (`client_account_id`);
- back-office staff: every submitted application.

Unknown, foreign and draft ids all answer `NotFound`, so ids and numbers reveal nothing.

Search is paged with a keyset cursor on (submitted_at, application id) — newest
first, a page never splitting an application's applicants — so page 500 costs what
page 1 costs; the index `ix_application_rep_submitted` serves a representative's
listing in order, and the number, UCI, family-name and file-number criteria each have
their own index. Totals are counted up to COUNT_CAP ("more than 1,000").
No Reflex here; callers pass a database session (`rar_app.db.session_scope()`).
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import func, literal, or_, tuple_
from sqlmodel import Session, select

from rar_app import rules
from rar_app.services import audit
from rar_app.services.office import document_types
from rar_app.models import (
    Account,
    Applicant,
    Application,
    Client,
    Document,
    DocumentRequest,
    IssuedAuthorization,
    Message,
    name_key,
    uci_key,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
COUNT_CAP = 1000  # totals are counted up to here ("more than 1,000"): the count stays cheap at any size
STAFF_ROLES = frozenset({"staff"})

# Processing statuses of an applicant (Applicant.status), in the order they usually come.
STATUSES = (
    "draft", "submitted", "biometrics_requested", "in_review", "documents_requested",
    "approved", "refused", "closed",
)
OPEN_STATUSES = ("submitted", "biometrics_requested", "in_review", "documents_requested")
DECIDED_STATUSES = ("approved", "refused", "closed")


class NotFound(Exception):
    """Unknown, foreign or not-yet-submitted: the caller says "not found", nothing more."""


# ---------------------------------------------------------------------------
# Who acts, and what they may see


def actor_account(db: Session, actor_id: int | None, roles: Iterable[str] | None = None) -> Account:
    """The active account acting, or NotFound (closed, unknown, or not one of `roles`)."""
    account = db.get(Account, actor_id) if isinstance(actor_id, int) else None
    if account is None or account.status != "active" or (roles is not None and account.role not in set(roles)):
        audit.note_refusal(db, actor_id=actor_id if isinstance(actor_id, int) else None,
                           actor_role=account.role if account else "", object_type="account",
                           object_id=actor_id if isinstance(actor_id, int) else None, reason="role")
        raise NotFound()
    return account


def visible(query: Any, account: Account) -> Any:
    """Narrow a query that joins Application to the applications `account` may see."""
    if account.role in STAFF_ROLES:
        return query.where(Application.submitted_at.is_not(None))
    if account.role == "client":
        return query.where(Application.client_account_id == account.id)
    return query.where(Application.representative_id == account.id)


def may_see(account: Account, app: Application) -> bool:
    """The same rule as `visible`, for one loaded application."""
    if account.role in STAFF_ROLES:
        return app.submitted_at is not None
    if account.role == "client":
        return app.client_account_id == account.id
    return app.representative_id is not None and app.representative_id == account.id


def normalise_number(text: str | None) -> str:
    """An application number as stored: upper case, no spaces or hyphens ("v 123-456-789" → "V123456789")."""
    return "".join(c for c in (text or "") if c.isalnum()).upper()[:12]


# ---------------------------------------------------------------------------
# Search


@dataclasses.dataclass(frozen=True)
class SearchCriteria:
    application_number: str = ""
    family_name: str = ""
    given_names: str = ""
    uci: str = ""
    client_file_number: str = ""
    category: str = ""  # an application type code (Applicant.application_type)

    def is_empty(self) -> bool:
        return not any(v.strip() for v in dataclasses.astuple(self))


@dataclasses.dataclass(frozen=True)
class SearchRow:
    applicant_id: int
    application_id: int
    application_number: str
    family_name: str
    given_names: str
    date_of_birth: str  # ISO date or ""
    category: str  # application type code
    status: str
    date_received: str  # ISO date or ""
    client_file_number: str
    principal: bool
    is_paper: bool

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class SearchPage:
    rows: list[SearchRow]
    next_cursor: str | None  # pass as `after` for the next page; None on the last page
    total: int | None  # how many rows match, up to COUNT_CAP (None when not asked)
    total_capped: bool = False  # True: more than COUNT_CAP match


def _encode_cursor(submitted_at: datetime, app_id: int, position: int) -> str:
    raw = f"{submitted_at.isoformat()}|{app_id}|{position}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> tuple[datetime, int, int] | None:
    if not cursor or not isinstance(cursor, str) or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, app_id, position = raw.split("|")
        when = datetime.fromisoformat(at)
        if when.tzinfo is None:
            return None
        return when, int(app_id), int(position)
    except (ValueError, UnicodeDecodeError):
        return None


def _criteria_filters(query: Any, criteria: SearchCriteria) -> Any:
    number = normalise_number(criteria.application_number)
    if number:
        query = query.where(Applicant.application_number == number)
    family = name_key(criteria.family_name)
    if family:
        # Prefix of the accent-free key, as a range so both databases use the index.
        upper = family[:-1] + chr(ord(family[-1]) + 1)
        query = query.where(Client.family_name_key >= family, Client.family_name_key < upper)
    given = " ".join(criteria.given_names.split()).lower()
    if given:
        query = query.where(func.lower(Client.given_names).like(given.replace("%", "").replace("_", "") + "%"))
    uci = uci_key(criteria.uci)
    if uci:
        query = query.where(Client.uci_key == uci)
    file_number = criteria.client_file_number.strip()
    if file_number:
        query = query.where(Application.client_file_number == file_number[:60])
    if criteria.category.strip():
        query = query.where(Applicant.application_type == criteria.category.strip()[:40])
    return query


def _base(account: Account, criteria: SearchCriteria, columns: tuple) -> Any:
    query = (
        select(*columns)
        .select_from(Applicant)
        .join(Application, Applicant.application_id == Application.id)
        .outerjoin(Client, Applicant.client_id == Client.id)
        .where(Application.submitted_at.is_not(None), Applicant.application_number.is_not(None))
    )
    return _criteria_filters(visible(query, account), criteria)


def search(
    db: Session,
    actor_id: int,
    criteria: SearchCriteria | None = None,
    *,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    with_total: bool = True,
) -> SearchPage:
    """One page of the submitted applications `actor_id` may see that match `criteria`
    (all of them when the criteria are empty: "Rechercher toutes les demandes"), newest
    first, one row per applicant."""
    account = actor_account(db, actor_id)
    criteria = criteria or SearchCriteria()
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    query = _base(account, criteria, (
        Applicant.id, Applicant.application_id, Applicant.application_number, Applicant.application_type,
        Applicant.status, Applicant.date_received, Applicant.position, Application.submitted_at,
        Application.client_file_number, Application.is_paper, Client.family_name, Client.given_names,
        Client.date_of_birth,
    ))
    cursor = _decode_cursor(after)
    if cursor:
        # Row-value comparison: both databases walk ix_application_rep_submitted from the cursor.
        # Pages end on an application's last applicant, so the cursor is (submitted_at, application id).
        at, app_id, _position = cursor
        query = query.where(tuple_(Application.submitted_at, Application.id)
                            < tuple_(literal(at, Application.submitted_at.type), literal(app_id)))
    ordered = query.order_by(Application.submitted_at.desc(), Application.id.desc(), Applicant.position)
    found = list(db.exec(ordered.limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    if more and found:
        # Never split an application's applicants across two pages: finish the last one here.
        last = found[-1]
        rest = list(db.exec(query.where(Application.id == last.application_id, Applicant.position > last.position)
                            .order_by(Applicant.position)))
        found += rest
        beyond = _encode_cursor(last.submitted_at, last.application_id, 0)
        more = db.exec(query.where(tuple_(Application.submitted_at, Application.id)
                                   < tuple_(literal(last.submitted_at, Application.submitted_at.type),
                                            literal(last.application_id))).limit(1)).first() is not None
        next_cursor = beyond if more else None
    else:
        next_cursor = None
    rows = [
        SearchRow(
            applicant_id=r.id, application_id=r.application_id, application_number=r.application_number or "",
            family_name=r.family_name or "", given_names=r.given_names or "",
            date_of_birth=r.date_of_birth.isoformat() if r.date_of_birth else "",
            category=r.application_type, status=r.status,
            date_received=r.date_received.isoformat() if r.date_received else "",
            client_file_number=r.client_file_number or "", principal=r.position == 1, is_paper=bool(r.is_paper),
        )
        for r in found
    ]
    total, capped = None, False
    if with_total:
        # Count at most COUNT_CAP + 1 rows: "more than 1,000" costs what 1,000 costs.
        inner = _base(account, criteria, (Applicant.id,)).limit(COUNT_CAP + 1).subquery()
        total = int(db.exec(select(func.count()).select_from(inner)).one())
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    if account.role in STAFF_ROLES and rows:  # staff read other people's files: audited (which criteria, not values)
        used = sorted(k for k, v in dataclasses.asdict(criteria).items() if v) if criteria is not None else []
        audit.record(db, "personal.read", actor_id=account.id, actor_role=account.role, object_type="search",
                     view="search", results=len(rows), criteria=used)
    return SearchPage(rows, next_cursor, total, capped)


def categories(db: Session, actor_id: int) -> list[str]:
    """Application types present among the applications `actor_id` may see (for the filter)."""
    account = actor_account(db, actor_id)
    query = visible(
        select(Applicant.application_type).distinct().select_from(Applicant)
        .join(Application, Applicant.application_id == Application.id)
        .where(Application.submitted_at.is_not(None)), account)
    return sorted({r if isinstance(r, str) else r[0] for r in db.exec(query)})


# ---------------------------------------------------------------------------
# Processing progress (pure)


@dataclasses.dataclass(frozen=True)
class StepState:
    code: str
    label_fr: str
    label_en: str
    state: str  # done, current, action_required, upcoming, not_required, not_applicable

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Progress:
    percent: int
    estimate_days: int
    elapsed_days: int
    days_left: int
    overdue: bool
    finished: bool
    steps: list[StepState]


def estimate_days(application_type: str, on_date: date | None, *, sds: bool = False) -> int:
    """The rules engine's processing-time estimate, with a safe fallback for types it does not time."""
    try:
        return rules.processing_time_days(application_type, on_date, sds=sds)
    except rules.RulesInputError:
        try:
            return rules.processing_time_days(application_type, on_date)
        except rules.RulesInputError:
            return rules.processing_time_days("visitor_visa", on_date)


def steps_for(application_type: str, on_date: date | None = None) -> list[dict]:
    try:
        return rules.processing_steps(application_type, on_date)
    except rules.RulesInputError:
        return rules.processing_steps("visitor_visa", on_date)


def current_step(status: str, processing_step: str = "") -> str:
    """The processing step an applicant status stands at (when `processing_step` is unset)."""
    return processing_step or {
        "submitted": "submitted", "biometrics_requested": "biometrics", "in_review": "review",
        "documents_requested": "review", "approved": "decision", "refused": "decision", "closed": "decision",
    }.get(status, "submitted")


def progress(
    application_type: str,
    status: str,
    processing_step: str,
    date_received: date | None,
    *,
    biometrics_status: str = "",
    decision: str = "",
    sds: bool = False,
    today: date | None = None,
) -> Progress:
    """Where an applicant stands: each step's state, the share done, and the estimated
    time left from the rules engine's processing-time estimate (days from receipt)."""
    today = today or date.today()
    received = date_received or today
    estimate = estimate_days(application_type, received, sds=sds)
    elapsed = max(0, (today - received).days)
    steps = steps_for(application_type, received)
    codes = [s["code"] for s in steps]
    finished = status == "closed"
    decided = status in DECIDED_STATUSES
    refused = status == "refused" or decision == "refused"
    current = current_step(status, processing_step)
    index = codes.index(current) if current in codes else 0
    states: list[StepState] = []
    for i, s in enumerate(steps):
        code = s["code"]
        if code == "biometrics" and biometrics_status == "not_required":
            state = "not_required"
        elif code == "passport_request" and refused:
            state = "not_applicable"
        elif finished or i < index:
            state = "done"
        elif i == index:
            if status in ("biometrics_requested", "documents_requested"):
                state = "action_required"
            elif decided and code == "decision":
                state = "done"
            else:
                state = "current"
        else:
            state = "upcoming"
        states.append(StepState(code, s["label_fr"], s["label_en"], state))
    counted = [st for st in states if st.state not in ("not_required", "not_applicable")]
    done_share = sum(st.state == "done" for st in counted) / max(1, len(counted))
    if finished:
        percent, days_left, overdue = 100, 0, False
    elif decided:
        percent, days_left, overdue = max(90, round(100 * done_share)), 0, False
    else:
        time_share = min(elapsed / max(1, estimate), 0.95)
        percent = int(min(95, max(5, round(100 * max(done_share, time_share)))))
        days_left = max(0, estimate - elapsed)
        overdue = elapsed > estimate
    return Progress(percent, estimate, elapsed, days_left, overdue, decided, states)


# ---------------------------------------------------------------------------
# État de la demande et messages


@dataclasses.dataclass(frozen=True)
class ApplicantSummary:
    applicant_id: int
    application_number: str
    family_name: str
    given_names: str
    date_of_birth: str
    uci: str
    category: str
    status: str
    principal: bool

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class StatusView:
    application_id: int
    applicant_id: int
    application_number: str
    category: str
    status: str
    processing_step: str
    family_name: str
    given_names: str
    date_of_birth: str
    uci: str
    date_received: str
    submitted_at: str
    client_file_number: str
    is_paper: bool
    biometrics_status: str
    biometrics_at: str
    decision: str
    issued_document: str
    issued_at: str
    status_changed_at: str
    progress: Progress
    others: list[ApplicantSummary]  # the other applicants of the same application (dependants, principal)
    documents: list[dict[str, Any]]  # {id, name, slot_code, type_fr, type_en, status, uploaded_at, applicant_id, request_id}
    requests: list[dict[str, Any]]  # {id, label_fr, label_en, status, requested_at, due_on, applicant_id}
    messages: list[dict[str, Any]]  # application messages, newest first
    # What the office issued with a number and validity (an eTA, an IFHP certificate), if anything:
    # {number, valid_from, valid_until, document_id (0: no document)}.
    authorization: dict[str, Any] | None = None


def _client(db: Session, applicant: Applicant) -> Client:
    return (db.get(Client, applicant.client_id) if applicant.client_id else None) or Client()


def find_applicant(db: Session, account: Account, application_number: str) -> tuple[Applicant, Application]:
    """The submitted applicant with that number, if `account` may see it; else NotFound."""
    number = normalise_number(application_number)
    if not number:
        raise NotFound()
    row = db.exec(
        visible(
            select(Applicant, Application).join(Application, Applicant.application_id == Application.id)
            .where(Applicant.application_number == number, Application.submitted_at.is_not(None)),
            account,
        )
    ).first()
    if row is None:
        audit.note_refusal(db, actor_id=account.id, actor_role=account.role, object_type="application_number",
                           object_id=number[:40], reason="not_found_or_foreign")
        raise NotFound()
    return row[0], row[1]


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def status_view(db: Session, actor_id: int, application_number: str, *, today: date | None = None,
                ip: str = "") -> StatusView:
    """Everything the status page shows about one applicant, or NotFound. The read is
    audited (personal information)."""
    account = actor_account(db, actor_id)
    applicant, app = find_applicant(db, account, application_number)
    audit.record(db, "personal.read", actor_id=account.id, actor_role=account.role, object_type="application",
                 object_id=app.id, ip=ip, view="status", applicant=applicant.id)
    client = _client(db, applicant)
    prog = progress(applicant.application_type, applicant.status, applicant.processing_step, applicant.date_received,
                    biometrics_status=applicant.biometrics_status, decision=applicant.decision or "",
                    sds=applicant.sds, today=today)
    others = []
    for other in db.exec(select(Applicant).where(Applicant.application_id == app.id, Applicant.id != applicant.id,
                                                 Applicant.application_number.is_not(None))
                         .order_by(Applicant.position)):
        oc = _client(db, other)
        others.append(ApplicantSummary(other.id, other.application_number or "", oc.family_name, oc.given_names,
                                       _iso(oc.date_of_birth), oc.uci or "", other.application_type, other.status,
                                       other.position == 1))
    requests = list(db.exec(select(DocumentRequest).where(DocumentRequest.application_id == app.id)
                            .where(or_(DocumentRequest.applicant_id.is_(None), DocumentRequest.applicant_id == applicant.id))
                            .order_by(DocumentRequest.requested_at.desc(), DocumentRequest.id.desc())))
    request_slots = {f"request-{r.id}": r.id for r in requests}
    docs = db.exec(select(Document).where(Document.application_id == app.id, Document.deleted_at.is_(None))
                   .where(or_(Document.applicant_id.is_(None), Document.applicant_id == applicant.id))
                   .order_by(Document.uploaded_at, Document.id))
    types = document_types.slot_labels(db, app)
    for r in requests:
        types[f"request-{r.id}"] = (r.label_fr, r.label_en)
    documents = [dict(id=d.id, name=d.original_name, slot_code=d.slot_code, status=d.status,
                      uploaded_at=_iso(d.uploaded_at), applicant_id=d.applicant_id,
                      request_id=request_slots.get(d.slot_code),
                      type_fr=types.get(d.slot_code, ("", ""))[0] or d.slot_code,
                      type_en=types.get(d.slot_code, ("", ""))[1] or d.slot_code) for d in docs]
    msgs = db.exec(select(Message).where(Message.application_id == app.id, Message.account_id.is_(None))
                   .where(or_(Message.applicant_id.is_(None), Message.applicant_id == applicant.id))
                   .order_by(Message.created_at.desc(), Message.id.desc()).limit(50))
    messages = [dict(id=m.id, category=m.category, detail=m.detail, subject_fr=m.subject_fr, subject_en=m.subject_en,
                     body_fr=m.body_fr, body_en=m.body_en, created_at=_iso(m.created_at)) for m in msgs]
    return StatusView(
        application_id=app.id, applicant_id=applicant.id, application_number=applicant.application_number or "",
        category=applicant.application_type, status=applicant.status,
        processing_step=current_step(applicant.status, applicant.processing_step),
        family_name=client.family_name, given_names=client.given_names, date_of_birth=_iso(client.date_of_birth),
        uci=client.uci or "", date_received=_iso(applicant.date_received), submitted_at=_iso(app.submitted_at),
        client_file_number=app.client_file_number, is_paper=bool(app.is_paper),
        biometrics_status=applicant.biometrics_status, biometrics_at=_iso(applicant.biometrics_at),
        decision=applicant.decision or "", issued_document=applicant.issued_document or "",
        issued_at=_iso(applicant.issued_at), status_changed_at=_iso(applicant.status_changed_at),
        progress=prog, others=others, documents=documents,
        requests=[dict(id=r.id, label_fr=r.label_fr, label_en=r.label_en, note_fr=r.note_fr, note_en=r.note_en,
                       status=r.status, requested_at=_iso(r.requested_at), due_on=_iso(r.due_on),
                       applicant_id=r.applicant_id, slot_code=f"request-{r.id}") for r in requests],
        messages=messages,
        authorization=_authorization(db, applicant.id),
    )


def _authorization(db: Session, applicant_id: int) -> dict[str, Any] | None:
    issued = db.exec(select(IssuedAuthorization).where(IssuedAuthorization.applicant_id == applicant_id)).first()
    if issued is None:
        return None
    return dict(number=issued.number, valid_from=_iso(issued.valid_from), valid_until=_iso(issued.valid_until),
                document_id=issued.document_id or 0)


def application_summary(db: Session, actor_id: int, application_number: str, *, ip: str = "") -> dict[str, Any]:
    """"Voir la demande": the submitted application as recorded (read-only), or NotFound.
    The read is audited (personal information)."""
    account = actor_account(db, actor_id)
    applicant, app = find_applicant(db, account, application_number)
    audit.record(db, "personal.read", actor_id=account.id, actor_role=account.role, object_type="application",
                 object_id=app.id, ip=ip, view="summary")
    people = []
    for a in db.exec(select(Applicant).where(Applicant.application_id == app.id).order_by(Applicant.position)):
        c = _client(db, a)
        people.append(dict(applicant_id=a.id, position=a.position, application_number=a.application_number or "",
                           family_name=c.family_name, given_names=c.given_names, date_of_birth=_iso(c.date_of_birth),
                           uci=c.uci or "", country=c.country_of_residence or "", category=a.application_type,
                           fee_option=a.fee_option, biometrics_option=a.biometrics_option, minor=a.is_minor,
                           sds=a.sds, status=a.status))
    types = document_types.slot_labels(db, app)
    names = {p["applicant_id"]: f"{p['given_names']} {p['family_name']}".strip() for p in people}
    files = [dict(name=d.original_name, person=names.get(d.applicant_id, ""), type_fr=types.get(d.slot_code, ("", ""))[0]
                  or d.slot_code, type_en=types.get(d.slot_code, ("", ""))[1] or d.slot_code)
             for d in db.exec(select(Document).where(Document.application_id == app.id, Document.deleted_at.is_(None))
                              .order_by(Document.applicant_id, Document.id))]
    return dict(application_id=app.id, reference=app.reference or "", kind=app.kind, is_paper=bool(app.is_paper),
                client_file_number=app.client_file_number, submitted_at=_iso(app.submitted_at),
                signed_at=_iso(app.signed_at), applicants=people, number=applicant.application_number or "",
                documents=files)


def write_processing(db: Session, obj: Any, **values: Any) -> None:
    """Write processing or ownership fields of a submitted application or applicant
    (status_changed_at, biometrics_at, representative_id, client_account_id): the only
    kinds of change submission.py's read-only guard lets through once an application is
    submitted. One place for them, so that stays easy to check."""
    for key, value in values.items():
        setattr(obj, key, value)
    db.add(obj)
