""""Modifier votre mot de passe": the current password, the new one and its
confirmation. The other sessions of the account are closed; this one stays."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, nav_bar, text_field
from rar_app.i18n import t
from rar_app.pages.account_common import (
    ACCOUNT_ROLES,
    blank,
    form_errors,
    one_error,
    password_rules,
    session_token,
    status_message,
)
from rar_app.pages.registry import page
from rar_app.services.identity import accounts, own_account
from rar_app.services import transactions
from rar_app.state.session import client_ip, hashing_call, page_lang, require_session, sign_in_redirect

MODIFIED = "2026-11-29"

FIELDS = ("current_password", "new_password", "new_password_confirmation")


def clear_fields(fields) -> list:
    """Empty these (uncontrolled) inputs in the browser."""
    return [rx.set_value(f, "") for f in fields]


class ChangePasswordState(rx.State):
    # No password is kept here (this state goes to Redis and the browser): `submit`
    # reads them from the submitted form.
    field_errors: dict[str, str] = blank(FIELDS)
    errors: list[dict[str, str]] = []
    status: str = ""

    @rx.event
    def load(self):
        self.field_errors = blank(FIELDS)
        self.errors = []
        self.status = ""
        if require_session(self, ACCOUNT_ROLES) is None:
            return sign_in_redirect(self)
        return None

    @rx.event
    async def submit(self, form: dict | None = None):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.status = ""
        v = {f: str((form or {}).get(f) or "")[:200] for f in FIELDS}
        if not v["current_password"]:
            self.field_errors, self.errors = form_errors(
                [accounts.FieldError("current_password", "required")], lang, FIELDS)
            return rx.set_focus("error-summary")
        try:
            await hashing_call(transactions.run, own_account.change_password, info.account_id,
                               v["current_password"], v["new_password"], v["new_password_confirmation"],
                               ip=client_ip(self), keep_session_token=session_token(self))
        except accounts.ValidationFailed as exc:
            self.field_errors, self.errors = form_errors(exc.errors, lang, FIELDS)
            return [*clear_fields(FIELDS), rx.set_focus("error-summary")]
        except accounts.AccountError as exc:  # throttled
            self.field_errors, self.errors = one_error("current_password", exc.message(lang), FIELDS)
            return [*clear_fields(FIELDS), rx.set_focus("error-summary")]
        self.field_errors = blank(FIELDS)
        self.errors = []
        self.status = t("account.password_changed", lang)
        return [*clear_fields(FIELDS), rx.set_focus("form-status")]


@page("change_password", fr="/fr/modifier-mot-de-passe", en="/en/change-password", title_key="home.change_password",
      roles=ACCOUNT_ROLES, on_load=ChangePasswordState.load)
def change_password_page(lang: str) -> rx.Component:
    S = ChangePasswordState
    return page_template(
        lang,
        "change_password",
        t("home.change_password", lang),
        status_message(S.status),
        error_summary(lang, S.errors),
        rx.el.form(
            text_field(lang, "current_password", t("account.current_password", lang), None, None, S.field_errors["current_password"],
                       input_type="password", autocomplete="current-password"),
            password_rules(lang),
            text_field(lang, "new_password", t("auth.new_password", lang), None, None, S.field_errors["new_password"],
                       input_type="password", autocomplete="new-password"),
            text_field(lang, "new_password_confirmation", t("auth.new_password_confirmation", lang),
                       None, None,
                       S.field_errors["new_password_confirmation"], input_type="password",
                       autocomplete="new-password"),
            nav_bar(
                rx.el.button(t("account.save", lang), type="submit", class_name="btn btn-primary",
                             id="change-password-submit"),
                rx.el.a(t("account.back_to_profile", lang), href=routes.url("profile", lang),
                        class_name="btn btn-secondary"),
            ),
            on_submit=S.submit,
            prevent_default=True,
            no_validate=True,
            id="change-password-form",
        ),
        modified=MODIFIED,
    )
