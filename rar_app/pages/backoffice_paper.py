"""Back office: entering a paper application (it then appears in the list and can be
linked by its holder)."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import date_parts, routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import date_field, error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.backoffice import STAFF
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box, type_options, url_with
from rar_app.services.office import backoffice, backoffice_desk
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect


PAPER_DATES = ("date_of_birth", "date_received")
FORM_ORDER = ("application_type", "family_name", "given_names", "date_of_birth", "uci", "country", "date_received")
PAPER_FIELDS = ("application_type", "family_name", "given_names", "uci", "country",
                *(k for name in PAPER_DATES for k in date_parts.keys(name)))


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
        f, date_errors = date_parts.merge(self.form, PAPER_DATES)
        paper = backoffice.PaperApplication(
            application_type=f.get("application_type", ""), family_name=f.get("family_name", ""),
            given_names=f.get("given_names", ""), date_of_birth=backoffice_desk.parse_date(f.get("date_of_birth", "")),
            uci=f.get("uci", ""), date_received=backoffice_desk.parse_date(f.get("date_received", "")),
            country_of_residence=f.get("country", "").strip().upper()[:2])
        # A wrong date box: its own message (« Date de naissance : le mois doit être entre 1 et 12. »)
        # and a link to that box, instead of the service's « required ».
        # Each message names its field (« Nom de famille : Ce champ est obligatoire. »).
        messages = {field: (f"paper-{field}", t(f"backoffice.{field}", lang) + t("typography.colon", lang)
                            + t(f"backoffice.error_{code}", lang))
                    for field, code in backoffice.paper_errors(paper) if field not in date_errors}
        for field, error in date_errors.items():
            messages[field] = (f"paper-{date_parts.part_id(field, error.part)}",
                               t(f"backoffice.{field}", lang) + t("typography.colon", lang)
                               + t(error.key, lang, **error.params))
        order = sorted(messages, key=lambda n: FORM_ORDER.index(n) if n in FORM_ORDER else len(FORM_ORDER))
        problems = [messages[n] for n in order]
        self.errors = [{"field": anchor, "message": message} for anchor, message in problems]
        self.field_errors = {n: messages[n][1] for n in order}
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

    def date_input(name: str) -> rx.Component:
        return date_field(lang, f"paper-{name}", t(f"backoffice.{name}", lang),
                          {p: PaperState.form.get(date_parts.part_key(name, p), "") for p in date_parts.PARTS},
                          lambda part, v: PaperState.set_form(date_parts.part_key(name, part), v),
                          PaperState.field_errors.get(name, ""), {p: PaperState.field_errors.get(name, "")
                                                                   for p in date_parts.PARTS})

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
            field("family_name"), field("given_names"), date_input("date_of_birth"),
            field("uci", required=False), field("country", required=False), date_input("date_received"),
            rx.el.div(rx.el.button(t("backoffice.paper_submit", lang), type="submit", class_name="btn btn-primary",
                                   id="paper-submit"), class_name="nav-bar"),
            on_submit=PaperState.submit,
            prevent_default=True,
            no_validate=True,
            id="paper-form",
        ),
        modified=MODIFIED,
    )
