"""Issue 17, point 15, FR at 1280 px and EN at 375 px: an application linked to the
account appears in the home page's table of applications in process; IRCC (back-office
staff) asks a representative for enrolment documents, the representative finds the
message in the account inbox, answers in the portal (message and file), and staff see
the answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import rar_app.pages  # noqa: F401  (registers the routes)
from rar_app import routes
from rar_app.i18n import t
from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, portal_db
from tests.browser.test_tracking import new_account, paper_file, unique
from tests.fixtures.documents import samples

VIEWPORT = {"fr": {"width": 1280, "height": 900}, "en": {"width": 375, "height": 740}}


def context(browser, lang):
    phone = lang == "en"
    return browser.new_context(viewport=VIEWPORT[lang], is_mobile=phone, has_touch=phone)


def link_paper_file(portal, username: str, family: str) -> str:
    """A paper file IRCC entered, then linked by `username` through the linking service."""
    from datetime import date

    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Account, Applicant, Client
    from rar_app.services.casework import linking

    number = paper_file(portal, family=family, uci="00-0000-0" + str(abs(hash(family)) % 900 + 100))
    with portal_db(portal), session_scope() as db:
        rep = db.exec(select(Account).where(Account.username == username)).one()
        applicant = db.exec(select(Applicant).where(Applicant.application_number == number)).one()
        client = db.get(Client, applicant.client_id)
        result = linking.link_application(db, rep.id, linking.LinkForm(
            kind="paper", family_name=family, given_names=client.given_names, date_of_birth=date(1990, 3, 4),
            uci=client.uci or ""), ip="127.0.0.1")
        assert result.outcome == "linked", result
    return number


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_linked_application_in_the_home_table(portal, browser, lang):
    rep = new_account(portal, language=lang)
    number = link_paper_file(portal, rep, unique("Lie"))
    ctx = context(browser, lang)
    page = ctx.new_page()
    sign_in(page, portal, lang=lang, username=rep)
    row = page.locator("#applications-table tbody tr", has_text=number)
    expect(row).to_have_count(1)
    expect(row.locator("a")).to_have_attribute("href", f"{routes.url('application_status', lang)}?n={number}")
    assert_accessible(page, "home with a linked application")
    if lang == "en":
        assert_no_horizontal_scroll(page)
    # The account inbox says it was linked (an account message, as the guide says).
    visit(page, portal, routes.url("account_messages", lang), lang)
    expect(page.locator("#main")).to_contain_text(number)
    ctx.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_staff_ask_for_enrolment_documents_the_representative_answers(portal, browser, tmp_path, lang):
    rep = new_account(portal, language=lang)
    note = f"Preuve d’adhésion {unique('Cicc')}" if lang == "fr" else f"Proof of membership {unique('Cicc')}"
    staff_ctx, rep_ctx = context(browser, lang), context(browser, lang)
    staff = staff_ctx.new_page()
    sign_in(staff, portal, lang=lang, username="demo.staff")
    staff.click("#bo-enrolment-documents")
    staff.locator("#ask-form").wait_for()
    staff.click("#ask-submit")  # empty: both fields named
    staff.locator("#error-summary").wait_for()
    assert staff.locator("#error-summary a").count() == 2
    staff.fill("#username", rep)
    staff.fill("#note", note)
    staff.click("#ask-submit")
    expect(staff.locator("#form-status")).to_contain_text(rep)
    expect(staff.locator("#office-docs tbody tr", has_text=rep)).to_contain_text(t("enrol_docs.status_asked", lang))
    assert_accessible(staff, "back office: enrolment documents")

    page = rep_ctx.new_page()
    sign_in(page, portal, lang=lang, username=rep)
    visit(page, portal, routes.url("account_messages", lang), lang)
    expect(page.locator("#main")).to_contain_text("IRCC")
    visit(page, portal, routes.url("profile", lang), lang)
    page.click("#link-enrolment-documents")
    page.locator("#answer-form").wait_for()
    expect(page.locator("#enrol-docs-list")).to_contain_text(note)
    page.click("#answer-submit")
    page.locator("#error-summary").wait_for()
    assert page.locator("#error-summary a").count() == 2
    page.fill("#answer", "Voici le certificat." if lang == "fr" else "Here is the certificate.")
    proof = tmp_path / "certificat.pdf"
    proof.write_bytes(samples.pdf(marker="cicc"))
    with page.expect_file_chooser() as chooser:
        page.click("#file")
    chooser.value.set_files(str(proof))
    expect(page.locator("#file-chosen")).to_contain_text("certificat.pdf")
    page.click("#answer-submit")
    expect(page.locator("#form-status")).to_have_text(t("enrol_docs.answer_sent", lang))
    expect(page.locator("#answer-form")).to_have_count(0)
    assert_accessible(page, "answer sent")
    if lang == "en":
        assert_no_horizontal_scroll(page)

    staff.reload()
    row = staff.locator("#office-docs tbody tr", has_text=rep)
    expect(row).to_contain_text(t("enrol_docs.status_answered", lang))
    expect(row).to_contain_text("certificat.pdf")
    staff_ctx.close()
    rep_ctx.close()
