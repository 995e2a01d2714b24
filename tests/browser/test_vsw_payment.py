"""Steps 8–14 in a real browser: the document checklist with the uploader, the solemn
declaration and signature, the personal checklist, the Signature page, payment,
the receipt and the congratulations page.

- English, one study-permit applicant, the whole way from the account home
  (questionnaire included): a wrong security answer, a declined card (number and
  security code cleared, the rest kept), then an approved card clicked twice in a
  row — one charge, one submission — the printable receipt and the application number.
- French, a family of three paying everything with Interac Online, at 375 px
  (no horizontal scroll), the draft prepared through the questionnaire service.
axe on every page (no serious or critical violation)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from playwright.sync_api import expect

from rar_app import rules
from rar_app.rules.common import fmt_money
from tests.browser.conftest import sign_in
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, portal_db, wait_ready
from tests.browser.vsw_steps import BASE, answer_for, arrive, fill_card, payments_of, upload
from tests.fixtures.documents import samples
from tests.browser.dates import fill_date
from tests.browser.instructions import assert_instructions_match_buttons


def test_study_permit_in_english_declined_then_approved_card(portal, page, tmp_path):
    sign_in(page, portal, "en")
    # The questionnaire (part A), quickly: one study-permit applicant.
    page.get_by_role("link", name="Apply: Visitor visa, study and/or work permit").click()
    page.wait_for_url(re.compile(rf"{BASE['en']}$"))
    wait_ready(page, "en")
    page.fill("#file_number", "PAY-EN-1")
    page.click("#nav-next")
    page.wait_for_url(re.compile("number-of-applicants"))
    page.fill("#count", "1")
    page.click("#nav-next")
    page.wait_for_url(re.compile(r"/client\?id=\d+&client=1$"))
    page.fill("#family_name", "Diallo")
    page.fill("#given_names", "Amina")
    fill_date(page, "date_of_birth", "2003-03-14")
    page.select_option("#country", "SN")
    page.click("#application_type-study_permit")
    page.click("#minor-no")
    page.click("#nav-next")
    page.wait_for_url(re.compile(r"client-information\?id=\d+&client=1$"))
    wait_ready(page, "en")
    page.click("#nav-next")
    page.wait_for_url(re.compile(r"fee-types"))
    wait_ready(page, "en")
    page.click("#fee-1")
    page.click("#bio_needed-1")
    page.click("#bio-1")
    # The choices are kept on a reload (issue 17).
    expect(page.locator("#bio-1")).to_be_checked()
    page.reload()
    wait_ready(page, "en")
    for choice in ("#fee-1", "#bio_needed-1", "#bio-1"):
        expect(page.locator(choice)).to_be_checked()
    page.click("#nav-next")
    page.wait_for_url(re.compile(r"/review\?id=\d+$"))
    wait_ready(page, "en")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    page.click("#nav-continue")

    # 8. Document checklist: Continue is refused while required documents are missing.
    arrive(page, r"/document-checklist\?id=\d+$", "Document checklist", "en")
    expected = rules.fee_summary([{"application": "study_permit", "fee": "standard", "biometrics": "standard"}],
                                 lang="en")
    total = fmt_money(Decimal(expected["total"]), "en")
    assert page.locator("#fee-total").inner_text() == total
    required = [d for d in rules.required_documents("study_permit") if d["required"]]
    page.click("#nav-continue")
    page.locator("#error-summary").wait_for()
    summary = page.locator("#error-summary").inner_text()
    assert all(d["label_en"] in summary for d in required), summary
    assert_accessible(page, "documents missing")
    # The client's « (n of N) » follows each upload at once.
    expect(page.locator("#current-client-count")).to_contain_text(f"(0 of {len(required)})")
    for k, d in enumerate(required, start=1):
        upload(page, tmp_path, d["code"], "en")
        expect(page.locator("#current-client-count")).to_contain_text(f"({k} of {len(required)})")
    page.click("#nav-continue")

    # 9. Declaration: errors beside the fields, a wrong answer, then the signature.
    arrive(page, r"/solemn-declaration-and-signature\?id=\d+$", "Your solemn declaration and electronic signature",
           "en")
    for text in ("Privacy notice", "Fee summary", "Letter of acceptance"):
        assert text in page.locator("main").inner_text()
    page.click("#sign")
    page.locator("#error-summary").wait_for()
    assert page.locator("#agree-error").is_visible() and page.locator("#given-names-error").is_visible()
    assert_accessible(page, "declaration with errors")
    page.click("#agree")
    page.fill("#given-names", "CAMILLE")
    page.fill("#family-name", "demo")  # accents and case do not matter
    page.fill("#answer", "not the answer")
    page.click("#sign")
    expect(page.locator("#answer-error")).to_contain_text("2 attempts left")
    assert page.input_value("#given-names") == "CAMILLE", "what was typed is kept"
    expect(page.locator("#answer")).to_have_value("")
    page.fill("#answer", answer_for(page, "en"))
    page.click("#sign")

    # 10. Personal checklist: nothing is submitted yet.
    arrive(page, r"/personal-checklist\?id=\d+$", "Your personal checklist", "en")
    assert "has not been transmitted yet" in page.locator("#not-submitted-warning").inner_text()
    assert "Amina Diallo" in page.locator("#clients-table").inner_text()
    page.click("#nav-continue")

    # 11. Signature: Transmit and pay.
    arrive(page, r"/signature\?id=\d+$", "Signature", "en")
    # The page restates the answers given and the consent (the generic Signature page).
    expect(page.locator("#signature-answers")).to_contain_text("Diallo")
    expect(page.locator("#signature-consent")).to_contain_text("I agree")
    expect(page.locator("#transmit")).to_have_text("Transmit and pay")
    assert_instructions_match_buttons(page)
    assert page.locator("#fee-total").inner_text() == total
    page.click("#transmit")

    # 12. Payment: a declined card, then an approved one clicked twice at once.
    arrive(page, r"/payment\?id=\d+$", "Fee payment", "en")
    assert "Visa, Mastercard and American Express" in page.locator("#accepted-cards").inner_text()
    page.click("#process-transaction")
    page.locator("#error-summary").wait_for()
    assert page.locator("#card-number-error").is_visible() and page.locator("#card-expiry-month-error").is_visible()
    assert_accessible(page, "card form with errors")
    fill_card(page, "4000 0000 0000 0002")
    page.click("#process-transaction")
    expect(page.locator("#payment-outcome")).to_contain_text("declined by the card issuer")
    expect(page.locator("#error-summary")).to_have_count(0)  # a decline is not a form error
    page.wait_for_function("document.activeElement && document.activeElement.id === 'payment-outcome'")
    expect(page.locator("#cleared-note")).to_be_visible()
    assert page.input_value("#card-number") == "" and page.input_value("#card-security-code") == ""
    assert page.input_value("#card-holder") == "Camille Demo", "the holder name is kept"
    assert_accessible(page, "declined card")
    rows, status, _ = payments_of(portal, app_id)
    assert rows == [("declined", "card", "visa", "0002", "card_declined")] and status == "signed"

    # Still unsubmitted: on the home page (another tab), continued straight to the payment page.
    other = page.context.new_page()
    other.goto(portal.url("/en/account-home"))
    arrive(other, r"/en/account-home", "Account home", "en", ready="#drafts", what="home with a declined payment")
    row = other.locator("#drafts-table tr", has_text="PAY-EN-1")
    expect(row).to_contain_text("Amina Diallo")
    row.get_by_role("link", name="Continue application PAY-EN-1").click()
    arrive(other, rf"/payment\?id={app_id}$", "Fee payment", "en", what="payment continued from home")
    other.close()

    page.fill("#card-number", "4242 4242 4242 4242")
    page.fill("#card-security-code", "321")
    # Two clicks before the page can react (the button is disabled only after the first answer).
    page.evaluate("() => { const b = document.querySelector('#process-transaction'); b.click(); b.click(); }")

    # 13. Receipt.
    arrive(page, r"/transaction-approved\?id=\d+$", "Transaction approved – Thank you", "en")
    receipt = page.locator("#receipt").inner_text()
    assert page.locator("#transaction-number").inner_text().startswith("D")
    assert "Visa ending in 4242" in receipt and "Client 1: Amina Diallo" in receipt
    for line in expected["lines"]:
        assert fmt_money(Decimal(line["amount"]), "en") in receipt
    assert page.locator("#receipt-total").inner_text() == total
    page.wait_for_function("[...document.styleSheets].some(s => (s.href || '').endsWith('/print.css'))")
    page.emulate_media(media="print")
    assert not page.locator("#print-receipt").is_visible() and not page.locator("header").is_visible()
    assert not page.locator(".step-caption").is_visible(), "print.css applies"
    assert page.locator("#receipt").is_visible()
    page.emulate_media(media="screen")
    rows, status, actions = payments_of(portal, app_id)
    assert [r[0] for r in rows] == ["declined", "approved"], "the double click charged once"
    assert status == "submitted" and actions.count("application.submitted") == 1
    assert actions.count("payment.attempt") == 2
    page.click("#receipt-return")

    # 14. Congratulations, the application number, and back home.
    arrive(page, r"/application-submitted\?id=\d+$",
           "Congratulations! Your application or profile has been successfully submitted.", "en")
    number = page.locator("#clients-table .application-number").inner_text()
    assert re.fullmatch(r"S[1-9]\d{8}", number), number
    assert "biometrics" in page.locator("#next-steps").inner_text()
    # Submitted: the payment page and the checklist no longer offer anything to change or pay.
    page.goto(portal.url(f"{BASE['en']}/payment?id={app_id}"))
    arrive(page, r"/transaction-approved\?id=\d+$", "Transaction approved – Thank you", "en", what="payment again")
    page.goto(portal.url(f"{BASE['en']}/document-checklist?id={app_id}"))
    arrive(page, r"/application-submitted\?id=\d+$",
           "Congratulations! Your application or profile has been successfully submitted.", "en")
    page.click("#nav-exit-after-submission")
    page.wait_for_url(re.compile(r"/en/account-home"))


FAMILY = [
    {"given": "Lina", "family": "Haddad", "type": "visitor_visa", "fee": "family_rate", "biometrics": "family_rate"},
    {"given": "Omar", "family": "Haddad", "type": "visitor_visa", "fee": "family_rate_exempt",
     "biometrics": "family_rate_exempt"},
    {"given": "Nour", "family": "Haddad", "type": "visitor_visa", "fee": "family_rate_exempt",
     "biometrics": "family_rate_exempt", "minor": True},
]


def _family_draft(portal) -> int:
    """The questionnaire answered through part A's service, every required document uploaded."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Account
    from rar_app.services.casework import applications, documents
    from tests.services.test_submission_drafts import make_draft

    with portal_db(portal):
        with session_scope() as db:
            rep = db.exec(select(Account).where(Account.username == "demo.rep")).one()
            rep_id = rep.id
        draft = make_draft(rep_id, FAMILY, file_number="FAM-FR-1", upload=False)
        actor = documents.Actor(account_id=rep_id, role="representative", session_id=0)
        for entry in applications.document_checklist(rep_id, draft.application_id):
            for item in entry["documents"]:
                if item["required"]:
                    data = samples.pdf(marker=f"{entry['position']}-{item['code']}")
                    documents.upload(actor, draft.application_id, entry["applicant_id"], item["code"],
                                     f"{item['code']}-{entry['position']}.pdf", io.BytesIO(data))
        return draft.application_id


def test_family_in_french_paid_with_interac_at_375px(portal, phone_context):
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    app_id = _family_draft(portal)
    base = BASE["fr"]
    sign_in(page, portal, "fr")
    page.goto(portal.url(f"{base}/revision?id={app_id}"))
    wait_ready(page, "fr")
    page.click("#nav-continue")

    # 8. Every document is there; the uploader shows one client at a time.
    arrive(page, r"/liste-de-verification-des-documents\?id=\d+$", "Liste de vérification des documents", "fr",
           phone=True)
    expect(page.locator("#doc-slot-passport-status")).to_contain_text("Téléversé")
    page.get_by_role("link", name=re.compile(r"Client 2\s: Omar Haddad")).click()
    page.wait_for_url(re.compile(r"client=2$"))
    expect(page.locator("#uploader-title")).to_have_text("Documents d’Omar Haddad")  # issue 17: elision before a vowel
    assert_accessible(page, "second client's documents")
    page.click("#nav-continue")

    # 9. Declaration and signature.
    arrive(page, r"/declaration-solennelle-et-signature\?id=\d+$",
           "Votre déclaration solennelle et votre signature électronique", "fr", phone=True)
    page.click("#agree-no")
    page.click("#sign")
    expect(page.locator("#agree-error")).to_contain_text("«\u00a0Je refuse\u00a0»")
    page.click("#agree")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Démo")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")

    # 10 and 11.
    arrive(page, r"/liste-de-controle-personnelle\?id=\d+$", "Votre liste de contrôle personnelle", "fr", phone=True)
    assert "pas encore transmise" in page.locator("#not-submitted-warning").inner_text()
    for name in ("Lina Haddad", "Omar Haddad", "Nour Haddad"):
        assert name in page.locator("#clients-table").inner_text()
    page.click("#nav-continue")
    arrive(page, r"/signature\?id=\d+$", "Signature", "fr", phone=True)
    expect(page.locator("#transmit")).to_have_text("Transmettre et payer")
    total = page.locator("#fee-total").inner_text()
    page.click("#transmit")

    # 12. Interac Online: choose the institution, go to Interac Services, confirm.
    arrive(page, r"/paiement\?id=\d+$", "Paiement des frais", "fr", phone=True)
    page.click("#payment-method-interac")
    page.click("#interac-go")
    expect(page.locator("#institution-error")).to_be_visible()
    assert_accessible(page, "Interac without an institution")
    page.select_option("#institution", "demo_bank")
    page.click("#interac-go")
    page.locator("#interac-confirm").wait_for()
    assert total in page.locator("#interac-text").inner_text()
    assert_accessible(page, "Interac confirmation")
    assert_no_horizontal_scroll(page)
    page.click("#interac-confirm-button")

    # 13. Receipt: per client and per fee line.
    arrive(page, r"/transaction-approuvee\?id=\d+$", "Transaction approuvée – Merci", "fr", phone=True)
    receipt = page.locator("#receipt").inner_text().replace("\u00a0", " ")  # French: no-break space before « : »
    assert "Interac en ligne – Banque Démo" in receipt
    for n, person in enumerate(FAMILY, start=1):
        assert f"Client {n} : {person['given']} {person['family']}" in receipt
    assert page.locator("#receipt .receipt-client").count() == 3
    assert page.locator("#receipt-total").inner_text() == total
    rows, status, actions = payments_of(portal, app_id)
    assert rows == [("approved", "interac", None, None, None)] and status == "submitted"
    page.click("#receipt-return")

    # 14. Félicitations: one V number per client.
    arrive(page, r"/demande-soumise\?id=\d+$", "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.",
           "fr", phone=True)
    numbers = page.locator("#clients-table .application-number").all_inner_texts()
    assert len(numbers) == 3 and len(set(numbers)) == 3
    assert all(re.fullmatch(r"V[1-9]\d{8}", n) for n in numbers), numbers
    page.click("#nav-exit-after-submission")
    page.wait_for_url(re.compile(r"/fr/accueil-du-compte"))
    assert not errors, errors
