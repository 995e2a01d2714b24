"""Documents in a local folder: the embedded default.

Layout: `<root>/<first two characters of the key>/<key>`, files 0600 and folders
0700. A write goes to `<root>/.partial/` first and is renamed into place once
complete and flushed to disk, so a failed or interrupted write never leaves a
partial object under its key. The root must lie outside every folder the web
server serves (checked by `rar_app.storage.get_store`).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from rar_app.storage.base import (
    CHUNK_SIZE,
    ObjectNotFound,
    ObjectStream,
    StorageUnavailable,
    StoredObject,
    check_key,
)

PARTIAL_DIR = ".partial"


class LocalFolderStore:
    name = "local"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self._partial = self.root / PARTIAL_DIR

    def __repr__(self) -> str:
        return f"LocalFolderStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def _unavailable(self, exc: OSError, what: str) -> StorageUnavailable:
        err = StorageUnavailable(f"local store {self.root}: {what}: {exc.strerror or exc}")
        err.__cause__ = exc
        return err

    def put_stream(self, key: str, fileobj: BinaryIO, *, content_type: str = "") -> int:
        path = self._path(key)
        try:
            self._partial.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.parent.mkdir(mode=0o700, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=key + ".", dir=self._partial)
        except OSError as exc:
            raise self._unavailable(exc, "cannot create a file") from exc
        tmp = Path(tmp_name)
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := fileobj.read(CHUNK_SIZE):  # reading errors are the caller's, not ours
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise self._unavailable(exc, "write failed") from exc
                    size += len(chunk)
                try:
                    out.flush()
                    os.fsync(out.fileno())
                except OSError as exc:
                    raise self._unavailable(exc, "write failed") from exc
            try:
                os.replace(tmp, path)
                _fsync_dir(path.parent)
            except OSError as exc:
                raise self._unavailable(exc, "cannot move the file into place") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return size

    def open_stream(self, key: str) -> ObjectStream:
        path = self._path(key)
        try:
            fh = open(path, "rb")  # noqa: SIM115 (closed by the ObjectStream)
            size = os.fstat(fh.fileno()).st_size
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        except OSError as exc:
            raise self._unavailable(exc, "cannot open a file") from exc

        def chunks() -> Iterator[bytes]:
            while chunk := fh.read(CHUNK_SIZE):
                yield chunk

        return ObjectStream(chunks(), size, fh.close)

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise self._unavailable(exc, "cannot delete a file") from exc

    def exists(self, key: str) -> bool:
        try:
            os.stat(self._path(key))
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise self._unavailable(exc, "cannot read a file's status") from exc
        return True

    def list_objects(self) -> Iterator[StoredObject]:
        try:
            shards = sorted(p for p in self.root.iterdir() if p.is_dir() and len(p.name) == 2)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise self._unavailable(exc, "cannot list the folder") from exc
        for shard in shards:
            try:
                entries = sorted(shard.iterdir())
            except OSError as exc:
                raise self._unavailable(exc, "cannot list the folder") from exc
            for entry in entries:
                # A stranger file is reported as an object too: the orphan report shows it.
                try:
                    st = entry.stat()
                except FileNotFoundError:
                    continue  # deleted while we listed
                yield StoredObject(entry.name, st.st_size, datetime.fromtimestamp(st.st_mtime, timezone.utc))

    def list_keys(self) -> Iterator[str]:
        return (obj.key for obj in self.list_objects())

    def presigned_url(self, key: str, expires: int, *, filename: str | None = None,
                      content_type: str | None = None) -> str | None:
        return None  # the portal streams local files itself, after its access check

    def check(self) -> None:
        try:
            self._partial.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self._partial, prefix="probe."):
                pass
        except OSError as exc:
            raise self._unavailable(exc, "folder not writable") from exc

    def remove_stale_partials(self, older_than_seconds: float = 3600) -> list[str]:
        """Delete leftovers of writes interrupted by a crash (never a live write:
        only files untouched for `older_than_seconds`). Returns their names."""
        removed: list[str] = []
        try:
            entries = list(self._partial.iterdir())
        except FileNotFoundError:
            return removed
        limit = time.time() - older_than_seconds
        for entry in entries:
            try:
                if entry.stat().st_mtime < limit:
                    entry.unlink()
                    removed.append(entry.name)
            except FileNotFoundError:
                continue
        return removed


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
