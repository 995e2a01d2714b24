"""Issue 17, « also seen » (outside the wizard), FR at 1280 px and EN at 375 px: the
header shows « Profil du compte » and « Fermer la session » at once; the home page's
tables (« Type de demande », the applications in process); the favicon; the sign-in
page's demo hint gives the demo sign-in (not « the server console »); the « ? » help
opens without moving anything before it; the link form flags every empty required field."""

from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import expect

import rar_app.pages  # noqa: F401  (registers the routes)
from rar_app import routes
from rar_app.i18n import t
from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll

VIEWPORT = {"fr": {"width": 1280, "height": 900}, "en": {"width": 375, "height": 740}}


def new_page(browser, lang):
    phone = lang == "en"
    ctx = browser.new_context(viewport=VIEWPORT[lang], is_mobile=phone, has_touch=phone)
    return ctx, ctx.new_page()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sign_in_page_hint_help_and_favicon(portal, browser, lang):
    ctx, page = new_page(browser, lang)
    visit(page, portal, routes.url("sign_in", lang), lang)
    expect(page.locator("#demo-hint")).to_have_text(t("auth.demo_hint", lang))
    assert "demo.rep" in page.inner_text("#demo-hint") and "console" not in page.inner_text("#demo-hint").lower()
    assert page.get_attribute("#username", "autocapitalize") == "none"
    # The « ? » opens its text below; the label, the « ? » and the field above it stay put.
    icon, label = page.locator(".help-q").first, page.locator("label[for=username]")
    before = (icon.bounding_box(), label.bounding_box())
    icon.click()
    help_text = page.locator("#username-help")
    expect(help_text).to_be_visible()
    assert (icon.bounding_box(), label.bounding_box()) == before
    assert help_text.bounding_box()["y"] >= before[0]["y"] + before[0]["height"]
    assert_accessible(page, "help open")
    assert_no_horizontal_scroll(page)
    favicon = page.request.get(portal.url("/favicon.svg"))
    assert favicon.status == 200 and "svg" in favicon.headers["content-type"]
    # The page carries it (a data: address, no request of its own); it is the same picture.
    href = page.locator("link[rel=icon]").get_attribute("href") or ""
    assert href.startswith("data:image/svg+xml,")
    assert urllib.parse.unquote(href.split(",", 1)[1]) == favicon.text().strip()
    ctx.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_header_links_home_tables_and_the_link_form(portal, browser, lang):
    ctx, page = new_page(browser, lang)
    sign_in(page, portal, lang=lang)
    # As the guide says, at the top right, without opening a menu.
    expect(page.locator("#header-profile")).to_be_visible()
    expect(page.locator("#header-profile")).to_have_text(t("common.account_profile", lang))
    expect(page.locator("#sign-out")).to_be_visible()
    expect(page.locator("#sign-out")).to_have_text(t("common.sign_out", lang))
    # « Type de demande » in the drafts table; the applications in process (submitted or linked).
    expect(page.locator("#drafts-table thead th").nth(1)).to_have_text(t("fidelity.col_application_type", lang))
    page.wait_for_selector("#applications-table tbody tr")
    expect(page.locator("#applications-table thead th").nth(2)).to_have_text(t("fidelity.col_application_type", lang))
    assert_accessible(page, "home with its tables")
    assert_no_horizontal_scroll(page)

    visit(page, portal, routes.url("link_application", lang), lang)
    page.click("#link-submit")
    page.locator("#error-summary").wait_for()
    fields = [a.get_attribute("href") for a in page.locator("#error-summary a").all()]
    assert [f.rsplit("#", 1)[-1] for f in fields] == ["kind", "application_number", "family_name", "date_of_birth",
                                                      "uci"], fields
    for field in ("kind", "application_number", "family_name", "date_of_birth", "uci"):
        expect(page.locator(f"#{field}-error")).to_be_visible()
    assert_accessible(page, "link form with every error")
    ctx.close()
