"""The generic question page: one page per step of every registered program's wizards
(eligibility questions, application form, profile sections), built from the step's
description (fields, labels, help, choices, or a shared widget). One state
(`QuestionState`) drives them all. Addresses come from the program's slugs
(`Program.path`); the draft's id and the client's number are in the query
(``?id=12&client=2``), ``review=1`` when the step was opened with a pen from the review.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from rar_app import date_parts, routes
from rar_app.components.fee_selector import fee_selector, fee_summary_panel
from rar_app.components.layout import page_template
from rar_app.components.noc_finder import noc_finder, search_form
from rar_app.components.widgets import date_field, nav_bar, nav_button, text_field
from rar_app.components.wizard_form import (
    checkbox_group, confirm_panel, radio_group, select_field, step_header, wizard_error_summary,
)
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.programs import registry
from rar_app.programs.base import Program
from rar_app.programs.countries import country_field_options, country_options
from rar_app.programs.engine import Field, Step
from rar_app.state.questions import QuestionState as Q

MODIFIED = "2026-12-04"


def render_field(lang: str, f: Field, S: Any = Q) -> rx.Component:
    """One question of a step, from its description. `S`: the state holding the answers
    (`values`, `field_errors`, `dyn_options`, `checks`, `set_value`, `toggle_check`): the
    question pages' by default, or another page that asks a program's questions."""
    label = t(f.label_key, lang)
    help_text = t(f.help_key, lang) if f.help_key else None
    hint = t(f.hint_key, lang) if f.hint_key else None
    value = S.values[f.name]
    error = S.field_errors[f.name]

    def on_change(v, name=f.name):
        return S.set_value(name, v)

    if f.kind == "date":
        component = date_field(
            lang, f.name, label, {p: S.values[date_parts.part_key(f.name, p)] for p in date_parts.PARTS},
            lambda part, v, name=f.name: S.set_value(date_parts.part_key(name, part), v), error,
            {p: S.field_errors[date_parts.part_key(f.name, p)] for p in date_parts.PARTS},
            help_text=help_text, hint=hint, required=f.required,
            autocomplete="bday" if f.name == "date_of_birth" else None)
    elif f.kind in ("text", "number"):
        extra = {"input_mode": "numeric"} if f.kind == "number" else {}
        if f.kind == "text":
            extra["max_length"] = f.max_length
        if f.note is not None and hasattr(S, "notes"):  # a page whose state keeps live notes
            extra["note"] = S.notes[f.name]
        component = text_field(lang, f.name, label, value, on_change, error, help_text=help_text, hint=hint,
                               required=f.required, **extra)
        if f.finder == "noc":  # « Trouver la CNP »: picking a result fills this field
            component = rx.fragment(component, noc_finder(lang, f.name, lambda code, name=f.name: S.set_value(name, code)))
    elif f.kind == "select":
        if f.options is country_field_options:
            # Reference data (ISO 3166-1 names), not interface text: a literal list var.
            options = rx.Var.create(country_options(lang))
        elif callable(f.options):
            options = S.dyn_options[f.name]
        else:
            options = rx.Var.create([{"code": o.code, "label": o.label(lang, t)} for o in f.options])
        component = select_field(lang, f.name, label, options, value, on_change, error,
                                 placeholder=t("wizard.country_placeholder" if f.options is country_field_options
                                               else "programs.select_placeholder", lang),
                                 help_text=help_text, required=f.required)
    elif f.kind == "search":
        # A labelled text box whose suggestions filter as one types (the browser's datalist: keyboard and
        # screen-reader friendly, any width); the server checks the answer against the same list.
        choices = S.dyn_options[f.name] if callable(f.options) else rx.Var.create(
            [{"code": o.code} for o in f.options])  # type: ignore[union-attr]
        component = rx.fragment(
            text_field(lang, f.name, label, value, on_change, error, help_text=help_text, hint=hint,
                       required=f.required, max_length=f.max_length, list=f"{f.name}-choices", autocomplete="off"),
            rx.el.datalist(rx.foreach(choices, lambda o: rx.el.option(value=o.code)), id=f"{f.name}-choices"),
        )
    elif f.kind == "radio":
        options = (S.dyn_options[f.name] if callable(f.options)
                   else [(o.code, o.label(lang, t)) for o in f.options])  # type: ignore[union-attr]
        component = radio_group(lang, f.name, label, options, value, on_change, error, help_text=help_text,
                                hint=hint, required=f.required)
    elif f.kind == "checkboxes":
        options = (S.dyn_options[f.name] if callable(f.options)
                   else rx.Var.create([{"code": o.code, "label": o.label(lang, t), "help": ""} for o in f.options]))
        component = checkbox_group(lang, f.name, label, options, S.checks,
                                   lambda code, now, name=f.name: S.toggle_check(name, code, now), error, hint=hint,
                                   prefix=f"{f.name}:")
    else:
        raise ValueError(f"no renderer for {f.kind}")
    if f.show_if:
        other, wanted = f.show_if
        shown = (S.values[other] == wanted) if isinstance(wanted, str) else \
            rx.Var.create(list(wanted)).contains(S.values[other])
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
        rx.cond(Q.unavailable != "", rx.el.div(rx.el.p(Q.unavailable), class_name="alert alert-warning",
                                               role="alert", id="service-unavailable")),
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


def _item_list(lang: str, step: Step) -> rx.Component:
    """A list step's summary (« Sommaire des pièces d'identité »): each item saved, « Modifier »
    (its form) and « Supprimer »; the form below adds or changes one item."""
    return rx.el.section(
        rx.cond(
            Q.items.length() > 0,
            rx.el.div(rx.el.table(
                rx.el.caption(t(step.title_key, lang)),
                rx.el.thead(rx.el.tr(rx.el.th(t("items.col_item", lang), scope="col"),
                                     rx.el.th(t("items.col_actions", lang), scope="col"))),
                rx.el.tbody(rx.foreach(Q.items, lambda r: rx.el.tr(
                    rx.el.td(r.text, rx.cond(r.current, rx.el.span(" ", t("items.current", lang), class_name="badge"))),
                    rx.el.td(
                        rx.el.a(t("items.edit", lang), href=r.href, aria_label=r.edit_label,
                                id="item-edit-" + r.index.to(str)),
                        " ",
                        rx.el.button(t("items.remove", lang), type="button", class_name="link-button",
                                     aria_label=r.remove_label, on_click=Q.remove_item(r.index),
                                     id="item-remove-" + r.index.to(str)),
                    ),
                ))),
                class_name="review-table", id="item-list",
            ), class_name="table-wrap"),
            rx.el.p(t("items.none", lang), id="item-list-empty", class_name="hint"),
        ),
        class_name="item-list",
    )


def restart_confirm(lang: str) -> rx.Component:
    """« Recommencer »'s confirmation (every answer erased), on the review and on a step that
    repeats eligibility answers."""
    return rx.cond(
        Q.confirm_restart,
        confirm_panel(
            "restart-confirm", t("wizard.restart_confirm_title", lang), t("wizard.restart_confirm_body", lang),
            rx.el.button(t("wizard.restart_confirm_yes", lang), type="button", class_name="btn btn-danger",
                         on_click=Q.confirm_restart_now, id="restart-yes"),
            rx.el.button(t("wizard.restart_confirm_no", lang), type="button", class_name="btn btn-secondary",
                         on_click=Q.cancel_restart, id="restart-no"),
        ),
    )


def eligibility_warning(lang: str) -> rx.Component:
    """Before any change to an answer that came from the eligibility questions: changing it
    means starting again (guide, Étape 2), and the way to do it, « Recommencer »."""
    return rx.cond(Q.eligibility_note != "", rx.el.div(
        rx.el.p(Q.eligibility_note),
        rx.el.button(t("nav.start_again", lang), type="button", class_name="btn btn-secondary",
                     on_click=Q.ask_restart, id="eligibility-restart"),
        restart_confirm(lang),
        class_name="alert alert-warning", id="eligibility-warning",
    ))


def step_page(lang: str, program: Program, step: Step, *, first: bool) -> rx.Component:
    body = WIDGETS[step.widget](lang, step) if step.widget else [render_field(lang, f) for f in step.fields]
    if step.items:
        body = [*body, rx.el.div(
            rx.el.button(t("items.save_and_add", lang), type="button", class_name="btn btn-secondary",
                         on_click=Q.save_and_add, id="save-and-add"), class_name="nav-bar")]
    intro = [rx.el.p(t(step.intro_key, lang))] if step.intro_key else []
    intro += [rx.el.p(t(key, lang), class_name="alert", id=f"note-{key.rsplit('.', 1)[-1].replace('_', '-')}")
              for key in step.note_keys]
    finders = [search_form(f.name) for f in step.fields if f.finder == "noc" and not step.widget]
    listed = [_item_list(lang, step)] if step.items else []
    warning = [eligibility_warning(lang)] if program.profile and program.eligibility is not None else []
    return frame(lang, program, program.page_id(step.id), step.title_key, *intro, *warning, *listed,
                 _form(lang, *body, first=first), *finders)


def register_steps() -> None:
    """A page per step of every program's wizards."""
    for program in registry.all_programs():
        first = program.first_step()
        for _part, wiz in program.wizards():
            for step in wiz.steps:
                if program.page_id(step.id) in routes.ROUTES:
                    continue  # a profile section whose id is its only step's
                page(program.page_id(step.id), fr=program.path(step.id, "fr"), en=program.path(step.id, "en"),
                     title_key=step.title_key, on_load=Q.load, guards_itself=True)(
                    lambda lang, p=program, s=step, f=(step.id == first): step_page(lang, p, s, first=f))


register_steps()
