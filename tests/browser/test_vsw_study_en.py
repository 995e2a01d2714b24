"""The questionnaire in English for one study-permit applicant, from the account home
to the review: Exit questionnaire then continue the draft from the home page, a change
with the pencil and back to the review, the browser's back button, Start again with
its confirmation. Run at desktop and at phone width (375 px), axe on every step.
And another representative cannot open the draft."""

from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from rar_app import rules
from rar_app.rules.common import fmt_money
from rar_app.settings import get_settings
from tests.browser.conftest import sign_in
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, wait_ready, close_context
from tests.browser.vsw_steps import BASE as BASES
from tests.browser.vsw_steps import WIZARD_READY, arrive, pick
from tests.browser.dates import fill_date

BASE = BASES["en"]


def wait_step(page, url_part: str, heading: str, *, phone: bool) -> None:
    arrive(page, url_part, heading, "en", phone=phone, ready=WIZARD_READY)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_single_study_permit_in_english(portal, browser, width):
    phone = width == "phone"
    ctx = browser.new_context(**({"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
                                 if phone else {"viewport": {"width": 1280, "height": 900}}))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    file_number = f"STU-{width}"
    try:
        sign_in(page, portal, "en")
        page.get_by_role("link", name="Apply: Visitor visa, study and/or work permit").click()
        wait_step(page, rf"{BASE}$", "Your client's file number", phone=phone)
        page.fill("#file_number", file_number)
        page.click("#nav-next")
        wait_step(page, r"number-of-applicants", "Number of applicants", phone=phone)
        page.fill("#count", "1")
        page.click("#nav-next")

        wait_step(page, r"/client\?id=\d+&client=1$", "Client details", phone=phone)
        page.fill("#family_name", "Nguyen")
        page.fill("#given_names", "Anh")
        fill_date(page, "date_of_birth", "2004-02-10")
        page.select_option("#country", "FR")
        pick(page, "#application_type-study_permit")
        pick(page, "#minor")  # wrong on purpose: born in 2004, not a minor
        page.click("#nav-next")
        page.locator("#error-summary").wait_for()
        assert "they are not a minor" in page.locator("#error-summary").inner_text()
        assert page.input_value("#family_name") == "Nguyen", "nothing typed is lost"
        assert_accessible(page, "client with errors")
        page.locator("#error-summary a").first.click()
        assert page.evaluate("location.hash") == "#minor"
        pick(page, "#minor-no")
        page.click("#nav-next")

        wait_step(page, r"client-information\?id=\d+&client=1$", "Client information", phone=phone)
        assert "Letter of acceptance" in page.locator("#required-documents").inner_text()
        pick(page, "#documents")
        page.click("#nav-next")

        # Exit questionnaire: saved; the draft is on the home page, continued where it was left.
        wait_step(page, r"fee-types", "Fee types", phone=phone)
        page.click("#nav-exit-questionnaire")
        page.wait_for_url(re.compile(r"/en/account-home"))
        wait_ready(page, "en")
        row = page.locator("#drafts-table tr", has_text=file_number)
        row.wait_for()
        assert "Anh Nguyen" in row.inner_text()
        assert_accessible(page, "home with drafts")
        if phone:
            assert_no_horizontal_scroll(page)
        row.get_by_role("link", name=f"Continue application {file_number}").click()
        wait_step(page, r"fee-types\?id=\d+$", "Fee types", phone=phone)

        pick(page, "#fee-1")
        pick(page, "#bio_needed-1")
        pick(page, "#bio-1")
        expected = rules.fee_summary([{"application": "study_permit", "fee": "standard", "biometrics": "standard"}],
                                     get_settings().rules_on(), "en")
        total = fmt_money(Decimal(expected["total"]), "en")
        page.wait_for_function("(t) => document.querySelector('#fee-total')?.innerText === t", arg=total)
        assert "already the cheapest" in page.locator("#cheapest-text").inner_text()
        page.click("#nav-next")

        wait_step(page, r"/review\?id=\d+$", "Review your answers", phone=phone)
        main = page.locator("main")
        assert "Nguyen" in main.inner_text() and "Study permit" in main.inner_text()
        assert page.locator("#fee-total").inner_text() == total
        review_url = page.url

        # The pencil: change the family name, come back to the review.
        page.get_by_role("link", name=re.compile(r"^Change: Family name")).click()
        wait_step(page, r"/client\?id=\d+&client=1&review=1$", "Client details", phone=phone)
        assert page.input_value("#family_name") == "Nguyen"
        assert page.locator("#nav-return-previous").count() == 1
        page.fill("#family_name", "Nguyen-Tran")
        page.click("#nav-next")
        wait_step(page, r"/review\?id=\d+$", "Review your answers", phone=phone)
        page.wait_for_function("document.querySelector('main').innerText.includes('Nguyen-Tran')")
        # Back to the edited line, not the top (issue 17); the pen says "Change" and is 44 px.
        page.wait_for_function("document.activeElement && document.activeElement.id === 'pen-client-1-family_name'")
        expect(page.locator("#pen-client-1-family_name")).to_contain_text("Change")
        box = page.locator("#pen-client-1-family_name").bounding_box()
        assert box and box["height"] >= 44, box

        # The browser's back button shows the saved answer, and forward again the review.
        page.go_back()
        wait_step(page, r"review=1$", "Client details", phone=phone)
        expect(page.locator("#family_name")).to_have_value("Nguyen-Tran")
        page.go_forward()
        wait_step(page, r"/review\?id=\d+$", "Review your answers", phone=phone)
        assert "Nguyen-Tran" in page.locator("main").inner_text()

        # Start again: a confirmation first; "No" keeps everything.
        page.click("#nav-start-again")
        page.locator("#restart-confirm").wait_for()
        page.wait_for_function("document.activeElement?.id === 'restart-confirm'", timeout=5000)
        assert_accessible(page, "restart confirmation")
        page.click("#restart-no")
        expect(page.locator("#restart-confirm")).to_have_count(0)
        assert "Nguyen-Tran" in page.locator("main").inner_text()
        page.click("#nav-start-again")
        page.click("#restart-yes")
        wait_step(page, rf"{BASE}\?id=\d+$", "Your client's file number", phone=phone)
        expect(page.locator("#file_number")).to_have_value("")
        # Back to the old review address: every answer is gone, so the questionnaire starts over.
        page.goto(review_url)
        wait_step(page, rf"{BASE}\?id=\d+$", "Your client's file number", phone=phone)
        assert not errors, errors
    finally:
        close_context(ctx)


def test_another_representative_cannot_open_the_draft(portal, page, monkeypatch):
    """The demo representative's draft, opened by demo.rep2 (the demo world's second
    representative): not found, nothing of it shown, and not in their drafts."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Account
    from rar_app.services.casework import applications
    from rar_app.services.office.demo import DEMO_OTHER_REP
    from tests.conftest import reset_caches

    for key in [k for k in os.environ if k.startswith("RAR_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("RAR_DATA_DIR", str(portal.data_dir))
    reset_caches()
    try:
        with session_scope() as db:
            owner_id = db.exec(select(Account.id).where(Account.username == "demo.rep")).one()
        app_id = applications.save_step(owner_id, None, "file_number", {"file_number": "SECRET-42"}).app_id
    finally:
        monkeypatch.undo()
        reset_caches()

    sign_in(page, portal, "en", username=DEMO_OTHER_REP)
    page.goto(portal.url("/en/account-home"))
    wait_ready(page, "en")
    assert "SECRET-42" not in page.locator("#drafts").inner_text()
    for path in (f"{BASE}?id={app_id}", f"{BASE}/number-of-applicants?id={app_id}", f"{BASE}/review?id={app_id}"):
        page.goto(portal.url(path))
        wait_ready(page, "en")
        page.locator("#wizard-notice").wait_for()
        assert "cannot be found" in page.locator("#wizard-notice").inner_text()
        assert "SECRET-42" not in page.content()
        assert page.locator("#wizard-form").count() == 0
