"""Form pieces the wizard engine's pages are built from, beside widgets.text_field:
radio groups, selects, checkbox groups, the step header and an inline confirmation.

Each field carries its id on the element the error summary links to (a radio or
checkbox group: its first option), shows its error beside it, and is controlled
by state so nothing typed is lost on an error."""

from __future__ import annotations

from typing import Any, Callable

import reflex as rx

from rar_app.components.widgets import field_error, help_icon
from rar_app.i18n import t


def _legend(lang: str, label: str, required: bool) -> rx.Component:
    return rx.el.legend(
        label,
        *([rx.el.span(" ", t("common.required", lang), class_name="required")] if required else []),
        class_name="legend",
    )


def radio_group(
    lang: str,
    name: str,
    label: str,
    options: list[tuple[str, str]] | rx.Var,
    value: rx.Var,
    on_change: Callable[[Any], Any],
    error: rx.Var,
    *,
    help_text: str | None = None,
    hint: str | None = None,
    required: bool = True,
) -> rx.Component:
    """A fieldset of radio buttons. `options` is a list of (code, label) known when the
    page is built, or a list var of objects with `code` and `label` (rules-owned choices)."""

    def radio(code: Any, text: Any, first: Any, help_text: Any = None) -> rx.Component:
        input_id = rx.cond(first, name, f"{name}-{code}") if isinstance(first, rx.Var) else (name if first else f"{name}-{code}")
        return rx.el.div(
            rx.el.input(
                type="radio",
                id=input_id,
                name=name,
                value=code,
                checked=value == code,
                on_change=lambda _v: on_change(code),
                aria_describedby=f"{name}-error",
                class_name="radio-input",
            ),
            rx.el.label(text, html_for=input_id, class_name="radio-label"),
            # A choice's plain explanation (rules-owned choices may carry one).
            *([rx.cond(help_text != "", rx.el.p(help_text, class_name="hint choice-help"))]
              if help_text is not None else []),
            class_name="choice",
        )

    if isinstance(options, rx.Var):
        items = rx.foreach(options, lambda o, i: radio(o.code, o.label, i == 0, o.help))
    else:
        items = rx.fragment(*[radio(code, text, i == 0) for i, (code, text) in enumerate(options)])
    return rx.el.div(
        rx.el.fieldset(
            _legend(lang, label, required),
            *([help_icon(lang, label, help_text, name)] if help_text else []),
            *([rx.el.p(hint, class_name="hint", id=f"{name}-hint")] if hint else []),
            field_error(lang, error, name),
            items,
            class_name="choices",
            aria_invalid=rx.cond(error != "", "true", "false"),
        ),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


def select_field(
    lang: str,
    name: str,
    label: str,
    options: rx.Var,
    value: rx.Var,
    on_change: Callable[[Any], Any],
    error: rx.Var,
    *,
    placeholder: str,
    help_text: str | None = None,
    required: bool = True,
) -> rx.Component:
    """A native select (good on phones and with screen readers). `options`: list var of {code, label}."""
    return rx.el.div(
        rx.el.div(
            rx.el.label(
                label,
                *([rx.el.span(" ", t("common.required", lang), class_name="required")] if required else []),
                html_for=name,
            ),
            *([help_icon(lang, label, help_text, name)] if help_text else []),
            class_name="label-row",
        ),
        field_error(lang, error, name),
        rx.el.select(
            rx.el.option(placeholder, value=""),
            rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["code"])),
            id=name,
            name=name,
            value=value,
            on_change=on_change,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{name}-error",
            class_name=rx.cond(error != "", "input input-error", "input"),
        ),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


def checkbox_group(
    lang: str,
    name: str,
    label: str,
    options: rx.Var,
    checked: rx.Var,
    on_toggle: Callable[[Any, Any], Any],
    error: rx.Var,
    *,
    hint: str | None = None,
    prefix: str = "",
) -> rx.Component:
    """Checkboxes with their help text. `options`: list var of objects with code, label, help;
    `checked`: list var of the codes ticked (each written `prefix` + code when a prefix is
    given, so one list can hold several groups); `on_toggle(code, now_checked)`."""

    def box(o: Any, i: Any) -> rx.Component:
        box_id = rx.cond(i == 0, name, f"{name}-{o.code}")
        is_checked = checked.contains(prefix + o.code) if prefix else checked.contains(o.code)
        return rx.el.div(
            rx.el.input(
                type="checkbox",
                id=box_id,
                name=name,
                value=o.code,
                checked=is_checked,
                on_change=lambda _v: on_toggle(o.code, ~is_checked),
                aria_describedby=f"{name}-{o.code}-help",
                class_name="checkbox-input",
            ),
            rx.el.label(o.label, html_for=box_id, class_name="checkbox-label"),
            rx.el.p(o.help, class_name="hint choice-help", id=f"{name}-{o.code}-help"),
            class_name="choice",
        )

    return rx.el.div(
        rx.el.fieldset(
            _legend(lang, label, False),
            *([rx.el.p(hint, class_name="hint", id=f"{name}-hint")] if hint else []),
            field_error(lang, error, name),
            rx.foreach(options, box),
            class_name="choices",
        ),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


def wizard_error_summary(lang: str, errors: rx.Var, summary_id: str = "error-summary") -> rx.Component:
    """widgets.error_summary for pages whose address has a query: each error carries
    its own `href` (path, query and #field), so following it stays on the same step."""
    return rx.cond(
        errors.length() > 0,  # type: ignore[attr-defined]
        rx.el.div(
            rx.el.h2(t("components.error_summary_title", lang), class_name="error-summary-title", id=f"{summary_id}-title"),
            rx.el.ul(rx.foreach(errors, lambda e: rx.el.li(rx.el.a(e["message"], href=e["href"].to(str))))),
            class_name="error-summary",
            id=summary_id,
            role="alert",
            tab_index=-1,
            aria_labelledby=f"{summary_id}-title",
        ),
    )


def step_header(caption: str, counter: rx.Var, subheading: rx.Var) -> rx.Component:
    """Under the page's h1: the questionnaire's name and "Étape n de N", then the client concerned."""
    return rx.fragment(
        rx.el.p(caption, rx.cond(counter != "", rx.el.span(" · ", counter)), class_name="lead step-caption"),
        rx.cond(subheading != "", rx.el.h2(subheading, class_name="step-client", id="step-client")),
    )


def confirm_panel(panel_id: str, title: str, body: str, yes: rx.Component, no: rx.Component) -> rx.Component:
    """An inline confirmation (no pop-up): a labelled alert region that receives focus."""
    return rx.el.div(
        rx.el.h2(title, id=f"{panel_id}-title"),
        rx.el.p(body),
        rx.el.div(yes, no, class_name="nav-bar"),
        id=panel_id,
        role="alertdialog",
        aria_labelledby=f"{panel_id}-title",
        tab_index=-1,
        class_name="alert alert-warning confirm-panel",
    )
