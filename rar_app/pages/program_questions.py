"""The generic question page: one page per step of every registered program's wizards
(eligibility questions, application form, profile sections), built from the step's
description (fields, labels, help, choices, or a shared widget). One state
(`QuestionState`) drives them all. Addresses come from the program's slugs
(`Program.path`); the draft's id and the client's number are in the query
(``?id=12&client=2``), ``review=1`` when the step was opened with a pen from the review.
"""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.fee_selector import fee_selector, fee_summary_panel
from rar_app.components.layout import page_template
from rar_app.components.widgets import nav_bar, nav_button, text_field
from rar_app.components.wizard_form import checkbox_group, radio_group, select_field, step_header, wizard_error_summary
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.programs import registry
from rar_app.programs.base import Program
from rar_app.programs.countries import country_field_options, country_options
from rar_app.programs.engine import Field, Step
from rar_app.state.questions import QuestionState as Q

MODIFIED = "2026-12-04"


def render_field(lang: str, f: Field) -> rx.Component:
    """One question of a step, from its description."""
    label = t(f.label_key, lang)
    help_text = t(f.help_key, lang) if f.help_key else None
    hint = t(f.hint_key, lang) if f.hint_key else None
    value = Q.values[f.name]
    error = Q.field_errors[f.name]

    def on_change(v, name=f.name):
        return Q.set_value(name, v)

    if f.kind in ("text", "number", "date"):
        extra = {"input_mode": "numeric"} if f.kind == "number" else {}
        if f.kind == "text":
            extra["max_length"] = f.max_length
        component = text_field(lang, f.name, label, value, on_change, error, help_text=help_text, hint=hint,
                               required=f.required, input_type="date" if f.kind == "date" else "text", **extra)
    elif f.kind == "select":
        if f.options is country_field_options:
            # Reference data (ISO 3166-1 names), not interface text: a literal list var.
            options = rx.Var.create(country_options(lang))
        elif callable(f.options):
            options = Q.dyn_options[f.name]
        else:
            options = rx.Var.create([{"code": o.code, "label": o.label(lang, t)} for o in f.options])
        component = select_field(lang, f.name, label, options, value, on_change, error,
                                 placeholder=t("wizard.country_placeholder" if f.options is country_field_options
                                               else "programs.select_placeholder", lang),
                                 help_text=help_text, required=f.required)
    elif f.kind == "radio":
        options = (Q.dyn_options[f.name] if callable(f.options)
                   else [(o.code, o.label(lang, t)) for o in f.options])  # type: ignore[union-attr]
        component = radio_group(lang, f.name, label, options, value, on_change, error, help_text=help_text,
                                hint=hint, required=f.required)
    elif f.kind == "checkboxes":
        options = (Q.dyn_options[f.name] if callable(f.options)
                   else rx.Var.create([{"code": o.code, "label": o.label(lang, t), "help": ""} for o in f.options]))
        component = checkbox_group(lang, f.name, label, options, Q.checks,
                                   lambda code, now, name=f.name: Q.toggle_check(name, code, now), error, hint=hint,
                                   prefix=f"{f.name}:")
    else:
        raise ValueError(f"no renderer for {f.kind}")
    if f.show_if:
        other, wanted = f.show_if
        shown = (Q.values[other] == wanted) if isinstance(wanted, str) else \
            rx.Var.create(list(wanted)).contains(Q.values[other])
        return rx.cond(shown, component)
    return component


def _nav(lang: str, *, first: bool = False) -> rx.Component:
    back = nav_button("previous", lang, on_click=Q.previous_step)
    return nav_bar(
        rx.cond(
            Q.from_review,
            nav_button("return_previous", lang, on_click=Q.back_to_review),
            rx.fragment() if first else back,
        ),
        nav_button("next", lang, primary=True, button_type="submit"),
        nav_button("exit_questionnaire", lang, on_click=Q.exit_questionnaire),
    )


def frame(lang: str, program: Program, page_id: str, title_key: str, *body: rx.Component) -> rx.Component:
    return page_template(
        lang,
        page_id,
        t(title_key, lang),
        step_header(t(program.title_key, lang), Q.step_counter, Q.client_heading),
        rx.cond(
            Q.notice != "",
            rx.el.div(
                rx.el.p(Q.notice),
                rx.el.p(rx.el.a(t("common.back_home", lang), href=routes.url("home", lang))),
                class_name="alert alert-warning",
                role="alert",
                id="wizard-notice",
            ),
            rx.cond(
                Q.loaded,
                rx.fragment(*body),
                rx.el.p(t("common.loading", lang), class_name="hint", role="status"),
            ),
        ),
        modified=MODIFIED,
    )


def _form(lang: str, *children: rx.Component, first: bool = False) -> rx.Component:
    return rx.fragment(
        wizard_error_summary(lang, Q.errors),
        rx.el.form(
            *children,
            _nav(lang, first=first),
            on_submit=Q.next_step,
            prevent_default=True,
            no_validate=True,
            id="wizard-form",
        ),
    )


# -- shared widgets (a step names one with Step.widget) ------------------------------------


def _document_choice(lang: str, step: Step) -> list[rx.Component]:
    f = step.fields[0]
    return [
        rx.el.h3(t("wizard.documents_required", lang)),
        rx.el.ul(
            rx.foreach(Q.required_docs, lambda d: rx.el.li(
                rx.el.strong(d.label), " ", rx.el.span("(", t("wizard.required_badge", lang), ")", class_name="required"),
                rx.el.br(), rx.el.span(d.help, class_name="hint"),
            )),
            class_name="doc-list",
            id="required-documents",
        ),
        rx.cond(
            Q.optional_docs.length() > 0,
            checkbox_group(lang, f.name, t(f.label_key, lang), Q.optional_docs, Q.checked_docs, Q.toggle_doc,
                           Q.field_errors[f.name], hint=t("wizard.documents_additional_hint", lang)),
            rx.el.p(t("wizard.documents_none", lang), id="no-additional-documents", class_name="alert"),
        ),
    ]


def _fee_selector(lang: str, _step: Step) -> list[rx.Component]:
    return [rx.el.div(
        fee_selector(lang, Q.fee_rows, Q.choose_fee),
        fee_summary_panel(lang, Q.fee_lines, Q.fee_total, Q.fee_warnings, cheapest_text=Q.cheapest_text,
                          cheapest_better=Q.cheapest_better, on_cheapest=Q.use_cheapest),
        class_name="fee-layout",
    )]


WIDGETS = {"document_choice": _document_choice, "fee_selector": _fee_selector}


def step_page(lang: str, program: Program, step: Step, *, first: bool) -> rx.Component:
    body = WIDGETS[step.widget](lang, step) if step.widget else [render_field(lang, f) for f in step.fields]
    intro = [rx.el.p(t(step.intro_key, lang))] if step.intro_key else []
    return frame(lang, program, program.page_id(step.id), step.title_key, *intro, _form(lang, *body, first=first))


def register_steps() -> None:
    """A page per step of every program's wizards."""
    for program in registry.all_programs():
        first = program.first_step()
        for _part, wiz in program.wizards():
            for step in wiz.steps:
                if program.page_id(step.id) in routes.ROUTES:
                    continue  # a profile section whose id is its only step's
                page(program.page_id(step.id), fr=program.path(step.id, "fr"), en=program.path(step.id, "en"),
                     title_key=step.title_key, on_load=Q.load)(
                    lambda lang, p=program, s=step, f=(step.id == first): step_page(lang, p, s, first=f))


register_steps()
