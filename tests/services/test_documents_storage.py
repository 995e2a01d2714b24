"""The local-folder store, and choosing a store from the settings."""

from __future__ import annotations

import io
import os
import stat
import time

import pytest

from rar_app.settings import REPO_ROOT, ConfigurationError, get_settings
from rar_app.storage import LocalFolderStore, S3Store, StorageUnavailable, get_store, new_key
from rar_app.storage.local import PARTIAL_DIR
from tests.fixtures.documents.store_contract import BreaksAfter, check_store_contract


def test_local_store_contract(tmp_path):
    check_store_contract(LocalFolderStore(tmp_path / "docs"))


def test_local_layout_and_permissions(tmp_path):
    store = LocalFolderStore(tmp_path / "docs")
    key = new_key()
    store.put_stream(key, io.BytesIO(b"%PDF-1.7 ..."), content_type="application/pdf")
    path = tmp_path / "docs" / key[:2] / key
    assert path.read_bytes() == b"%PDF-1.7 ..."
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert list((tmp_path / "docs" / PARTIAL_DIR).iterdir()) == [], "no partial file left behind"


def test_failed_write_leaves_no_partial_file(tmp_path):
    store = LocalFolderStore(tmp_path / "docs")
    with pytest.raises(ConnectionResetError):
        store.put_stream(new_key(), BreaksAfter(100_000), content_type="application/pdf")
    assert list((tmp_path / "docs" / PARTIAL_DIR).iterdir()) == []
    assert list(store.list_keys()) == []


def test_unusable_folder_is_storage_unavailable(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    store = LocalFolderStore(blocker)
    with pytest.raises(StorageUnavailable) as caught:
        store.put_stream(new_key(), io.BytesIO(b"data"), content_type="application/pdf")
    assert "stockage des documents" in caught.value.message("fr")
    assert "Document storage" in caught.value.message("en")
    assert str(blocker) not in caught.value.message("fr"), "paths stay in the logs"
    with pytest.raises(StorageUnavailable):
        store.check()


def test_stale_partials_are_removed_but_live_ones_kept(tmp_path):
    store = LocalFolderStore(tmp_path / "docs")
    store.check()
    partial = tmp_path / "docs" / PARTIAL_DIR
    old, fresh = partial / "old.tmp", partial / "fresh.tmp"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert store.remove_stale_partials(3600) == ["old.tmp"]
    assert fresh.exists()


def test_get_store_follows_settings(portal_env, tmp_path):
    store = get_store()
    assert isinstance(store, LocalFolderStore)
    assert store.root == get_settings().data_dir / "documents"
    assert get_store() is store, "built once"

    portal_env(RAR_STORAGE="s3", RAR_S3_BUCKET="rar-docs", RAR_S3_REGION="ca-central-1",
               RAR_S3_ENDPOINT_URL="http://127.0.0.1:9", RAR_S3_ACCESS_KEY_ID="k", RAR_S3_SECRET_ACCESS_KEY="s")
    s3 = get_store()
    assert isinstance(s3, S3Store) and s3.bucket == "rar-docs"
    cfg = s3.client.meta.config
    assert cfg.request_checksum_calculation == "when_required"
    assert cfg.response_checksum_validation == "when_required"
    assert s3.client.meta.region_name == "ca-central-1"


def test_aws_keeps_boto3_checksum_defaults(portal_env):
    portal_env(RAR_STORAGE="s3", RAR_S3_BUCKET="rar-docs", RAR_S3_REGION="ca-central-1",
               RAR_S3_ACCESS_KEY_ID="k", RAR_S3_SECRET_ACCESS_KEY="s")
    cfg = get_store().client.meta.config
    assert cfg.request_checksum_calculation != "when_required"
    assert cfg.response_checksum_validation != "when_required"


@pytest.mark.parametrize("inside", ["assets/documents", "uploaded_files", ".web/public/docs"])
def test_documents_never_stored_in_a_served_folder(portal_env, inside):
    portal_env(RAR_STORAGE_DIR=str(REPO_ROOT / inside))
    with pytest.raises(ConfigurationError, match="publishes"):
        get_store()
