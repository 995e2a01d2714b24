"""State of the generic document checklist, « Votre déclaration solennelle et votre
signature électronique » and personal checklist pages, for every program.

The draft's id is in the query (``?id=``); the uploader shows one client at a time
(``&client=<n>``). The program comes from the address. Every handler checks the session
again and passes the acting representative to the services, which check ownership again
(services/casework/submission.py). The declaration's consent questions are the program's
(`Declaration.questions`), held in `consent` by question name.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from rar_app.i18n import catalogue, t, tn
from rar_app.programs.base import Program
from rar_app.services.casework import applications, submission
from rar_app.state.program_nav import page_url, program_here
from rar_app.state.program_rows import ClientRow, Line, open_view, ottawa_date, sign_out_script
from rar_app.state.session import client_ip, hashing_call, page_lang, require_session, sign_in_redirect

try:  # the document uploader (issue 5)
    from rar_app.state.documents import DocumentsState
except ImportError:  # pragma: no cover - depends on the other feature
    DocumentsState = None  # type: ignore[assignment,misc]

SIGN_FIELDS = {"given_names": "given-names", "family_name": "family-name", "answer": "answer"}
# Pages these handlers may send to (page names of the program).
PAGES = ("review", "summary", "document_checklist", "declaration", "checklist", "signature")


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
    # The declaration form (controlled: nothing typed is lost on an error; the answer, read from the
    # submitted form and never kept here, is cleared).
    consent: dict[str, str] = {}  # the program's consent questions, by name
    consent_errors: dict[str, str] = {}
    given_names: str = ""
    family_name: str = ""
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
        self.consent_errors = {k: "" for k in self._consent_names()}

    def _program(self) -> Program | None:
        return program_here(self.router.url.path or "")[0]

    def _consent_names(self) -> list[str]:
        program = self._program()
        if program is None or program.declaration is None:
            return []
        return [q.name for q in program.declaration.questions]

    def _next(self, name: str) -> str:
        program = self._program()
        return program.next_page(name) if program else "signature"

    def _url(self, name: str, lang: str) -> str:
        program = self._program()
        return page_url(program, name, lang, id=self.app_id) if program else "/"

    def _open(self, lang: str) -> tuple[Any, submission.ApplicationView | None, Any]:
        """(session, view, event): view None and event set when the page cannot be shown."""
        info, view, event = open_view(self, lang)
        if view is None:
            return info, None, event
        if view.status == "submitted":
            return info, None, rx.redirect(self._url("submitted", lang), replace=True)
        self.signed_notice = (t("submit.signed_notice", lang, date=ottawa_date(view.signed_at))
                              if view.status in ("signed", "paying") else "")
        return info, view, None

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
            from rar_app.services.casework import documents  # noqa: PLC0415 (the uploader's service)

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
        return rx.redirect(self._url(self._next("document_checklist"), lang))

    @rx.event
    def load_declaration(self):
        """Step 9: checklist, fees, privacy notice, declaration and signature."""
        lang = page_lang(self)
        self._reset()
        info, view, event = self._open(lang)
        if view is None:
            return event
        if view.status == "draft" and view.missing_documents:
            return rx.redirect(self._url("document_checklist", lang), replace=True)
        program = self._program()
        self.question = ""
        if program is None or program.declaration is None or program.declaration.security_question:
            try:
                q = submission.signature_question(info.account_id, info.session_id, view.id)
                self.question = t("submit.question_label", lang, question=q.text(lang))
            except submission.FinishError:
                self.question = ""
        self.loaded = True
        return None

    @rx.event
    def set_consent(self, name: str, value: str):
        program = self._program()
        if program is None or program.declaration is None:
            return
        for q in program.declaration.questions:
            if q.name == name and value in {o.code for o in q.options}:  # type: ignore[union-attr]
                self.consent = {**self.consent, name: value}

    @rx.event
    def set_given_names(self, value: str):
        self.given_names = value[:100]

    @rx.event
    def set_family_name(self, value: str):
        self.family_name = value[:100]

    @rx.event
    async def sign(self, form: dict | None = None):
        """Signer: the service checks everything again and records the signature."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        for f in SIGN_FIELDS:
            setattr(self, f + "_error", "")
        names = self._consent_names()
        consent_errors = {k: "" for k in names}
        self.errors = []
        # The security answer is read from the form, never kept in this state.
        answer = str((form or {}).get("answer") or "")[:200]
        try:
            await hashing_call(submission.sign, info.account_id, info.session_id, self.app_id,
                               consent={k: self.consent.get(k, "") for k in names},
                               given_names=self.given_names, family_name=self.family_name, answer=answer,
                               ip=client_ip(self))
        except submission.SignatureRefused as exc:
            for e in exc.errors:
                left = int(e.details.get("attempts_left", 0))
                message = tn(f"submit.error_{e.code}", lang, left, attempts=left) \
                    if e.code == "answer_wrong" else t(f"submit.error_{e.code}", lang)
                if e.field in consent_errors:
                    consent_errors[e.field] = message
                    self.errors.append({"field": e.field, "message": message})
                else:
                    setattr(self, e.field + "_error", message)
                    self.errors.append({"field": SIGN_FIELDS[e.field], "message": message})
            self.consent_errors = consent_errors
            return [rx.set_value("answer", ""), rx.set_focus("error-summary")]
        except submission.SignatureLocked:
            # The session is already revoked on the server; this also clears the cookie.
            return rx.call_script(sign_out_script(lang))
        except submission.NotFound:
            self.notice = t("submit.not_found", lang)
            return None
        except submission.FinishError as exc:
            key = f"submit.error_{exc.code}"
            first = names[0] if names else "given-names"
            self.errors = [{"field": first, "message": t(key if key in catalogue(lang) else "submit.error_generic", lang)}]
            return rx.set_focus("error-summary")
        return rx.redirect(self._url(self._next("declaration"), lang))

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
        program = self._program()
        back = "document_checklist" if program and "document_checklist" in program.finish_pages else "review"
        return rx.redirect(self._url(back, lang))

    @rx.event
    def load_summary(self):
        """A program's summary page (« sommaire des quatre étapes »): the draft must be there."""
        lang = page_lang(self)
        self._reset()
        _info, view, event = self._open(lang)
        self.loaded = True
        return event if view is None else None

    @rx.event
    def load_checklist(self):
        """Step 10: the clients' information; nothing is transmitted yet."""
        lang = page_lang(self)
        self._reset()
        _info, view, event = self._open(lang)
        if view is None:
            return event
        if view.status == "draft":
            return rx.redirect(self._url("declaration", lang), replace=True)
        self.signed_notice = t("submit.signed_on", lang, date=ottawa_date(view.signed_at))
        self.loaded = True
        return None

    @rx.event
    def go(self, name: str):
        """Précédent / Continuer between the pages after the review (only to those pages)."""
        if require_session(self) is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        if name not in PAGES or self._program() is None:
            return None
        if name == "review" and self.status != "draft":
            name = self._next("review")
        return rx.redirect(self._url(name, lang))

    @rx.event
    def exit_questionnaire(self):
        """Quitter le questionnaire: everything is saved already; the session ends."""
        return rx.call_script(sign_out_script(page_lang(self)))


