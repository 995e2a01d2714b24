"""Documents of client files: upload, list, download, replace, delete, signed
download links, and the orphan report. No Reflex here.

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

Refusals raise `DocumentRefused(code, field, message_fr, message_en)`. Codes:
empty, too_large, unsupported_type, word_document, heic_image, pdf_encrypted,
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

import base64
import dataclasses
import hashlib
import hmac
import logging
import os
import re
import tempfile
import time
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from sqlalchemy import func
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Applicant, Application, Document, utcnow
from rar_app.services import audit
from rar_app.settings import get_settings
from rar_app.storage import (
    CHUNK_SIZE,
    DocumentStore,
    ObjectNotFound,
    ObjectStream,
    StorageUnavailable,
    StoredObject,
    check_key,
    content_disposition,
    get_store,
    new_key,
)
from rar_app.storage import formats

log = logging.getLogger(__name__)

DOWNLOAD_TOKEN_TTL = 300  # seconds
STAFF_ROLES = frozenset({"staff"})  # read every client file; never write
DISPLAY_NAME_MAX = 120

# ---------------------------------------------------------------------------
# Messages (French first: the portal's default language)

_REFUSALS: dict[str, tuple[str, str]] = {
    "empty": ("Le fichier est vide.", "The file is empty."),
    "too_large": (
        "Le fichier dépasse la taille maximale permise ({limit_fr}). Réduisez-le (par exemple en le "
        "numérisant à une résolution plus faible), puis téléversez-le de nouveau.",
        "The file is larger than the maximum allowed ({limit_en}). Make it smaller (for example by "
        "scanning it at a lower resolution), then upload it again.",
    ),
    "unsupported_type": (
        "Ce type de fichier n'est pas accepté. Formats acceptés : {formats}.",
        "This type of file is not accepted. Accepted formats: {formats}.",
    ),
    "word_document": (
        "Les documents Word ne sont pas acceptés. Enregistrez le document en PDF, puis téléversez le PDF.",
        "Word documents are not accepted. Save the document as a PDF, then upload the PDF.",
    ),
    "heic_image": (
        "Les photos HEIC ne sont pas acceptées. Enregistrez la photo en JPEG, puis téléversez-la de nouveau.",
        "HEIC photos are not accepted. Save the photo as a JPEG, then upload it again.",
    ),
    "pdf_encrypted": (
        "Ce PDF est protégé par un mot de passe ou chiffré. Enregistrez-en une copie sans protection, "
        "puis téléversez cette copie.",
        "This PDF is password-protected or encrypted. Save a copy without protection, then upload that copy.",
    ),
    "pdf_broken": (
        "Ce PDF est endommagé ou incomplet et ne peut pas être lu. Créez-le de nouveau, puis téléversez-le.",
        "This PDF is damaged or incomplete and cannot be read. Create it again, then upload it.",
    ),
    "image_broken": (
        "Cette image est endommagée ou incomplète. Enregistrez-la de nouveau, puis téléversez-la.",
        "This image is damaged or incomplete. Save it again, then upload it.",
    ),
    "too_many_files": (
        "Ce document compte déjà le nombre maximal de fichiers ({limit}). Supprimez un fichier avant "
        "d'en ajouter un autre.",
        "This document already has the maximum number of files ({limit}). Delete a file before adding another.",
    ),
    "duplicate_in_slot": (
        "Ce fichier a déjà été téléversé pour ce document.",
        "This file has already been uploaded for this document.",
    ),
    "invalid_slot": (
        "Ce type de document n'est pas reconnu.",
        "This type of document is not recognized.",
    ),
    "upload_interrupted": (
        "Le téléversement a été interrompu. Réessayez.",
        "The upload was interrupted. Please try again.",
    ),
}

_WARNINGS: dict[str, tuple[str, str]] = {
    "duplicate_in_application": (
        "Le même fichier a déjà été téléversé ailleurs dans cette demande. Vérifiez qu'il s'agit du bon document.",
        "The same file has already been uploaded elsewhere in this application. Check that it is the right document.",
    ),
}


def _size_label(n: int, lang: str) -> str:
    """4194304 → "4 Mo" / "4 MB"; 1572864 → "1,5 Mo" / "1.5 MB"; 2000 → "2 ko" / "2 KB"."""
    if n >= 1024 * 1024:
        value, unit = n / (1024 * 1024), ("Mo" if lang == "fr" else "MB")
    else:
        value, unit = max(1.0, round(n / 1024)), ("ko" if lang == "fr" else "KB")
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return f"{text.replace('.', ',') if lang == 'fr' else text} {unit}"


class DocumentRefused(Exception):
    """The file cannot be accepted; show `message(lang)` next to `field`."""

    def __init__(self, code: str, field: str, message_fr: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.field = field
        self.message_fr = message_fr
        self.message_en = message_en

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr


def _refused(code: str, field: str = "file", **params: Any) -> DocumentRefused:
    fr, en = _REFUSALS[code]
    return DocumentRefused(code, field, fr.format(**params), en.format(**params))


class NotFound(Exception):
    """Unknown, deleted or not yours — deliberately indistinguishable."""

    code = "not_found"
    message_fr = "Document introuvable."
    message_en = "Document not found."

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr


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
        raise NotFound()
    return app


def _document(db: Session, actor: Actor, document_id: Any, *, write: bool) -> tuple[Document, Application]:
    doc = db.get(Document, _as_id(document_id))
    if doc is None or doc.deleted_at is not None or doc.application_id is None:
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


def _audit(db: Session, actor: Actor, action: str, document_id: int | None, **details: Any) -> None:
    audit.record(db, action, actor_id=actor.account_id, actor_role=actor.role, object_type="document",
                 object_id=document_id, ip=actor.ip, **details)


# ---------------------------------------------------------------------------
# Names


_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')


def clean_filename(name: Any, max_length: int = DISPLAY_NAME_MAX) -> str:
    """The uploaded name made safe to show and to offer on download: no folder
    part, no control or invisible formatting characters (bidi overrides that
    disguise "exe"), single spaces, no leading dots, at most `max_length`
    characters with the extension kept. Never used to name the stored object."""
    text = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
    text = _WINDOWS_RESERVED.sub("_", " ".join(text.split())).strip(" .")
    if len(text) > max_length:
        stem, ext = os.path.splitext(text)
        if len(ext) > 10:
            stem, ext = text, ""
        text = stem[: max_length - len(ext)].rstrip(" .") + ext
    return text or "document"


def _name_for(name: str, kind: formats.FileKind) -> str:
    """Give the display name the extension of what the file really is."""
    stem, ext = os.path.splitext(name)
    if ext.lower() in kind.extensions:
        return name
    known = {e for k in formats.ACCEPTED for e in k.extensions} | {".doc", ".docx", ".heic", ".exe"}
    base = stem if ext.lower() in known and stem else name
    return clean_filename(base[: DISPLAY_NAME_MAX - len(kind.extensions[0])] + kind.extensions[0])


# ---------------------------------------------------------------------------
# Staging: the upload, streamed to an anonymous temporary file


class StagedUpload:
    """An upload being received: written to an anonymous temporary file in
    chunks while it is hashed and measured. Refuses as soon as the size limit
    is passed. Use it directly when the bytes arrive in chunks (Reflex's
    chunked upload): `with documents.StagedUpload() as staged: staged.write(chunk)...`,
    then pass `staged` as the `fileobj` of `upload`."""

    def __init__(self, limit: int | None = None, directory: Path | None = None) -> None:
        settings = get_settings()
        self.limit = settings.max_upload_bytes if limit is None else limit
        self.size = 0
        self._sha = hashlib.sha256()
        self._head = bytearray()
        folder = directory or settings.data_dir / "upload-staging"
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.file: BinaryIO = tempfile.TemporaryFile(dir=folder)
        except OSError as exc:
            raise StorageUnavailable(f"staging folder {folder}: {exc}", operation="upload") from exc

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        if self.size > self.limit:
            raise _refused("too_large", limit_fr=_size_label(self.limit, "fr"), limit_en=_size_label(self.limit, "en"))
        if len(self._head) < formats.SNIFF_BYTES:
            self._head += chunk[: formats.SNIFF_BYTES - len(self._head)]
        self._sha.update(chunk)
        try:
            self.file.write(chunk)
        except OSError as exc:
            raise StorageUnavailable(f"staging write: {exc}", operation="upload") from exc

    def fill_from(self, source: BinaryIO | Iterable[bytes]) -> "StagedUpload":
        inner = getattr(source, "file", None)  # Reflex/Starlette UploadFile: its read() is async
        if inner is not None and hasattr(inner, "read"):
            source = inner
        try:
            if isinstance(source, (bytes, bytearray, memoryview)):
                self.write(bytes(source))
            elif hasattr(source, "read"):
                while chunk := source.read(CHUNK_SIZE):  # type: ignore[union-attr]
                    self.write(chunk)
            else:
                for chunk in source:  # type: ignore[union-attr]
                    self.write(bytes(chunk))
        except OSError as exc:  # the sender went away mid-way
            raise _refused("upload_interrupted") from exc
        return self

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    @property
    def head(self) -> bytes:
        return bytes(self._head)

    def rewind(self) -> BinaryIO:
        self.file.flush()
        self.file.seek(0)
        return self.file

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> "StagedUpload":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def validate(staged: StagedUpload) -> formats.FileKind:
    """The file's format, or DocumentRefused. Content decides, never names or declared types."""
    if staged.size == 0:
        raise _refused("empty")
    kind = formats.sniff(staged.head)
    if kind is None:
        family = formats.refused_family(staged.head)
        if family == "word":
            raise _refused("word_document")
        if family == "heic":
            raise _refused("heic_image")
        raise _refused("unsupported_type", formats=formats.ACCEPTED_LABELS)
    problem = formats.problem(kind, staged.rewind(), staged.size)
    if problem:
        raise _refused(problem)
    return kind


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
        old, _app = _document(db, actor, document_id, write=True)
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
                _application(db, actor, app_id, write=True, lock=True)  # access may have changed meanwhile
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
    """Delete a document: its row (soft) and its stored object. Raises NotFound or
    StorageUnavailable (then nothing changed)."""
    store = store or get_store()
    with session_scope() as db:
        doc, _app = _document(db, actor, document_id, write=True)
        doc.deleted_at = utcnow()
        db.add(doc)
        _audit(db, actor, "document.delete", doc.id, application_id=doc.application_id, slot=doc.slot_code,
               name=doc.original_name, sha256=doc.sha256)
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


# ---------------------------------------------------------------------------
# Download tokens: "<document id>.<account id>.<expiry>.<HMAC>", the HMAC also
# covering the session id, which the token does not reveal.


@dataclasses.dataclass(frozen=True)
class DownloadGrant:
    document_id: int
    account_id: int
    expires_at: datetime


_TOKEN_RE = re.compile(r"^([1-9][0-9]{0,18})\.([1-9][0-9]{0,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


def _token_mac(payload: str, session_id: int | str) -> str:
    key = hmac.new(get_settings().secret_key.encode(), b"rar.documents.download-token.v1", hashlib.sha256).digest()
    digest = hmac.new(key, f"{payload}|{session_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_download_token(actor: Actor, document_id: int, *, ttl: int = DOWNLOAD_TOKEN_TTL,
                         now: float | None = None) -> str:
    """A signed token for one document, valid `ttl` seconds for this actor in
    this session only (for a link such as `/documents/download?t=<token>`)."""
    with session_scope() as db:
        doc, _app = _document(db, actor, document_id, write=False)
    expires = int(time.time() if now is None else now) + int(ttl)
    payload = f"{doc.id}.{actor.account_id}.{expires}"
    return f"{payload}.{_token_mac(payload, actor.session_id)}"


def resolve_download_token(token: Any, session_id: int | str, *, now: float | None = None) -> DownloadGrant:
    """The grant a token carries, if it is genuine, unexpired and issued in this
    session; NotFound otherwise. Access is checked again on opening."""
    match = _TOKEN_RE.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        raise NotFound()
    doc_id, account_id, expires, mac = match.groups()
    expected = _token_mac(f"{doc_id}.{account_id}.{expires}", session_id)
    if not hmac.compare_digest(mac, expected):
        raise NotFound()
    if int(expires) <= (time.time() if now is None else now):
        raise NotFound()
    return DownloadGrant(int(doc_id), int(account_id), datetime.fromtimestamp(int(expires), timezone.utc))


def open_with_token(token: Any, actor: Actor, *, store: DocumentStore | None = None,
                    now: float | None = None) -> tuple[DocumentInfo, ObjectStream]:
    """What the portal's download route does: verify the token against the
    requester's session and account, re-check access, open the bytes."""
    grant = resolve_download_token(token, actor.session_id, now=now)
    if grant.account_id != actor.account_id:
        raise NotFound()
    return open_for_download(actor, grant.document_id, store=store, via="token")


# ---------------------------------------------------------------------------
# Consistency: the orphan report


@dataclasses.dataclass
class OrphanReport:
    store: str
    objects_checked: int = 0
    rows_checked: int = 0
    objects_without_rows: list[StoredObject] = dataclasses.field(default_factory=list)
    # Newer than the grace period: possibly an upload between its put and its commit.
    recent_objects_without_rows: list[StoredObject] = dataclasses.field(default_factory=list)
    rows_without_objects: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (document id, key)

    @property
    def consistent(self) -> bool:
        return not self.objects_without_rows and not self.rows_without_objects

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "consistent": self.consistent,
            "objects_checked": self.objects_checked,
            "rows_checked": self.rows_checked,
            "objects_without_rows": [o.key for o in self.objects_without_rows],
            "recent_objects_without_rows": [o.key for o in self.recent_objects_without_rows],
            "rows_without_objects": [{"document_id": i, "key": k} for i, k in self.rows_without_objects],
        }

    def summary(self) -> str:
        return (f"{self.store}: {self.objects_checked} objects, {self.rows_checked} live rows; "
                f"{len(self.objects_without_rows)} objects without rows "
                f"(+{len(self.recent_objects_without_rows)} recent, maybe uploads in progress), "
                f"{len(self.rows_without_objects)} rows without objects")


def _live_keys(keys: Iterable[str] | None = None) -> dict[str, int]:
    with session_scope() as db:
        query = _live(select(Document.storage_key, Document.id))
        if keys is not None:
            query = query.where(Document.storage_key.in_(list(keys)))
        return {key: doc_id for key, doc_id in db.exec(query)}


def find_orphans(*, store: DocumentStore | None = None, grace_seconds: float = 3600) -> OrphanReport:
    """Compare the live rows with the stored objects, both ways. Candidates are
    checked a second time, so a document added or deleted during the scan is
    not reported. Raises StorageUnavailable when the store cannot be listed."""
    store = store or get_store()
    store.check()
    rows = _live_keys()
    report = OrphanReport(store=repr(store), rows_checked=len(rows))
    seen: set[str] = set()
    strays: list[StoredObject] = []
    for obj in store.list_objects():
        report.objects_checked += 1
        seen.add(obj.key)
        if obj.key not in rows:
            strays.append(obj)
    if strays:
        now_rows = _live_keys(o.key for o in strays)
        cutoff = time.time() - grace_seconds
        for obj in strays:
            if obj.key in now_rows:
                continue
            recent = obj.last_modified.timestamp() > cutoff
            (report.recent_objects_without_rows if recent else report.objects_without_rows).append(obj)
    missing = [key for key in rows if key not in seen]
    if missing:
        still_live = _live_keys(missing)
        for key in missing:
            if key in still_live and not store.exists(key):
                report.rows_without_objects.append((still_live[key], key))
    return report


def purge_orphans(report: OrphanReport, *, store: DocumentStore | None = None) -> list[str]:
    """Delete the objects without rows that `report` lists (not the recent ones),
    each checked once more against the database first. Rows without objects are
    only reported: a person decides (restore the object from backup, or delete
    the document). Returns the deleted keys."""
    store = store or get_store()
    deleted: list[str] = []
    candidates = []
    for obj in report.objects_without_rows:
        try:
            candidates.append(check_key(obj.key))
        except ValueError:
            log.warning("not deleting %r: not a key the portal creates", obj.key)
    live = _live_keys(candidates)
    for key in candidates:
        if key not in live:
            store.delete(key)
            deleted.append(key)
    remove_partials = getattr(store, "remove_stale_partials", None)
    if remove_partials is not None:
        remove_partials()
    return deleted


def startup_check(*, store: DocumentStore | None = None) -> OrphanReport | None:
    """For the portal's start-up: log the orphan report (a warning when
    inconsistent, an error when the store is unreachable). Never raises."""
    try:
        report = find_orphans(store=store)
    except StorageUnavailable as exc:
        log.error("document storage unavailable at start-up: %s", exc.detail or exc)
        return None
    except Exception:
        log.exception("document orphan check failed")
        return None
    (log.info if report.consistent else log.warning)("documents: %s", report.summary())
    return report
