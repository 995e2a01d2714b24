"""The second factor's pages (services/identity/second_factor.py):

- « Code de vérification »: during sign-in (session stage "totp"), the one-time code
  (or a recovery code) after the password;
- « Authentification multifacteur »: enrolment (QR code and the key as text, then the
  first code, then the recovery codes shown once). Administrators and staff come here
  during their first sign-in (stage "totp_setup") and continue to the portal from it;
  representatives come from their profile (full session) and may also turn it off.

The codes are read from the submitted form, never kept in the state."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, nav_bar, text_field
from rar_app.i18n import t
from rar_app.pages.account_common import (
    ACCOUNT_ROLES, browser_key, establish, focus_later, landing_for, session_token, status_message,
)
from rar_app.pages.registry import page
from rar_app.services.identity import accounts, second_factor, sessions
from rar_app.state.session import client_ip, page_lang, require_session

MODIFIED = "2026-12-04"


def _code_field(lang: str, error: rx.Var, field_id: str = "code") -> rx.Component:
    return text_field(lang, field_id, t("totp.code_label", lang), None, None, error, hint=t("totp.code_hint", lang),
                      autocomplete="one-time-code", input_mode="numeric", auto_capitalize="none",
                      spell_check=False, max_length=20)


def _sign_in_again(lang: str, flag: str = "expired"):
    return rx.redirect(routes.url("sign_in", lang) + f"?{flag}=1", replace=True)


class TotpVerifyState(rx.State):
    code_error: str = ""
    errors: list[dict[str, str]] = []

    @rx.event
    def load(self):
        lang = page_lang(self)
        self.code_error = ""
        self.errors = []
        token = session_token(self)
        if second_factor.sign_in_stage(token) == "totp":
            return None
        info = sessions.full_session(token, touch=False)
        if info is not None:  # a reload after success
            return rx.redirect(landing_for(info.role, lang), replace=True)
        return _sign_in_again(lang)

    def _refused(self, message: str):
        self.code_error = message
        self.errors = [{"field": "code", "message": message}]
        return [rx.set_value("code", ""), rx.set_focus("error-summary")]

    @rx.event
    def submit(self, form: dict | None = None):
        lang = page_lang(self)
        code = str((form or {}).get("code") or "")[:40]
        if not code.strip():
            return self._refused(t("totp.error_code_required", lang))
        key = browser_key(self)
        if not key:
            return _sign_in_again(lang)
        try:
            passed = second_factor.answer_code(session_token(self), code, ip=client_ip(self),
                                               user_agent=self.router.headers.user_agent or "", browser_key=key)
        except second_factor.SecondFactorError as exc:
            if exc.code == "locked":
                return _sign_in_again(lang, "locked")
            return self._refused(exc.message(lang))
        except accounts.SessionInvalid:
            return _sign_in_again(lang)
        except accounts.AccountError as exc:  # throttled
            return self._refused(exc.message(lang))
        self.code_error = ""
        self.errors = []
        return establish(passed.ticket, landing_for(passed.role, lang))


@page("totp_verify", fr="/fr/code-de-verification", en="/en/verification-code", title_key="totp.verify_title",
      protected=False, on_load=TotpVerifyState.load)
def totp_verify_page(lang: str) -> rx.Component:
    S = TotpVerifyState
    return page_template(
        lang,
        "totp_verify",
        t("totp.verify_title", lang),
        error_summary(lang, S.errors),
        rx.el.p(t("totp.verify_intro", lang)),
        rx.el.form(
            _code_field(lang, S.code_error),
            nav_bar(
                rx.el.button(t("totp.verify_submit", lang), type="submit", class_name="btn btn-primary",
                             id="totp-submit"),
                rx.el.a(t("totp.cancel", lang), href=routes.url("sign_in", lang), class_name="btn btn-secondary",
                        id="totp-cancel"),
            ),
            on_submit=S.submit,
            prevent_default=True,
            no_validate=True,
            id="totp-form",
        ),
        modified=MODIFIED,
    )


class TotpSetupState(rx.State):
    ready: bool = False
    during_sign_in: bool = False  # stage "totp_setup": continue to the portal afterwards
    enrolled: bool = False
    required: bool = False
    recovery_left: int = 0
    # Shown to the person by design (the QR code carries the same key); never a typed secret.
    qr: str = ""
    key_text: str = ""
    recovery_codes: list[str] = []
    code_error: str = ""
    disable_error: str = ""
    errors: list[dict[str, str]] = []
    status: str = ""

    @rx.event
    def load(self):
        lang = page_lang(self)
        self.code_error = self.disable_error = self.status = ""
        self.errors = []
        self.recovery_codes = []
        token = session_token(self)
        stage = second_factor.sign_in_stage(token)
        if stage not in ("totp_setup", "full"):
            self.ready = False
            return _sign_in_again(lang)
        try:
            details, _enrolled = second_factor.setup_for_session(token)
        except accounts.AccountError:
            self.ready = False
            return _sign_in_again(lang)
        self.during_sign_in = stage == "totp_setup"
        info = sessions.lookup(token, touch=False)
        if info is not None:
            state = second_factor.status_for(info.account_id)
            self.enrolled, self.required, self.recovery_left = (state["enrolled"], state["required"],
                                                                state["recovery_left"])
        self.qr = details.qr_data_uri
        self.key_text = details.secret_grouped
        self.ready = True
        return None

    def _refused(self, field: str, message: str):
        if field == "code":
            self.code_error = message
        else:
            self.disable_error = message
        self.errors = [{"field": field, "message": message}]
        return [rx.set_value(field, ""), rx.set_focus("error-summary")]

    @rx.event
    def confirm(self, form: dict | None = None):
        lang = page_lang(self)
        code = str((form or {}).get("code") or "")[:40]
        if not code.strip():
            return self._refused("code", t("totp.error_code_required", lang))
        try:
            codes = second_factor.confirm_for_session(session_token(self), code, ip=client_ip(self))
        except accounts.SessionInvalid:
            return _sign_in_again(lang)
        except accounts.AccountError as exc:  # wrong code, throttled, set-up expired
            return self._refused("code", exc.message(lang))
        self.code_error = ""
        self.errors = []
        self.recovery_codes = codes
        self.enrolled = True
        self.recovery_left = len(codes)
        self.qr = self.key_text = ""
        self.status = t("totp.enabled_status", lang)
        return focus_later("form-status")

    @rx.event
    def finish(self):
        """During sign-in, once enrolled: the full session."""
        lang = page_lang(self)
        key = browser_key(self)
        try:
            passed = second_factor.finish_setup(session_token(self), ip=client_ip(self),
                                                user_agent=self.router.headers.user_agent or "", browser_key=key)
        except accounts.AccountError:
            return _sign_in_again(lang)
        if not passed.ticket:
            return _sign_in_again(lang)
        self.recovery_codes = []
        return establish(passed.ticket, landing_for(passed.role, lang))

    @rx.event
    def disable(self, form: dict | None = None):
        lang = page_lang(self)
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return _sign_in_again(lang)
        code = str((form or {}).get("disable_code") or "")[:40]
        if not code.strip():
            return self._refused("disable_code", t("totp.error_code_required", lang))
        try:
            second_factor.disable_for(info.account_id, code, ip=client_ip(self))
        except accounts.AccountError as exc:
            return self._refused("disable_code", exc.message(lang))
        self.errors = []
        self.disable_error = ""
        self.enrolled = False
        self.status = t("totp.disabled_status", lang)
        return focus_later("form-status")


def _setup_form(lang: str) -> rx.Component:
    S = TotpSetupState
    return rx.el.form(
        rx.el.p(t("totp.setup_step1", lang)),
        rx.el.p(t("totp.setup_step2", lang)),
        rx.el.img(src=S.qr, alt=t("totp.qr_alt", lang), id="totp-qr", width="240", height="240",
                  class_name="totp-qr"),
        rx.el.p(t("totp.manual_key", lang), " ", rx.el.code(S.key_text, id="totp-key", class_name="totp-key")),
        rx.el.p(t("totp.setup_step3", lang)),
        _code_field(lang, S.code_error),
        nav_bar(rx.el.button(t("totp.setup_submit", lang), type="submit", class_name="btn btn-primary",
                             id="totp-setup-submit")),
        on_submit=S.confirm,
        prevent_default=True,
        no_validate=True,
        id="totp-setup-form",
    )


@page("totp_setup", fr="/fr/authentification-multifacteur", en="/en/multi-factor-authentication",
      title_key="totp.setup_title", protected=False, on_load=TotpSetupState.load)
def totp_setup_page(lang: str) -> rx.Component:
    S = TotpSetupState
    return page_template(
        lang,
        "totp_setup",
        t("totp.setup_title", lang),
        error_summary(lang, S.errors),
        status_message(S.status),
        rx.el.p(t("totp.setup_intro", lang)),
        rx.cond(
            S.ready,
            rx.fragment(
                rx.cond(S.required, rx.el.p(t("totp.setup_required", lang), class_name="alert", id="totp-required"),
                        rx.el.p(t("totp.setup_offered", lang))),
                rx.cond(
                    S.recovery_codes.length() > 0,
                    rx.el.section(
                        rx.el.h2(t("totp.codes_heading", lang)),
                        rx.el.p(t("totp.codes_intro", lang)),
                        rx.el.ul(rx.foreach(S.recovery_codes, lambda c: rx.el.li(rx.el.code(c))),
                                 id="recovery-codes", class_name="recovery-codes"),
                        rx.cond(
                            S.during_sign_in,
                            nav_bar(rx.el.button(t("totp.continue", lang), type="button", class_name="btn btn-primary",
                                                 on_click=S.finish, id="totp-continue")),
                            nav_bar(rx.el.a(t("totp.back_to_profile", lang), href=routes.url("profile", lang),
                                            class_name="btn btn-secondary", id="totp-back")),
                        ),
                        class_name="home-section",
                    ),
                    rx.fragment(
                        rx.cond(
                            S.enrolled,
                            rx.el.p(t("totp.setup_status_on", lang), " ", t("totp.recovery_left", lang), " ",
                                    rx.el.strong(S.recovery_left), id="totp-status"),
                            rx.el.p(t("totp.setup_status_off", lang), id="totp-status"),
                        ),
                        rx.el.section(
                            rx.cond(S.enrolled, rx.el.h2(t("totp.replace_heading", lang)),
                                    rx.el.h2(t("totp.setup_title", lang))),
                            _setup_form(lang),
                            class_name="home-section",
                        ),
                        rx.cond(
                            S.enrolled & ~S.required & ~S.during_sign_in,
                            rx.el.section(
                                rx.el.h2(t("totp.disable_heading", lang)),
                                rx.el.p(t("totp.disable_intro", lang)),
                                rx.el.form(
                                    _code_field(lang, S.disable_error, "disable_code"),
                                    nav_bar(rx.el.button(t("totp.disable_submit", lang), type="submit",
                                                         class_name="btn btn-secondary", id="totp-disable-submit")),
                                    on_submit=S.disable,
                                    prevent_default=True,
                                    no_validate=True,
                                    id="totp-disable-form",
                                ),
                                class_name="home-section",
                            ),
                        ),
                        rx.cond(~S.during_sign_in,
                                rx.el.p(rx.el.a(t("totp.back_to_profile", lang), href=routes.url("profile", lang),
                                                id="totp-back"))),
                    ),
                ),
            ),
            rx.el.p(t("common.loading", lang), class_name="hint"),
        ),
        modified=MODIFIED,
    )
