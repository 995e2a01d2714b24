"""Rows the generic pages after the review hold (plain, small), built from
`submission.ApplicationView`, and small helpers those states share."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rar_app.i18n import t
from rar_app.services.casework import submission
from rar_app.state.program_nav import query_id
from rar_app.state.session import require_session, sign_in_redirect


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


@dataclasses.dataclass
class AnswerRow:
    label: str = ""
    value: str = ""


@dataclasses.dataclass
class AnswerGroup:
    heading: str = ""
    rows: list[AnswerRow] = dataclasses.field(default_factory=list)


def answer_groups(said: tuple, lang: str) -> list[AnswerGroup]:
    """The restated answers (`restated.Said`), grouped as the review groups them."""
    groups: list[AnswerGroup] = []
    for line in said:
        heading = line.group or t("wizard.review_general", lang)
        if not groups or groups[-1].heading != heading:
            groups.append(AnswerGroup(heading, []))
        groups[-1].rows.append(AnswerRow(line.label, line.value))
    return groups


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


# -- opening a page after the review ------------------------------------------------------


def open_view(state: Any, lang: str, *, before: Callable[[int, int], Any] | None = None
              ) -> tuple[Any, submission.ApplicationView | None, Any]:
    """(session, view, event) for the draft in the query (``?id=``), read as the signed-in
    representative (the service checks ownership again): view None with an event when the
    visitor must sign in, view None and the « not found » notice when the draft is not theirs.
    `before(account_id, app_id)` runs first (payment: settle a stale attempt). On success the
    state's common row fields are filled (`fill_rows`)."""
    info = require_session(state)
    if info is None:
        return None, None, sign_in_redirect(state)
    state.app_id = query_id(state) or state.app_id
    try:
        if before is not None:
            before(info.account_id, state.app_id)
        view = submission.view(info.account_id, state.app_id)
    except submission.NotFound:
        state.notice = t("submit.not_found", lang)
        state.loaded = True
        return info, None, None
    fill_rows(state, view, lang)
    return info, view, None


def fill_rows(state: Any, view: submission.ApplicationView, lang: str) -> None:
    """The fields every page after the review shows: status, file number, clients, fees."""
    state.status = view.status
    state.file_number = (t("submit.file_number", lang, number=view.client_file_number)
                         if view.client_file_number else "")
    state.clients = client_rows(view, lang)
    state.fee_lines, state.fee_total, state.fee_warnings = fee_lines(view, lang)
    state.has_fees = view.total_cents > 0


# -- components ---------------------------------------------------------------------------


# A real POST ends the session on the server ("Quitter le questionnaire": everything is saved already).
_SIGN_OUT = (
    "const f=document.createElement('form');f.method='post';f.action='/api/session/signout';"
    "const i=document.createElement('input');i.type='hidden';i.name='lang';i.value='LANG';"
    "f.appendChild(i);document.body.appendChild(f);f.submit();"
)


def sign_out_script(lang: str) -> str:
    return _SIGN_OUT.replace("LANG", lang)
