"""What an upload goes through before it is stored: the display name made safe,
the bytes streamed to an anonymous staging file (hashed, measured, refused as soon
as the size limit is passed), and the format decided by the content."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from rar_app.services.casework.document_errors import _refused, _size_label
from rar_app.settings import get_settings
from rar_app.storage import CHUNK_SIZE, StorageUnavailable, formats

DISPLAY_NAME_MAX = 120
ACCEPTED_LABELS = formats.ACCEPTED_LABELS  # the accepted formats, as the pages word them

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
