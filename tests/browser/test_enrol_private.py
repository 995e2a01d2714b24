"""Issue 14, point 7, in a real browser: the enrolment form does not reveal whether a
username exists. Enrolling with a username already in use shows exactly what a new
enrolment shows (nothing is created); the username's owner gets a notice instead."""

from __future__ import annotations

from sqlmodel import select

from tests.browser.conftest import visit
from tests.browser.harness import assert_accessible, portal_db
from tests.browser.test_accounts import (
    PATHS, clear_address_throttle, create_account, fill_enrolment, new_username, submit_enrolment,
)


def _done(page) -> tuple[str, str]:
    page.locator("#enrol-done").wait_for()
    return page.locator("#enrol-done").get_attribute("data-status"), page.locator("#enrol-done").inner_text()


def test_a_taken_username_gets_the_same_answer_as_a_new_one(portal, browser):
    from rar_app.db import session_scope
    from rar_app.models import Account, Message

    clear_address_throttle(portal)
    taken = create_account(portal, "own")
    answers = []
    for lang, username, width in (("fr", new_username("neuf"), 1280), ("fr", taken, 375)):
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        visit(page, portal, PATHS["enrol"][lang], lang, axe=False)
        fill_enrolment(page, username, email=f"{new_username('x')}@example.ca")
        submit_enrolment(page)
        answers.append(_done(page))
        assert page.locator("#error-summary").count() == 0
        assert_accessible(page, f"enrolment done ({username})")
    assert answers[0] == answers[1], "a taken username is answered like a new one"
    with portal_db(portal), session_scope() as db:
        owner = db.exec(select(Account).where(Account.username == taken)).one()
        subjects = [m.subject_en for m in db.exec(select(Message).where(Message.account_id == owner.id))]
        assert "Enrolment attempt with your username" in subjects
        assert len(db.exec(select(Account).where(Account.username == taken)).all()) == 1
