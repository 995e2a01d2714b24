"""The client's side (role "client"): their applications, and removing the
representative with a completed IMM 5476 (services/linking.take_over). Once taken
over, the representative no longer sees the application; the client follows it on
the same status page as representatives."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rar_app import date_parts
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.link import NO_DATE, TEXT_FIELDS, birth_date_field, kind_options, link_form_errors
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, category_label, notice_box, status_label, status_url, table
from rar_app.services.casework import documents, linking
from rar_app.services.casework.document_errors import StorageUnavailable
from rar_app.services.messaging.messages import CLIENT_HOME_PATH
from rar_app.services import transactions
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

ROLES = ("client",)
UPLOAD_ID = "imm5476-upload"


def _applications(account_id: int) -> list[dict[str, Any]]:
    return transactions.run(linking.client_applications, account_id)


class ClientHomeState(rx.State):
    applications: list[dict[str, str]] = []
    kind: str = ""
    application_number: str = ""
    family_name: str = ""
    given_names: str = ""
    dob: dict[str, str] = dict(NO_DATE)  # the birth date's three boxes
    dob_marked: dict[str, str] = {}  # the boxes that are wrong
    uci: str = ""
    field_errors: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    message: str = ""
    message_kind: str = ""
    busy: bool = False
    show_link: bool = False  # « Lier une demande à ce compte » opened the form

    async def _reload(self, account_id: int) -> None:
        lang = page_lang(self)
        rows = await asyncio.to_thread(_applications, account_id)
        self.applications = [{"number": r["application_number"], "category": category_label(r["category"], lang),
                              "status": status_label(r["status"], lang), "received": r["date_received"],
                              "href": status_url(r["application_number"], lang)} for r in rows]

    @rx.event
    async def load(self):
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        self.errors, self.field_errors, self.message = [], {}, ""
        await self._reload(info.account_id)
        return None

    @rx.event
    def open_link(self):
        self.show_link = True
        return rx.set_focus("takeover-heading")

    @rx.event
    def set_kind(self, value: str):
        self.kind = value if value in linking.ONLINE_KINDS else ""

    @rx.event
    def set_field(self, field: str, value: str):
        if field in TEXT_FIELDS:
            setattr(self, field, str(value)[:100])

    @rx.event
    def set_dob(self, part: str, value: str):
        if part in date_parts.PARTS:
            self.dob = {**self.dob, part: str(value)[:4]}

    @rx.event
    async def submit(self, files: list[rx.UploadFile]):
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.message = ""
        form, errors, field_errors, self.dob_marked = link_form_errors(
            self.kind, {f: getattr(self, f) for f in TEXT_FIELDS}, self.dob, lang)
        if not files:
            errors.append({"field": "imm5476-choose", "message": t("link.client_error_file", lang)})
            field_errors["imm5476-choose"] = errors[-1]["message"]
        self.errors = errors
        self.field_errors = field_errors
        if errors:
            return rx.set_focus("error-summary")
        upload = files[0]
        self.busy = True
        try:
            result = await asyncio.to_thread(linking.take_over, info.account_id, form, upload.name or "imm5476",
                                             upload, ip=client_ip(self))
        except documents.DocumentRefused as refusal:
            self.busy = False
            self.errors = [{"field": "imm5476-choose", "message": refusal.message(lang)}]
            return rx.set_focus("error-summary")
        except StorageUnavailable as exc:
            self.busy = False
            self.errors = [{"field": "imm5476-choose", "message": exc.message(lang)}]
            return rx.set_focus("error-summary")
        self.busy = False
        if result.outcome == "pending_review":  # staff check the form before the representative is removed
            self.message_kind = "success"
            self.message = t("reviews.client_pending", lang, number=result.application_number)
            for f in TEXT_FIELDS:
                setattr(self, f, "")
            self.dob, self.dob_marked = dict(NO_DATE), {}
            self.kind = ""
            await self._reload(info.account_id)
        elif result.outcome == "already_yours":
            self.message_kind, self.message = "", t("link.client_already_yours", lang)
        elif result.outcome == "throttled":
            self.message_kind, self.message = "error", t("link.throttled", lang)
        else:
            self.message_kind, self.message = "error", t("link.client_none", lang)
        return [rx.clear_selected_files(UPLOAD_ID), rx.set_focus("notice")]


def _hidden_input(zone: rx.Component) -> rx.Component:
    """The drop zone's own <input type=file> is out of the tab order (react-dropzone): the
    button is the control, so hide the input from assistive technologies too."""
    from reflex_components_core.el.elements.forms import Input

    def walk(component) -> bool:
        for child in getattr(component, "children", []) or []:
            if isinstance(child, Input):
                child.custom_attrs = {**child.custom_attrs, "aria-hidden": "true"}
                return True
            if walk(child):
                return True
        return False

    walk(zone)
    return zone


def _error(field: str):
    return ClientHomeState.field_errors.get(field, "")


def takeover_form(lang: str) -> rx.Component:
    def field(name: str, *, input_type: str = "text", hint: bool = False) -> rx.Component:
        single = name == "given_names"  # optional: a client with a single name has none
        return text_field(lang, name, t(f"link.{name}", lang), getattr(ClientHomeState, name),
                          lambda v: ClientHomeState.set_field(name, v), _error(name), input_type=input_type,
                          hint=t("uci.given_names_hint", lang) if single else (
                              t(f"link.{name}_hint", lang) if hint else None),
                          required=not single)

    return rx.el.div(
        rx.el.div(
            rx.el.label(t("link.client_kind", lang), rx.el.span(" ", t("common.required", lang), class_name="required"),
                        html_for="kind"),
            rx.cond(_error("kind") != "", rx.el.p(_error("kind"), class_name="field-error", id="kind-error")),
            rx.el.select(*kind_options(lang, paper=False), id="kind", value=ClientHomeState.kind,
                         on_change=ClientHomeState.set_kind, class_name="input"),
            class_name=rx.cond(_error("kind") != "", "field field-has-error", "field"),
        ),
        field("application_number", hint=True),
        field("family_name"),
        field("given_names"),
        birth_date_field(lang, ClientHomeState),
        field("uci", hint=True),
        rx.el.div(
            rx.el.p(rx.el.strong(t("link.client_file", lang))),
            rx.cond(_error("imm5476-choose") != "",
                    rx.el.p(_error("imm5476-choose"), class_name="field-error", id="imm5476-error")),
            _hidden_input(rx.upload.root(
                rx.el.button(t("link.client_choose_file", lang), type="button", class_name="btn btn-secondary",
                             id="imm5476-choose", aria_describedby="imm5476-file"),
                id=UPLOAD_ID,
                accept={"application/pdf": [".pdf"], "image/*": [".jpg", ".jpeg", ".png", ".tif", ".tiff"]},
                multiple=False,
                max_files=1,
                no_keyboard=True,
            )),
            rx.el.p(rx.cond(rx.selected_files(UPLOAD_ID).length() > 0, rx.selected_files(UPLOAD_ID)[0],
                            t("link.client_no_file", lang)), id="imm5476-file", class_name="hint"),
            class_name="field",
        ),
        rx.el.div(
            rx.el.button(t("link.client_submit", lang), type="button", class_name="btn btn-primary",
                         id="takeover-submit", disabled=ClientHomeState.busy,
                         on_click=ClientHomeState.submit(rx.upload_files(upload_id=UPLOAD_ID))),
            class_name="nav-bar",
        ),
        id="takeover-form",
    )


@page("client_home", fr=CLIENT_HOME_PATH["fr"], en=CLIENT_HOME_PATH["en"], title_key="link.client_title",
      roles=ROLES, on_load=ClientHomeState.load)
def client_home_page(lang: str) -> rx.Component:
    body = rx.el.tbody(rx.foreach(ClientHomeState.applications, lambda a: rx.el.tr(
        rx.el.td(a["number"]), rx.el.td(a["category"]), rx.el.td(a["received"]), rx.el.td(a["status"]),
        rx.el.td(rx.el.a(t("search.check_status", lang), href=a["href"])),
    )))
    return page_template(
        lang, "client_home", t("link.client_title", lang),
        rx.el.p(t("link.client_intro", lang)),
        error_summary(lang, ClientHomeState.errors),
        notice_box(ClientHomeState.message, ClientHomeState.message_kind),
        rx.el.section(
            rx.el.h2(t("link.client_applications", lang)),
            rx.cond(ClientHomeState.applications.length() > 0,
                    table([t("search.col_number", lang), t("search.col_category", lang), t("search.col_received", lang),
                           t("link.client_title_status", lang), t("search.col_action", lang)], body,
                          caption=t("link.client_applications", lang), table_id="client-applications"),
                    rx.el.p(t("link.client_no_applications", lang), id="client-none")),
        ),
        rx.el.section(
            rx.el.h2(t("clientlink.today_heading", lang), id="today-heading"),
            rx.el.p(t("clientlink.steps_intro", lang)),
            rx.el.ol(rx.el.li(t("clientlink.step_1", lang)), rx.el.li(t("clientlink.step_2", lang)),
                     rx.el.li(t("clientlink.step_3", lang))),
            rx.el.div(
                rx.el.button(t("clientlink.link_button", lang), type="button", class_name="btn btn-primary",
                             id="link-to-account", on_click=ClientHomeState.open_link,
                             aria_expanded=rx.cond(ClientHomeState.show_link, "true", "false"),
                             aria_controls="takeover-section"),
                class_name="nav-bar",
            ),
            aria_labelledby="today-heading",
        ),
        rx.el.section(
            rx.el.h2(t("clientlink.form_heading", lang), id="takeover-heading", tab_index=-1),
            rx.el.p(t("link.client_remove_intro", lang)),
            takeover_form(lang),
            id="takeover-section",
            aria_labelledby="takeover-heading",
            # Hidden, not removed, until the button opens it (the file chooser keeps its choice).
            hidden=~(ClientHomeState.show_link | (ClientHomeState.errors.length() > 0)
                     | (ClientHomeState.message != "")),
        ),
        modified=MODIFIED,
    )
