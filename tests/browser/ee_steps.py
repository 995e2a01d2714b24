"""Express Entry in the browser: answering its question pages (helpers for the tests)."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import expect

from rar_app.i18n import t
from rar_app.programs.express_entry.slugs import STEP_SLUGS
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, wait_ready
from tests.browser.vsw_steps import pick
from tests.browser.dates import expect_date, fill_date

BASE = {"fr": "/fr/entree-express", "en": "/en/express-entry"}
TODAY = datetime.date.today()
TEST_DATE = (TODAY - datetime.timedelta(days=90)).isoformat()


def at(lang: str, step_id: str) -> str:
    """The address (a pattern) of a question page: its readable slug, e.g. /fr/entree-express/etudes?id=…"""
    return rf"{BASE[lang]}/{STEP_SLUGS[step_id][0 if lang == 'fr' else 1]}\?id=\d+"


def step(page, lang: str, *, phone: bool = False, axe: bool = True) -> None:
    """A question page is on screen (its form), checked with axe."""
    wait_ready(page, lang)
    page.locator("#wizard-form").wait_for()
    if axe:
        assert_accessible(page, page.url)
    if phone:
        assert_no_horizontal_scroll(page)


def next_page(page, lang: str, url_part: str, **kw) -> None:
    page.click("#nav-next")
    page.wait_for_url(re.compile(url_part))
    step(page, lang, **kw)


def select(page, field: str, value: str) -> None:
    page.select_option(f"#{field}", value)
    expect(page.locator(f"#{field}")).to_have_value(value)


def fill(page, field: str, value: str) -> None:
    page.fill(f"#{field}", value)


def radio(page, field: str, code: str, first: str) -> None:
    """Radios: the first choice's id is the field name, the others `<field>-<code>`."""
    pick(page, f"#{field}" if code == first else f"#{field}-{code}")


def refused(page, field: str, key: str, lang: str, typed: str, *, date: bool = False) -> None:
    """« Suivant » refuses the answer with the message `key` (its text before any placeholder):
    at the field and the same in the error summary, which links to the field (a date: one of
    its boxes); the page does not change and the answer typed is still there."""
    check = (lambda: expect_date(page, field, typed)) if date else (
        lambda: expect(page.locator(f"#{field}")).to_have_value(typed))
    check()
    url = page.url
    page.click("#nav-next")
    message = page.locator(f"#{field}-error")
    expect(message).to_contain_text(t(key, lang).split("{")[0].strip())
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    text = message.evaluate("e => [...e.childNodes].filter(n => !(n.classList && "
                            "n.classList.contains('visually-hidden'))).map(n => n.textContent).join('').trim()")
    link = page.locator(f"#error-summary a[href*='#{field}']")
    assert text and link.count() == 1, text
    assert link.inner_text().strip() == text, (text, link.inner_text())
    check()
    assert page.url.split("#")[0] == url.split("#")[0]


def find_noc(page, lang: str) -> None:
    """« Trouver la CNP » with the keyboard only: open it, search (Enter searches, it does
    not send the question page), Tab to « Choisir » of 21231 and press Enter: the code is filled
    in and the focus is back on the field."""
    toggle = page.locator("#noc-noc-toggle")
    expect(toggle).to_have_text("Trouver la CNP" if lang == "fr" else "Find your NOC")
    toggle.focus()
    page.keyboard.press("Enter")
    box = page.locator("#noc-noc-query")
    expect(box).to_be_visible()
    box.focus()
    page.keyboard.type("logiciel" if lang == "fr" else "software")  # by title (by code: tests/unit/test_noc_lookup.py)
    expect(box).to_have_value("logiciel" if lang == "fr" else "software")
    page.keyboard.press("Enter")
    choose = page.locator("#noc-choose-21231")
    expect(choose).to_be_visible(timeout=20_000)  # a loaded machine: the search is one round trip
    expect(page.locator("#noc-noc-results")).to_contain_text(
        "Ingénieurs/ingénieures et concepteurs/conceptrices en logiciel" if lang == "fr"
        else "Software engineers and designers")
    assert "/experience-de-travail-a-l-etranger" in page.url or "/foreign-work-experience" in page.url  # not sent
    choose.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#noc")).to_have_value("21231")
    expect(page.locator("#noc")).to_be_focused()
    assert_accessible(page, "NOC finder with results")


def eligibility(page, lang: str, *, phone: bool = False, strong: bool = False, canadian_years: str = "") -> None:
    """Answer every eligibility page from the province to the funds (a client eligible for FSW and CEC),
    with one bad score first (refused at the field, nothing typed lost)."""
    kw = {"phone": phone}
    step(page, lang, **kw)
    select(page, "province", "ON")
    next_page(page, lang, at(lang, "ee_language_test"), **kw)
    select(page, "test", "ielts")
    next_page(page, lang, at(lang, "ee_language_date"), **kw)
    future, expired = (TODAY + datetime.timedelta(days=10)).isoformat(), (TODAY - datetime.timedelta(days=800)).isoformat()
    fill_date(page, "taken_on", future)  # a future test date
    refused(page, "taken_on", "dates.error_future", lang, future, date=True)
    fill_date(page, "taken_on", expired)  # expired (over 2 years)
    refused(page, "taken_on", "express_entry.error_test_expired", lang, expired, date=True)
    fill_date(page, "taken_on", TEST_DATE)
    next_page(page, lang, at(lang, "ee_language_results"), **kw)
    scores = ("9", "9", "9", "9") if strong else ("7", "8", "7", "7")
    fill(page, "speaking", "9.7")
    for name, value in zip(("listening", "reading", "writing"), scores[1:]):
        fill(page, name, value)
    # The CLB each result converts to, live under the field; nothing for a result off the scale.
    expect(page.locator("#listening-note")).to_have_text(
        t("express_entry.level_note", lang, scale="CLB", level=10 if strong else 9))
    expect(page.locator("#speaking-note")).to_have_text("")
    page.click("#nav-next")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#speaking-error")).to_be_visible()
    expect(page.locator("#listening")).to_have_value(scores[1])  # nothing typed is lost
    fill(page, "speaking", scores[0])
    next_page(page, lang, at(lang, "ee_second_test"), **kw)
    select(page, "test", "none")
    next_page(page, lang, at(lang, "ee_canadian_work"), **kw)
    years = canadian_years or ("3" if strong else "1")
    radio(page, "years", years, "0")
    if years != "0":
        select(page, "teer", "1")
    next_page(page, lang, at(lang, "ee_foreign_work"), **kw)
    radio(page, "years", "3", "0")
    fill(page, "noc", "99999")
    page.click("#nav-next")
    expect(page.locator("#noc-error")).to_be_visible()
    find_noc(page, lang)
    next_page(page, lang, at(lang, "ee_personal"), **kw)
    fill_date(page, "date_of_birth", "1997-05-05")
    select(page, "marital_status", "single")
    next_page(page, lang, at(lang, "ee_education"), **kw)
    select(page, "level", "masters")
    select(page, "canadian", "none")
    radio(page, "assessed", "yes", "yes")
    next_page(page, lang, at(lang, "ee_job_offer"), **kw)
    radio(page, "has_offer", "no", "yes")
    radio(page, "authorized", "no", "yes")
    next_page(page, lang, at(lang, "ee_nomination"), **kw)
    for name in ("nominated", "certificate", "sibling"):
        radio(page, name, "no", "yes")
    next_page(page, lang, at(lang, "ee_funds"), **kw)
    fill(page, "family_size", "1")
    if years == "0":  # no Canadian experience: settlement funds are required (IRPR 76(1)(b)(i))
        fill(page, "amount", "1000")  # below the threshold for one person
        refused(page, "amount", "express_entry.error_funds_below", lang, "1000")
        expect(page.locator("#family_size")).to_have_value("1")
    fill(page, "amount", "25000")
