"""The back office in a real browser, in French and English: staff sign in and land on
the list of applications, move a file through its steps (biometrics, document request,
approval, closing with the issued document), enter a paper application, read the
outbox; the representative sees each change; everything is in the file's history."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_accessible, close_context
from tests.browser.test_tracking import PATHS, new_account, open_status, paper_file, unique, uci_for
from tests.browser.dates import fill_date

TEXT = {
    "fr": {"done": "C’est fait", "follow_up": "Suivi requis", "closed": "Dossier fermé", "paper_done": "Demande papier enregistrée",
           "not_allowed": "Aucune action"},
    "en": {"done": "Done", "follow_up": "Follow-up required", "closed": "File closed", "paper_done": "Paper application saved",
           "not_allowed": "No processing action"},
}


def act(page, button_id: str, txt: dict) -> None:
    """Click an action and wait for "C'est fait : <that action>." (each action has its own words)."""
    label = page.inner_text(f"#{button_id}").strip()
    page.click(f"#{button_id}")
    page.wait_for_function("([done, label]) => { const n = document.querySelector('#notice');"
                           " return !!n && n.innerText.includes(done) && n.innerText.includes(label); }",
                           arg=[txt["done"], label], timeout=30_000)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_staff_process_a_file_and_the_representative_follows(portal, browser, lang):
    txt = TEXT[lang]
    rep = new_account(portal, language=lang)
    family = unique("Guichet")
    number = paper_file(portal, family=family, given="Noé", uci=uci_for(), holder=rep, days_ago=4)
    staff_ctx, rep_ctx = browser.new_context(), browser.new_context()
    try:
        page = staff_ctx.new_page()
        sign_in(page, portal, lang=lang, username="demo.staff")
        assert urlparse(page.url).path.rstrip("/") == PATHS["backoffice"][lang]
        page.wait_for_selector("#bo-table tbody tr")
        assert_accessible(page, "back office list")
        page.fill("#bo-number", number)
        page.click("#bo-search")
        page.wait_for_function("document.querySelectorAll('#bo-table tbody tr').length === 1")
        page.locator("#bo-table tbody tr a").click()
        page.wait_for_selector("#bo-applicants")
        assert_accessible(page, "back office file")

        act(page, "do-request-biometrics", txt)
        page.locator("#block-record-biometrics summary").click()
        fill_date(page, "bo-biometrics_date", date.today().isoformat())
        act(page, "do-record-biometrics", txt)
        page.locator("#block-request-documents summary").click()
        page.fill("#bo-label_fr", "Lettre d'emploi")
        page.fill("#bo-label_en", "Employment letter")
        act(page, "do-request-documents", txt)

        rep_page = rep_ctx.new_page()
        sign_in(rep_page, portal, lang=lang, username=rep)
        visit(rep_page, portal, PATHS["inbox"][lang], lang, axe=False)
        rep_page.wait_for_selector("#queue tbody tr")
        first = rep_page.locator("#queue tbody tr").first
        assert txt["follow_up"] in first.inner_text() and number in first.inner_text()
        open_status(rep_page, portal, lang, number, axe=False)
        assert rep_page.locator("#requests li").count() == 1
        assert rep_page.locator("[data-step=review]").inner_text().endswith(txt["follow_up"])

        # Staff go on: review again, approve, close with the issued document.
        act(page, "do-resume-review", txt)
        act(page, "do-approve", txt)
        page.locator("#block-close summary").click()
        fill_date(page, "bo-issued_at", date.today().isoformat())
        act(page, "do-close", txt)
        page.wait_for_function(f"document.querySelector('#bo-allowed').innerText.startsWith({txt['not_allowed']!r})")
        history = page.inner_text("#bo-history")
        for action in ("backoffice.request_biometrics", "backoffice.record_biometrics", "backoffice.request_documents",
                       "backoffice.resume_review", "backoffice.approve", "backoffice.close"):
            assert action in history
        assert "demo.staff" in history

        open_status(rep_page, portal, lang, number, axe=False)
        assert rep_page.inner_text("#status-current") == txt["closed"]
        assert rep_page.locator("#issued tbody td").all_inner_texts()[1] == date.today().isoformat()
    finally:
        close_context(staff_ctx)
        close_context(rep_ctx)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_paper_application_then_outbox(portal, page, lang):
    txt = TEXT[lang]
    sign_in(page, portal, lang=lang, username="demo.staff")
    page.click("#bo-paper")
    page.wait_for_selector("#paper-form")
    page.click("#paper-submit")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "paper form errors")
    page.select_option("#paper-application_type", "study_permit")
    page.fill("#paper-family_name", unique("Papier"))
    page.fill("#paper-given_names", "Lou")
    fill_date(page, "paper-date_of_birth", "1995-01-31")
    page.fill("#paper-uci", uci_for())
    fill_date(page, "paper-date_received", date.today().isoformat())
    page.click("#paper-submit")
    page.wait_for_function(f"document.querySelector('#notice')?.innerText.includes({txt['paper_done']!r})")
    page.click("#paper-open")
    page.wait_for_selector("#bo-applicants")
    assert page.locator("#bo-applicants tbody tr").count() == 1
    assert "backoffice.paper_entered" in page.inner_text("#bo-history")

    # A representative asks for a recovery link (mailed to the outbox, 0600): staff see the
    # mail in the outbox page but not the link's token.
    from rar_app.db import session_scope
    from rar_app.services.identity import email_links, recovery
    from tests.browser.harness import mailed_link, portal_db

    with portal_db(portal), session_scope() as db:
        recovery.send_recovery_link(db, "demo.rep", ip=f"10.77.0.{1 if lang == 'fr' else 2}")
    email_links.wait_sent()
    token = mailed_link(portal, "demo.rep@example.invalid").split("lien=", 1)[1]

    visit(page, portal, PATHS["backoffice"][lang] + ("/boite-envoi" if lang == "fr" else "/outbox"), lang)
    page.click("#deliver-now")
    page.wait_for_selector("#notice")
    page.wait_for_selector("#outbox li, #outbox-empty")
    outbox_text = page.locator("#outbox").text_content()  # (the bodies are in closed <details>)
    assert "lien=…" in outbox_text and token not in outbox_text


def test_representatives_and_clients_cannot_open_the_back_office(portal, page):
    client = new_account(portal, role="client")
    sign_in(page, portal, lang="fr", username=client)
    page.goto(portal.url(PATHS["backoffice"]["fr"] + "/dossier?id=1"))
    page.wait_for_url("**/connexion**")
