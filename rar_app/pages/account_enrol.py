"""Inscription: a representative creates an account.

One page in sections (personal, professional, language, security questions,
username and password, previous enrolment). The accounts service validates
everything on the server; the page shows the error summary and each error
beside its field, and keeps what was typed except the passwords.

Two ways in besides the sign-in page's link:
- the Sign-In Partner callback, for an identity linked to no account: the
  HttpOnly cookie `rar_partner` names it; the names and e-mail are prefilled and
  the new account is linked to it;
- "Mettre à jour vos renseignements" on the profile (`?prefill=profile`): the guide's
  path to change personal or professional details is a new enrolment answered
  "Oui" to "Vous êtes-vous déjà inscrit avec succès?", then a merge by an
  administrator; the form starts from the current details.
"""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, field_error, text_field
from rar_app.components.wizard_form import radio_group, select_field
from rar_app.i18n import t
from rar_app.pages.account_common import (
    ACCOUNT_ROLES,
    blank,
    body_options,
    focus_later,
    form_errors,
    one_error,
    password_rules,
    question_options,
)
from rar_app.pages.registry import page
from rar_app.services.identity import accounts, enrolment, oidc
from rar_app.services import transactions
from rar_app.state.session import client_ip, page_lang, require_session

MODIFIED = "2026-11-29"

TEXT_FIELDS = ("family_name", "given_names", "email", "phone", "business_name", "business_address",
               "membership_number", "answer_1", "answer_2", "answer_3", "username", "password",
               "password_confirmation", "previous_username", "previous_membership_number", "previous_password")
CHOICE_FIELDS = ("language", "regulatory_body", "question_1", "question_2", "question_3", "already_enrolled")
FIELDS = TEXT_FIELDS + CHOICE_FIELDS + ("partner",)
SECRET_FIELDS = ("password", "password_confirmation", "previous_password")
# Never kept in the state (sent to Redis and the browser): read from the submitted form.
UNKEPT_FIELDS = (*SECRET_FIELDS, "answer_1", "answer_2", "answer_3")
# Service field → the element the error summary links to.
ANCHORS = {"previous_account": "previous_username"}
MAX_LENGTH = 400


def _initial(lang: str) -> dict[str, str]:
    values = blank(FIELDS)
    values["language"] = lang
    return values


class EnrolState(rx.State):
    values: dict[str, str] = _initial("fr")
    field_errors: dict[str, str] = blank(FIELDS)
    errors: list[dict[str, str]] = []
    partner_name: str = ""  # the Sign-In Partner identity this enrolment will be linked to
    updating: bool = False  # started from the profile ("update your details")
    done_status: str = ""  # "", "active" or "pending"
    done_merge: bool = False

    def _partner_ticket(self) -> str | None:
        return oidc.partner_ticket_from_cookie_header(self.router.headers.cookie)

    @rx.event
    def load(self):
        lang = page_lang(self)
        self.values = _initial(lang)
        self.field_errors = blank(FIELDS)
        self.errors = []
        self.done_status = ""
        self.done_merge = False
        self.partner_name = ""
        self.updating = False
        ticket = self._partner_ticket()
        if ticket:
            identity = transactions.run(oidc.identity_for_enrolment, ticket)
            if identity is not None:
                self.partner_name = identity.name or f"{identity.given_name} {identity.family_name}".strip() \
                    or identity.email
                self.values["family_name"] = identity.family_name[:100]
                self.values["given_names"] = identity.given_name[:100]
                self.values["email"] = identity.email[:254]
                if identity.locale[:2] in ("fr", "en"):
                    self.values["language"] = identity.locale[:2]
        if self.router.url.query_parameters.get("prefill") == "profile":
            info = require_session(self, ACCOUNT_ROLES)
            if info is not None:
                current = transactions.run(enrolment.enrolment_prefill, info.account_id)
                for key in ("family_name", "given_names", "email", "phone", "business_name", "business_address",
                            "language", "regulatory_body", "membership_number", "previous_username"):
                    self.values[key] = str(current.get(key) or "")
                self.values["already_enrolled"] = "yes"
                self.updating = True

    @rx.event
    def set_value(self, field: str, value: str):
        if field in FIELDS and field != "partner" and field not in UNKEPT_FIELDS:
            self.values[field] = str(value)[:MAX_LENGTH]

    def _form(self, submitted: dict | None = None) -> enrolment.EnrolmentForm:
        v = dict(self.values)
        v.update({f: str((submitted or {}).get(f) or "")[:MAX_LENGTH] for f in UNKEPT_FIELDS})
        return enrolment.EnrolmentForm(
            family_name=v["family_name"], given_names=v["given_names"], email=v["email"], phone=v["phone"],
            business_name=v["business_name"], business_address=v["business_address"], language=v["language"],
            regulatory_body=v["regulatory_body"], membership_number=v["membership_number"],
            questions=[(v[f"question_{i}"], v[f"answer_{i}"]) for i in (1, 2, 3)],
            username=v["username"], password=v["password"], password_confirmation=v["password_confirmation"],
            already_enrolled=v["already_enrolled"] == "yes",
            previous_username=v["previous_username"] if v["already_enrolled"] == "yes" else "",
            previous_membership_number=v["previous_membership_number"] if v["already_enrolled"] == "yes" else "",
            previous_password=v["previous_password"] if v["already_enrolled"] == "yes" else "",
        )

    @rx.event
    def submit(self, submitted: dict | None = None):
        lang = page_lang(self)
        form = self._form(submitted)
        ticket = self._partner_ticket() if self.partner_name else None
        problems: list[accounts.FieldError] = []
        result = None
        try:
            if self.values["already_enrolled"] not in ("yes", "no"):
                problems = transactions.run(enrolment.validate_enrolment, form)
                problems.append(accounts.FieldError("already_enrolled", "required"))
            else:
                # "Update your details" names the signed-in account: its session proves control of it.
                info = require_session(self, ACCOUNT_ROLES) if self.updating and form.already_enrolled else None
                result = transactions.run(enrolment.enrol, form, ip=client_ip(self), partner_ticket=ticket,
                                          signed_in_account_id=info.account_id if info else None)
        except accounts.ValidationFailed as exc:
            problems = exc.errors
        except accounts.AccountError as exc:  # throttled: too many enrolments from this address
            self.field_errors, self.errors = one_error("username", exc.message(lang), FIELDS)
            return [*[rx.set_value(key, "") for key in SECRET_FIELDS], rx.set_focus("error-summary")]
        if problems or result is None:
            self.field_errors, self.errors = form_errors(problems, lang, FIELDS, ANCHORS)
            return [*[rx.set_value(key, "") for key in SECRET_FIELDS], rx.set_focus("error-summary")]
        self.values = _initial(lang)
        self.field_errors = blank(FIELDS)
        self.errors = []
        self.done_status = result.status
        self.done_merge = result.merge_request_id is not None
        return focus_later("enrol-done")


def _text(lang: str, name: str, label_key: str, **props) -> rx.Component:
    S = EnrolState
    if name in UNKEPT_FIELDS:
        return text_field(lang, name, t(label_key, lang), None, None, S.field_errors[name], **props)
    return text_field(lang, name, t(label_key, lang), S.values[name], lambda v: S.set_value(name, v),
                      S.field_errors[name], **props)


def _question_block(lang: str, n: int) -> rx.Component:
    S = EnrolState
    q, a = f"question_{n}", f"answer_{n}"
    return rx.el.div(
        select_field(lang, q, t("account.question_label", lang, n=n), rx.Var.create(question_options(lang)),
                     S.values[q], lambda v: S.set_value(q, v), S.field_errors[q],
                     placeholder=t("account.question_placeholder", lang)),
        text_field(lang, a, t("account.answer_label", lang, n=n), None, None,
                   S.field_errors[a], hint=t("account.answer_hint", lang), autocomplete="off"),
        class_name="question-block",
    )


def _section(heading_key: str, lang: str, *children: rx.Component, section_id: str) -> rx.Component:
    return rx.el.section(rx.el.h2(t(heading_key, lang)), *children, id=section_id, class_name="home-section")


def enrol_form(lang: str) -> rx.Component:
    S = EnrolState
    yes_no = [("yes", t("account.yes", lang)), ("no", t("account.no", lang))]
    languages = [("fr", t("account.language_fr", lang)), ("en", t("account.language_en", lang))]
    return rx.el.form(
        rx.cond(
            S.partner_name != "",
            rx.el.div(rx.el.p(t("account.enrol_partner_notice", lang), " ", rx.el.strong(S.partner_name)),
                      class_name="alert alert-success", id="partner-notice"),
        ),
        rx.el.div(field_error(lang, S.field_errors["partner"], "partner"), id="partner", tab_index=-1),
        rx.cond(S.updating, rx.el.div(rx.el.p(t("account.enrol_update_notice", lang)), class_name="alert alert-warning",
                                      id="update-notice")),
        _section("account.section_personal", lang,
                 _text(lang, "family_name", "account.family_name", autocomplete="family-name", max_length=100),
                 _text(lang, "given_names", "account.given_names", autocomplete="given-name", required=False,
                       max_length=100),
                 _text(lang, "email", "account.email", input_type="email", autocomplete="email", max_length=254),
                 _text(lang, "phone", "account.phone", input_type="tel", autocomplete="tel",
                       hint=t("account.phone_hint", lang), max_length=40),
                 section_id="section-personal"),
        _section("account.section_business", lang,
                 _text(lang, "business_name", "account.business_name", autocomplete="organization", max_length=200),
                 _text(lang, "business_address", "account.business_address", autocomplete="street-address",
                       max_length=400),
                 select_field(lang, "regulatory_body", t("account.regulatory_body", lang),
                              rx.Var.create(body_options(lang)), S.values["regulatory_body"],
                              lambda v: S.set_value("regulatory_body", v), S.field_errors["regulatory_body"],
                              placeholder=t("account.regulatory_body_placeholder", lang)),
                 _text(lang, "membership_number", "account.membership_number",
                       hint=t("account.membership_hint", lang), max_length=40),
                 section_id="section-business"),
        _section("account.section_language", lang,
                 radio_group(lang, "language", t("account.language", lang), languages, S.values["language"],
                             lambda v: S.set_value("language", v), S.field_errors["language"]),
                 section_id="section-language"),
        _section("account.section_questions", lang,
                 rx.el.p(t("account.questions_intro", lang), class_name="hint"),
                 *[_question_block(lang, n) for n in (1, 2, 3)],
                 section_id="section-questions"),
        _section("account.section_credential", lang,
                 _text(lang, "username", "auth.username", hint=t("account.username_hint", lang),
                       autocomplete="username", max_length=32, auto_capitalize="none", spell_check=False),
                 password_rules(lang),
                 _text(lang, "password", "auth.password", input_type="password", autocomplete="new-password"),
                 _text(lang, "password_confirmation", "account.password_confirmation", input_type="password",
                       autocomplete="new-password"),
                 section_id="section-credential"),
        _section("account.section_previous", lang,
                 radio_group(lang, "already_enrolled", t("account.already_enrolled", lang), yes_no,
                             S.values["already_enrolled"], lambda v: S.set_value("already_enrolled", v),
                             S.field_errors["already_enrolled"]),
                 rx.cond(
                     S.values["already_enrolled"] == "yes",
                     rx.el.div(
                         rx.el.p(t("account.previous_intro", lang), class_name="hint"),
                         _text(lang, "previous_username", "account.previous_username", required=False, max_length=32,
                               auto_capitalize="none", spell_check=False),
                         _text(lang, "previous_membership_number", "account.previous_membership_number",
                               required=False, max_length=40),
                         rx.cond(~S.updating,
                                 _text(lang, "previous_password", "account.previous_password", required=False,
                                       input_type="password", autocomplete="off",
                                       hint=t("account.previous_password_hint", lang))),
                         id="previous-account",
                     ),
                 ),
                 section_id="section-previous"),
        rx.el.div(
            rx.el.button(t("account.enrol_submit", lang), type="submit", class_name="btn btn-primary",
                         id="enrol-submit"),
            rx.el.a(t("auth.sign_in", lang), href=routes.url("sign_in", lang), class_name="btn btn-secondary"),
            class_name="nav-bar",
        ),
        on_submit=S.submit,
        prevent_default=True,
        no_validate=True,
        id="enrol-form",
    )


def enrol_done(lang: str) -> rx.Component:
    S = EnrolState
    return rx.el.div(
        rx.cond(
            S.done_status == "active",
            rx.fragment(
                rx.el.h2(t("account.enrol_done_active_title", lang), id="enrol-done-title"),
                rx.el.p(t("account.enrol_done_active", lang)),
            ),
            rx.fragment(
                rx.el.h2(t("account.enrol_done_pending_title", lang), id="enrol-done-title"),
                rx.el.p(t("account.enrol_done_pending", lang)),
            ),
        ),
        rx.cond(S.done_merge, rx.el.p(t("account.enrol_done_merge", lang), id="enrol-done-merge")),
        rx.el.p(rx.el.a(t("account.go_sign_in", lang), href=routes.url("sign_in", lang), class_name="btn btn-primary",
                        id="enrol-go-sign-in")),
        class_name="alert alert-success",
        id="enrol-done",
        role="status",
        tab_index=-1,
        custom_attrs={"data-status": S.done_status},
    )


@page("enrol", fr="/fr/inscription", en="/en/enrolment", title_key="account.enrol_title", protected=False,
      on_load=EnrolState.load)
def enrol_page(lang: str) -> rx.Component:
    S = EnrolState
    return page_template(
        lang,
        "enrol",
        t("account.enrol_title", lang),
        rx.cond(
            S.done_status != "",
            enrol_done(lang),
            rx.fragment(
                error_summary(lang, S.errors),
                rx.el.p(t("account.enrol_intro", lang)),
                enrol_form(lang),
            ),
        ),
        modified=MODIFIED,
    )
