"""Back office: the e-mail outbox of a training deployment, and « deliver now »."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.i18n import t
from rar_app.pages.backoffice import STAFF
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box
from rar_app.services.identity import email_links
from rar_app.services.messaging import mailer
from rar_app.settings import get_settings
from rar_app.state.session import page_lang, require_session, sign_in_redirect


class OutboxState(rx.State):
    mails: list[dict[str, str]] = []
    smtp_text: str = ""
    notice: str = ""

    def _read(self) -> None:
        self.mails = [{"date": m["date"], "to": m["to"], "subject": m["subject"], "language": m["language"],
                       "body": email_links.mask(m["body"])} for m in mailer.read_outbox(50)]

    @rx.event
    def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        settings = get_settings()
        self.smtp_text = t("backoffice.outbox_smtp", page_lang(self), host=settings.smtp_host) if settings.smtp_host else ""
        self.notice = ""
        self._read()
        return None

    @rx.event
    async def deliver(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        report = await asyncio.to_thread(mailer.deliver_due)
        self.notice = t("backoffice.delivered", page_lang(self), sent=report.sent, retrying=report.retrying,
                        failed=report.failed)
        self._read()
        return rx.set_focus("notice")


@page("backoffice_outbox", fr="/fr/arriere-guichet/boite-envoi", en="/en/back-office/outbox",
      title_key="backoffice.outbox_title", roles=STAFF, on_load=OutboxState.load)
def backoffice_outbox_page(lang: str) -> rx.Component:
    return page_template(
        lang, "backoffice_outbox", t("backoffice.outbox_title", lang),
        rx.el.p(rx.el.a(t("backoffice.back_to_list", lang), href=routes.url("backoffice", lang))),
        rx.el.p(t("backoffice.outbox_intro", lang)),
        rx.cond(OutboxState.smtp_text != "", rx.el.p(OutboxState.smtp_text, class_name="alert")),
        notice_box(OutboxState.notice, "success"),
        rx.el.div(rx.el.button(t("backoffice.deliver_now", lang), type="button", class_name="btn btn-secondary",
                               on_click=OutboxState.deliver, id="deliver-now"), class_name="nav-bar"),
        rx.cond(
            OutboxState.mails.length() > 0,
            rx.el.ul(rx.foreach(OutboxState.mails, lambda m: rx.el.li(
                rx.el.details(
                    rx.el.summary(m["date"], " — ", m["to"], " — ", m["subject"]),
                    rx.el.p(t("backoffice.col_language", lang), t("typography.colon", lang), m["language"]),
                    rx.el.pre(m["body"], style={"white_space": "pre-wrap"}),
                ),
            )), id="outbox", style={"list_style": "none", "padding": "0"}),
            rx.el.p(t("backoffice.outbox_empty", lang), id="outbox-empty"),
        ),
        modified=MODIFIED,
    )
