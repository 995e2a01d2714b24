"""The fee selector: for each client, the fee type (with the portal's explanation of
each option and its amount), whether biometrics are needed (Oui / Non) and the
biometrics option; beside it the live fee summary computed by the rules engine,
its warnings, and a one-click "use the cheapest valid choice".

Reusable by any application with per-person fees. It is bound to:
- `rows`: list var of objects with position, heading, type_label, fee, bio_needed,
  bio, fee_options / bio_options (code, label, help, amount), fee_error,
  bio_needed_error, bio_error (see rar_app.state.questions.FeeRow);
- `on_choose(position, kind, value)` with kind "fee" | "bio_needed" | "bio" | "reason" (the
  exemption's reason, asked when « Dispensé des frais » is chosen: ``fee_reason-<n>``).
Field ids are ``fee-<n>``, ``bio_needed-<n>``, ``bio-<n>`` (first option of each
group), the targets of the error summary's links.
"""

from __future__ import annotations

from typing import Any, Callable

import reflex as rx

from rar_app.components.widgets import field_error
from rar_app.i18n import t


def _options(lang: str, group: str, position: Any, options: rx.Var, current: Any,
             on_pick: Callable[[Any], Any]) -> rx.Component:
    def radio(o: Any, i: Any) -> rx.Component:
        input_id = rx.cond(i == 0, f"{group}-{position}", f"{group}-{position}-{o.code}")
        help_id = f"{group}-{position}-{o.code}-help"
        return rx.el.div(
            rx.el.input(type="radio", id=input_id, name=f"{group}-{position}", value=o.code,
                        checked=current == o.code, on_change=lambda _v: on_pick(o.code),
                        aria_describedby=help_id, class_name="radio-input"),
            rx.el.label(o.label, " ", rx.el.span("(", o.amount, ")", class_name="fee-amount"), html_for=input_id,
                        class_name="radio-label"),
            rx.el.p(o.help, class_name="hint choice-help", id=help_id),
            class_name="choice",
        )

    return rx.foreach(options, radio)


def _group(lang: str, legend: str, group: str, position: Any, error: Any, body: rx.Component) -> rx.Component:
    return rx.el.div(
        rx.el.fieldset(
            rx.el.legend(legend, rx.el.span(" ", t("common.required", lang), class_name="required"), class_name="legend"),
            field_error(lang, error, f"{group}-{position}"),
            body,
            class_name="choices",
        ),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


def _reason(lang: str, row: Any, on_choose: Callable[[Any, str, Any], Any]) -> rx.Component:
    """« Dispensé des frais » needs its reason (issue 14, point 6); staff review it with the
    supporting document (asked on the document checklist) before processing."""
    pos = row.position
    field_id = f"fee_reason-{pos}"
    return rx.el.div(
        rx.el.div(rx.el.label(t("fees.exemption_reason", lang),
                              rx.el.span(" ", t("common.required", lang), class_name="required"), html_for=field_id),
                  class_name="label-row"),
        rx.el.p(t("fees.exemption_reason_hint", lang), class_name="hint", id=f"{field_id}-hint"),
        field_error(lang, row.reason_error, field_id),
        rx.el.textarea(id=field_id, name=field_id, value=row.reason, rows=3, max_length=500,
                       on_change=lambda v: on_choose(pos, "reason", v),
                       aria_describedby=f"{field_id}-hint {field_id}-error",
                       aria_invalid=rx.cond(row.reason_error != "", "true", "false"),
                       class_name=rx.cond(row.reason_error != "", "input input-error", "input")),
        class_name=rx.cond(row.reason_error != "", "field field-has-error", "field"),
    )


def fee_selector(lang: str, rows: rx.Var, on_choose: Callable[[Any, str, Any], Any]) -> rx.Component:
    def client(row: Any) -> rx.Component:
        pos = row.position
        yes_no = rx.fragment(*[
            rx.el.div(
                rx.el.input(type="radio", id=f"bio_needed-{pos}" if code == "yes" else f"bio_needed-{pos}-no",
                            name=f"bio_needed-{pos}", value=code, checked=row.bio_needed == code,
                            on_change=lambda _v, c=code: on_choose(pos, "bio_needed", c), class_name="radio-input"),
                rx.el.label(t(label_key, lang), html_for=f"bio_needed-{pos}" if code == "yes" else f"bio_needed-{pos}-no",
                            class_name="radio-label"),
                class_name="choice choice-inline",
            )
            for code, label_key in (("yes", "wizard.answer_yes"), ("no", "wizard.answer_no"))
        ])
        return rx.el.section(
            rx.el.h2(row.heading, id=f"fee-client-{pos}"),
            rx.el.p(row.type_label, class_name="hint"),
            _group(lang, t("fees.fee_type", lang), "fee", pos, row.fee_error,
                   _options(lang, "fee", pos, row.fee_options, row.fee, lambda code: on_choose(pos, "fee", code))),
            rx.cond(row.fee == "exempt", _reason(lang, row, on_choose)),
            rx.cond(
                row.bio_options.length() > 0,
                rx.fragment(
                    _group(lang, t("fees.bio_needed", lang), "bio_needed", pos, row.bio_needed_error, yes_no),
                    rx.cond(
                        row.bio_needed == "yes",
                        _group(lang, t("fees.bio_option", lang), "bio", pos, row.bio_error,
                               _options(lang, "bio", pos, row.bio_options, row.bio, lambda code: on_choose(pos, "bio", code))),
                    ),
                ),
            ),
            class_name="fee-client",
            aria_labelledby=f"fee-client-{pos}",
        )

    return rx.el.div(rx.foreach(rows, client), class_name="fee-selector", id="fee-selector")


def fee_summary_panel(lang: str, lines: rx.Var, total: rx.Var, warnings: rx.Var, *,
                      cheapest_text: rx.Var | None = None, cheapest_better: rx.Var | None = None,
                      on_cheapest: Any = None) -> rx.Component:
    """Sommaire des frais: one line per fee item (text and amount), the total, the
    rules engine's warnings and, when given, the cheapest choice and its button."""
    cheapest = []
    if cheapest_text is not None and on_cheapest is not None:
        cheapest = [rx.cond(total != "", rx.el.div(
            rx.el.h3(t("fees.cheapest_title", lang)),
            rx.el.p(cheapest_text, id="cheapest-text"),
            rx.cond(cheapest_better, rx.el.button(t("fees.use_cheapest", lang), type="button", on_click=on_cheapest,
                                                  class_name="btn btn-secondary", id="use-cheapest")),
            class_name="fee-cheapest",
        ))]
    return rx.el.section(
        rx.el.h2(t("fees.summary_title", lang), id="fee-summary-title"),
        # Nothing to total before the choices: say when it will show (no total, no advice).
        rx.cond(total == "", rx.el.p(t("wayfinding.fees_pending", lang), class_name="hint", id="fee-summary-pending")),
        rx.cond(total != "", rx.el.div(
            rx.el.table(
                rx.el.thead(rx.el.tr(rx.el.th(t("fees.summary_line", lang), scope="col"),
                                     rx.el.th(t("fees.summary_amount", lang), scope="col", class_name="amount"))),
                rx.el.tbody(rx.foreach(lines, lambda ln: rx.el.tr(rx.el.td(ln.text), rx.el.td(ln.amount, class_name="amount")))),
                rx.el.tfoot(rx.el.tr(rx.el.th(t("fees.summary_total", lang), scope="row"),
                                     rx.el.td(rx.el.strong(total, id="fee-total"), class_name="amount"))),
            ),
            class_name="table-wrap",
        )),
        rx.el.div(rx.cond(total != "", rx.el.p(t("fees.summary_total", lang), t("typography.colon", lang), total)),
                  aria_live="polite", class_name="visually-hidden"),
        rx.cond(
            warnings.length() > 0,
            rx.el.div(
                rx.el.h3(t("fees.warnings_title", lang)),
                rx.el.ul(rx.foreach(warnings, lambda w: rx.el.li(w)), id="fee-warnings"),
                class_name="alert alert-warning",
            ),
        ),
        *cheapest,
        # On a phone the total stays in sight at the bottom of the screen while choosing.
        rx.cond(total != "", rx.el.p(t("fees.summary_total", lang), t("typography.colon", lang),
                                     rx.el.strong(total), class_name="fee-total-bar", aria_hidden="true")),
        id="fee-summary",
        tab_index=-1,
        aria_labelledby="fee-summary-title",
        class_name="fee-summary",
    )
