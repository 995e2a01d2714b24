"""Rechercher les demandes soumises / Rechercher toutes les demandes.

The state holds the criteria and one page of rows; the cursor of each page start
stays on the server (`_cursors`), so "Page suivante" and "Page précédente" cost one
indexed query each, whatever the number of applications (services/search.py)."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.pages.status_common import (
    MODIFIED,
    category_label,
    notice_box,
    status_label,
    status_url,
    table,
    type_options,
)
from rar_app.services.office import search as search_service
from rar_app.services import transactions
from rar_app.state.session import page_lang, require_session, sign_in_redirect

FIELDS = ("application_number", "family_name", "given_names", "uci", "client_file_number")


def _run(account_id: int, criteria: search_service.SearchCriteria, after: str | None):
    return transactions.run(search_service.search, account_id, criteria, after=after)


class SearchState(rx.State):
    application_number: str = ""
    family_name: str = ""
    given_names: str = ""
    uci: str = ""
    client_file_number: str = ""
    category: str = ""
    uci_error: str = ""
    errors: list[dict[str, str]] = []
    rows: list[dict[str, str]] = []
    searched: bool = False
    total: int = 0
    page_number: int = 1
    has_next: bool = False
    notice: str = ""
    summary: str = ""

    _cursors: list[str] = []  # the `after` cursor of each page shown so far ("" for page 1)
    _next: str = ""
    _criteria: dict[str, str] = {}

    @rx.event
    def set_field(self, field: str, value: str):
        if field in FIELDS:
            setattr(self, field, str(value)[:100])

    @rx.event
    def set_category(self, value: str):
        self.category = str(value)[:40]

    def _reset_results(self) -> None:
        self.rows, self.searched, self.total, self.page_number, self.has_next = [], False, 0, 1, False
        self._cursors, self._next, self.errors, self.uci_error, self.notice = [], "", [], "", ""

    @rx.event
    async def load(self):
        """on_load: the search page starts empty; "Rechercher toutes les demandes" lists everything."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        self._reset_results()
        found = routes.find(self.router.url.path or "")
        if found and found[0].page_id == "search_all":
            for f in FIELDS:
                setattr(self, f, "")
            self.category = ""
            self._criteria = {}
            return await self._show(info.account_id, "")
        return None

    def _criteria_obj(self) -> search_service.SearchCriteria:
        return search_service.SearchCriteria(**self._criteria)

    async def _show(self, account_id: int, after: str):
        lang = page_lang(self)
        try:
            result = await asyncio.to_thread(_run, account_id, self._criteria_obj(), after or None)
        except search_service.NotFound:
            return sign_in_redirect(self)
        self.rows = [self._row(r, lang) for r in result.rows]
        self.total = int(result.total or 0)
        self._next = result.next_cursor or ""
        self.has_next = bool(result.next_cursor)
        self.searched = True
        count = t("search.results_count_capped" if result.total_capped else "search.results_count", lang,
                  count=f"{self.total:,}".replace(",", "\u00a0" if lang == "fr" else ","))
        self.summary = count + " · " + t("search.page_of", lang, page=self.page_number)
        return None

    @staticmethod
    def _row(r: search_service.SearchRow, lang: str) -> dict[str, str]:
        name = f"{r.family_name}, {r.given_names}".strip(", ")
        return {
            "number": r.application_number,
            "name": name,
            "birth": r.date_of_birth,
            "category": category_label(r.category, lang),
            "received": r.date_received,
            "status": status_label(r.status, lang),
            "role": "" if r.principal else t("search.dependant", lang),
            "paper": t("search.paper", lang) if r.is_paper else "",
            "href": status_url(r.application_number, lang),
            "action_label": t("search.check_status_for", lang, name=name or r.application_number),
        }

    @rx.event
    async def submit(self, _form: dict | None = None):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self._reset_results()
        criteria = {f: getattr(self, f).strip() for f in FIELDS}
        criteria["category"] = self.category.strip()
        if self.uci.strip() and len(search_service.uci_key(self.uci)) not in (8, 10):
            self.uci_error = t("search.error_uci", lang)
            self.errors = [{"field": "uci", "message": self.uci_error}]
            return rx.set_focus("error-summary")
        # The guide: enter what you know, then « Rechercher toutes les demandes »; with no
        # criterion at all, every submitted application on the account is listed.
        self._criteria = {k: v for k, v in criteria.items() if v}
        self._cursors = [""]
        redirect = await self._show(info.account_id, "")
        return redirect or rx.set_focus("results-heading")

    @rx.event
    def clear(self):
        for f in FIELDS:
            setattr(self, f, "")
        self.category = ""
        self._reset_results()

    @rx.event
    async def next_page(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        if not self._next:
            return None
        if not self._cursors:
            self._cursors = [""]
        self._cursors = [*self._cursors, self._next]
        self.page_number = len(self._cursors)
        redirect = await self._show(info.account_id, self._next)
        return redirect or rx.set_focus("results-heading")

    @rx.event
    async def previous_page(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        if len(self._cursors) <= 1:
            return None
        self._cursors = self._cursors[:-1]
        self.page_number = len(self._cursors)
        redirect = await self._show(info.account_id, self._cursors[-1])
        return redirect or rx.set_focus("results-heading")


def category_options(lang: str) -> list[rx.Component]:
    return type_options(lang, "search.all_categories")


def results(lang: str) -> rx.Component:
    body = rx.el.tbody(
        rx.foreach(
            SearchState.rows,
            lambda r: rx.el.tr(
                rx.el.td(r["number"], rx.cond(r["paper"] != "", rx.fragment(" ", rx.el.span(r["paper"], class_name="badge")))),
                rx.el.td(r["name"], rx.cond(r["role"] != "", rx.fragment(" ", rx.el.span(r["role"], class_name="badge")))),
                rx.el.td(r["birth"]),
                rx.el.td(r["category"]),
                rx.el.td(r["received"]),
                rx.el.td(r["status"]),
                rx.el.td(rx.el.a(t("search.check_status", lang), href=r["href"], aria_label=r["action_label"])),
            ),
        )
    )
    return rx.cond(
        SearchState.searched,
        rx.el.section(
            rx.el.h2(t("search.results", lang), id="results-heading", tab_index=-1),
            rx.el.p(SearchState.summary, role="status", id="results-count"),
            rx.cond(
                SearchState.total > 0,
                table([t(f"search.col_{c}", lang) for c in
                       ("number", "client", "birth", "category", "received", "status", "action")],
                      body, caption=t("search.results", lang), table_id="results"),
                rx.el.p(t("search.no_results", lang), id="no-results"),
            ),
            rx.el.div(
                rx.cond(SearchState.page_number > 1,
                        rx.el.button(t("search.previous_page", lang), type="button", class_name="btn btn-secondary",
                                     on_click=SearchState.previous_page, id="previous-page")),
                rx.cond(SearchState.has_next,
                        rx.el.button(t("search.next_page", lang), type="button", class_name="btn btn-secondary",
                                     on_click=SearchState.next_page, id="next-page")),
                class_name="nav-bar",
            ),
            id="search-results",
        ),
    )


def search_form(lang: str) -> rx.Component:
    def field(name: str, hint: bool = False, error=None) -> rx.Component:
        return text_field(lang, name, t(f"search.{name}", lang), getattr(SearchState, name),
                          lambda v: SearchState.set_field(name, v), error if error is not None else rx.Var.create(""),
                          required=False, hint=t(f"search.{name}_hint", lang) if hint else None)

    return rx.el.form(
        field("application_number", hint=True),
        field("family_name", hint=True),
        field("given_names"),
        field("uci", hint=True, error=SearchState.uci_error),
        field("client_file_number"),
        rx.el.div(
            rx.el.label(t("search.category", lang), html_for="category"),
            rx.el.select(*category_options(lang), id="category", name="category", value=SearchState.category,
                         on_change=SearchState.set_category, class_name="input"),
            class_name="field",
        ),
        rx.el.div(
            rx.el.button(t("search.search_all", lang), type="submit", class_name="btn btn-primary", id="search-submit"),
            rx.el.a(t("wayfinding.show_all", lang), href=routes.url("search_all", lang), class_name="btn btn-secondary",
                    id="search-all"),
            rx.el.button(t("search.clear", lang), type="button", class_name="btn btn-secondary",
                         on_click=SearchState.clear, id="search-clear"),
            class_name="nav-bar",
        ),
        on_submit=SearchState.submit,
        prevent_default=True,
        no_validate=True,
        id="search-form",
    )


@page("search", fr="/fr/rechercher-demandes-soumises", en="/en/search-submitted-applications",
      title_key="search.title", on_load=SearchState.load)
def search_page(lang: str) -> rx.Component:
    return page_template(
        lang, "search", t("search.title", lang),
        rx.el.p(t("search.intro", lang)),
        error_summary(lang, SearchState.errors),
        notice_box(SearchState.notice),
        search_form(lang),
        results(lang),
        modified=MODIFIED,
    )


@page("search_all", fr="/fr/rechercher-toutes-les-demandes", en="/en/search-all-applications",
      title_key="search.title_all", on_load=SearchState.load)
def search_all_page(lang: str) -> rx.Component:
    return page_template(
        lang, "search_all", t("search.title_all", lang),
        rx.el.p(t("search.intro_all", lang)),
        rx.el.p(rx.el.a(t("search.title", lang), href=routes.url("search", lang))),
        results(lang),
        modified=MODIFIED,
    )
