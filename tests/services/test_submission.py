"""Signature, free submission, application numbers, and the read-only rule after submission."""

from __future__ import annotations

import json
import re
import threading
from datetime import date

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Applicant, Application, AuditEvent, AuthSession, Document
from rar_app.services.casework import submission
from rar_app.services.casework.submission import (
    FinishError,
    NotEditable,
    NotFound,
    ReadOnlyApplication,
    SignatureLocked,
    SignatureRefused,
)
from tests.services.test_submission_drafts import ANSWER, make_draft, make_rep, new_session

STUDY = {"given": "Amina", "family": "Diallo", "type": "study_permit", "biometrics": "standard"}


@pytest.fixture
def rep(migrated_db):
    return make_rep()


def _sign(account_id, session_id, app_id, **kw):
    form = {"agree": "yes", "given_names": "Hélène", "family_name": "Côté-Lévesque", "answer": ANSWER}
    form.update(kw)
    return submission.sign(account_id, session_id, app_id, ip="127.0.0.1", **form)


def _actions(object_type=None, object_id=None):
    with session_scope() as db:
        q = select(AuditEvent).order_by(AuditEvent.id)
        if object_type:
            q = q.where(AuditEvent.object_type == object_type)
        if object_id is not None:
            q = q.where(AuditEvent.object_id == str(object_id))
        return [e.action for e in db.exec(q)]


def _exempt_family(rep, n=2):
    people = [{"given": f"Enfant{i}", "family": "Nguyen", "type": "visitor_visa", "fee": "exempt",
               "biometrics": "exempt"} for i in range(n)]
    return make_draft(rep, people)


# --------------------------------------------------------------------------- view


def test_view_lists_clients_checklist_and_fees(rep):
    draft = make_draft(rep, [STUDY], upload=False)
    view = submission.view(rep, draft.application_id)
    (applicant,) = view.applicants
    assert applicant.name == "Amina Diallo" and applicant.type_fr == "Permis d’études"
    assert [i.code for i in applicant.missing_required()][:2] == ["passport", "digital_photo"]
    assert [(ln.item, ln.amount_cents) for ln in view.fee_lines] == [("processing", 15000), ("biometrics", 8500)]
    assert view.total_cents == 23500 and view.amount_due_cents == 23500


def test_checklist_has_the_required_and_the_chosen_documents(rep):
    from rar_app import rules

    optional = [d["code"] for d in rules.required_documents("study_permit") if not d["required"]]
    assert optional, "the study-permit checklist has optional items"
    draft = make_draft(rep, [dict(STUDY, documents=optional[:1])], upload=False)
    (applicant,) = submission.view(rep, draft.application_id).applicants
    codes = [i.code for i in applicant.checklist]
    assert optional[0] in codes and not set(optional[1:]) & set(codes)
    assert [i.code for i in applicant.missing_required()] == [
        d["code"] for d in rules.required_documents("study_permit") if d["required"]]


def test_foreign_unknown_and_junk_ids_are_not_found(rep):
    draft = make_draft(rep, [STUDY])
    other = make_rep("rep.other")
    for account, app_id in ((other, draft.application_id), (rep, 999999), (rep, "1 OR 1=1"), (rep, -1), (rep, None)):
        with pytest.raises(NotFound):
            submission.view(account, app_id)
    with pytest.raises(NotFound):
        submission.sign(other, new_session(other), draft.application_id, agree="yes", given_names="Hélène",
                        family_name="Côté-Lévesque", answer=ANSWER)


# --------------------------------------------------------------------------- signature


def test_sign_compares_names_without_case_or_accents(rep):
    draft = make_draft(rep, [STUDY])
    session_id = new_session(rep)
    view = _sign(rep, session_id, draft.application_id, given_names="  HELENE ", family_name="cote-levesque",
                 answer="  mistigri ")
    assert view.status == "signed" and view.signed_at is not None
    assert _actions("application", draft.application_id)[-2:] == ["application.declaration_accepted",
                                                                  "application.signed"]


def test_sign_reports_every_form_error_at_once(rep):
    draft = make_draft(rep, [STUDY])
    session_id = new_session(rep)
    with pytest.raises(SignatureRefused) as exc:
        _sign(rep, session_id, draft.application_id, agree=None, given_names="", family_name="Tremblay", answer="")
    assert exc.value.codes == {"agree": "agree_required", "given_names": "given_names_required",
                               "family_name": "family_name_mismatch", "answer": "answer_required"}
    with pytest.raises(SignatureRefused) as exc:
        _sign(rep, session_id, draft.application_id, agree="no", given_names="Hélène Marie")
    assert exc.value.codes == {"agree": "declaration_refused", "given_names": "given_names_mismatch"}
    with session_scope() as db:
        assert db.get(Application, draft.application_id).status == "draft"


def test_the_question_stays_the_same_for_the_session(rep):
    draft = make_draft(rep, [STUDY])
    session_id = new_session(rep)
    first = submission.signature_question(rep, session_id, draft.application_id)
    for _ in range(5):
        assert submission.signature_question(rep, session_id, draft.application_id).position == first.position
    assert first.attempts_left == 3 and first.text("fr") == f"Question {first.position}?"


def test_three_wrong_answers_end_the_session(rep):
    draft = make_draft(rep, [STUDY])
    session_id = new_session(rep)
    for left in (2, 1):
        with pytest.raises(SignatureRefused) as exc:
            _sign(rep, session_id, draft.application_id, answer="Felix")
        assert exc.value.codes == {"answer": "answer_wrong"}
        assert exc.value.errors[0].details == {"attempts_left": left}
    assert submission.signature_question(rep, session_id, draft.application_id).attempts_left == 1
    with pytest.raises(SignatureLocked):
        _sign(rep, session_id, draft.application_id, answer="Felix")
    with session_scope() as db:
        row = db.get(AuthSession, session_id)
        assert row.revoked_at is not None
        assert db.get(Application, draft.application_id).status == "draft"
    actions = _actions("application", draft.application_id)
    assert actions.count("application.signature_failed") == 3 and "application.signature_locked" in actions
    with pytest.raises(NotFound):  # the revoked session cannot sign any more
        _sign(rep, session_id, draft.application_id)


def test_a_right_answer_resets_the_count(rep):
    draft = make_draft(rep, [STUDY])
    session_id = new_session(rep)
    for _ in range(2):
        with pytest.raises(SignatureRefused):
            _sign(rep, session_id, draft.application_id, answer="nope")
    _sign(rep, session_id, draft.application_id)
    with session_scope() as db:
        assert db.get(AuthSession, session_id).signature_failures == 0


def test_sign_needs_the_required_documents(rep):
    draft = make_draft(rep, [STUDY], upload=False)
    with pytest.raises(FinishError) as exc:
        _sign(rep, new_session(rep), draft.application_id)
    assert exc.value.code == "documents_missing"


# --------------------------------------------------------------------------- submission


def test_submit_free_submits_once_with_numbers(rep):
    draft = _exempt_family(rep, 3)
    session_id = new_session(rep)
    _sign(rep, session_id, draft.application_id)
    result = submission.submit_free(rep, draft.application_id, ip="127.0.0.1")
    assert not result.replayed and result.view.status == "submitted"
    numbers = [a.application_number for a in result.view.applicants]
    assert all(re.fullmatch(r"V[1-9][0-9]{8}", n) for n in numbers) and len(set(numbers)) == 3
    for a in result.view.applicants:
        assert a.status == "submitted" and a.date_received == submission.ottawa_today()
    with session_scope() as db:
        app = db.get(Application, draft.application_id)
        assert app.status == "submitted" and app.submitted_at is not None
    again = submission.submit_free(rep, draft.application_id)
    assert again.replayed and [a.application_number for a in again.view.applicants] == numbers
    assert _actions("application", draft.application_id).count("application.submitted") == 1
    assert _actions("applicant").count("applicant.submitted") == 3


def test_submit_free_refuses_when_fees_are_due_or_unsigned(rep):
    draft = make_draft(rep, [STUDY])
    with pytest.raises(FinishError) as exc:
        submission.submit_free(rep, draft.application_id)
    assert exc.value.code == "not_signed"
    _sign(rep, new_session(rep), draft.application_id)
    with pytest.raises(FinishError) as exc:
        submission.submit_free(rep, draft.application_id)
    assert exc.value.code == "payment_required"
    with session_scope() as db:
        assert db.get(Application, draft.application_id).status == "signed", "the claim was rolled back"


def test_concurrent_free_submissions_submit_once(rep):
    draft = _exempt_family(rep, 2)
    _sign(rep, new_session(rep), draft.application_id)
    results, errors = [], []
    barrier = threading.Barrier(6)

    def go():
        barrier.wait()
        try:
            results.append(submission.submit_free(rep, draft.application_id))
        except FinishError as exc:  # "payment_in_progress" while another thread holds the claim
            errors.append(exc.code)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.replayed for r in results].count(False) == 1
    assert set(errors) <= {"payment_in_progress"}
    assert _actions("application", draft.application_id).count("application.submitted") == 1


def test_application_numbers_by_line_of_business(rep):
    draft = make_draft(rep, [{"type": "visitor_visa", "fee": "exempt"}, {"type": "study_permit", "fee": "exempt"},
                             {"type": "work_permit", "fee": "exempt"}, {"type": "open_work_permit", "fee": "exempt"}])
    _sign(rep, new_session(rep), draft.application_id)
    view = submission.view(rep, draft.application_id)
    if view.total_cents:
        pytest.skip("open work permit holder fee due: covered by the payment tests")
    result = submission.submit_free(rep, draft.application_id)
    assert [a.application_number[0] for a in result.view.applicants] == ["V", "S", "W", "W"]


def test_application_numbers_are_unique_even_when_random_collides(rep, monkeypatch):
    draft = make_draft(rep, [STUDY])
    with session_scope() as db:
        db.get(Applicant, draft.applicant_ids[0]).application_number = "S123456789"
    values = iter([23456789, 23456789, 98765432, 98765432, 11111111])
    monkeypatch.setattr(submission.secrets, "randbelow", lambda _n: next(values))
    with session_scope() as db:
        taken: set[str] = set()
        first = submission.new_application_number(db, "study_permit", taken)
        second = submission.new_application_number(db, "study_permit", taken)
    assert (first, second) == ("S198765432", "S111111111")
    monkeypatch.undo()
    with session_scope() as db:
        taken = set()
        numbers = [submission.new_application_number(db, "visitor_visa", taken) for _ in range(3000)]
    assert len(set(numbers)) == 3000
    assert all(submission.APPLICATION_NUMBER_RE.fullmatch(n) for n in numbers)


def test_unknown_line_of_business_is_refused():
    with pytest.raises(FinishError):
        submission.line_of_business("eta")


# --------------------------------------------------------------------------- read-only


def _submitted(rep):
    draft = _exempt_family(rep, 2)
    _sign(rep, new_session(rep), draft.application_id)
    submission.submit_free(rep, draft.application_id)
    return draft


@pytest.mark.parametrize("change", [
    lambda db, d: setattr(db.get(Applicant, d.applicant_ids[0]), "fee_option", "standard"),
    lambda db, d: setattr(db.get(Applicant, d.applicant_ids[1]), "application_number", "V100000000"),
    lambda db, d: setattr(db.get(Applicant, d.applicant_ids[0]), "application_type", "study_permit"),
    lambda db, d: setattr(db.get(Application, d.application_id), "wizard_data", '{"x": 1}'),
    lambda db, d: setattr(db.get(Application, d.application_id), "client_file_number", "AUTRE"),
    lambda db, d: db.add(Applicant(application_id=d.application_id, position=3)),
    lambda db, d: db.delete(db.get(Applicant, d.applicant_ids[1])),
])
def test_submitted_application_is_read_only(rep, change):
    draft = _submitted(rep)
    with pytest.raises(ReadOnlyApplication):
        with session_scope() as db:
            change(db, draft)
    view = submission.view(rep, draft.application_id)
    assert view.status == "submitted" and len(view.applicants) == 2
    assert all(a.fee_option == "exempt" for a in view.applicants)


def test_processing_fields_stay_writable_after_submission(rep):
    draft = _submitted(rep)
    with session_scope() as db:
        a = db.get(Applicant, draft.applicant_ids[0])
        a.processing_step = "review"
        a.biometrics_status = "requested"
        a.status = "in_process"
        db.get(Application, draft.application_id).updated_at = submission.utcnow()
    with session_scope() as db:
        assert db.get(Applicant, draft.applicant_ids[0]).processing_step == "review"


def test_services_refuse_changes_after_submission(rep):
    draft = _submitted(rep)
    with pytest.raises(NotEditable):
        _sign(rep, new_session(rep), draft.application_id)
    with session_scope() as db:
        with pytest.raises(NotEditable):
            submission.ensure_editable(db.get(Application, draft.application_id))
    # documents of a draft are still free to change; the guard only covers application content
    with session_scope() as db:
        assert db.exec(select(Document).where(Document.application_id == draft.application_id)).first()


def test_drafts_are_not_guarded(rep):
    draft = make_draft(rep, [STUDY])
    with session_scope() as db:
        db.get(Applicant, draft.applicant_ids[0]).fee_option = "exempt"
        db.get(Application, draft.application_id).wizard_data = "{}"
        db.add(Applicant(application_id=draft.application_id, position=2))
    assert len(submission.view(rep, draft.application_id).applicants) == 2


def test_money_formats():
    assert submission.money(23500, "fr") == "235,00\u00a0$"
    assert submission.money(23500, "en") == "$235.00"
    assert submission.money(123456789, "fr") == "1\u00a0234\u00a0567,89\u00a0$"
    assert submission.money(0, "en") == "$0.00"


def test_ottawa_today_is_a_date():
    assert isinstance(submission.ottawa_today(), date)


def test_the_submitting_transaction_may_flush_midway(rep):
    """Status changed and flushed (autoflush before a query), then the applicants: allowed,
    because the application was not submitted when the transaction read it."""
    draft = _exempt_family(rep, 2)
    _sign(rep, new_session(rep), draft.application_id)
    with session_scope() as db:
        app = db.get(Application, draft.application_id)
        app.status = "submitted"
        db.flush()
        db.get(Applicant, draft.applicant_ids[0]).application_number = "V123123123"
    with pytest.raises(ReadOnlyApplication):  # the next transaction sees it submitted
        with session_scope() as db:
            db.get(Applicant, draft.applicant_ids[1]).application_number = "V321321321"


def test_an_application_created_submitted_can_be_completed_in_its_transaction(rep):
    with session_scope() as db:
        app = Application(representative_id=rep, status="submitted", is_paper=True)
        db.add(app)
        db.flush()
        db.add(Applicant(application_id=app.id, position=1, application_number="W555555555", status="submitted"))
        app_id = app.id
    with pytest.raises(ReadOnlyApplication):
        with session_scope() as db:
            db.add(Applicant(application_id=app_id, position=2))
    with session_scope() as db:  # linking: who holds the file may change
        db.get(Application, app_id).representative_id = None
