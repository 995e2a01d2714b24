"""Reusable pieces every wizard uses: navigation buttons, help icon, error summary,
form fields, form status tile, progress bar."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rar_app.i18n import t

# -- navigation ---------------------------------------------------------------

NAV_KEYS = {
    "previous": "nav.previous",
    "next": "nav.next",
    "return_previous": "nav.return_previous",
    "start_again": "nav.start_again",
    "exit_questionnaire": "nav.exit_questionnaire",
    "save_and_exit": "nav.save_and_exit",
    "continue": "nav.continue",
    "exit_after_submission": "nav.exit_after_submission",
}


def nav_button(kind: str, lang: str, *, on_click: Any = None, primary: bool = False,
               button_type: str = "button", **props: Any) -> rx.Component:
    """One of the wizard's standard buttons, labelled from the catalogue."""
    return rx.el.button(
        t(NAV_KEYS[kind], lang),
        type=button_type,
        on_click=on_click,
        class_name="btn btn-primary" if primary else "btn btn-secondary",
        id=props.pop("id", f"nav-{kind.replace('_', '-')}"),
        **props,
    )


def nav_bar(*buttons: rx.Component) -> rx.Component:
    return rx.el.div(*buttons, class_name="nav-bar")


# -- help icon -----------------------------------------------------------------


def help_icon(lang: str, field_label: str, help_text: str, field_id: str) -> rx.Component:
    """The blue question-mark icon. A native <details> disclosure: reachable with Tab,
    opened with Enter/Space, announced as "Help: <field>" by screen readers."""
    return rx.el.details(
        rx.el.summary(
            rx.el.span("?", aria_hidden="true", class_name="help-q"),
            rx.el.span(t("components.help_icon_label", lang, field=field_label), class_name="visually-hidden"),
            class_name="help-icon",
            title=t("components.help_icon_hint", lang),
        ),
        rx.el.div(help_text, class_name="help-text", id=f"{field_id}-help"),
        class_name="help",
    )


# -- error summary ---------------------------------------------------------------


def error_summary(lang: str, errors: rx.Var, summary_id: str = "error-summary") -> rx.Component:
    """GOV.UK / GC error summary. `errors` is a list var of {"field": id, "message": text}.
    Handlers that find errors return `rx.set_focus(summary_id)` so focus moves here."""
    return rx.cond(
        errors.length() > 0,  # type: ignore[attr-defined]
        rx.el.div(
            rx.el.h2(t("components.error_summary_title", lang), class_name="error-summary-title", id=f"{summary_id}-title"),
            rx.el.ul(
                rx.foreach(
                    errors,
                    lambda e: rx.el.li(rx.el.a(e["message"], href="#" + e["field"].to(str))),
                ),
            ),
            class_name="error-summary",
            id=summary_id,
            role="alert",
            tab_index=-1,
            aria_labelledby=f"{summary_id}-title",
        ),
    )


def field_error(lang: str, message: rx.Var, field_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.el.p(
            rx.el.span(t("components.error_prefix", lang), class_name="visually-hidden"),
            " ",
            message,
            class_name="field-error",
            id=f"{field_id}-error",
        ),
    )


def text_field(
    lang: str,
    field_id: str,
    label: str,
    value: rx.Var | None,
    on_change: Any,
    error: rx.Var,
    *,
    input_type: str = "text",
    help_text: str | None = None,
    hint: str | None = None,
    required: bool = True,
    autocomplete: str | None = None,
    note: rx.Var | None = None,
    **props: Any,
) -> rx.Component:
    """Label, optional help icon and hint, the error beside the field, and the input;
    `note`: a live text under the input, read out politely as it changes (``<id>-note``).
    The value is controlled by state so nothing typed is lost on an error; a secret
    (password, answer, one-time code, card number) passes `value=None, on_change=None`:
    the input is then uncontrolled and the handler reads it from the submitted form,
    so it never sits in the state (sent to Redis and the browser on every keystroke)."""
    if value is not None:
        props = {"value": value, "on_change": on_change, **props}
    described = " ".join(
        x for x in [f"{field_id}-hint" if hint else "", f"{field_id}-error", f"{field_id}-note" if note is not None else ""]
        if x
    )
    return rx.el.div(
        rx.el.div(
            rx.el.label(
                label,
                *([rx.el.span(" ", t("common.required", lang), class_name="required")] if required else []),
                html_for=field_id,
            ),
            *([help_icon(lang, label, help_text, field_id)] if help_text else []),
            class_name="label-row",
        ),
        *([rx.el.p(hint, class_name="hint", id=f"{field_id}-hint")] if hint else []),
        field_error(lang, error, field_id),
        rx.el.input(
            id=field_id,
            name=field_id,
            type=input_type,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=described,
            required=required,
            auto_complete=autocomplete,
            class_name=rx.cond(error != "", "input input-error", "input"),
            **props,
        ),
        *([rx.el.p(note, id=f"{field_id}-note", class_name="hint field-note", aria_live="polite")]
          if note is not None else []),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


def date_field(
    lang: str,
    field_id: str,
    label: str,
    parts: dict[str, rx.Var],
    on_change: Any,
    error: rx.Var,
    part_errors: dict[str, rx.Var],
    *,
    help_text: str | None = None,
    hint: str | None = None,
    required: bool = True,
    autocomplete: str | None = None,
) -> rx.Component:
    """A date as three boxes, Jour / Mois / Année (GC and GOV.UK date input), the same
    in every browser and language: one fieldset whose legend is the question, each box
    labelled, numeric keyboard on phones, widths 2/2/4 characters (rar_app/date_parts.py).

    `parts`: the day/month/year values; `on_change(part, value)`; `part_errors`: per part,
    non-empty when that box is wrong (it is marked, the others not); the day box carries
    `field_id`, the month and year boxes `field_id-month` and `field_id-year`."""
    described = " ".join(x for x in [f"{field_id}-hint" if hint else "", f"{field_id}-error"] if x)

    def box(part: str) -> rx.Component:
        box_id = field_id if part == "day" else f"{field_id}-{part}"
        wrong = (error != "") & (part_errors[part] != "")
        return rx.el.div(
            rx.el.label(t(f"dates.{part}", lang), html_for=box_id, class_name="date-part-label"),
            rx.el.input(
                id=box_id,
                name=box_id,
                type="text",
                input_mode="numeric",
                max_length=4 if part == "year" else 2,
                value=parts[part],
                on_change=lambda v: on_change(part, v),
                aria_invalid=rx.cond(wrong, "true", "false"),
                auto_complete=f"{autocomplete}-{part}" if autocomplete else "off",
                spell_check=False,
                class_name=rx.cond(wrong, f"input input-error date-part date-{part}",
                                   f"input date-part date-{part}"),
            ),
            class_name="date-part-item",
        )

    return rx.el.div(
        rx.el.fieldset(
            rx.el.legend(
                label,
                *([rx.el.span(" ", t("common.required", lang), class_name="required")] if required else []),
                class_name="legend",
            ),
            *([help_icon(lang, label, help_text, field_id)] if help_text else []),
            *([rx.el.p(hint, class_name="hint", id=f"{field_id}-hint")] if hint else []),
            field_error(lang, error, field_id),
            rx.el.div(box("day"), box("month"), box("year"), class_name="date-input"),
            role="group",
            aria_describedby=described,
            class_name="date-fieldset",
        ),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


# -- status tile and progress -------------------------------------------------------

STATUS_KEYS = {
    "not_started": "components.status_not_started",
    "in_progress": "components.status_in_progress",
    "complete": "components.status_complete",
}


def status_tile(lang: str, title: str, status: str, href: str | None = None) -> rx.Component:
    """A form's tile on a task list: Pas commencé / En cours / Terminé (green check when done)."""
    label = t(STATUS_KEYS[status], lang)
    heading = rx.el.a(title, href=href) if href else rx.el.span(title)
    return rx.el.li(
        rx.el.span(heading, class_name="tile-title"),
        rx.el.strong(
            *([rx.el.span("✓", aria_hidden="true", class_name="tile-check")] if status == "complete" else []),
            label,
            class_name=f"tile-status tile-{status}",
        ),
        class_name="status-tile",
    )


def progress_bar(percent: int | rx.Var, label: str) -> rx.Component:
    """An accessible progress bar (role=progressbar, value announced) with its label shown."""
    pct = percent if isinstance(percent, rx.Var) else rx.Var.create(int(percent))
    return rx.el.div(
        rx.el.p(label, " ", rx.el.span(pct.to_string(), "%", class_name="progress-value"), class_name="progress-label"),
        rx.el.div(
            rx.el.div(class_name="progress-fill", style={"width": pct.to_string() + "%"}),
            role="progressbar",
            aria_valuemin=0,
            aria_valuemax=100,
            aria_valuenow=pct,
            aria_label=label,
            class_name="progress",
        ),
        class_name="progress-block",
    )
