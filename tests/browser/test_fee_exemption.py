"""Issue 14 point 6 in a browser: « Dispensé des frais » is not self-declared. The
representative chooses it on the fee page and must give its reason (a required field:
« Suivant » without it names the field); the document checklist then asks for the
supporting document (uploaded through the portal's uploader). Once submitted, the
exemption appears in the back office's « Demandes à examiner » with the reason and the
document, which staff download through the access-checked path, then approve (FR/EN,
axe); the audit log records the request and the decision."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_accessible, portal_db
from tests.browser.test_fee_page import FEES, draft_at_fee_types
from tests.browser.test_uci_linking import sign_in_test_rep
from tests.browser.vsw_steps import BASE, pick, upload

REVIEWS = {"fr": "/fr/arriere-guichet/demandes-a-examiner", "en": "/en/back-office/requests-to-review"}
KIND = {"fr": "Dispense des frais", "en": "Fee exemption"}
CHECKLIST = {"fr": "liste-de-verification-des-documents", "en": "document-checklist"}
REASON_LABEL = {"fr": "Motif de la dispense des frais", "en": "Reason for the fee exemption"}
REASON = {"fr": "Statut diplomatique : note de l’ambassade jointe", "en": "Diplomatic status: embassy note attached"}
PROOF = "fee_exemption_proof"


def _draft_at_fee_types(portal) -> tuple[str, int, int]:
    """A fresh representative's one-client visitor draft, saved up to the fee types."""
    from tests.services.test_submission_drafts import make_rep

    username = f"fee.rep.{uuid.uuid4().hex[:8]}"
    with portal_db(portal):
        rep = make_rep(username=username)
    app_id = draft_at_fee_types(portal, rep, file_number="DISPENSE-14", given="Lina", family="Dispense")
    return username, rep, app_id


def _sign_and_submit(portal, rep: int, app_id: int) -> None:
    """The rest of the flow (signature, free submission) is other tests' subject: done by the services,
    with the documents the checklist asks besides the one uploaded in the browser."""
    from rar_app.db import session_scope
    from rar_app.models import Document
    from rar_app.services.casework import applications, submission
    from tests.services.test_submission_drafts import ANSWER, new_session

    with portal_db(portal):
        with session_scope() as db:
            for entry in applications.document_checklist(rep, app_id):
                for item in entry["documents"]:
                    if item["required"] and item["code"] != PROOF:
                        db.add(Document(owner_id=rep, application_id=app_id, applicant_id=entry["applicant_id"],
                                        slot_code=item["code"], original_name=f"{item['code']}.pdf",
                                        content_type="application/pdf", size_bytes=1234,
                                        storage_key="test-" + uuid.uuid4().hex))
        submission.sign(rep, new_session(rep), app_id, ip="127.0.0.1", agree="yes", given_names="Hélène",
                        family_name="Côté-Lévesque", answer=ANSWER)
        submission.submit_free(rep, app_id, ip="127.0.0.1")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fee_exemption_needs_a_reason_and_a_document_and_staff_decide(portal, browser, tmp_path, lang):
    from rar_app.db import session_scope
    from rar_app.models import AuditEvent, Document, StaffReview

    username, rep, app_id = _draft_at_fee_types(portal)
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in_test_rep(page, portal, lang, username)
        visit(page, portal, f"{BASE[lang]}/{FEES[lang]}?id={app_id}", lang, axe=False)
        page.wait_for_selector("#fee-1")
        expect(page.locator("#fee_reason-1")).to_have_count(0)
        pick(page, "#fee-1-exempt")
        pick(page, "#bio_needed-1-no")
        expect(page.locator("#fee_reason-1")).to_be_visible()
        expect(page.locator("label[for=fee_reason-1]")).to_contain_text(REASON_LABEL[lang])
        # « Suivant » without the reason: the error names the field, beside it and in the summary.
        page.click("#nav-next")
        page.wait_for_selector("#error-summary")
        expect(page.locator("#error-summary")).to_contain_text(f"{REASON_LABEL[lang]} (client 1)")
        expect(page.locator("#fee_reason-1-error")).to_contain_text(REASON_LABEL[lang])
        expect(page.locator("#fee_reason-1")).to_have_attribute("aria-invalid", "true")
        assert_accessible(page, "fee exemption reason missing")
        page.fill("#fee_reason-1", REASON[lang])
        expect(page.locator("#fee_reason-1")).to_have_value(REASON[lang])
        page.click("#nav-next")
        page.wait_for_url(re.compile(r"/(revision|review)\?"))
        expect(page.locator("main")).to_contain_text(REASON[lang])
        # The review links the client file's « Historique du dossier » (drafts included).
        expect(page.locator("#file-history-link")).to_have_attribute("href", re.compile(rf"\?id={app_id}$"))
        # The document checklist asks for the supporting document; the uploader takes it.
        visit(page, portal, f"{BASE[lang]}/{CHECKLIST[lang]}?id={app_id}", lang, axe=False)
        page.locator(f"#doc-slot-{PROOF}").wait_for()
        expect(page.locator(f"#doc-slot-{PROOF}")).to_contain_text(
            "Pièce justificative de la dispense des frais" if lang == "fr" else "Supporting document for the fee exemption")
        upload(page, tmp_path, PROOF, lang, marker=lang)
        assert_accessible(page, "fee exemption proof uploaded")
    finally:
        context.close()

    with portal_db(portal), session_scope() as db:
        proof = db.exec(select(Document).where(Document.application_id == app_id, Document.slot_code == PROOF,
                                               Document.deleted_at.is_(None))).one()
        assert proof.storage_key and proof.size_bytes > 0
        proof_name = proof.original_name
    _sign_and_submit(portal, rep, app_id)
    with portal_db(portal), session_scope() as db:
        review = db.exec(select(StaffReview).where(StaffReview.application_id == app_id,
                                                   StaffReview.kind == "fee_exemption")).one()
        assert review.status == "open" and review.document_id == proof.id and REASON[lang] in review.details
        review_id = review.id

    staff = browser.new_context(accept_downloads=True)
    try:
        page = staff.new_page()
        sign_in(page, portal, lang=lang, username="demo.staff")
        visit(page, portal, REVIEWS[lang], lang, axe=False)
        card = page.locator(f"#review-{review_id}")
        card.wait_for()
        expect(card).to_contain_text(KIND[lang])
        expect(card).to_contain_text(REASON[lang])
        expect(page.locator(f"#review-download-{review_id}")).to_contain_text(proof_name)
        assert_accessible(page, "fee exemption to review")
        with page.expect_download() as caught:
            page.click(f"#review-download-{review_id}")
        downloaded = caught.value
        assert downloaded.suggested_filename == proof_name
        assert open(downloaded.path(), "rb").read().startswith(b"%PDF")
        page.click(f"#review-approve-{review_id}")
        page.wait_for_selector(f"#review-{review_id}", state="detached")
    finally:
        staff.close()
    with portal_db(portal), session_scope() as db:
        assert db.get(StaffReview, review_id).status == "approved"
        actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.object_type == "application",
                                                                      AuditEvent.object_id == str(app_id)))]
    assert "review.opened" in actions and "review.approved" in actions
