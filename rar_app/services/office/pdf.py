"""A one-page PDF of text lines, written by hand (PDF 1.4, the standard Helvetica fonts,
WinAnsi encoding): enough for the documents the simulated office issues, without a
PDF library. French accents, « », ’ and the no-break space are in WinAnsi; any other
character is replaced by « ? ». The result opens in every reader and in pypdf (which
the upload checks use), so a test can read its text back."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

PAGE_W, PAGE_H = 612, 792  # US Letter, points
MARGIN = 56


@dataclasses.dataclass(frozen=True)
class Line:
    text: str
    size: int = 11
    bold: bool = False
    gap: int = 6  # extra space before the line


def _encode(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrap(line: Line) -> list[str]:
    # Helvetica averages about half its size per character: wrap to the text width.
    width = int((PAGE_W - 2 * MARGIN) / (line.size * 0.5))
    words, out, current = line.text.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) > width and current:
            out.append(current)
            current = word
        else:
            current = candidate
    out.append(current)
    return out


def render(title: str, lines: list[Line], *, created: datetime | None = None) -> bytes:
    """The PDF bytes: `title` in the document information, then the lines top to bottom."""
    ops: list[bytes] = [b"BT"]
    y = PAGE_H - MARGIN
    for line in lines:
        font = b"/F2" if line.bold else b"/F1"
        for i, part in enumerate(_wrap(line)):
            y -= line.size + (line.gap if i == 0 else 2)
            ops.append(font + b" %d Tf 1 0 0 1 %d %d Tm (" % (line.size, MARGIN, y) + _encode(part) + b") Tj")
    ops.append(b"ET")
    stream = b"\n".join(ops)
    when = (created or datetime.now(timezone.utc)).strftime("D:%Y%m%d%H%M%SZ").encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >>"
        b" /Contents 6 0 R >>" % (PAGE_W, PAGE_H),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title (" + _encode(title) + b") /Producer (RAR Portal) /CreationDate (" + when + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)
    return bytes(out)
