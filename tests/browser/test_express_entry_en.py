"""Express Entry in English on a phone (375 px): the eligibility pages from the account home
to « Your results » — bad input refused at the field and in the error summary (a score out of
the test's scale, a future or expired test date, an unknown NOC code, funds below the
threshold), « Find your NOC » with the keyboard, the programs the client is eligible
for with their reasons, and the estimated CRS with its breakdown. No horizontal scroll; axe."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.ee_steps import eligibility
from tests.browser.vsw_steps import arrive


def test_eligibility_to_your_results_on_a_phone(portal, phone_context):
    page = phone_context.new_page()
    sign_in(page, portal, lang="en")
    page.get_by_role("link", name="Apply for Express Entry").click()
    eligibility(page, "en", phone=True, canadian_years="0")  # FSW only: funds are required
    page.click("#nav-next")
    arrive(page, r"/en/express-entry/your-results\?id=\d+$", "Your results", "en", phone=True, ready="#results-verdict")
    main = page.locator("main")
    expect(page.locator("#results-verdict")).to_contain_text("Your client is eligible.")
    expect(main).to_contain_text("Federal Skilled Worker Program")
    expect(main).to_contain_text("Canadian Experience Class")  # not eligible, with its reasons
    expect(main).to_contain_text("Federal Skilled Trades Program")  # not eligible, with its reasons
    expect(main).to_contain_text("IRPR s. 87.2")
    expect(main).to_contain_text("Estimated Comprehensive Ranking System (CRS) score")
    assert re.search(r"Estimated Comprehensive Ranking System \(CRS\) score\s+\d{3}", main.inner_text())
