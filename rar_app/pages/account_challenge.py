"""The security question after either credential ("challenge" stage session).

The session cookie is already set (by /api/session/establish) but names a
session in stage "challenge": the page asks the one question the service chose
for it, and a right answer replaces it by a full session (new token, new
ticket). Three wrong answers end the session: back to sign-in with a clear
message. The question's key is on the label (`data-question-key`), which lets
the browser tests answer it; it reveals nothing the question text does not."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, nav_bar, text_field
from rar_app.i18n import t, tn
from rar_app.pages.account_common import browser_key, establish, landing_for, session_token
from rar_app.pages.registry import page
from rar_app.services.identity import accounts, sessions, signin
from rar_app.state.session import client_ip, hashing_call, page_lang

MODIFIED = "2026-11-29"


class ChallengeState(rx.State):
    # The answer is never kept here: `submit` reads it from the submitted form.
    question: str = ""
    question_key: str = ""
    attempts_left: int = 0
    answer_error: str = ""
    errors: list[dict[str, str]] = []

    def _expired(self, flag: str = "expired"):
        return rx.redirect(routes.url("sign_in", page_lang(self)) + f"?{flag}=1", replace=True)

    @rx.event
    def load(self):
        lang = page_lang(self)
        self.answer_error = ""
        self.errors = []
        token = session_token(self)
        try:
            question = signin.begin_challenge(token)
        except accounts.AccountError:
            # Already past the question (a reload after success): carry on where they belong.
            info = sessions.full_session(token, touch=False)
            if info is not None:
                return rx.redirect(landing_for(info.role, lang), replace=True)
            self.question = self.question_key = ""
            return self._expired()
        self.question = question.text(lang)
        self.question_key = question.key
        self.attempts_left = question.attempts_left
        return None

    def _refused(self, message: str):
        self.answer_error = message
        self.errors = [{"field": "answer", "message": message}]
        return [rx.set_value("answer", ""), rx.set_focus("error-summary")]

    @rx.event
    async def submit(self, form: dict | None = None):
        lang = page_lang(self)
        answer = str((form or {}).get("answer") or "")[:200]
        if not answer.strip():
            return self._refused(t("auth.challenge_answer_required", lang))
        if not browser_key(self):  # the pre-sign-in cookie is gone: the session could not be handed over
            return self._expired()
        try:
            passed = await hashing_call(signin.answer_challenge, session_token(self), answer, ip=client_ip(self),
                                        user_agent=self.router.headers.user_agent or "",
                                        browser_key=browser_key(self))
        except accounts.ChallengeLocked:
            return self._expired("locked")
        except accounts.ChallengeFailed as exc:
            self.attempts_left = exc.attempts_left
            return self._refused(tn("auth.challenge_wrong", lang, exc.attempts_left, attempts=exc.attempts_left))
        except accounts.SessionInvalid:
            return self._expired()
        except accounts.AccountError as exc:  # throttled
            return self._refused(exc.message(lang))
        self.answer_error = ""
        self.errors = []
        return establish(passed.ticket, routes.url(passed.next_page, lang) if passed.next_page
                         else landing_for(passed.role, lang))


@page("challenge", fr="/fr/question-de-securite", en="/en/security-question", title_key="auth.challenge_title",
      protected=False, on_load=ChallengeState.load)
def challenge_page(lang: str) -> rx.Component:
    S = ChallengeState
    return page_template(
        lang,
        "challenge",
        t("auth.challenge_title", lang),
        error_summary(lang, S.errors),
        rx.el.p(t("auth.challenge_intro", lang)),
        rx.cond(
            S.question != "",
            rx.el.form(
                rx.el.p(
                    rx.el.strong(t("auth.challenge_question", lang)), " ",
                    rx.el.span(S.question, id="challenge-question", custom_attrs={"data-question-key": S.question_key}),
                ),
                text_field(lang, "answer", t("auth.challenge_answer", lang), None, None, S.answer_error,
                           hint=t("auth.challenge_answer_hint", lang), autocomplete="off"),
                nav_bar(
                    rx.el.button(t("nav.continue", lang), type="submit", class_name="btn btn-primary",
                                 id="challenge-submit"),
                    rx.el.a(t("auth.challenge_cancel", lang), href=routes.url("sign_in", lang),
                            class_name="btn btn-secondary", id="challenge-cancel"),
                ),
                on_submit=S.submit,
                prevent_default=True,
                no_validate=True,
                id="challenge-form",
            ),
            rx.el.p(t("common.loading", lang), class_name="hint"),
        ),
        modified=MODIFIED,
    )
