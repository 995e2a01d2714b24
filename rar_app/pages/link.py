"""Ajouter une demande de client à votre compte: choose the kind of application, fill
the fields it asks, "Rechercher ma demande" (matching rules: services/linking.py)."""

from __future__ import annotations

import asyncio
import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box, status_url, type_options
from rar_app.services.casework import linking
from rar_app.services import transactions
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

TEXT_FIELDS = ("application_number", "family_name", "given_names", "date_of_birth", "uci")


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
    date_of_birth: str = ""
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
    async def submit(self, _form: dict | None = None):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.outcome, self.message, self.status_href = "", "", ""
        form = make_form(self.kind, {f: getattr(self, f) for f in TEXT_FIELDS})
        if self.date_of_birth.strip() and form.date_of_birth is None:
            errors = [{"field": "date_of_birth", "message": t("link.error_date_of_birth_required", lang)}]
            errors += [e for e in link_errors(form, lang) if e["field"] != "date_of_birth"]
        else:
            errors = link_errors(form, lang)
        self.errors = errors
        self.field_errors = {e["field"]: e["message"] for e in errors}
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
            self.kind = ""
        elif result.outcome == "already_linked":
            self.message = t("link.already_linked", lang)
            self.status_href = status_url(result.application_number, lang)
        else:
            self.message = t(f"link.{result.outcome}", lang)
        return rx.set_focus("notice")


def _error(field: str):
    return LinkState.field_errors.get(field, "")


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
        field("date_of_birth", input_type="date", hint=True),
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
