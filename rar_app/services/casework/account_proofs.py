"""Proof documents of account requests: the document a name change names, owned by
the account and attached to no application (the documents service only knows
documents of applications). Stored with the same staging, sniffing, store and audit
as `documents.upload`; discarded when replaced before the request is sent; read by
an administrator deciding the request (authorised by the requests service)."""

from __future__ import annotations

import logging
from typing import Any

from rar_app.db import session_scope
from rar_app.models import Document, utcnow
from rar_app.services import audit
from rar_app.services.casework import document_intake, requests
from rar_app.services.identity.accounts import NotFound
from rar_app.storage import ObjectNotFound, get_store, new_key

log = logging.getLogger(__name__)

PROOF_SLOT = "account_name_change"


def store_proof(account_id: int, filename: str, upload: Any, ip: str = "") -> tuple[int, str]:
    """Stage, check and store a proof file for `account_id`; returns (document id, shown name).
    Raises documents.DocumentRefused or StorageUnavailable (then nothing is kept)."""
    store = get_store()
    with document_intake.StagedUpload() as staged:
        staged.fill_from(upload)
        kind = document_intake.validate(staged)
        name = document_intake.clean_filename(filename) or "document"
        key = new_key()
        try:
            size = store.put_stream(key, staged.rewind(), content_type=kind.content_type)
        except BaseException:
            try:
                store.delete(key)
            except Exception:  # the orphan report will list it
                log.warning("could not delete %s after a failed put", key)
            raise
        sha256 = staged.sha256
    try:
        with session_scope() as db:
            doc = Document(owner_id=account_id, application_id=None, applicant_id=None, slot_code=PROOF_SLOT,
                           original_name=name, content_type=kind.content_type, size_bytes=size, sha256=sha256,
                           storage_key=key, status="uploaded")
            db.add(doc)
            db.flush()
            audit.record(db, "document.upload", actor_id=account_id, object_type="document", object_id=doc.id,
                         ip=ip, slot=PROOF_SLOT, name=name, size=size, sha256=sha256, type=kind.content_type)
            return doc.id, name
    except BaseException:
        try:
            store.delete(key)
        except Exception:
            log.warning("could not delete %s after a failed commit", key)
        raise


def discard_proof(account_id: int, document_id: int) -> None:
    """Forget a proof chosen but replaced before the request was sent (the actor's own, unattached)."""
    with session_scope() as db:
        doc = db.get(Document, document_id)
        if doc is None or doc.owner_id != account_id or doc.application_id is not None or doc.deleted_at:
            return
        doc.deleted_at = utcnow()
        doc.status = "replaced"
        db.add(doc)
        audit.record(db, "document.delete", actor_id=account_id, object_type="document", object_id=doc.id,
                     slot=PROOF_SLOT)
        key = doc.storage_key
    try:
        get_store().delete(key)
    except Exception:  # the orphan report will list it
        log.warning("could not delete %s", key)


def read_proof(admin_id: int, request_id: int, ip: str = "") -> tuple[bytes, str, str]:
    """The proof document of a request, for an administrator: (bytes, file name, type).
    Recorded in the audit log. Raises accounts.Forbidden / NotFound, StorageUnavailable."""
    with session_scope() as db:
        view = requests.get_request(db, admin_id, request_id)  # administrators only
        doc = db.get(Document, view.document_id) if view.document_id else None
        if doc is None or doc.deleted_at is not None:
            raise NotFound()
        key, name, content_type = doc.storage_key, doc.original_name or "document", doc.content_type
        audit.record(db, "document.download", actor_id=admin_id, actor_role="admin", ip=ip, object_type="document",
                     object_id=doc.id, request_id=request_id, purpose="name_change_proof")
    try:
        with get_store().open_stream(key) as stream:
            return stream.read_all(), name, content_type
    except ObjectNotFound:
        log.error("document %s: row without object %s", doc.id, key)
        raise NotFound() from None
