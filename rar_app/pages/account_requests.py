"""Requests an administrator decides, made from the profile:

- name change: the web form's request type "Difficultés techniques" with a
  required proof document. The file goes through a drop zone (rx.upload) straight
  into the document store (never Reflex's public upload folder), after the same
  content checks as client documents, as a document owned by the account and
  attached to no application; the request then names that document;
- account closure, after an explicit confirmation.

The proof is stored and discarded by services/casework/account_proofs.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, field_error, nav_bar, text_field
from rar_app.components.wizard_form import confirm_panel
from rar_app.i18n import t
from rar_app.pages.account_common import ACCOUNT_ROLES, blank, focus_later, form_errors, one_error, status_message
from rar_app.pages.account_profile import back_to_profile
from rar_app.pages.registry import page
from rar_app.services.identity import accounts, own_account
from rar_app.services.casework import account_proofs, document_intake, documents
from rar_app.services.casework.document_errors import StorageUnavailable
from rar_app.services import transactions
from rar_app.settings import get_settings
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

MODIFIED = "2026-11-29"
UPLOAD_ID = "proof-upload"
ACCEPT = {"application/pdf": [".pdf"], "image/*": [".jpg", ".jpeg", ".png", ".tif", ".tiff"]}


def megabytes(n: int, lang: str) -> str:
    """4194304 → "4 Mo" / "4 MB" (the upload limit, as the document service words it)."""
    value = n / (1024 * 1024)
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return f"{text.replace('.', ',') if lang == 'fr' else text} {'Mo' if lang == 'fr' else 'MB'}"


NAME_FIELDS = ("family_name", "given_names", "proof")


class NameChangeState(rx.State):
    values: dict[str, str] = blank(NAME_FIELDS[:2])
    field_errors: dict[str, str] = blank(NAME_FIELDS)
    errors: list[dict[str, str]] = []
    proof_name: str = ""
    uploading: bool = False
    status: str = ""
    sent: bool = False
    _proof_id: int = 0

    @rx.event
    def load(self):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        profile = transactions.run(own_account.get_profile, info.account_id)
        self.values = {"family_name": profile.family_name, "given_names": profile.given_names}
        self.field_errors = blank(NAME_FIELDS)
        self.errors = []
        self.proof_name = ""
        self._proof_id = 0
        self.uploading = False
        self.status = ""
        self.sent = False
        return None

    @rx.event
    def set_value(self, field: str, value: str):
        if field in ("family_name", "given_names"):
            self.values[field] = str(value)[:150]

    @rx.event
    def begin_upload(self):
        self.uploading = True
        self.status = ""

    @rx.event
    async def receive_proof(self, files: list[rx.UploadFile]):
        """The drop zone's file: checked and stored at once; the request names it when sent."""
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            self.uploading = False
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.uploading = False
        if not files:
            return None
        upload = files[0]
        try:
            doc_id, name = await asyncio.to_thread(account_proofs.store_proof, info.account_id, upload.filename or "", upload,
                                                   client_ip(self))
        except documents.DocumentRefused as refusal:
            self.field_errors, self.errors = one_error("proof", refusal.message(lang), NAME_FIELDS)
            return focus_later("error-summary")
        except StorageUnavailable:
            self.field_errors, self.errors = one_error("proof", t("common.error_generic", lang), NAME_FIELDS)
            return focus_later("error-summary")
        if self._proof_id:
            await asyncio.to_thread(account_proofs.discard_proof, info.account_id, self._proof_id)
        self._proof_id = doc_id
        self.proof_name = name
        self.field_errors["proof"] = ""
        self.errors = [e for e in self.errors if e["field"] != "proof"]
        self.status = t("account.proof_received", lang, name=name)
        return None

    @rx.event
    def rejected(self, _rejections: list[dict]):
        lang = page_lang(self)
        self.uploading = False
        self.field_errors, self.errors = one_error(
            "proof", t("account.proof_rejected", lang, formats=document_intake.ACCEPTED_LABELS), NAME_FIELDS)
        return focus_later("error-summary")

    @rx.event
    def submit(self, _form: dict | None = None):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.status = ""
        try:
            transactions.run(own_account.request_name_change, info.account_id, family_name=self.values["family_name"],
                          given_names=self.values["given_names"],
                          document_id=self._proof_id or None, ip=client_ip(self))
        except accounts.ValidationFailed as exc:
            self.field_errors, self.errors = form_errors(exc.errors, lang, NAME_FIELDS)
            return rx.set_focus("error-summary")
        except accounts.AccountError as exc:  # request_already_open
            self.field_errors, self.errors = one_error("family_name", exc.message(lang), NAME_FIELDS)
            return rx.set_focus("error-summary")
        self._proof_id = 0
        self.proof_name = ""
        self.field_errors = blank(NAME_FIELDS)
        self.errors = []
        self.sent = True
        self.status = t("account.name_change_sent", lang)
        return focus_later("form-status")


def _hidden_input(zone: rx.Component) -> rx.Component:
    """The drop zone's own <input type=file> is out of the tab order (react-dropzone);
    the button inside is the control, so hide the input from assistive technologies too."""
    from reflex_components_core.el.elements.forms import Input

    def walk(component: Any) -> None:
        for child in getattr(component, "children", []) or []:
            if isinstance(child, Input):
                child.custom_attrs = {**child.custom_attrs, "aria-hidden": "true"}
                return
            walk(child)

    walk(zone)
    return zone


def proof_field(lang: str) -> rx.Component:
    S = NameChangeState
    limit = megabytes(get_settings().max_upload_bytes, lang)
    return rx.el.div(
        rx.el.div(
            rx.el.span(t("account.proof", lang), " ", rx.el.span(t("common.required", lang), class_name="required"),
                       id="proof-label", class_name="label"),
            class_name="label-row",
        ),
        rx.el.p(t("account.proof_hint", lang, formats=document_intake.ACCEPTED_LABELS, limit=limit), class_name="hint",
                id="proof-hint"),
        field_error(lang, S.field_errors["proof"], "proof"),
        _hidden_input(rx.upload.root(
            rx.el.button(
                t("account.choose_file", lang),
                type="button", class_name="btn btn-secondary", id="proof",
                aria_describedby="proof-label proof-hint proof-error proof-file",
            ),
            id=UPLOAD_ID,
            on_drop=[S.begin_upload, S.receive_proof(rx.upload_files(upload_id=UPLOAD_ID))],
            on_drop_rejected=S.rejected,
            accept=ACCEPT,
            multiple=False,
            no_keyboard=True,
        )),
        rx.el.p(
            rx.cond(
                S.uploading,
                rx.el.span(t("common.loading", lang)),
                rx.cond(S.proof_name != "",
                        rx.el.span(t("account.selected_file", lang), " ", rx.el.strong(S.proof_name)),
                        rx.el.span(t("account.no_file", lang))),
            ),
            id="proof-file",
            aria_live="polite",
        ),
        class_name=rx.cond(S.field_errors["proof"] != "", "field field-has-error", "field"),
    )


@page("name_change", fr="/fr/profil-du-compte/changement-de-nom", en="/en/account-profile/name-change",
      title_key="account.name_change_title", roles=ACCOUNT_ROLES, on_load=NameChangeState.load)
def name_change_page(lang: str) -> rx.Component:
    S = NameChangeState
    return page_template(
        lang,
        "name_change",
        t("account.name_change_title", lang),
        status_message(S.status),
        error_summary(lang, S.errors),
        rx.el.p(t("account.name_change_intro", lang)),
        rx.cond(
            S.sent,
            nav_bar(back_to_profile(lang)),
            rx.el.form(
                rx.el.p(rx.el.strong(t("account.request_type", lang)), " ",
                        rx.el.span(t("account.technical_difficulties", lang), id="request-type")),
                text_field(lang, "family_name", t("account.new_family_name", lang), S.values["family_name"],
                           lambda v: S.set_value("family_name", v), S.field_errors["family_name"],
                           autocomplete="family-name", max_length=100),
                text_field(lang, "given_names", t("account.new_given_names", lang), S.values["given_names"],
                           lambda v: S.set_value("given_names", v), S.field_errors["given_names"],
                           autocomplete="given-name", required=False, max_length=100),
                proof_field(lang),
                nav_bar(rx.el.button(t("account.send_request", lang), type="submit", class_name="btn btn-primary",
                                     id="name-change-submit"), back_to_profile(lang)),
                on_submit=S.submit, prevent_default=True, no_validate=True, id="name-change-form",
            ),
        ),
        modified=MODIFIED,
    )


# ---------------------------------------------------------------------------
# Fermeture du compte


class ClosureState(rx.State):
    reason: str = ""
    confirming: bool = False
    sent: bool = False
    status: str = ""
    errors: list[dict[str, str]] = []

    @rx.event
    def load(self):
        if require_session(self, ACCOUNT_ROLES) is None:
            return sign_in_redirect(self)
        self.reason = ""
        self.confirming = False
        self.sent = False
        self.status = ""
        self.errors = []
        return None

    @rx.event
    def set_reason(self, value: str):
        self.reason = str(value)[:1000]

    @rx.event
    def ask(self, _form: dict | None = None):
        if require_session(self, ACCOUNT_ROLES) is None:
            return sign_in_redirect(self)
        self.confirming = True
        return focus_later("closure-confirm")

    @rx.event
    def cancel(self):
        self.confirming = False
        return focus_later("closure-ask")

    @rx.event
    def confirm(self):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.confirming = False
        try:
            transactions.run(own_account.request_closure, info.account_id, reason=self.reason, ip=client_ip(self))
        except accounts.AccountError as exc:  # request_already_open
            self.errors = [{"field": "reason", "message": exc.message(lang)}]
            return focus_later("error-summary")
        self.errors = []
        self.sent = True
        self.status = t("account.closure_sent", lang)
        return focus_later("form-status")


@page("account_closure", fr="/fr/profil-du-compte/fermeture", en="/en/account-profile/close-account",
      title_key="account.closure_title", roles=ACCOUNT_ROLES, on_load=ClosureState.load)
def closure_page(lang: str) -> rx.Component:
    S = ClosureState
    return page_template(
        lang,
        "account_closure",
        t("account.closure_title", lang),
        status_message(S.status),
        error_summary(lang, S.errors),
        rx.el.p(t("account.closure_intro", lang)),
        rx.cond(
            S.sent,
            nav_bar(back_to_profile(lang)),
            rx.el.form(
                rx.el.div(
                    rx.el.div(rx.el.label(t("account.closure_reason", lang), html_for="reason"), class_name="label-row"),
                    rx.el.textarea(value=S.reason, on_change=S.set_reason, id="reason", name="reason", rows=3,
                                   max_length=1000, class_name="input"),
                    class_name="field",
                ),
                rx.cond(
                    S.confirming,
                    confirm_panel(
                        "closure-confirm", t("account.closure_confirm_title", lang),
                        t("account.closure_confirm_body", lang),
                        rx.el.button(t("account.closure_confirm_yes", lang), type="button", on_click=S.confirm,
                                     class_name="btn btn-danger", id="closure-yes"),
                        rx.el.button(t("account.closure_confirm_no", lang), type="button", on_click=S.cancel,
                                     class_name="btn btn-secondary", id="closure-no"),
                    ),
                    nav_bar(rx.el.button(t("account.closure_submit", lang), type="submit",
                                         class_name="btn btn-danger", id="closure-ask"), back_to_profile(lang)),
                ),
                on_submit=S.ask, prevent_default=True, no_validate=True, id="closure-form",
            ),
        ),
        modified=MODIFIED,
    )
