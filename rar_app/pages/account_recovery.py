""""Vous avez oublié votre mot de passe?" (username → a single-use link e-mailed
to the account's address → following it, the three security questions → a new
password) and "Vous avez oublié votre nom d'utilisateur?"
(the guide's path: a new credential, then "Ajouter une demande de client à
votre compte").

The service answers every username the same way (« if this username is an active
account, a link was sent »), so this page reveals nothing about which usernames
exist. The link (`?lien=…`) is read once on load, kept in a backend-only var and
removed from the address bar; the recovery token lives in a backend-only var too:
the browser never sees it."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, nav_bar, text_field
from rar_app.i18n import t
from rar_app.pages.account_common import blank, form_errors, one_error, password_rules
from rar_app.pages.registry import page
from rar_app.services.identity import accounts, email_links, recovery
from rar_app.services import transactions
from rar_app.state.session import client_ip, page_lang

MODIFIED = "2026-11-29"

FIELDS = ("username", "answer_1", "answer_2", "answer_3", "new_password", "new_password_confirmation")
STEPS = ("username", "sent", "questions", "password")


SECRET_FIELDS = ("answer_1", "answer_2", "answer_3", "new_password", "new_password_confirmation")


class RecoveryState(rx.State):
    # Answers and passwords are never kept here (`values` holds the username only):
    # the handlers read them from the submitted form.
    step: str = "username"
    username: str = ""
    questions: list[str] = []  # the three question texts, in position order
    values: dict[str, str] = blank(FIELDS)
    field_errors: dict[str, str] = blank(FIELDS)
    errors: list[dict[str, str]] = []
    _recovery_token: str = ""
    _link_token: str = ""

    def _reset(self) -> None:
        self.step = "username"
        self.questions = []
        self.values = blank(FIELDS)
        self.field_errors = blank(FIELDS)
        self.errors = []
        self._recovery_token = ""
        self._link_token = ""

    @rx.event
    def load(self):
        self._reset()
        self.username = ""
        link = str(self.router.url.query_parameters.get(email_links.QUERY, "") or "")[:200]
        if not link:
            return None
        lang = page_lang(self)
        forget_link = rx.call_script("history.replaceState(null, '', location.pathname)")
        try:
            questions = transactions.run(recovery.link_questions, link)
        except accounts.AccountError as exc:
            return [forget_link, self._fail(*one_error("username", exc.message(lang), FIELDS))]
        self._link_token = link
        self.questions = [q.text(lang) for q in questions]
        self.step = "questions"
        return [forget_link, rx.set_focus("page-title")]

    @rx.event
    def set_value(self, field: str, value: str):
        if field in FIELDS and field not in SECRET_FIELDS:
            self.values[field] = str(value)[:200]

    def _fail(self, by_field: dict[str, str], summary: list[dict[str, str]]):
        self.field_errors, self.errors = by_field, summary
        return rx.set_focus("error-summary")

    @rx.event
    def submit_username(self, _form: dict | None = None):
        lang = page_lang(self)
        username = self.values["username"].strip()
        if not username:
            return self._fail(*one_error("username", t("auth.error_username_required", lang), FIELDS))
        try:
            transactions.run(recovery.send_recovery_link, username[:200], ip=client_ip(self))
        except accounts.AccountError as exc:  # throttled
            return self._fail(*one_error("username", exc.message(lang), FIELDS))
        self.username = username
        self.field_errors, self.errors = blank(FIELDS), []
        self.step = "sent"
        return rx.set_focus("page-title")

    @rx.event
    def submit_answers(self, form: dict | None = None):
        lang = page_lang(self)
        if self.step != "questions" or not self._link_token:
            self._reset()
            return None
        answers = [str((form or {}).get(f"answer_{i}") or "")[:200] for i in (1, 2, 3)]
        missing = [accounts.FieldError(f"answer_{i}", "required") for i, a in enumerate(answers, 1) if not a.strip()]
        if missing:
            return self._fail(*form_errors(missing, lang, FIELDS))
        try:
            token = transactions.run(recovery.verify_recovery_answers, self._link_token, answers, ip=client_ip(self))
        except accounts.RecoveryFailed as exc:
            if exc.code == "recovery_link_invalid":  # spent or expired meanwhile: ask for a new link
                self._reset()
                return self._fail(*one_error("username", exc.message(lang), FIELDS))
            return [*[rx.set_value(f"answer_{i}", "") for i in (1, 2, 3)],
                    self._fail(*one_error("answer_1", exc.message(lang), FIELDS))]
        except accounts.AccountError as exc:  # throttled
            return [*[rx.set_value(f"answer_{i}", "") for i in (1, 2, 3)],
                    self._fail(*one_error("answer_1", exc.message(lang), FIELDS))]
        self._recovery_token = token
        self._link_token = ""
        self.values = blank(FIELDS)
        self.field_errors, self.errors = blank(FIELDS), []
        self.step = "password"
        return rx.set_focus("page-title")

    @rx.event
    def submit_password(self, form: dict | None = None):
        lang = page_lang(self)
        if self.step != "password" or not self._recovery_token:
            self._reset()
            return None
        new = str((form or {}).get("new_password") or "")[:200]
        confirmation = str((form or {}).get("new_password_confirmation") or "")[:200]
        try:
            transactions.run(recovery.reset_password, self._recovery_token, new, confirmation, ip=client_ip(self))
        except accounts.ValidationFailed as exc:
            return [rx.set_value("new_password", ""), rx.set_value("new_password_confirmation", ""),
                    self._fail(*form_errors(exc.errors, lang, FIELDS))]
        except accounts.AccountError as exc:  # the reset is no longer valid: start again
            self._reset()
            return self._fail(*one_error("username", exc.message(lang), FIELDS))
        self._reset()
        self.username = ""
        return rx.redirect(routes.url("sign_in", lang) + "?reset=1")

    @rx.event
    def start_again(self):
        self._reset()
        self.username = ""
        return rx.set_focus("username")


def _username_step(lang: str) -> rx.Component:
    S = RecoveryState
    return rx.el.form(
        rx.el.p(t("auth.recovery_intro", lang)),
        text_field(lang, "username", t("auth.username", lang), S.values["username"],
                   lambda v: S.set_value("username", v), S.field_errors["username"], autocomplete="username",
                   auto_capitalize="none", spell_check=False),
        nav_bar(rx.el.button(t("nav.next", lang), type="submit", class_name="btn btn-primary", id="recovery-next")),
        on_submit=S.submit_username, prevent_default=True, no_validate=True, id="recovery-username-form",
    )


def _sent_step(lang: str) -> rx.Component:
    S = RecoveryState
    return rx.el.div(
        rx.el.p(t("auth.recovery_sent", lang), id="recovery-sent"),
        nav_bar(rx.el.button(t("nav.start_again", lang), type="button", class_name="btn btn-secondary",
                             on_click=S.start_again, id="recovery-start-again")),
    )


def _answer(lang: str, n: int) -> rx.Component:
    S = RecoveryState
    name = f"answer_{n}"
    return rx.el.div(
        rx.el.p(rx.el.strong(t("auth.recovery_question", lang, n=n)), " ",
                rx.el.span(S.questions[n - 1], id=f"recovery-question-{n}")),
        text_field(lang, name, t("account.answer_label", lang, n=n), None, None, S.field_errors[name],
                   autocomplete="off"),
        class_name="question-block",
    )


def _questions_step(lang: str) -> rx.Component:
    S = RecoveryState
    return rx.el.form(
        rx.el.p(t("auth.recovery_questions_intro", lang)),
        *[_answer(lang, n) for n in (1, 2, 3)],
        nav_bar(
            rx.el.button(t("nav.next", lang), type="submit", class_name="btn btn-primary", id="recovery-answers-next"),
            rx.el.button(t("nav.start_again", lang), type="button", class_name="btn btn-secondary",
                         on_click=S.start_again, id="recovery-start-again"),
        ),
        on_submit=S.submit_answers, prevent_default=True, no_validate=True, id="recovery-questions-form",
    )


def _password_step(lang: str) -> rx.Component:
    S = RecoveryState
    return rx.el.form(
        rx.el.p(t("auth.recovery_password_intro", lang)),
        password_rules(lang),
        text_field(lang, "new_password", t("auth.new_password", lang), None, None, S.field_errors["new_password"],
                   input_type="password", autocomplete="new-password"),
        text_field(lang, "new_password_confirmation", t("auth.new_password_confirmation", lang), None, None,
                   S.field_errors["new_password_confirmation"], input_type="password", autocomplete="new-password"),
        nav_bar(rx.el.button(t("auth.recovery_submit", lang), type="submit", class_name="btn btn-primary",
                             id="recovery-save")),
        on_submit=S.submit_password, prevent_default=True, no_validate=True, id="recovery-password-form",
    )


@page("forgot_password", fr=email_links.PATHS["recovery"]["fr"], en=email_links.PATHS["recovery"]["en"], title_key="auth.forgot_password",
      protected=False, on_load=RecoveryState.load)
def forgot_password_page(lang: str) -> rx.Component:
    S = RecoveryState
    return page_template(
        lang,
        "forgot_password",
        t("auth.forgot_password", lang),
        rx.el.p(
            rx.match(S.step, *[(step, t("auth.recovery_step", lang, n=i)) for i, step in enumerate(STEPS, 1)],
                     t("auth.recovery_step", lang, n=1)),
            class_name="lead", id="recovery-step",
        ),
        error_summary(lang, S.errors),
        rx.match(
            S.step,
            ("sent", _sent_step(lang)),
            ("questions", _questions_step(lang)),
            ("password", _password_step(lang)),
            _username_step(lang),
        ),
        rx.el.p(rx.el.a(t("auth.back_to_sign_in", lang), href=routes.url("sign_in", lang))),
        modified=MODIFIED,
    )


@page("lost_username", fr="/fr/nom-utilisateur-oublie", en="/en/forgot-username", title_key="auth.forgot_username",
      protected=False)
def lost_username_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "lost_username",
        t("auth.forgot_username", lang),
        rx.el.p(t("auth.lost_username_1", lang)),
        rx.el.ol(
            rx.el.li(t("auth.lost_username_2", lang), " ",
                     rx.el.a(t("auth.enrol_link", lang), href=routes.url("enrol", lang), id="lost-username-enrol")),
            rx.el.li(t("auth.lost_username_3", lang), " ", rx.el.strong(t("home.link_application", lang))),
        ),
        rx.el.p(t("auth.lost_username_4", lang)),
        rx.el.p(rx.el.a(t("auth.back_to_sign_in", lang), href=routes.url("sign_in", lang))),
        modified=MODIFIED,
    )
