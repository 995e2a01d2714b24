"""The document service: round trip, access rules, download tokens, audit,
consistency under injected failures, and the orphan report."""

from __future__ import annotations

import asyncio
import io
import os
import re
import time

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import select

from rar_app import manage_documents
from rar_app.db import session_scope
from rar_app.models import AuditEvent, Document
from rar_app.services.casework import document_intake, document_links, document_orphans, documents
from rar_app.services.casework.documents import Actor, DocumentRefused, NotFound
from rar_app.settings import get_settings
from rar_app.storage import LocalFolderStore, StorageUnavailable, get_store, new_key
from tests.fixtures.documents import samples
from tests.fixtures.documents.world import make_world


@pytest.fixture
def world(migrated_db):
    return make_world()


def _upload(world, data=None, *, actor=None, app=None, applicant="first", slot="passport", name="passeport.pdf",
            **kw):
    applicant_id = {"first": world.applicant1, "second": world.applicant2, None: None}.get(applicant, applicant)
    return documents.upload(actor or world.rep, app or world.app, applicant_id, slot, name,
                            io.BytesIO(samples.pdf() if data is None else data), **kw)


def _rows():
    with session_scope() as db:
        return list(db.exec(select(Document).order_by(Document.id)))


def _actions(document_id=None):
    with session_scope() as db:
        query = select(AuditEvent).where(AuditEvent.object_type == "document").order_by(AuditEvent.id)
        if document_id is not None:
            query = query.where(AuditEvent.object_id == str(document_id))
        return [e.action for e in db.exec(query)]


# --------------------------------------------------------------------------- round trip


def test_upload_list_download_remove(world):
    data = samples.pdf(pages=2)
    result = _upload(world, data, name="C:\\scans\\Passeport de Marie.pdf")
    doc = result.document
    assert doc.name == "Passeport de Marie.pdf"
    assert doc.size_bytes == len(data) and doc.content_type == "application/pdf"
    assert doc.sha256 == __import__("hashlib").sha256(data).hexdigest()
    assert doc.applicant_id == world.applicant1 and doc.slot_code == "passport"

    [row] = _rows()
    assert re.fullmatch(r"[0-9a-f]{32}", row.storage_key), "the server names the object, at random"
    assert "Passeport" not in row.storage_key
    assert list(get_store().list_keys()) == [row.storage_key]

    assert [d.id for d in documents.list_for_application(world.rep, world.app)] == [doc.id]
    assert documents.list_for_application(world.rep, world.app, applicant_id=world.applicant2) == []
    assert documents.list_for_application(world.rep, world.app, slot_code="photo") == []

    info, stream = documents.open_for_download(world.rep, doc.id)
    assert stream.read_all() == data
    headers = info.headers()
    assert headers["Content-Type"] == "application/pdf" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Disposition"].startswith('attachment; filename="Passeport de Marie.pdf"')

    documents.remove(world.rep, doc.id)
    assert documents.list_for_application(world.rep, world.app) == []
    assert list(get_store().list_keys()) == []
    [row] = _rows()
    assert row.deleted_at is not None, "the row stays as history, marked deleted"
    with pytest.raises(NotFound):
        documents.open_for_download(world.rep, doc.id)
    with pytest.raises(NotFound):
        documents.remove(world.rep, doc.id)
    # The two refused attempts on the deleted file are in the log too (issue 14).
    assert _actions(doc.id) == ["document.upload", "document.download", "document.delete", "access.refused",
                                "access.refused"]


def test_audit_entries_say_who_what_where(world):
    doc = _upload(world).document
    with session_scope() as db:
        entry = db.exec(select(AuditEvent).where(AuditEvent.action == "document.upload")).one()
    assert entry.actor_id == world.rep.account_id and entry.actor_role == "representative"
    assert entry.object_id == str(doc.id) and entry.ip == "127.0.0.1"
    assert doc.sha256 in entry.details and '"slot": "passport"' in entry.details


def test_chunks_staged_uploads_and_reflex_upload_files(world):
    data = samples.png()
    r1 = documents.upload(world.rep, world.app, None, "photo", "a.png", iter([data[:10], data[10:]]))
    with document_intake.StagedUpload() as staged:
        staged.write(samples.jpeg()[:50])
        staged.write(samples.jpeg()[50:])
        r2 = documents.upload(world.rep, world.app, None, "photo", "b.jpg", staged)

    class ReflexLikeUploadFile:  # rx.UploadFile: async read(), the real file in .file
        def __init__(self, payload: bytes) -> None:
            self.file = io.BytesIO(payload)

        async def read(self, size: int = -1) -> bytes:
            raise AssertionError("the service must use .file, not the async read()")

    r3 = documents.upload(world.rep, world.app, None, "photo", "c.tif", ReflexLikeUploadFile(samples.tiff()))
    r4 = documents.upload(world.rep, world.app, None, "letter", "d.pdf", samples.pdf())
    assert [r.document.content_type for r in (r1, r2, r3, r4)] == ["image/png", "image/jpeg", "image/tiff",
                                                                   "application/pdf"]
    assert r4.document.size_bytes == len(samples.pdf())
    assert r1.document.applicant_id is None


def test_can_be_called_from_async_code(world):
    async def handler():
        return await asyncio.to_thread(_upload, world)

    assert asyncio.run(handler()).document.id


# --------------------------------------------------------------------------- slot rules


def test_files_per_slot_are_limited(portal_env, migrated_db):
    portal_env(RAR_MAX_FILES_PER_SLOT="2")
    world = make_world()
    _upload(world, samples.pdf(marker="1"))
    _upload(world, samples.pdf(marker="2"))
    with pytest.raises(DocumentRefused) as caught:
        _upload(world, samples.pdf(marker="3"))
    assert caught.value.code == "too_many_files" and "(2)" in caught.value.message_fr
    _upload(world, samples.pdf(marker="3"), slot="photo")          # another slot
    _upload(world, samples.pdf(marker="3"), applicant="second")    # another applicant's slot
    assert len(list(get_store().list_keys())) == 4


def test_same_file_twice_in_one_application(world):
    data = samples.pdf(marker="bank statement")
    first = _upload(world, data, slot="funds").document
    with pytest.raises(DocumentRefused) as caught:
        _upload(world, data, slot="funds")
    assert caught.value.code == "duplicate_in_slot"
    assert caught.value.message_en == "This file has already been uploaded for this document."

    again = _upload(world, data, slot="funds", applicant="second")
    [warning] = again.warnings
    assert warning.code == "duplicate_in_application" and warning.document_ids == (first.id,)
    assert "même fichier" in warning.message("fr") and "same file" in warning.message("en")

    other = _upload(world, data, actor=world.other_rep, app=world.other_app, applicant=world.other_applicant)
    assert other.warnings == (), "another application's files are not compared"


def test_replace(portal_env, migrated_db):
    portal_env(RAR_MAX_FILES_PER_SLOT="1")
    world = make_world()
    old = _upload(world, samples.pdf(marker="old")).document
    old_key = _rows()[0].storage_key
    new = documents.replace(world.rep, old.id, "nouveau.png", io.BytesIO(samples.png())).document
    assert (new.slot_code, new.applicant_id, new.name) == ("passport", world.applicant1, "nouveau.png")
    assert [d.id for d in documents.list_for_application(world.rep, world.app)] == [new.id]
    old_row = _rows()[0]
    assert old_row.status == "replaced" and old_row.deleted_at is not None
    assert old_key not in set(get_store().list_keys())
    assert _actions(old.id) == ["document.upload", "document.replace"]
    with pytest.raises(NotFound):
        documents.replace(world.rep, old.id, "x.pdf", io.BytesIO(samples.pdf()))


# --------------------------------------------------------------------------- access


def test_another_representative_gets_not_found_everywhere(world):
    doc = _upload(world).document
    intruder = world.other_rep
    attempts = [
        lambda: documents.list_for_application(intruder, world.app),
        lambda: documents.get_info(intruder, doc.id),
        lambda: documents.open_for_download(intruder, doc.id),
        lambda: document_links.issue_download_token(intruder, doc.id),
        lambda: documents.presigned_download_url(intruder, doc.id),
        lambda: documents.remove(intruder, doc.id),
        lambda: documents.replace(intruder, doc.id, "x.pdf", io.BytesIO(samples.pdf(marker="x"))),
        lambda: _upload(world, samples.pdf(marker="x"), actor=intruder),
        # Their own application, but an applicant from someone else's file:
        lambda: _upload(world, samples.pdf(marker="y"), actor=intruder, app=world.other_app),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound) as caught:
            attempt()
        assert caught.value.message("fr") == "Document introuvable."
    assert len(_rows()) == 1 and len(list(get_store().list_keys())) == 1
    assert documents.get_info(world.rep, doc.id).id == doc.id


def test_unknown_or_malformed_ids_are_not_found(world):
    _upload(world)
    for bad_id in (999999, 0, -1, "1 OR 1=1", "abc", None, True, 2**70, "٣", 1.5):
        with pytest.raises(NotFound):
            documents.open_for_download(world.rep, bad_id)
        with pytest.raises(NotFound):
            documents.list_for_application(world.rep, bad_id)


def test_staff_read_only(world):
    doc = _upload(world).document
    assert [d.id for d in documents.list_for_application(world.staff, world.app)] == [doc.id]
    _info, stream = documents.open_for_download(world.staff, doc.id)
    stream.close()
    with pytest.raises(NotFound):
        documents.remove(world.staff, doc.id)
    with pytest.raises(NotFound):
        _upload(world, samples.pdf(marker="staff"), actor=world.staff)


def test_actor_from_session_requires_a_complete_session():
    class Info:
        session_id, account_id, role, is_complete = 7, 3, "representative", True

    assert Actor.from_session(Info(), ip="10.0.0.1") == Actor(3, "representative", 7, "10.0.0.1")
    Info.is_complete = False
    with pytest.raises(NotFound):
        Actor.from_session(Info())


# --------------------------------------------------------------------------- download tokens


def test_download_token_round_trip(world):
    doc = _upload(world).document
    token = document_links.issue_download_token(world.rep, doc.id)
    assert str(world.rep.session_id) not in token.split(".")[:3], "the session id is not revealed"
    grant = document_links.resolve_download_token(token, world.rep.session_id)
    assert grant.document_id == doc.id and grant.account_id == world.rep.account_id
    info, stream = document_links.open_with_token(token, world.rep)
    assert info.id == doc.id and stream.read_all() == samples.pdf()
    assert _actions(doc.id)[-1] == "document.download"


def test_token_from_another_session_expired_guessed_or_tampered_is_not_found(world):
    doc = _upload(world).document
    now = time.time()
    token = document_links.issue_download_token(world.rep, doc.id, now=now)
    same_rep_other_session = Actor(world.rep.account_id, world.rep.role, session_id="another-session")
    with pytest.raises(NotFound):
        document_links.resolve_download_token(token, same_rep_other_session.session_id)
    with pytest.raises(NotFound):
        document_links.open_with_token(token, same_rep_other_session)
    # Expired: valid for 300 s.
    document_links.resolve_download_token(token, world.rep.session_id, now=now + 299)
    with pytest.raises(NotFound):
        document_links.resolve_download_token(token, world.rep.session_id, now=now + 301)
    with pytest.raises(NotFound):
        document_links.open_with_token(token, world.rep, now=now + 301)
    # Another person replaying it with their own session and account.
    with pytest.raises(NotFound):
        document_links.open_with_token(token, world.other_rep)
    # Tampered: another document id, a longer expiry, a guessed signature, garbage.
    doc_id, account_id, expires, mac = token.split(".")
    forged = [
        f"{int(doc_id) + 1}.{account_id}.{expires}.{mac}",
        f"{doc_id}.{account_id}.{int(expires) + 3600}.{mac}",
        f"{doc_id}.{account_id}.{expires}.{'A' * 43}",
        f"{doc_id}.{world.other_rep.account_id}.{expires}.{mac}",
        "", "....", token + "x", None, 12, token.replace(".", "-"),
    ]
    for bad in forged:
        with pytest.raises(NotFound):
            document_links.resolve_download_token(bad, world.rep.session_id)


def test_token_checks_access_again_when_used(world):
    doc = _upload(world).document
    token = document_links.issue_download_token(world.rep, doc.id)
    documents.remove(world.rep, doc.id)
    with pytest.raises(NotFound):
        document_links.open_with_token(token, world.rep)


def test_token_depends_on_the_secret_key(portal_env, migrated_db):
    world = make_world()
    doc = _upload(world).document
    token = document_links.issue_download_token(world.rep, doc.id)
    portal_env(RAR_SECRET_KEY="another-secret-key-that-is-long-enough-0123456789")
    with pytest.raises(NotFound):
        document_links.resolve_download_token(token, world.rep.session_id)


def test_local_store_issues_no_presigned_url(world):
    doc = _upload(world).document
    assert documents.presigned_download_url(world.rep, doc.id) is None


# --------------------------------------------------------------------------- consistency under failures


class FlakyStore:
    """The configured local store, with failures injected on demand."""

    def __init__(self, inner: LocalFolderStore) -> None:
        self.inner = inner
        self.name = inner.name
        self.fail_put_after: int | None = None
        self.fail_delete = False
        self.fail_open = False

    def put_stream(self, key, fileobj, *, content_type):
        if self.fail_put_after is None:
            return self.inner.put_stream(key, fileobj, content_type=content_type)
        budget = self.fail_put_after

        class Breaking(io.RawIOBase):
            def readable(self):
                return True

            def readinto(self, buffer):
                nonlocal budget
                if budget <= 0:
                    raise StorageUnavailable("injected: connection lost mid-put")
                chunk = fileobj.read(min(len(buffer), budget))
                budget -= len(chunk)
                buffer[: len(chunk)] = chunk
                return len(chunk)

        return self.inner.put_stream(key, Breaking(), content_type=content_type)

    def delete(self, key):
        if self.fail_delete:
            raise StorageUnavailable("injected: cannot delete")
        self.inner.delete(key)

    def open_stream(self, key):
        if self.fail_open:
            raise StorageUnavailable("injected: cannot read")
        return self.inner.open_stream(key)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def flaky(world):
    return FlakyStore(get_store())


def test_store_failing_mid_put_leaves_neither_row_nor_object(world, flaky):
    flaky.fail_put_after = 100_000
    with pytest.raises(StorageUnavailable) as caught:
        _upload(world, samples.pdf(pad_to=1_000_000), store=flaky)
    assert caught.value.operation == "upload"
    assert "n’a pas été enregistré" in caught.value.message("fr")
    assert "was not saved" in caught.value.message("en")
    assert _rows() == []
    assert list(flaky.inner.list_keys()) == []
    assert list((flaky.inner.root / ".partial").iterdir()) == []


def test_database_failing_after_put_removes_the_object(world, flaky):
    def refuse_commit(session):
        if any(isinstance(obj, Document) for obj in session.identity_map.values()):
            raise RuntimeError("injected: database went away at commit")

    event.listen(OrmSession, "before_commit", refuse_commit)
    try:
        with pytest.raises(RuntimeError, match="injected"):
            _upload(world, store=flaky)
    finally:
        event.remove(OrmSession, "before_commit", refuse_commit)
    assert _rows() == []
    assert list(flaky.inner.list_keys()) == [], "the object written before the failed commit is gone"
    assert "document.upload" not in _actions()


def test_delete_with_storage_unreachable_changes_nothing(world, flaky):
    doc = _upload(world, store=flaky).document
    flaky.fail_delete = True
    with pytest.raises(StorageUnavailable) as caught:
        documents.remove(world.rep, doc.id, store=flaky)
    assert caught.value.operation == "delete" and "n’a pas été supprimé" in caught.value.message("fr")
    assert [d.id for d in documents.list_for_application(world.rep, world.app)] == [doc.id]
    assert len(list(flaky.inner.list_keys())) == 1
    assert _actions(doc.id) == ["document.upload", "document.delete", "document.delete_undone"]
    flaky.fail_delete = False
    documents.remove(world.rep, doc.id, store=flaky)
    assert list(flaky.inner.list_keys()) == []


def test_download_with_storage_unreachable(world, flaky):
    doc = _upload(world, store=flaky).document
    flaky.fail_open = True
    with pytest.raises(StorageUnavailable) as caught:
        documents.open_for_download(world.rep, doc.id, store=flaky)
    assert caught.value.operation == "download"
    assert caught.value.message("en").startswith("Document storage is temporarily unreachable.")
    assert "document.download" not in _actions(doc.id)


def test_unwritable_staging_is_storage_unavailable(portal_env, migrated_db, tmp_path):
    world = make_world()
    blocker = get_settings().data_dir / "upload-staging"
    blocker.write_text("a file where the staging folder should be")
    with pytest.raises(StorageUnavailable):
        _upload(world)
    assert _rows() == []


def test_interrupted_upload_is_a_clear_refusal(world):
    class Dropped(io.RawIOBase):
        sent = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            if self.sent:
                raise ConnectionResetError("client went away")
            self.sent = len(buffer)
            buffer[:8] = b"%PDF-1.7"
            return 8

    with pytest.raises(DocumentRefused) as caught:
        documents.upload(world.rep, world.app, None, "passport", "x.pdf", Dropped())
    assert caught.value.code == "upload_interrupted"
    assert _rows() == [] and list(get_store().list_keys()) == []


# --------------------------------------------------------------------------- orphans


def _age(store: LocalFolderStore, key: str, seconds: float) -> None:
    path = store.root / key[:2] / key
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_orphan_report_and_purge(world, capsys):
    store = get_store()
    kept = _upload(world).document
    lost = _upload(world, samples.png(), slot="photo").document
    lost_key = next(r.storage_key for r in _rows() if r.id == lost.id)
    store.delete(lost_key)  # behind the service's back: a row without its object

    stray_old, stray_new = new_key(), new_key()
    for key in (stray_old, stray_new):
        store.put_stream(key, io.BytesIO(b"left over"), content_type="application/pdf")
    _age(store, stray_old, 7200)

    report = document_orphans.find_orphans()
    assert [o.key for o in report.objects_without_rows] == [stray_old]
    assert [o.key for o in report.recent_objects_without_rows] == [stray_new]
    assert report.rows_without_objects == [(lost.id, lost_key)]
    assert report.rows_checked == 2 and report.objects_checked == 3
    assert not report.consistent
    assert report.as_dict()["rows_without_objects"] == [{"document_id": lost.id, "key": lost_key}]

    assert manage_documents.main(["orphans"]) == 1
    out = capsys.readouterr().out
    assert f"object without row: {stray_old}" in out and f"row without object: document {lost.id}" in out
    assert stray_old in set(store.list_keys()), "a report alone deletes nothing"

    assert document_orphans.purge_orphans(report) == [stray_old]
    remaining = set(store.list_keys())
    assert stray_old not in remaining and stray_new in remaining
    assert kept.id in {d.id for d in documents.list_for_application(world.rep, world.app)}


def test_consistent_store_and_cli(world, capsys):
    _upload(world)
    report = document_orphans.find_orphans()
    assert report.consistent and report.objects_checked == 1
    assert manage_documents.main(["check"]) == 0
    assert manage_documents.main(["orphans", "--json"]) == 0
    assert '"consistent": true' in capsys.readouterr().out
    assert document_orphans.startup_check() is not None


def test_orphan_report_with_storage_unavailable(world, capsys, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    store = LocalFolderStore(blocker / "docs")
    with pytest.raises(StorageUnavailable):
        document_orphans.find_orphans(store=store)
    assert document_orphans.startup_check(store=store) is None


def test_cli_reports_an_unmigrated_database(portal_env, capsys):
    assert manage_documents.main(["orphans"]) == 2
    assert "not migrated" in capsys.readouterr().err
