"""Shared pieces of the generic pages after « Révisez vos réponses », for every program:
the rows the states hold (`state/program_rows.py`) shown as tables, and the frame.

The pages themselves are in `program_sign.py` (document checklist, « Votre déclaration
solennelle et votre signature électronique », personal checklist) and `program_payment.py`
(Signature/transmission, payment, receipt, « Félicitations! »). Every page takes the
draft's id in the query, like the question pages: ``?id=<application id>``.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.fee_selector import fee_summary_panel
from rar_app.components.layout import page_template
from rar_app.i18n import t

MODIFIED = "2026-12-04"


# -- components ---------------------------------------------------------------------------


def scroll_region(name: Any) -> dict[str, Any]:
    """Props of a table's wrapper that may scroll sideways on a phone: a named region
    reachable with the keyboard (so it can be scrolled without a pointer)."""
    return {"class_name": "table-wrap", "tab_index": 0, "role": "region", "aria_label": name}

# Pages a program may leave out of, or add to, its finish (Program.finish_pages).
FINISH_CHOICES = ("document_checklist", "checklist", "summary")


def program_pages(name: str, title_key: str, on_load: Any, builder: Any, *, when: Any = None) -> None:
    """Register page `name` for every registered program (for which `when(program)` holds):
    ``builder(lang, program)``, at the program's address for that name."""
    from rar_app.pages.registry import page
    from rar_app.programs import registry

    for program in registry.all_programs():
        if when is not None and not when(program):
            continue
        if name in FINISH_CHOICES and name not in program.finish_pages:
            continue  # a page the program leaves out of its finish (Program.finish_pages)
        page(program.page_id(name), fr=program.path(name, "fr"), en=program.path(name, "en"),
             title_key=program.page_title(name, title_key), on_load=on_load)(lambda lang, p=program: builder(lang, p))


def _caption_key(page_id: str) -> str:
    """The caption names the page's own program (page ids are ``<program code>:<page>``)."""
    from rar_app.programs import registry

    try:
        return registry.get(page_id.split(":", 1)[0]).title_key
    except KeyError:
        return "submit.caption"


def frame(lang: str, page_id: str, title_key: str, state: Any, *children: rx.Component) -> rx.Component:
    """The page template with the questionnaire's caption and the client's file number;
    a "not found" notice replaces the content when the state says so."""
    return page_template(
        lang,
        page_id,
        t(title_key, lang),
        rx.el.p(t(_caption_key(page_id), lang), class_name="lead step-caption"),
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
            # Not the section's own name (its heading): landmarks on a page have distinct names.
            **scroll_region(t("submit.documents_table", lang) + client.heading.to(str)),
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
