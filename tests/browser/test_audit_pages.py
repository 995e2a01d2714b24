"""Issue 14 in a browser: « Historique du dossier » (the holder reads the audit trail of
one application — cards, pages, FR/EN, 375 px — and another representative cannot),
the administrators' audit-log search (criteria, a date error in the summary, pages,
the search itself logged), and the staff's « Remboursements » page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import sign_in, visit
from tests.browser.dates import fill_date, fill_date_parts
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, close_context, portal_db
from tests.browser.test_tracking import PATHS, new_account, open_status, paper_file, unique, uci_for

HISTORY = {"fr": "Historique du dossier", "en": "File history"}
AUDIT = {"fr": "/fr/administration/journal-d-audit", "en": "/en/administration/audit-log"}
REFUNDS = {"fr": "/fr/arriere-guichet/remboursements", "en": "/en/back-office/refunds"}


def _fill_history(portal, number: str, rep_username: str, count: int = 24) -> int:
    from rar_app.db import session_scope
    from rar_app.models import Account, Applicant
    from rar_app.services import audit

    with portal_db(portal), session_scope() as db:
        rep = db.exec(select(Account).where(Account.username == rep_username)).one()
        app_id = db.exec(select(Applicant).where(Applicant.application_number == number)).one().application_id
        for i in range(count):
            audit.record(db, "document.download", actor_id=rep.id, actor_role="representative",
                         object_type="application", object_id=app_id, ip=f"192.0.2.{i}")
        return app_id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_representative_reads_the_file_history(portal, browser, phone_context, lang):
    rep, other = new_account(portal, language=lang), new_account(portal, language=lang)
    number = paper_file(portal, family=unique("Historique"), given="Léa", uci=uci_for(), holder=rep)
    app_id = _fill_history(portal, number, rep)
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, portal, lang=lang, username=rep)
        open_status(page, portal, lang, number, axe=False)
        page.click("#file-history-link")
        page.wait_for_selector("#history li")
        expect(page.locator("h1")).to_have_text(HISTORY[lang])
        assert page.locator("#history li").count() == 20
        newest_download = page.locator("#history li", has_text="192.0.2.23")
        expect(newest_download).to_contain_text("Document téléchargé" if lang == "fr" else "Document downloaded")
        assert_accessible(page, "file history")
        page.click("#history-next")
        expect(page.locator("#history-page")).to_contain_text("2")
        page.wait_for_function("document.querySelectorAll('#history li').length < 20")
        assert page.locator("#history-previous").is_visible()
    finally:
        close_context(context)

    # At 375 px: cards, no horizontal scroll.
    phone = phone_context.new_page()
    sign_in(phone, portal, lang=lang, username=rep)
    visit(phone, portal, f"{'/fr/historique-du-dossier' if lang == 'fr' else '/en/file-history'}?id={app_id}",
          lang, axe=False)
    phone.wait_for_selector("#history li")
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone, "file history at 375 px")

    # Another representative: not found, nothing shown.
    other_ctx = browser.new_context()
    try:
        intruder = other_ctx.new_page()
        sign_in(intruder, portal, lang=lang, username=other)
        visit(intruder, portal, f"{'/fr/historique-du-dossier' if lang == 'fr' else '/en/file-history'}?id={app_id}",
              lang, axe=False)
        intruder.wait_for_selector("#history-not-found")
        assert intruder.locator("#history li").count() == 0
    finally:
        close_context(other_ctx)


def test_each_draft_links_its_file_history(portal, browser):
    """« Historique du dossier » on each client file: a draft's row on the account home links
    it; the page shows the draft's history; another representative is refused."""
    from rar_app.db import session_scope
    from rar_app.models import Account
    from rar_app.services.casework import applications

    rep, other = new_account(portal), new_account(portal)
    file_number = unique("BROUILLON")[:30]
    with portal_db(portal), session_scope() as db:
        rep_id = db.exec(select(Account.id).where(Account.username == rep)).one()
    with portal_db(portal):
        draft = applications.save_step(rep_id, None, "file_number", {"file_number": file_number}).app_id
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, portal, lang="fr", username=rep)
        link = page.locator(f"#draft-{draft} a.draft-history")
        link.wait_for()
        expect(link).to_have_text(HISTORY["fr"])
        expect(link).to_have_attribute("aria-label", f"Historique du dossier {file_number}")
        assert_accessible(page, "drafts with their history links")
        link.click()
        page.wait_for_selector("#history li")
        expect(page.locator("h1")).to_have_text(HISTORY["fr"])
        assert "?id=" + str(draft) in page.url
    finally:
        close_context(context)
    other_ctx = browser.new_context()
    try:
        intruder = other_ctx.new_page()
        sign_in(intruder, portal, lang="fr", username=other)
        visit(intruder, portal, f"/fr/historique-du-dossier?id={draft}", "fr", axe=False)
        intruder.wait_for_selector("#history-not-found")
        assert intruder.locator("#history li").count() == 0
    finally:
        close_context(other_ctx)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_administrators_search_the_audit_log(portal, page, lang):
    sign_in(page, portal, lang=lang, username="demo.admin")
    visit(page, portal, AUDIT[lang], lang, axe=False)
    page.wait_for_selector("#audit-search")
    assert_accessible(page, "audit log search")
    # Dates are the portal's three boxes; a bad one: the field's error naming it, and the summary
    # (which takes focus) links to the wrong box.
    assert page.locator("#audit-date_from-month").count() == 1 and page.locator("#audit-date_to-year").count() == 1
    fill_date_parts(page, "audit-date_from", "1", "13", "2026")
    fill_date_parts(page, "audit-date_to", "31", "2", "2026")
    page.click("#audit-search")
    page.wait_for_selector("#error-summary")
    summary = page.locator("#error-summary").inner_text()
    assert ("Date de début" if lang == "fr" else "Start date") in summary
    assert ("Date de fin" if lang == "fr" else "End date") in summary
    assert page.locator("#audit-date_to-error").count() == 1 and page.locator("#audit-date_from-error").count() == 1
    assert page.locator("#audit-date_from-month").get_attribute("aria-invalid") == "true"
    assert page.locator("#audit-date_from-year").get_attribute("aria-invalid") == "false"
    assert_accessible(page, "audit log date errors")
    fill_date(page, "audit-date_from", date.today() - timedelta(days=30))
    fill_date(page, "audit-date_to", date.today())
    page.fill("#audit-actor", "demo.admin")
    page.fill("#audit-action", "auth")
    page.click("#audit-search")
    page.wait_for_selector("#audit-entries li")
    assert "demo.admin" in page.locator("#audit-entries").inner_text() or \
        "#" in page.locator("#audit-entries").inner_text()
    assert_accessible(page, "audit log results")
    from rar_app.db import session_scope
    from rar_app.models import AuditEvent

    with portal_db(portal), session_scope() as db:
        logged = list(db.exec(select(AuditEvent).where(AuditEvent.action == "audit.searched")))
    assert any('"actor": "demo.admin"' in e.details and '"action": "auth"' in e.details for e in logged)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_staff_refund_page(portal, page, lang):
    from rar_app.db import session_scope
    from rar_app.models import Applicant, AuditEvent, Payment

    rep = new_account(portal, language=lang)
    number = paper_file(portal, family=unique("Rembourse"), given="Ana", uci=uci_for(), holder=rep)
    with portal_db(portal), session_scope() as db:
        app_id = db.exec(select(Applicant).where(Applicant.application_number == number)).one().application_id
        payment = Payment(application_id=app_id, idempotency_key=f"pay_never_charged_{number}_{lang}",
                          amount_cents=18500, method="card", status="refund_due", card_brand="visa",
                          card_last4="4242", transaction_number=f"D-{number}")
        db.add(payment)
        db.flush()
        payment_id = payment.id
    sign_in(page, portal, lang=lang, username="demo.staff")
    visit(page, portal, REFUNDS[lang], lang, axe=False)
    card = page.locator(f"#payment-{payment_id}")
    card.wait_for()
    assert number in card.inner_text()
    assert_accessible(page, "refunds")
    # The demo gateway never saw this key: the refund fails, is said, and nothing changes.
    page.click(f"#refund-{payment_id}")
    page.wait_for_selector("#error-summary")
    with portal_db(portal), session_scope() as db:
        assert db.get(Payment, payment_id).status == "refund_due"
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "payment.refund_failed")).first() is not None
    # An approved payment needs a reason.
    page.click("#refunds-show-approved")
    expect(page.locator("#refunds-heading")).to_be_focused()
