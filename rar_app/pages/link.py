"""Ajouter une demande de client à votre compte: choose the kind of application, fill
the fields it asks, "Rechercher ma demande" (matching rules: services/linking.py)."""

from __future__ import annotations

import asyncio
import reflex as rx

from rar_app import date_parts, routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import date_field, error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box, status_url, type_options
from rar_app.services.casework import linking
from rar_app.services import transactions
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

TEXT_FIELDS = ("application_number", "family_name", "given_names", "uci")
NO_DATE = {"day": "", "month": "", "year": ""}


def link_form_errors(kind: str, values: dict[str, str], dob: dict[str, str],
                     lang: str) -> tuple[linking.LinkForm, list[dict[str, str]], dict[str, str], dict[str, str]]:
    """The link form read and checked: (form, summary errors, field errors, date boxes to mark).

    The birth date comes as three boxes; a wrong box gets its own message naming the
    question and the part (« Date de naissance du client : le mois doit être entre 1 et 12. »)
    and the summary's link goes to that box."""
    born, dob_error = date_parts.parse(tuple(str(dob.get(p, "")) for p in date_parts.PARTS))
    form = make_form(kind, {**values, "date_of_birth": born.isoformat() if born else ""})
    errors = link_errors(form, lang)
    marked: dict[str, str] = {}
    if dob_error is not None:
        label = t("link.date_of_birth", lang)
        wrong = {"field": date_parts.part_id("date_of_birth", dob_error.part),
                 "message": f"{label}{t('typography.colon', lang)}{t(dob_error.key, lang, **dob_error.params)}"}
        others = [e for e in errors if e["field"] != "date_of_birth"]
        at = next((i for i, e in enumerate(others) if e["field"] == "uci"), len(others))  # in the form's order
        errors = others[:at] + [wrong] + others[at:]
        marked = {p: "1" for p in date_parts.marked(dob_error.key, dob_error.part)}
    elif any(e["field"] == "date_of_birth" for e in errors):
        marked = {p: "1" for p in date_parts.PARTS}
    field_errors = {("date_of_birth" if e["field"].startswith("date_of_birth") else e["field"]): e["message"]
                    for e in errors}
    return form, errors, field_errors, marked


def link_errors(form: linking.LinkForm, lang: str) -> list[dict[str, str]]:
    return [{"field": f, "message": t(f"link.error_{f}_{code}", lang)} for f, code in linking.form_errors(form)]


def make_form(kind: str, values: dict[str, str]) -> linking.LinkForm:
    return linking.LinkForm(
        kind=kind, application_number=values.get("application_number", "").strip(),
        family_name=values.get("family_name", "").strip(), given_names=values.get("given_names", "").strip(),
        date_of_birth=linking.parse_date(values.get("date_of_birth", "")), uci=values.get("uci", "").strip())


def kind_options(lang: str, *, paper: bool = True) -> list[rx.Component]:
    options = type_options(lang, "link.kind_choose", linking.ONLINE_KINDS)
    if paper:
        options.append(rx.el.option(t("link.kind_paper", lang), value=linking.PAPER_KIND))
    return options


def _link(account_id: int, form: linking.LinkForm, ip: str) -> linking.LinkResult:
    return transactions.run(linking.link_application, account_id, form, ip=ip)


class LinkState(rx.State):
    kind: str = ""
    application_number: str = ""
    family_name: str = ""
    given_names: str = ""
    dob: dict[str, str] = dict(NO_DATE)  # the birth date's three boxes
    dob_marked: dict[str, str] = {}  # the boxes that are wrong
    uci: str = ""
    field_errors: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    outcome: str = ""
    message: str = ""
    status_href: str = ""

    @rx.event
    def load(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        self.errors, self.field_errors, self.outcome, self.message, self.status_href = [], {}, "", "", ""
        return None

    @rx.event
    def set_kind(self, value: str):
        self.kind = value if value in linking.KINDS else ""

    @rx.event
    def set_field(self, field: str, value: str):
        if field in TEXT_FIELDS:
            setattr(self, field, str(value)[:100])

    @rx.event
    def set_dob(self, part: str, value: str):
        if part in date_parts.PARTS:
            self.dob = {**self.dob, part: str(value)[:4]}

    @rx.event
    async def submit(self, _form: dict | None = None):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.outcome, self.message, self.status_href = "", "", ""
        form, errors, self.field_errors, self.dob_marked = link_form_errors(
            self.kind, {f: getattr(self, f) for f in TEXT_FIELDS}, self.dob, lang)
        self.errors = errors
        if errors:
            return rx.set_focus("error-summary")
        result = await asyncio.to_thread(_link, info.account_id, form, client_ip(self))
        self.outcome = result.outcome
        if result.outcome == "several_linked":
            # Several matched: the most recent is linked; the account inbox says which.
            return rx.redirect(routes.url("home", lang))
        if result.outcome == "linked":
            self.message = t("link.linked", lang, number=result.application_number)
            self.status_href = status_url(result.application_number, lang)
            for f in TEXT_FIELDS:
                setattr(self, f, "")
            self.dob, self.dob_marked = dict(NO_DATE), {}
            self.kind = ""
        elif result.outcome == "already_linked":
            self.message = t("link.already_linked", lang)
            self.status_href = status_url(result.application_number, lang)
        else:
            self.message = t(f"link.{result.outcome}", lang)
        return rx.set_focus("notice")


def _error(field: str):
    return LinkState.field_errors.get(field, "")


def birth_date_field(lang: str, state: type[rx.State]) -> rx.Component:
    """The client's birth date as three boxes (a state with `dob`, `dob_marked`, `set_dob`, `field_errors`)."""
    return date_field(lang, "date_of_birth", t("link.date_of_birth", lang),
                      {p: state.dob[p] for p in date_parts.PARTS}, state.set_dob,
                      state.field_errors.get("date_of_birth", ""),
                      {p: state.dob_marked.get(p, "") for p in date_parts.PARTS},
                      hint=t("link.date_of_birth_hint", lang), autocomplete="bday")


def link_form(lang: str) -> rx.Component:
    def field(name: str, *, input_type: str = "text", hint: bool = False) -> rx.Component:
        # Given names are optional: a client with a single name has none.
        single = name == "given_names"
        return text_field(lang, name, t(f"link.{name}", lang), getattr(LinkState, name),
                          lambda v: LinkState.set_field(name, v), _error(name), input_type=input_type,
                          hint=t("uci.given_names_hint", lang) if single else (
                              t(f"link.{name}_hint", lang) if hint else None),
                          required=not single)

    return rx.el.form(
        rx.el.div(
            rx.el.label(t("link.kind", lang), rx.el.span(" ", t("common.required", lang), class_name="required"),
                        html_for="kind"),
            rx.cond(_error("kind") != "", rx.el.p(_error("kind"), class_name="field-error", id="kind-error")),
            rx.el.select(*kind_options(lang), id="kind", name="kind", value=LinkState.kind,
                         on_change=LinkState.set_kind, class_name="input", aria_describedby="kind-error"),
            class_name=rx.cond(_error("kind") != "", "field field-has-error", "field"),
        ),
        rx.cond(LinkState.kind == linking.PAPER_KIND, rx.el.p(t("link.kind_paper_hint", lang), class_name="hint")),
        rx.cond(LinkState.kind != linking.PAPER_KIND, field("application_number", hint=True)),
        field("family_name"),
        field("given_names"),
        birth_date_field(lang, LinkState),
        field("uci", hint=True),
        rx.el.div(
            rx.el.button(t("link.submit", lang), type="submit", class_name="btn btn-primary", id="link-submit"),
            class_name="nav-bar",
        ),
        on_submit=LinkState.submit,
        prevent_default=True,
        no_validate=True,
        id="link-form",
    )


@page("link_application", fr="/fr/ajouter-une-demande-de-client", en="/en/add-a-client-application",
      title_key="link.title", on_load=LinkState.load)
def link_page(lang: str) -> rx.Component:
    kind = rx.match(LinkState.outcome, ("linked", "success"), ("already_linked", ""), ("near", "warning"), "error")
    return page_template(
        lang, "link_application", t("link.title", lang),
        rx.el.p(t("link.intro", lang)),
        error_summary(lang, LinkState.errors),
        notice_box(LinkState.message, kind),
        rx.cond(LinkState.status_href != "",
                rx.el.p(rx.el.a(t("link.linked_link", lang), href=LinkState.status_href, id="linked-status"))),
        rx.cond((LinkState.outcome == "none") | (LinkState.outcome == "near") | (LinkState.outcome == "throttled"),
                rx.el.p(t("link.help", lang), " ", rx.el.a(t("link.help_link", lang), href=routes.url("help", lang)),
                        id="link-help")),
        link_form(lang),
        modified=MODIFIED,
    )
