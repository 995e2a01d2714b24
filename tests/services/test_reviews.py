"""Staff reviews (issue 14, points 6 and 8): only active staff decide, never their own
request; a refusal needs a note; a refused IMM 5476 leaves the representative in place
and tells the client; every decision is in the audit log; crafted events on the review
page's state from anyone but staff change nothing."""

from __future__ import annotations

import asyncio
import io

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, Application, AuditEvent, Message, StaffReview
from rar_app.pages.backoffice_reviews import ReviewsState
from rar_app.services.casework import linking
from rar_app.services.identity import sessions
from rar_app.services.office import reviews
from rar_app.services.office.search import NotFound
from tests import state_harness
from tests.fixtures.documents.samples import pdf
from tests.services.test_linking import client_world, holder, takeover_form, world  # noqa: F401  (fixtures)
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401


@pytest.fixture
def pending(client_world):
    w = client_world
    assert linking.take_over(w["client"], takeover_form(), "IMM5476.pdf", io.BytesIO(pdf())).outcome == "pending_review"
    with session_scope() as db:
        w["staff"] = make_account(db, "staff").id
        w["review"] = db.exec(select(StaffReview)).one().id
    return w


def _status(review_id):
    with session_scope() as db:
        return db.get(StaffReview, review_id).status


def test_only_staff_decide(pending):
    w = pending
    for who in (w["rep"], w["client"], 999999):
        with pytest.raises(NotFound), session_scope() as db:
            reviews.decide(db, who, w["review"], True)
    with pytest.raises(NotFound), session_scope() as db:
        reviews.decide(db, w["staff"], "not-an-id", True)
    with pytest.raises(NotFound), session_scope() as db:
        reviews.queue(db, w["rep"])
    assert _status(w["review"]) == "open" and holder(w["mine"]) == w["rep"]


def test_refusal_needs_a_note_and_tells_the_client(pending):
    w = pending
    with session_scope() as db, pytest.raises(reviews.ReviewError) as caught:
        reviews.decide(db, w["staff"], w["review"], False, "  ")
    assert caught.value.code == "note_required"
    with session_scope() as db:
        assert reviews.decide(db, w["staff"], w["review"], False, "Signature manquante", ip="10.0.0.5") == "refused"
    assert holder(w["mine"]) == w["rep"], "the representative stays"
    with session_scope() as db, pytest.raises(reviews.ReviewError) as again:
        reviews.decide(db, w["staff"], w["review"], True)
    assert again.value.code == "already_decided"
    with session_scope() as db:
        told = [m.subject_fr for m in db.exec(select(Message).where(Message.account_id == w["client"]))]
        assert any("non accepté" in s for s in told)
        entry = db.exec(select(AuditEvent).where(AuditEvent.action == "review.refused")).one()
        assert entry.actor_id == w["staff"] and entry.ip == "10.0.0.5" and "Signature manquante" in entry.details


def test_staff_cannot_decide_their_own_request(pending):
    w = pending
    with session_scope() as db:
        review = db.get(StaffReview, w["review"])
        review.requested_by_id = w["staff"]
        db.add(review)
    with session_scope() as db, pytest.raises(reviews.ReviewError) as caught:
        reviews.decide(db, w["staff"], w["review"], True)
    assert caught.value.code == "own_request"


def _token(account_id):
    with session_scope() as db:
        return sessions.create(db, db.get(Account, account_id))


@pytest.mark.parametrize("who", ["signed_out", "rep", "client"])
def test_crafted_decisions_on_the_page_state_change_nothing(pending, who):
    w = pending
    token = None if who == "signed_out" else _token(w[who])
    state = state_harness.state(ReviewsState, token=token, path="/fr/arriere-guichet/demandes-a-examiner")

    async def scenario():
        for name in ("approve", "refuse", "download", "load", "next_page", "show"):
            arg = ("open",) if name == "show" else (() if name in ("load", "next_page") else (str(w["review"]),))
            await state_harness.call(state, name, *arg)

    asyncio.run(scenario())
    assert _status(w["review"]) == "open" and state.rows == []
    with session_scope() as db:
        assert db.get(Application, w["mine"]).representative_id == w["rep"]


def test_staff_approve_through_the_page_state(pending):
    w = pending
    state = state_harness.state(ReviewsState, token=_token(w["staff"]), path="/fr/arriere-guichet/demandes-a-examiner")

    async def scenario():
        await state_harness.call(state, "load")
        assert [r["id"] for r in state.rows] == [str(w["review"])]
        await state_harness.call(state, "approve", str(w["review"]))

    asyncio.run(scenario())
    assert _status(w["review"]) == "approved" and holder(w["mine"]) is None
