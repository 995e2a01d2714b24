"""IEC pool in a real browser: staff run a round for one country-and-category pool
(« Rondes d’invitations »); the representative sees the IPD in « Échéances » on the account
home (days and hours left, Toronto time), opens the profile's status, accepts — the work
permit application starts and its 20-day deadline replaces the IPD's. In English at 375 px:
the same panel on a phone, then « Decline » puts the profile back in the pool."""

from __future__ import annotations

import json
import re
from datetime import date

from sqlmodel import select

from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, close_context, portal_db
from tests.browser.test_accounts import wait_text
from tests.browser.test_tracking import account_id, new_account

ROUNDS = {"fr": "/fr/arriere-guichet/rondes-invitations", "en": "/en/back-office/rounds-of-invitations"}
HOME = {"fr": "/fr/accueil-du-compte", "en": "/en/account-home"}


def iec_profile(portal, username: str, country: str, given: str) -> int:
    """A submitted IEC profile of `username`'s client, admitted to its country's Working Holiday pool."""
    from rar_app.db import session_scope
    from rar_app.models import Applicant, Application, Client, utcnow
    from rar_app.services.office import pool_flow

    answers = {
        "passport": {"passport_country": country, "residence_country": country, "date_of_birth": "2000-01-01"},
        "organization": {"has_letter": "no"},
        "funds": {"funds": "yes", "health_insurance": "yes"},
        "family": {"dependants_accompanying": "no"},
        "admissibility": {"criminal_record": "no", "medical_condition": "no"},
        "personal": {"family_name": "Essai", "given_names": given, "sex": "F", "date_of_birth": "2000-01-01",
                     "passport_country": country, "passport_number": "X1234567"},
        "details": {"want_working_holiday": "yes"},
    }
    rep = account_id(portal, username)
    with portal_db(portal), session_scope() as db:
        client = Client(representative_id=rep, family_name="Essai", given_names=given, date_of_birth=date(2000, 1, 1))
        db.add(client)
        app = Application(representative_id=rep, kind="iec", status="draft", wizard_data=json.dumps({"v": 1, "answers": answers}))
        db.add(app)
        db.flush()
        db.add(Applicant(application_id=app.id, position=1, client_id=client.id, application_type="iec_working_holiday"))
        db.flush()
        app.status, app.submitted_at = "submitted", utcnow()
        db.add(app)
        db.flush()
        pool_flow.admit_submitted(db, app)
        return app.id


def invite(portal, stream: str) -> None:
    from rar_app.db import session_scope
    from rar_app.programs import registry
    from rar_app.services.office import pools

    with portal_db(portal), session_scope() as db:
        assert pools.run_round(db, registry.get("iec").extra["pool"], size=5, stream=stream).invited >= 1


def test_round_ipd_in_echeances_accept_starts_the_work_permit_application_fr(portal, browser):
    rep = new_account(portal, language="fr")
    iec_profile(portal, rep, "SM", "Giulia")  # San Marino: only this profile in SM-WH
    staff_ctx, rep_ctx = browser.new_context(), browser.new_context()
    try:
        staff = staff_ctx.new_page()
        sign_in(staff, portal, "fr", username="demo.staff")
        visit(staff, portal, ROUNDS["fr"], "fr")
        staff.select_option("#round-pool", "iec")
        staff.wait_for_function("!!document.querySelector('#round-stream option[value=\"SM-WH\"]')")
        assert "Saint-Marin – Vacances-travail" in staff.inner_text("#round-stream")
        staff.select_option("#round-stream", "SM-WH")
        staff.fill("#round-size", "1")
        staff.click("#round-run")
        wait_text(staff, "#notice", "1")

        page = rep_ctx.new_page()
        sign_in(page, portal, "fr", username=rep)
        wait_text(page, "#deadlines-table", "Accepter ou refuser l’IPD")
        row = page.inner_text("#deadlines-table")
        assert "Giulia Essai" in row and "Expérience internationale Canada (EIC)" in row
        assert re.search(r"(9|10) jours et \d+ heures", row) and "heure de Toronto" in row
        page.click("#deadlines-table a")
        page.wait_for_url("**/fr/etat-du-profil**")
        wait_text(page, "#pool-deadline", "heure(s)")
        assert "Saint-Marin – Vacances-travail" in page.inner_text("#pool-streams")
        page.click("#pool-accept")
        wait_text(page, "#notice", "Poursuivre une demande")
        wait_text(page, "#pool-deadline", "Demande à soumettre")
        visit(page, portal, HOME["fr"], "fr", axe=False)
        wait_text(page, "#deadlines-table", "Soumettre la demande")
        assert_accessible(page, "account home with an application deadline")
        assert re.search(r"(19|20) jours et \d+ heures", page.inner_text("#deadlines-table"))
    finally:
        close_context(staff_ctx)
        close_context(rep_ctx)


def test_echeances_on_a_phone_in_english_and_decline_back_to_the_pool(portal, browser, phone_context):
    rep = new_account(portal, language="en")
    iec_profile(portal, rep, "AD", "Marta")  # Andorra: only this profile in AD-WH
    invite(portal, "AD-WH")
    page = phone_context.new_page()
    try:
        sign_in(page, portal, "en", username=rep)
        visit(page, portal, HOME["en"], "en")
        wait_text(page, "#deadlines-table", "Accept or decline the ITA")
        text = page.inner_text("#deadlines")
        assert "Deadlines" in text and "Toronto time" in text and re.search(r"(9|10) days and \d+ hours", text)
        assert_no_horizontal_scroll(page)
        page.click("#deadlines-table a")
        page.wait_for_url("**/en/profile-status**")
        wait_text(page, "#pool-deadline", "hour(s) left")
        assert_no_horizontal_scroll(page)
        page.click("#pool-decline")
        page.click("#decline-yes")
        wait_text(page, "#notice", "pool")
        visit(page, portal, HOME["en"], "en", axe=False)
        wait_text(page, "#deadlines-empty", "No deadlines for now.")
        assert_accessible(page, "account home without deadlines, 375 px")
        from rar_app.db import session_scope
        from rar_app.models import PoolEntry

        with portal_db(portal), session_scope() as db:
            statuses = db.exec(select(PoolEntry.status).where(PoolEntry.streams.contains(",AD-WH,"))).all()
        assert statuses == ["active"]  # back in the Andorra Working Holiday pool
    finally:
        close_context(phone_context)


def test_an_ipd_left_unanswered_expires_and_the_profile_leaves_the_pool_fr(portal, page):
    from datetime import timedelta

    from rar_app.db import session_scope
    from rar_app.models import Message, PoolEntry, PoolInvitation
    from rar_app.programs import registry
    from rar_app.services.office import pools

    rep = new_account(portal, language="fr")
    app_id = iec_profile(portal, rep, "IS", "Sigrid")  # Iceland: only this profile in IS-WH
    invite(portal, "IS-WH")
    with portal_db(portal), session_scope() as db:
        entry = db.exec(select(PoolEntry).where(PoolEntry.application_id == app_id)).one()
        deadline = db.exec(select(PoolInvitation.deadline_at).where(PoolInvitation.entry_id == entry.id)).one()
    spec = registry.get("iec").extra["pool"]
    with portal_db(portal):
        assert pools.expire_due([spec], now=deadline + timedelta(seconds=1)) >= 1
        assert pools.expire_due([spec], now=deadline + timedelta(seconds=1)) == 0  # exactly once
    sign_in(page, portal, "fr", username=rep)
    visit(page, portal, HOME["fr"], "fr", axe=False)
    wait_text(page, "#deadlines-empty", "Aucune échéance pour le moment.")
    visit(page, portal, f"/fr/etat-du-profil?id={app_id}", "fr", axe=False)
    wait_text(page, "#pool-status", "Invitation expirée")
    assert_accessible(page, "profile status after expiry")
    with portal_db(portal), session_scope() as db:
        bodies = db.exec(select(Message.body_fr).where(Message.application_id == app_id,
                                                       Message.subject_fr.contains("expirée"))).all()
    assert bodies and all("nouveau profil" in b for b in bodies)
