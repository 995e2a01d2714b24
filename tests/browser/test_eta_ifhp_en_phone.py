"""The eTA and IFHP lines in English on a 375 px phone, end to end: every page without
horizontal scrolling and axe-clean (harness), the eTA paid once and approved, the IFHP
request transmitted and its certificate issued."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.harness import assert_no_horizontal_scroll
from tests.browser.test_eta_ifhp_fr import office_decides
from tests.browser.vsw_steps import answer_for, arrive, fill_card, pick, upload

ETA = "/en/electronic-travel-authorization"
IFHP = "/en/interim-federal-health-program"


def go(page, part: str, heading: str, ready: str = "#wizard-form") -> None:
    arrive(page, part, heading, "en", ready=ready, phone=True)


def test_eta_in_english_at_375px_paid_and_approved(portal, phone_context):
    page = phone_context.new_page()
    sign_in(page, portal, "en")
    page.get_by_role("link", name="Apply for an electronic travel authorization (eTA)").click()
    go(page, rf"{ETA}/introduction$", "Electronic travel authorization (eTA)", "#intro-continue")
    page.click("#intro-continue")
    go(page, rf"{ETA}/online-application$", "Online eTA application", "#program-start")
    expect(page.locator("#fee-in-force")).to_contain_text("$7.00")
    page.click("#program-start")
    go(page, rf"{ETA}$", "Answer the questions to find out if your client needs an eTA")
    page.select_option("#citizenship", "GB")
    for radio in ("#canadian-no", "#us_lpr-no", "#holds_visa-no", "#travel_mode"):
        pick(page, radio)
    page.click("#nav-next")
    go(page, rf"{ETA}/your-results\?id=\d+$", "Your results", "#nav-continue")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    page.click("#nav-continue")
    go(page, rf"{ETA}/on-behalf-of-someone\?id={app_id}$", "Are you applying on behalf of someone?")
    pick(page, "#for_other")
    page.click("#nav-next")
    go(page, rf"{ETA}/parent-guardian-or-representative\?id={app_id}$",
       "Parent/guardian or representative's personal details")
    page.click("#nav-next")
    go(page, rf"{ETA}/representative-declaration\?id={app_id}$", "Representative declaration")
    for box in ("#statements", "#statements-authorized", "#statements-informed"):
        pick(page, box)
    page.click("#nav-next")
    go(page, rf"{ETA}/passport\?id={app_id}$", "Passport and client details")
    page.fill("#passport_number", "12345")  # a UK passport number has 9 digits
    page.fill("#family_name", "Smith")
    page.fill("#given_names", "Olivia")
    page.fill("#date_of_birth", "1988-07-21")
    page.select_option("#country_of_birth", "GB")
    pick(page, "#sex")
    page.fill("#passport_issued", "2021-03-01")
    page.fill("#passport_expiry", (date.today() + timedelta(days=2000)).isoformat())
    page.click("#nav-next")
    expect(page.locator("#passport_number-error")).to_contain_text("not the format of a passport number")
    expect(page.locator("#error-summary")).to_contain_text("not the format of a passport number")
    expect(page.locator("#family_name")).to_have_value("Smith")
    page.fill("#passport_number", "123456789")
    page.click("#nav-next")
    go(page, rf"{ETA}/contact-details\?id={app_id}$", "Client contact details")
    page.fill("#email", "olivia.smith@example.invalid")
    pick(page, "#language-en")
    page.click("#nav-next")
    go(page, rf"{ETA}/employment\?id={app_id}$", "Client's employment")
    page.select_option("#occupation", "employed")
    page.fill("#job_title", "Nurse")
    page.click("#nav-next")
    go(page, rf"{ETA}/background\?id={app_id}$", "Background questions")
    for q in ("#refused-no", "#criminal-no", "#tuberculosis-no"):
        pick(page, q)
    page.click("#nav-next")
    go(page, rf"{ETA}/review\?id={app_id}$", "Review your answers", "#nav-start-again")
    page.click("#nav-continue")
    go(page, rf"{ETA}/consent-and-declaration\?id={app_id}$", "Consent and declaration", "#sign")
    expect(page.locator("#sign")).to_have_text("Proceed to payment")
    pick(page, "#consent")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, "en"))
    page.click("#sign")
    go(page, rf"{ETA}/signature\?id={app_id}$", "Fee summary", "#transmit")
    expect(page.locator("#transmit")).to_have_text("Transmit and pay")
    page.click("#transmit")
    go(page, rf"{ETA}/payment\?id={app_id}$", "Fee payment", "#process-transaction")
    fill_card(page, "4242 4242 4242 4242")
    page.evaluate("() => { const b = document.querySelector('#process-transaction'); b.click(); b.click(); }")
    page.wait_for_url(re.compile(rf"{ETA}/transaction-approved\?id={app_id}$"))
    decision, number = office_decides(portal, app_id)
    assert decision.endswith("approved"), decision
    page.goto(portal.url(f"/en/application-status?n={number}"))
    expect(page.locator("#issued-number")).to_have_text(re.compile(r"E\d{9}"), timeout=30000)
    assert_no_horizontal_scroll(page)


def test_ifhp_in_english_at_375px_transmitted_and_certificate_issued(portal, phone_context, tmp_path):
    page = phone_context.new_page()
    sign_in(page, portal, "en")
    page.get_by_role("link", name="Apply for temporary health care coverage for refugees").click()
    go(page, rf"{IFHP}$", "Answer the questions")
    pick(page, "#in_canada-no")
    pick(page, "#provincial_coverage-no")
    page.click("#nav-next")
    go(page, rf"{IFHP}/coverage-type\?id=\d+$", "Choose the type of coverage request")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    pick(page, "#group-protected_person")  # must be in Canada: refused with the rules' reason
    page.click("#nav-next")
    expect(page.locator("#group-error")).to_contain_text("once the person is in Canada")
    pick(page, "#group")  # resettled refugee: covered from arrival
    page.click("#nav-next")
    go(page, rf"{IFHP}/client\?id={app_id}$", "Client information")
    page.fill("#family_name", "Nkurunziza")
    page.fill("#given_names", "Alice")
    page.fill("#date_of_birth", "1979-11-30")
    page.select_option("#nationality", "BI")
    page.click("#nav-next")
    go(page, rf"{IFHP}/city\?id={app_id}$", "Client's city")
    page.select_option("#city", "MB-winnipeg")
    page.click("#nav-next")
    go(page, rf"{IFHP}/documents-to-upload\?id={app_id}$", "Choose the documents you will upload")
    page.click("#nav-next")
    expect(page.locator("#documents-error")).to_contain_text("Check every document")
    pick(page, "#documents")
    pick(page, "#documents-photo_id")
    page.click("#nav-next")
    go(page, rf"{IFHP}/review\?id={app_id}$", "Review your answers", "#nav-start-again")
    page.click("#nav-continue")
    go(page, rf"{IFHP}/four-step-summary\?id={app_id}$", "Summary of the four steps", "#nav-continue")
    page.click("#nav-continue")
    go(page, rf"{IFHP}/document-checklist\?id={app_id}$", "Document checklist", "main .nav-bar")
    upload(page, tmp_path, "confirmation_pr", "en")
    upload(page, tmp_path, "photo_id", "en")
    page.click("#nav-continue")
    go(page, rf"{IFHP}/solemn-declaration-and-signature\?id={app_id}$",
       "Your solemn declaration and electronic signature", "#sign")
    pick(page, "#agree")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, "en"))
    page.click("#sign")
    go(page, rf"{IFHP}/signature\?id={app_id}$", "Signature", "#transmit")
    expect(page.locator("#transmit")).to_have_text("Transmit")
    page.click("#transmit")
    go(page, rf"{IFHP}/application-submitted\?id={app_id}$",
       "Congratulations! Your application or profile has been successfully submitted.", "main .nav-bar")
    decision, _number = office_decides(portal, app_id)
    assert decision == "issued", decision
