"""Documents of client files: upload, list, download, replace, delete. No Reflex here.
Beside it: `document_errors` (refusals, NotFound), `document_intake` (staging, names,
format checks), `document_links` (signed download tokens), `document_orphans` (the
orphan report and the start-up check).

Transactions: every function opens its own `session_scope()` — callers pass no
database session. The service must decide when to commit, because the row and
the stored object have to agree:

- upload: the file is streamed to a staging file (hashed, size-checked,
  sniffed) and validated; then put into the store under a new random key; then
  the row and its audit entry are committed. If the put fails, nothing was
  written (stores are all-or-nothing); if the commit fails, the object is
  deleted again. The staging file is anonymous (`O_TMPFILE`), so even a crash
  leaves no staging debris.
- remove: the row is marked deleted (with its audit entry) and committed
  first, then the object is deleted. If the store cannot be reached, the row
  is restored and `StorageUnavailable` raised: the document is still there,
  whole. If even the restore fails, what remains is an object without a live
  row, which `find_orphans` reports and `purge_orphans` deletes.
- Rows are soft-deleted (`deleted_at`, status "replaced" for a replaced file):
  they keep the history the audit log points to. "Live" means `deleted_at IS NULL`.

Access: `Actor` says who acts. A document is readable by the representative
whose client file (Application.representative_id) it belongs to, and by
back-office staff (role "staff", read-only); only the representative may add,
replace or delete. Unknown, deleted and foreign ids all raise `NotFound` —
never "forbidden" — so ids reveal nothing. Clients' own access comes later:
extend `_may_read` / `_may_write`, the single place these rules live.

Frozen applications: once signed (any status but "draft": signed, paying, submitting,
submitted…) the documents are part of what was signed. The service checks the
application's status itself (`_check_not_frozen`), whatever the page believes: only
a file answering an open document request of the back office (slot `request-<id>`,
see services/office/backoffice.py) may be added; nothing may be replaced or removed
(what was sent stays as sent); anything else is refused (`frozen`) with nothing changed.

Refusals raise `DocumentRefused(code, field, message_fr, message_en)`. Codes:
frozen, empty, too_large, unsupported_type, word_document, heic_image, pdf_encrypted,
pdf_broken, image_broken, too_many_files, duplicate_in_slot, invalid_slot,
upload_interrupted. The same file uploaded again to the same application is
refused when it is for the same applicant and slot (`duplicate_in_slot`);
elsewhere in the application it is accepted with a warning
(`UploadResult.warnings`, code `duplicate_in_application`), since one scan
can honestly serve two checklist items or two family members.

Everything blocks (disk, network, database): from an async Reflex handler call
it through `await asyncio.to_thread(documents.upload, ...)` or in a background
event.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import datetime
from typing import Any, BinaryIO, Iterable

from sqlalchemy import func
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Applicant, Application, Document, DocumentRequest, utcnow
from rar_app.services import audit
from rar_app.services.casework.document_errors import _WARNINGS, DocumentRefused, NotFound, _refused
from rar_app.services.casework.document_intake import StagedUpload, _name_for, clean_filename, validate
from rar_app.settings import get_settings
from rar_app.storage import (
    DocumentStore,
    ObjectNotFound,
    ObjectStream,
    StorageUnavailable,
    content_disposition,
    get_store,
    new_key,
)

log = logging.getLogger(__name__)

STAFF_ROLES = frozenset({"staff"})  # read every client file; never write

# ---------------------------------------------------------------------------
# Who acts, and what callers get back


@dataclasses.dataclass(frozen=True)
class Actor:
    account_id: int
    role: str
    session_id: int | str  # AuthSession.id: binds download tokens to one session
    ip: str = ""

    @classmethod
    def from_session(cls, info: Any, ip: str = "") -> "Actor":
        """From a `sessions.SessionInfo` (a session past its security question only)."""
        if not getattr(info, "is_complete", False):
            raise NotFound()
        return cls(account_id=info.account_id, role=info.role, session_id=info.session_id, ip=ip)


@dataclasses.dataclass(frozen=True)
class DocumentInfo:
    id: int
    application_id: int
    applicant_id: int | None
    slot_code: str
    name: str  # cleaned original name, for display and downloads
    content_type: str
    size_bytes: int
    sha256: str
    status: str
    uploaded_at: datetime
    uploaded_by: int | None

    def headers(self, disposition: str = "attachment") -> dict[str, str]:
        """HTTP headers for serving the bytes (the portal's download route)."""
        return {
            "Content-Type": self.content_type,
            "Content-Length": str(self.size_bytes),
            "Content-Disposition": content_disposition(self.name, disposition),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        }

    @classmethod
    def of(cls, doc: Document) -> "DocumentInfo":
        return cls(
            id=doc.id, application_id=doc.application_id, applicant_id=doc.applicant_id,
            slot_code=doc.slot_code, name=doc.original_name, content_type=doc.content_type,
            size_bytes=doc.size_bytes, sha256=doc.sha256, status=doc.status,
            uploaded_at=doc.uploaded_at, uploaded_by=doc.owner_id,
        )


@dataclasses.dataclass(frozen=True)
class Notice:
    code: str
    message_fr: str
    message_en: str
    document_ids: tuple[int, ...] = ()

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr


@dataclasses.dataclass(frozen=True)
class UploadResult:
    document: DocumentInfo
    warnings: tuple[Notice, ...] = ()


# ---------------------------------------------------------------------------
# Access rules: the one place they live


def _may_read(actor: Actor, app: Application) -> bool:
    return _may_write(actor, app) or actor.role in STAFF_ROLES


def _may_write(actor: Actor, app: Application) -> bool:
    return app.representative_id is not None and app.representative_id == actor.account_id


def _as_id(value: Any) -> int:
    """An id as the database knows it, from an int or a string of ASCII digits; else NotFound."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not 0 < value < 2**63:
        raise NotFound()
    return value


def _application(db: Session, actor: Actor, application_id: Any, *, write: bool,
                 lock: bool = False) -> Application:
    query = select(Application).where(Application.id == _as_id(application_id))
    if lock:
        query = query.with_for_update()  # serialises uploads to one application (PostgreSQL)
    app = db.exec(query).first()
    if app is None or not (_may_write(actor, app) if write else _may_read(actor, app)):
        audit.note_refusal(db, actor_id=actor.account_id, actor_role=actor.role, object_type="application",
                           object_id=str(application_id)[:40], check="documents", write=write)
        raise NotFound()
    return app


def _document(db: Session, actor: Actor, document_id: Any, *, write: bool) -> tuple[Document, Application]:
    doc = db.get(Document, _as_id(document_id))
    if doc is None or doc.deleted_at is not None or doc.application_id is None:
        audit.note_refusal(db, actor_id=actor.account_id, actor_role=actor.role, object_type="document",
                           object_id=str(document_id)[:40], check="documents", write=write)
        raise NotFound()
    return doc, _application(db, actor, doc.application_id, write=write)


def _check_applicant(db: Session, app: Application, applicant_id: Any) -> int | None:
    if applicant_id is None:
        return None
    applicant = db.get(Applicant, _as_id(applicant_id))
    if applicant is None or applicant.application_id != app.id:
        raise NotFound()
    return applicant.id


_SLOT_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,59}$")


def _check_slot(slot_code: Any) -> str:
    if not isinstance(slot_code, str) or not _SLOT_RE.fullmatch(slot_code):
        raise _refused("invalid_slot", field="slot_code")
    return slot_code


OPEN_STATUS = "draft"  # the only status in which an application's documents are free to change
_REQUEST_SLOT_RE = re.compile(r"^request-([1-9][0-9]{0,17})$")


def _answers_open_request(db: Session, app: Application, applicant_id: int | None, slot_code: str) -> bool:
    """Is `slot_code` the slot of a document request of this application (and applicant) still open?"""
    match = _REQUEST_SLOT_RE.fullmatch(slot_code or "")
    if match is None:
        return False
    request = db.get(DocumentRequest, int(match.group(1)))
    return (request is not None and request.application_id == app.id and request.status == "open"
            and (request.applicant_id is None or request.applicant_id == applicant_id))


def _check_not_frozen(db: Session, app: Application, applicant_id: int | None, slot_code: str, *,
                      removing: bool = False) -> None:
    """Refuse (`frozen`) a change to a signed or submitted application's documents: once signed
    nothing is removed or replaced, and only a file answering an open document request is added."""
    if app.status == OPEN_STATUS:
        return
    if removing or not _answers_open_request(db, app, applicant_id, slot_code):
        raise _refused("frozen")


def _audit(db: Session, actor: Actor, action: str, document_id: int | None, **details: Any) -> None:
    audit.record(db, action, actor_id=actor.account_id, actor_role=actor.role, object_type="document",
                 object_id=document_id, ip=actor.ip, **details)


# ---------------------------------------------------------------------------
# Upload, replace, remove


def _live(query: Any) -> Any:
    return query.where(Document.deleted_at.is_(None))


def _check_room_and_duplicates(db: Session, app_id: int, applicant_id: int | None, slot_code: str,
                               sha256: str | None, replacing: int | None) -> tuple[Notice, ...]:
    limit = get_settings().max_files_per_slot
    same_applicant = Document.applicant_id.is_(None) if applicant_id is None else Document.applicant_id == applicant_id
    in_slot = _live(select(func.count()).select_from(Document)).where(
        Document.application_id == app_id, same_applicant, Document.slot_code == slot_code)
    if replacing is not None:
        in_slot = in_slot.where(Document.id != replacing)
    if db.exec(in_slot).one() >= limit:
        raise _refused("too_many_files", limit=limit)
    if sha256 is None:
        return ()
    same = _live(select(Document)).where(Document.application_id == app_id, Document.sha256 == sha256)
    if replacing is not None:
        same = same.where(Document.id != replacing)
    twins = list(db.exec(same))
    if any(t.applicant_id == applicant_id and t.slot_code == slot_code for t in twins):
        raise _refused("duplicate_in_slot")
    if twins:
        fr, en = _WARNINGS["duplicate_in_application"]
        return (Notice("duplicate_in_application", fr, en, tuple(t.id for t in twins)),)
    return ()


def _delete_quietly(store: DocumentStore, key: str) -> None:
    try:
        store.delete(key)
    except Exception as exc:  # the orphan report will find it
        log.warning("could not delete stored object %s (%s); the orphan report will list it", key, exc)


def upload(
    actor: Actor,
    application_id: int,
    applicant_id: int | None,
    slot_code: str,
    filename: str | None,
    fileobj: BinaryIO | Iterable[bytes] | bytes | StagedUpload,
    declared_type: str | None = None,
    *,
    store: DocumentStore | None = None,
) -> UploadResult:
    """Add a file to a document slot of an application (optionally for one applicant).

    `fileobj`: a binary file (Reflex's `rx.UploadFile` or its `.file`), an
    iterable of byte chunks, bytes, or a filled `StagedUpload` (closed here). Raises NotFound, DocumentRefused or
    StorageUnavailable; on any error nothing is stored."""
    return _upload(actor, application_id, applicant_id, slot_code, filename, fileobj, declared_type,
                   store=store, replacing=None)


def replace(
    actor: Actor,
    document_id: int,
    filename: str | None,
    fileobj: BinaryIO | Iterable[bytes] | StagedUpload,
    declared_type: str | None = None,
    *,
    store: DocumentStore | None = None,
) -> UploadResult:
    """Put a new file in place of a document (same application, applicant and
    slot). The old row becomes status "replaced" (soft-deleted) in the same
    transaction that adds the new one; its object is deleted afterwards."""
    with session_scope() as db:
        old, app = _document(db, actor, document_id, write=True)
        try:
            _check_not_frozen(db, app, old.applicant_id, old.slot_code)
        except DocumentRefused as refusal:
            refused = (old.id, app.id, old.slot_code, refusal)
        else:
            refused = None
    if refused is not None:
        with session_scope() as db:
            _audit(db, actor, "document.upload_refused", refused[0], application_id=refused[1], slot=refused[2],
                   code=refused[3].code, name=clean_filename(filename))
        raise refused[3]
    return _upload(actor, old.application_id, old.applicant_id, old.slot_code, filename, fileobj,
                   declared_type, store=store, replacing=old)


def _upload(actor: Actor, application_id: Any, applicant_id: Any, slot_code: str, filename: str | None,
            fileobj: Any, declared_type: str | None, *, store: DocumentStore | None,
            replacing: Document | None) -> UploadResult:
    store = store or get_store()
    replacing_id = replacing.id if replacing is not None else None
    with session_scope() as db:  # fail fast, before reading the body
        app = _application(db, actor, application_id, write=True)
        app_id = app.id
        applicant_id = _check_applicant(db, app, applicant_id)
    name = clean_filename(filename)
    try:
        slot_code = _check_slot(slot_code)
        with session_scope() as db:
            _check_not_frozen(db, _application(db, actor, app_id, write=True), applicant_id, slot_code,
                              removing=replacing_id is not None)
            _check_room_and_duplicates(db, app_id, applicant_id, slot_code, None, replacing_id)
        staged = fileobj if isinstance(fileobj, StagedUpload) else StagedUpload()
        try:
            if staged is not fileobj:
                staged.fill_from(fileobj)
            kind = validate(staged)
            name = _name_for(name, kind)
            key = new_key()
            try:
                size = store.put_stream(key, staged.rewind(), content_type=kind.content_type)
            except StorageUnavailable as exc:
                _delete_quietly(store, key)
                raise exc.for_operation("upload") from exc
            except BaseException:
                _delete_quietly(store, key)
                raise
        finally:
            staged.close()
        try:
            with session_scope() as db:
                # Access or status may have changed meanwhile (signed while the file was read).
                locked = _application(db, actor, app_id, write=True, lock=True)
                _check_not_frozen(db, locked, applicant_id, slot_code, removing=replacing_id is not None)
                warnings = _check_room_and_duplicates(db, app_id, applicant_id, slot_code, staged.sha256,
                                                      replacing_id)
                doc = Document(
                    owner_id=actor.account_id, application_id=app_id, applicant_id=applicant_id,
                    slot_code=slot_code, original_name=name, content_type=kind.content_type,
                    size_bytes=size, sha256=staged.sha256, storage_key=key, status="uploaded",
                )
                db.add(doc)
                if replacing is not None:
                    old = db.get(Document, replacing_id)
                    if old is None or old.deleted_at is not None:
                        raise NotFound()  # replaced or deleted by someone else meanwhile
                    old.status, old.deleted_at = "replaced", utcnow()
                    db.add(old)
                db.flush()
                details: dict[str, Any] = dict(application_id=app_id, applicant_id=applicant_id, slot=slot_code,
                                               name=name, size=size, sha256=staged.sha256, type=kind.content_type)
                if declared_type and declared_type != kind.content_type:
                    details["declared_type"] = declared_type[:100]
                if warnings:
                    details["warnings"] = [w.code for w in warnings]
                if replacing is not None:
                    details["replaces"] = replacing_id
                    _audit(db, actor, "document.replace", replacing_id, by=doc.id)
                _audit(db, actor, "document.upload", doc.id, **details)
                info = DocumentInfo.of(doc)
        except BaseException:
            _delete_quietly(store, key)
            raise
    except DocumentRefused as refusal:
        with session_scope() as db:
            _audit(db, actor, "document.upload_refused", replacing_id, application_id=app_id, slot=slot_code,
                   code=refusal.code, name=name)
        raise
    if replacing is not None:
        _delete_quietly(store, replacing.storage_key)
    return UploadResult(info, warnings)


def remove(actor: Actor, document_id: int, *, store: DocumentStore | None = None) -> None:
    """Delete a document: its row (soft) and its stored object. Raises NotFound,
    DocumentRefused (`frozen`: the application is signed or submitted) or
    StorageUnavailable (then nothing changed)."""
    store = store or get_store()
    seen: dict[str, Any] = {}
    try:
        with session_scope() as db:
            doc, app = _document(db, actor, document_id, write=True)
            seen.update(document_id=doc.id, application_id=app.id, status=app.status)
            _check_not_frozen(db, _application(db, actor, app.id, write=True, lock=True), doc.applicant_id,
                              doc.slot_code, removing=True)
            doc.deleted_at = utcnow()
            db.add(doc)
            _audit(db, actor, "document.delete", doc.id, application_id=doc.application_id, slot=doc.slot_code,
                   name=doc.original_name, sha256=doc.sha256)
    except DocumentRefused as refusal:
        with session_scope() as db:  # its own transaction: the refusal is recorded, nothing else
            _audit(db, actor, "document.delete_refused", seen["document_id"], application_id=seen["application_id"],
                   code=refusal.code, status=seen["status"])
        raise
    try:
        store.delete(doc.storage_key)
    except StorageUnavailable as exc:
        try:
            with session_scope() as db:
                row = db.get(Document, doc.id)
                row.deleted_at = None
                db.add(row)
                _audit(db, actor, "document.delete_undone", doc.id, reason="storage_unavailable")
        except Exception:
            log.exception("document %s: row deleted but its object %s remains; the orphan report will list it",
                          doc.id, doc.storage_key)
        raise exc.for_operation("delete") from exc


# ---------------------------------------------------------------------------
# Reading


def list_for_application(actor: Actor, application_id: int, *, applicant_id: int | None = None,
                         slot_code: str | None = None) -> list[DocumentInfo]:
    """Live documents of an application (optionally one applicant's, one slot's), oldest first."""
    with session_scope() as db:
        app = _application(db, actor, application_id, write=False)
        query = _live(select(Document)).where(Document.application_id == app.id)
        if applicant_id is not None:
            query = query.where(Document.applicant_id == _check_applicant(db, app, applicant_id))
        if slot_code is not None:
            query = query.where(Document.slot_code == slot_code)
        return [DocumentInfo.of(d) for d in db.exec(query.order_by(Document.uploaded_at, Document.id))]


def get_info(actor: Actor, document_id: int) -> DocumentInfo:
    with session_scope() as db:
        doc, _app = _document(db, actor, document_id, write=False)
        return DocumentInfo.of(doc)


def open_for_download(actor: Actor, document_id: int, *, store: DocumentStore | None = None,
                      via: str = "portal") -> tuple[DocumentInfo, ObjectStream]:
    """Check access, open the stored bytes, record the download. Returns the
    metadata (see `DocumentInfo.headers()`) and a stream of chunks to send;
    close it (or iterate it to the end)."""
    store = store or get_store()
    with session_scope() as db:
        doc, _app = _document(db, actor, document_id, write=False)
        info = DocumentInfo.of(doc)
    try:
        stream = store.open_stream(doc.storage_key)
    except ObjectNotFound:
        log.error("document %s: row without object %s", doc.id, doc.storage_key)
        raise NotFound() from None
    except StorageUnavailable as exc:
        raise exc.for_operation("download") from exc
    try:
        with session_scope() as db:
            _audit(db, actor, "document.download", doc.id, application_id=doc.application_id, via=via)
    except BaseException:
        stream.close()
        raise
    return info, stream


def presigned_download_url(actor: Actor, document_id: int, *, ttl: int = 60,
                           store: DocumentStore | None = None) -> str | None:
    """After the access check, a short-lived direct URL from the store (S3), or
    None when the store cannot issue one (local folder: use a download token
    and stream through the portal). The URL is not bound to the session: keep
    `ttl` short. Recorded as a download."""
    store = store or get_store()
    with session_scope() as db:
        doc, _app = _document(db, actor, document_id, write=False)
        try:
            url = store.presigned_url(doc.storage_key, ttl, filename=doc.original_name,
                                      content_type=doc.content_type)
        except StorageUnavailable as exc:
            raise exc.for_operation("download") from exc
        if url is not None:
            _audit(db, actor, "document.download", doc.id, application_id=doc.application_id, via="presigned")
        return url
