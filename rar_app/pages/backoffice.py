"""Back office (role "staff"; staff sign in on the same page as everyone and land here):
the list of every submitted application, with search. Beside it: backoffice_file.py
(one file and its processing actions), backoffice_paper.py (paper applications),
backoffice_outbox.py (the e-mail outbox). Every action goes through
services/office/backoffice_desk.py and services/office/backoffice.py, which check the
actor is staff, audit it and notify the holder of the application; the file's history
is the audit log."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import text_field
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, category_label, status_label, table, type_options, url_with
from rar_app.services.office import backoffice, backoffice_desk, search, simulation
from rar_app.state.session import page_lang, require_session, sign_in_redirect


STAFF = ("staff",)


class BackofficeState(rx.State):
    number: str = ""
    family_name: str = ""
    category: str = ""
    rows: list[dict[str, str]] = []
    summary: str = ""
    has_next: bool = False
    simulation_text: str = ""

    _after: list[str] = []
    _next: str = ""

    @rx.event
    def set_field(self, field: str, value: str):
        if field in ("number", "family_name", "category"):
            setattr(self, field, str(value)[:100])

    async def _show(self, account_id: int, after: str) -> None:
        lang = page_lang(self)
        criteria = search.SearchCriteria(application_number=self.number, family_name=self.family_name,
                                         category=self.category)
        result = await asyncio.to_thread(backoffice_desk.search_files, account_id, criteria, after or None)
        self.rows = [{"number": r.application_number, "name": f"{r.family_name}, {r.given_names}".strip(", "),
                      "category": category_label(r.category, lang), "received": r.date_received,
                      "status": status_label(r.status, lang), "paper": "1" if r.is_paper else "",
                      "href": url_with("backoffice_application", lang, id=r.application_id),
                      "label": t("backoffice.open_for", lang, name=f"{r.given_names} {r.family_name}")}
                     for r in result.rows]
        self.summary = t("search.results_count_capped" if result.total_capped else "search.results_count", lang,
                         count=result.total or 0)
        self._next = result.next_cursor or ""
        self.has_next = bool(result.next_cursor)

    @rx.event
    async def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        running = simulation.status()["running"]  # started with the app when configured
        sim = simulation.simulation_settings()
        lang = page_lang(self)
        self.simulation_text = (t("backoffice.simulation_on", lang, speed=f"{sim.speed:g}") if running and sim.speed
                                else t("backoffice.simulation_off", lang))
        self._after = [""]
        await self._show(info.account_id, "")
        return None

    @rx.event
    async def search(self, _form: dict | None = None):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self._after = [""]
        await self._show(info.account_id, "")
        return rx.set_focus("bo-results")

    @rx.event
    async def show_all(self):
        self.number = self.family_name = self.category = ""
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self._after = [""]
        await self._show(info.account_id, "")
        return rx.set_focus("bo-results")

    @rx.event
    async def next_page(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        if self._next:
            self._after = [*self._after, self._next]
            await self._show(info.account_id, self._next)
        return rx.set_focus("bo-results")


def _links(lang: str) -> rx.Component:
    return rx.el.ul(
        rx.el.li(rx.el.a(t("backoffice.paper_link", lang), href=routes.url("backoffice_paper", lang), id="bo-paper")),
        rx.el.li(rx.el.a(t("backoffice.outbox_link", lang), href=routes.url("backoffice_outbox", lang), id="bo-outbox")),
        rx.el.li(rx.el.a(t("enrol_docs.office_link", lang), href=routes.url("backoffice_enrolment_documents", lang),
                         id="bo-enrolment-documents")),
        rx.el.li(rx.el.a(t("pools.rounds_link", lang), href=routes.url("pool_rounds", lang), id="bo-rounds")),
        rx.el.li(rx.el.a(t("reviews.link", lang), href=routes.url("backoffice_reviews", lang), id="bo-reviews")),
        rx.el.li(rx.el.a(t("refunds.link", lang), href=routes.url("backoffice_refunds", lang), id="bo-refunds")),
        class_name="action-list",
    )


@page("backoffice", fr="/fr/arriere-guichet", en="/en/back-office", title_key="backoffice.title", roles=STAFF,
      on_load=BackofficeState.load)
def backoffice_page(lang: str) -> rx.Component:
    body = rx.el.tbody(rx.foreach(BackofficeState.rows, lambda r: rx.el.tr(
        rx.el.td(r["number"], rx.cond(r["paper"] != "", rx.fragment(" ", rx.el.span(t("search.paper", lang),
                                                                               class_name="badge")))),
        rx.el.td(r["name"]), rx.el.td(r["category"]), rx.el.td(r["received"]), rx.el.td(r["status"]),
        rx.el.td(rx.el.a(t("backoffice.open", lang), href=r["href"], aria_label=r["label"])),
    )))
    return page_template(
        lang, "backoffice", t("backoffice.title", lang),
        rx.el.p(t("backoffice.intro", lang)),
        rx.el.p(BackofficeState.simulation_text, class_name="hint", id="bo-simulation"),
        _links(lang),
        rx.el.section(
            rx.el.h2(t("backoffice.search_heading", lang)),
            rx.el.form(
                text_field(lang, "bo-number", t("search.application_number", lang), BackofficeState.number,
                           lambda v: BackofficeState.set_field("number", v), rx.Var.create(""), required=False),
                text_field(lang, "bo-family", t("search.family_name", lang), BackofficeState.family_name,
                           lambda v: BackofficeState.set_field("family_name", v), rx.Var.create(""), required=False),
                rx.el.div(
                    rx.el.label(t("search.category", lang), html_for="bo-category"),
                    rx.el.select(*type_options(lang, "search.all_categories"), id="bo-category", name="bo-category",
                                 value=BackofficeState.category,
                                 on_change=lambda v: BackofficeState.set_field("category", v), class_name="input"),
                    class_name="field",
                ),
                rx.el.div(
                    rx.el.button(t("backoffice.search", lang), type="submit", class_name="btn btn-primary",
                                 id="bo-search"),
                    rx.el.button(t("backoffice.all", lang), type="button", class_name="btn btn-secondary",
                                 on_click=BackofficeState.show_all, id="bo-all"),
                    class_name="nav-bar",
                ),
                on_submit=BackofficeState.search,
                prevent_default=True,
                no_validate=True,
            ),
        ),
        rx.el.section(
            rx.el.h2(t("backoffice.results", lang), id="bo-results", tab_index=-1),
            rx.el.p(BackofficeState.summary, role="status"),
            table([t(f"backoffice.col_{c}", lang) for c in ("number", "client", "category", "received", "status",
                                                            "action")],
                  body, caption=t("backoffice.results", lang), table_id="bo-table"),
            rx.cond(BackofficeState.has_next,
                    rx.el.div(rx.el.button(t("search.next_page", lang), type="button", class_name="btn btn-secondary",
                                           on_click=BackofficeState.next_page, id="bo-next"), class_name="nav-bar")),
        ),
        modified=MODIFIED,
    )
