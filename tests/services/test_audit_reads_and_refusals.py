"""Issue 14: every refused access leaves an `access.refused` audit entry — from the service
layer's owner checks (a foreign or unknown id, even when the refusing transaction rolls back)
and from the page guard (a signed-in account of the wrong role) — and staff reads of other
people's files (file view, search, review queue) leave `personal.read` entries."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AuditEvent, StaffReview
from rar_app.services.casework import applications, documents, finish_views
from rar_app.services.identity import sessions
from rar_app.services.office import backoffice_desk, reviews, search
from rar_app.state.questions import QuestionState
from tests import state_harness
from tests.services.test_office_eta_ifhp import IFHP_ANSWERS, make_submitted
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        owner, intruder, staff = make_account(db), make_account(db), make_account(db, "staff")
        app, applicant = make_submitted(db, owner, "ifhp", IFHP_ANSWERS)
        review = StaffReview(kind="representative_removal", application_id=app.id, applicant_id=applicant.id,
                             requested_by_id=owner.id)
        db.add(review)
        db.flush()
        return dict(owner=owner.id, intruder=intruder.id, staff=staff.id, app=app.id,
                    number=applicant.application_number)


def _entries(action: str, actor_id: int) -> list[AuditEvent]:
    with session_scope() as db:
        return list(db.exec(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_id == actor_id)
                            .order_by(AuditEvent.id)))


def _actor(account_id: int, role: str = "representative") -> documents.Actor:
    return documents.Actor(account_id=account_id, role=role, session_id=0)


def test_a_foreign_draft_step_is_refused_and_logged(world):
    with pytest.raises(applications.NotFound):
        applications.open_step(world["intruder"], world["app"], "client")
    [entry] = _entries("access.refused", world["intruder"])
    assert (entry.object_type, entry.object_id) == ("application", str(world["app"]))
    assert json.loads(entry.details)["check"] == "owned"


def test_a_foreign_application_summary_is_refused_and_logged(world):
    with pytest.raises(finish_views.NotFound):
        finish_views.view(world["intruder"], world["app"])
    assert [e.object_id for e in _entries("access.refused", world["intruder"])] == [str(world["app"])]


def test_foreign_and_unknown_documents_are_refused_and_logged(world):
    with pytest.raises(documents.NotFound):
        documents.list_for_application(_actor(world["intruder"]), world["app"])
    with pytest.raises(documents.NotFound):
        documents.remove(_actor(world["intruder"]), 987654)
    found = [(e.object_type, e.object_id) for e in _entries("access.refused", world["intruder"])]
    assert found == [("application", str(world["app"])), ("document", "987654")]


def test_the_owner_is_not_logged_as_refused(world):
    finish_views.view(world["owner"], world["app"])
    assert _entries("access.refused", world["owner"]) == []


def test_a_signed_in_account_of_the_wrong_role_is_refused_by_the_page_guard_and_logged(world):
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, world["staff"]))
    state = state_harness.state(QuestionState, token=token, path="/fr/entree-express/province", query={"id": "1"})
    asyncio.run(state_harness.call(state, "load"))
    [entry] = _entries("access.refused", world["staff"])
    assert entry.object_type == "page" and entry.object_id == "/fr/entree-express/province"
    assert json.loads(entry.details)["needed"] == "representative"


def test_signed_out_visits_are_not_audit_noise(world):
    state = state_harness.state(QuestionState, path="/fr/entree-express/province", query={"id": "1"})
    with session_scope() as db:
        before = len(db.exec(select(AuditEvent)).all())
    asyncio.run(state_harness.call(state, "load"))
    with session_scope() as db:
        assert len(db.exec(select(AuditEvent)).all()) == before


def test_staff_reads_of_files_search_and_review_queue_are_logged(world):
    detail = backoffice_desk.file_detail(world["staff"], str(world["app"]))
    assert detail
    with session_scope() as db:
        page = search.search(db, world["staff"], search.SearchCriteria(application_number=world["number"]))
        assert page.rows
        rows, _more = reviews.queue(db, world["staff"])
        assert rows
    views = [json.loads(e.details).get("view") for e in _entries("personal.read", world["staff"])]
    assert views == ["file", "search", "review_queue"]


def test_a_representative_searching_their_own_files_is_not_a_personal_read(world):
    with session_scope() as db:
        assert search.search(db, world["owner"], search.SearchCriteria(application_number=world["number"])).rows
    assert _entries("personal.read", world["owner"]) == []


def test_staff_asking_for_an_unknown_file_is_logged(world):
    with pytest.raises(Exception):
        backoffice_desk.file_detail(world["staff"], "99999999")
    assert [e.object_id for e in _entries("access.refused", world["staff"])] == ["99999999"]


def test_foreign_pool_profiles_and_messages_are_refused_and_logged(world):
    from rar_app.models import Message
    from rar_app.services.messaging import messages
    from rar_app.services.office import pool_profile

    with session_scope() as db:
        message = Message(account_id=world["owner"], subject_fr="Avis", subject_en="Notice", body_fr="x", body_en="x")
        db.add(message)
        db.flush()
        message_id = message.id
    with pytest.raises(Exception):
        pool_profile.status(world["intruder"], world["app"], "fr")
    with pytest.raises(Exception):
        with session_scope() as db:
            messages.open_message(db, world["intruder"], message_id)
    found = [(e.object_type, e.object_id) for e in _entries("access.refused", world["intruder"])]
    assert found == [("application", str(world["app"])), ("message", str(message_id))]
