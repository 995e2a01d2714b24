"""Which files the portal accepts, recognised by their content (magic bytes),
never by their name or the type the browser declares.

Accepted formats (what IRCC document checklists need: scans, photos, letters,
forms):

=======  ===================  ====================================================
Format   Stored content type  Checks beyond the signature
=======  ===================  ====================================================
PDF      application/pdf      header `%PDF-` at offset 0 (no prefix: polyglots);
                              opened with pypdf: refused when encrypted/password-
                              protected (any encryption, even "owner password
                              only") or broken/truncated (cannot be parsed, no
                              page)
JPEG     image/jpeg           SOI marker first; an end-of-image marker near the end
PNG      image/png            signature + IHDR first; IEND chunk last
TIFF     image/tiff           classic TIFF header, little- or big-endian (scanners);
                              every IFD inside the file (no loop), with a width,
                              a height and strip or tile offsets inside the file
=======  ===================  ====================================================

Recognised but refused, with a hint: Word documents (.doc, .docx — "save as
PDF"), HEIC/HEIF photos (iPhone — "export as JPEG"). Everything else (GIF,
WebP, ZIP, executables, text, ...) is refused as an unaccepted type.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import BinaryIO

SNIFF_BYTES = 4096  # how much of the start of a file `sniff` needs


@dataclasses.dataclass(frozen=True)
class FileKind:
    code: str
    content_type: str
    extensions: tuple[str, ...]  # first one is canonical
    label: str


PDF = FileKind("pdf", "application/pdf", (".pdf",), "PDF")
JPEG = FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif"), "JPEG")
PNG = FileKind("png", "image/png", (".png",), "PNG")
TIFF = FileKind("tiff", "image/tiff", (".tif", ".tiff"), "TIFF")

ACCEPTED: tuple[FileKind, ...] = (PDF, JPEG, PNG, TIFF)
ACCEPTED_LABELS = ", ".join(k.label for k in ACCEPTED)  # "PDF, JPEG, PNG, TIFF"
# The uploader's `accept` attribute (a convenience for the browser only; the server decides by content).
ACCEPT_ATTRIBUTE = ",".join([k.content_type for k in ACCEPTED] + [e for k in ACCEPTED for e in k.extensions])

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def sniff(head: bytes) -> FileKind | None:
    """The accepted format whose signature `head` (the first bytes) carries, if any."""
    # Readers tolerate a header anywhere in the first 1024 bytes; we do not: a prefix is how
    # a file passes for two formats at once (a polyglot).
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(b"II*\x00") or head.startswith(b"MM\x00*"):
        return TIFF
    return None


def refused_family(head: bytes) -> str | None:
    """Formats we refuse but can name, to tell the person what to do instead."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: .doc (also .xls, .msg)
        return "word"
    if head.startswith(b"PK\x03\x04") and (b"word/" in head or b"[Content_Types].xml" in head):
        return "word"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif"}:
        return "heic"
    return None


def problem(kind: FileKind, fileobj: BinaryIO, size: int) -> str | None:
    """A refusal code when the file's content is unusable despite its signature,
    else None. Reads `fileobj` (seekable) and leaves it at position 0."""
    try:
        if kind is PDF:
            return _pdf_problem(fileobj)
        if kind is PNG:
            return None if _tail(fileobj, size, len(_PNG_IEND)) == _PNG_IEND and size > 33 else "image_broken"
        if kind is JPEG:
            # Cameras sometimes append data after the end-of-image marker: look in the last 64 KB.
            return None if b"\xff\xd9" in _tail(fileobj, size, 64 * 1024) else "image_broken"
        if kind is TIFF:
            return None if _tiff_ok(fileobj, size) else "image_broken"
        return None
    finally:
        fileobj.seek(0)


_TIFF_MAX_IFDS = 256
_TIFF_MAX_ENTRIES = 1024
_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8}


def _tiff_ok(fileobj: BinaryIO, size: int) -> bool:
    """Walk the IFD chain: each directory inside the file, visited once, with an image
    width and height and strip (or tile) offsets that point inside the file."""
    import struct

    fileobj.seek(0)
    header = fileobj.read(8)
    if len(header) < 8:
        return False
    order = "<" if header[:2] == b"II" else ">"
    offset = struct.unpack(order + "I", header[4:8])[0]
    seen: set[int] = set()
    while offset:
        if offset < 8 or offset in seen or len(seen) >= _TIFF_MAX_IFDS or offset + 2 > size:
            return False
        seen.add(offset)
        fileobj.seek(offset)
        (count,) = struct.unpack(order + "H", fileobj.read(2))
        if not 1 <= count <= _TIFF_MAX_ENTRIES or offset + 2 + 12 * count + 4 > size:
            return False
        raw = fileobj.read(12 * count + 4)
        tags: dict[int, tuple[int, int, bytes]] = {}
        for i in range(count):
            tag, kind, n = struct.unpack(order + "HHI", raw[12 * i:12 * i + 8])
            width = _TIFF_TYPE_SIZES.get(kind)
            if width is None:
                return False
            value = raw[12 * i + 8:12 * i + 12]
            if width * n > 4:  # the values live elsewhere: that place must be inside the file
                (where,) = struct.unpack(order + "I", value)
                if where + width * n > size:
                    return False
            tags[tag] = (kind, n, value)
        if 256 not in tags or 257 not in tags:
            return False
        placed = tags.get(273) or tags.get(324)  # StripOffsets or TileOffsets
        if placed is None:
            return False
        kind, n, value = placed
        if n == 1:
            (first,) = struct.unpack(order + ("H" if kind == 3 else "I"), value[:2] if kind == 3 else value)
            if first >= size:
                return False
        (offset,) = struct.unpack(order + "I", raw[12 * count:12 * count + 4])
    return bool(seen)


def _tail(fileobj: BinaryIO, size: int, n: int) -> bytes:
    fileobj.seek(max(0, size - n))
    return fileobj.read(n)


def _pdf_problem(fileobj: BinaryIO) -> str | None:
    from pypdf import PdfReader  # imported on first use: start-up stays light

    fileobj.seek(0)
    pypdf_log = logging.getLogger("pypdf")
    if pypdf_log.level == logging.NOTSET:
        # pypdf warns about every flaw of a damaged upload; the refusal says enough.
        # (Once, for the whole process, unless the operator configured the logger.)
        pypdf_log.setLevel(logging.ERROR)
    try:
        # A file object, not a path: pypdf would read a whole path into memory first.
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted:
            return "pdf_encrypted"
        if len(reader.pages) == 0:
            return "pdf_broken"
        reader.pages[0].mediabox  # noqa: B018 (resolves the first page object)
    except Exception:  # pypdf raises many kinds of error on damaged files
        return "pdf_broken"
    return None
