"""Shared pieces of the pages after "Révisez vos réponses" (issue 6, part B):
addresses, the rows the states hold, and the components those pages share.

The pages themselves are in `vsw_finish_sign.py` (steps 8–10: document checklist,
solemn declaration and signature, personal checklist) and `vsw_finish_pay.py`
(steps 11–14: Signature/transmission, payment, receipt, congratulations). Every
page takes the draft's id in the query, like the questionnaire's pages:
``?id=<application id>`` (`finish_url`).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from rar_app import routes
from rar_app.components.fee_selector import fee_summary_panel
from rar_app.components.layout import page_template
from rar_app.i18n import t
from rar_app.services.casework import submission

MODIFIED = "2026-11-28"
# Same root as the questionnaire's pages (rar_app/pages/vsw_wizard.py).
BASE = {"fr": "/fr/visa-visiteur-permis-etudes-travail", "en": "/en/visitor-visa-study-work-permit"}


def paths(fr: str, en: str) -> dict[str, str]:
    return {"fr": BASE["fr"] + "/" + fr, "en": BASE["en"] + "/" + en}


def finish_url(page_id: str, lang: str, app_id: int | str) -> str:
    return routes.url(page_id, lang) + "?" + urlencode({"id": app_id})


def query_id(state: rx.State) -> int:
    raw = str(state.router.url.query_parameters.get("id", "") or "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 18 else 0


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


def scroll_region(name: Any) -> dict[str, Any]:
    """Props of a table's wrapper that may scroll sideways on a phone: a named region
    reachable with the keyboard (so it can be scrolled without a pointer)."""
    return {"class_name": "table-wrap", "tab_index": 0, "role": "region", "aria_label": name}


def frame(lang: str, page_id: str, title_key: str, state: Any, *children: rx.Component) -> rx.Component:
    """The page template with the questionnaire's caption and the client's file number;
    a "not found" notice replaces the content when the state says so."""
    return page_template(
        lang,
        page_id,
        t(title_key, lang),
        rx.el.p(t("submit.caption", lang), class_name="lead step-caption"),
        rx.cond(
            state.notice != "",
            rx.el.div(
                rx.el.p(state.notice),
                rx.el.p(rx.el.a(t("submit.back_home", lang), href=routes.url("home", lang))),
                class_name="alert alert-warning",
                role="alert",
                id="finish-notice",
            ),
            rx.cond(
                state.loaded,
                rx.fragment(
                    rx.cond(state.file_number != "", rx.el.p(state.file_number, class_name="file-number")),
                    *children,
                ),
                rx.el.p(t("common.loading", lang), role="status"),
            ),
        ),
        modified=MODIFIED,
    )


def fees_panel(lang: str, state: Any) -> rx.Component:
    return fee_summary_panel(lang, state.fee_lines, state.fee_total, state.fee_warnings)


def checklist_table(lang: str, client: Any, *, heading_level: str = "h3") -> rx.Component:
    """One client's documents: name, required or optional, status and file names."""
    heading = rx.el.h3 if heading_level == "h3" else rx.el.h2
    return rx.el.section(
        heading(client.heading, id="client-" + client.position.to_string() + "-docs-title"),
        rx.el.div(
            rx.el.table(
                rx.el.thead(rx.el.tr(rx.el.th(t("submit.doc_column_document", lang), scope="col"),
                                     rx.el.th(t("submit.doc_column_status", lang), scope="col"))),
                rx.el.tbody(rx.foreach(client.docs, lambda d: rx.el.tr(
                    rx.el.td(
                        rx.el.span(d.label, class_name="doc-label"), " ",
                        rx.el.span("(", d.required_label, ")", class_name="hint"),
                        rx.cond(d.files != "", rx.el.div(d.files, class_name="hint doc-files")),
                    ),
                    rx.el.td(rx.el.strong(d.status, class_name=rx.cond(d.provided, "badge badge-ok", "badge badge-missing"))),
                    id=d.anchor,
                    tab_index=-1,
                ))),
                class_name="doc-checklist",
            ),
            **scroll_region(client.heading),
        ),
        rx.cond(client.no_documents, rx.el.p(t("submit.no_documents", lang), class_name="hint")),
        aria_labelledby="client-" + client.position.to_string() + "-docs-title",
        class_name="client-docs",
    )


def clients_table(lang: str, clients: Any, *, with_numbers: bool = False) -> rx.Component:
    """The clients' information: name, date of birth, application type (and number)."""
    head = [t("submit.client_name", lang), t("submit.client_born", lang), t("submit.client_type", lang)]
    head.append(t("submit.column_number", lang) if with_numbers else t("submit.client_documents", lang))

    def row(c: Any) -> rx.Component:
        last = rx.el.td(rx.el.strong(c.number, class_name="application-number")) if with_numbers else \
            rx.el.td(c.documents_count)
        return rx.el.tr(rx.el.th(c.heading, scope="row"), rx.el.td(c.born), rx.el.td(c.type_label), last)

    return rx.el.div(
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in head])),
            rx.el.tbody(rx.foreach(clients, row)),
            class_name="clients-table",
            id="clients-table",
        ),
        **scroll_region(t("submit.clients_title", lang)),
    )


# A real POST ends the session on the server ("Quitter le questionnaire": everything is saved already).
_SIGN_OUT = (
    "const f=document.createElement('form');f.method='post';f.action='/api/session/signout';"
    "const i=document.createElement('input');i.type='hidden';i.name='lang';i.value='LANG';"
    "f.appendChild(i);document.body.appendChild(f);f.submit();"
)


def sign_out_script(lang: str) -> str:
    return _SIGN_OUT.replace("LANG", lang)
