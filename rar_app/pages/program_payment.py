"""The generic pages after the signature, for every program: « Signature » (the clients,
the « Sommaire des frais », « Transmettre » or « Transmettre et payer »), the payment
page (the guide's « site Web externe »: credit card or Interac Online), « Transaction
approuvée – Merci » (a printable receipt) and « Félicitations! Votre demande ou profil a
été soumis avec succès. » (« Sortie questionnaire »). State: `state/program_payment.py`
(card data never enters it: see its docstring)."""

from __future__ import annotations

from datetime import date
from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.widgets import error_summary, field_error, nav_bar, nav_button
from rar_app.components.wizard_form import confirm_panel
from rar_app.i18n import t
from rar_app.pages.program_finish import clients_table, fees_panel, frame, program_pages, scroll_region
from rar_app.programs.base import Program
from rar_app.services.money import payments
from rar_app.settings import get_settings
from rar_app.state.program_payment import CARD_FIELDS, FinishPayState
from rar_app.state.program_rows import AnswerGroup

P = FinishPayState


# -- step 11 -------------------------------------------------------------------------------


def _answer_table(lang: str, rows: rx.Var, **attrs: Any) -> rx.Component:
    return rx.el.div(
        rx.el.table(
            rx.el.thead(rx.el.tr(rx.el.th(t("wizard.review_question", lang), scope="col"),
                                 rx.el.th(t("wizard.review_answer", lang), scope="col"))),
            rx.el.tbody(rx.foreach(rows, lambda r: rx.el.tr(rx.el.th(r.label, scope="row"), rx.el.td(r.value)))),
            class_name="review-table", **attrs,
        ),
        class_name="table-wrap",
    )


def _restated(lang: str) -> rx.Component:
    """« Elle fait état des réponses que vous avez données et de votre consentement »."""
    def group(g: AnswerGroup) -> rx.Component:
        return rx.el.section(rx.el.h3(g.heading), _answer_table(lang, g.rows), class_name="review-group")

    return rx.fragment(
        rx.el.section(
            rx.el.h2(t("signature.answers_title", lang)),
            rx.el.p(t("signature.answers_intro", lang)),
            rx.foreach(P.answer_groups, group),
            id="signature-answers",
        ),
        rx.cond(P.consent_rows.length() > 0, rx.el.section(
            rx.el.h2(t("signature.consent_title", lang)),
            rx.el.p(t("signature.consent_intro", lang)),
            _answer_table(lang, P.consent_rows, id="signature-consent"),
        )),
    )


def signature_page(lang: str, program: Program) -> rx.Component:
    return frame(
        lang, program.page_id("signature"), program.page_title("signature", "submit.signature_title"), P,
        error_summary(lang, P.errors),
        rx.cond(P.in_progress, rx.el.p(t("submit.payment_in_progress", lang), class_name="alert alert-warning",
                                       role="status")),
        rx.el.div(rx.el.p(rx.el.strong(t("wayfinding.signature_not_sent", lang))), class_name="alert alert-warning"),
        rx.el.p(rx.cond(P.has_fees, t("submit.signature_intro_pay", lang), t("submit.signature_intro_free", lang))),
        clients_table(lang, P.clients),
        _restated(lang),
        fees_panel(lang, P),
        nav_bar(
            nav_button("previous", lang, on_click=P.go(program.previous_page("signature"))),
            rx.el.button(
                rx.cond(P.has_fees, t("submit.transmit_and_pay", lang), t("submit.transmit", lang)),
                type="button", class_name="btn btn-primary", id="transmit", on_click=P.transmit,
                disabled=P.in_progress,
            ),
        ),
    )


# -- step 12 -------------------------------------------------------------------------------


def _years() -> rx.Var:
    this_year = date.today().year
    return rx.Var.create([str(y) for y in range(this_year, this_year + 16)])


def _months() -> rx.Var:
    return rx.Var.create([f"{m:02d}" for m in range(1, 13)])


def _input(lang: str, field: str, element_id: str, label_key: str, *, hint_key: str | None = None,
           **attrs: Any) -> rx.Component:
    """An uncontrolled input (its value never goes to state), its label, hint and error."""
    error = getattr(P, field + "_error")
    described = " ".join(x for x in (f"{element_id}-hint" if hint_key else "", f"{element_id}-error") if x)
    return rx.el.div(
        rx.el.label(t(label_key, lang), rx.el.span(" ", t("common.required", lang), class_name="required"),
                    html_for=element_id),
        *([rx.el.p(t(hint_key, lang), class_name="hint", id=f"{element_id}-hint")] if hint_key else []),
        field_error(lang, error, element_id),
        rx.el.input(id=element_id, name=element_id, aria_invalid=rx.cond(error != "", "true", "false"),
                    aria_describedby=described, required=True,
                    class_name=rx.cond(error != "", "input input-error", "input"), **attrs),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


def _select(element_id: str, label: str, placeholder: str, options: rx.Var, error: rx.Var, autocomplete: str,
            described: str) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=element_id),
        rx.el.select(
            rx.el.option(placeholder, value=""),
            rx.foreach(options, lambda o: rx.el.option(o, value=o)),
            id=element_id, name=element_id, auto_complete=autocomplete,
            aria_invalid=rx.cond(error != "", "true", "false"), aria_describedby=described,
            class_name=rx.cond(error != "", "input input-error input-short", "input input-short"),
        ),
        class_name="expiry-part",
    )


def _card_form(lang: str) -> rx.Component:
    expiry = rx.el.div(
        rx.el.fieldset(
            rx.el.legend(t("payment.expiry_legend", lang), rx.el.span(" ", t("common.required", lang),
                                                                      class_name="required"), class_name="legend"),
            field_error(lang, P.expiry_error, "card-expiry-month"),
            rx.el.div(
                _select("card-expiry-month", t("payment.expiry_month", lang), t("payment.expiry_month_placeholder", lang),
                        _months(), P.expiry_error, "cc-exp-month", "card-expiry-month-error"),
                _select("card-expiry-year", t("payment.expiry_year", lang), t("payment.expiry_year_placeholder", lang),
                        _years(), P.expiry_error, "cc-exp-year", "card-expiry-month-error"),
                class_name="expiry-row",
            ),
            class_name="choices",
        ),
        class_name=rx.cond(P.expiry_error != "", "field field-has-error", "field"),
    )
    return rx.el.form(
        rx.el.h2(t("payment.card_title", lang)),
        rx.el.p(t("payment.accepted_cards", lang), id="accepted-cards"),
        rx.el.input(type="hidden", name="attempt_key", value=P.attempt_key),
        _input(lang, "holder", "card-holder", "payment.holder", hint_key="payment.holder_hint",
               auto_complete="cc-name", max_length=60),
        _input(lang, "number", "card-number", "payment.number", hint_key="payment.number_hint",
               auto_complete="cc-number", input_mode="numeric", max_length=23),
        expiry,
        _input(lang, "security_code", "card-security-code", "payment.security_code",
               hint_key="payment.security_code_hint", auto_complete="cc-csc", input_mode="numeric", max_length=4,
               type="password"),
        rx.cond(P.cleared_note, rx.el.p(t("payment.cleared_note", lang), class_name="alert", id="cleared-note")),
        nav_bar(
            rx.el.button(
                rx.cond(P.processing, t("payment.processing", lang), t("payment.process", lang)),
                type="submit", class_name="btn btn-primary", id="process-transaction",
                disabled=P.processing, aria_busy=rx.cond(P.processing, "true", "false"),
            ),
        ),
        on_submit=P.pay_card,
        no_validate=True,
        id="card-form",
        auto_complete="on",
    )


def _interac(lang: str) -> rx.Component:
    banks = [(code, t(f"payment.bank_{code}", lang)) for code in payments.INTERAC_INSTITUTIONS]
    choose = rx.el.form(
        rx.el.h2(t("payment.interac_title", lang)),
        rx.el.p(t("payment.interac_intro", lang)),
        rx.el.div(
            rx.el.label(t("payment.institution", lang), rx.el.span(" ", t("common.required", lang),
                                                                   class_name="required"), html_for="institution"),
            field_error(lang, P.institution_error, "institution"),
            rx.el.select(
                rx.el.option(t("payment.institution_placeholder", lang), value=""),
                *[rx.el.option(label, value=code) for code, label in banks],
                id="institution", name="institution", default_value=P.institution,
                aria_invalid=rx.cond(P.institution_error != "", "true", "false"),
                aria_describedby="institution-error",
                class_name=rx.cond(P.institution_error != "", "input input-error", "input"),
            ),
            class_name=rx.cond(P.institution_error != "", "field field-has-error", "field"),
        ),
        nav_bar(rx.el.button(t("payment.interac_go", lang), type="submit", class_name="btn btn-primary",
                             id="interac-go")),
        on_submit=P.interac_go,
        no_validate=True,
        id="interac-form",
    )
    confirm = rx.el.form(
        rx.el.input(type="hidden", name="attempt_key", value=P.attempt_key),
        confirm_panel(
            "interac-confirm", t("payment.interac_confirm_title", lang), "",
            rx.el.button(rx.cond(P.processing, t("payment.processing", lang), t("payment.interac_confirm", lang)),
                         type="submit", class_name="btn btn-primary", id="interac-confirm-button",
                         disabled=P.processing, aria_busy=rx.cond(P.processing, "true", "false")),
            rx.el.button(t("payment.interac_cancel", lang), type="button", class_name="btn btn-secondary",
                         on_click=P.interac_cancel, id="interac-cancel", disabled=P.processing),
        ),
        rx.el.p(P.interac_text, id="interac-text", class_name="lead"),
        on_submit=P.interac_confirm,
        no_validate=True,
        id="interac-confirm-form",
    )
    return rx.cond(P.interac_stage == "confirm", confirm, choose)


def _method_choice(lang: str) -> rx.Component:
    def radio(code: str, key: str, first: bool) -> rx.Component:
        input_id = "payment-method" if first else f"payment-method-{code}"
        return rx.el.div(
            rx.el.input(type="radio", id=input_id, name="payment-method", value=code, checked=P.method == code,
                        on_change=lambda _v: P.set_method(code), class_name="radio-input", disabled=P.processing),
            rx.el.label(t(key, lang), html_for=input_id, class_name="radio-label"),
            class_name="choice",
        )

    return rx.el.fieldset(
        rx.el.legend(t("payment.method_legend", lang), class_name="legend"),
        radio("card", "payment.method_card", True),
        radio("interac", "payment.method_interac", False),
        class_name="choices field",
    )


def _test_numbers(lang: str) -> list[rx.Component]:
    if get_settings().payment_provider != "demo":
        return []
    return [rx.el.details(
        rx.el.summary(t("payment.test_title", lang)),
        rx.el.p(t("payment.test_intro", lang)),
        rx.el.ul(*[rx.el.li(t(f"payment.test_{k}", lang)) for k in ("approve", "decline", "funds", "fail", "interac")]),
        class_name="test-numbers no-print",
        id="test-numbers",
    )]


def payment_page(lang: str, program: Program) -> rx.Component:
    return frame(
        lang, program.page_id("payment"), "payment.title", P,
        rx.el.p(t("payment.site_notice", lang), class_name="alert"),
        error_summary(lang, P.errors),
        rx.cond(P.outcome_message != "", rx.el.div(
            rx.el.h2(t("payment.not_accepted_title", lang), id="payment-outcome-title"),
            rx.el.p(P.outcome_message),
            id="payment-outcome", role="alert", tab_index=-1, aria_labelledby="payment-outcome-title",
            class_name="alert alert-error",
        )),
        rx.el.p(rx.el.strong(P.amount_text), id="amount-due", class_name="lead"),
        fees_panel(lang, P),
        # Past the period to apply after accepting an invitation: the reason (error summary), no form.
        rx.cond(P.lapsed, rx.el.p(t("payment.error_application_lapsed", lang), class_name="alert alert-error",
                                  id="payment-lapsed"),
                rx.fragment(_method_choice(lang), rx.cond(P.method == "card", _card_form(lang), _interac(lang)))),
        rx.el.div(rx.cond(P.processing, t("payment.processing", lang), ""), role="status", aria_live="polite",
                  class_name="visually-hidden"),
        *_test_numbers(lang),
    )


# -- step 13 -------------------------------------------------------------------------------


def _receipt_client(lang: str, c: Any) -> rx.Component:
    return rx.el.section(
        rx.el.h3(c.heading),
        rx.cond(c.number != "", rx.el.p(c.number, class_name="application-number")),
        rx.el.div(
            rx.el.table(
                rx.el.thead(rx.el.tr(rx.el.th(t("payment.column_fee", lang), scope="col"),
                                     rx.el.th(t("payment.column_amount", lang), scope="col", class_name="amount"))),
                rx.el.tbody(rx.foreach(c.lines, lambda ln: rx.el.tr(rx.el.td(ln.text),
                                                                    rx.el.td(ln.amount, class_name="amount")))),
                rx.el.tfoot(rx.el.tr(rx.el.th(t("payment.subtotal", lang), scope="row"),
                                     rx.el.td(c.subtotal, class_name="amount"))),
            ),
            **scroll_region(c.heading),
        ),
        class_name="receipt-client",
    )


def receipt_page(lang: str, program: Program) -> rx.Component:
    return frame(
        lang, program.page_id("receipt"), "payment.receipt_title", P,
        rx.el.link(rel="stylesheet", href="/print.css", media="print"),
        rx.el.p(t("payment.receipt_intro", lang), class_name="alert alert-success no-print"),
        rx.el.section(
            rx.el.h2(t("payment.receipt_heading", lang), id="receipt-title"),
            rx.el.dl(
                rx.el.dt(t("payment.transaction_number", lang)),
                rx.el.dd(rx.el.strong(P.transaction_number, id="transaction-number")),
                rx.el.dt(t("payment.paid_at", lang)), rx.el.dd(P.paid_at),
                rx.el.dt(t("payment.paid_by", lang)), rx.el.dd(P.paid_by, id="paid-by"),
                rx.el.dt(t("payment.merchant", lang)), rx.el.dd(t("payment.merchant_name", lang)),
                class_name="receipt-facts",
            ),
            rx.foreach(P.receipt_clients, lambda c: _receipt_client(lang, c)),
            rx.el.p(t("payment.total_paid", lang), t("typography.colon", lang),
                    rx.el.strong(P.receipt_total, id="receipt-total"), class_name="receipt-total"),
            aria_labelledby="receipt-title",
            class_name="receipt",
            id="receipt",
        ),
        rx.el.div(
            rx.el.button(t("payment.print", lang), type="button", class_name="btn btn-secondary",
                         on_click=P.print_receipt, id="print-receipt"),
            rx.el.button(t("payment.return", lang), type="button", class_name="btn btn-primary",
                         on_click=P.go("submitted"), id="receipt-return"),
            class_name="nav-bar receipt-actions",
        ),
    )


# -- step 14 -------------------------------------------------------------------------------


def submitted_page(lang: str, program: Program) -> rx.Component:
    return frame(
        lang, program.page_id("submitted"), "submit.submitted_title", P,
        rx.el.p(P.received_text, class_name="alert alert-success", id="received"),
        rx.el.h2(t("submit.numbers_title", lang)),
        clients_table(lang, P.clients, with_numbers=True),
        rx.cond(P.reference_text != "", rx.el.p(P.reference_text, id="portal-reference")),
        rx.el.h2(t("submit.next_title", lang)),
        rx.el.ul(
            # The search the sentence names is a link here (instructions match what the page shows).
            rx.el.li(t("submit.next_messages", lang), " ",
                     rx.el.a(t("home.search_submitted", lang), href=routes.url("search", lang), id="next-search"), "."),
            rx.cond(P.has_biometrics, rx.el.li(t("submit.next_biometrics", lang))),
            rx.el.li(t("submit.next_processing", lang)),
            rx.el.li(t("submit.next_training", lang)),
            id="next-steps",
        ),
        nav_bar(nav_button("exit_after_submission", lang, primary=True, on_click=P.go("home"))),
    )


program_pages("signature", "submit.signature_title", FinishPayState.load_signature, signature_page)
program_pages("payment", "payment.title", FinishPayState.load_payment, payment_page)
program_pages("receipt", "payment.receipt_title", FinishPayState.load_receipt, receipt_page)
program_pages("submitted", "submit.submitted_title", FinishPayState.load_submitted, submitted_page)
