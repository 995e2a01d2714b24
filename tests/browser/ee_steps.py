"""Express Entry in the browser: answering its question pages (helpers for the tests)."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import expect

from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, wait_ready
from tests.browser.vsw_steps import pick

BASE = {"fr": "/fr/entree-express", "en": "/en/express-entry"}
TODAY = datetime.date.today()
TEST_DATE = (TODAY - datetime.timedelta(days=90)).isoformat()


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


def eligibility(page, lang: str, *, phone: bool = False, strong: bool = False) -> None:
    """Answer every eligibility page from the province to the funds (a client eligible for FSW and CEC),
    with one bad score first (refused at the field, nothing typed lost)."""
    kw = {"phone": phone}
    step(page, lang, **kw)
    select(page, "province", "ON")
    next_page(page, lang, r"ee-language-test", **kw)
    select(page, "test", "ielts")
    next_page(page, lang, r"ee-language-date", **kw)
    fill(page, "taken_on", TEST_DATE)
    next_page(page, lang, r"ee-language-results", **kw)
    scores = ("9", "9", "9", "9") if strong else ("7", "8", "7", "7")
    fill(page, "speaking", "9.7")
    for name, value in zip(("listening", "reading", "writing"), scores[1:]):
        fill(page, name, value)
    page.click("#nav-next")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#speaking-error")).to_be_visible()
    expect(page.locator("#listening")).to_have_value(scores[1])  # nothing typed is lost
    fill(page, "speaking", scores[0])
    next_page(page, lang, r"ee-second-test", **kw)
    select(page, "test", "none")
    next_page(page, lang, r"ee-canadian-work", **kw)
    radio(page, "years", "3" if strong else "1", "0")
    select(page, "teer", "1")
    next_page(page, lang, r"ee-foreign-work", **kw)
    radio(page, "years", "3", "0")
    fill(page, "noc", "99999")
    page.click("#nav-next")
    expect(page.locator("#noc-error")).to_be_visible()
    fill(page, "noc", "21231")
    next_page(page, lang, r"ee-personal", **kw)
    fill(page, "date_of_birth", "1997-05-05")
    select(page, "marital_status", "single")
    next_page(page, lang, r"ee-education", **kw)
    select(page, "level", "masters")
    select(page, "canadian", "none")
    radio(page, "assessed", "yes", "yes")
    next_page(page, lang, r"ee-job-offer", **kw)
    radio(page, "has_offer", "no", "yes")
    radio(page, "authorized", "no", "yes")
    next_page(page, lang, r"ee-nomination", **kw)
    for name in ("nominated", "certificate", "sibling"):
        radio(page, name, "no", "yes")
    next_page(page, lang, r"ee-funds", **kw)
    fill(page, "family_size", "1")
    fill(page, "amount", "25000")
