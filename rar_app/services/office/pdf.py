"""A one-page PDF of text lines (fpdf2): the documents the simulated office issues,
e.g. the IFHP certificate of eligibility.

The standard Helvetica fonts need no font file; they are set to the Windows-1252
encoding, which holds French accents, « », ’ and the no-break space. Any other
character is replaced by « ? » rather than failing the decision. pypdf (which the
upload checks use) reads the text back, so a test can check what was written."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from fpdf import FPDF

MARGIN_MM = 20
ENCODING = "windows-1252"


@dataclasses.dataclass(frozen=True)
class Line:
    text: str
    size: int = 11  # points
    bold: bool = False
    gap: int = 6  # extra space before the line, in points


def _printable(text: str) -> str:
    return text.encode(ENCODING, errors="replace").decode(ENCODING)


def render(title: str, lines: list[Line], *, created: datetime | None = None) -> bytes:
    """The PDF bytes: `title` in the document information, then the lines top to bottom
    (wrapped to the page width; further pages when they do not fit)."""
    doc = FPDF(orientation="portrait", unit="mm", format="letter")
    doc.core_fonts_encoding = ENCODING
    doc.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    doc.set_auto_page_break(auto=True, margin=MARGIN_MM)
    doc.set_title(_printable(title))
    doc.set_producer("RAR Portal (fpdf2)")
    doc.set_creation_date(created or datetime.now(timezone.utc))
    doc.add_page()
    points = 25.4 / 72  # mm per point
    for line in lines:
        doc.ln(line.gap * points)
        doc.set_font("helvetica", style="B" if line.bold else "", size=line.size)
        doc.multi_cell(w=0, h=line.size * 1.25 * points, text=_printable(line.text),
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
