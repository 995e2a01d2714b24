"""IRCC asks a representative for enrolment documents; the representative answers in
the portal (the guide: « vous pourriez recevoir dans cette boîte un message vous
demandant d’autres documents dans le cadre de votre inscription au Portail »).

- Back-office staff (role "staff") ask an active representative, by username, with a
  note: an `AccountRequest` of kind "documents", status "asked", and an account message
  (« Suivi requis ») in the representative's inbox.
- The representative answers from the profile: a message and a file (stored as an
  account proof, `account_proofs.store_proof`: owned by the account, attached to no
  application); status "answered".
- Staff see every request with its answer, and read the file through `read_answer_file`.

Every function re-checks the actor's role, and the representative only ever sees and
answers their own requests. Each step is in the audit log."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from rar_app.models import Account, AccountRequest, Document, utcnow
from rar_app.services import audit
from rar_app.services.identity import accounts
from rar_app.services.identity.accounts import FieldError, NotFound, ValidationFailed, _actor
from rar_app.services.messaging import messages

KIND = "documents"
STAFF_ROLES = ("staff",)
REPRESENTATIVE_ROLES = ("representative",)
NOTE_MAX = 1000
ANSWER_MAX = 2000

accounts.MESSAGES.update({
    "documents_unknown_representative": (
        "Nom d’utilisateur du représentant\u00a0: aucun représentant actif n’a ce nom d’utilisateur.",
        "Representative’s username: no active representative has this username."),
    "documents_note_required": ("Documents demandés\u00a0: précisez les documents demandés.",
                                "Documents requested: say which documents are requested."),
    "documents_note_too_long": ("Documents demandés\u00a0: 1000 caractères au plus.",
                                "Documents requested: 1,000 characters at most."),
    "documents_answer_required": ("Votre message\u00a0: écrivez un message à IRCC.",
                                  "Your message: write a message to IRCC."),
    "documents_answer_too_long": ("Votre message\u00a0: 2000 caractères au plus.",
                                  "Your message: 2,000 characters at most."),
    "documents_file_required": ("Document\u00a0: joignez le document demandé.",
                                "Document: attach the document requested."),
})


@dataclasses.dataclass(frozen=True)
class DocumentsRequest:
    request_id: int
    username: str
    name: str
    status: str  # asked, answered
    note: str
    asked_at: datetime
    answer: str
    answered_at: str
    file_name: str


def _details(request: AccountRequest) -> dict[str, Any]:
    try:
        value = json.loads(request.details or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _view(db: Session, request: AccountRequest) -> DocumentsRequest:
    account = db.get(Account, request.account_id) or Account()
    details = _details(request)
    doc = db.get(Document, request.document_id) if request.document_id else None
    return DocumentsRequest(
        request_id=request.id, username=account.username or "",
        name=" ".join(x for x in (account.given_names, account.family_name) if x), status=request.status,
        note=str(details.get("note", "")), asked_at=request.created_at, answer=str(details.get("answer", "")),
        answered_at=str(details.get("answered_at", "")), file_name=(doc.original_name or "") if doc else "",
    )


def ask(db: Session, staff_id: int, username: str, note: str, *, ip: str = "") -> int:
    """Ask the representative `username` for documents. Raises ValidationFailed
    (username unknown or not an active representative, note empty or too long)."""
    staff = _actor(db, staff_id, roles=STAFF_ROLES)
    errors = []
    target = db.exec(select(Account).where(Account.username == (username or "").strip().lower()[:100])).first()
    if target is None or target.role not in REPRESENTATIVE_ROLES or target.status != "active":
        errors.append(FieldError("username", "documents_unknown_representative"))
    note = (note or "").strip()
    if not note:
        errors.append(FieldError("note", "documents_note_required"))
    elif len(note) > NOTE_MAX:
        errors.append(FieldError("note", "documents_note_too_long"))
    if errors:
        raise ValidationFailed(errors)
    request = AccountRequest(account_id=target.id, kind=KIND, status="asked",
                             details=json.dumps({"note": note, "asked_by": staff.id}, ensure_ascii=False))
    db.add(request)
    db.flush()
    messages.post_account_event(db, target.id, "enrolment_documents_requested", {"note": note}, detail="follow_up")
    audit.record(db, "account.documents_requested", actor_id=staff.id, actor_role=staff.role, object_type="account",
                 object_id=target.id, request_id=request.id, ip=ip)
    return request.id


def for_staff(db: Session, staff_id: int) -> list[DocumentsRequest]:
    """Every request for documents, the newest first, with the answers."""
    _actor(db, staff_id, roles=STAFF_ROLES)
    rows = db.exec(select(AccountRequest).where(AccountRequest.kind == KIND)
                   .order_by(AccountRequest.created_at.desc(), AccountRequest.id.desc()).limit(100))
    return [_view(db, r) for r in rows]


def mine(db: Session, account_id: int) -> list[DocumentsRequest]:
    """The representative's own requests, the newest first."""
    account = _actor(db, account_id, roles=REPRESENTATIVE_ROLES)
    rows = db.exec(select(AccountRequest).where(AccountRequest.kind == KIND, AccountRequest.account_id == account.id)
                   .order_by(AccountRequest.created_at.desc(), AccountRequest.id.desc()))
    return [_view(db, r) for r in rows]


def answer(db: Session, account_id: int, request_id: Any, message: str, document_id: int | None, *,
           ip: str = "") -> DocumentsRequest:
    """The representative's answer: a message and a file (one of their own unattached
    proofs). Raises NotFound (not theirs, or already answered) or ValidationFailed."""
    account = _actor(db, account_id, roles=REPRESENTATIVE_ROLES)
    try:
        rid = int(request_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    request = db.get(AccountRequest, rid)
    if request is None or request.kind != KIND or request.account_id != account.id or request.status != "asked":
        raise NotFound()
    errors = []
    message = (message or "").strip()
    if not message:
        errors.append(FieldError("answer", "documents_answer_required"))
    elif len(message) > ANSWER_MAX:
        errors.append(FieldError("answer", "documents_answer_too_long"))
    doc = db.get(Document, document_id) if document_id else None
    if doc is None or doc.owner_id != account.id or doc.application_id is not None or doc.deleted_at is not None:
        errors.append(FieldError("file", "documents_file_required"))
    if errors:
        raise ValidationFailed(errors)
    details = _details(request) | {"answer": message, "answered_at": utcnow().isoformat(timespec="minutes")}
    request.details = json.dumps(details, ensure_ascii=False)
    request.document_id = doc.id
    request.status = "answered"
    db.add(request)
    audit.record(db, "account.documents_answered", actor_id=account.id, actor_role=account.role,
                 object_type="account", object_id=account.id, request_id=request.id, document_id=doc.id, ip=ip)
    return _view(db, request)


def answer_file(db: Session, staff_id: int, request_id: Any, *, ip: str = "") -> tuple[str, str, str]:
    """For staff: (storage key, file name, content type) of an answered request's file; audited."""
    staff = _actor(db, staff_id, roles=STAFF_ROLES)
    try:
        request = db.get(AccountRequest, int(request_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    if request is None or request.kind != KIND or not request.document_id:
        raise NotFound()
    doc = db.get(Document, request.document_id)
    if doc is None or doc.deleted_at is not None:
        raise NotFound()
    audit.record(db, "document.download", actor_id=staff.id, actor_role=staff.role, ip=ip, object_type="document",
                 object_id=doc.id, request_id=request.id, purpose="enrolment_documents")
    return doc.storage_key, doc.original_name or "document", doc.content_type
