"""Sign-in with the portal's own credential (GCKey-like). The Sign-In Partner
(OpenID Connect) and the security question come with the accounts feature."""

from __future__ import annotations

import json

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, text_field
from rar_app.pages.registry import page
from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.services import accounts, sessions
from rar_app.state.session import client_ip, page_lang

MODIFIED = "2026-11-27"


def establish_url(ticket: str, next_path: str) -> str:
    from urllib.parse import urlencode

    return "/api/session/establish?" + urlencode({"ticket": ticket, "next": next_path})


class SignInState(rx.State):
    username: str = ""
    password: str = ""
    username_error: str = ""
    password_error: str = ""
    errors: list[dict[str, str]] = []

    @rx.event
    def set_username(self, value: str):
        self.username = value

    @rx.event
    def set_password(self, value: str):
        self.password = value

    @rx.event
    def submit(self):
        lang = page_lang(self)
        self.username_error = "" if self.username.strip() else t("auth.error_username_required", lang)
        self.password_error = "" if self.password else t("auth.error_password_required", lang)
        self.errors = [
            {"field": f, "message": m}
            for f, m in (("username", self.username_error), ("password", self.password_error))
            if m
        ]
        if self.errors:
            return rx.set_focus("error-summary")
        try:
            with session_scope() as db:
                account = accounts.authenticate(db, self.username, self.password, ip=client_ip(self))
                token = sessions.create(db, account, ip=client_ip(self), user_agent=self.router.headers.user_agent)
                ticket = sessions.issue_ticket(db, token)
        except accounts.AuthenticationFailed:
            self.password = ""
            self.errors = [{"field": "username", "message": t("auth.error_bad_credentials", lang)}]
            return rx.set_focus("error-summary")
        self.password = ""
        self.errors = []
        # The portal stays in the language the person is using; their account's
        # preference decides e-mails and the language after a profile change.
        url = establish_url(ticket, routes.url("home", lang))
        # A full navigation: the HTTP response sets the HttpOnly cookie, and the
        # new page opens a websocket that carries it.
        return rx.call_script(f"window.location.assign({json.dumps(url)})")


@page("sign_in", fr="/fr/connexion", en="/en/sign-in", title_key="auth.sign_in_title", protected=False)
def sign_in_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "sign_in",
        t("auth.sign_in_title", lang),
        error_summary(lang, SignInState.errors),
        rx.el.p(t("auth.sign_in_intro", lang)),
        rx.el.form(
            text_field(lang, "username", t("auth.username", lang), SignInState.username, SignInState.set_username,
                       SignInState.username_error, help_text=t("auth.username_help", lang), autocomplete="username"),
            text_field(lang, "password", t("auth.password", lang), SignInState.password, SignInState.set_password,
                       SignInState.password_error, input_type="password", autocomplete="current-password"),
            rx.el.div(
                rx.el.button(t("auth.sign_in", lang), type="submit", class_name="btn btn-primary", id="sign-in-submit"),
                class_name="nav-bar",
            ),
            on_submit=SignInState.submit,
            prevent_default=True,
            no_validate=True,
            id="sign-in-form",
        ),
        rx.el.p(rx.el.span(t("auth.forgot_password", lang)), " ", rx.el.em(t("common.coming_soon", lang))),
        rx.el.p(t("auth.demo_hint", lang), class_name="hint"),
        modified=MODIFIED,
    )


@page("signed_out", fr="/fr/session-fermee", en="/en/signed-out", title_key="auth.signed_out_title", protected=False)
def signed_out_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "signed_out",
        t("auth.signed_out_title", lang),
        rx.el.p(t("auth.signed_out_body", lang)),
        rx.el.p(rx.el.a(t("auth.sign_in_again", lang), href=routes.url("sign_in", lang), class_name="btn btn-primary")),
        modified=MODIFIED,
    )
