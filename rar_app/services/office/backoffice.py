"""Processing of submitted applications: the status machine, the back office's actions
(staff, role "staff"), paper applications, document requests and the history.

Status machine (one per applicant; `Applicant.status`, `processing_step` is the rules
engine's step code — submitted, biometrics, review, decision, passport_request):

    submitted ──request_biometrics──> biometrics_requested ──record_biometrics──> in_review
    submitted ──start_review / record_biometrics──> in_review
    submitted | in_review | documents_requested ──request_documents──> documents_requested
    documents_requested ──(every request answered, or resume_review)──> in_review
    in_review ──approve──> approved          in_review | documents_requested ──refuse──> refused
    approved | refused ──close (issued document + date)──> closed

Every action: checks the actor is active staff (or the simulation), checks the
transition, changes the row, records `backoffice.<action>` in the audit log (object
"application", the applicant in the details) and tells the holder of the application —
an application message on its status page, plus a notice in the representative's inbox
(e-mailed after commit): "Suivi requis" when they must act, "Demande/profil mis à jour"
otherwise. No Reflex here; callers pass the database session.
"""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from rar_app import rules
from rar_app.models import (
    Account,
    Applicant,
    Application,
    AuditEvent,
    Client,
    Document,
    DocumentRequest,
    utcnow,
)
from rar_app.programs import registry
from rar_app.services import audit
from rar_app.services.messaging import messages
from rar_app.services.office import reviews
from rar_app.services.office.search import NotFound, actor_account, may_see, normalise_number, write_processing

STAFF = ("staff",)
SIMULATION_ROLE = "simulation"


class TransitionError(Exception):
    """The action does not apply to the applicant's current status (or a field is wrong)."""

    def __init__(self, code: str, field: str = ""):
        super().__init__(code)
        self.code = code
        self.field = field


# action: (statuses it applies to, status after, processing step after — None keeps it)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str | None]] = {
    "request_biometrics": (frozenset({"submitted"}), "biometrics_requested", "biometrics"),
    "record_biometrics": (frozenset({"submitted", "biometrics_requested"}), "in_review", "review"),
    "start_review": (frozenset({"submitted"}), "in_review", "review"),
    "request_documents": (frozenset({"submitted", "in_review", "documents_requested"}), "documents_requested", "review"),
    "resume_review": (frozenset({"documents_requested"}), "in_review", "review"),
    "approve": (frozenset({"in_review"}), "approved", "passport_request"),
    "refuse": (frozenset({"in_review", "documents_requested"}), "refused", "decision"),
    "close": (frozenset({"approved", "refused"}), "closed", None),
}

# Documents the back office issues, by application type (approved) — and for a refusal.
ISSUED_DOCUMENTS: dict[str, tuple[str, str]] = {
    "visitor_visa": ("Visa de résident temporaire (visa de visiteur)", "Temporary resident visa (visitor visa)"),
    "study_permit": ("Lettre d’introduction – permis d’études", "Port of entry letter of introduction – study permit"),
    "work_permit": ("Lettre d'introduction – permis de travail", "Port of entry letter of introduction – work permit"),
    "open_work_permit": ("Lettre d'introduction – permis de travail ouvert",
                         "Port of entry letter of introduction – open work permit"),
}
REFUSAL_LETTER = ("Lettre de refus", "Refusal letter")
LINES_OF_BUSINESS = {"visitor_visa": "V", "study_permit": "S", "work_permit": "W", "open_work_permit": "W"}


def issued_document_for(application_type: str, decision: str) -> tuple[str, str]:
    if decision == "refused":
        return REFUSAL_LETTER
    return ISSUED_DOCUMENTS.get(application_type, ISSUED_DOCUMENTS["visitor_visa"])


def allowed_actions(applicant: Applicant) -> list[str]:
    return [name for name, (before, _after, _step) in TRANSITIONS.items() if applicant.status in before]


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who acts: staff (an account id) or the simulation (account_id None)."""

    account_id: int | None
    role: str
    ip: str = ""


def staff_actor(db: Session, actor_id: int, ip: str = "") -> Actor:
    account = actor_account(db, actor_id, STAFF)
    return Actor(account.id, account.role, ip)


SIMULATION = Actor(None, SIMULATION_ROLE)


def _applicant(db: Session, applicant_id: Any, *, lock: bool = True) -> tuple[Applicant, Application]:
    try:
        aid = int(applicant_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    query = select(Applicant).where(Applicant.id == aid)
    if lock:
        query = query.with_for_update()
    applicant = db.exec(query).first()
    if applicant is None:
        raise NotFound()
    app = db.get(Application, applicant.application_id)
    if app is None or app.submitted_at is None or applicant.application_number is None:
        raise NotFound()
    return applicant, app


def _client_name(db: Session, applicant: Applicant) -> str:
    client = db.get(Client, applicant.client_id) if applicant.client_id else None
    return " ".join(x for x in ((client.given_names, client.family_name) if client else ()) if x)


def _audit(db: Session, actor: Actor, action: str, app: Application, applicant: Applicant | None = None,
           **details: Any) -> None:
    if applicant is not None:
        details.setdefault("applicant_id", applicant.id)
        details.setdefault("application_number", applicant.application_number)
    audit.record(db, action, actor_id=actor.account_id, actor_role=actor.role, object_type="application",
                 object_id=app.id, ip=actor.ip, **details)


def notify(db: Session, app: Application, applicant: Applicant | None, template: str | None, detail: str,
           values: dict[str, Any] | None = None, *, texts: dict[str, str] | None = None) -> None:
    """The application message on the status page, and the holder's inbox notice
    (a template from `messages.tpl`, or ready `texts`: subject_fr/en, body_fr/en)."""
    values = dict(values or {})
    if applicant is not None:
        values.setdefault("number", applicant.application_number or "")
        values.setdefault("client", _client_name(db, applicant))
        values.setdefault("category", messages.category_values(applicant.application_type))
    category = applicant.application_type if applicant is not None else app.kind
    texts = texts or messages.render(template or "", values)
    has_inbox = app.representative_id is not None
    messages.post(db, application_id=app.id, applicant_id=applicant.id if applicant else None,
                  category=category, detail=detail, notify=not has_inbox, **texts)
    if has_inbox:
        messages.post(db, account_id=app.representative_id, application_id=app.id,
                      applicant_id=applicant.id if applicant else None, category=category, detail=detail,
                      notify=True, **texts)


def _transition(db: Session, actor: Actor, applicant: Applicant, app: Application, action: str,
                **details: Any) -> None:
    before, after, step = TRANSITIONS[action]
    if applicant.status not in before:
        raise TransitionError("not_allowed")
    if reviews.blocks_processing(db, applicant.id):  # a fee exemption is decided first (staff review)
        raise TransitionError("fee_exemption_pending")
    previous = applicant.status
    applicant.status = after
    if step is not None:
        applicant.processing_step = step
    db.add(applicant)
    write_processing(db, applicant, status_changed_at=utcnow())
    _audit(db, actor, f"backoffice.{action}", app, applicant, status_before=previous, status_after=after,
           **details)


def move(db: Session, actor: Actor, applicant_id: Any, action: str, **details: Any) -> tuple[Applicant, Application]:
    """A transition of the status machine without its usual notice, for services that
    send their own (an automated decision that tells everything in one message)."""
    applicant, app = _applicant(db, applicant_id)
    _transition(db, actor, applicant, app, action, **details)
    return applicant, app


# ---------------------------------------------------------------------------
# Actions


def request_biometrics(db: Session, actor: Actor, applicant_id: Any) -> None:
    applicant, app = _applicant(db, applicant_id)
    _transition(db, actor, applicant, app, "request_biometrics")
    applicant.biometrics_status = "requested"
    notify(db, app, applicant, "biometrics_requested", "follow_up")


def record_biometrics(db: Session, actor: Actor, applicant_id: Any, on: date | None = None) -> None:
    applicant, app = _applicant(db, applicant_id)
    on = on or date.today()
    if applicant.date_received and on < applicant.date_received:
        raise TransitionError("before_received", "biometrics_date")
    if on > date.today():
        raise TransitionError("date_in_future", "biometrics_date")
    _transition(db, actor, applicant, app, "record_biometrics", on=on.isoformat())
    applicant.biometrics_status = "completed"
    write_processing(db, applicant, biometrics_at=on)
    notify(db, app, applicant, "biometrics_recorded", "updated", {"date": on.isoformat()})


def start_review(db: Session, actor: Actor, applicant_id: Any) -> None:
    applicant, app = _applicant(db, applicant_id)
    _transition(db, actor, applicant, app, "start_review")
    if not applicant.biometrics_status:
        applicant.biometrics_status = "not_required" if applicant.biometrics_option == "none" else "completed"
    notify(db, app, applicant, "review_started", "updated")


def request_documents(db: Session, actor: Actor, applicant_id: Any, *, label_fr: str, label_en: str,
                      note_fr: str = "", note_en: str = "", due_on: date | None = None) -> int:
    label_fr, label_en = " ".join(label_fr.split())[:200], " ".join(label_en.split())[:200]
    if not label_fr:
        raise TransitionError("required", "label_fr")
    if not label_en:
        raise TransitionError("required", "label_en")
    if due_on is not None and due_on < date.today():
        raise TransitionError("date_in_past", "due_on")
    applicant, app = _applicant(db, applicant_id)
    request = DocumentRequest(application_id=app.id, applicant_id=applicant.id, label_fr=label_fr,
                              label_en=label_en, note_fr=note_fr.strip()[:2000], note_en=note_en.strip()[:2000],
                              requested_by_id=actor.account_id, due_on=due_on)
    db.add(request)
    db.flush()
    _transition(db, actor, applicant, app, "request_documents", request_id=request.id, label=label_en)
    notify(db, app, applicant, "documents_requested", "follow_up",
           {"document": {"fr": label_fr, "en": label_en},
            "note": {"fr": note_fr.strip(), "en": note_en.strip()},
            "due": due_on.isoformat() if due_on else "—"})
    return request.id


def resume_review(db: Session, actor: Actor, applicant_id: Any) -> None:
    applicant, app = _applicant(db, applicant_id)
    _transition(db, actor, applicant, app, "resume_review")
    notify(db, app, applicant, "review_started", "updated")


def approve(db: Session, actor: Actor, applicant_id: Any) -> None:
    applicant, app = _applicant(db, applicant_id)
    _transition(db, actor, applicant, app, "approve")
    applicant.decision = "approved"
    notify(db, app, applicant, "approved", "updated")


def refuse(db: Session, actor: Actor, applicant_id: Any, *, reason_fr: str = "", reason_en: str = "") -> None:
    applicant, app = _applicant(db, applicant_id)
    _transition(db, actor, applicant, app, "refuse", reason=reason_en.strip()[:500])
    applicant.decision = "refused"
    for request in db.exec(select(DocumentRequest).where(DocumentRequest.applicant_id == applicant.id,
                                                         DocumentRequest.status == "open")):
        request.status = "cancelled"
        db.add(request)
    notify(db, app, applicant, "refused", "updated",
           {"reason": {"fr": reason_fr.strip() or "—", "en": reason_en.strip() or "—"}})


def close(db: Session, actor: Actor, applicant_id: Any, *, issued_document: str = "",
          issued_at: date | None = None, lang: str = "fr") -> None:
    """Close the file with the document issued (defaults to the usual one for the
    decision, in `lang`) and its issue date."""
    applicant, app = _applicant(db, applicant_id)
    issued_at = issued_at or date.today()
    if issued_at > date.today():
        raise TransitionError("date_in_future", "issued_at")
    if applicant.date_received and issued_at < applicant.date_received:
        raise TransitionError("before_received", "issued_at")
    default_fr, default_en = issued_document_for(applicant.application_type, applicant.decision or "")
    document = " ".join(issued_document.split())[:100] or (default_en if lang == "en" else default_fr)
    _transition(db, actor, applicant, app, "close", issued_document=document, issued_at=issued_at.isoformat())
    applicant.issued_document, applicant.issued_at = document, issued_at
    if applicant.decision != "refused":
        applicant.processing_step = "passport_request"
    notify(db, app, applicant, "closed", "updated", {"document": document, "date": issued_at.isoformat()})


def send_message(db: Session, actor: Actor, applicant_id: Any, *, subject_fr: str, subject_en: str,
                 body_fr: str, body_en: str, follow_up: bool = False) -> None:
    """A free message from the back office about one applicant."""
    fields = dict(subject_fr=subject_fr.strip(), subject_en=subject_en.strip(), body_fr=body_fr.strip(),
                  body_en=body_en.strip())
    for name, value in fields.items():
        if not value:
            raise TransitionError("required", name)
    applicant, app = _applicant(db, applicant_id, lock=False)
    _audit(db, actor, "backoffice.send_message", app, applicant, subject=fields["subject_en"][:200])
    notify(db, app, applicant, None, "follow_up" if follow_up else "information", texts=fields)


ACTIONS = {
    "request_biometrics": request_biometrics,
    "record_biometrics": record_biometrics,
    "start_review": start_review,
    "resume_review": resume_review,
    "approve": approve,
    "refuse": refuse,
    "close": close,
}


def advance(db: Session, actor: Actor, applicant_id: Any, *, refuse_share: float = 0.15,
            expected_status: str | None = None) -> str | None:
    """The natural next step (the simulation's move, or "Passer à l'étape suivante").
    Returns the action taken, or None when the applicant waits on someone else
    (documents requested and not all received), is closed, or is no longer in
    `expected_status` (another worker's simulation moved it first)."""
    applicant, app = _applicant(db, applicant_id)
    status = applicant.status
    if expected_status is not None and status != expected_status:
        return None
    if status == "submitted":
        if applicant.biometrics_option != "none" and applicant.biometrics_status not in ("completed", "not_required"):
            request_biometrics(db, actor, applicant.id)
            return "request_biometrics"
        start_review(db, actor, applicant.id)
        return "start_review"
    if status == "biometrics_requested":
        record_biometrics(db, actor, applicant.id, date.today())
        return "record_biometrics"
    if status == "documents_requested":
        if open_requests(db, applicant.id):
            return None
        resume_review(db, actor, applicant.id)
        return "resume_review"
    if status == "in_review":
        # Deterministic per applicant, so a replayed training run decides the same way.
        if random.Random(applicant.id * 7919).random() < refuse_share:
            refuse(db, actor, applicant.id, reason_fr="Décision simulée (formation).",
                   reason_en="Simulated decision (training).")
            return "refuse"
        approve(db, actor, applicant.id)
        return "approve"
    if status in ("approved", "refused"):
        close(db, actor, applicant.id)
        return "close"
    return None


# ---------------------------------------------------------------------------
# Document requests, answered by the representative


def open_requests(db: Session, applicant_id: int) -> list[DocumentRequest]:
    return list(db.exec(select(DocumentRequest).where(DocumentRequest.applicant_id == applicant_id,
                                                      DocumentRequest.status == "open")))


def answer_request(db: Session, actor_id: int, request_id: Any, *, ip: str = "") -> bool:
    """The representative (or client holder) uploaded into slot `request-<id>`: the request
    is received; when none is left open, the applicant goes back to review. Returns True
    when the applicant went back to review. NotFound for foreign or unknown requests."""
    account = actor_account(db, actor_id)
    try:
        rid = int(request_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    request = db.get(DocumentRequest, rid)
    app = db.get(Application, request.application_id) if request else None
    if request is None or app is None or account.role == "staff" or not may_see(account, app):
        raise NotFound()
    if request.status != "open":
        return False
    uploaded = db.exec(select(Document.id).where(Document.application_id == app.id,
                                                 Document.slot_code == f"request-{request.id}",
                                                 Document.deleted_at.is_(None))).first()
    if uploaded is None:
        raise TransitionError("no_document", "file")
    request.status, request.answered_at = "received", utcnow()
    db.add(request)
    actor = Actor(account.id, account.role, ip)
    applicant = db.get(Applicant, request.applicant_id) if request.applicant_id else None
    audit.record(db, "document_request.answered", actor_id=account.id, actor_role=account.role,
                 object_type="application", object_id=app.id, ip=ip, request_id=request.id,
                 applicant_id=request.applicant_id)
    resumed = False
    if applicant is not None and applicant.status == "documents_requested" and not open_requests(db, applicant.id):
        _transition(db, actor, applicant, app, "resume_review", request_id=request.id)
        resumed = True
    texts = messages.render("documents_received", {
        "number": applicant.application_number if applicant else "",
        "document": {"fr": request.label_fr, "en": request.label_en}})
    messages.post(db, application_id=app.id, applicant_id=request.applicant_id,
                  category=applicant.application_type if applicant else app.kind, detail="updated",
                  notify=False, **texts)
    return resumed


# ---------------------------------------------------------------------------
# Paper applications


def new_application_number(db: Session, application_type: str, rng: random.Random | None = None) -> str:
    letter = LINES_OF_BUSINESS.get(application_type, "V")
    rng = rng or random.SystemRandom()
    for _ in range(50):
        number = f"{letter}{rng.randrange(10**8, 10**9)}"
        if db.exec(select(Applicant.id).where(Applicant.application_number == number)).first() is None:
            return number
    raise RuntimeError("could not allocate an application number")


@dataclasses.dataclass(frozen=True)
class PaperApplication:
    application_type: str
    family_name: str
    given_names: str
    date_of_birth: date | None
    uci: str
    date_received: date | None
    country_of_residence: str = ""


def paper_errors(form: PaperApplication) -> list[tuple[str, str]]:
    """[(field, code)] — codes: required, invalid, date_in_future."""
    errors = []
    if form.application_type not in LINES_OF_BUSINESS:
        errors.append(("application_type", "required"))
    if not form.family_name.strip():
        errors.append(("family_name", "required"))
    if not form.given_names.strip():
        errors.append(("given_names", "required"))
    if form.date_of_birth is None:
        errors.append(("date_of_birth", "required"))
    elif form.date_of_birth >= date.today():
        errors.append(("date_of_birth", "date_in_future"))
    digits = "".join(c for c in form.uci if c.isdigit())
    if form.uci.strip() and (len(digits) not in (8, 10) or any(c not in "0123456789- " for c in form.uci)):
        errors.append(("uci", "invalid"))
    if form.date_received is None:
        errors.append(("date_received", "required"))
    elif form.date_received > date.today():
        errors.append(("date_received", "date_in_future"))
    return errors


def enter_paper_application(db: Session, actor: Actor, form: PaperApplication, *,
                            number: str | None = None) -> Applicant:
    """A paper application received by mail: a submitted application with no representative,
    which a representative can then link ("Ajouter une demande de client à votre compte")."""
    errors = paper_errors(form)
    if errors:
        raise TransitionError(errors[0][1], errors[0][0])
    received = form.date_received or date.today()
    received_at = datetime.combine(received, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    client = Client(family_name=" ".join(form.family_name.split())[:100],
                    given_names=" ".join(form.given_names.split())[:100], date_of_birth=form.date_of_birth,
                    uci=form.uci.strip()[:20] or None, country_of_residence=(form.country_of_residence or None))
    db.add(client)
    # Built as a draft, then marked submitted: once submitted, submission.py's guard
    # lets nothing but processing fields change, and these rows are the content.
    app = Application(representative_id=None, kind=registry.default().code, status="draft", is_paper=True,
                      submitted_at=received_at, created_at=received_at, updated_at=utcnow())
    db.add(app)
    db.flush()
    applicant = Applicant(application_id=app.id, position=1, client_id=client.id,
                          application_type=form.application_type,
                          biometrics_option="standard",
                          application_number=normalise_number(number) if number
                          else new_application_number(db, form.application_type),
                          status="submitted", processing_step="submitted", date_received=received,
                          status_changed_at=utcnow())
    db.add(applicant)
    db.flush()
    app.status = "submitted"
    db.add(app)
    db.flush()
    _audit(db, actor, "backoffice.paper_entered", app, applicant, application_type=form.application_type)
    return applicant


# ---------------------------------------------------------------------------
# Reading: the back office's view of one application and its history


def _event_row(e: AuditEvent, names: dict[int, str]) -> dict[str, Any]:
    try:
        details = json.loads(e.details or "{}")
    except ValueError:
        details = {}
    return dict(id=e.id, at=e.at.isoformat(timespec="seconds"), action=e.action, actor_role=e.actor_role,
                actor=names.get(e.actor_id or 0, e.actor_role or "—"), object_type=e.object_type,
                object_id=e.object_id,
                details=", ".join(f"{k}={v}" for k, v in sorted(details.items()) if k not in ("sha256",)))


def history(db: Session, application_id: int) -> list[dict[str, Any]]:
    """Every audit entry about the application and its documents, oldest first — what was
    done to the file; who only looked at it (`personal.read`) is in the audit log search."""
    doc_ids = [str(i) for i in db.exec(select(Document.id).where(Document.application_id == application_id))]
    query = select(AuditEvent).where(or_(
        (AuditEvent.object_type == "application") & (AuditEvent.object_id == str(application_id)),
        (AuditEvent.object_type == "document") & (AuditEvent.object_id.in_(doc_ids or ["-"])),
    ), AuditEvent.action != "personal.read").order_by(AuditEvent.id)
    events = list(db.exec(query))
    actor_ids = {e.actor_id for e in events if e.actor_id}
    names = {a.id: a.username or f"#{a.id}" for a in db.exec(select(Account).where(Account.id.in_(actor_ids or {0})))}
    return [_event_row(e, names) for e in events]


def application_detail(db: Session, actor_id: int, application_id: Any) -> dict[str, Any]:
    """Staff: one submitted application with every applicant, its requests, documents,
    messages and history. NotFound for drafts and unknown ids."""
    staff = actor_account(db, actor_id, STAFF)
    try:
        app = db.get(Application, int(application_id))
    except (TypeError, ValueError):
        app = None
    if app is None or not may_see(staff, app):
        audit.note_refusal(db, actor_id=staff.id, actor_role=staff.role, object_type="application",
                           object_id=str(application_id)[:40], check="application_detail")
        raise NotFound()
    audit.record(db, "personal.read", actor_id=staff.id, actor_role=staff.role, object_type="application",
                 object_id=app.id, view="file")
    rep = db.get(Account, app.representative_id) if app.representative_id else None
    holder_client = db.get(Account, app.client_account_id) if app.client_account_id else None
    people = []
    for a in db.exec(select(Applicant).where(Applicant.application_id == app.id).order_by(Applicant.position)):
        client = db.get(Client, a.client_id) if a.client_id else None
        people.append(dict(
            applicant_id=a.id, position=a.position, application_number=a.application_number or "",
            family_name=client.family_name if client else "", given_names=client.given_names if client else "",
            date_of_birth=client.date_of_birth.isoformat() if client and client.date_of_birth else "",
            uci=(client.uci or "") if client else "", category=a.application_type, status=a.status,
            processing_step=a.processing_step, biometrics_status=a.biometrics_status,
            biometrics_at=a.biometrics_at.isoformat() if a.biometrics_at else "",
            decision=a.decision or "", issued_document=a.issued_document or "",
            issued_at=a.issued_at.isoformat() if a.issued_at else "",
            date_received=a.date_received.isoformat() if a.date_received else "",
            actions=allowed_actions(a),
        ))
    requests = [dict(id=r.id, applicant_id=r.applicant_id, label_fr=r.label_fr, label_en=r.label_en, status=r.status,
                     requested_at=r.requested_at.isoformat(timespec="minutes"),
                     due_on=r.due_on.isoformat() if r.due_on else "")
                for r in db.exec(select(DocumentRequest).where(DocumentRequest.application_id == app.id)
                                 .order_by(DocumentRequest.id))]
    documents = [dict(id=d.id, applicant_id=d.applicant_id, slot_code=d.slot_code, name=d.original_name,
                      status=d.status, uploaded_at=d.uploaded_at.isoformat(timespec="minutes"))
                 for d in db.exec(select(Document).where(Document.application_id == app.id,
                                                         Document.deleted_at.is_(None)).order_by(Document.id))]
    msgs = [dict(id=m.id, subject_fr=m.subject_fr, subject_en=m.subject_en, detail=m.detail,
                 created_at=m.created_at.isoformat(timespec="minutes"), email_status=m.email_status)
            for m in messages.application_messages(db, actor_id, app.id)]
    return dict(
        application_id=app.id, is_paper=bool(app.is_paper), kind=app.kind, status=app.status,
        submitted_at=app.submitted_at.isoformat(timespec="minutes") if app.submitted_at else "",
        client_file_number=app.client_file_number,
        representative=(f"{rep.given_names} {rep.family_name} ({rep.username})" if rep else ""),
        client_account=(holder_client.username or "") if holder_client else "",
        applicants=people, requests=requests, documents=documents, messages=msgs, history=history(db, app.id),
    )


def rules_steps(application_type: str) -> list[dict]:
    try:
        return rules.processing_steps(application_type)
    except rules.RulesInputError:
        return rules.processing_steps("visitor_visa")
