"""« Trouver la CNP »: a search box under a NOC-code question (Field.finder == "noc"). The
results list titles in the page's language with their code and TEER; « Choisir » puts the
code in the question's field (the question page's own `set_value`) and moves the focus there.

Keyboard: the search box and its button belong to a small form of their own (`search_form`,
placed after the question page's form: forms cannot nest), through the HTML `form`
attribute, so Enter in the box searches instead of sending the question page."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rar_app.i18n import t
from rar_app.services.casework import noc_lookup
from rar_app.state.session import page_lang, require_session


class NocFinderState(rx.State):
    query: str = ""
    results: list[dict[str, str]] = []
    searched: bool = False

    @rx.event
    def set_query(self, value: str):
        self.query = str(value)[:noc_lookup.MAX_QUERY]

    @rx.event
    async def search(self):
        if require_session(self) is None:
            return
        self.results = await asyncio.to_thread(noc_lookup.search, self.query, page_lang(self))
        self.searched = True

    @rx.event
    async def search_form(self, form: dict):
        """Enter in the search box, or the button (the finder's own form). The box is not bound
        to the state (a slow round trip would drop keystrokes): its value comes with the form."""
        typed = next((v for k, v in (form or {}).items() if str(k).endswith("-noc-query") and isinstance(v, str)), "")
        self.query = typed[:noc_lookup.MAX_QUERY]
        await self.search()


def form_id(field_name: str) -> str:
    return f"{field_name}-noc-form"


def search_form(field_name: str) -> rx.Component:
    """The finder's own (empty) form, outside the question page's form."""
    return rx.el.form(id=form_id(field_name), on_submit=NocFinderState.search_form, prevent_default=True,
                      class_name="noc-finder-form")


def noc_finder(lang: str, field_name: str, choose: Any) -> rx.Component:
    """`choose(code)` returns the event that fills the field (the page's set_value)."""
    box = f"{field_name}-noc-query"
    return rx.el.details(
        rx.el.summary(t("noc.find", lang), id=f"{field_name}-noc-toggle"),
        rx.el.div(
            rx.el.label(t("noc.query_label", lang), html_for=box),
            rx.el.p(t("noc.query_hint", lang), class_name="hint", id=f"{box}-hint"),
            rx.el.input(id=box, name=box, type="search", aria_describedby=f"{box}-hint", class_name="input",
                        auto_complete="off", form=form_id(field_name)),
            rx.el.button(t("noc.search", lang), type="submit", class_name="btn btn-secondary",
                         form=form_id(field_name), id=f"{field_name}-noc-search"),
            class_name="field",
        ),
        rx.el.div(
            rx.cond(
                NocFinderState.results.length() > 0,
                rx.el.ul(rx.foreach(NocFinderState.results, lambda r: rx.el.li(
                    rx.el.span(r["code"], " – ", r["title"], " (", t("noc.teer", lang), " ", r["teer"], ")"), " ",
                    rx.el.button(t("noc.choose", lang), type="button", class_name="link-button",
                                 aria_label=t("noc.choose", lang) + " " + r["code"],
                                 on_click=[choose(r["code"]), rx.set_focus(field_name)],
                                 id="noc-choose-" + r["code"]),
                )), class_name="noc-results", id=f"{field_name}-noc-results"),
                rx.cond(NocFinderState.searched, rx.el.p(t("noc.none", lang))),
            ),
            role="status",
        ),
        class_name="noc-finder",
    )
