"""Profil du compte in a real browser, in French and English: the enrolment
details, e-mail address and security questions (after re-entering the
password), the language preference (the whole portal switches), the name
change request with its proof document, the closure request approved by an
administrator (then sign-in is refused), the update-details path and a merge
approved by an administrator. axe on every page and state shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from rar_app.services.identity import accounts
from tests.browser.conftest import visit
from tests.browser.harness import assert_accessible, close_context, mailed_link, outbox_names, wait_ready
from tests.browser.test_accounts import (  # noqa: F401  (the autouse fixture)
    ANSWERS,
    PASSWORD,
    PATHS,
    TEXT,
    _fresh_address_counter,
    account_row,
    create_account,
    expect_focus,
    fill_enrolment,
    new_username,
    portal_db,
    sign_in_admin,
    sign_in_as,
    submit_credentials,
    submit_enrolment,
    summary_text,
    wait_text,
)
from tests.fixtures.documents import samples

PROFILE_TEXT = {
    "fr": {"title": "Profil du compte", "saved_email": "Votre adresse de courriel a été modifiée.",
           "saved_questions": "Vos questions de sécurité ont été modifiées.",
           "language_saved": "Votre préférence linguistique a été enregistrée.",
           "proof_required": "Joignez une pièce justificative.", "proof_received": "Pièce justificative reçue",
           "sent": "Votre demande de changement de nom a été envoyée.", "kind_name": "Changement de nom",
           "closure_sent": "Votre demande de fermeture du compte a été envoyée",
           "technical": "Difficultés techniques", "kind_close": "Fermeture du compte"},
    "en": {"title": "Account profile", "saved_email": "Your email address was changed.",
           "saved_questions": "Your security questions were changed.",
           "language_saved": "Your language preference was saved.",
           "proof_required": "Attach a supporting document.", "proof_received": "Supporting document received",
           "sent": "Your name change request was sent.", "kind_name": "Name change",
           "closure_sent": "Your account closure request was sent",
           "technical": "Technical difficulties", "kind_close": "Account closure"},
}


def open_profile(page, portal, lang: str, *, axe: bool = True) -> None:
    visit(page, portal, PATHS["profile"][lang], lang, axe=False)
    page.locator("#profile-username").wait_for()
    if axe:
        assert_accessible(page, "profile")


def admin_decides(browser, portal, lang: str, kind: str, username: str, *, approve: bool = True,
                  candidate: str | None = None, proof: tuple[str, bytes] | None = None) -> None:
    """An administrator, in a browser of their own, approves (or refuses) the open request."""
    ctx = browser.new_context()
    admin = ctx.new_page()
    try:
        sign_in_admin(admin, portal, lang)
        row = admin.locator(f"tr[data-kind={kind}]", has_text=username)
        row.wait_for()
        assert_accessible(admin, "administration with requests")
        request_id = row.get_attribute("id").split("-")[1]
        if proof is not None:  # the proof document, downloaded through the portal
            with admin.expect_download() as download_info:
                admin.click(f"#proof-{request_id}")
            download = download_info.value
            assert download.suggested_filename == proof[0]
            with open(download.path(), "rb") as fh:
                assert fh.read() == proof[1]
        if candidate is not None:
            admin.select_option(f"#candidate-{request_id}", candidate)
        admin.click(f"#{'approve' if approve else 'refuse'}-{request_id}")
        admin.locator("#form-status").wait_for()
        assert f"{request_id}" in admin.locator("#form-status").inner_text()
        assert admin.locator(f"#request-{request_id}").count() == 0, "decided requests leave the list"
    finally:
        close_context(ctx)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_profile_details_email_and_security_questions(portal, page, browser, lang):
    username = create_account(portal, f"prof{lang}", language=lang)
    sign_in_as(page, portal, lang, username)
    page.locator("#account-menu").get_by_role("link", name=PROFILE_TEXT[lang]["title"]).click()
    page.wait_for_url("**" + PATHS["profile"][lang] + "**")
    wait_ready(page, lang)
    page.locator("#profile-username").wait_for()
    assert_accessible(page, "profile")
    assert page.locator("#profile-username").inner_text() == username
    assert page.locator("#profile-email").inner_text() == f"{username}@example.ca"
    assert page.locator("#profile-regulatory-body").inner_text() == accounts.regulatory_body("CICC").name(lang)
    assert page.locator("#profile-questions li").all_inner_texts() == [accounts.question_text(k, lang) for k in ANSWERS]

    # E-mail address, after re-entering the password.
    page.click("#link-email")
    page.wait_for_url("**" + PATHS["email"][lang] + "**")
    wait_ready(page, lang)
    page.locator("#current-email").wait_for()
    assert_accessible(page, "email page")
    page.fill("#email", "nouvelle@example.ca")
    page.fill("#password", "Mauvais2026x")
    page.click("#email-submit")
    wait_text(page, "#error-summary", accounts.message("current_password_wrong", lang))
    assert page.input_value("#email") == "nouvelle@example.ca"
    expect(page.locator("#password")).to_have_value("")
    page.fill("#email", "pas-valide")
    page.fill("#password", PASSWORD)
    page.click("#email-submit")
    wait_text(page, "#error-summary", accounts.message("email_format", lang))
    page.fill("#email", "nouvelle@example.ca")
    page.fill("#password", PASSWORD)
    page.click("#email-submit")
    wait_text(page, "#form-status", PROFILE_TEXT[lang]["saved_email"])
    wait_text(page, "#current-email", "nouvelle@example.ca")
    assert account_row(portal, username).email == "nouvelle@example.ca"

    # Security questions: the current ones are preselected; the answers are never shown.
    visit(page, portal, PATHS["questions"][lang], lang)
    page.wait_for_function("document.querySelector('#question_1').value === 'first_pet'")
    expect(page.locator("#answer_1")).to_have_value("")
    page.select_option("#question_3", "first_employer")
    page.fill("#answer_1", "Pixel")
    page.fill("#answer_2", "Gatineau")
    page.fill("#answer_3", "Boulangerie")
    page.click("#questions-submit")
    wait_text(page, "#error-summary", accounts.message("required", lang))  # the password
    page.fill("#answer_1", "Pixel")
    page.fill("#answer_2", "Gatineau")
    page.fill("#answer_3", "Boulangerie")
    page.fill("#password", PASSWORD)
    page.click("#questions-submit")
    wait_text(page, "#form-status", PROFILE_TEXT[lang]["saved_questions"])
    assert_accessible(page, "questions saved")
    # The next sign-in asks one of the new questions.
    ctx = browser.new_context()
    try:
        sign_in_as(ctx.new_page(), portal, lang, username,
                   answers={"first_pet": "Pixel", "birth_city": "Gatineau", "first_employer": "Boulangerie"})
    finally:
        close_context(ctx)


def test_language_preference_switches_the_whole_portal(portal, page):
    username = create_account(portal, "langue", language="fr")
    sign_in_as(page, portal, "fr", username)
    open_profile(page, portal, "fr", axe=False)
    page.click("#language-en")
    page.click("#language-save")
    page.wait_for_url(re.compile(r"/en/account-profile/?\?saved=language"))
    wait_ready(page, "en")
    wait_text(page, "#form-status", PROFILE_TEXT["en"]["language_saved"])
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("h1")).to_have_text("Account profile")
    assert_accessible(page, "after the language change")
    assert account_row(portal, username).language == "en"
    page.wait_for_function("document.cookie.includes('rar_lang=en')")
    # The header's links and the bare address follow.
    assert page.locator("a.brand").get_attribute("href").startswith("/en/")
    page.goto(portal.url("/"))
    page.wait_for_url("**/en**")
    # And back to French from the English page.
    open_profile(page, portal, "en", axe=False)
    page.click("#language")
    page.click("#language-save")
    page.wait_for_url(re.compile(r"/fr/profil-du-compte/?\?saved=language"))
    wait_ready(page, "fr")
    wait_text(page, "#form-status", PROFILE_TEXT["fr"]["language_saved"])
    assert account_row(portal, username).language == "fr"


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_name_change_with_proof_then_admin_approval(portal, page, browser, tmp_path, lang):
    text = PROFILE_TEXT[lang]
    username = create_account(portal, f"nom{lang}")
    sign_in_as(page, portal, lang, username)
    open_profile(page, portal, lang, axe=False)
    page.click("#link-name-change")
    page.wait_for_url("**" + PATHS["name_change"][lang] + "**")
    wait_ready(page, lang)
    page.locator("#name-change-form").wait_for()
    assert page.locator("#request-type").inner_text() == text["technical"]
    page.wait_for_function("document.querySelector('#family_name').value === 'Essai'")  # the current name
    assert_accessible(page, "name change")

    page.fill("#family_name", "Essai-Bouchard")
    page.click("#name-change-submit")
    wait_text(page, "#error-summary", text["proof_required"])
    expect_focus(page, "error-summary")
    assert page.locator("#proof-error").is_visible()
    assert_accessible(page, "name change without proof")

    # A program renamed .pdf is refused by its content.
    page.set_input_files(f"#proof-upload input[type=file]", _write(tmp_path, "preuve.pdf", samples.exe()))
    wait_text(page, "#error-summary", "PDF, JPEG, PNG, TIFF")
    pdf = samples.pdf()
    page.set_input_files(f"#proof-upload input[type=file]", _write(tmp_path, "certificat.pdf", pdf))
    wait_text(page, "#proof-file", "certificat.pdf")
    wait_text(page, "#form-status", text["proof_received"])
    assert page.locator("#error-summary").count() == 0
    page.click("#name-change-submit")
    wait_text(page, "#form-status", text["sent"])
    assert_accessible(page, "name change sent")

    from rar_app.db import session_scope
    from rar_app.models import AccountRequest, Document

    account_id = account_row(portal, username).id
    with portal_db(portal), session_scope() as db:
        request = db.exec(select(AccountRequest).where(AccountRequest.account_id == account_id,
                                                       AccountRequest.kind == "name_change")).one()
        doc = db.get(Document, request.document_id)
        assert (doc.owner_id, doc.application_id, doc.original_name) == (account_id, None, "certificat.pdf")
        assert doc.content_type == "application/pdf" and doc.deleted_at is None
    # The stored file is not in any folder the web server serves.
    assert not list(Path(portal.data_dir).glob("**/uploaded_files/**/certificat.pdf"))

    open_profile(page, portal, lang, axe=False)
    assert text["kind_name"] in page.locator("#profile-requests").inner_text()
    admin_decides(browser, portal, lang, "name_change", username, proof=("certificat.pdf", pdf))
    open_profile(page, portal, lang, axe=False)
    assert page.locator("#profile-name").inner_text() == f"{f'nom{lang}'.title()} Essai-Bouchard"
    assert page.locator("#profile-no-requests").count() == 1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_closure_request_admin_approval_then_sign_in_refused(portal, page, browser, lang):
    username = create_account(portal, f"ferme{lang}")
    sign_in_as(page, portal, lang, username)
    open_profile(page, portal, lang, axe=False)
    page.click("#link-closure")
    page.wait_for_url("**" + PATHS["closure"][lang] + "**")
    wait_ready(page, lang)
    page.locator("#closure-ask").wait_for()
    assert_accessible(page, "closure")
    page.fill("#reason", "Retraite")
    page.click("#closure-ask")
    page.locator("#closure-confirm").wait_for()
    expect_focus(page, "closure-confirm")
    assert_accessible(page, "closure confirmation")
    page.click("#closure-no")
    page.locator("#closure-confirm").wait_for(state="detached")
    page.click("#closure-ask")
    page.click("#closure-yes")
    wait_text(page, "#form-status", PROFILE_TEXT[lang]["closure_sent"])
    assert account_row(portal, username).status == "active", "nothing changes before an administrator decides"

    admin_decides(browser, portal, lang, "close", username)
    assert account_row(portal, username).status == "closed"
    # The open session is over, and the account cannot sign in again.
    page.goto(portal.url(PATHS["profile"][lang]))
    page.wait_for_url("**" + PATHS["sign_in"][lang] + "**")
    wait_ready(page, lang)
    wait_text(page, "#notice", TEXT[lang]["expired"])
    submit_credentials(page, portal, lang, username)
    wait_text(page, "#error-summary", TEXT[lang]["closed"])


def test_update_details_is_a_new_enrolment_and_a_merge_approved_by_an_administrator(portal, page, browser):
    """The guide's path: a new enrolment answered "Oui", then an administrator merges
    the previous account into the new one (its clients move; the old one closes)."""
    from rar_app.db import session_scope
    from rar_app.models import Client

    old = create_account(portal, "ancien", business_name="Ancien Cabinet")
    old_id = account_row(portal, old).id
    with portal_db(portal), session_scope() as db:
        db.add(Client(representative_id=old_id, family_name="Client-Fusion", given_names="Léa"))
    sign_in_as(page, portal, "fr", old)
    open_profile(page, portal, "fr", axe=False)
    page.click("#link-update-details")
    page.wait_for_url("**/fr/inscription?prefill=profile")
    wait_ready(page, "fr")
    page.locator("#update-notice").wait_for()
    page.wait_for_function("document.querySelector('#business_name').value === 'Ancien Cabinet'")
    assert page.input_value("#previous_username") == old
    assert page.locator("#already_enrolled").is_checked()
    assert_accessible(page, "update details: prefilled enrolment")
    new = new_username("nouveau")
    page.fill("#business_name", "Nouveau Cabinet")
    for n, (key, answer) in enumerate(ANSWERS.items(), start=1):
        page.select_option(f"#question_{n}", key)
        page.fill(f"#answer_{n}", answer)
    page.fill("#username", new)
    page.fill("#password", PASSWORD)
    page.fill("#password_confirmation", PASSWORD)
    submit_enrolment(page)
    page.locator("#enrol-done-merge").wait_for()

    admin_decides(browser, portal, "fr", "merge", new, candidate=str(old_id))
    assert account_row(portal, old).status == "closed"
    new_account = account_row(portal, new)
    with portal_db(portal), session_scope() as db:
        client = db.exec(select(Client).where(Client.family_name == "Client-Fusion")).one()
        assert client.representative_id == new_account.id
    assert new_account.business_name == "Nouveau Cabinet"
    # The old credential is refused; the new one works.
    ctx = browser.new_context()
    try:
        other = ctx.new_page()
        submit_credentials(other, portal, "fr", old)
        wait_text(other, "#error-summary", TEXT["fr"]["closed"])
        sign_in_as(other, portal, "fr", new)
    finally:
        close_context(ctx)


def test_merge_from_a_fresh_enrolment_in_english(portal, page, browser):
    """Takeovers need proof (issue 14, point 8): without it the administrator's approval
    does nothing; once the earlier account's owner follows the mailed link, it merges."""
    old = create_account(portal, "prev")
    before = outbox_names(portal)
    visit(page, portal, PATHS["enrol"]["en"], "en", axe=False)
    new = new_username("next")
    fill_enrolment(page, new, previous=old, language="en")
    submit_enrolment(page)
    page.locator("#enrol-done-merge").wait_for()
    ctx = browser.new_context()
    admin = ctx.new_page()
    try:
        sign_in_admin(admin, portal, "en")
        row = admin.locator("tr[data-kind=merge]", has_text=new)
        row.wait_for()
        assert "not proven yet" in row.inner_text()
        request_id = row.get_attribute("id").split("-")[1]
        admin.click(f"#approve-{request_id}")
        wait_text(admin, "#error-summary", accounts.message("merge_not_proven", "en"))
        assert admin.locator(f"#request-{request_id}").count() == 1, "still open"
    finally:
        close_context(ctx)
    assert account_row(portal, old).status == "active", "a merge without proof does nothing"
    # The earlier account's owner (French) follows the link mailed to its address.
    page.goto(mailed_link(portal, f"{old}@example.ca", after=before))
    page.locator("#merge-confirm").wait_for()
    page.click("#merge-confirm")
    page.locator("#merge-confirmed").wait_for()
    admin_decides(browser, portal, "en", "merge", new)
    assert account_row(portal, old).status == "closed"
    assert account_row(portal, old).merged_into_id == account_row(portal, new).id
