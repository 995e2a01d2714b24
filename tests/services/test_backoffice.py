"""Back office: the status machine, staff-only actions, notices, document requests,
paper applications and the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Applicant, AuditEvent, Document, DocumentRequest, Message
from rar_app.services.office import backoffice, search
from rar_app.services.office.backoffice import TransitionError
from rar_app.services.office.search import NotFound
from tests.services.test_search_helpers import make_account, make_application, stop_mail_worker  # noqa: F401


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        rep = make_account(db)
        staff = make_account(db, "staff")
        app, applicant, _client, _ = make_application(db, rep, number="V900000010", days_ago=4)
        return dict(rep=rep.id, staff=staff.id, app=app.id, applicant=applicant.id)


def status(applicant_id):
    with session_scope() as db:
        a = db.get(Applicant, applicant_id)
        return a.status, a.processing_step


def act(world, action, **kwargs):
    with session_scope() as db:
        actor = backoffice.staff_actor(db, world["staff"], ip="10.0.0.1")
        return getattr(backoffice, action)(db, actor, world["applicant"], **kwargs)


def test_the_whole_path_and_each_step(world):
    act(world, "request_biometrics")
    assert status(world["applicant"]) == ("biometrics_requested", "biometrics")
    act(world, "record_biometrics", on=date.today())
    assert status(world["applicant"]) == ("in_review", "review")
    act(world, "approve")
    assert status(world["applicant"]) == ("approved", "passport_request")
    act(world, "close", issued_at=date.today())
    assert status(world["applicant"])[0] == "closed"
    with session_scope() as db:
        a = db.get(Applicant, world["applicant"])
        assert a.decision == "approved" and a.issued_at == date.today() and a.issued_document
        history = backoffice.history(db, world["app"])
    actions = [h["action"] for h in history]
    assert actions == ["backoffice.request_biometrics", "backoffice.record_biometrics", "backoffice.approve",
                       "backoffice.close"]
    assert all(h["actor_role"] == "staff" and h["actor"].startswith("staff.") for h in history)


@pytest.mark.parametrize("action, from_status", [
    ("approve", "submitted"), ("record_biometrics", "in_review"), ("close", "in_review"),
    ("resume_review", "in_review"), ("request_biometrics", "closed"), ("refuse", "approved"),
])
def test_transitions_that_do_not_apply_are_refused(world, action, from_status):
    with session_scope() as db:
        db.get(Applicant, world["applicant"]).status = from_status
    with pytest.raises(TransitionError) as exc:
        act(world, action)
    assert exc.value.code == "not_allowed"
    assert status(world["applicant"])[0] == from_status
    with session_scope() as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action.like("backoffice.%"))).first() is None


def test_only_active_staff_may_act(world):
    with session_scope() as db:
        with pytest.raises(NotFound):
            backoffice.staff_actor(db, world["rep"])
        closed = make_account(db, "staff", status="closed")
        with pytest.raises(NotFound):
            backoffice.staff_actor(db, closed.id)
        with pytest.raises(NotFound):
            backoffice.application_detail(db, world["rep"], world["app"])


def test_drafts_and_unknown_ids_are_not_found(world):
    with session_scope() as db:
        rep = db.get(search.Account, world["rep"])
        _app, draft, _c, _ = make_application(db, rep, submitted=False)
        draft_id = draft.id
    for target in (draft_id, 987654, "abc", None):
        with pytest.raises(NotFound):
            with session_scope() as db:
                backoffice.approve(db, backoffice.staff_actor(db, world["staff"]), target)


def test_each_action_tells_the_representative(world):
    act(world, "request_biometrics")
    with session_scope() as db:
        msgs = list(db.exec(select(Message).order_by(Message.id)))
    app_msg, inbox = msgs
    assert app_msg.application_id == world["app"] and app_msg.account_id is None and app_msg.email_status == "none"
    # The e-mail notice is queued (the delivery thread may already have sent it).
    assert inbox.account_id == world["rep"] and inbox.detail == "follow_up" and inbox.email_status in (
        "pending", "sending", "sent")
    assert inbox.category == "visitor_visa" and "V900000010" in inbox.subject_en


def test_documents_request_answer_and_refusal(world):
    act(world, "start_review")
    rid = act(world, "request_documents", label_fr="Lettre", label_en="Letter", note_fr="Signée", note_en="Signed",
              due_on=date.today() + timedelta(days=10))
    rid2 = act(world, "request_documents", label_fr="Photo", label_en="Photo")
    assert status(world["applicant"])[0] == "documents_requested"
    with session_scope() as db:
        with pytest.raises(TransitionError):  # nothing uploaded yet
            backoffice.answer_request(db, world["rep"], rid)
        db.add(Document(owner_id=world["rep"], application_id=world["app"], applicant_id=world["applicant"],
                        slot_code=f"request-{rid}", original_name="l.pdf", storage_key="a" * 40))
        db.flush()
        assert backoffice.answer_request(db, world["rep"], rid) is False  # the photo is still missing
        other = make_account(db)
        with pytest.raises(NotFound):
            backoffice.answer_request(db, other.id, rid2)
    assert status(world["applicant"])[0] == "documents_requested"
    act(world, "refuse", reason_fr="Motif", reason_en="Reason")
    with session_scope() as db:
        reqs = {r.id: r.status for r in db.exec(select(DocumentRequest))}
    assert reqs == {rid: "received", rid2: "cancelled"}
    act(world, "close")
    with session_scope() as db:
        assert db.get(Applicant, world["applicant"]).issued_document == "Lettre de refus"


def test_request_documents_checks_its_fields(world):
    for kwargs, field in (({"label_fr": "", "label_en": "x"}, "label_fr"), ({"label_fr": "x", "label_en": " "}, "label_en"),
                          ({"label_fr": "x", "label_en": "y", "due_on": date.today() - timedelta(days=1)}, "due_on")):
        with pytest.raises(TransitionError) as exc:
            act(world, "request_documents", **kwargs)
        assert exc.value.field == field


def test_dates_cannot_be_in_the_future_or_before_receipt(world):
    act(world, "request_biometrics")
    with pytest.raises(TransitionError):
        act(world, "record_biometrics", on=date.today() + timedelta(days=1))
    with pytest.raises(TransitionError):
        act(world, "record_biometrics", on=date.today() - timedelta(days=30))
    act(world, "record_biometrics", on=date.today())
    act(world, "approve")
    with pytest.raises(TransitionError):
        act(world, "close", issued_at=date.today() + timedelta(days=2))


def test_send_message_and_history(world):
    act(world, "send_message", subject_fr="Bonjour", subject_en="Hello", body_fr="Texte", body_en="Text",
        follow_up=True)
    with pytest.raises(TransitionError):
        act(world, "send_message", subject_fr="", subject_en="Hello", body_fr="x", body_en="y")
    with session_scope() as db:
        inbox = db.exec(select(Message).where(Message.account_id == world["rep"])).one()
        assert (inbox.subject_fr, inbox.body_en, inbox.detail) == ("Bonjour", "Text", "follow_up")
        detail = backoffice.application_detail(db, world["staff"], world["app"])
    assert detail["history"][-1]["action"] == "backoffice.send_message"
    assert detail["applicants"][0]["actions"] == ["request_biometrics", "record_biometrics", "start_review",
                                                  "request_documents"]


def test_paper_application_is_entered_for_linking(world):
    form = backoffice.PaperApplication("study_permit", "Papier", "Paul", date(1990, 1, 1), "00-0000-7777",
                                       date.today() - timedelta(days=1))
    with session_scope() as db:
        actor = backoffice.staff_actor(db, world["staff"])
        applicant = backoffice.enter_paper_application(db, actor, form)
        number, app_id = applicant.application_number, applicant.application_id
    assert number.startswith("S") and len(number) == 10
    with session_scope() as db:
        detail = backoffice.application_detail(db, world["staff"], app_id)
        assert detail["is_paper"] and detail["representative"] == ""
        assert detail["history"][0]["action"] == "backoffice.paper_entered"
    bad = backoffice.PaperApplication("", "", "", None, "12", date.today() + timedelta(days=3))
    assert [f for f, _ in backoffice.paper_errors(bad)] == ["application_type", "family_name", "given_names",
                                                            "date_of_birth", "uci", "date_received"]


def test_advance_walks_to_closed_and_waits_on_documents(world):
    taken = []
    for _ in range(6):
        with session_scope() as db:
            taken.append(backoffice.advance(db, backoffice.SIMULATION, world["applicant"], refuse_share=0))
    assert taken == ["request_biometrics", "record_biometrics", "approve", "close", None, None]
    with session_scope() as db:
        events = list(db.exec(select(AuditEvent).where(AuditEvent.actor_role == "simulation")))
    assert len(events) == 4 and all(e.actor_id is None for e in events)


def test_advance_skips_a_file_another_worker_already_moved(world):
    with session_scope() as db:
        assert backoffice.advance(db, backoffice.SIMULATION, world["applicant"], expected_status="in_review") is None
    assert status(world["applicant"])[0] == "submitted"
