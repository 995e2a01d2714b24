"""Back office: « Remboursements » — payments to give back (an approval that arrived after
the portal had written the payment off and that the provider could not refund at once),
and any approved payment staff decide to refund, with a reason (services/money/refunds.py)."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary
from rar_app.i18n import t
from rar_app.pages.backoffice import STAFF
from rar_app.pages.backoffice_reviews import when
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box
from rar_app.rules.common import fmt_money
from rar_app.services import transactions
from rar_app.services.money import refunds
from rar_app.services.office.search import NotFound
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect


class RefundsState(rx.State):
    rows: list[dict[str, str]] = []
    view: str = "due"  # due | approved
    page_number: int = 0
    has_next: bool = False
    reasons: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    notice: str = ""

    async def _show(self, account_id: int) -> None:
        from decimal import Decimal

        lang = page_lang(self)
        found, more = await asyncio.to_thread(transactions.run, refunds.queue, account_id, view=self.view,
                                              page=self.page_number)
        self.rows = [{"id": str(r.payment_id), "number": r.application_number, "at": when(r.created_at),
                      "amount": fmt_money(Decimal(r.amount_cents) / 100, lang), "transaction": r.transaction_number,
                      "method": t(f"refunds.method_{r.method}", lang) if r.method in ("card", "interac") else r.method}
                     for r in found]
        self.has_next = more

    @rx.event
    async def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self.view, self.page_number, self.reasons, self.errors, self.notice = "due", 0, {}, [], ""
        await self._show(info.account_id)
        return None

    @rx.event
    async def show(self, view: str):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self.view = view if view in ("due", "approved") else "due"
        self.page_number, self.errors, self.notice = 0, [], ""
        await self._show(info.account_id)
        return rx.set_focus("refunds-heading")

    @rx.event
    async def next_page(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        if self.has_next:
            self.page_number += 1
        await self._show(info.account_id)
        return rx.set_focus("refunds-heading")

    @rx.event
    def set_reason(self, payment_id: str, value: str):
        if any(r["id"] == str(payment_id) for r in self.rows):
            self.reasons = {**self.reasons, str(payment_id): str(value)[:refunds.REASON_MAX]}

    @rx.event
    async def refund(self, payment_id: str):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        pid = str(payment_id)
        self.notice = ""
        try:
            await asyncio.to_thread(refunds.refund, info.account_id, pid, self.reasons.get(pid, ""),
                                    ip=client_ip(self))
        except refunds.RefundError as exc:
            self.errors = [{"field": f"refund-reason-{pid}", "message": t(f"refunds.error_{exc.code}", lang)}]
            return rx.set_focus("error-summary")
        except NotFound:
            self.errors = [{"field": "refunds-heading", "message": t("refunds.error_not_found", lang)}]
            return rx.set_focus("error-summary")
        self.errors = []
        self.notice = t("refunds.done", lang)
        await self._show(info.account_id)
        return rx.set_focus("notice")


def _card(lang: str, r: rx.Var) -> rx.Component:
    reason_id = "refund-reason-" + r["id"]
    return rx.el.article(
        rx.el.h3(r["number"], " — ", r["amount"]),
        rx.el.dl(
            rx.el.dt(t("refunds.col_at", lang)), rx.el.dd(r["at"]),
            rx.el.dt(t("refunds.col_method", lang)), rx.el.dd(r["method"]),
            rx.el.dt(t("refunds.col_transaction", lang)), rx.el.dd(r["transaction"]),
            class_name="summary-list",
        ),
        rx.el.div(
            rx.el.label(t("refunds.reason_label", lang), html_for=reason_id),
            rx.el.input(id=reason_id, name=reason_id, value=RefundsState.reasons.get(r["id"], ""),
                        on_change=lambda v: RefundsState.set_reason(r["id"], v), class_name="input",
                        max_length=refunds.REASON_MAX),
            rx.el.div(rx.el.button(t("refunds.refund", lang), type="button", class_name="btn btn-primary",
                                   id="refund-" + r["id"], on_click=RefundsState.refund(r["id"])),
                      class_name="nav-bar"),
            class_name="field",
        ),
        class_name="card", id="payment-" + r["id"],
    )


@page("backoffice_refunds", fr="/fr/arriere-guichet/remboursements", en="/en/back-office/refunds",
      title_key="refunds.title", roles=STAFF, on_load=RefundsState.load)
def backoffice_refunds_page(lang: str) -> rx.Component:
    return page_template(
        lang, "backoffice_refunds", t("refunds.title", lang),
        rx.el.p(rx.el.a(t("backoffice.back_to_list", lang), href=routes.url("backoffice", lang))),
        rx.el.p(t("refunds.intro", lang)),
        error_summary(lang, RefundsState.errors),
        notice_box(RefundsState.notice, "success"),
        rx.el.div(
            rx.el.button(t("refunds.due_heading", lang), type="button", id="refunds-show-due",
                         class_name=rx.cond(RefundsState.view == "due", "btn btn-primary", "btn btn-secondary"),
                         aria_pressed=rx.cond(RefundsState.view == "due", "true", "false"),
                         on_click=RefundsState.show("due")),
            rx.el.button(t("refunds.approved_heading", lang), type="button", id="refunds-show-approved",
                         class_name=rx.cond(RefundsState.view == "approved", "btn btn-primary", "btn btn-secondary"),
                         aria_pressed=rx.cond(RefundsState.view == "approved", "true", "false"),
                         on_click=RefundsState.show("approved")),
            class_name="nav-bar",
        ),
        rx.el.h2(rx.cond(RefundsState.view == "due", t("refunds.due_heading", lang),
                         t("refunds.approved_heading", lang)), id="refunds-heading", tab_index=-1),
        rx.cond(RefundsState.rows.length() > 0,
                rx.el.div(rx.foreach(RefundsState.rows, lambda r: _card(lang, r)), id="refunds"),
                rx.el.p(t("refunds.none", lang), id="refunds-none")),
        rx.cond(RefundsState.has_next,
                rx.el.div(rx.el.button(t("refunds.next_page", lang), type="button", class_name="btn btn-secondary",
                                       on_click=RefundsState.next_page, id="refunds-next"), class_name="nav-bar")),
        modified=MODIFIED,
    )
