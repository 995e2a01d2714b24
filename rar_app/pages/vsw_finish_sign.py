"""Steps 8 to 10 of the visitor visa / study permit / work permit application:
"Liste de vérification des documents" (instructions, the documents of each client
with the uploader, the fees to pay), "Votre déclaration solennelle et votre
signature électronique", and "Votre liste de contrôle personnelle".

The draft's id is in the query (``?id=``); the uploader shows one client at a time
(``&client=<n>``). Every handler checks the session again and passes the acting
representative to the services, which check ownership again (services/submission.py).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.widgets import error_summary, field_error, nav_bar, nav_button, text_field
from rar_app.i18n import catalogue, t
from rar_app.pages.registry import page
from rar_app.pages.vsw_finish import (
    ClientRow,
    Line,
    checklist_table,
    client_rows,
    clients_table,
    fee_lines,
    fees_panel,
    finish_url,
    frame,
    ottawa_date,
    paths,
    query_id,
    sign_out_script,
)
from rar_app.services.casework import applications, submission
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

try:  # the document uploader (issue 5); the checklist alone when it is not there
    from rar_app.components.document_uploader import document_uploader
    from rar_app.state.documents import DocumentsState
except ImportError:  # pragma: no cover - depends on the other feature
    document_uploader = None  # type: ignore[assignment]
    DocumentsState = None  # type: ignore[assignment,misc]

SIGN_FIELDS = {"agree": "agree", "given_names": "given-names", "family_name": "family-name", "answer": "answer"}


class FinishSignState(rx.State):
    app_id: int = 0
    loaded: bool = False
    notice: str = ""
    file_number: str = ""
    status: str = ""
    signed_notice: str = ""
    clients: list[ClientRow] = []
    current_client: int = 0
    current_heading: str = ""
    fee_lines: list[Line] = []
    fee_total: str = ""
    fee_warnings: list[str] = []
    has_fees: bool = False
    errors: list[dict[str, str]] = []
    # The declaration form (controlled: nothing typed is lost on an error; the answer is cleared).
    agree: str = ""
    given_names: str = ""
    family_name: str = ""
    answer: str = ""
    agree_error: str = ""
    given_names_error: str = ""
    family_name_error: str = ""
    answer_error: str = ""
    question: str = ""

    # -- loading ------------------------------------------------------------------

    def _reset(self) -> None:
        self.loaded = False
        self.notice = ""
        self.errors = []
        self.signed_notice = ""
        for f in SIGN_FIELDS:
            setattr(self, f + "_error", "")

    def _open(self, lang: str) -> tuple[Any, submission.ApplicationView | None, Any]:
        """(session, view, event): view None and event set when the page cannot be shown."""
        info = require_session(self)
        if info is None:
            return None, None, sign_in_redirect(self)
        self.app_id = query_id(self) or self.app_id
        try:
            view = submission.view(info.account_id, self.app_id)
        except submission.NotFound:
            self.notice = t("submit.not_found", lang)
            self.loaded = True
            return info, None, None
        if view.status == "submitted":
            return info, None, rx.redirect(finish_url("vsw_submitted", lang, view.id), replace=True)
        self._fill(view, lang)
        return info, view, None

    def _fill(self, view: submission.ApplicationView, lang: str) -> None:
        self.status = view.status
        self.file_number = t("submit.file_number", lang, number=view.client_file_number) if view.client_file_number else ""
        self.clients = client_rows(view, lang)
        self.fee_lines, self.fee_total, self.fee_warnings = fee_lines(view, lang)
        self.has_fees = view.total_cents > 0
        self.signed_notice = (t("submit.signed_notice", lang, date=ottawa_date(view.signed_at))
                              if view.status in ("signed", "paying") else "")

    def _missing_errors(self, view: submission.ApplicationView, lang: str) -> list[dict[str, str]]:
        out = []
        for applicant, item in view.missing_documents:
            name = applicant.name or t("submit.client_heading_unnamed", lang, n=applicant.position)
            out.append({"field": f"doc-{applicant.position}-{item.code}",
                        "message": t("submit.error_document_missing", lang, name=name,
                                     document=item.label_en if lang == "en" else item.label_fr)})
        return out

    @rx.event
    async def load_documents(self):
        """Step 8: the checklist, the uploader for one client, the fees."""
        lang = page_lang(self)
        self._reset()
        info, view, event = self._open(lang)
        if view is None:
            return event
        raw = str(self.router.url.query_parameters.get("client", "") or "")
        positions = [a.position for a in view.applicants]
        wanted = int(raw) if raw.isdigit() and int(raw) in positions else 0
        if not wanted:
            missing = [a.position for a in view.applicants if a.missing_required()]
            wanted = missing[0] if missing else (positions[0] if positions else 0)
        self.current_client = wanted
        current = next((c for c in self.clients if c.position == wanted), None)
        self.current_heading = t("submit.uploading_for", lang, name=current.name or current.heading) if current else ""
        if DocumentsState is not None and current is not None:
            applicant = next(a for a in view.applicants if a.position == wanted)
            slots = [{"code": i.code, "label_fr": i.label_fr, "label_en": i.label_en, "help_fr": i.help_fr,
                      "help_en": i.help_en, "required": i.required} for i in applicant.checklist]
            docs = await self.get_state(DocumentsState)
            from rar_app.services.casework import documents

            try:
                await docs._configure(info, view.id, applicant.id, slots, editable=view.status == "draft")
            except documents.NotFound:
                self.notice = t("submit.not_found", lang)
        self.loaded = True
        return None

    @rx.event
    def continue_documents(self):
        """Continuer: every required document of every client must be there (checked on the server)."""
        lang = page_lang(self)
        self._reset()
        _info, view, event = self._open(lang)
        self.loaded = True
        if view is None:
            return event
        self.errors = self._missing_errors(view, lang)
        if self.errors:
            return rx.set_focus("error-summary")
        return rx.redirect(finish_url("vsw_declaration", lang, view.id))

    @rx.event
    def load_declaration(self):
        """Step 9: checklist, fees, privacy notice, declaration and signature."""
        lang = page_lang(self)
        self._reset()
        info, view, event = self._open(lang)
        if view is None:
            return event
        if view.status == "draft" and view.missing_documents:
            return rx.redirect(finish_url("vsw_documents", lang, view.id), replace=True)
        try:
            q = submission.signature_question(info.account_id, info.session_id, view.id)
            self.question = t("submit.question_label", lang, question=q.text(lang))
        except submission.FinishError:
            self.question = ""
        self.answer = ""
        self.loaded = True
        return None

    @rx.event
    def set_agree(self, value: str):
        self.agree = value if value in ("yes", "no") else ""

    @rx.event
    def set_given_names(self, value: str):
        self.given_names = value[:100]

    @rx.event
    def set_family_name(self, value: str):
        self.family_name = value[:100]

    @rx.event
    def set_answer(self, value: str):
        self.answer = value[:200]

    @rx.event
    def sign(self, _form: dict | None = None):
        """Signer: the service checks everything again and records the signature."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        for f in SIGN_FIELDS:
            setattr(self, f + "_error", "")
        self.errors = []
        answer, self.answer = self.answer, ""
        try:
            submission.sign(info.account_id, info.session_id, self.app_id, agree=self.agree or None,
                            given_names=self.given_names, family_name=self.family_name, answer=answer,
                            ip=client_ip(self))
        except submission.SignatureRefused as exc:
            for e in exc.errors:
                message = t(f"submit.error_{e.code}", lang, attempts=e.details.get("attempts_left", 0)) \
                    if e.code == "answer_wrong" else t(f"submit.error_{e.code}", lang)
                setattr(self, e.field + "_error", message)
                self.errors.append({"field": SIGN_FIELDS[e.field], "message": message})
            return rx.set_focus("error-summary")
        except submission.SignatureLocked:
            # The session is already revoked on the server; this also clears the cookie.
            return rx.call_script(sign_out_script(lang))
        except submission.NotFound:
            self.notice = t("submit.not_found", lang)
            return None
        except submission.FinishError as exc:
            key = f"submit.error_{exc.code}"
            self.errors = [{"field": "agree", "message": t(key if key in catalogue(lang) else "submit.error_generic", lang)}]
            return rx.set_focus("error-summary")
        return rx.redirect(finish_url("vsw_checklist", lang, self.app_id))

    @rx.event
    def withdraw_signature(self):
        """Back to a draft so that answers and documents can change (part A's `reopen`)."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        try:
            applications.reopen(info.account_id, self.app_id, ip=client_ip(self))
        except applications.NotFound:
            self.notice = t("submit.not_found", lang)
            return None
        except applications.NotEditable:
            self.errors = [{"field": "signed-notice", "message": t("submit.error_not_editable", lang)}]
            return rx.set_focus("error-summary")
        return rx.redirect(finish_url("vsw_documents", lang, self.app_id))

    @rx.event
    def load_checklist(self):
        """Step 10: the clients' information; nothing is transmitted yet."""
        lang = page_lang(self)
        self._reset()
        _info, view, event = self._open(lang)
        if view is None:
            return event
        if view.status == "draft":
            return rx.redirect(finish_url("vsw_declaration", lang, view.id), replace=True)
        self.signed_notice = t("submit.signed_on", lang, date=ottawa_date(view.signed_at))
        self.loaded = True
        return None

    @rx.event
    def go(self, page_id: str):
        """Précédent / Continuer between the steps (only to this feature's and part A's pages)."""
        if require_session(self) is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        if page_id not in ("vsw_review", "vsw_documents", "vsw_declaration", "vsw_checklist", "vsw_signature") \
                or page_id not in routes.ROUTES:
            return None
        if page_id == "vsw_review" and self.status != "draft":
            page_id = "vsw_documents"
        return rx.redirect(finish_url(page_id, lang, self.app_id))

    @rx.event
    def exit_questionnaire(self):
        """Quitter le questionnaire: everything is saved already; the session ends."""
        return rx.call_script(sign_out_script(page_lang(self)))


S = FinishSignState


# -- step 8 ------------------------------------------------------------------------------


def _client_switcher(lang: str) -> rx.Component:
    return rx.el.nav(
        rx.el.h2(t("submit.choose_client", lang), id="client-switcher-title"),
        rx.el.ul(rx.foreach(S.clients, lambda c: rx.el.li(
            rx.cond(
                c.position == S.current_client,
                rx.el.strong(c.heading, " (", c.documents_count, ")", aria_current="true"),
                rx.el.a(c.heading, " (", c.documents_count, ")",
                        href="?id=" + S.app_id.to_string() + "&client=" + c.position.to_string()),
            ),
            id="client-row-" + c.position.to_string(),
        ))),
        aria_labelledby="client-switcher-title",
        class_name="client-switcher",
    )


def _uploader_area(lang: str) -> rx.Component:
    if document_uploader is None:
        return rx.el.section(
            rx.el.h2(t("submit.uploader_placeholder_title", lang)),
            rx.el.p(t("submit.uploader_placeholder", lang)),
            class_name="alert uploader-placeholder",
            id="uploader-placeholder",
        )
    return rx.el.section(
        rx.el.h2(S.current_heading, id="uploader-title"),
        document_uploader(lang),
        aria_labelledby="uploader-title",
        id="uploader",
    )


@page("vsw_documents", **paths("liste-de-verification-des-documents", "document-checklist"),
      title_key="submit.documents_title", on_load=FinishSignState.load_documents)
def documents_page(lang: str) -> rx.Component:
    tables = rx.foreach(S.clients, lambda c: checklist_table(lang, c))
    return frame(
        lang, "vsw_documents", "submit.documents_title", S,
        error_summary(lang, S.errors),
        rx.cond(S.signed_notice != "", rx.el.div(
            rx.el.p(S.signed_notice),
            rx.el.button(t("submit.withdraw_signature", lang), type="button", class_name="btn btn-secondary",
                         on_click=S.withdraw_signature, id="withdraw-signature"),
            class_name="alert", id="signed-notice", tab_index=-1,
        )),
        rx.el.section(
            rx.el.h2(t("submit.instructions_title", lang)),
            rx.el.ul(rx.el.li(t("submit.instructions_1", lang)), rx.el.li(t("submit.instructions_2", lang)),
                     rx.el.li(t("submit.instructions_3", lang))),
            class_name="instructions",
        ),
        rx.el.h2(t("submit.checklist_heading", lang)),
        *([_client_switcher(lang)] if document_uploader is not None else [tables]),
        _uploader_area(lang),
        rx.el.p(rx.cond(S.has_fees, t("submit.fees_intro", lang), t("submit.no_fees", lang))),
        fees_panel(lang, S),
        nav_bar(
            nav_button("previous", lang, on_click=S.go("vsw_review")),
            nav_button("continue", lang, primary=True, on_click=S.continue_documents),
            nav_button("exit_questionnaire", lang, on_click=S.exit_questionnaire),
        ),
    )


# -- step 9 ------------------------------------------------------------------------------


def _agree_group(lang: str) -> rx.Component:
    def radio(code: str, key: str, first: bool) -> rx.Component:
        input_id = "agree" if first else f"agree-{code}"
        return rx.el.div(
            rx.el.input(type="radio", id=input_id, name="agree", value=code, checked=S.agree == code,
                        on_change=lambda _v: S.set_agree(code), aria_describedby="agree-error",
                        class_name="radio-input"),
            rx.el.label(t(key, lang), html_for=input_id, class_name="radio-label"),
            class_name="choice",
        )

    return rx.el.div(
        rx.el.fieldset(
            rx.el.legend(t("submit.agree_legend", lang), rx.el.span(" ", t("common.required", lang),
                                                                    class_name="required"), class_name="legend"),
            field_error(lang, S.agree_error, "agree"),
            radio("yes", "submit.agree_yes", True),
            radio("no", "submit.agree_no", False),
            class_name="choices",
            aria_invalid=rx.cond(S.agree_error != "", "true", "false"),
        ),
        class_name=rx.cond(S.agree_error != "", "field field-has-error", "field"),
    )


@page("vsw_declaration", **paths("declaration-solennelle-et-signature", "solemn-declaration-and-signature"),
      title_key="submit.declaration_title", on_load=FinishSignState.load_declaration)
def declaration_page(lang: str) -> rx.Component:
    form = rx.el.form(
        _agree_group(lang),
        rx.el.h2(t("submit.signature_heading", lang)),
        rx.el.p(t("submit.signature_hint", lang), class_name="hint"),
        text_field(lang, "given-names", t("submit.given_names", lang), S.given_names, S.set_given_names,
                   S.given_names_error, autocomplete="given-name", max_length=100),
        text_field(lang, "family-name", t("submit.family_name", lang), S.family_name, S.set_family_name,
                   S.family_name_error, autocomplete="family-name", max_length=100),
        text_field(lang, "answer", S.question, S.answer, S.set_answer, S.answer_error,
                   hint=t("submit.answer", lang), input_type="password", autocomplete="off", max_length=200),
        nav_bar(
            nav_button("previous", lang, on_click=S.go("vsw_documents")),
            rx.el.button(t("submit.sign", lang), type="submit", class_name="btn btn-primary", id="sign"),
            nav_button("exit_questionnaire", lang, on_click=S.exit_questionnaire),
        ),
        on_submit=S.sign,
        no_validate=True,
        id="declaration-form",
    )
    signed = rx.el.div(
        rx.el.p(S.signed_notice),
        nav_bar(
            nav_button("previous", lang, on_click=S.go("vsw_documents")),
            nav_button("continue", lang, primary=True, on_click=S.go("vsw_checklist")),
        ),
        class_name="alert alert-success", id="signed-notice",
    )
    return frame(
        lang, "vsw_declaration", "submit.declaration_title", S,
        error_summary(lang, S.errors),
        rx.el.p(t("submit.declaration_intro", lang)),
        rx.el.h2(t("submit.summary_checklist_title", lang)),
        rx.foreach(S.clients, lambda c: checklist_table(lang, c)),
        fees_panel(lang, S),
        rx.el.section(
            rx.el.h2(t("submit.privacy_title", lang), id="privacy-title"),
            rx.el.p(t("submit.privacy_1", lang)),
            rx.el.p(t("submit.privacy_2", lang)),
            aria_labelledby="privacy-title", class_name="privacy-notice",
        ),
        rx.el.section(
            rx.el.h2(t("submit.statement_title", lang), id="statement-title"),
            rx.el.p(t("submit.statement_1", lang)),
            rx.el.p(t("submit.statement_2", lang)),
            rx.el.p(t("submit.statement_3", lang)),
            aria_labelledby="statement-title", class_name="declaration-text",
        ),
        rx.cond(S.status == "draft", form, signed),
    )


# -- step 10 -----------------------------------------------------------------------------


@page("vsw_checklist", **paths("liste-de-controle-personnelle", "personal-checklist"),
      title_key="submit.checklist_title", on_load=FinishSignState.load_checklist)
def checklist_page(lang: str) -> rx.Component:
    return frame(
        lang, "vsw_checklist", "submit.checklist_title", S,
        rx.el.div(rx.el.p(rx.el.strong(t("submit.not_submitted_warning", lang))), class_name="alert alert-warning",
                  id="not-submitted-warning"),
        rx.el.p(S.signed_notice),
        rx.el.h2(t("submit.clients_title", lang)),
        clients_table(lang, S.clients),
        rx.foreach(S.clients, lambda c: checklist_table(lang, c)),
        fees_panel(lang, S),
        nav_bar(
            nav_button("previous", lang, on_click=S.go("vsw_declaration")),
            nav_button("continue", lang, primary=True, on_click=S.go("vsw_signature")),
            nav_button("exit_questionnaire", lang, on_click=S.exit_questionnaire),
        ),
    )
