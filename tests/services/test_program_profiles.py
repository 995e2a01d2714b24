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
    # The first form is prefilled from step 1: « En cours » (guide, Étape 2), yet never opened.
    assert [s.status for s in tasks.sections] == [profiles.IN_PROGRESS, profiles.NOT_STARTED]
    assert [(s.started, s.prefilled) for s in tasks.sections] == [(False, True), (False, False)]
    assert tasks.prefilled
    assert [m.ref for s in tasks.sections for m in s.missing] == ["pt_name", "pt_a", "pt_b"]
    step = apps.open_step(rep, app_id, "pt_name")
    assert step.values == {"family_name": "Prérempli"}  # from eligibility
    assert step.from_eligibility == ("family_name",)  # the page warns before a change and offers « Recommencer »
    assert apps.open_step(rep, app_id, "pt_a").from_eligibility == ()
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
    assert review.from_eligibility == frozenset()  # « Diallo » replaced the answer from step 1
    # A pen from the review comes back to the review.
    assert apps.save_step(rep, app_id, "pt_b", {"given_names": "Awa"}, from_review=True).goto == "review"
    assert apps.get_application(rep, app_id).questionnaire_complete
    with pytest.raises(apps.NotFound):
        profiles.profile(other, app_id, "fr")


def test_checking_the_form_links_each_missing_or_wrong_answer_to_its_question(reps):
    """« Vérifier si le formulaire est bien rempli »: a step never opened is one link (the step);
    a step left with an empty or wrong answer (kept unchecked by « Précédent ») names the
    question and what is wrong, so the link can go to the field itself."""
    rep, _other = reps
    app_id = _start(rep, "no")
    assert apps.save_step(rep, app_id, "pt_a", {"minor": "no"}).goto == "pt_b"
    apps.save_step(rep, app_id, "pt_b", {"given_names": ""}, action="previous")
    missing = [m for s in profiles.profile(rep, app_id, "fr").sections for m in s.missing]
    assert [(m.ref, m.field) for m in missing] == [("pt_name", ""), ("pt_b", "given_names")]
    assert missing[1].problem and missing[1].label


def test_a_draft_cannot_start_in_the_middle(reps):
    rep, _other = reps
    with pytest.raises(apps.NotFound):
        apps.save_step(rep, None, "pt_b", {"given_names": "X"}, kind=CODE)


def test_a_program_without_applicants_or_fee_is_signed_and_submitted_free(migrated_db):
    """tests/programs/tiny.py: one applicant by default, no fee, numbered with its own prefix."""
    from tests.programs import tiny
    from tests.services.test_submission_drafts import ANSWER, make_rep, new_session
    from rar_app.i18n import t
    from rar_app.services.casework import restated, submission

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
        # The Signature page restates the answers and the consent given (generic, every program).
        said = restated.restated(rep, first.app_id, "fr")
        assert ("Essai" in [s.value for s in said.answers]) and len(said.declaration) == 1
        assert said.declaration[0].value == t("submit.agree_yes", "fr")
        assert restated.restated(rep, first.app_id, "en").declaration[0].value == t("submit.agree_yes", "en")
        with pytest.raises(restated.NotFound):
            restated.restated(make_rep("rep.other"), first.app_id, "fr")  # another representative's: not found
        done = submission.submit_free(rep, first.app_id)
        number = done.view.applicants[0].application_number
        assert number and number[0] == "T" and len(number) == 10
    finally:
        registry.unregister(tiny.CODE)


def test_answers_kept_from_step_one_are_marked_and_start_again_erases_everything(reps):
    """An answer that still repeats step 1 is marked on the review and its step; « Recommencer »
    (offered there and on the task list) erases every answer and goes back to the first question."""
    rep, other = reps
    app_id = _start(rep, "no")
    assert apps.save_step(rep, app_id, "pt_name", {"family_name": "Prérempli"}).goto == "profile"
    assert apps.save_step(rep, app_id, "pt_a", {"minor": "no"}).goto == "pt_b"
    assert apps.save_step(rep, app_id, "pt_b", {"given_names": "Awa"}).goto == "profile"
    tasks = profiles.profile(rep, app_id, "fr")
    assert [(s.status, s.started) for s in tasks.sections] == [(profiles.DONE, True), (profiles.DONE, True)]
    assert apps.review(rep, app_id, "fr").from_eligibility == frozenset({("pt_name", "family_name")})
    assert apps.open_step(rep, app_id, "pt_name").from_eligibility == ("family_name",)
    with pytest.raises(apps.NotFound):
        apps.restart(other, app_id)
    apps.restart(rep, app_id)
    with pytest.raises(apps.Incomplete) as exc:
        profiles.profile(rep, app_id, "fr")
    assert exc.value.goto == "pt_adult"
