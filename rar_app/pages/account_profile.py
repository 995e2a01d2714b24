""""Profil du compte": the enrolment details, the language preference (saved
here; the whole portal then switches to it), and links to the other changes:
e-mail address, security questions, password, name change request, the guide's
path to update personal or professional details, and the closure request.

Every handler looks the session up again and passes its account id to the
accounts service, which only ever acts on the actor's own account."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, nav_bar, text_field
from rar_app.components.wizard_form import radio_group, select_field
from rar_app.i18n import t
from rar_app.pages.account_common import (
    ACCOUNT_ROLES,
    blank,
    form_errors,
    one_error,
    question_options,
    status_message,
)
from rar_app.pages.registry import page
from rar_app.services.identity import accounts, own_account
from rar_app.services import transactions
from rar_app.state.session import SessionState, client_ip, page_lang, require_session, sign_in_redirect

MODIFIED = "2026-11-29"

KIND_KEYS = {"enrolment": "account.kind_enrolment", "merge": "account.kind_merge",
             "name_change": "account.kind_name_change", "close": "account.kind_close"}
STATUS_KEYS = {"active": "account.status_active", "pending": "account.status_pending",
               "closed": "account.status_closed", "refused": "account.status_refused"}


def language_name(code: str, lang: str) -> str:
    return t("account.language_fr" if code == "fr" else "account.language_en", lang)


class ProfileState(rx.State):
    rows: list[dict[str, str]] = []  # {"label", "value", "id"}
    questions: list[str] = []
    requests: list[dict[str, str]] = []  # {"kind", "date"}
    language: str = ""
    status: str = ""
    language_error: str = ""
    is_representative: bool = False  # « Documents demandés par IRCC » is theirs

    @rx.event
    def load(self):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        p = transactions.run(own_account.get_profile, info.account_id)
        body = p.regulatory_body_name_en if lang == "en" else p.regulatory_body_name_fr
        rows = [
            ("username", "auth.username", p.username or ""),
            ("name", "account.name", f"{p.given_names} {p.family_name}".strip()),
            ("email", "account.email", p.email),
            ("phone", "account.phone", p.phone),
            ("business-name", "account.business_name", p.business_name),
            ("business-address", "account.business_address", p.business_address),
            ("regulatory-body", "account.regulatory_body", body),
            ("membership-number", "account.membership_number", p.membership_number or ""),
            ("language", "account.language", language_name(p.language, lang)),
            ("partner", "account.partner", t("account.partner_linked" if p.partner_linked
                                              else "account.partner_not_linked", lang)),
            ("status", "account.status", t(STATUS_KEYS.get(p.status, "account.status_active"), lang)),
            ("created", "account.created", p.created_at.date().isoformat()),
        ]
        self.rows = [{"id": f"profile-{i}", "label": t(k, lang), "value": v} for i, k, v in rows if v]
        self.questions = [accounts.question_text(key, lang) for key in p.security_questions]
        self.requests = [{"kind": t(KIND_KEYS.get(r["kind"], "account.kind_enrolment"), lang),
                          "date": r["created_at"].date().isoformat()} for r in p.open_requests]
        self.language = p.language
        self.is_representative = p.role == "representative"
        self.language_error = ""
        saved = self.router.url.query_parameters.get("saved", "")
        self.status = t("account.language_saved", lang) if saved == "language" else ""
        return None

    @rx.event
    def set_language_choice(self, value: str):
        if value in accounts.LANGUAGES:
            self.language = value

    @rx.event
    async def save_language(self, _form: dict | None = None):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        try:
            transactions.run(own_account.set_language, info.account_id, self.language, ip=client_ip(self))
        except accounts.ValidationFailed as exc:
            self.language_error = exc.errors[0].message(lang)
            return rx.set_focus("language")
        # The whole portal follows the preference: the same page in the chosen language.
        session = await self.get_state(SessionState)
        session.lang_pref = self.language
        return rx.redirect(routes.url("profile", self.language) + "?saved=language")


def _link(lang: str, key: str, page_id: str, link_id: str) -> rx.Component:
    return rx.el.li(rx.el.a(t(key, lang), href=routes.url(page_id, lang), id=link_id))


@page("profile", fr="/fr/profil-du-compte", en="/en/account-profile", title_key="common.account_profile",
      roles=ACCOUNT_ROLES, on_load=ProfileState.load)
def profile_page(lang: str) -> rx.Component:
    S = ProfileState
    languages = [("fr", t("account.language_fr", lang)), ("en", t("account.language_en", lang))]
    return page_template(
        lang,
        "profile",
        t("common.account_profile", lang),
        status_message(S.status),
        rx.el.section(
            rx.el.h2(t("account.profile_details", lang)),
            rx.el.dl(
                rx.foreach(S.rows, lambda r: rx.fragment(rx.el.dt(r["label"]), rx.el.dd(r["value"], id=r["id"]))),
                class_name="glossary",
                id="profile-details",
            ),
            rx.el.h3(t("account.section_questions", lang)),
            rx.el.ul(rx.foreach(S.questions, lambda q: rx.el.li(q)), id="profile-questions"),
            class_name="home-section",
        ),
        rx.el.section(
            rx.el.h2(t("account.section_language", lang)),
            rx.el.form(
                radio_group(lang, "language", t("account.language", lang), languages, S.language,
                            S.set_language_choice, S.language_error),
                nav_bar(rx.el.button(t("account.save_language", lang), type="submit", class_name="btn btn-primary",
                                     id="language-save")),
                on_submit=S.save_language,
                prevent_default=True,
                no_validate=True,
                id="language-form",
            ),
            class_name="home-section",
        ),
        rx.el.section(
            rx.el.h2(t("account.manage_heading", lang)),
            rx.el.ul(
                _link(lang, "account.email_title", "account_email", "link-email"),
                _link(lang, "account.questions_title", "account_questions", "link-questions"),
                _link(lang, "home.change_password", "change_password", "link-password"),
                _link(lang, "totp.profile_link", "totp_setup", "link-totp"),
                _link(lang, "account.name_change_title", "name_change", "link-name-change"),
                _link(lang, "account.closure_title", "account_closure", "link-closure"),
                rx.cond(ProfileState.is_representative,
                        _link(lang, "enrol_docs.profile_link", "enrolment_documents", "link-enrolment-documents")),
                class_name="action-list",
            ),
            class_name="home-section",
        ),
        rx.el.section(
            rx.el.h2(t("account.update_details_title", lang)),
            rx.el.p(t("account.update_details_body", lang)),
            rx.el.p(rx.el.a(t("account.update_details_link", lang), href=routes.url("enrol", lang) + "?prefill=profile",
                            id="link-update-details")),
            class_name="home-section",
        ),
        rx.el.section(
            rx.el.h2(t("account.open_requests", lang)),
            rx.cond(
                S.requests.length() > 0,
                rx.el.ul(rx.foreach(S.requests, lambda r: rx.el.li(r["kind"], " — ", rx.el.time(r["date"]))),
                         id="profile-requests"),
                rx.el.p(t("account.no_open_requests", lang), id="profile-no-requests"),
            ),
            class_name="home-section",
        ),
        modified=MODIFIED,
    )


# ---------------------------------------------------------------------------
# Adresse de courriel

EMAIL_FIELDS = ("email", "password")


class EmailState(rx.State):
    current_email: str = ""
    values: dict[str, str] = blank(EMAIL_FIELDS)
    field_errors: dict[str, str] = blank(EMAIL_FIELDS)
    errors: list[dict[str, str]] = []
    status: str = ""

    def _load_current(self, account_id: int) -> None:
        self.current_email = transactions.run(own_account.get_profile, account_id).email

    @rx.event
    def load(self):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        self.values = blank(EMAIL_FIELDS)
        self.field_errors = blank(EMAIL_FIELDS)
        self.errors = []
        self.status = ""
        self._load_current(info.account_id)
        return None

    @rx.event
    def set_value(self, field: str, value: str):
        if field in EMAIL_FIELDS and field != "password":  # the password is read from the form, never kept
            self.values[field] = str(value)[:300]

    @rx.event
    def submit(self, form: dict | None = None):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.status = ""
        form = form or {}
        self.values["email"] = str(form.get("email", self.values["email"]) or "")[:300]
        password = str(form.get("password") or "")[:200]
        if not password:
            self.field_errors, self.errors = form_errors([accounts.FieldError("password", "required")], lang,
                                                         EMAIL_FIELDS)
            return rx.set_focus("error-summary")
        try:
            stored = transactions.run(own_account.change_email, info.account_id, password, self.values["email"],
                                   ip=client_ip(self))
        except accounts.ValidationFailed as exc:
            self.field_errors, self.errors = form_errors(exc.errors, lang, EMAIL_FIELDS)
            return [rx.set_value("password", ""), rx.set_focus("error-summary")]
        except accounts.AccountError as exc:  # throttled
            self.field_errors, self.errors = one_error("password", exc.message(lang), EMAIL_FIELDS)
            return [rx.set_value("password", ""), rx.set_focus("error-summary")]
        self.current_email = stored
        self.values = blank(EMAIL_FIELDS)
        self.field_errors = blank(EMAIL_FIELDS)
        self.errors = []
        self.status = t("account.email_saved", lang)
        return [rx.set_value("password", ""), rx.set_focus("form-status")]


def back_to_profile(lang: str) -> rx.Component:
    return rx.el.a(t("account.back_to_profile", lang), href=routes.url("profile", lang), class_name="btn btn-secondary",
                   id="back-to-profile")


@page("account_email", fr="/fr/profil-du-compte/courriel", en="/en/account-profile/email",
      title_key="account.email_title", roles=ACCOUNT_ROLES, on_load=EmailState.load)
def email_page(lang: str) -> rx.Component:
    S = EmailState
    return page_template(
        lang,
        "account_email",
        t("account.email_title", lang),
        status_message(S.status),
        error_summary(lang, S.errors),
        rx.el.p(t("account.current_email", lang), " ", rx.el.strong(S.current_email, id="current-email")),
        rx.el.form(
            text_field(lang, "email", t("account.new_email", lang), S.values["email"],
                       lambda v: S.set_value("email", v), S.field_errors["email"], input_type="email",
                       autocomplete="email", max_length=254),
            rx.el.p(t("account.reenter_password", lang), class_name="hint"),
            text_field(lang, "password", t("account.current_password", lang), None, None,
                       S.field_errors["password"], input_type="password", autocomplete="current-password"),
            nav_bar(rx.el.button(t("account.save", lang), type="submit", class_name="btn btn-primary",
                                 id="email-submit"), back_to_profile(lang)),
            on_submit=S.submit, prevent_default=True, no_validate=True, id="email-form",
        ),
        modified=MODIFIED,
    )


# ---------------------------------------------------------------------------
# Questions de sécurité

QUESTION_FIELDS = ("password", "question_1", "answer_1", "question_2", "answer_2", "question_3", "answer_3")


class QuestionsState(rx.State):
    values: dict[str, str] = blank(QUESTION_FIELDS)
    field_errors: dict[str, str] = blank(QUESTION_FIELDS)
    errors: list[dict[str, str]] = []
    status: str = ""

    @rx.event
    def load(self):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        keys = transactions.run(own_account.get_profile, info.account_id).security_questions
        self.values = blank(QUESTION_FIELDS)
        for i, key in enumerate(keys[:3], start=1):
            if key in accounts.SECURITY_QUESTIONS:
                self.values[f"question_{i}"] = key
        self.field_errors = blank(QUESTION_FIELDS)
        self.errors = []
        self.status = ""
        return None

    @rx.event
    def set_value(self, field: str, value: str):
        # Answers and the password are read from the form, never kept here.
        if field in QUESTION_FIELDS and field.startswith("question_"):
            self.values[field] = str(value)[:200]

    @rx.event
    def submit(self, form: dict | None = None):
        info = require_session(self, ACCOUNT_ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.status = ""
        form = form or {}
        v = dict(self.values)
        v.update({f: str(form.get(f) or "")[:200] for f in QUESTION_FIELDS if not f.startswith("question_")})
        secrets_fields = [f for f in QUESTION_FIELDS if not f.startswith("question_")]
        if not v["password"]:
            self.field_errors, self.errors = form_errors([accounts.FieldError("password", "required")], lang,
                                                         QUESTION_FIELDS)
            return rx.set_focus("error-summary")
        pairs = [(v[f"question_{i}"], v[f"answer_{i}"]) for i in (1, 2, 3)]
        try:
            transactions.run(own_account.change_security_questions, info.account_id, v["password"], pairs, ip=client_ip(self))
        except accounts.ValidationFailed as exc:
            self.field_errors, self.errors = form_errors(exc.errors, lang, QUESTION_FIELDS)
            return [rx.set_value("password", ""), rx.set_focus("error-summary")]
        except accounts.AccountError as exc:  # throttled
            self.field_errors, self.errors = one_error("password", exc.message(lang), QUESTION_FIELDS)
            return [rx.set_value("password", ""), rx.set_focus("error-summary")]
        self.field_errors = blank(QUESTION_FIELDS)
        self.errors = []
        self.status = t("account.questions_saved", lang)
        return [*[rx.set_value(f, "") for f in secrets_fields], rx.set_focus("form-status")]


def _question(lang: str, n: int) -> rx.Component:
    S = QuestionsState
    q, a = f"question_{n}", f"answer_{n}"
    return rx.el.div(
        select_field(lang, q, t("account.question_label", lang, n=n), rx.Var.create(question_options(lang)),
                     S.values[q], lambda v: S.set_value(q, v), S.field_errors[q],
                     placeholder=t("account.question_placeholder", lang)),
        text_field(lang, a, t("account.answer_label", lang, n=n), None, None,
                   S.field_errors[a], hint=t("account.answer_hint", lang), autocomplete="off"),
        class_name="question-block",
    )


@page("account_questions", fr="/fr/profil-du-compte/questions-de-securite", en="/en/account-profile/security-questions",
      title_key="account.questions_title", roles=ACCOUNT_ROLES, on_load=QuestionsState.load)
def questions_page(lang: str) -> rx.Component:
    S = QuestionsState
    return page_template(
        lang,
        "account_questions",
        t("account.questions_title", lang),
        status_message(S.status),
        error_summary(lang, S.errors),
        rx.el.p(t("account.questions_intro", lang)),
        rx.el.form(
            *[_question(lang, n) for n in (1, 2, 3)],
            rx.el.p(t("account.reenter_password", lang), class_name="hint"),
            text_field(lang, "password", t("account.current_password", lang), None, None,
                       S.field_errors["password"], input_type="password", autocomplete="current-password"),
            nav_bar(rx.el.button(t("account.save", lang), type="submit", class_name="btn btn-primary",
                                 id="questions-submit"), back_to_profile(lang)),
            on_submit=S.submit, prevent_default=True, no_validate=True, id="questions-form",
        ),
        modified=MODIFIED,
    )
