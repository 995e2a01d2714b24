"""The bilingual shell in a real browser: language toggle and lang attribute, skip link,
account menu, sign-in and sign-out, the footer date, error summary, help icon, axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rar_app.services.office.demo import DEMO_PASSWORD

from tests.browser.conftest import answer_challenge, sign_in, switch_language, visit
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, wait_ready

PUBLIC_PAGES = {
    "fr": ["/fr", "/fr/connexion", "/fr/glossaire", "/fr/aide", "/fr/composants", "/fr/session-fermee"],
    "en": ["/en", "/en/sign-in", "/en/glossary", "/en/help", "/en/components", "/en/signed-out"],
}
PROTECTED_PAGES = {"fr": ["/fr/accueil-du-compte", "/fr/profil-du-compte"], "en": ["/en/account-home", "/en/account-profile"]}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_public_pages_are_accessible_at_desktop_and_phone_width(portal, page, phone_context, lang):
    phone = phone_context.new_page()
    for path in PUBLIC_PAGES[lang]:
        visit(page, portal, path, lang)
        assert page.locator("h1").count() == 1
        assert page.locator("footer time").inner_text() != ""
        visit(phone, portal, path, lang)
        assert_no_horizontal_scroll(phone)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_signed_in_pages_accessible_with_account_menu(portal, page, phone_context, lang):
    sign_in(page, portal, lang=lang)
    for path in PROTECTED_PAGES[lang]:
        visit(page, portal, path, lang)
        menu = page.locator("#account-menu")  # visible at once: no menu to open
        expected = ["Profil du compte", "Aide", "Fermer la session"] if lang == "fr" else ["Account profile", "Help", "Sign out"]
        for label in expected:
            assert menu.get_by_text(label, exact=True).is_visible()
        assert_accessible(page, "with the account menu open")
    # Phone width: same session cookie lives in a different context, so sign in there too.
    phone = phone_context.new_page()
    sign_in(phone, portal, lang=lang)
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)


def test_language_toggle_keeps_the_page_and_is_remembered(portal, page):
    visit(page, portal, "/fr/glossaire", "fr", axe=False)
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("h1")).to_have_text("Glossaire")
    switch_language(page, "en")
    assert page.url.rstrip("/").endswith("/en/glossary")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("h1")).to_have_text("Glossary")
    # The glossary has the guide's four entries.
    assert page.locator("dl.glossary dt").count() == 4
    # The bare address remembers the choice.
    page.wait_for_function("document.cookie.includes('rar_lang=en')")
    page.goto(portal.url("/"))
    page.wait_for_url("**/en**")
    wait_ready(page, "en")
    switch_language(page, "fr")
    page.wait_for_function("document.cookie.includes('rar_lang=fr')")
    page.goto(portal.url("/"))
    page.wait_for_url("**/fr**")


def test_skip_link_is_first_and_moves_focus_to_main(portal, page):
    visit(page, portal, "/fr/aide", "fr", axe=False)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Passer au contenu principal"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_protected_page_redirects_to_sign_in(portal, page):
    page.goto(portal.url("/en/account-home"))
    page.wait_for_url("**/en/sign-in**")
    wait_ready(page, "en")


def test_sign_in_errors_then_success_then_sign_out(portal, page, context):
    visit(page, portal, "/fr/connexion", "fr", axe=False)
    page.fill("#username", "demo.rep")
    page.click("#sign-in-submit")
    summary = page.locator("#error-summary")
    summary.wait_for()
    page.wait_for_function("document.activeElement?.id === 'error-summary'", timeout=5000)
    assert "Entrez votre mot de passe." in summary.inner_text()
    assert page.locator("#password-error").is_visible()
    assert page.input_value("#username") == "demo.rep", "what was typed is kept"
    assert_accessible(page, "with errors shown")
    # The summary's link takes the user to the field.
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#password"

    page.fill("#password", "Wrong-password1")
    page.click("#sign-in-submit")
    page.wait_for_function("document.querySelector('#error-summary')?.innerText.includes('incorrect')")
    expect(page.locator("#password")).to_have_value("")

    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in-submit")
    answer_challenge(page, "fr")  # the security question, as at every sign-in
    page.wait_for_url("**/fr/accueil-du-compte**")
    wait_ready(page, "fr")
    cookie = next(c for c in context.cookies() if c["name"] == "rar_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("rar_session") == -1, "scripts cannot read the session"
    expect(page.locator("h1")).to_have_text("Accueil du compte")
    # Every action the guide lists is there, as a link or a plain "coming soon".
    for label in [
        "Faire une demande\u00a0: Visa de visiteur, permis d’études et/ou permis de travail",
        "Présenter une demande d’Entrée express",
        "Faire une demande\u00a0: Expérience internationale Canada (EIC)",
        "Demander une autorisation de voyage électronique (AVE)",
        "Présenter une demande de couverture temporaire de soins de santé pour réfugiés",
        "Poursuivre une demande que vous n’avez pas soumise",
        "Rechercher les demandes soumises",
        "Ajouter une demande de client à votre compte",
        "Messages pour le compte",
    ]:
        assert page.get_by_text(label, exact=True).count() >= 1, label

    page.click("#sign-out")
    page.wait_for_url("**/fr/session-fermee**")
    # The old cookie is dead on the server even if replayed.
    context.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": portal.base_url}])
    page.goto(portal.url("/fr/accueil-du-compte"))
    page.wait_for_url("**/fr/connexion**")


def test_help_icon_by_keyboard_and_error_summary_component(portal, page):
    visit(page, portal, "/en/components", "en", axe=False)
    help_summary = page.locator(".help summary").first
    help_summary.focus()
    assert "Help: Your client's file number" in help_summary.inner_text()
    page.keyboard.press("Enter")
    expect(page.locator("#file-number-help")).to_be_visible()
    assert_accessible(page, "with help open")
    page.click("#gallery-check")
    page.locator("#error-summary").wait_for()
    page.wait_for_function("document.activeElement?.id === 'error-summary'", timeout=5000)
    assert page.locator("#file-number").get_attribute("aria-invalid") == "true"
    page.fill("#file-number", "DOSSIER-42")
    page.click("#gallery-check")
    page.wait_for_function("document.querySelector('#gallery-status').innerText.includes('valid')")
    assert page.locator("#error-summary").count() == 0
    # Status tiles and progress bar.
    assert page.locator(".tile-complete").inner_text().endswith("Complete")
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "40"
    for label in ["Back", "Next", "Return to previous page", "Start again", "Exit questionnaire"]:
        assert page.get_by_role("button", name=label, exact=True).count() == 1


def test_security_headers_on_pages_and_api(portal):
    import urllib.request

    for path in ["/fr/connexion/", "/api/health"]:
        with urllib.request.urlopen(portal.url(path)) as resp:
            assert resp.headers["X-Frame-Options"] == "DENY"
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
