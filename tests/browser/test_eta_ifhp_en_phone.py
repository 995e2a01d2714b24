"""The eTA and IFHP lines in English on a 375 px phone, end to end: every page without
horizontal scrolling and axe-clean (harness), the eTA paid once and approved, the IFHP
request transmitted and its certificate issued."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.eta_ifhp_steps import (
    IFHP,
    app_id_of,
    eta_eligible,
    eta_page,
    eta_representative,
    eta_sign_and_pay,
    ifhp_sign_and_transmit,
    office_decides,
    open_eta,
    open_ifhp,
)
from tests.browser.eta_ifhp_steps import go as go_to
from tests.browser.harness import assert_no_horizontal_scroll
from tests.browser.vsw_steps import pick, upload
from tests.browser.dates import fill_date

EN = "en"


def go(page, part: str, heading: str, ready: str = "#wizard-form") -> None:
    go_to(page, part, heading, EN, phone=True, ready=ready)


def test_eta_in_english_at_375px_paid_and_approved(portal, phone_context):
    page = phone_context.new_page()
    open_eta(page, portal, EN, phone=True)
    app_id = eta_eligible(page, EN, "GB", phone=True)
    eta_representative(page, EN, app_id, phone=True)
    go(page, eta_page(EN, "passport", app_id), "Passport and client details")
    page.fill("#passport_number", "12345")  # a UK passport number has 9 digits
    page.fill("#family_name", "Smith")
    page.fill("#given_names", "Olivia")
    fill_date(page, "date_of_birth", "1988-07-21")
    page.select_option("#country_of_birth", "GB")
    pick(page, "#sex")
    fill_date(page, "passport_issued", "2021-03-01")
    fill_date(page, "passport_expiry", (date.today() + timedelta(days=2000)).isoformat())
    page.click("#nav-next")
    expect(page.locator("#passport_number-error")).to_contain_text("not the format of a passport number")
    expect(page.locator("#error-summary")).to_contain_text("not the format of a passport number")
    expect(page.locator("#family_name")).to_have_value("Smith")
    page.fill("#passport_number", "123456789")
    page.click("#nav-next")
    go(page, eta_page(EN, "contact", app_id), "Client contact details")
    page.fill("#email", "olivia.smith@example.invalid")
    pick(page, "#language-en")
    page.click("#nav-next")
    go(page, eta_page(EN, "employment", app_id), "Client's employment")
    page.select_option("#occupation", "employed")
    page.fill("#job_title", "Nurse")
    page.click("#nav-next")
    go(page, eta_page(EN, "background", app_id), "Background questions")
    for q in ("#refused-no", "#criminal-no", "#tuberculosis-no"):
        pick(page, q)
    page.click("#nav-next")
    go(page, eta_page(EN, "review", app_id), "Review your answers", "#nav-start-again")
    eta_sign_and_pay(page, EN, app_id, phone=True)
    decision, number = office_decides(portal, app_id)
    assert decision.endswith("approved"), decision
    page.goto(portal.url(f"/en/application-status?n={number}"))
    expect(page.locator("#issued-number")).to_have_text(re.compile(r"E\d{9}"), timeout=30000)
    assert_no_horizontal_scroll(page)


def test_ifhp_in_english_at_375px_transmitted_and_certificate_issued(portal, phone_context, tmp_path):
    page = phone_context.new_page()
    open_ifhp(page, portal, EN, phone=True)
    pick(page, "#in_canada-no")
    pick(page, "#provincial_coverage-no")
    page.click("#nav-next")
    go(page, rf"{IFHP[EN]}/coverage-type\?id=\d+$", "Choose the type of coverage request")
    app_id = app_id_of(page)
    pick(page, "#group-protected_person")  # must be in Canada: refused with the rules' reason
    page.click("#nav-next")
    expect(page.locator("#group-error")).to_contain_text("once the person is in Canada")
    pick(page, "#group")  # resettled refugee: covered from arrival
    page.click("#nav-next")
    go(page, rf"{IFHP[EN]}/client\?id={app_id}$", "Client information")
    page.fill("#family_name", "Nkurunziza")
    page.fill("#given_names", "Alice")
    fill_date(page, "date_of_birth", "1979-11-30")
    page.select_option("#nationality", "BI")
    page.click("#nav-next")
    go(page, rf"{IFHP[EN]}/city\?id={app_id}$", "Client's city")
    page.fill("#city", "Winipeg")  # a typo: not in the list
    page.click("#nav-next")
    expect(page.locator("#city-error")).to_contain_text("Choose a city from the list")
    expect(page.locator("#city")).to_have_value("Winipeg")
    assert_no_horizontal_scroll(page)
    page.fill("#city", "Winnipeg (MB)")
    page.click("#nav-next")
    go(page, rf"{IFHP[EN]}/documents-to-upload\?id={app_id}$", "Choose the documents you will upload")
    page.click("#nav-next")
    expect(page.locator("#documents-error")).to_contain_text("Check every document")
    pick(page, "#documents")
    pick(page, "#documents-photo_id")
    page.click("#nav-next")
    go(page, rf"{IFHP[EN]}/review\?id={app_id}$", "Review your answers", "#nav-start-again")
    page.click("#nav-continue")
    go(page, rf"{IFHP[EN]}/four-step-summary\?id={app_id}$", "Summary of the four steps", "#nav-continue")
    page.click("#nav-continue")
    go(page, rf"{IFHP[EN]}/document-checklist\?id={app_id}$", "Document checklist", "main .nav-bar")
    upload(page, tmp_path, "confirmation_pr", "en")
    upload(page, tmp_path, "photo_id", "en")
    ifhp_sign_and_transmit(page, EN, app_id, phone=True)
    go(page, rf"{IFHP[EN]}/application-submitted\?id={app_id}$",
       "Congratulations! Your application or profile has been successfully submitted.", "main .nav-bar")
    decision, _number = office_decides(portal, app_id)
    assert decision == "issued", decision
