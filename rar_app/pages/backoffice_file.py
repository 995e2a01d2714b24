"""Back office: one file — its applicants, history and messages, and the processing
actions (biometrics, document requests, messages, approval or refusal, closing with
the issued document), each through services/office/backoffice_desk.py."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rar_app import date_parts, routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import date_field, error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.backoffice import STAFF
from rar_app.pages.registry import page
from rar_app.pages.status_common import (
    MODIFIED,
    biometrics_label,
    category_label,
    document_label,
    keep_query_in_toggle,
    notice_box,
    query_param,
    request_label,
    status_label,
    table,
)
from rar_app.services.office import backoffice, backoffice_desk
from rar_app.services.office.search import NotFound
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect


FORM_DATES = ("biometrics_date", "due_on", "issued_at")  # three boxes each (rar_app/date_parts.py)
FORM_FIELDS = ("label_fr", "label_en", "note_fr", "note_en", "reason_fr", "reason_en",
               "issued_document", "subject_fr", "subject_en", "body_fr", "body_en",
               *(k for name in FORM_DATES for k in date_parts.keys(name)))


SIMPLE_ACTIONS = ("request_biometrics", "start_review", "resume_review", "approve", "advance")
# Which field an error code of a form action points at, when the service names none.
ACTION_FIRST_FIELD = {"record_biometrics": "biometrics_date", "request_documents": "label_fr", "refuse": "reason_fr",
                      "close": "issued_at", "send_message": "subject_fr"}


ACTION_DATES = {"record_biometrics": ("biometrics_date",), "request_documents": ("due_on",), "close": ("issued_at",)}


class FileState(rx.State):
    found: bool = False
    loaded: bool = False
    header: dict[str, str] = {}
    applicants: list[dict[str, str]] = []
    requests: list[dict[str, str]] = []
    documents: list[dict[str, str]] = []
    messages: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    selected: str = ""
    allowed: list[str] = []
    allowed_text: str = ""
    form: dict[str, str] = {}
    follow_up: bool = False
    errors: list[dict[str, str]] = []
    notice: str = ""
    notice_kind: str = ""

    _actions: dict[str, list[str]] = {}

    def _fill(self, d: dict[str, Any], lang: str) -> None:
        self.found = True
        self.header = {
            "kind": t("backoffice.file_paper" if d["is_paper"] else "backoffice.file_online", lang),
            "representative": d["representative"] or t("backoffice.file_no_representative", lang),
            "client_account": d["client_account"] or t("backoffice.file_no_representative", lang),
            "submitted": d["submitted_at"].replace("T", " ")[:16],
            "id": str(d["application_id"]),
        }
        self.applicants = [{
            "id": str(a["applicant_id"]), "number": a["application_number"],
            "name": f"{a['family_name']}, {a['given_names']}".strip(", "), "birth": a["date_of_birth"],
            "uci": a["uci"], "category": category_label(a["category"], lang), "status": status_label(a["status"], lang),
            "biometrics": biometrics_label(a["biometrics_status"], lang) + (f" ({a['biometrics_at']})" if a["biometrics_at"] else ""),
            "decision": status_label(a["decision"], lang) if a["decision"] else "",
            "issued": f"{a['issued_document']} ({a['issued_at']})" if a["issued_document"] else "",
        } for a in d["applicants"]]
        self._actions = {str(a["applicant_id"]): list(a["actions"]) for a in d["applicants"]}
        if self.selected not in self._actions:
            self.selected = next(iter(self._actions), "")
        self._set_allowed(lang)
        self.requests = [{"label": r["label_fr"] if lang == "fr" else r["label_en"], "status": request_label(r["status"], lang),
                          "requested": r["requested_at"].replace("T", " "), "due": r["due_on"],
                          "person": self._number(r["applicant_id"])} for r in d["requests"]]
        self.documents = [{"name": d_["name"], "slot": d_["slot_code"], "status": document_label(d_["status"], lang),
                           "uploaded": d_["uploaded_at"].replace("T", " "), "person": self._number(d_["applicant_id"])}
                          for d_ in d["documents"]]
        self.messages = [{"subject": m["subject_fr"] if lang == "fr" else m["subject_en"],
                          "date": m["created_at"].replace("T", " "), "email": m["email_status"]} for m in d["messages"]]
        self.history = [{"at": h["at"].replace("T", " "), "who": h["actor"], "what": h["action"],
                         "details": h["details"][:300]} for h in reversed(d["history"])]

    def _number(self, applicant_id: Any) -> str:
        for a in self.applicants:
            if a["id"] == str(applicant_id):
                return a["number"]
        return ""

    def _set_allowed(self, lang: str) -> None:
        self.allowed = self._actions.get(self.selected, [])
        names = [t(f"backoffice.action_{a}", lang) for a in self.allowed]
        self.allowed_text = t("backoffice.allowed", lang, actions=", ".join(names)) if names else \
            t("backoffice.none_allowed", lang)

    async def _reload(self, info: Any) -> None:
        lang = page_lang(self)
        try:
            data = await asyncio.to_thread(backoffice_desk.file_detail, info.account_id, query_param(self, "id", 18))
        except NotFound:
            self.found, self.applicants, self.history = False, [], []
            return
        self._fill(data, lang)

    @rx.event
    async def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self.errors, self.notice, self.form, self.follow_up, self.selected = [], "", {}, False, ""
        await self._reload(info)
        self.loaded = True
        return keep_query_in_toggle()

    @rx.event
    def select(self, value: str):
        if value in self._actions:
            self.selected = value
            self._set_allowed(page_lang(self))

    @rx.event
    def set_form(self, field: str, value: str):
        if field in FORM_FIELDS:
            self.form = {**self.form, field: str(value)[:2000]}

    @rx.event
    def set_follow_up(self, value: Any):
        self.follow_up = bool(value)

    @rx.event
    async def act(self, action: str):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.errors, self.notice = [], ""
        if self.selected not in self._actions:
            self.errors = [{"field": "bo-person", "message": t("backoffice.error_no_person", lang)}]
            return rx.set_focus("error-summary")
        form, date_errors = date_parts.merge(self.form, FORM_DATES)
        wrong = [(name, e) for name, e in date_errors.items() if ACTION_DATES.get(action) and name in ACTION_DATES[action]]
        if wrong:
            name, error = wrong[0]
            self.errors = [{"field": f"bo-{date_parts.part_id(name, error.part)}",
                            "message": t(f"backoffice.{name}", lang) + t("typography.colon", lang)
                            + t(error.key, lang, **error.params)}]
            return rx.set_focus("error-summary")
        try:
            await asyncio.to_thread(backoffice_desk.act, info.account_id, client_ip(self), action, int(self.selected), form,
                                    self.follow_up, lang)
        except backoffice.TransitionError as exc:
            field = exc.field or ACTION_FIRST_FIELD.get(action, "bo-person")
            key = f"backoffice.error_{exc.code}"
            from rar_app.i18n import catalogue

            message = t(key, lang) if key in catalogue(lang) else t("backoffice.error_invalid", lang)
            if f"backoffice.{field}" in catalogue(lang):  # the message names its field
                message = t(f"backoffice.{field}", lang) + t("typography.colon", lang) + message
            self.errors = [{"field": f"bo-{field}" if not field.startswith("bo-") else field, "message": message}]
            await self._reload(info)
            return rx.set_focus("error-summary")
        except NotFound:
            await self._reload(info)
            return None
        label = t(f"backoffice.action_{action}", lang)
        self.form, self.follow_up = {}, False
        await self._reload(info)
        self.notice, self.notice_kind = t("backoffice.done", lang, action=label), "success"
        return rx.set_focus("notice")


def _field(lang: str, name: str, *, input_type: str = "text", hint: str | None = None,
           required: bool = True) -> rx.Component:
    return text_field(lang, f"bo-{name}", t(f"backoffice.{name}", lang), FileState.form.get(name, ""),
                      lambda v: FileState.set_form(name, v), rx.Var.create(""), input_type=input_type, hint=hint,
                      required=required)


def _date(lang: str, name: str, *, required: bool = True) -> rx.Component:
    return date_field(lang, f"bo-{name}", t(f"backoffice.{name}", lang),
                      {p: FileState.form.get(date_parts.part_key(name, p), "") for p in date_parts.PARTS},
                      lambda part, v: FileState.set_form(date_parts.part_key(name, part), v), rx.Var.create(""),
                      {p: rx.Var.create("") for p in date_parts.PARTS}, required=required)


def _textarea(lang: str, name: str) -> rx.Component:
    return rx.el.div(
        rx.el.label(t(f"backoffice.{name}", lang), html_for=f"bo-{name}"),
        rx.el.textarea(id=f"bo-{name}", value=FileState.form.get(name, ""), rows=3,
                       on_change=lambda v: FileState.set_form(name, v), class_name="input"),
        class_name="field",
    )


def _action_block(lang: str, action: str, *children: rx.Component) -> rx.Component:
    return rx.cond(
        FileState.allowed.contains(action),
        rx.el.details(
            rx.el.summary(t(f"backoffice.action_{action}", lang)),
            *children,
            rx.el.div(rx.el.button(t(f"backoffice.action_{action}", lang), type="button", class_name="btn btn-primary",
                                   on_click=FileState.act(action), id=f"do-{action.replace('_', '-')}"),
                      class_name="nav-bar"),
            class_name="bo-action",
            id=f"block-{action.replace('_', '-')}",
        ),
    )


def actions_panel(lang: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("backoffice.actions_heading", lang)),
        rx.el.div(
            rx.el.label(t("backoffice.person", lang), html_for="bo-person"),
            rx.el.select(rx.foreach(FileState.applicants, lambda a: rx.el.option(a["number"], " — ", a["name"],
                                                                                 value=a["id"])),
                         id="bo-person", value=FileState.selected, on_change=FileState.select, class_name="input"),
            class_name="field",
        ),
        rx.el.p(FileState.allowed_text, id="bo-allowed"),
        rx.el.div(
            *[rx.cond(FileState.allowed.contains(a) if a != "advance" else FileState.allowed.length() > 0,
                      rx.el.button(t(f"backoffice.action_{a}", lang), type="button",
                                   class_name="btn btn-primary" if a != "advance" else "btn btn-secondary",
                                   on_click=FileState.act(a), id=f"do-{a.replace('_', '-')}"))
              for a in SIMPLE_ACTIONS],
            class_name="nav-bar",
        ),
        _action_block(lang, "record_biometrics", _date(lang, "biometrics_date")),
        _action_block(lang, "request_documents", _field(lang, "label_fr"), _field(lang, "label_en"),
                      _textarea(lang, "note_fr"), _textarea(lang, "note_en"),
                      _date(lang, "due_on", required=False)),
        _action_block(lang, "refuse", _textarea(lang, "reason_fr"), _textarea(lang, "reason_en")),
        _action_block(lang, "close", _field(lang, "issued_document", hint=t("backoffice.issued_document_hint", lang),
                                            required=False),
                      _date(lang, "issued_at")),
        rx.el.details(
            rx.el.summary(t("backoffice.action_send_message", lang)),
            _field(lang, "subject_fr"), _field(lang, "subject_en"), _textarea(lang, "body_fr"),
            _textarea(lang, "body_en"),
            rx.el.div(rx.el.input(type="checkbox", id="bo-follow-up", checked=FileState.follow_up,
                                  on_change=FileState.set_follow_up),
                      " ", rx.el.label(t("backoffice.follow_up", lang), html_for="bo-follow-up"), class_name="field"),
            rx.el.div(rx.el.button(t("backoffice.action_send_message", lang), type="button",
                                   class_name="btn btn-primary", on_click=FileState.act("send_message"),
                                   id="do-send-message"), class_name="nav-bar"),
            class_name="bo-action",
            id="block-send-message",
        ),
    )


def _rows(var: rx.Var, keys: tuple[str, ...]) -> rx.Component:
    return rx.el.tbody(rx.foreach(var, lambda r: rx.el.tr(*[rx.el.td(r[k]) for k in keys])))


@page("backoffice_application", fr="/fr/arriere-guichet/dossier", en="/en/back-office/file",
      title_key="backoffice.application_title", roles=STAFF, on_load=FileState.load)
def backoffice_file_page(lang: str) -> rx.Component:
    c = lambda *keys: [t(f"backoffice.col_{k}", lang) for k in keys]  # noqa: E731
    return page_template(
        lang, "backoffice_application", t("backoffice.application_title", lang),
        rx.el.p(rx.el.a(t("backoffice.back_to_list", lang), href=routes.url("backoffice", lang))),
        rx.cond(
            FileState.loaded,
            rx.cond(
                FileState.found,
                rx.el.div(
                    error_summary(lang, FileState.errors),
                    notice_box(FileState.notice, FileState.notice_kind),
                    rx.el.section(
                        rx.el.h2(t("backoffice.file_heading", lang), " ", FileState.header["id"]),
                        rx.el.dl(
                            rx.el.dt(t("backoffice.file_heading", lang)), rx.el.dd(FileState.header["kind"]),
                            rx.el.dt(t("backoffice.file_representative", lang)),
                            rx.el.dd(FileState.header["representative"], id="bo-representative"),
                            rx.el.dt(t("backoffice.file_client_account", lang)),
                            rx.el.dd(FileState.header["client_account"]),
                            rx.el.dt(t("backoffice.file_submitted", lang)), rx.el.dd(FileState.header["submitted"]),
                            style={"display": "grid", "grid_template_columns": "minmax(8rem, 14rem) 1fr",
                                   "gap": ".25rem 1rem"},
                        ),
                    ),
                    rx.el.section(
                        rx.el.h2(t("backoffice.applicants_heading", lang)),
                        table(c("number", "person", "birth", "uci", "category", "status", "biometrics", "decision",
                                "issued"),
                              _rows(FileState.applicants, ("number", "name", "birth", "uci", "category", "status",
                                                           "biometrics", "decision", "issued")),
                              caption=t("backoffice.applicants_heading", lang), table_id="bo-applicants"),
                    ),
                    actions_panel(lang),
                    rx.el.section(
                        rx.el.h2(t("backoffice.requests_heading", lang)),
                        table([t("backoffice.col_number", lang), t("backoffice.label_fr", lang),
                               t("backoffice.col_status", lang), t("backoffice.col_when", lang),
                               t("backoffice.due_on", lang)],
                              _rows(FileState.requests, ("person", "label", "status", "requested", "due")),
                              caption=t("backoffice.requests_heading", lang), table_id="bo-requests"),
                    ),
                    rx.el.section(
                        rx.el.h2(t("backoffice.documents_heading", lang)),
                        table([t("backoffice.col_number", lang), t("status.col_document", lang),
                               t("backoffice.col_status", lang), t("backoffice.col_when", lang)],
                              _rows(FileState.documents, ("person", "name", "status", "uploaded")),
                              caption=t("backoffice.documents_heading", lang), table_id="bo-documents"),
                    ),
                    rx.el.section(
                        rx.el.h2(t("backoffice.messages_heading", lang)),
                        table([t("backoffice.col_when", lang), t("backoffice.col_subject", lang),
                               t("backoffice.col_email", lang)],
                              _rows(FileState.messages, ("date", "subject", "email")),
                              caption=t("backoffice.messages_heading", lang), table_id="bo-messages"),
                    ),
                    rx.el.section(
                        rx.el.h2(t("backoffice.history_heading", lang)),
                        table(c("when", "who", "what", "details"), _rows(FileState.history, ("at", "who", "what", "details")),
                              caption=t("backoffice.history_heading", lang), table_id="bo-history"),
                    ),
                ),
                rx.el.p(t("backoffice.not_found", lang), class_name="alert alert-warning", id="bo-not-found"),
            ),
        ),
        modified=MODIFIED,
    )
