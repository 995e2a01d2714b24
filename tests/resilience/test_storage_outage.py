"""S3 unreachable during an upload, against the S3-compatible test server (moto over real
HTTP, tests/integration/conftest.py) behind a proxy this test cuts:

- cut before the upload: a clear FR/EN message, no row and no object; once the server is
  back, the same upload (the retry) is recorded with its object;
- cut at the worst moment — the server stored the object but its answer never came back:
  the upload fails with the same message, no row is written, and the stray object is
  what `python -m rar_app.manage_documents orphans` reports (and purges)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from rar_app import manage_documents
from rar_app.db import session_scope
from rar_app.models import Document
from rar_app.services.casework import document_orphans, documents
from rar_app.storage import StorageUnavailable, get_store
from tests.fixtures.documents import samples
from tests.fixtures.documents.world import make_world
from tests.integration.conftest import (  # noqa: F401  (fixtures: the S3 test server and a fresh bucket)
    S3_TEST_KEY_ID,
    S3_TEST_REGION,
    S3_TEST_SECRET,
    s3_admin_client,
    s3_boto_session,
    s3_bucket,
    s3_server,
)
from tests.resilience.proxy import CuttableProxy

pytestmark = pytest.mark.resilience


@pytest.fixture
def s3_behind_proxy(portal_env, migrated_db, s3_server, s3_bucket):
    proxy = CuttableProxy(urlsplit(s3_server).port).start()
    portal_env(RAR_STORAGE="s3", RAR_S3_BUCKET=s3_bucket, RAR_S3_REGION=S3_TEST_REGION,
               RAR_S3_ENDPOINT_URL=f"http://127.0.0.1:{proxy.port}", RAR_S3_ACCESS_KEY_ID=S3_TEST_KEY_ID,
               RAR_S3_SECRET_ACCESS_KEY=S3_TEST_SECRET)
    try:
        yield proxy
    finally:
        proxy.stop()


def _objects(admin, bucket: str) -> list[str]:
    return [o["Key"] for o in admin.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _rows() -> list[Document]:
    with session_scope() as db:
        return list(db.exec(select(Document)))


def test_upload_while_s3_is_unreachable_then_the_retry(s3_behind_proxy, s3_admin_client, s3_bucket):
    world = make_world()
    data = samples.pdf(marker="outage")
    s3_behind_proxy.cut()
    with pytest.raises(StorageUnavailable) as caught:
        documents.upload(world.rep, world.app, world.applicant1, "passport", "passeport.pdf", io.BytesIO(data))
    assert caught.value.message("fr").startswith("Le service de stockage des documents est momentanément")
    assert "was not saved" in caught.value.message("en")
    assert _rows() == [] and _objects(s3_admin_client, s3_bucket) == []  # nothing recorded without its object

    s3_behind_proxy.restore()
    done = documents.upload(world.rep, world.app, world.applicant1, "passport", "passeport.pdf", io.BytesIO(data))
    (row,) = _rows()
    assert row.id == done.document.id and row.storage_key in get_store().list_keys()
    assert document_orphans.find_orphans(grace_seconds=0).consistent


def test_reply_lost_after_the_object_was_stored_leaves_an_orphan_that_is_reported(
        s3_behind_proxy, s3_admin_client, s3_bucket, capsys):
    world = make_world()
    s3_behind_proxy.cut_at_next_reply()  # the PUT reaches the server; its answer is lost, then S3 is gone
    with pytest.raises(StorageUnavailable) as caught:
        documents.upload(world.rep, world.app, world.applicant1, "passport", "p.pdf",
                         io.BytesIO(samples.pdf(marker="lost")))
    assert "was not saved" in caught.value.message("en")
    assert _rows() == []  # no row points at an object the portal is not sure of
    stray = _objects(s3_admin_client, s3_bucket)
    assert len(stray) == 1, "the server kept the object the portal could not delete"

    s3_behind_proxy.restore()
    capsys.readouterr()
    assert manage_documents.main(["orphans", "--grace-minutes", "0"]) == 1  # inconsistencies found
    out = capsys.readouterr().out
    assert "object without row" in out and stray[0].rsplit("/", 1)[-1] in out
    manage_documents.main(["orphans", "--purge", "--grace-minutes", "0"])  # deletes the stray object
    assert _objects(s3_admin_client, s3_bucket) == []
    assert manage_documents.main(["orphans", "--grace-minutes", "0"]) == 0
    # And the retry of the upload works.
    documents.upload(world.rep, world.app, world.applicant1, "passport", "p.pdf", io.BytesIO(samples.pdf(marker="ok")))
    assert len(_rows()) == 1 and len(_objects(s3_admin_client, s3_bucket)) == 1
