"""The S3 store against an S3-compatible server (moto) on 127.0.0.1 over real HTTP."""

from __future__ import annotations

import io
import socket
import time

import httpx
import pytest
from sqlmodel import select

from rar_app import manage_documents
from rar_app.db import session_scope
from rar_app.models import Document
from rar_app.services.casework import document_links, document_orphans, documents
from rar_app.storage import ObjectNotFound, StorageUnavailable, get_store, new_key
from rar_app.storage.s3 import S3Store
from tests.fixtures.documents import samples
from tests.fixtures.documents.store_contract import check_store_contract
from tests.fixtures.documents.world import make_world


def test_s3_store_contract(s3_store):
    check_store_contract(s3_store)


def test_objects_are_encrypted_server_side_and_typed(s3_store):
    key = new_key()
    s3_store.put_stream(key, io.BytesIO(samples.png()), content_type="image/png")
    head = s3_store.head(key)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "image/png"
    raw = s3_store.client.list_objects_v2(Bucket=s3_store.bucket)["Contents"]
    assert [o["Key"] for o in raw] == [f"documents/{key}"], "objects live under the prefix"


def test_objects_outside_the_prefix_are_ignored(s3_store):
    s3_store.client.put_object(Bucket=s3_store.bucket, Key="backups/other.txt", Body=b"not ours")
    key = new_key()
    s3_store.put_stream(key, io.BytesIO(b"x"), content_type="application/pdf")
    assert list(s3_store.list_keys()) == [key]


def test_presigned_url_serves_the_object(s3_store):
    key = new_key()
    data = samples.pdf()
    s3_store.put_stream(key, io.BytesIO(data), content_type="application/pdf")
    url = s3_store.presigned_url(key, 60, filename="Relevé été.pdf", content_type="application/pdf")
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200 and response.content == data
    assert "filename*=UTF-8''Relev%C3%A9%20%C3%A9t%C3%A9.pdf" in response.headers["content-disposition"]
    assert "X-Amz-Expires=60" in url


def test_endpoint_url_uses_checksums_only_when_required(s3_store):
    cfg = s3_store.client.meta.config
    assert cfg.request_checksum_calculation == "when_required"
    assert cfg.response_checksum_validation == "when_required"
    assert cfg.s3["addressing_style"] == "path"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_is_storage_unavailable_quickly(s3_credentials):
    store = S3Store("rar-docs", endpoint_url=f"http://127.0.0.1:{_closed_port()}", max_attempts=1,
                    connect_timeout=2, **s3_credentials)
    started = time.monotonic()
    calls = [
        lambda: store.put_stream(new_key(), io.BytesIO(b"data"), content_type="application/pdf"),
        lambda: store.open_stream(new_key()),
        lambda: store.exists(new_key()),
        lambda: store.delete(new_key()),
        lambda: list(store.list_keys()),
        store.check,
    ]
    for call in calls:
        with pytest.raises(StorageUnavailable) as caught:
            call()
        assert caught.value.message("fr").startswith("Le service de stockage des documents est momentanément")
        assert caught.value.message("en").startswith("Document storage is temporarily unreachable")
    assert time.monotonic() - started < 10


def test_missing_bucket(s3_server, s3_store, s3_credentials):
    missing = S3Store("no-such-bucket-rar", endpoint_url=s3_server, max_attempts=1, **s3_credentials)
    with pytest.raises(StorageUnavailable, match="NoSuchBucket|404"):
        missing.check()
    with pytest.raises(StorageUnavailable):
        missing.put_stream(new_key(), io.BytesIO(b"x"), content_type="application/pdf")
    with pytest.raises(ObjectNotFound):
        s3_store.open_stream(new_key())


# --------------------------------------------------------------------------- the service on S3


def test_document_service_on_s3(s3_portal_env, migrated_db):
    world = make_world()
    store = get_store()
    assert isinstance(store, S3Store)
    data = samples.pdf(pad_to=1_500_000)
    doc = documents.upload(world.rep, world.app, world.applicant1, "passport", "passeport.pdf",
                           io.BytesIO(data)).document
    with session_scope() as db:
        key = db.exec(select(Document.storage_key)).one()
    assert store.head(key)["ServerSideEncryption"] == "AES256"

    _info, stream = documents.open_for_download(world.rep, doc.id)
    assert stream.read_all() == data
    token = document_links.issue_download_token(world.rep, doc.id)
    assert document_links.open_with_token(token, world.rep)[1].read_all() == data
    with pytest.raises(documents.NotFound):
        documents.open_for_download(world.other_rep, doc.id)

    url = documents.presigned_download_url(world.rep, doc.id, ttl=30)
    assert httpx.get(url, timeout=10).content == data

    # Orphans: a stray object; grace 0 so it counts although it is new.
    stray = new_key()
    store.put_stream(stray, io.BytesIO(b"stray"), content_type="application/pdf")
    report = document_orphans.find_orphans(grace_seconds=0)
    assert [o.key for o in report.objects_without_rows] == [stray] and report.rows_without_objects == []
    assert manage_documents.main(["orphans", "--purge", "--grace-minutes", "0"]) == 0
    assert set(store.list_keys()) == {key}

    documents.remove(world.rep, doc.id)
    assert list(store.list_keys()) == []
    assert document_orphans.find_orphans().consistent


def test_upload_with_s3_unreachable_leaves_nothing(s3_portal_env, migrated_db):
    s3_portal_env(RAR_S3_ENDPOINT_URL=f"http://127.0.0.1:{_closed_port()}")
    world = make_world()
    with pytest.raises(StorageUnavailable) as caught:
        documents.upload(world.rep, world.app, None, "passport", "p.pdf", io.BytesIO(samples.pdf()))
    assert caught.value.operation == "upload" and "was not saved" in caught.value.message("en")
    with session_scope() as db:
        assert db.exec(select(Document)).all() == []
    assert manage_documents.main(["check"]) == 2
