"""Visitor visa, study permit and/or work permit: the questionnaire up to "Révisez vos réponses".

Every step page is built from the step's description in
`services.applications.VSW_WIZARD` (fields, labels, help, choices); one state
(`VswState`) drives them all. Each step has its own address; the draft's id and
the client's number are in the query (`?id=12&client=2`), `review=1` when the
step was opened with a pencil from the review.
"""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.fee_selector import fee_selector, fee_summary_panel
from rar_app.components.layout import page_template
from rar_app.components.widgets import nav_bar, nav_button, text_field
from rar_app.components.wizard_form import (
    checkbox_group,
    confirm_panel,
    radio_group,
    select_field,
    step_header,
    wizard_error_summary,
)
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.services.casework import applications
from rar_app.programs import registry
from rar_app.programs.engine import Field
from rar_app.state.wizard import VswState

MODIFIED = "2026-11-28"
BASE = {"fr": "/fr/visa-visiteur-permis-etudes-travail", "en": "/en/visitor-visa-study-work-permit"}


def _countries(lang: str) -> rx.Var:
    # Reference data (ISO 3166-1 names), not interface text: a literal list var.
    return rx.Var.create(applications.country_options(lang))


def render_field(lang: str, f: Field) -> rx.Component:
    """One question of a step, from its description."""
    label = t(f.label_key, lang)
    help_text = t(f.help_key, lang) if f.help_key else None
    hint = t(f.hint_key, lang) if f.hint_key else None
    value = VswState.values[f.name]
    error = VswState.field_errors[f.name]

    def on_change(v, name=f.name):
        return VswState.set_value(name, v)

    if f.kind in ("text", "number", "date"):
        extra = {"input_mode": "numeric"} if f.kind == "number" else {}
        if f.kind == "text":
            extra["max_length"] = f.max_length
        component = text_field(lang, f.name, label, value, on_change, error, help_text=help_text, hint=hint,
                               required=f.required, input_type="date" if f.kind == "date" else "text", **extra)
    elif f.kind == "select":
        component = select_field(lang, f.name, label, _countries(lang), value, on_change, error,
                                 placeholder=t("wizard.country_placeholder", lang), help_text=help_text,
                                 required=f.required)
    elif f.kind == "radio":
        options = (VswState.type_options if callable(f.options)
                   else [(o.code, o.label(lang, t)) for o in f.options])  # type: ignore[union-attr]
        component = radio_group(lang, f.name, label, options, value, on_change, error, help_text=help_text,
                                hint=hint, required=f.required)
    else:
        raise ValueError(f"no renderer for {f.kind}")
    if f.show_if:
        other, wanted = f.show_if
        return rx.cond(VswState.values[other] == wanted, component)
    return component


def _nav(lang: str, *, first: bool = False) -> rx.Component:
    back = nav_button("previous", lang, on_click=VswState.previous_step)
    return nav_bar(
        rx.cond(
            VswState.from_review,
            nav_button("return_previous", lang, on_click=VswState.back_to_review),
            rx.fragment() if first else back,
        ),
        nav_button("next", lang, primary=True, button_type="submit"),
        nav_button("exit_questionnaire", lang, on_click=VswState.exit_questionnaire),
    )


def _frame(lang: str, page_id: str, title_key: str, *body: rx.Component) -> rx.Component:
    return page_template(
        lang,
        page_id,
        t(title_key, lang),
        step_header(t("wizard.title", lang), VswState.step_counter, VswState.client_heading),
        rx.cond(
            VswState.notice != "",
            rx.el.div(
                rx.el.p(VswState.notice),
                rx.el.p(rx.el.a(t("common.back_home", lang), href=routes.url("home", lang))),
                class_name="alert alert-warning",
                role="alert",
                id="wizard-notice",
            ),
            rx.cond(
                VswState.loaded,
                rx.fragment(*body),
                rx.el.p(t("common.loading", lang), class_name="hint", role="status"),
            ),
        ),
        modified=MODIFIED,
    )


def _form(lang: str, *children: rx.Component, first: bool = False) -> rx.Component:
    return rx.fragment(
        wizard_error_summary(lang, VswState.errors),
        rx.el.form(
            *children,
            _nav(lang, first=first),
            on_submit=VswState.next_step,
            prevent_default=True,
            no_validate=True,
            id="wizard-form",
        ),
    )


def _fields(lang: str, step_id: str) -> list[rx.Component]:
    return [render_field(lang, f) for f in registry.default().application.step(step_id).fields]


# -- the steps ------------------------------------------------------------------


@page("vsw_start", fr=BASE["fr"], en=BASE["en"], title_key="wizard.step_file_number", on_load=VswState.load)
def file_number_page(lang: str) -> rx.Component:
    return _frame(lang, "vsw_start", "wizard.step_file_number", _form(lang, *_fields(lang, "file_number"), first=True))


@page("vsw_applicants", fr=BASE["fr"] + "/nombre-de-demandeurs", en=BASE["en"] + "/number-of-applicants",
      title_key="wizard.step_applicants", on_load=VswState.load)
def applicants_page(lang: str) -> rx.Component:
    return _frame(lang, "vsw_applicants", "wizard.step_applicants", _form(lang, *_fields(lang, "applicants")))


@page("vsw_client", fr=BASE["fr"] + "/client", en=BASE["en"] + "/client", title_key="wizard.step_client",
      on_load=VswState.load)
def client_page(lang: str) -> rx.Component:
    return _frame(lang, "vsw_client", "wizard.step_client", _form(lang, *_fields(lang, "client")))


@page("vsw_sds", fr=BASE["fr"] + "/volet-direct-pour-les-etudes", en=BASE["en"] + "/student-direct-stream",
      title_key="wizard.step_sds", on_load=VswState.load)
def sds_page(lang: str) -> rx.Component:
    return _frame(lang, "vsw_sds", "wizard.step_sds",
                  rx.el.p(t("wizard.sds_intro", lang)), _form(lang, *_fields(lang, "sds")))


@page("vsw_client_documents", fr=BASE["fr"] + "/information-relative-au-client", en=BASE["en"] + "/client-information",
      title_key="wizard.step_documents", on_load=VswState.load)
def documents_page(lang: str) -> rx.Component:
    return _frame(
        lang, "vsw_client_documents", "wizard.step_documents",
        rx.el.p(t("wizard.documents_intro", lang)),
        _form(
            lang,
            rx.el.h3(t("wizard.documents_required", lang)),
            rx.el.ul(
                rx.foreach(VswState.required_docs, lambda d: rx.el.li(
                    rx.el.strong(d.label), " ", rx.el.span("(", t("wizard.required_badge", lang), ")", class_name="required"),
                    rx.el.br(), rx.el.span(d.help, class_name="hint"),
                )),
                class_name="doc-list",
                id="required-documents",
            ),
            rx.cond(
                VswState.optional_docs.length() > 0,
                checkbox_group(lang, "documents", t("wizard.documents_additional", lang), VswState.optional_docs,
                               VswState.checked_docs, VswState.toggle_doc, VswState.field_errors["documents"],
                               hint=t("wizard.documents_additional_hint", lang)),
                rx.el.p(t("wizard.documents_none", lang), id="no-additional-documents", class_name="alert"),
            ),
        ),
    )


@page("vsw_fees", fr=BASE["fr"] + "/types-de-frais", en=BASE["en"] + "/fee-types", title_key="wizard.step_fees",
      on_load=VswState.load)
def fees_page(lang: str) -> rx.Component:
    return _frame(
        lang, "vsw_fees", "wizard.step_fees",
        rx.el.p(t("wizard.fees_intro", lang)),
        _form(
            lang,
            rx.el.div(
                fee_selector(lang, VswState.fee_rows, VswState.choose_fee),
                fee_summary_panel(lang, VswState.fee_lines, VswState.fee_total, VswState.fee_warnings,
                                  cheapest_text=VswState.cheapest_text, cheapest_better=VswState.cheapest_better,
                                  on_cheapest=VswState.use_cheapest),
                class_name="fee-layout",
            ),
        ),
    )


# -- the review -------------------------------------------------------------------


def _review_group(lang: str, group) -> rx.Component:
    return rx.el.section(
        rx.el.h2(group.heading),
        rx.el.div(
            rx.el.table(
                rx.el.thead(rx.el.tr(
                    rx.el.th(t("wizard.review_question", lang), scope="col"),
                    rx.el.th(t("wizard.review_answer", lang), scope="col"),
                    rx.el.th(rx.el.span(t("wizard.review_change", lang), class_name="visually-hidden"), scope="col"),
                )),
                rx.el.tbody(rx.foreach(group.answers, lambda item: rx.el.tr(
                    rx.el.th(item.label, scope="row"),
                    rx.el.td(item.value),
                    rx.el.td(rx.el.a(
                        rx.el.span(t("wizard.pencil_icon", lang), aria_hidden="true", class_name="pencil"),
                        rx.el.span(item.edit_label, class_name="visually-hidden"),
                        href=item.href, class_name="pencil-link", title=t("wizard.review_change", lang),
                    )),
                ))),
                class_name="review-table",
            ),
            class_name="table-wrap",
        ),
        class_name="review-group",
    )


@page("vsw_review", fr=BASE["fr"] + "/revision", en=BASE["en"] + "/review", title_key="wizard.step_review",
      on_load=VswState.load)
def review_page(lang: str) -> rx.Component:
    if "vsw_documents" in routes.ROUTES:
        continue_button = nav_button("continue", lang, primary=True, on_click=VswState.continue_after_review)
    else:
        continue_button = rx.el.span(
            nav_button("continue", lang, primary=True, disabled=True, aria_describedby="continue-unavailable"),
            " ", rx.el.span(t("common.coming_soon", lang), class_name="badge", id="continue-unavailable"),
        )
    return _frame(
        lang, "vsw_review", "wizard.step_review",
        nav_bar(nav_button("start_again", lang, on_click=VswState.ask_restart)),
        rx.cond(
            VswState.confirm_restart,
            confirm_panel(
                "restart-confirm", t("wizard.restart_confirm_title", lang), t("wizard.restart_confirm_body", lang),
                rx.el.button(t("wizard.restart_confirm_yes", lang), type="button", class_name="btn btn-danger",
                             on_click=VswState.confirm_restart_now, id="restart-yes"),
                rx.el.button(t("wizard.restart_confirm_no", lang), type="button", class_name="btn btn-secondary",
                             on_click=VswState.cancel_restart, id="restart-no"),
            ),
        ),
        rx.el.p(t("wizard.review_intro", lang)),
        rx.foreach(VswState.review_groups, lambda g: _review_group(lang, g)),
        fee_summary_panel(lang, VswState.fee_lines, VswState.review_total, VswState.fee_warnings),
        nav_bar(continue_button, nav_button("exit_questionnaire", lang, on_click=VswState.leave)),
    )
