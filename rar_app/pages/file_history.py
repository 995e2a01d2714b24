"""« Historique du dossier »: the audit trail of one application — who did what, when,
from where — for the representative who holds it (or the client who took it over).
Newest first, 20 a page, as cards (services/audit_views.file_history checks the holder)."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app.components.layout import page_template
from rar_app.i18n import t
from rar_app.pages.audit_common import action_label, entry_card, when, who_label
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, keep_query_in_toggle, query_param
from rar_app.services import audit_views, transactions
from rar_app.services.office.search import NotFound
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

ROLES = ("representative", "client")


class FileHistoryState(rx.State):
    entries: list[dict[str, str]] = []
    found: bool = True
    loaded: bool = False
    page_number: int = 0
    has_next: bool = False

    async def _show(self, account_id: int) -> None:
        lang = page_lang(self)
        try:
            result = await asyncio.to_thread(transactions.run, audit_views.file_history, account_id,
                                             query_param(self, "id", 20), page=self.page_number, ip=client_ip(self))
        except NotFound:
            self.found, self.entries, self.has_next = False, [], False
            return
        self.found = True
        self.entries = [{"id": str(e.id), "action": action_label(e.action, lang), "who": who_label(e, lang),
                         "at": when(e.at), "iso": e.at.isoformat() if e.at else "", "ip": e.ip}
                        for e in result.entries]
        self.has_next = result.has_next

    @rx.event
    async def load(self):
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        self.page_number = 0
        await self._show(info.account_id)
        self.loaded = True
        return keep_query_in_toggle()

    @rx.event
    async def next_page(self):
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        if self.has_next:
            self.page_number += 1
        await self._show(info.account_id)
        return rx.set_focus("history-heading")

    @rx.event
    async def previous_page(self):
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        self.page_number = max(0, self.page_number - 1)
        await self._show(info.account_id)
        return rx.set_focus("history-heading")


@page("file_history", fr="/fr/historique-du-dossier", en="/en/file-history", title_key="history.title",
      roles=ROLES, on_load=FileHistoryState.load)
def file_history_page(lang: str) -> rx.Component:
    return page_template(
        lang, "file_history", t("history.title", lang),
        rx.el.p(t("history.intro", lang)),
        rx.cond(
            FileHistoryState.found,
            rx.el.section(
                rx.el.h2(t("history.entries", lang), id="history-heading", tab_index=-1),
                rx.el.p(t("history.page", lang), " ", FileHistoryState.page_number + 1, id="history-page",
                        role="status"),
                rx.cond(FileHistoryState.entries.length() > 0,
                        rx.el.ol(rx.foreach(FileHistoryState.entries, lambda e: entry_card(lang, e)),
                                 id="history", class_name="card-list"),
                        rx.cond(FileHistoryState.loaded, rx.el.p(t("history.none", lang), id="history-none"))),
                rx.el.div(
                    rx.cond(FileHistoryState.page_number > 0,
                            rx.el.button(t("history.previous_page", lang), type="button", class_name="btn btn-secondary",
                                         on_click=FileHistoryState.previous_page, id="history-previous")),
                    rx.cond(FileHistoryState.has_next,
                            rx.el.button(t("history.next_page", lang), type="button", class_name="btn btn-secondary",
                                         on_click=FileHistoryState.next_page, id="history-next")),
                    class_name="nav-bar",
                ),
            ),
            rx.el.p(t("history.not_found", lang), id="history-not-found", class_name="alert alert-warning"),
        ),
        modified=MODIFIED,
    )
