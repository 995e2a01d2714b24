"""Back office (role "staff"; staff sign in on the same page as everyone and land here):
every submitted application; one file with its processing actions (biometrics,
document requests, messages, approval or refusal, closing with the issued document),
paper applications, the e-mail outbox. Every action goes through
services/backoffice.py, which checks the actor is staff, audits it and notifies the
holder of the application; the file's history is the audit log."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, text_field
from rar_app.db import session_scope
from rar_app.i18n import t
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
    type_options,
    url_with,
)
from rar_app.services.office import automated, backoffice, search, simulation
from rar_app.services.messaging import mailer
from rar_app.services.office.search import NotFound
from rar_app.settings import get_settings
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

STAFF = ("staff",)


def _search(account_id: int, criteria: search.SearchCriteria, after: str | None):
    with session_scope() as db:
        return search.search(db, account_id, criteria, after=after, limit=25)


class BackofficeState(rx.State):
    number: str = ""
    family_name: str = ""
    category: str = ""
    rows: list[dict[str, str]] = []
    summary: str = ""
    has_next: bool = False
    simulation_text: str = ""

    _after: list[str] = []
    _next: str = ""

    @rx.event
    def set_field(self, field: str, value: str):
        if field in ("number", "family_name", "category"):
            setattr(self, field, str(value)[:100])

    async def _show(self, account_id: int, after: str) -> None:
        lang = page_lang(self)
        criteria = search.SearchCriteria(application_number=self.number, family_name=self.family_name,
                                         category=self.category)
        result = await asyncio.to_thread(_search, account_id, criteria, after or None)
        self.rows = [{"number": r.application_number, "name": f"{r.family_name}, {r.given_names}".strip(", "),
                      "category": category_label(r.category, lang), "received": r.date_received,
                      "status": status_label(r.status, lang), "paper": "1" if r.is_paper else "",
                      "href": url_with("backoffice_application", lang, id=r.application_id),
                      "label": t("backoffice.open_for", lang, name=f"{r.given_names} {r.family_name}")}
                     for r in result.rows]
        self.summary = t("search.results_count_capped" if result.total_capped else "search.results_count", lang,
                         count=result.total or 0)
        self._next = result.next_cursor or ""
        self.has_next = bool(result.next_cursor)

    @rx.event
    async def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        mailer.ensure_worker()
        running = simulation.status()["running"]  # started with the app when configured
        sim = simulation.simulation_settings()
        lang = page_lang(self)
        self.simulation_text = (t("backoffice.simulation_on", lang, speed=f"{sim.speed:g}") if running and sim.speed
                                else t("backoffice.simulation_off", lang))
        self._after = [""]
        await self._show(info.account_id, "")
        return None

    @rx.event
    async def search(self, _form: dict | None = None):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self._after = [""]
        await self._show(info.account_id, "")
        return rx.set_focus("bo-results")

    @rx.event
    async def show_all(self):
        self.number = self.family_name = self.category = ""
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self._after = [""]
        await self._show(info.account_id, "")
        return rx.set_focus("bo-results")

    @rx.event
    async def next_page(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        if self._next:
            self._after = [*self._after, self._next]
            await self._show(info.account_id, self._next)
        return rx.set_focus("bo-results")


def _links(lang: str) -> rx.Component:
    return rx.el.ul(
        rx.el.li(rx.el.a(t("backoffice.paper_link", lang), href=routes.url("backoffice_paper", lang), id="bo-paper")),
        rx.el.li(rx.el.a(t("backoffice.outbox_link", lang), href=routes.url("backoffice_outbox", lang), id="bo-outbox")),
        rx.el.li(rx.el.a(t("pools.rounds_link", lang), href=routes.url("pool_rounds", lang), id="bo-rounds")),
        class_name="action-list",
    )


@page("backoffice", fr="/fr/arriere-guichet", en="/en/back-office", title_key="backoffice.title", roles=STAFF,
      on_load=BackofficeState.load)
def backoffice_page(lang: str) -> rx.Component:
    body = rx.el.tbody(rx.foreach(BackofficeState.rows, lambda r: rx.el.tr(
        rx.el.td(r["number"], rx.cond(r["paper"] != "", rx.fragment(" ", rx.el.span(t("search.paper", lang),
                                                                               class_name="badge")))),
        rx.el.td(r["name"]), rx.el.td(r["category"]), rx.el.td(r["received"]), rx.el.td(r["status"]),
        rx.el.td(rx.el.a(t("backoffice.open", lang), href=r["href"], aria_label=r["label"])),
    )))
    return page_template(
        lang, "backoffice", t("backoffice.title", lang),
        rx.el.p(t("backoffice.intro", lang)),
        rx.el.p(BackofficeState.simulation_text, class_name="hint", id="bo-simulation"),
        _links(lang),
        rx.el.section(
            rx.el.h2(t("backoffice.search_heading", lang)),
            rx.el.form(
                text_field(lang, "bo-number", t("search.application_number", lang), BackofficeState.number,
                           lambda v: BackofficeState.set_field("number", v), rx.Var.create(""), required=False),
                text_field(lang, "bo-family", t("search.family_name", lang), BackofficeState.family_name,
                           lambda v: BackofficeState.set_field("family_name", v), rx.Var.create(""), required=False),
                rx.el.div(
                    rx.el.label(t("search.category", lang), html_for="bo-category"),
                    rx.el.select(*type_options(lang, "search.all_categories"), id="bo-category", name="bo-category",
                                 value=BackofficeState.category,
                                 on_change=lambda v: BackofficeState.set_field("category", v), class_name="input"),
                    class_name="field",
                ),
                rx.el.div(
                    rx.el.button(t("backoffice.search", lang), type="submit", class_name="btn btn-primary",
                                 id="bo-search"),
                    rx.el.button(t("backoffice.all", lang), type="button", class_name="btn btn-secondary",
                                 on_click=BackofficeState.show_all, id="bo-all"),
                    class_name="nav-bar",
                ),
                on_submit=BackofficeState.search,
                prevent_default=True,
                no_validate=True,
            ),
        ),
        rx.el.section(
            rx.el.h2(t("backoffice.results", lang), id="bo-results", tab_index=-1),
            rx.el.p(BackofficeState.summary, role="status"),
            table([t(f"backoffice.col_{c}", lang) for c in ("number", "client", "category", "received", "status",
                                                            "action")],
                  body, caption=t("backoffice.results", lang), table_id="bo-table"),
            rx.cond(BackofficeState.has_next,
                    rx.el.div(rx.el.button(t("search.next_page", lang), type="button", class_name="btn btn-secondary",
                                           on_click=BackofficeState.next_page, id="bo-next"), class_name="nav-bar")),
        ),
        modified=MODIFIED,
    )


# -- one file -------------------------------------------------------------------------------

FORM_FIELDS = ("biometrics_date", "label_fr", "label_en", "note_fr", "note_en", "due_on", "reason_fr", "reason_en",
               "issued_document", "issued_at", "subject_fr", "subject_en", "body_fr", "body_en")


def _detail(account_id: int, application_id: str) -> dict[str, Any]:
    with session_scope() as db:
        return backoffice.application_detail(db, account_id, application_id)


def _parse(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


def _act(account_id: int, ip: str, action: str, applicant_id: int, form: dict[str, str], follow_up: bool,
         lang: str) -> Any:
    with session_scope() as db:
        actor = backoffice.staff_actor(db, account_id, ip)
        if action == "record_biometrics":
            return backoffice.record_biometrics(db, actor, applicant_id, _parse(form.get("biometrics_date", ""))
                                                or date.today())
        if action == "request_documents":
            return backoffice.request_documents(
                db, actor, applicant_id, label_fr=form.get("label_fr", ""), label_en=form.get("label_en", ""),
                note_fr=form.get("note_fr", ""), note_en=form.get("note_en", ""), due_on=_parse(form.get("due_on", "")))
        if action == "refuse":
            return backoffice.refuse(db, actor, applicant_id, reason_fr=form.get("reason_fr", ""),
                                     reason_en=form.get("reason_en", ""))
        if action == "close":
            return backoffice.close(db, actor, applicant_id, issued_document=form.get("issued_document", ""),
                                    issued_at=_parse(form.get("issued_at", "")), lang=lang)
        if action == "send_message":
            return backoffice.send_message(db, actor, applicant_id, subject_fr=form.get("subject_fr", ""),
                                           subject_en=form.get("subject_en", ""), body_fr=form.get("body_fr", ""),
                                           body_en=form.get("body_en", ""), follow_up=follow_up)
        if action == "advance":
            return automated.advance(db, actor, applicant_id)
        if action in backoffice.ACTIONS:
            return backoffice.ACTIONS[action](db, actor, applicant_id)
        raise backoffice.TransitionError("not_allowed")


SIMPLE_ACTIONS = ("request_biometrics", "start_review", "resume_review", "approve", "advance")
# Which field an error code of a form action points at, when the service names none.
ACTION_FIRST_FIELD = {"record_biometrics": "biometrics_date", "request_documents": "label_fr", "refuse": "reason_fr",
                      "close": "issued_at", "send_message": "subject_fr"}


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
            data = await asyncio.to_thread(_detail, info.account_id, query_param(self, "id", 18))
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
        try:
            await asyncio.to_thread(_act, info.account_id, client_ip(self), action, int(self.selected), dict(self.form),
                                    self.follow_up, lang)
        except backoffice.TransitionError as exc:
            field = exc.field or ACTION_FIRST_FIELD.get(action, "bo-person")
            key = f"backoffice.error_{exc.code}"
            from rar_app.i18n import catalogue

            message = t(key, lang) if key in catalogue(lang) else t("backoffice.error_invalid", lang)
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
        _action_block(lang, "record_biometrics", _field(lang, "biometrics_date", input_type="date")),
        _action_block(lang, "request_documents", _field(lang, "label_fr"), _field(lang, "label_en"),
                      _textarea(lang, "note_fr"), _textarea(lang, "note_en"),
                      _field(lang, "due_on", input_type="date", required=False)),
        _action_block(lang, "refuse", _textarea(lang, "reason_fr"), _textarea(lang, "reason_en")),
        _action_block(lang, "close", _field(lang, "issued_document", hint=t("backoffice.issued_document_hint", lang),
                                            required=False),
                      _field(lang, "issued_at", input_type="date")),
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


# -- paper applications ------------------------------------------------------------------------

PAPER_FIELDS = ("application_type", "family_name", "given_names", "date_of_birth", "uci", "country", "date_received")


def _enter_paper(account_id: int, ip: str, form: backoffice.PaperApplication) -> tuple[str, int]:
    with session_scope() as db:
        actor = backoffice.staff_actor(db, account_id, ip)
        applicant = backoffice.enter_paper_application(db, actor, form)
        return applicant.application_number or "", applicant.application_id


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
            given_names=f.get("given_names", ""), date_of_birth=_parse(f.get("date_of_birth", "")),
            uci=f.get("uci", ""), date_received=_parse(f.get("date_received", "")),
            country_of_residence=f.get("country", "").strip().upper()[:2])
        problems = backoffice.paper_errors(paper)
        self.errors = [{"field": f"paper-{field}", "message": t(f"backoffice.error_{code}", lang)}
                       for field, code in problems]
        self.field_errors = {field: t(f"backoffice.error_{code}", lang) for field, code in problems}
        self.notice, self.open_href = "", ""
        if problems:
            return rx.set_focus("error-summary")
        number, app_id = await asyncio.to_thread(_enter_paper, info.account_id, client_ip(self), paper)
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


# -- outbox ------------------------------------------------------------------------------------


class OutboxState(rx.State):
    mails: list[dict[str, str]] = []
    smtp_text: str = ""
    notice: str = ""

    def _read(self) -> None:
        self.mails = [{"date": m["date"], "to": m["to"], "subject": m["subject"], "language": m["language"],
                       "body": m["body"]} for m in mailer.read_outbox(50)]

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
                    rx.el.p(t("backoffice.col_language", lang), " : ", m["language"]),
                    rx.el.pre(m["body"], style={"white_space": "pre-wrap"}),
                ),
            )), id="outbox", style={"list_style": "none", "padding": "0"}),
            rx.el.p(t("backoffice.outbox_empty", lang), id="outbox-empty"),
        ),
        modified=MODIFIED,
    )
