"""The generic services for programs with eligibility questions and a task-list profile,
driven with a test-only program registered for the test: « Vos résultats » (eligible or
not, with reasons and references), the eligibility gate, the task list's statuses and
missing answers, prefill from the eligibility answers, the review of every section,
and access (another representative sees nothing)."""

from __future__ import annotations

import pytest

from rar_app.db import session_scope
from rar_app.models import Account
from rar_app.programs import registry
from rar_app.services.casework import applications as apps
from rar_app.services.casework import profiles
from tests.programs.tiny_profile import CODE, PROGRAM

@pytest.fixture
def reps(migrated_db):
    registry.register(PROGRAM)
    with session_scope() as db:
        a = Account(role="representative", status="active", username="rep.pa")
        b = Account(role="representative", status="active", username="rep.pb")
        db.add(a)
        db.add(b)
        db.flush()
        ids = a.id, b.id
    yield ids
    registry.unregister(CODE)


def _start(rep, minor):
    r = apps.save_step(rep, None, "pt_adult", {"minor": minor}, kind=CODE)
    assert r.ok and r.goto == "results"
    return r.app_id


def test_results_and_the_gate_when_not_eligible(reps):
    rep, other = reps
    app_id = _start(rep, "yes")
    view = profiles.results(rep, app_id, "fr")
    assert not view.eligible and view.refusals[0].reasons[0].reference == "IRPR s. 0"
    with pytest.raises(apps.Incomplete) as exc:
        apps.open_step(rep, app_id, "pt_name")
    assert exc.value.goto == "results"
    with pytest.raises(apps.Incomplete):
        profiles.profile(rep, app_id, "fr")
    with pytest.raises(apps.NotFound):
        profiles.results(other, app_id, "fr")
    assert apps.resume_ref(rep, app_id) == "results"


def test_task_list_statuses_missing_answers_prefill_and_review(reps):
    rep, other = reps
    app_id = _start(rep, "no")
    view = profiles.results(rep, app_id, "en")
    assert view.eligible and view.next_ref == "profile" and view.results[0].reasons[0].text == "Adult"
    tasks = profiles.profile(rep, app_id, "fr")
    assert [s.status for s in tasks.sections] == [profiles.NOT_STARTED, profiles.NOT_STARTED]
    assert [m.ref for s in tasks.sections for m in s.missing] == ["pt_name", "pt_a", "pt_b"]
    assert apps.open_step(rep, app_id, "pt_name").values == {"family_name": "Prérempli"}  # from eligibility
    assert apps.save_step(rep, app_id, "pt_name", {"family_name": "Diallo"}).goto == "profile"
    assert apps.save_step(rep, app_id, "pt_a", {"minor": "no"}).goto == "pt_b"
    tasks = profiles.profile(rep, app_id, "fr")
    assert [s.status for s in tasks.sections] == [profiles.DONE, profiles.IN_PROGRESS] and not tasks.complete
    assert [m.ref for s in tasks.sections for m in s.missing] == ["pt_b"]
    assert tasks.sections[1].ref == "pt_b"
    assert not apps.review(rep, app_id, "fr").complete
    assert apps.save_step(rep, app_id, "pt_b", {"given_names": "Amina"}).goto == "profile"
    assert profiles.profile(rep, app_id, "fr").complete
    review = apps.review(rep, app_id, "fr")
    assert review.complete and [line.step for line in review.lines] == ["pt_name", "pt_a", "pt_b"]
    # A pen from the review comes back to the review.
    assert apps.save_step(rep, app_id, "pt_b", {"given_names": "Awa"}, from_review=True).goto == "review"
    assert apps.get_application(rep, app_id).questionnaire_complete
    with pytest.raises(apps.NotFound):
        profiles.profile(other, app_id, "fr")


def test_a_draft_cannot_start_in_the_middle(reps):
    rep, _other = reps
    with pytest.raises(apps.NotFound):
        apps.save_step(rep, None, "pt_b", {"given_names": "X"}, kind=CODE)


def test_a_program_without_applicants_or_fee_is_signed_and_submitted_free(migrated_db):
    """tests/programs/tiny.py: one applicant by default, no fee, numbered with its own prefix."""
    from tests.programs import tiny
    from tests.services.test_submission_drafts import ANSWER, make_rep, new_session
    from rar_app.services.casework import submission

    registry.register(tiny.PROGRAM)
    try:
        rep = make_rep()
        first = apps.save_step(rep, None, "tiny_name", {"family_name": "Essai"}, kind=tiny.CODE)
        assert first.goto == "tiny_minor"
        assert apps.save_step(rep, first.app_id, "tiny_minor", {"minor": "no"}).goto == "review"
        view = submission.view(rep, first.app_id)
        assert (len(view.applicants), view.total_cents, view.missing_documents) == (1, 0, [])
        with pytest.raises(submission.SignatureRefused) as refused:
            submission.sign(rep, new_session(rep), first.app_id, consent={"agree": "no"}, given_names="Hélène",
                            family_name="Côté-Lévesque", answer=ANSWER)
        assert refused.value.codes == {"agree": "declaration_refused"}
        submission.sign(rep, new_session(rep), first.app_id, consent={"agree": "yes"}, given_names="Hélène",
                        family_name="Côté-Lévesque", answer=ANSWER)
        done = submission.submit_free(rep, first.app_id)
        number = done.view.applicants[0].application_number
        assert number and number[0] == "T" and len(number) == 10
    finally:
        registry.unregister(tiny.CODE)
