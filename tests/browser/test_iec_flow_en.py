"""International Experience Canada in English on a 375 px phone, the whole line of business:
account home → « Check your client's eligibility » (a future birth date refused) → « Your
results » → the profile (forms prefilled from step 1 « In progress », the warning that
changing those answers means starting again, « Start again » offered) → the declaration →
« Transmit » → « Congratulations! » → admitted to the Ireland Working Holiday pool → a round
run by staff on « Rounds of invitations » → the ITA in « Deadlines », accepted → the work
permit application paid and submitted. Then: past the 20 days after accepting, the payment
page refuses to take the fees and says why. Shared steps: tests/browser/iec_steps.py."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, close_context, portal_db
from tests.browser.iec_steps import (
    accept_ipd, admitted, eligibility, open_permit, path, permit_application, profile, sign_and_transmit,
)
from tests.browser.test_accounts import wait_text
from tests.browser.test_iec_deadlines import iec_profile, invite
from tests.browser.test_tracking import account_id, new_account

BORN = "1998-06-15"
ROUNDS = "/en/back-office/rounds-of-invitations"


def _staff_round(browser, portal, stream: str, label: str) -> None:
    """Staff run a round of one country-and-category pool on « Rounds of invitations »."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        staff = ctx.new_page()
        sign_in(staff, portal, "en", username="demo.staff")
        visit(staff, portal, ROUNDS, "en")
        staff.select_option("#round-pool", "iec")
        staff.wait_for_function(f"!!document.querySelector('#round-stream option[value=\"{stream}\"]')")
        assert label in staff.inner_text("#round-stream")
        staff.select_option("#round-stream", stream)
        staff.fill("#round-size", "50")
        staff.click("#round-run")
        wait_text(staff, "#notice", "Round done")
    finally:
        close_context(ctx)


def test_iec_whole_flow_in_english_on_a_phone(portal, browser, phone_context, tmp_path):
    from rar_app.db import session_scope
    from rar_app.models import Application

    rep = new_account(portal, language="en")
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, portal, "en", username=rep)
        app_id = eligibility(page, "en", country="IE", born=BORN, phone=True)
        profile(page, "en", app_id, born=BORN, family="Murphy", given="Aoife", email="aoife.murphy@example.invalid",
                address="12 Grafton Street, Dublin", phone=True)
        sign_and_transmit(page, "en", app_id, family="Murphy", phone=True)

        admitted(portal, rep, app_id, "IE-WH")
        _staff_round(browser, portal, "IE-WH", "Ireland – Working Holiday")

        permit_id = accept_ipd(page, portal, "en", app_id, phone=True)
        open_permit(page, "en", permit_id)  # « Continue an application » on the account home
        permit_application(page, "en", permit_id, tmp_path, phone=True)
        with portal_db(portal), session_scope() as db:
            permit = db.get(Application, permit_id)
            assert (permit.kind, permit.status) == ("iec_permit", "submitted")
        assert not errors, f"JavaScript errors: {errors}"
    finally:
        close_context(phone_context)


def test_past_the_twenty_days_the_payment_page_refuses_and_says_why(portal, phone_context):
    """The invitation lapsed (its application period is over): no card form, the reason in
    the error summary and on the page; nothing can be charged (service: test_iec_lapse.py)."""
    from rar_app.db import session_scope
    from rar_app.models import Application, PoolEntry, PoolInvitation, utcnow
    from rar_app.services.office import pool_flow

    rep = new_account(portal, language="en")
    app_id = iec_profile(portal, rep, "NZ", "Aroha")  # New Zealand: only this profile in NZ-WH
    invite(portal, "NZ-WH")
    with portal_db(portal), session_scope() as db:
        entry = db.exec(select(PoolEntry).where(PoolEntry.application_id == app_id)).one()
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == entry.id)).one()
        permit = pool_flow.accept_and_start(db, account_id(portal, rep), invitation.id)
        permit.status = "signed"
        db.add(permit)
        invitation.apply_by = utcnow() - timedelta(minutes=1)  # the 20 days are over
        db.add(invitation)
        permit_id = permit.id
    page = phone_context.new_page()
    try:
        sign_in(page, portal, "en", username=rep)
        visit(page, portal, f"{path('payment', 'en', permit=True)}?id={permit_id}", "en", axe=False)
        wait_text(page, "#payment-lapsed", "the invitation has lapsed")
        expect(page.locator("#error-summary")).to_contain_text("no fee was charged")
        expect(page.locator("#card-number")).to_have_count(0)
        assert_accessible(page, "payment page of a lapsed invitation, 375 px")
        assert_no_horizontal_scroll(page)
        with portal_db(portal), session_scope() as db:
            assert db.get(Application, permit_id).status == "signed"
    finally:
        close_context(phone_context)

