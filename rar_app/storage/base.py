"""The storage interface every document store implements, and its errors.

A store keeps opaque bytes under server-chosen keys. It knows nothing about
documents, applications or access rules: that is `rar_app.services.casework.documents`.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from datetime import datetime
from typing import BinaryIO, Callable, Iterator, Protocol, runtime_checkable
from urllib.parse import quote

CHUNK_SIZE = 64 * 1024

# Keys are chosen by the server (see `new_key`), never derived from a file name.
# The pattern is what every store accepts: no slash, no dot first, so no path tricks.
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def new_key() -> str:
    """A fresh random object key: 32 hexadecimal characters (128 random bits)."""
    return secrets.token_hex(16)


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition header value safe for any file name (RFC 6266 / 5987)."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename) or "document"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


class StorageError(Exception):
    """Base class of the errors a store raises."""


class ObjectNotFound(StorageError):
    """No object under that key."""


_UNAVAILABLE_FR = {
    "upload": "Votre document n’a pas été enregistré.",
    "download": "Le document ne peut pas être ouvert pour l’instant.",
    "delete": "Le document n’a pas été supprimé.",
}
_UNAVAILABLE_EN = {
    "upload": "Your document was not saved.",
    "download": "The document cannot be opened right now.",
    "delete": "The document was not deleted.",
}


class StorageUnavailable(StorageError):
    """The store cannot be reached or refuses us (network, credentials, bucket,
    disk). Callers show `message(lang)` to the person; `detail` is for the logs
    only (it may name hosts or paths)."""

    code = "storage_unavailable"

    def __init__(self, detail: str = "", *, operation: str = "") -> None:
        super().__init__(detail or "document storage unavailable")
        self.detail = detail
        self.operation = operation

    @property
    def message_fr(self) -> str:
        lead = "Le service de stockage des documents est momentanément inaccessible."
        what = _UNAVAILABLE_FR.get(self.operation, "")
        return " ".join(p for p in (lead, what, "Réessayez dans quelques minutes.") if p)

    @property
    def message_en(self) -> str:
        lead = "Document storage is temporarily unreachable."
        what = _UNAVAILABLE_EN.get(self.operation, "")
        return " ".join(p for p in (lead, what, "Please try again in a few minutes.") if p)

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr

    def for_operation(self, operation: str) -> "StorageUnavailable":
        """The same error, worded for what the person was doing."""
        err = StorageUnavailable(self.detail, operation=operation)
        err.__cause__ = self.__cause__ or self
        return err


@dataclasses.dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    last_modified: datetime  # timezone-aware UTC


class ObjectStream:
    """The bytes of one stored object, opened eagerly (a missing object or an
    unreachable store fails at `open_stream`, before any byte is sent) and read
    lazily in chunks. Iterate it, or use it as a context manager; always closed
    at the end of the iteration."""

    def __init__(self, chunks: Iterator[bytes], size: int | None, close: Callable[[], None]) -> None:
        self._chunks = chunks
        self.size = size
        self._close = close
        self._closed = False

    def __iter__(self) -> "ObjectStream":
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except BaseException:
            self.close()
            raise

    def read_all(self) -> bytes:
        """Whole content in memory: for tests and small files only."""
        return b"".join(self)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> "ObjectStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@runtime_checkable
class DocumentStore(Protocol):
    """What the document service needs from a store.

    - `put_stream` reads `fileobj` to its end in chunks and stores it under
      `key`; it returns the number of bytes stored. It is all-or-nothing: when
      it raises, no object (not even a partial one) is left under `key`.
    - `open_stream` raises ObjectNotFound for a missing key.
    - `delete` is idempotent (deleting a missing key is not an error).
    - `presigned_url` returns a short-lived direct URL, or None when the store
      cannot issue one (the local folder): then the portal streams the bytes.
    - Every method raises StorageUnavailable when the store cannot be reached.
    """

    name: str

    def put_stream(self, key: str, fileobj: BinaryIO, *, content_type: str) -> int: ...

    def open_stream(self, key: str) -> ObjectStream: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def list_objects(self) -> Iterator[StoredObject]: ...

    def list_keys(self) -> Iterator[str]: ...

    def presigned_url(self, key: str, expires: int, *, filename: str | None = None,
                      content_type: str | None = None) -> str | None: ...

    def check(self) -> None:
        """Raise StorageUnavailable unless the store is reachable and writable."""
        ...
