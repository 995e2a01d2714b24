"""Issue 14, point 3, in a real browser: the second factor.

- An administrator without one signs in (password, security question) and must enrol
  before anything else: QR code and key as text, a wrong code refused at the field and in
  the error summary, the right code shows the recovery codes once, then the portal.
- Next sign-in (at 375 px, in English): the one-time code right after the password; a
  recovery code works instead, once; each change sent a notice.
- A representative is offered it from « Profil du compte » and may turn it off.
axe on every page state shown."""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import CHALLENGE_PATHS, TOTP_PATHS, sign_in, visit
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, portal_db, wait_ready
from tests.browser.test_accounts import ANSWERS, PASSWORD, PATHS, clear_address_throttle, create_account, sign_out

SETUP = {"fr": "/fr/authentification-multifacteur", "en": "/en/multi-factor-authentication"}


def _make_admin(portal) -> str:
    from rar_app.db import session_scope
    from rar_app.models import Account

    username = create_account(portal, "adm")
    with portal_db(portal), session_scope() as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        account.role = "admin"
        account.status = "active"
    return username


def _notices(portal, username: str) -> list[str]:
    from rar_app.db import session_scope
    from rar_app.models import Account, Message

    with portal_db(portal), session_scope() as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        return [m.subject_en for m in db.exec(select(Message).where(Message.account_id == account.id))]


def _password_then_question(page, portal, lang: str, username: str) -> None:
    visit(page, portal, PATHS["sign_in"][lang], lang, axe=False)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in-submit")
    page.wait_for_url("**" + PATHS["challenge"][lang] + "**")
    wait_ready(page, lang)
    page.wait_for_function("!!document.querySelector('#challenge-question')?.dataset.questionKey")
    key = page.locator("#challenge-question").get_attribute("data-question-key")
    page.fill("#answer", ANSWERS[key])
    page.click("#challenge-submit")


def _fresh_code(secret: str, used: set[str]) -> str:
    """A code not used yet (a code works once): the next step's when this one is spent."""
    totp = pyotp.TOTP(secret)
    for offset in (0, 30):
        code = totp.at(time.time() + offset)
        if code not in used:
            used.add(code)
            return code
    raise AssertionError("both codes used")


def test_an_administrator_enrols_then_signs_in_with_a_code_or_a_recovery_code(portal, browser):
    clear_address_throttle(portal)
    username = _make_admin(portal)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    _password_then_question(page, portal, "fr", username)
    page.wait_for_url("**" + SETUP["fr"] + "**")
    wait_ready(page, "fr")
    expect(page.locator("#totp-required")).to_be_visible()
    expect(page.locator("#totp-qr")).to_be_visible()
    assert page.locator("#totp-qr").get_attribute("src").startswith("data:image/svg+xml")
    secret = page.locator("#totp-key").inner_text().replace(" ", "")
    assert len(secret) == 32
    assert page.locator("#code").get_attribute("autocomplete") == "one-time-code"
    assert_accessible(page, "enrolment")
    # Nothing else is open before enrolment: the portal's pages send back to sign-in.
    page.goto(portal.url(PATHS["admin"]["fr"]))
    page.wait_for_url("**" + PATHS["sign_in"]["fr"] + "**")
    page.goto(portal.url(SETUP["fr"]))
    wait_ready(page, "fr")
    assert page.locator("#totp-key").inner_text().replace(" ", "") == secret, "the same key after a reload"

    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    page.fill("#code", wrong)
    page.click("#totp-setup-submit")
    expect(page.locator("#error-summary")).to_contain_text("Le code de vérification est incorrect")
    expect(page.locator("#code-error")).to_be_visible()
    expect(page.locator("#code")).to_have_value("")
    assert_accessible(page, "wrong code")
    used: set[str] = set()
    page.fill("#code", _fresh_code(secret, used))
    page.click("#totp-setup-submit")
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10, timeout=60_000)  # ten argon2id hashes
    recovery = [codes.nth(i).inner_text().strip() for i in range(10)]
    assert_accessible(page, "recovery codes")
    page.click("#totp-continue")
    page.wait_for_url("**" + PATHS["admin"]["fr"] + "**")
    page.locator("#requests").wait_for()
    sign_out(page)

    # Next sign-in, on a phone, in English: the code right after the password.
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    p2 = phone.new_page()
    visit(p2, portal, PATHS["sign_in"]["en"], "en", axe=False)
    p2.fill("#username", username)
    p2.fill("#password", PASSWORD)
    p2.click("#sign-in-submit")
    p2.wait_for_url("**" + TOTP_PATHS[1] + "**")
    wait_ready(p2, "en")
    assert not any(p in p2.url for p in CHALLENGE_PATHS), "no security question once enrolled"
    p2.fill("#code", wrong)
    p2.click("#totp-submit")
    expect(p2.locator("#error-summary")).to_contain_text("The verification code is incorrect")
    assert_accessible(p2, "verification code, 375 px")
    assert_no_horizontal_scroll(p2)
    p2.fill("#code", recovery[0])
    p2.click("#totp-submit")
    p2.wait_for_url("**" + PATHS["admin"]["en"] + "**", timeout=60_000)
    sign_out(p2)
    # The recovery code is spent; the authenticator's code works.
    visit(p2, portal, PATHS["sign_in"]["en"], "en", axe=False)
    p2.fill("#username", username)
    p2.fill("#password", PASSWORD)
    p2.click("#sign-in-submit")
    p2.wait_for_url("**" + TOTP_PATHS[1] + "**")
    wait_ready(p2, "en")
    p2.fill("#code", recovery[0])
    p2.click("#totp-submit")
    expect(p2.locator("#error-summary")).to_be_visible(timeout=60_000)
    p2.fill("#code", _fresh_code(secret, used))
    p2.click("#totp-submit")
    p2.wait_for_url("**" + PATHS["admin"]["en"] + "**")
    assert _notices(portal, username)[-2:] == ["Multi-factor authentication turned on", "Recovery code used"]


def test_a_representative_turns_it_on_from_the_profile_and_off_again(portal, page):
    clear_address_throttle(portal)
    username = create_account(portal, "rep")
    _password_then_question(page, portal, "fr", username)
    page.wait_for_url("**" + PATHS["home"]["fr"] + "**")  # not forced on representatives
    visit(page, portal, PATHS["profile"]["fr"], "fr", axe=False)
    page.click("#link-totp")
    page.wait_for_url("**" + SETUP["fr"] + "**")
    wait_ready(page, "fr")
    expect(page.locator("#totp-status")).to_be_visible()
    assert page.locator("#totp-required").count() == 0
    assert_accessible(page, "offered")
    secret = page.locator("#totp-key").inner_text().replace(" ", "")
    used: set[str] = set()
    page.fill("#code", _fresh_code(secret, used))
    page.click("#totp-setup-submit")
    expect(page.locator("#recovery-codes li")).to_have_count(10, timeout=60_000)
    page.click("#totp-back")
    page.wait_for_url("**" + PATHS["profile"]["fr"] + "**")
    page.click("#link-totp")
    page.wait_for_url("**" + SETUP["fr"] + "**")
    wait_ready(page, "fr")
    expect(page.locator("#totp-disable-form")).to_be_visible()
    page.fill("#disable_code", _fresh_code(secret, used))
    page.click("#totp-disable-submit")
    expect(page.locator("#form-status")).to_be_visible()
    assert _notices(portal, username)[-2:] == ["Multi-factor authentication turned on",
                                               "Multi-factor authentication turned off"]
