"""Documents IRCC asks for about an enrolment (issue 17, point 15).

- « Documents demandés par IRCC » (representative, from the profile and the account
  message): each request's note; the oldest unanswered one gets a message and a file
  (stored by `account_proofs.store_proof`: the document store, never Reflex's public
  upload folder), sent with « Transmettre la réponse ».
- « Documents d’inscription » (back office): ask a representative by username, and see
  every request with its answer (message, file name, date).

The service (`services/casework/enrolment_documents.py`) re-checks roles and ownership."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, field_error, nav_bar, text_field
from rar_app.i18n import t
from rar_app.pages.account_common import blank, focus_later, form_errors, one_error, status_message
from rar_app.pages.account_requests import ACCEPT, _hidden_input, megabytes
from rar_app.pages.backoffice import STAFF
from rar_app.pages.registry import page
from rar_app.pages.status_common import toronto_moment
from rar_app.services import transactions
from rar_app.services.casework import account_proofs, document_intake, documents, enrolment_documents
from rar_app.services.casework.document_errors import StorageUnavailable
from rar_app.services.identity import accounts
from rar_app.settings import get_settings
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

MODIFIED = "2026-12-04"
UPLOAD_ID = "answer-upload"
REP = ("representative",)
ANSWER_FIELDS = ("answer", "file")
ASK_FIELDS = ("username", "note")


def _rows(found: list, lang: str) -> list[dict[str, str]]:
    return [{"id": str(r.request_id), "username": r.username, "name": r.name, "status": r.status,
             "status_label": t(f"enrol_docs.status_{r.status}", lang), "note": r.note,
             "asked": toronto_moment(r.asked_at.isoformat(), lang), "answer": r.answer,
             "answered": toronto_moment(r.answered_at, lang) if r.answered_at else "", "file": r.file_name}
            for r in found]


def textarea(lang: str, field_id: str, label: str, value, on_change, error, *, max_length: int) -> rx.Component:
    return rx.el.div(
        rx.el.div(rx.el.label(label, rx.el.span(" ", t("common.required", lang), class_name="required"),
                              html_for=field_id), class_name="label-row"),
        field_error(lang, error, field_id),
        rx.el.textarea(id=field_id, name=field_id, value=value, on_change=on_change, class_name="input",
                       rows=5, max_length=max_length, aria_describedby=f"{field_id}-error",
                       aria_invalid=rx.cond(error != "", "true", "false")),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


# ---------------------------------------------------------------------------
# The representative's answer


class AnswerState(rx.State):
    requests: list[dict[str, str]] = []
    current_id: str = ""
    answer: str = ""
    file_name: str = ""
    uploading: bool = False
    field_errors: dict[str, str] = blank(ANSWER_FIELDS)
    errors: list[dict[str, str]] = []
    status: str = ""
    _file_id: int = 0

    def _refresh(self, account_id: int, lang: str) -> None:
        self.requests = _rows(transactions.run(enrolment_documents.mine, account_id), lang)
        waiting = [r["id"] for r in self.requests if r["status"] == "asked"]
        self.current_id = waiting[-1] if waiting else ""  # the oldest first (newest first in the list)

    @rx.event
    def load(self):
        info = require_session(self, REP)
        if info is None:
            return sign_in_redirect(self)
        self.answer, self.file_name, self._file_id, self.uploading, self.status = "", "", 0, False, ""
        self.field_errors, self.errors = blank(ANSWER_FIELDS), []
        self._refresh(info.account_id, page_lang(self))
        return None

    @rx.event
    def set_answer(self, value: str):
        self.answer = str(value)[:enrolment_documents.ANSWER_MAX]

    @rx.event
    def begin_upload(self):
        self.uploading = True

    @rx.event
    async def receive_file(self, files: list[rx.UploadFile]):
        info = require_session(self, REP)
        if info is None:
            self.uploading = False
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.uploading = False
        if not files:
            return None
        try:
            doc_id, name = await asyncio.to_thread(account_proofs.store_proof, info.account_id,
                                                   files[0].filename or "", files[0], client_ip(self))
        except documents.DocumentRefused as refusal:
            self.field_errors, self.errors = one_error("file", refusal.message(lang), ANSWER_FIELDS)
            return focus_later("error-summary")
        except StorageUnavailable:
            self.field_errors, self.errors = one_error("file", t("common.error_generic", lang), ANSWER_FIELDS)
            return focus_later("error-summary")
        if self._file_id:
            await asyncio.to_thread(account_proofs.discard_proof, info.account_id, self._file_id)
        self._file_id, self.file_name = doc_id, name
        self.field_errors["file"] = ""
        self.errors = [e for e in self.errors if e["field"] != "file"]
        return None

    @rx.event
    def rejected(self, _rejections: list[dict]):
        lang = page_lang(self)
        self.uploading = False
        self.field_errors, self.errors = one_error(
            "file", t("account.proof_rejected", lang, formats=document_intake.ACCEPTED_LABELS), ANSWER_FIELDS)
        return focus_later("error-summary")

    @rx.event
    def submit(self, _form: dict | None = None):
        info = require_session(self, REP)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.status = ""
        try:
            transactions.run(enrolment_documents.answer, info.account_id, self.current_id, self.answer,
                             self._file_id or None, ip=client_ip(self))
        except accounts.ValidationFailed as exc:
            self.field_errors, self.errors = form_errors(exc.errors, lang, ANSWER_FIELDS)
            return rx.set_focus("error-summary")
        except accounts.AccountError:  # not theirs, or answered meanwhile
            self._refresh(info.account_id, lang)
            return None
        self.answer, self.file_name, self._file_id = "", "", 0
        self.field_errors, self.errors = blank(ANSWER_FIELDS), []
        self.status = t("enrol_docs.answer_sent", lang)
        self._refresh(info.account_id, lang)
        return focus_later("form-status")


def _file_field(lang: str) -> rx.Component:
    S = AnswerState
    return rx.el.div(
        rx.el.div(rx.el.span(t("enrol_docs.file", lang), " ", rx.el.span(t("common.required", lang), class_name="required"),
                             id="file-label", class_name="label"), class_name="label-row"),
        rx.el.p(t("account.proof_hint", lang, formats=document_intake.ACCEPTED_LABELS,
                  limit=megabytes(get_settings().max_upload_bytes, lang)), class_name="hint", id="file-hint"),
        field_error(lang, S.field_errors["file"], "file"),
        _hidden_input(rx.upload.root(
            rx.el.button(t("account.choose_file", lang), type="button", class_name="btn btn-secondary", id="file",
                         aria_describedby="file-label file-hint file-error file-chosen"),
            id=UPLOAD_ID,
            on_drop=[S.begin_upload, S.receive_file(rx.upload_files(upload_id=UPLOAD_ID))],
            on_drop_rejected=S.rejected, accept=ACCEPT, multiple=False, no_keyboard=True,
        )),
        rx.el.p(rx.cond(S.uploading, rx.el.span(t("common.loading", lang)),
                        rx.cond(S.file_name != "", rx.el.span(t("account.selected_file", lang), " ",
                                                              rx.el.strong(S.file_name)),
                                rx.el.span(t("account.no_file", lang)))),
                id="file-chosen", aria_live="polite"),
        class_name=rx.cond(S.field_errors["file"] != "", "field field-has-error", "field"),
    )


def _request_item(lang: str, r) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.strong(r["status_label"]), " — ", r["asked"]),
        rx.el.p(r["note"], class_name="request-note"),
        rx.cond(r["answer"] != "", rx.el.p(t("enrol_docs.your_answer", lang), " ", r["answer"], " (", r["file"], ")")),
        id="enrol-docs-" + r["id"],
    )


@page("enrolment_documents", fr="/fr/profil-du-compte/documents-demandes",
      en="/en/account-profile/documents-requested", title_key="enrol_docs.title", roles=REP, on_load=AnswerState.load)
def enrolment_documents_page(lang: str) -> rx.Component:
    S = AnswerState
    return page_template(
        lang, "enrolment_documents", t("enrol_docs.title", lang),
        status_message(S.status),
        error_summary(lang, S.errors),
        rx.el.p(t("enrol_docs.intro", lang)),
        rx.cond(
            S.requests.length() > 0,
            rx.el.ul(rx.foreach(S.requests, lambda r: _request_item(lang, r)), class_name="request-list",
                     id="enrol-docs-list"),
            rx.el.p(t("enrol_docs.none", lang), id="enrol-docs-none"),
        ),
        rx.cond(
            S.current_id != "",
            rx.el.form(
                rx.el.h2(t("enrol_docs.answer_heading", lang)),
                textarea(lang, "answer", t("enrol_docs.answer", lang), S.answer, S.set_answer, S.field_errors["answer"],
                         max_length=enrolment_documents.ANSWER_MAX),
                _file_field(lang),
                nav_bar(rx.el.button(t("enrol_docs.send", lang), type="submit", class_name="btn btn-primary",
                                     id="answer-submit")),
                on_submit=S.submit, prevent_default=True, no_validate=True, id="answer-form",
            ),
        ),
        rx.el.p(rx.el.a(t("account.back_to_profile", lang), href=routes.url("profile", lang))),
        modified=MODIFIED,
    )


# ---------------------------------------------------------------------------
# The back office: ask, and read the answers


class AskState(rx.State):
    values: dict[str, str] = blank(ASK_FIELDS)
    field_errors: dict[str, str] = blank(ASK_FIELDS)
    errors: list[dict[str, str]] = []
    status: str = ""
    requests: list[dict[str, str]] = []

    def _refresh(self, account_id: int, lang: str) -> None:
        self.requests = _rows(transactions.run(enrolment_documents.for_staff, account_id), lang)

    @rx.event
    def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        self.values, self.field_errors, self.errors, self.status = blank(ASK_FIELDS), blank(ASK_FIELDS), [], ""
        self._refresh(info.account_id, page_lang(self))
        return None

    @rx.event
    def set_value(self, field: str, value: str):
        if field in ASK_FIELDS:
            self.values[field] = str(value)[:enrolment_documents.NOTE_MAX if field == "note" else 100]

    @rx.event
    def submit(self, _form: dict | None = None):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.status = ""
        try:
            transactions.run(enrolment_documents.ask, info.account_id, self.values["username"], self.values["note"],
                             ip=client_ip(self))
        except accounts.ValidationFailed as exc:
            self.field_errors, self.errors = form_errors(exc.errors, lang, ASK_FIELDS)
            return rx.set_focus("error-summary")
        self.status = t("enrol_docs.asked", lang, username=self.values["username"].strip().lower())
        self.values, self.field_errors, self.errors = blank(ASK_FIELDS), blank(ASK_FIELDS), []
        self._refresh(info.account_id, lang)
        return focus_later("form-status")


@page("backoffice_enrolment_documents", fr="/fr/arriere-guichet/documents-d-inscription",
      en="/en/back-office/enrolment-documents", title_key="enrol_docs.office_title", roles=STAFF,
      on_load=AskState.load)
def backoffice_enrolment_documents_page(lang: str) -> rx.Component:
    S = AskState
    row = lambda r: rx.el.tr(  # noqa: E731
        rx.el.th(r["username"], rx.el.br(), rx.el.span(r["name"], class_name="hint"), scope="row"),
        rx.el.td(r["asked"]), rx.el.td(r["note"]), rx.el.td(r["status_label"]),
        rx.el.td(r["answer"], rx.cond(r["file"] != "", rx.el.span(" (", r["file"], ")", class_name="hint")),
                 rx.cond(r["answered"] != "", rx.el.span(" — ", r["answered"], class_name="hint"))),
        id="office-docs-" + r["id"],
    )
    return page_template(
        lang, "backoffice_enrolment_documents", t("enrol_docs.office_title", lang),
        status_message(S.status),
        error_summary(lang, S.errors),
        rx.el.p(t("enrol_docs.office_intro", lang)),
        rx.el.form(
            text_field(lang, "username", t("enrol_docs.username", lang), S.values["username"],
                       lambda v: S.set_value("username", v), S.field_errors["username"], auto_capitalize="none",
                       spell_check=False, max_length=100),
            textarea(lang, "note", t("enrol_docs.note", lang), S.values["note"], lambda v: S.set_value("note", v),
                     S.field_errors["note"], max_length=enrolment_documents.NOTE_MAX),
            nav_bar(rx.el.button(t("enrol_docs.ask", lang), type="submit", class_name="btn btn-primary",
                                 id="ask-submit")),
            on_submit=S.submit, prevent_default=True, no_validate=True, id="ask-form",
        ),
        rx.el.h2(t("enrol_docs.office_list", lang), id="office-docs-heading"),
        rx.cond(
            S.requests.length() > 0,
            rx.el.div(rx.el.table(
                rx.el.caption(t("enrol_docs.office_list", lang), class_name="visually-hidden"),
                rx.el.thead(rx.el.tr(*[rx.el.th(t(f"enrol_docs.col_{c}", lang), scope="col")
                                       for c in ("representative", "asked", "note", "status", "answer")])),
                rx.el.tbody(rx.foreach(S.requests, row)),
                id="office-docs",
            ), class_name="table-wrap"),
            rx.el.p(t("enrol_docs.none_office", lang)),
        ),
        rx.el.p(rx.el.a(t("backoffice.title", lang), href=routes.url("backoffice", lang))),
        modified=MODIFIED,
    )
