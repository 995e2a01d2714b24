"""Messages pour le compte: the representative's own inbox — the "File des
représentants", searchable by Catégorie and Détails — and one message (marked read
when opened). Application messages are on each application's status page."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.pages.status_common import (
    MODIFIED,
    keep_query_in_toggle,
    query_param,
    status_url,
    table,
    type_label,
    url_with,
)
from rar_app.services.messaging import messages as messages_service
from rar_app.services.office.search import NotFound
from rar_app.services import transactions
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

# The notices' links point here (services/messages.py INBOX_PATH): keep them in step.
INBOX = messages_service.INBOX_PATH


def _inbox(account_id: int, lang: str, category: str, detail: str, unread_only: bool, after: str | None):
    return transactions.run(messages_service.inbox, account_id, lang=lang, category=category, detail=detail,
                            unread_only=unread_only, after=after)


class InboxState(rx.State):
    category: str = ""
    detail: str = ""
    unread_only: bool = False
    rows: list[dict[str, str]] = []
    total_text: str = ""
    unread_text: str = ""
    total: int = 0
    has_next: bool = False
    page_number: int = 1
    loaded: bool = False

    _cursors: list[str] = []
    _next: str = ""

    @rx.event
    def set_category(self, value: str):
        self.category = str(value)[:40] if value in ("", *messages_service.categories()) else ""

    @rx.event
    def set_detail(self, value: str):
        self.detail = str(value) if value in ("", *messages_service.DETAILS) else ""

    @rx.event
    def set_unread_only(self, value: Any):
        self.unread_only = bool(value)

    async def _show(self, account_id: int, after: str) -> None:
        lang = page_lang(self)
        page_ = await asyncio.to_thread(_inbox, account_id, lang, self.category, self.detail, self.unread_only,
                                        after or None)
        self.rows = [{
            "id": str(r["id"]), "date": r["date"], "subject": r["subject"], "category": r["category_label"],
            "detail": r["detail_label"], "unread": "1" if r["unread"] else "",
            "state": t("messages.unread" if r["unread"] else "messages.read", lang),
            "href": url_with("account_message", lang, id=r["id"]),
        } for r in page_.rows]
        self.total = page_.total
        self.total_text = t("messages.total", lang, count=page_.total)
        self.unread_text = t("messages.unread_count", lang, count=page_.unread)
        self._next = page_.next_cursor or ""
        self.has_next = bool(page_.next_cursor)
        self.loaded = True

    @rx.event
    async def load(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        self._cursors, self.page_number = [""], 1
        await self._show(info.account_id, "")
        return None

    async def _first(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        self._cursors, self.page_number = [""], 1
        await self._show(info.account_id, "")
        return rx.set_focus("queue-results")

    @rx.event
    async def search(self, _form: dict | None = None):
        return await self._first()

    @rx.event
    async def clear(self):
        self.category, self.detail, self.unread_only = "", "", False
        return await self._first()

    @rx.event
    async def next_page(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        if not self._next:
            return None
        self._cursors = [*(self._cursors or [""]), self._next]
        self.page_number = len(self._cursors)
        await self._show(info.account_id, self._next)
        return rx.set_focus("queue-results")

    @rx.event
    async def first_page(self):
        return await self._first()


def _options(lang: str) -> tuple[list[rx.Component], list[rx.Component]]:
    cats = [rx.el.option(t("messages.all_categories", lang), value="")] + [
        rx.el.option(t("messages.category_account", lang) if c == "account" else type_label(c, lang), value=c)
        for c in messages_service.categories()]
    details = [rx.el.option(t("messages.all_details", lang), value="")] + [
        rx.el.option(messages_service.detail_label(d, lang), value=d) for d in messages_service.DETAILS]
    return cats, details


@page("account_messages", fr=INBOX["fr"], en=INBOX["en"], title_key="messages.title", on_load=InboxState.load)
def inbox_page(lang: str) -> rx.Component:
    cats, details = _options(lang)
    body = rx.el.tbody(rx.foreach(InboxState.rows, lambda r: rx.el.tr(
        rx.el.td(r["date"]),
        rx.el.td(rx.el.a(rx.cond(r["unread"] != "", rx.el.strong(r["subject"]), r["subject"]), href=r["href"])),
        rx.el.td(r["category"]),
        rx.el.td(r["detail"]),
        rx.el.td(rx.el.span(r["state"], class_name=rx.cond(r["unread"] != "", "badge badge-unread", "badge"))),
        class_name=rx.cond(r["unread"] != "", "unread", "read"),
    )))
    return page_template(
        lang, "account_messages", t("messages.title", lang),
        rx.el.p(t("messages.intro", lang)),
        rx.el.p(rx.el.strong(InboxState.unread_text), id="unread-count"),
        rx.el.section(
            rx.el.h2(t("messages.queue_heading", lang)),
            rx.el.form(
                rx.el.div(
                    rx.el.label(t("messages.category", lang), html_for="queue-category"),
                    rx.el.select(*cats, id="queue-category", name="queue-category", value=InboxState.category,
                                 on_change=InboxState.set_category, class_name="input"),
                    class_name="field",
                ),
                rx.el.div(
                    rx.el.label(t("messages.details", lang), html_for="queue-detail"),
                    rx.el.select(*details, id="queue-detail", name="queue-detail", value=InboxState.detail,
                                 on_change=InboxState.set_detail, class_name="input"),
                    class_name="field",
                ),
                rx.el.div(
                    rx.el.input(type="checkbox", id="queue-unread", name="queue-unread", checked=InboxState.unread_only,
                                on_change=InboxState.set_unread_only),
                    " ",
                    rx.el.label(t("messages.unread_only", lang), html_for="queue-unread"),
                    class_name="field",
                ),
                rx.el.div(
                    rx.el.button(t("messages.search", lang), type="submit", class_name="btn btn-primary",
                                 id="queue-search"),
                    rx.el.button(t("messages.clear", lang), type="button", class_name="btn btn-secondary",
                                 on_click=InboxState.clear, id="queue-clear"),
                    class_name="nav-bar",
                ),
                on_submit=InboxState.search,
                prevent_default=True,
                id="queue-form",
            ),
            rx.el.div(
                rx.el.p(InboxState.total_text, role="status", id="queue-total"),
                rx.cond(
                    InboxState.total > 0,
                    table([t(f"messages.col_{c}", lang) for c in ("date", "subject", "category", "details", "status")],
                          body, caption=t("messages.queue_heading", lang), table_id="queue"),
                    rx.cond(InboxState.loaded, rx.el.p(t("messages.none", lang), id="queue-empty")),
                ),
                rx.el.div(
                    rx.cond(InboxState.page_number > 1,
                            rx.el.button(t("messages.first_page", lang), type="button", class_name="btn btn-secondary",
                                         on_click=InboxState.first_page, id="queue-first")),
                    rx.cond(InboxState.has_next,
                            rx.el.button(t("messages.next_page", lang), type="button", class_name="btn btn-secondary",
                                         on_click=InboxState.next_page, id="queue-next")),
                    class_name="nav-bar",
                ),
                id="queue-results",
                tab_index=-1,
            ),
        ),
        modified=MODIFIED,
    )


# -- one message ----------------------------------------------------------------------------


def _open(account_id: int, message_id: str, lang: str, ip: str) -> dict[str, Any]:
    return transactions.run(messages_service.open_message, account_id, message_id, lang=lang, ip=ip)


def _mark_unread(account_id: int, message_id: str) -> None:
    transactions.run(messages_service.mark_unread, account_id, message_id)


class MessageState(rx.State):
    found: bool = False
    loaded: bool = False
    subject: str = ""
    body: str = ""
    received: str = ""
    category: str = ""
    detail: str = ""
    status_href: str = ""
    notice: str = ""

    @rx.event
    async def load(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.notice = ""
        try:
            row = await asyncio.to_thread(_open, info.account_id, query_param(self, "id", 18), lang, client_ip(self))
        except NotFound:
            self.found, self.loaded, self.subject, self.body = False, True, "", ""
            return keep_query_in_toggle()
        self.found, self.loaded = True, True
        self.subject, self.body = row["subject"], row["body"]
        self.received = t("messages.message_from", lang, date=row["date"])
        self.category, self.detail = row["category_label"], row["detail_label"]
        self.status_href = status_url(row["application_number"], lang) if row["application_number"] else ""
        return keep_query_in_toggle()

    @rx.event
    async def mark_unread(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        try:
            await asyncio.to_thread(_mark_unread, info.account_id, query_param(self, "id", 18))
        except NotFound:
            return None
        self.notice = t("messages.marked_unread", page_lang(self))
        return rx.set_focus("message-notice")


@page("account_message", fr="/fr/message-du-compte", en="/en/account-message", title_key="messages.message_title",
      on_load=MessageState.load)
def message_page(lang: str) -> rx.Component:
    return page_template(
        lang, "account_message", t("messages.message_title", lang),
        rx.cond(
            MessageState.loaded,
            rx.cond(
                MessageState.found,
                rx.el.article(
                    rx.el.h2(MessageState.subject, id="message-subject"),
                    rx.el.p(MessageState.received, class_name="hint"),
                    rx.el.dl(
                        rx.el.dt(t("messages.category", lang)), rx.el.dd(MessageState.category, id="message-category"),
                        rx.el.dt(t("messages.details", lang)), rx.el.dd(MessageState.detail, id="message-detail"),
                        style={"display": "grid", "grid_template_columns": "auto 1fr", "gap": ".25rem 1rem"},
                    ),
                    rx.el.p(MessageState.body, id="message-body", style={"white_space": "pre-line"}),
                    rx.cond(MessageState.status_href != "",
                            rx.el.p(rx.el.a(t("messages.application_link", lang), href=MessageState.status_href,
                                            id="message-application"))),
                    rx.cond(MessageState.notice != "",
                            rx.el.p(MessageState.notice, role="status", id="message-notice", tab_index=-1,
                                    class_name="alert alert-success")),
                    rx.el.div(
                        rx.el.button(t("messages.mark_unread", lang), type="button", class_name="btn btn-secondary",
                                     on_click=MessageState.mark_unread, id="mark-unread"),
                        class_name="nav-bar",
                    ),
                ),
                rx.el.p(t("messages.not_found", lang), class_name="alert alert-warning", id="message-not-found"),
            ),
        ),
        rx.el.p(rx.el.a(t("messages.back_to_list", lang), href=routes.url("account_messages", lang), id="back-to-list")),
        modified=MODIFIED,
    )
