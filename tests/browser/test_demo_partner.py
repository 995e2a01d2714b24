"""Issue 17, point 8: « Partenaire de connexion » works out of the box in the demo.
The embedded demo Sign-In Partner (/demo-partner, Authlib): from the sign-in page to
its identity chooser, back to the enrolment form prefilled from the chosen identity,
enrolled (demo mode approves at once); then the partner sign-in lands on the security
question and the account home; signed out, and signed in through the partner again.
French at 1280 px, English at 375 px; axe on the portal's pages and the chooser."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import answer_challenge, visit
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, portal_db, wait_ready
from tests.browser.test_accounts import ANSWERS, PASSWORD, PATHS, new_username, sign_out, wait_text

IDENTITY = {"fr": ("demo-partner-0001", "Marie", "Tremblay", "marie.tremblay@example.ca"),
            "en": ("demo-partner-0002", "John", "Smith", "john.smith@example.ca")}
CHOOSER = {"fr": "Partenaire de connexion de démonstration", "en": "Demonstration Sign-In Partner"}


def unlink(portal, subject: str) -> None:
    """The identity belongs to no account yet (the test may run again on the same portal)."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Account

    with portal_db(portal), session_scope() as db:
        for account in db.exec(select(Account).where(Account.oidc_subject == subject)):
            account.oidc_issuer = account.oidc_subject = None
            db.add(account)


def through_the_partner(page, portal, lang: str, subject: str, *, axe: bool = False) -> None:
    visit(page, portal, PATHS["sign_in"][lang], lang, axe=axe)
    expect(page.locator("#demo-partner-notice")).to_be_visible()
    page.click("#partner-sign-in")
    page.wait_for_url("**/demo-partner/authorize**")
    expect(page.locator("h1")).to_have_text(CHOOSER[lang])
    assert page.get_attribute("html", "lang") == lang
    if axe:
        assert_accessible(page, "demo partner's identity chooser")
        assert_no_horizontal_scroll(page)
    page.click(f"#identity-{subject}")
    page.wait_for_url(lambda url: "/demo-partner/" not in url and "/api/" not in url)


def security_question_then_home(page, lang: str) -> None:
    page.wait_for_url("**" + PATHS["challenge"][lang] + "**")
    page.wait_for_function("!!document.querySelector('#challenge-question')?.dataset.questionKey")
    answer_challenge(page, lang, ANSWERS[page.locator("#challenge-question").get_attribute("data-question-key")])
    page.wait_for_url("**" + PATHS["home"][lang] + "**")
    wait_ready(page, lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_enrol_sign_out_and_sign_in_through_the_demo_partner(portal, browser, lang):
    subject, given, family, email = IDENTITY[lang]
    unlink(portal, subject)
    viewport = {"width": 1280, "height": 900} if lang == "fr" else {"width": 375, "height": 740}
    ctx = browser.new_context(viewport=viewport, is_mobile=lang == "en", has_touch=lang == "en")
    page = ctx.new_page()

    # 1. An identity linked to no account: the enrolment form, prefilled from the partner.
    through_the_partner(page, portal, lang, subject, axe=True)
    page.wait_for_url(re.compile(re.escape(PATHS["enrol"][lang]) + r"/?$"))
    wait_ready(page, lang)
    page.locator("#partner-notice").wait_for()
    assert given in page.locator("#partner-notice").inner_text()
    page.wait_for_function("(v) => document.querySelector('#email').value === v", arg=email)
    assert page.input_value("#family_name") == family and page.input_value("#given_names") == given
    assert_accessible(page, "enrolment from the demo partner")
    username = new_username(f"demo{lang}")
    page.fill("#phone", "418-555-0177")
    page.fill("#business_name", "Cabinet Démo")
    page.fill("#business_address", "5, rue du Fleuve, Québec")
    page.select_option("#regulatory_body", "CICC")
    page.fill("#membership_number", f"R{uuid.uuid4().int % 10**6:06d}")
    for n, (key, answer) in enumerate(ANSWERS.items(), start=1):
        page.select_option(f"#question_{n}", key)
        page.fill(f"#answer_{n}", answer)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#password_confirmation", PASSWORD)
    page.click("#already_enrolled-no")
    page.click("#enrol-submit")
    page.locator("#enrol-done").wait_for()
    assert page.locator("#enrol-done").get_attribute("data-status") != "pending"

    # 2. Through the partner again: the security question, then the account home.
    through_the_partner(page, portal, lang, subject)
    security_question_then_home(page, lang)

    # 3. Signed out, then signed in through the partner once more.
    sign_out(page)
    through_the_partner(page, portal, lang, subject)
    security_question_then_home(page, lang)
    visit(page, portal, PATHS["profile"][lang], lang, axe=False)
    wait_text(page, "#profile-partner", "Associé à ce compte" if lang == "fr" else "Linked to this account")
    if lang == "en":
        assert_no_horizontal_scroll(page)
    ctx.close()
