"""Steps 11 to 14: the "Signature" page ("Transmettre" or "Transmettre et payer",
with the "Sommaire des frais"), the payment page (the guide's "site Web externe":
credit card or Interac Online), "Transaction approuvée – Merci" (a printable
receipt), and "Félicitations! Votre demande ou profil a été soumis avec succès."

Card data: the card fields are not bound to state (no on_change), so the number
and the security code reach the server only inside the submit event, are checked
and passed to the payment service, and are never put in a state var, the
database, the audit log or a log line. After a declined or failed payment the
number and the security code are cleared in the browser (the holder name and
the expiry date stay), and the page says so.

Paying twice: each form carries an attempt key (hidden field) issued by the
server; a double click or a replayed submit sends the same key, and the payment
service answers with the first outcome instead of charging again. A new key is
issued only after a declined or failed attempt. Two tabs have different keys: the
service's claim on the application lets only one charge through (see
services/payments.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date
from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.widgets import error_summary, field_error, nav_bar, nav_button
from rar_app.components.wizard_form import confirm_panel
from rar_app.i18n import catalogue, t
from rar_app.pages.registry import page
from rar_app.pages.vsw_finish import (
    ClientRow,
    Line,
    client_rows,
    clients_table,
    fee_lines,
    fees_panel,
    finish_url,
    frame,
    paths,
    query_id,
    scroll_region,
)
from rar_app.services.money import payments
from rar_app.services.casework import submission
from rar_app.settings import get_settings
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

CARD_FIELDS = {"holder": "card-holder", "number": "card-number", "expiry": "card-expiry-month",
               "security_code": "card-security-code", "institution": "institution"}
MAX_KEYS = 20




@dataclasses.dataclass
class ReceiptClient:
    heading: str = ""
    number: str = ""
    lines: list[Line] = dataclasses.field(default_factory=list)
    subtotal: str = ""


def _message(lang: str, key: str, fallback: str) -> str:
    return t(key if key in catalogue(lang) else fallback, lang)


class FinishPayState(rx.State):
    app_id: int = 0
    loaded: bool = False
    notice: str = ""
    file_number: str = ""
    status: str = ""
    clients: list[ClientRow] = []
    fee_lines: list[Line] = []
    fee_total: str = ""
    fee_warnings: list[str] = []
    has_fees: bool = False
    amount_text: str = ""
    in_progress: bool = False
    errors: list[dict[str, str]] = []
    # Payment page (no card data here: see the module docstring).
    method: str = "card"
    holder_error: str = ""
    number_error: str = ""
    expiry_error: str = ""
    security_code_error: str = ""
    institution_error: str = ""
    interac_stage: str = "choose"
    institution: str = ""
    interac_text: str = ""
    processing: bool = False
    attempt_key: str = ""
    outcome_message: str = ""
    cleared_note: bool = False
    # Receipt.
    transaction_number: str = ""
    paid_at: str = ""
    paid_by: str = ""
    receipt_clients: list[ReceiptClient] = []
    receipt_total: str = ""
    # Congratulations.
    received_text: str = ""
    reference_text: str = ""
    has_biometrics: bool = False
    # Backend only: the attempt keys this page issued (a submitted key must be one of them).
    _issued_keys: list[str] = []

    # -- helpers --------------------------------------------------------------------

    def _reset(self) -> None:
        self.loaded = False
        self.notice = ""
        self.errors = []
        self.in_progress = False
        self.outcome_message = ""
        self.cleared_note = False
        self._clear_field_errors()

    def _clear_field_errors(self) -> None:
        for f in CARD_FIELDS:
            setattr(self, f + "_error", "")

    def _open(self, lang: str) -> tuple[Any, submission.ApplicationView | None, Any]:
        info = require_session(self)
        if info is None:
            return None, None, sign_in_redirect(self)
        self.app_id = query_id(self) or self.app_id
        try:
            payments.settle_if_stale(info.account_id, self.app_id)
            view = submission.view(info.account_id, self.app_id)
        except submission.NotFound:
            self.notice = t("submit.not_found", lang)
            self.loaded = True
            return info, None, None
        self.status = view.status
        self.file_number = t("submit.file_number", lang, number=view.client_file_number) if view.client_file_number else ""
        self.clients = client_rows(view, lang)
        self.fee_lines, self.fee_total, self.fee_warnings = fee_lines(view, lang)
        self.has_fees = view.total_cents > 0
        self.amount_text = t("payment.amount_due", lang, amount=submission.money(view.total_cents, lang))
        self.in_progress = view.status in ("paying", "submitting")
        return info, view, None

    def _new_key(self) -> None:
        self.attempt_key = payments.new_idempotency_key()
        self._issued_keys = (self._issued_keys + [self.attempt_key])[-MAX_KEYS:]

    def _goto(self, page_id: str, lang: str, *, replace: bool = False):
        return rx.redirect(finish_url(page_id, lang, self.app_id), replace=replace)

    # -- step 11: Signature ---------------------------------------------------------------

    @rx.event
    def load_signature(self):
        lang = page_lang(self)
        self._reset()
        _info, view, event = self._open(lang)
        if view is None:
            return event
        if view.status == "submitted":
            return self._goto("vsw_submitted", lang, replace=True)
        if view.status == "draft":
            return self._goto("vsw_declaration", lang, replace=True)
        self.loaded = True
        return None

    @rx.event
    def transmit(self):
        """Transmettre (nothing due: submitted now) or Transmettre et payer (to the payment page)."""
        lang = page_lang(self)
        self._reset()
        info, view, event = self._open(lang)
        self.loaded = True
        if view is None:
            return event
        if view.status == "submitted":
            return self._goto("vsw_submitted", lang)
        if view.status != "signed":
            if view.status == "draft":
                return self._goto("vsw_declaration", lang)
            return None  # a payment is in flight: the page says so
        if view.total_cents > 0:
            return self._goto("vsw_payment", lang)
        try:
            submission.submit_free(info.account_id, view.id, ip=client_ip(self))
        except submission.NotFound:
            self.notice = t("submit.not_found", lang)
            return None
        except submission.FinishError as exc:
            if exc.code == "payment_required":
                return self._goto("vsw_payment", lang)
            self.errors = [{"field": "transmit", "message": _message(lang, f"submit.error_{exc.code}",
                                                                       "submit.error_not_editable")}]
            return rx.set_focus("error-summary")
        return self._goto("vsw_submitted", lang)

    # -- step 12: payment -----------------------------------------------------------------

    @rx.event
    def load_payment(self):
        lang = page_lang(self)
        self._reset()
        self.processing = False
        self.method = "card"
        self.interac_stage = "choose"
        self.institution = ""
        info, view, event = self._open(lang)
        if view is None:
            return event
        if view.status == "submitted":
            return self._goto("vsw_receipt", lang, replace=True)
        if view.status == "draft":
            return self._goto("vsw_declaration", lang, replace=True)
        if view.total_cents <= 0:
            return self._goto("vsw_signature", lang, replace=True)
        self._new_key()
        self.loaded = True
        return None

    @rx.event
    def set_method(self, value: str):
        if require_session(self) is None:
            return sign_in_redirect(self)
        self.method = "interac" if value == "interac" else "card"
        self.interac_stage = "choose"
        self.errors = []
        self._clear_field_errors()

    def _check_key(self, form: dict, lang: str) -> str | None:
        key = str((form or {}).get("attempt_key") or "")
        if key not in self._issued_keys:
            self._new_key()
            self.errors = [{"field": "payment-method", "message": t("payment.form_expired", lang)}]
            return None
        return key

    def _field_errors(self, exc: payments.CardRefused, lang: str) -> None:
        self._clear_field_errors()
        self.errors = []
        for e in exc.errors:
            message = t(f"payment.error_{e.code}", lang)
            setattr(self, e.field + "_error", message)
            self.errors.append({"field": CARD_FIELDS[e.field], "message": message})

    async def _pay(self, info: Any, method: payments.PaymentMethod, key: str, lang: str):
        """Charge (in a worker thread: a real provider may take seconds) and say what happened."""
        ip = client_ip(self)
        try:
            outcome = await asyncio.to_thread(payments.pay, info.account_id, self.app_id, method, key, ip=ip)
        except payments.AlreadySubmitted:
            return self._goto("vsw_receipt", lang)
        except payments.PaymentInProgress:
            self.in_progress = True
            self.errors = [{"field": "payment-method", "message": t("payment.in_progress", lang)}]
            return rx.set_focus("error-summary")
        except payments.NotSigned:
            return self._goto("vsw_declaration", lang)
        except payments.NothingToPay:
            return self._goto("vsw_signature", lang)
        except payments.InvalidKey:
            self._new_key()
            self.errors = [{"field": "payment-method", "message": t("payment.form_expired", lang)}]
            return rx.set_focus("error-summary")
        except submission.NotFound:
            self.notice = t("submit.not_found", lang)
            return None
        if outcome.approved:
            return self._goto("vsw_receipt", lang)
        if outcome.status == "pending":
            self.in_progress = True
            self.errors = [{"field": "payment-method", "message": t("payment.in_progress", lang)}]
            return rx.set_focus("error-summary")
        # Declined or failed: the application stays unsubmitted; a new attempt needs a new key.
        self._new_key()
        self.outcome_message = _message(lang, f"payment.{outcome.status}_{outcome.failure_code}",
                                        f"payment.{outcome.status}_other")
        self.errors = [{"field": "payment-method", "message": self.outcome_message}]
        self.interac_stage = "choose"
        if method.kind == "card":
            self.cleared_note = True
            return [rx.set_value("card-number", ""), rx.set_value("card-security-code", ""),
                    rx.set_focus("error-summary")]
        return rx.set_focus("error-summary")

    @rx.event
    async def pay_card(self, form: dict):
        """Traiter la transaction."""
        info = require_session(self)
        if info is None:
            yield sign_in_redirect(self)
            return
        lang = page_lang(self)
        self.outcome_message = ""
        self.cleared_note = False
        key = self._check_key(form, lang)
        if key is None:
            yield rx.set_focus("error-summary")
            return
        try:
            details = payments.validate_card(form.get("card-holder"), form.get("card-number"),
                                             form.get("card-expiry-month"), form.get("card-expiry-year"),
                                             form.get("card-security-code"), today=date.today())
        except payments.CardRefused as exc:
            self._field_errors(exc, lang)
            yield rx.set_focus("error-summary")
            return
        finally:
            form.clear()  # nothing of the card stays referenced once checked
        self._clear_field_errors()
        self.errors = []
        self.processing = True
        yield
        try:
            result = await self._pay(info, details, key, lang)
        finally:
            self.processing = False
            del details
        yield result

    @rx.event
    def interac_go(self, form: dict):
        """Accéder aux Services Interac: the confirmation step (the bank's page, simulated)."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        try:
            chosen = payments.validate_interac(str((form or {}).get("institution") or ""))
        except payments.CardRefused as exc:
            self._field_errors(exc, lang)
            return rx.set_focus("error-summary")
        self._clear_field_errors()
        self.errors = []
        self.institution = chosen.institution
        self.interac_text = t("payment.interac_confirm_body", lang, bank=t(f"payment.bank_{chosen.institution}", lang),
                              amount=submission.money(self._amount_cents(info), lang))
        self.interac_stage = "confirm"
        return rx.set_focus("interac-confirm")

    def _amount_cents(self, info: Any) -> int:
        try:
            return submission.view(info.account_id, self.app_id).total_cents
        except submission.NotFound:
            return 0

    @rx.event
    def interac_cancel(self):
        if require_session(self) is None:
            return sign_in_redirect(self)
        self.interac_stage = "choose"
        self.errors = []

    @rx.event
    async def interac_confirm(self, form: dict):
        """Confirmer le paiement (at the bank): the charge."""
        info = require_session(self)
        if info is None:
            yield sign_in_redirect(self)
            return
        lang = page_lang(self)
        key = self._check_key(form, lang)
        if key is None:
            self.interac_stage = "choose"
            yield rx.set_focus("error-summary")
            return
        try:
            method = payments.validate_interac(self.institution)
        except payments.CardRefused as exc:
            self.interac_stage = "choose"
            self._field_errors(exc, lang)
            yield rx.set_focus("error-summary")
            return
        self.errors = []
        self.processing = True
        yield
        try:
            result = await self._pay(info, method, key, lang)
        finally:
            self.processing = False
        yield result

    # -- step 13: receipt -----------------------------------------------------------------

    @rx.event
    def load_receipt(self):
        lang = page_lang(self)
        self._reset()
        info, view, event = self._open(lang)
        if view is None:
            return event
        try:
            receipt = payments.receipt(info.account_id, view.id)
        except submission.NotFound:
            if view.status == "submitted":
                return self._goto("vsw_submitted", lang, replace=True)
            return self._goto("vsw_payment" if view.status == "signed" else "vsw_declaration", lang, replace=True)
        self.transaction_number = receipt.transaction_number or ""
        self.paid_at = receipt.paid_at.strftime("%Y-%m-%d %H:%M") if receipt.paid_at else ""
        if receipt.method == "card":
            self.paid_by = t("payment.paid_card", lang, brand=payments.BRAND_LABELS.get(receipt.card_brand or "", ""),
                             last4=receipt.card_last4 or "")
        else:
            self.paid_by = t("payment.paid_interac", lang, bank=_message(lang, f"payment.bank_{receipt.institution}",
                                                                          "payment.method_interac"))
        rows = []
        for c in receipt.clients:
            heading = (t("submit.client_heading", lang, n=c.position, name=c.name) if c.name
                       else t("submit.client_heading_unnamed", lang, n=c.position))
            rows.append(ReceiptClient(
                heading=heading,
                number=t("payment.client_number", lang, number=c.application_number) if c.application_number else "",
                lines=[Line(ln.explanation(lang), submission.money(ln.amount_cents, lang)) for ln in c.lines],
                subtotal=submission.money(c.subtotal_cents, lang),
            ))
        self.receipt_clients = rows
        self.receipt_total = submission.money(receipt.amount_cents, lang)
        self.loaded = True
        return None

    @rx.event
    def print_receipt(self):
        if require_session(self) is None:
            return sign_in_redirect(self)
        return rx.call_script("window.print()")

    # -- step 14: congratulations ---------------------------------------------------------

    @rx.event
    def load_submitted(self):
        lang = page_lang(self)
        self._reset()
        _info, view, event = self._open(lang)
        if view is None:
            return event
        if view.status != "submitted":
            return self._goto("vsw_signature" if view.status != "draft" else "vsw_declaration", lang, replace=True)
        received = next((a.date_received for a in view.applicants if a.date_received), None)
        self.received_text = t("submit.submitted_intro", lang, date=received.isoformat() if received else "")
        self.reference_text = t("submit.reference", lang, reference=view.reference) if view.reference else ""
        self.has_biometrics = any(a.biometrics_option != "none" for a in view.applicants)
        self.loaded = True
        return None

    @rx.event
    def go(self, page_id: str):
        if require_session(self) is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        if page_id == "home":
            return rx.redirect(routes.url("home", lang))
        if page_id not in ("vsw_checklist", "vsw_submitted", "vsw_signature") or page_id not in routes.ROUTES:
            return None
        return self._goto(page_id, lang)


P = FinishPayState


# -- step 11 -------------------------------------------------------------------------------


@page("vsw_signature", **paths("signature", "signature"), title_key="submit.signature_title",
      on_load=FinishPayState.load_signature)
def signature_page(lang: str) -> rx.Component:
    return frame(
        lang, "vsw_signature", "submit.signature_title", P,
        error_summary(lang, P.errors),
        rx.cond(P.in_progress, rx.el.p(t("submit.payment_in_progress", lang), class_name="alert alert-warning",
                                       role="status")),
        rx.el.div(rx.el.p(rx.el.strong(t("submit.not_submitted_warning", lang))), class_name="alert alert-warning"),
        rx.el.p(rx.cond(P.has_fees, t("submit.signature_intro_pay", lang), t("submit.signature_intro_free", lang))),
        clients_table(lang, P.clients),
        fees_panel(lang, P),
        nav_bar(
            nav_button("previous", lang, on_click=P.go("vsw_checklist")),
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


@page("vsw_payment", **paths("paiement", "payment"), title_key="payment.title", on_load=FinishPayState.load_payment)
def payment_page(lang: str) -> rx.Component:
    return frame(
        lang, "vsw_payment", "payment.title", P,
        rx.el.p(t("payment.site_notice", lang), class_name="alert"),
        error_summary(lang, P.errors),
        rx.el.p(rx.el.strong(P.amount_text), id="amount-due", class_name="lead"),
        fees_panel(lang, P),
        _method_choice(lang),
        rx.cond(P.method == "card", _card_form(lang), _interac(lang)),
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


@page("vsw_receipt", **paths("transaction-approuvee", "transaction-approved"), title_key="payment.receipt_title",
      on_load=FinishPayState.load_receipt)
def receipt_page(lang: str) -> rx.Component:
    return frame(
        lang, "vsw_receipt", "payment.receipt_title", P,
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
            rx.el.p(t("payment.total_paid", lang), " : " if lang == "fr" else ": ",
                    rx.el.strong(P.receipt_total, id="receipt-total"), class_name="receipt-total"),
            aria_labelledby="receipt-title",
            class_name="receipt",
            id="receipt",
        ),
        rx.el.div(
            rx.el.button(t("payment.print", lang), type="button", class_name="btn btn-secondary",
                         on_click=P.print_receipt, id="print-receipt"),
            rx.el.button(t("payment.return", lang), type="button", class_name="btn btn-primary",
                         on_click=P.go("vsw_submitted"), id="receipt-return"),
            class_name="nav-bar receipt-actions",
        ),
    )


# -- step 14 -------------------------------------------------------------------------------


@page("vsw_submitted", **paths("demande-soumise", "application-submitted"), title_key="submit.submitted_title",
      on_load=FinishPayState.load_submitted)
def submitted_page(lang: str) -> rx.Component:
    return frame(
        lang, "vsw_submitted", "submit.submitted_title", P,
        rx.el.p(P.received_text, class_name="alert alert-success", id="received"),
        rx.el.h2(t("submit.numbers_title", lang)),
        clients_table(lang, P.clients, with_numbers=True),
        rx.cond(P.reference_text != "", rx.el.p(P.reference_text, id="portal-reference")),
        rx.el.h2(t("submit.next_title", lang)),
        rx.el.ul(
            rx.el.li(t("submit.next_messages", lang)),
            rx.cond(P.has_biometrics, rx.el.li(t("submit.next_biometrics", lang))),
            rx.el.li(t("submit.next_processing", lang)),
            rx.el.li(t("submit.next_training", lang)),
            id="next-steps",
        ),
        nav_bar(nav_button("exit_after_submission", lang, primary=True, on_click=P.go("home"))),
    )
