"""Issue 17, point 5, in French and English at 1280 and 375 px: every date is three boxes
Jour / Mois / Année whatever the browser's locale; a wrong part gets a message naming the
question and the part, the summary's link puts the focus in that box, nothing typed is
lost, and the answer is stored as one ISO date."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

import rar_app.pages  # noqa: F401  (registers the routes)
from rar_app import routes
from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.models import Application
from tests.browser.conftest import sign_in, visit
from tests.browser.dates import expect_date, fill_date, fill_date_parts
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, portal_db, wait_ready
from tests.browser.vsw_steps import BASE

COLON = {"fr": "\u00a0: ", "en": ": "}


def _focused(page, element_id: str) -> None:
    page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=element_id)


def _stored_birth_date(portal, file_number: str) -> str:
    with portal_db(portal), session_scope() as db:
        app = db.exec(select(Application).where(Application.client_file_number == file_number)).one()
        return json.loads(app.wizard_data)["answers"]["client.1"]["date_of_birth"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_question_page_date_boxes(portal, page, phone_context, lang):
    for n, p in enumerate((page, phone_context.new_page())):
        phone = n == 1
        file_number = f"DATES-{lang}-{n}"
        sign_in(p, portal, lang=lang)
        p.goto(portal.url(BASE[lang]))
        wait_ready(p, lang)
        p.fill("#file_number", file_number)
        p.click("#nav-next")
        p.wait_for_url(re.compile(r"\?id=\d+"))
        wait_ready(p, lang)
        p.fill("#count", "1")
        p.click("#nav-next")
        p.wait_for_url(re.compile(r"client=1$"))
        wait_ready(p, lang)
        # One fieldset named by the question, three labelled numeric boxes.
        legend = p.locator("fieldset:has(#date_of_birth) legend")
        expect(legend).to_contain_text(t("wizard.date_of_birth", lang))
        for box, part in (("#date_of_birth", "day"), ("#date_of_birth-month", "month"), ("#date_of_birth-year", "year")):
            expect(p.locator(box)).to_have_attribute("inputmode", "numeric")
            expect(p.locator(f"label[for='{box[1:]}']")).to_have_text(t(f"dates.{part}", lang))
        p.fill("#family_name", "Diallo")
        p.fill("#given_names", "Amina")
        p.select_option("#country", "SN")
        p.click("#application_type-study_permit")
        p.click("#minor-no")
        # Touch targets (issue 17, point 6): radios at least 24 px, their rows 44 px.
        for radio in ("#minor", "#minor-no"):
            box = p.locator(radio).bounding_box()
            assert box and box["width"] >= 24 and box["height"] >= 24, box
        row = p.locator(".choice:has(#minor-no)").bounding_box()
        assert row and row["height"] >= 44, row
        fill_date_parts(p, "date_of_birth", "14", "13", "1990")
        p.click("#nav-next")
        summary = p.locator("#error-summary")
        expected = t("wizard.date_of_birth", lang) + COLON[lang] + t("dates.error_month_range", lang)
        expect(summary).to_contain_text(expected)
        expect(p.locator("#date_of_birth-error")).to_contain_text(expected)
        # Only the wrong box is marked; nothing typed is lost.
        expect(p.locator("#date_of_birth-month")).to_have_attribute("aria-invalid", "true")
        expect(p.locator("#date_of_birth")).to_have_attribute("aria-invalid", "false")
        expect(p.locator("#date_of_birth-year")).to_have_value("1990")
        expect(p.locator("#family_name")).to_have_value("Diallo")
        summary.get_by_role("link", name=expected).click()
        _focused(p, "date_of_birth-month")
        assert_accessible(p, f"date error {lang} {'375' if phone else '1280'}")
        if phone:
            assert_no_horizontal_scroll(p)
        # A missing year: its own message, the link goes to the year box.
        fill_date_parts(p, "date_of_birth", "14", "3", "")
        p.click("#nav-next")
        expected = t("wizard.date_of_birth", lang) + COLON[lang] + t("dates.error_missing_year", lang)
        expect(summary).to_contain_text(expected)
        summary.get_by_role("link", name=expected).click()
        _focused(p, "date_of_birth-year")
        fill_date(p, "date_of_birth", "1990-03-14")
        p.click("#nav-next")
        p.wait_for_url(re.compile(r"client=1$"))
        p.wait_for_function("() => !document.querySelector('#date_of_birth')")
        assert _stored_birth_date(portal, file_number) == "1990-03-14"
        # Back on the page, the stored date fills the three boxes.
        p.click("#nav-previous")
        p.locator("#date_of_birth").wait_for()
        expect_date(p, "date_of_birth", "1990-03-14")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_link_form_date_boxes(portal, page, lang):
    sign_in(page, portal, lang=lang)
    visit(page, portal, routes.url("link_application", lang), lang)
    page.select_option("#kind", "visitor_visa")
    page.fill("#family_name", "Personne")
    fill_date_parts(page, "date_of_birth", "31", "4", "1990")
    page.click("#link-submit")
    summary = page.locator("#error-summary")
    expected = t("link.date_of_birth", lang) + COLON[lang] + t("dates.error_not_real", lang)
    expect(summary).to_contain_text(expected)
    summary.get_by_role("link", name=expected).click()
    _focused(page, "date_of_birth")
    expect(page.locator("#date_of_birth-month")).to_have_value("4")
    assert_accessible(page, f"link date error {lang}")
