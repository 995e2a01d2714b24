"""Back office: « Demandes à examiner » — fee exemptions and representative removals
(IMM 5476) that take effect only once staff approve them (services/office/reviews.py).
Cards rather than a table, so a phone shows them whole; each open one has its
supporting document, a note and Approve / Refuse."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary
from rar_app.i18n import t
from rar_app.pages.backoffice import STAFF
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box
from rar_app.services import transactions
from rar_app.services.casework import document_links
from rar_app.services.casework.documents import Actor, NotFound as DocumentNotFound
from rar_app.services.office import reviews
from rar_app.services.office.search import NotFound
from rar_app.state.documents import download_link
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect


def when(value: Any) -> str:
    """A UTC time as the back office and the history show it: 2026-12-04 20:31 UTC."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


class ReviewsState(rx.State):
    rows: list[dict[str, str]] = []
    view: str = "open"  # open | decided
    page_number: int = 0
    has_next: bool = False
    notes: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    notice: str = ""

    _documents: dict[str, int] = {}  # review id → its supporting document, for the download handler

    async def _show(self, account_id: int) -> None:
        lang = page_lang(self)
        found, more = await asyncio.to_thread(transactions.run, reviews.queue, account_id, status=self.view,
                                              page=self.page_number)
        self._documents = {str(r.id): r.document_id for r in found if r.document_id}
        self.rows = [{
            "id": str(r.id), "kind": t(f"reviews.kind_{r.kind}", lang), "number": r.application_number,
            "client": r.client_name, "by": r.requested_by, "at": when(r.requested_at), "reason": r.reason,
            "document": r.document_name if r.document_id else "",
            "download_label": t("reviews.download", lang, name=r.document_name),
            "status": t(f"reviews.status_{r.status}", lang) if r.status in ("approved", "refused") else "",
            "decided_at": when(r.decided_at), "note": r.decision_note,
        } for r in found]
        self.has_next = more

    @rx.event
    async def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self.view, self.page_number, self.notes, self.errors, self.notice = "open", 0, {}, [], ""
        await self._show(info.account_id)
        return None

    @rx.event
    async def show(self, view: str):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self.view = view if view in ("open", "decided") else "open"
        self.page_number, self.errors, self.notice = 0, [], ""
        await self._show(info.account_id)
        return rx.set_focus("reviews-heading")

    @rx.event
    async def next_page(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        if self.has_next:
            self.page_number += 1
        await self._show(info.account_id)
        return rx.set_focus("reviews-heading")

    @rx.event
    async def previous_page(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self.page_number = max(0, self.page_number - 1)
        await self._show(info.account_id)
        return rx.set_focus("reviews-heading")

    @rx.event
    def set_note(self, review_id: str, value: str):
        if any(r["id"] == str(review_id) for r in self.rows):
            self.notes = {**self.notes, str(review_id): str(value)[:reviews.NOTE_MAX]}

    @rx.event
    async def approve(self, review_id: str):
        return await self._decide(review_id, True)

    @rx.event
    async def refuse(self, review_id: str):
        return await self._decide(review_id, False)

    async def _decide(self, review_id: Any, approve: bool):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        rid = str(review_id)
        field = f"review-note-{rid}"
        self.notice = ""
        try:
            status = await asyncio.to_thread(transactions.run, reviews.decide, info.account_id, rid, approve,
                                             self.notes.get(rid, ""), ip=client_ip(self))
        except reviews.ReviewError as exc:
            self.errors = [{"field": field, "message": t(f"reviews.error_{exc.code}", lang)}]
            return rx.set_focus("error-summary")
        except NotFound:
            self.errors = [{"field": "reviews-heading", "message": t("reviews.error_not_found", lang)}]
            return rx.set_focus("error-summary")
        self.errors = []
        self.notes = {k: v for k, v in self.notes.items() if k != rid}
        self.notice = t(f"reviews.{status}", lang)
        await self._show(info.account_id)
        return rx.set_focus("notice")

    @rx.event
    async def download(self, review_id: str):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        document_id = self._documents.get(str(review_id))
        if not document_id:
            return None
        actor = Actor.from_session(info, ip=client_ip(self))
        try:
            token = await asyncio.to_thread(document_links.issue_download_token, actor, document_id)
        except DocumentNotFound:
            return None
        return download_link(token)


def _card(lang: str, r: rx.Var) -> rx.Component:
    def item(label_key: str, value: rx.Var) -> rx.Component:
        return rx.fragment(rx.el.dt(t(label_key, lang)), rx.el.dd(value))

    note_id = "review-note-" + r["id"]
    decide = rx.el.div(
        rx.el.label(t("reviews.note_label", lang), html_for=note_id),
        rx.el.textarea(id=note_id, name=note_id, value=ReviewsState.notes.get(r["id"], ""),
                       on_change=lambda v: ReviewsState.set_note(r["id"], v), class_name="input", rows=2,
                       max_length=reviews.NOTE_MAX),
        rx.el.div(
            rx.el.button(t("reviews.approve", lang), type="button", class_name="btn btn-primary",
                         id="review-approve-" + r["id"], on_click=ReviewsState.approve(r["id"])),
            rx.el.button(t("reviews.refuse", lang), type="button", class_name="btn btn-secondary",
                         id="review-refuse-" + r["id"], on_click=ReviewsState.refuse(r["id"])),
            class_name="nav-bar",
        ),
        class_name="field",
    )
    return rx.el.article(
        rx.el.h3(r["kind"], " — ", r["number"]),
        rx.el.dl(
            item("reviews.col_client", r["client"]),
            item("reviews.col_by", r["by"]),
            item("reviews.col_at", r["at"]),
            rx.cond(r["reason"] != "", item("reviews.col_reason", r["reason"])),
            rx.el.dt(t("reviews.col_document", lang)),
            rx.el.dd(rx.cond(
                r["document"] != "",
                rx.el.button(r["download_label"], type="button", class_name="btn btn-link",
                             id="review-download-" + r["id"], on_click=ReviewsState.download(r["id"])),
                t("reviews.no_document", lang))),
            rx.cond(r["status"] != "", rx.fragment(item("reviews.col_status", r["status"] + " — " + r["decided_at"]),
                                                   item("reviews.col_note", r["note"]))),
            class_name="summary-list",
        ),
        rx.cond(ReviewsState.view == "open", decide),
        class_name="card", id="review-" + r["id"],
    )


@page("backoffice_reviews", fr="/fr/arriere-guichet/demandes-a-examiner", en="/en/back-office/requests-to-review",
      title_key="reviews.title", roles=STAFF, on_load=ReviewsState.load)
def backoffice_reviews_page(lang: str) -> rx.Component:
    return page_template(
        lang, "backoffice_reviews", t("reviews.title", lang),
        rx.el.p(rx.el.a(t("backoffice.back_to_list", lang), href=routes.url("backoffice", lang))),
        rx.el.p(t("reviews.intro", lang)),
        error_summary(lang, ReviewsState.errors),
        notice_box(ReviewsState.notice, "success"),
        rx.el.div(
            rx.el.button(t("reviews.open_heading", lang), type="button", id="reviews-show-open",
                         class_name=rx.cond(ReviewsState.view == "open", "btn btn-primary", "btn btn-secondary"),
                         aria_pressed=rx.cond(ReviewsState.view == "open", "true", "false"),
                         on_click=ReviewsState.show("open")),
            rx.el.button(t("reviews.decided_heading", lang), type="button", id="reviews-show-decided",
                         class_name=rx.cond(ReviewsState.view == "decided", "btn btn-primary", "btn btn-secondary"),
                         aria_pressed=rx.cond(ReviewsState.view == "decided", "true", "false"),
                         on_click=ReviewsState.show("decided")),
            class_name="nav-bar",
        ),
        rx.el.h2(rx.cond(ReviewsState.view == "open", t("reviews.open_heading", lang),
                         t("reviews.decided_heading", lang)), id="reviews-heading", tab_index=-1),
        rx.cond(
            ReviewsState.rows.length() > 0,
            rx.el.div(rx.foreach(ReviewsState.rows, lambda r: _card(lang, r)), id="reviews"),
            rx.el.p(rx.cond(ReviewsState.view == "open", t("reviews.none_open", lang),
                            t("reviews.none_decided", lang)), id="reviews-none"),
        ),
        rx.el.div(
            rx.cond(ReviewsState.page_number > 0,
                    rx.el.button(t("reviews.previous_page", lang), type="button", class_name="btn btn-secondary",
                                 on_click=ReviewsState.previous_page, id="reviews-previous")),
            rx.cond(ReviewsState.has_next,
                    rx.el.button(t("reviews.next_page", lang), type="button", class_name="btn btn-secondary",
                                 on_click=ReviewsState.next_page, id="reviews-next")),
            class_name="nav-bar",
        ),
        modified=MODIFIED,
    )
