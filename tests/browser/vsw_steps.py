"""Helpers shared by the visitor visa / study permit / work permit browser tests
(test_vsw_*.py): waiting for a step, picking a controlled radio, the signature's
security answer, card details, uploads, and reading the running portal's database."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from playwright.sync_api import expect

from rar_app.rules.common import fmt_money
from rar_app.services.identity.accounts import question_text
from rar_app.services.identity.demo_accounts import DEMO_SECURITY_ANSWERS
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, portal_db, wait_ready
from tests.fixtures.documents import samples

BASE = {"en": "/en/visitor-visa-study-work-permit", "fr": "/fr/visa-visiteur-permis-etudes-travail"}
# What shows that a page has rendered: the questionnaire's form (or its review), or the finish pages' buttons.
WIZARD_READY = "#wizard-form, #nav-start-again"
FINISH_READY = "main .nav-bar, main #finish-notice"
UPLOADED = {"fr": "Téléversé", "en": "Uploaded"}


def arrive(page, url_part: str, heading: str, lang: str, *, client: str | None = None, phone: bool = False,
           ready: str = FINISH_READY, what: str = "") -> None:
    """The address changed and the new page rendered (client-side routing changes the
    address first): its heading, the client it is about, its buttons; then axe."""
    page.wait_for_url(re.compile(url_part))
    wait_ready(page, lang)
    page.wait_for_function("(h) => document.querySelector('h1')?.innerText === h", arg=heading)
    if client:
        page.wait_for_function("(c) => (document.querySelector('#step-client')?.innerText || '').startsWith(c)",
                               arg=client)
    page.locator(ready).first.wait_for()
    assert_accessible(page, what or heading)
    if phone:
        assert_no_horizontal_scroll(page)


def pick(page, selector: str) -> None:
    """Click a radio or checkbox whose checked state the server confirms (controlled input)."""
    page.click(selector)
    expect(page.locator(selector)).to_be_checked()


def money(amount: str | Decimal, lang: str) -> str:
    return fmt_money(Decimal(str(amount)), lang)


def answer_for(page, lang: str) -> str:
    """The demo representative's answer to the security question the declaration asks."""
    label = page.locator("label[for=answer]")
    questions = [question_text(key, lang) for key, _answer in DEMO_SECURITY_ANSWERS]
    expect(label).to_contain_text(re.compile("|".join(re.escape(q) for q in questions)))
    text = label.inner_text()
    for key, answer in DEMO_SECURITY_ANSWERS:
        if question_text(key, lang) in text:
            return answer
    raise AssertionError(f"unknown security question: {text}")


def fill_card(page, number: str, *, holder: str = "Camille Demo", code: str = "123") -> None:
    page.fill("#card-holder", holder)
    page.fill("#card-number", number)
    page.select_option("#card-expiry-month", "12")
    page.select_option("#card-expiry-year", str(datetime.date.today().year + 2))
    page.fill("#card-security-code", code)


def upload(page, tmp_path, code: str, lang: str, *, marker: str = "") -> None:
    """One PDF into the document slot `code` of the uploader shown, then wait for its status."""
    path = tmp_path / f"{code}-{marker or 'file'}.pdf"
    path.write_bytes(samples.pdf(marker=f"{code}-{marker}"))
    # The page's own events first (a client's page reached by a link reloads its slots):
    # a file given to a drop zone that is then rendered anew would be dropped with it.
    wait_ready(page, lang)
    page.set_input_files(f"#doc-upload-{code} input[type=file]", str(path))
    status = page.locator(f"#doc-slot-{code}-status")
    try:
        expect(status).to_contain_text(UPLOADED[lang], timeout=40000)
    except AssertionError:
        said = page.evaluate("[document.querySelector('#error-summary')?.innerText,"
                             " document.querySelector('#documents-status')?.innerText]")
        raise AssertionError(f"{code} not uploaded at {page.url}: status {status.inner_text()!r}; "
                             f"the page said {said!r}") from None


def payments_of(portal, app_id: int):
    """(payment rows as (status, method, brand, last4, failure code), application status, audit actions)."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Application, AuditEvent, Payment

    with portal_db(portal), session_scope() as db:
        rows = [(p.status, p.method, p.card_brand, p.card_last4, p.failure_code)
                for p in db.exec(select(Payment).where(Payment.application_id == app_id).order_by(Payment.id))]
        app = db.get(Application, app_id)
        actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.object_type == "application",
                                                                      AuditEvent.object_id == str(app_id)))]
        return rows, app.status, actions


def approved_payment(portal, app_id: int) -> dict:
    """The approved payment row of an application, as the portal recorded it."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Payment

    with portal_db(portal), session_scope() as db:
        p = db.exec(select(Payment).where(Payment.application_id == app_id, Payment.status == "approved")).one()
        return {"transaction_number": p.transaction_number, "amount_cents": p.amount_cents,
                "card_brand": p.card_brand, "card_last4": p.card_last4}
