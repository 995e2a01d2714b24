"""Issue 17, points 12 and 13, in French and English: search as the guide says (criteria,
then « Rechercher toutes les demandes » searches with them), and the guide's texts the
portal lacked (support address, web form, self-service portal note, multiple entry, the
browser's Back button)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import rar_app.pages  # noqa: F401  (registers the routes)
from rar_app import routes
from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_no_horizontal_scroll
from tests.browser.test_tracking import PATHS

BUTTON = {"fr": "Rechercher toutes les demandes", "en": "Search all applications"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_criteria_then_search_all_applications(portal, page, phone_context, lang):
    sign_in(page, portal, lang=lang)
    visit(page, portal, PATHS["search"][lang], lang)
    button = page.get_by_role("button", name=BUTTON[lang], exact=True)
    expect(button).to_have_attribute("id", "search-submit")
    # Everything first (no criterion), then the criteria narrow it.
    button.click()
    page.wait_for_selector("#results tbody tr")
    everything = page.locator("#results tbody tr").count()
    page.fill("#family_name", "ROMARIN")
    button.click()
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 3")
    names = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    assert all("romarin" in n.lower() for n in names) and everything > 3
    phone = phone_context.new_page()
    sign_in(phone, portal, lang=lang)
    visit(phone, portal, PATHS["search"][lang], lang)
    phone.fill("#family_name", "romarin")
    phone.get_by_role("button", name=BUTTON[lang], exact=True).click()
    phone.wait_for_function("document.querySelectorAll('#results tbody tr').length === 3")
    assert_no_horizontal_scroll(phone)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_help_and_sign_in_carry_the_guides_texts(portal, page, phone_context, lang):
    from rar_app.i18n import t

    visit(page, portal, routes.url("help", lang), lang)
    email = page.locator("#support-email")
    expect(email).to_have_text("ImmigrationRepresentatives@cic.gc.ca")
    assert email.get_attribute("href") == "mailto:ImmigrationRepresentatives@cic.gc.ca"
    assert page.locator("#web-form-link").get_attribute("href").startswith("https://ircc.canada.ca/")
    expect(page.locator("#self-service-note")).to_contain_text(t("wayfinding.self_service_note", lang))
    expect(page.locator("#multiple-entry")).to_have_text(t("wayfinding.multiple_entry", lang))
    expect(page.locator("#no-back-button")).to_have_text(t("wayfinding.no_back_button", lang))
    visit(page, portal, routes.url("sign_in", lang), lang)
    expect(page.locator("#self-service-note")).to_be_visible()
    assert page.get_attribute("#username", "autocapitalize") == "none"
    phone = phone_context.new_page()
    visit(phone, portal, routes.url("help", lang), lang)
    assert_no_horizontal_scroll(phone)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_questionnaire_carries_multiple_entry_and_the_back_button_warning(portal, browser, lang):
    """Where the guide puts them: « Entrées uniques ou multiples » with the fee types (and
    again on « Révisez vos réponses » beside the fees); « N’utilisez pas le bouton
    Précédent du navigateur » on the review page. FR at 1280 px, EN at 375 px."""
    from rar_app.i18n import t
    from tests.browser.harness import assert_accessible
    from tests.browser.test_fee_page import FEES, draft_at_fee_types
    from tests.browser.vsw_steps import BASE, pick

    phone = lang == "en"
    ctx = browser.new_context(viewport={"width": 375, "height": 740} if phone else {"width": 1280, "height": 900},
                              is_mobile=phone, has_touch=phone)
    page = ctx.new_page()
    app_id = draft_at_fee_types(portal)
    sign_in(page, portal, lang=lang)
    visit(page, portal, f"{BASE[lang]}/{FEES[lang]}?id={app_id}", lang)
    expect(page.locator("#note-multiple-entry")).to_have_text(t("wayfinding.multiple_entry", lang))
    for box in ("#fee-1", "#bio_needed-1", "#bio-1"):
        pick(page, box)
    page.click("#nav-next")
    expect(page.locator("#no-back-button")).to_have_text(t("wayfinding.no_back_button", lang))
    expect(page.locator("#review-note-multiple-entry")).to_have_text(t("wayfinding.multiple_entry", lang))
    assert_accessible(page, "review with the guide's notes")
    if phone:
        assert_no_horizontal_scroll(page)
    ctx.close()
