"""Rows the generic pages after the review hold (plain, small), built from
`submission.ApplicationView`, and small helpers those states share."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from rar_app.i18n import t
from rar_app.services.casework import submission


# -- rows held by the states (plain, small) --------------------------------------------


@dataclasses.dataclass
class DocRow:
    code: str = ""
    label: str = ""
    required_label: str = ""
    required: bool = False
    provided: bool = False
    status: str = ""
    files: str = ""
    anchor: str = ""


@dataclasses.dataclass
class ClientRow:
    id: int = 0
    position: int = 0
    heading: str = ""
    name: str = ""
    born: str = ""
    type_label: str = ""
    number: str = ""
    documents_count: str = ""
    no_documents: bool = False
    docs: list[DocRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Line:
    text: str = ""
    amount: str = ""


def ottawa_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo("America/Toronto")).date().isoformat()
    except Exception:  # pragma: no cover
        return moment.date().isoformat()


def client_rows(view: submission.ApplicationView, lang: str) -> list[ClientRow]:
    rows = []
    for a in view.applicants:
        docs = [
            DocRow(
                code=i.code,
                label=i.label_en if lang == "en" else i.label_fr,
                required_label=t("submit.doc_required" if i.required else "submit.doc_optional", lang),
                required=i.required,
                provided=i.provided,
                status=t("submit.doc_provided" if i.provided else "submit.doc_missing", lang),
                files=t("submit.doc_files", lang, files=", ".join(i.files)) if i.files else "",
                anchor=f"doc-{a.position}-{i.code}",
            )
            for i in a.checklist
        ]
        heading = (t("submit.client_heading", lang, n=a.position, name=a.name) if a.name
                   else t("submit.client_heading_unnamed", lang, n=a.position))
        rows.append(ClientRow(
            id=a.id, position=a.position, heading=heading, name=a.name,
            born=a.date_of_birth.isoformat() if a.date_of_birth else "",
            type_label=a.type_en if lang == "en" else a.type_fr,
            number=a.application_number or "",
            documents_count=t("submit.documents_count", lang, provided=sum(1 for i in a.checklist if i.provided),
                              total=len(a.checklist)),
            no_documents=not any(not i.required for i in a.checklist),
            docs=docs,
        ))
    return rows


def fee_lines(view: submission.ApplicationView, lang: str) -> tuple[list[Line], str, list[str]]:
    lines = [Line(ln.explanation(lang), submission.money(ln.amount_cents, lang)) for ln in view.fee_lines]
    warnings = [w["en" if lang == "en" else "fr"] for w in view.fee_warnings]
    return lines, submission.money(view.total_cents, lang), warnings


# -- components ---------------------------------------------------------------------------


# A real POST ends the session on the server ("Quitter le questionnaire": everything is saved already).
_SIGN_OUT = (
    "const f=document.createElement('form');f.method='post';f.action='/api/session/signout';"
    "const i=document.createElement('input');i.type='hidden';i.name='lang';i.value='LANG';"
    "f.appendChild(i);document.body.appendChild(f);f.submit();"
)


def sign_out_script(lang: str) -> str:
    return _SIGN_OUT.replace("LANG", lang)
