"""Document storage: one interface (`DocumentStore`), two implementations.

- `LocalFolderStore(root)`: the embedded default, `RAR_STORAGE=local`,
  folder `RAR_STORAGE_DIR` (default `<RAR_DATA_DIR>/documents`).
- `S3Store(bucket, ...)`: `RAR_STORAGE=s3` with `RAR_S3_BUCKET`,
  `RAR_S3_REGION`, `RAR_S3_ENDPOINT_URL` (S3-compatible servers),
  `RAR_S3_ACCESS_KEY_ID`, `RAR_S3_SECRET_ACCESS_KEY`.

`get_store(settings)` builds the configured one. Stores keep opaque bytes under
random server-chosen keys; rules about documents (who may read them, what is
accepted) live in `rar_app.services.casework.documents`. See README.md in this folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from rar_app.settings import REPO_ROOT, ConfigurationError, Settings
from rar_app.storage.base import (
    CHUNK_SIZE,
    DocumentStore,
    ObjectNotFound,
    ObjectStream,
    StorageError,
    StorageUnavailable,
    StoredObject,
    check_key,
    content_disposition,
    new_key,
)
from rar_app.storage.local import LocalFolderStore

__all__ = [
    "CHUNK_SIZE",
    "DocumentStore",
    "LocalFolderStore",
    "ObjectNotFound",
    "ObjectStream",
    "S3Store",
    "StorageError",
    "StorageUnavailable",
    "StoredObject",
    "check_key",
    "content_disposition",
    "get_store",
    "new_key",
    "served_folders",
]


def __getattr__(name: str):  # S3Store imports boto3 (slow): only when asked for
    if name == "S3Store":
        from rar_app.storage.s3 import S3Store

        return S3Store
    raise AttributeError(name)


def served_folders() -> list[Path]:
    """Folders the web server publishes: documents must never be stored inside one.
    Reflex serves `assets/` (copied into `.web/public`) and its upload folder at `/_upload`."""
    upload_dir = Path(os.environ.get("REFLEX_UPLOADED_FILES_DIR", "uploaded_files"))
    folders = [REPO_ROOT / "assets", REPO_ROOT / ".web", REPO_ROOT / "uploaded_files"]
    folders.append(upload_dir if upload_dir.is_absolute() else Path.cwd() / upload_dir)
    return [f.resolve() for f in folders]


def ensure_not_served(root: Path) -> None:
    root = Path(root).resolve()
    for folder in served_folders():
        if root == folder or folder in root.parents:
            raise ConfigurationError(
                f"RAR_STORAGE_DIR ({root}) lies inside {folder}, which the web server publishes; "
                "choose a folder outside it (the default is <RAR_DATA_DIR>/documents)."
            )


_last: tuple[Settings, DocumentStore] | None = None


def get_store(settings: Settings | None = None) -> DocumentStore:
    """The store the settings describe (the last one built is reused)."""
    global _last
    if settings is None:
        from rar_app.settings import get_settings

        settings = get_settings()
    if _last is None or _last[0] != settings:
        _last = (settings, _build(settings))
    return _last[1]


def _build(settings: Settings) -> DocumentStore:
    if settings.storage_backend == "s3":
        from rar_app.storage.s3 import S3Store

        return S3Store(
            settings.s3_bucket or "",
            region=settings.s3_region,
            endpoint_url=settings.s3_endpoint_url,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    ensure_not_served(settings.storage_dir)
    return LocalFolderStore(settings.storage_dir)
