"""Sign-in: the portal's own credential (GCKey-like) or the Sign-In Partner
(OpenID Connect, /api/oidc/start). Either one gives a session in stage
"challenge"; the security question page (account_challenge.py) completes it.

Every refusal shows the accounts service's message in the page's language;
none of them tells whether a username exists."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.account_common import browser_key, establish, notice
from rar_app.pages.registry import page
from rar_app.services.identity import accounts, oidc, signin
from rar_app.settings import get_settings
from rar_app.state.session import client_ip, hashing_call, page_lang

MODIFIED = "2026-11-29"

__all__ = ["SignInState"]


def notice_for(query: dict[str, str], lang: str) -> str:
    """The message a redirect to the sign-in page asks for (?expired=1, ?locked=1,
    ?reset=1, ?oidc_error=<code>)."""
    if query.get("oidc_error"):
        code = query["oidc_error"]
        return accounts.message(code if code in accounts.MESSAGES else "provider_error", lang)
    if query.get("locked") == "1":
        return accounts.message("challenge_locked", lang)
    if query.get("reset") == "1":
        return t("auth.password_reset_done", lang)
    if query.get("expired") == "1":
        return t("auth.session_expired", lang)
    return ""


class SignInState(rx.State):
    # Neither the username nor the password is kept here: `submit` reads both from the
    # submitted form. The password because this state goes to Redis and the browser; the
    # username because a controlled box is rewritten by any state update that arrives
    # after the user typed (a slow first load emptied it), and the browser keeps an
    # uncontrolled box's text on a refusal anyway.
    username_error: str = ""
    password_error: str = ""
    errors: list[dict[str, str]] = []
    notice: str = ""
    # Settings read at run time (the page is compiled once): a Sign-In Partner is set up
    # (or the demo one runs); the demo sign-in is published (demo mode).
    partner_available: bool = True
    demo_partner: bool = False
    demo_mode: bool = False

    @rx.event
    def load(self):
        settings = get_settings()
        self.partner_available = oidc.is_configured(settings)
        self.demo_partner = settings.demo_partner
        self.demo_mode = settings.demo_mode
        self.username_error = self.password_error = ""
        self.errors = []
        self.notice = notice_for(dict(self.router.url.query_parameters), page_lang(self))

    @rx.event
    async def submit(self, form: dict | None = None):
        lang = page_lang(self)
        form = form or {}
        username = str(form.get("username") or "")[:100]
        password = str(form.get("password") or "")[:200]
        self.notice = ""
        self.username_error = "" if username.strip() else t("auth.error_username_required", lang)
        self.password_error = "" if password else t("auth.error_password_required", lang)
        self.errors = [
            {"field": f, "message": m}
            for f, m in (("username", self.username_error), ("password", self.password_error))
            if m
        ]
        if self.errors:
            return rx.set_focus("error-summary")
        key = browser_key(self)
        if not key:  # the page was not loaded from this portal in this browser (or cookies are off)
            self.errors = [{"field": "username", "message": t("signin2.browser_not_recognised", lang)}]
            return rx.set_focus("error-summary")
        try:
            result = await hashing_call(signin.sign_in, username, password, ip=client_ip(self),
                                        user_agent=self.router.headers.user_agent or "", browser_key=key)
        except accounts.AccountError as exc:  # wrong pair, throttled, closed, pending, refused, no questions
            self.errors = [{"field": "username", "message": exc.message(lang)}]
            return [rx.set_value("password", ""), rx.set_focus("error-summary")]
        self.errors = []
        return establish(result.ticket, routes.url(result.next_page, lang))


@page("sign_in", fr="/fr/connexion", en="/en/sign-in", title_key="auth.sign_in_title", protected=False,
      on_load=SignInState.load)
def sign_in_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "sign_in",
        t("auth.sign_in_title", lang),
        notice(SignInState.notice),
        error_summary(lang, SignInState.errors),
        rx.el.p(t("auth.sign_in_intro", lang)),
        rx.el.p(t("wayfinding.self_service_note", lang), class_name="alert", id="self-service-note"),
        rx.el.section(
            rx.el.h2(t("auth.gckey_heading", lang)),
            rx.el.form(
                text_field(lang, "username", t("auth.username", lang), None, None, SignInState.username_error,
                           help_text=t("auth.username_help", lang), autocomplete="username",
                           auto_capitalize="none", spell_check=False),
                text_field(lang, "password", t("auth.password", lang), None,
                           None, SignInState.password_error, input_type="password",
                           autocomplete="current-password"),
                rx.el.div(
                    rx.el.button(t("auth.sign_in", lang), type="submit", class_name="btn btn-primary",
                                 id="sign-in-submit"),
                    class_name="nav-bar",
                ),
                on_submit=SignInState.submit,
                prevent_default=True,
                no_validate=True,
                id="sign-in-form",
            ),
            rx.el.ul(
                rx.el.li(rx.el.a(t("auth.forgot_password", lang), href=routes.url("forgot_password", lang),
                                 id="forgot-password-link")),
                rx.el.li(rx.el.a(t("auth.forgot_username", lang), href=routes.url("lost_username", lang),
                                 id="lost-username-link")),
                class_name="action-list",
            ),
            class_name="home-section",
        ),
        rx.el.section(
            rx.el.h2(t("auth.partner_heading", lang)),
            rx.el.p(t("auth.partner_intro", lang)),
            rx.cond(
                SignInState.partner_available,
                rx.fragment(
                    rx.cond(SignInState.demo_partner,
                            rx.el.p(t("demo_partner.demo_notice", lang), class_name="hint", id="demo-partner-notice")),
                    # An HTTP endpoint, not a page: a document navigation, not client-side routing.
                    rx.el.a(t("auth.sign_in_partner", lang), href=f"/api/oidc/start?lang={lang}",
                            reload_document=True, class_name="btn btn-secondary", id="partner-sign-in"),
                ),
                rx.el.p(t("demo_partner.not_configured", lang), class_name="alert", id="partner-not-configured"),
            ),
            class_name="home-section",
        ),
        rx.el.section(
            rx.el.h2(t("auth.enrol_heading", lang)),
            rx.el.p(t("auth.enrol_intro", lang)),
            rx.el.a(t("auth.enrol_link", lang), href=routes.url("enrol", lang), id="enrol-link"),
            class_name="home-section",
        ),
        rx.cond(SignInState.demo_mode, rx.el.p(t("auth.demo_hint", lang), class_name="hint", id="demo-hint")),
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
