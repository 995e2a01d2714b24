"""Back office: entering a paper application (it then appears in the list and can be
linked by its holder)."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.backoffice import STAFF
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box, type_options, url_with
from rar_app.services.office import backoffice, backoffice_desk
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect


PAPER_FIELDS = ("application_type", "family_name", "given_names", "date_of_birth", "uci", "country", "date_received")


class PaperState(rx.State):
    form: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    notice: str = ""
    open_href: str = ""

    @rx.event
    def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self.form, self.errors, self.field_errors, self.notice, self.open_href = {}, [], {}, "", ""
        return None

    @rx.event
    def set_form(self, field: str, value: str):
        if field in PAPER_FIELDS:
            self.form = {**self.form, field: str(value)[:100]}

    @rx.event
    async def submit(self, _form: dict | None = None):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        f = self.form
        paper = backoffice.PaperApplication(
            application_type=f.get("application_type", ""), family_name=f.get("family_name", ""),
            given_names=f.get("given_names", ""), date_of_birth=backoffice_desk.parse_date(f.get("date_of_birth", "")),
            uci=f.get("uci", ""), date_received=backoffice_desk.parse_date(f.get("date_received", "")),
            country_of_residence=f.get("country", "").strip().upper()[:2])
        problems = backoffice.paper_errors(paper)
        self.errors = [{"field": f"paper-{field}", "message": t(f"backoffice.error_{code}", lang)}
                       for field, code in problems]
        self.field_errors = {field: t(f"backoffice.error_{code}", lang) for field, code in problems}
        self.notice, self.open_href = "", ""
        if problems:
            return rx.set_focus("error-summary")
        number, app_id = await asyncio.to_thread(backoffice_desk.enter_paper, info.account_id, client_ip(self), paper)
        self.notice = t("backoffice.paper_done", lang, number=number)
        self.open_href = url_with("backoffice_application", lang, id=app_id)
        self.form = {}
        return rx.set_focus("notice")


@page("backoffice_paper", fr="/fr/arriere-guichet/demande-papier", en="/en/back-office/paper-application",
      title_key="backoffice.paper_title", roles=STAFF, on_load=PaperState.load)
def backoffice_paper_page(lang: str) -> rx.Component:
    def field(name: str, input_type: str = "text", required: bool = True) -> rx.Component:
        return text_field(lang, f"paper-{name}", t(f"backoffice.{name}", lang), PaperState.form.get(name, ""),
                          lambda v: PaperState.set_form(name, v), PaperState.field_errors.get(name, ""),
                          input_type=input_type, required=required)

    return page_template(
        lang, "backoffice_paper", t("backoffice.paper_title", lang),
        rx.el.p(rx.el.a(t("backoffice.back_to_list", lang), href=routes.url("backoffice", lang))),
        rx.el.p(t("backoffice.paper_intro", lang)),
        error_summary(lang, PaperState.errors),
        notice_box(PaperState.notice, "success"),
        rx.cond(PaperState.open_href != "",
                rx.el.p(rx.el.a(t("backoffice.paper_open", lang), href=PaperState.open_href, id="paper-open"))),
        rx.el.form(
            rx.el.div(
                rx.el.label(t("backoffice.application_type", lang),
                            rx.el.span(" ", t("common.required", lang), class_name="required"),
                            html_for="paper-application_type"),
                rx.el.select(*type_options(lang, "backoffice.choose"), id="paper-application_type", name="paper-application_type",
                             value=PaperState.form.get("application_type", ""),
                             on_change=lambda v: PaperState.set_form("application_type", v), class_name="input"),
                class_name="field",
            ),
            field("family_name"), field("given_names"), field("date_of_birth", "date"),
            field("uci", required=False), field("country", required=False), field("date_received", "date"),
            rx.el.div(rx.el.button(t("backoffice.paper_submit", lang), type="submit", class_name="btn btn-primary",
                                   id="paper-submit"), class_name="nav-bar"),
            on_submit=PaperState.submit,
            prevent_default=True,
            no_validate=True,
            id="paper-form",
        ),
        modified=MODIFIED,
    )
