"""Issue 17, point 9, in French and English at 1280 and 375 px: before the fee types are
chosen the summary shows no total and no advice; once chosen, the total and the cheapest
advice appear; the summary stays in sight (beside the choices on a desktop, a sticky
total bar on a phone)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_no_horizontal_scroll, portal_db
from tests.browser.test_tracking import account_id
from tests.browser.vsw_steps import BASE, pick

FEES = {"fr": "types-de-frais", "en": "fee-types"}


def draft_at_fee_types(portal, rep: int | None = None, *, file_number: str = "FEES-17", given: str = "Awa",
                       family: str = "Frais") -> int:
    """A one-client visitor draft (demo.rep's unless `rep` is given), every step saved up to the
    fee types (not chosen)."""
    from rar_app.services.casework import applications
    from tests.services.test_submission_drafts import _answers

    rep = account_id(portal, "demo.rep") if rep is None else rep
    with portal_db(portal):
        def save(app_id, ref, raw):
            result = applications.save_step(rep, app_id, ref, raw)
            assert result.ok, (ref, result.problems)
            return result.app_id

        app_id = save(None, "file_number", {"file_number": file_number})
        save(app_id, "applicants", {"count": "1"})
        save(app_id, "client.1", _answers({"given": given, "family": family, "type": "visitor_visa"}, 1))
        save(app_id, "documents.1", {"documents": []})
        return app_id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_total_before_the_choices_and_the_summary_stays_in_sight(portal, page, phone_context, lang):
    app_id = draft_at_fee_types(portal)
    path = f"{BASE[lang]}/{FEES[lang]}?id={app_id}"
    sign_in(page, portal, lang=lang)
    visit(page, portal, path, lang)
    page.wait_for_selector("#fee-1")
    expect(page.locator("#fee-summary-pending")).to_be_visible()
    expect(page.locator("#fee-total")).to_have_count(0)
    expect(page.locator("#cheapest-text")).to_have_count(0)
    expect(page.locator("#use-cheapest")).to_have_count(0)

    pick(page, "#fee-1")
    pick(page, "#bio_needed-1")
    pick(page, "#bio-1")
    expect(page.locator("#fee-total")).to_be_visible()
    expect(page.locator("#fee-summary-pending")).to_have_count(0)
    expect(page.locator("#cheapest-text")).to_be_visible()
    # Beside the choices, and still in sight at the bottom of them.
    selector, summary = page.locator("#fee-selector").bounding_box(), page.locator("#fee-summary").bounding_box()
    assert summary["x"] >= selector["x"] + selector["width"], (selector, summary)
    page.locator("#bio-1").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.querySelector('#fee-selector').getBoundingClientRect().bottom"
                  " + window.scrollY - window.innerHeight + 10)")
    box = page.locator("#fee-summary").bounding_box()
    assert box["y"] < page.viewport_size["height"] and box["y"] + 40 > 0, box

    phone = phone_context.new_page()
    sign_in(phone, portal, lang=lang)
    visit(phone, portal, path, lang)
    phone.wait_for_selector("#fee-1")
    expect(phone.locator(".fee-total-bar")).to_have_count(0)
    for box_id in ("#fee-1", "#bio_needed-1", "#bio-1"):
        pick(phone, box_id)
    expect(phone.locator(".fee-total-bar")).to_be_visible()
    phone.evaluate("window.scrollTo(0, 0)")
    bar = phone.locator(".fee-total-bar").bounding_box()
    assert abs(bar["y"] + bar["height"] - phone.viewport_size["height"]) <= 2, bar
    assert_no_horizontal_scroll(phone)
