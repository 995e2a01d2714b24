"""Issue 17, point 1, in a real browser (FR and EN): an application submitted through the
portal gets a UCI from the simulated IRCC on receipt, the status page shows it (« pas
encore attribué » before a UCI exists), the link form accepts a client with a single
name, and the client takes the application over with that UCI."""

from __future__ import annotations

import re
import uuid
from datetime import date
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import answer_challenge, sign_in, visit
from tests.browser.harness import assert_no_horizontal_scroll, close_context, portal_db, wait_ready
from tests.browser.test_tracking import PATHS, TEXT, new_account, open_status, paper_file, unique
from tests.fixtures.documents import samples
from tests.browser.dates import fill_date

NOT_YET = {"fr": "pas encore attribué", "en": "not yet assigned"}
ALREADY = {"fr": "déjà liée", "en": "already linked"}
TODAY = {"fr": "Que voulez-vous faire aujourd\u2019hui\u00a0?", "en": "What would you like to do today?"}
LINK_BUTTON = {"fr": "Lier une demande à ce compte", "en": "Link an application to this account"}
UCI = re.compile(r"^[1-9]\d-\d{4}-\d{4}$")


def submit_through_the_portal(portal, family: str) -> tuple[str, str, str, date]:
    """A representative's single-client visitor application, through the portal's own
    services (questionnaire, signature, submission): (username, number, uci, birth date)."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Applicant, Client
    from rar_app.services.casework import submission
    from tests.services.test_submission_drafts import ANSWER, make_draft, make_rep, new_session

    username = f"uci.rep.{uuid.uuid4().hex[:8]}"
    with portal_db(portal):
        rep = make_rep(username=username)
        draft = make_draft(rep, [{"given": "", "family": family, "type": "visitor_visa", "fee": "exempt",
                                  "biometrics": "exempt"}])
        submission.sign(rep, new_session(rep), draft.application_id, ip="127.0.0.1", agree="yes",
                        given_names="Hélène", family_name="Côté-Lévesque", answer=ANSWER)
        submission.submit_free(rep, draft.application_id, ip="127.0.0.1")
        with session_scope() as db:
            applicant, client = db.exec(select(Applicant, Client).join(Client, Applicant.client_id == Client.id)
                                        .where(Applicant.application_id == draft.application_id)).one()
            return username, applicant.application_number, client.uci, client.date_of_birth


def sign_in_test_rep(page, portal, lang: str, username: str) -> None:
    from tests.services.test_submission_drafts import ANSWER

    visit(page, portal, "/fr/connexion" if lang == "fr" else "/en/sign-in", lang, axe=False)
    page.fill("#username", username)
    page.fill("#password", "x")
    page.click("#sign-in-submit")
    answer_challenge(page, lang, answer=ANSWER)
    page.wait_for_url(lambda url: "/question-de-securite" not in url and "/security-question" not in url
                      and "/api/" not in url and "/connexion" not in url and "/sign-in" not in url)
    wait_ready(page, lang)


def _staff_approves_removal(portal, number: str) -> None:
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Account, Applicant, StaffReview
    from rar_app.services.office import reviews

    with portal_db(portal), session_scope() as db:
        staff = db.exec(select(Account).where(Account.username == "demo.staff")).one()
        applicant = db.exec(select(Applicant).where(Applicant.application_number == number)).one()
        review = db.exec(select(StaffReview).where(StaffReview.applicant_id == applicant.id,
                                                   StaffReview.kind == "representative_removal",
                                                   StaffReview.status == "open")).one()
        reviews.decide(db, staff.id, review.id, True)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_portal_submission_gets_a_uci_is_linked_and_taken_over(portal, browser, tmp_path, lang):
    family = unique("Seulnom")
    rep, number, uci, dob = submit_through_the_portal(portal, family)
    assert UCI.match(uci), uci
    form = tmp_path / "imm5476.pdf"
    form.write_bytes(samples.pdf(marker="IMM 5476"))
    rep_ctx, client_ctx = browser.new_context(viewport={"width": 1280, "height": 900}), browser.new_context()
    phone_ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = rep_ctx.new_page()
        sign_in_test_rep(page, portal, lang, rep)
        open_status(page, portal, lang, number)
        expect(page.locator("#status-uci")).to_have_text(uci)

        # The link form: a single name (no given names) and the UCI identify it; it is already theirs.
        visit(page, portal, PATHS["link"][lang], lang)
        page.select_option("#kind", "visitor_visa")
        page.fill("#application_number", number)
        page.fill("#family_name", family)
        fill_date(page, "date_of_birth", dob.isoformat())
        page.fill("#uci", uci)
        page.click("#link-submit")
        page.wait_for_function(f"document.querySelector('#notice')?.innerText.includes({ALREADY[lang]!r})",
                               timeout=30_000)
        assert page.locator("#error-summary").count() == 0 or not page.locator("#error-summary").is_visible()

        # A paper file IRCC has not given a UCI yet says so.
        phone_rep = new_account(portal)
        paper = paper_file(portal, family=unique("Sansiuc"), holder=phone_rep)
        phone = phone_ctx.new_page()
        sign_in(phone, portal, lang=lang, username=phone_rep)
        open_status(phone, portal, lang, paper)
        expect(phone.locator("#status-uci")).to_have_text(NOT_YET[lang])
        assert_no_horizontal_scroll(phone)

        # The client takes it over with the number, their single name, birth date and UCI.
        client_page = client_ctx.new_page()
        sign_in(client_page, portal, lang=lang, username=new_account(portal, role="client", language=lang))
        assert urlparse(client_page.url).path.rstrip("/") == PATHS["client_home"][lang]
        # Point 16, the guide's words: « Que voulez-vous faire aujourd’hui ? » … « Lier une demande à ce compte ».
        expect(client_page.locator("#today-heading")).to_have_text(TODAY[lang])
        expect(client_page.locator("#kind")).to_be_hidden()
        client_page.get_by_role("button", name=LINK_BUTTON[lang]).click()
        client_page.wait_for_function("document.activeElement && document.activeElement.id === 'takeover-heading'")
        expect(client_page.locator("#link-to-account")).to_have_attribute("aria-expanded", "true")
        client_page.select_option("#kind", "visitor_visa")
        client_page.fill("#application_number", number)
        client_page.fill("#family_name", family.upper())
        fill_date(client_page, "date_of_birth", dob.isoformat())
        client_page.fill("#uci", uci.replace("-", ""))
        client_page.set_input_files("#imm5476-upload input[type=file]", str(form))
        client_page.wait_for_function("document.querySelector('#imm5476-file').innerText.includes('imm5476')")
        client_page.click("#takeover-submit")
        client_page.wait_for_function(
            f"document.querySelector('#notice')?.innerText.includes({TEXT[lang]['taken_over']!r})", timeout=30_000)
        _staff_approves_removal(portal, number)  # the staff's page is tested in test_tracking.py
        visit(client_page, portal, "/fr/client/accueil" if lang == "fr" else "/en/client/home", lang, axe=False)
        client_page.wait_for_selector("#client-applications")
        assert number in client_page.inner_text("#client-applications")
        client_page.locator("#client-applications a").first.click()
        client_page.wait_for_selector("#status")
        expect(client_page.locator("#status-uci")).to_have_text(uci)
    finally:
        close_context(rep_ctx)
        close_context(client_ctx)
        close_context(phone_ctx)
