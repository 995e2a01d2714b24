"""State of the generic Signature (« Transmettre » / « Transmettre et payer »), payment,
receipt and « Félicitations! » pages, for every program (pages: `pages/program_payment.py`).
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
from rar_app.i18n import catalogue, t
from rar_app.services.casework import restated, submission
from rar_app.services.money import payments
from rar_app.state.program_nav import page_url, program_here
from rar_app.state.program_rows import AnswerGroup, AnswerRow, ClientRow, Line, answer_groups, open_view
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
    # Signature page: the answers and the consent given, restated.
    answer_groups: list[AnswerGroup] = []
    consent_rows: list[AnswerRow] = []
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
    lapsed: bool = False  # the invitation lapsed: no payment form, the reason instead
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
        info, view, event = open_view(self, lang, before=payments.settle_if_stale)
        if view is None:
            return info, None, event
        self.amount_text = t("payment.amount_due", lang, amount=submission.money(view.total_cents, lang))
        self.in_progress = view.status in ("paying", "submitting")
        self.lapsed = view.lapsed
        return info, view, None

    def _new_key(self) -> None:
        self.attempt_key = payments.new_idempotency_key()
        self._issued_keys = (self._issued_keys + [self.attempt_key])[-MAX_KEYS:]

    def _goto(self, name: str, lang: str, *, replace: bool = False):
        program = program_here(self.router.url.path or "")[0]
        if program is None:
            return rx.redirect(routes.url("home", lang), replace=replace)
        return rx.redirect(page_url(program, name, lang, id=self.app_id), replace=replace)

    # -- step 11: Signature ---------------------------------------------------------------

    @rx.event
    def load_signature(self):
        lang = page_lang(self)
        self._reset()
        _info, view, event = self._open(lang)
        if view is None:
            return event
        if view.status == "submitted":
            return self._goto("submitted", lang, replace=True)
        if view.status == "draft":
            return self._goto("declaration", lang, replace=True)
        try:
            said = restated.restated(_info.account_id, view.id, lang)
        except restated.NotFound:
            self.notice = t("submit.not_found", lang)
            self.loaded = True
            return None
        self.answer_groups = answer_groups(said.answers, lang)
        self.consent_rows = [AnswerRow(line.label, line.value) for line in said.declaration]
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
            return self._goto("submitted", lang)
        if view.status != "signed":
            if view.status == "draft":
                return self._goto("declaration", lang)
            return None  # a payment is in flight: the page says so
        if view.total_cents > 0:
            return self._goto("payment", lang)
        try:
            submission.submit_free(info.account_id, view.id, ip=client_ip(self))
        except submission.NotFound:
            self.notice = t("submit.not_found", lang)
            return None
        except submission.FinishError as exc:
            if exc.code == "payment_required":
                return self._goto("payment", lang)
            self.errors = [{"field": "transmit", "message": _message(lang, f"submit.error_{exc.code}",
                                                                       "submit.error_not_editable")}]
            return rx.set_focus("error-summary")
        return self._goto("submitted", lang)

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
            return self._goto("receipt", lang, replace=True)
        if view.status == "draft":
            return self._goto("declaration", lang, replace=True)
        if view.total_cents <= 0:
            return self._goto("signature", lang, replace=True)
        if view.lapsed:
            self.errors = [{"field": "payment-lapsed", "message": t("payment.error_application_lapsed", lang)}]
            self.loaded = True
            return None
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
            return self._goto("receipt", lang)
        except payments.PaymentInProgress:
            self.in_progress = True
            self.errors = [{"field": "payment-method", "message": t("payment.in_progress", lang)}]
            return rx.set_focus("error-summary")
        except payments.NotSigned:
            return self._goto("declaration", lang)
        except payments.NothingToPay:
            return self._goto("signature", lang)
        except payments.ApplicationLapsed:
            self.lapsed = True
            self.errors = [{"field": "payment-lapsed", "message": t("payment.error_application_lapsed", lang)}]
            return rx.set_focus("error-summary")
        except payments.InvalidKey:
            self._new_key()
            self.errors = [{"field": "payment-method", "message": t("payment.form_expired", lang)}]
            return rx.set_focus("error-summary")
        except submission.NotFound:
            self.notice = t("submit.not_found", lang)
            return None
        except submission.FinishError as exc:  # any other refusal (fees not computable…): nothing charged, say so
            self._new_key()
            self.errors = [{"field": "payment-method", "message": _message(lang, f"submit.error_{exc.code}",
                                                                            "payment.failed_other")}]
            return rx.set_focus("error-summary")
        if outcome.approved:
            return self._goto("receipt", lang)
        if outcome.status == "pending":
            self.in_progress = True
            self.errors = [{"field": "payment-method", "message": t("payment.in_progress", lang)}]
            return rx.set_focus("error-summary")
        # Declined or failed: the application stays unsubmitted; a new attempt needs a new key.
        self._new_key()
        self.outcome_message = _message(lang, f"payment.{outcome.status}_{outcome.failure_code}",
                                        f"payment.{outcome.status}_other")
        # Not a form error (« Veuillez corriger les erreurs suivantes »): the payment's answer,
        # in its own alert (pages/program_payment.py, #payment-outcome).
        self.errors = []
        self.interac_stage = "choose"
        if method.kind == "card":
            self.cleared_note = True
            return [rx.set_value("card-number", ""), rx.set_value("card-security-code", ""),
                    rx.set_focus("payment-outcome")]
        return rx.set_focus("payment-outcome")

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
        self.outcome_message = ""
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
                return self._goto("submitted", lang, replace=True)
            return self._goto("payment" if view.status == "signed" else "declaration", lang, replace=True)
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
            return self._goto("signature" if view.status != "draft" else "declaration", lang, replace=True)
        received = next((a.date_received for a in view.applicants if a.date_received), None)
        self.received_text = _received_text(view.submitted_at, received, lang)
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
        if page_id not in ("checklist", "declaration", "submitted", "signature"):
            return None
        return self._goto(page_id, lang)


def _received_text(submitted_at: Any, received: Any, lang: str) -> str:
    """When IRCC received it, in the portal's time zone (America/Toronto), the zone named."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    if submitted_at is None:
        return t("submit.submitted_intro", lang, date=received.isoformat() if received else "")
    moment = submitted_at if submitted_at.tzinfo else submitted_at.replace(tzinfo=timezone.utc)
    local = moment.astimezone(ZoneInfo("America/Toronto"))
    zone = f"{t('wayfinding.zone_toronto', lang)}, {local.tzname()}"
    return t("wayfinding.received_at", lang, date=local.date().isoformat(), time=local.strftime("%H:%M"), zone=zone)
