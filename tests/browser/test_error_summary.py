"""Issue 17, point 4, in French and English at 1280 and 375 px: the error summary lists
every empty required field, and following one of its links moves keyboard focus to
that field (GOV.UK error-summary pattern)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import rar_app.pages  # noqa: F401  (registers the routes)
from rar_app import routes
from tests.browser.conftest import sign_in, visit


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_summary_links_move_focus_to_their_field(portal, page, phone_context, lang):
    for p in (page, phone_context.new_page()):
        sign_in(p, portal, lang=lang)
        visit(p, portal, routes.url("link_application", lang), lang)
        p.select_option("#kind", "visitor_visa")
        p.click("#link-submit")
        summary = p.locator("#error-summary")
        expect(summary).to_be_visible()
        p.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
        targets = [a.get_attribute("href").split("#")[-1] for a in summary.locator("a").all()]
        # Every empty required field is flagged (given names may be empty: single-name clients).
        assert targets == ["application_number", "family_name", "date_of_birth", "uci"], targets
        for target in ("uci", "family_name"):
            summary.locator(f"a[href$='#{target}']").click()
            p.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=target)
            # The field's message is beside it and is the one in the summary.
            linked = summary.locator(f"a[href$='#{target}']").inner_text().strip()
            assert linked and linked in p.locator(f"#{target}-error").inner_text()
