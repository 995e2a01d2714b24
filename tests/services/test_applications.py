"""Applications service: the visitor/study/work questionnaire's rules (who may choose
which fee option, SDS, minors), navigation, drafts saved / resumed / deleted,
restart, the API for signature and submission, and access isolation."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from rar_app import rules
from rar_app.db import session_scope
from rar_app.models import Account, Applicant, Application, AuditEvent, Client
from rar_app.programs.visitor_study_work import fees as vsw_fees, questions as vsw_questions
from rar_app.services.casework import applications as apps
from rar_app.services.casework import submission

ON = date(2026, 6, 1)
SDS_ON = date(2024, 6, 1)  # the Student Direct Stream was open


@pytest.fixture
def reps(migrated_db):
    with session_scope() as db:
        a = Account(role="representative", status="active", username="rep.a")
        b = Account(role="representative", status="active", username="rep.b")
        db.add(a)
        db.add(b)
        db.flush()
        return a.id, b.id


def person(family="Doe", given="Jan", born="1980-04-12", country="MA", kind="visitor_visa", minor="no"):
    return {"family_name": family, "given_names": given, "date_of_birth": born, "country": country,
            "application_type": kind, "minor": minor}


def start(rep: int, file_number="F-1", count=1, on=ON) -> int:
    r = apps.save_step(rep, None, "file_number", {"file_number": file_number}, on_date=on)
    assert r.ok and r.goto == "applicants"
    r = apps.save_step(rep, r.app_id, "applicants", {"count": str(count)}, on_date=on)
    assert r.ok and r.goto == "client.1"
    return r.app_id


def fill_clients(rep: int, app_id: int, people: list[dict], on=ON) -> None:
    for n, p in enumerate(people, start=1):
        r = apps.save_step(rep, app_id, f"client.{n}", p, on_date=on)
        assert r.ok, r.problems
        if r.goto.startswith("sds."):
            r = apps.save_step(rep, app_id, r.goto, {"apply_sds": "no"}, on_date=on)
        assert r.goto == f"documents.{n}"
        r = apps.save_step(rep, app_id, f"documents.{n}", {"documents": []}, on_date=on)
        assert r.ok


def fees(choices: list[tuple[str, str]]) -> dict:
    raw = {}
    for n, (fee, bio) in enumerate(choices, start=1):
        raw[f"fee-{n}"] = fee
        raw[f"bio_needed-{n}"] = "no" if bio == "none" else "yes"
        raw[f"bio-{n}"] = "" if bio == "none" else bio
        if fee == "exempt":  # « Dispensé des frais » needs its reason (issue 14, point 6)
            raw[f"fee_reason-{n}"] = "Statut diplomatique"
    return raw


def family(rep: int) -> int:
    app_id = start(rep, "FAM-1", 4)
    fill_clients(rep, app_id, [person(given="A"), person(given="B"), person(given="C", born="2008-01-01"),
                               person(given="D", born="2018-01-01", minor="yes")])
    return app_id


def problems_of(result) -> dict[str, str]:
    return {p.field: (p.key or p.message_en) for p in result.problems}


# -- creating and saving ----------------------------------------------------------


def test_first_step_creates_an_audited_draft(reps):
    rep, _ = reps
    r = apps.save_step(rep, None, "file_number", {"file_number": ""})
    assert not r.ok and r.app_id is None and problems_of(r) == {"file_number": "wizard.error_file_number_required"}
    r = apps.save_step(rep, None, "file_number", {"file_number": "  DOSSIER 42/B  "}, ip="10.1.2.3")
    assert r.ok and r.goto == "applicants"
    with session_scope() as db:
        app = db.get(Application, r.app_id)
        assert (app.status, app.client_file_number, app.wizard_step, app.representative_id) == ("draft", "DOSSIER 42/B", "applicants", rep)
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "application.created")).one()
        assert (event.actor_id, event.object_id, event.ip) == (rep, str(app.id), "10.1.2.3")


def test_exit_on_the_first_step_keeps_a_typed_number_else_nothing(reps):
    rep, _ = reps
    assert apps.save_step(rep, None, "file_number", {"file_number": ""}, action="exit").app_id is None
    r = apps.save_step(rep, None, "file_number", {"file_number": "Q-9"}, action="exit")
    assert r.ok and r.app_id and r.goto is None
    assert [d.client_file_number for d in apps.list_drafts(rep).rows] == ["Q-9"]


def test_full_family_flow_keeps_applicant_rows_in_step(reps):
    rep, _ = reps
    app_id = family(rep)
    r = apps.save_step(rep, app_id, "fees", fees([("family_rate", "family_rate"), ("family_rate_exempt", "family_rate_exempt"),
                                                  ("family_rate_exempt", "family_rate_exempt"), ("family_rate_exempt", "none")]),
                       on_date=ON)
    assert r.ok and r.goto == "review"
    view = apps.get_application(rep, app_id, on_date=ON)
    assert view.questionnaire_complete and view.status == "draft"
    assert [(a.position, a.given_names, a.fee_option, a.biometrics_option, a.is_minor) for a in view.applicants] == [
        (1, "A", "family_rate", "family_rate", False), (2, "B", "family_rate_exempt", "family_rate_exempt", False),
        (3, "C", "family_rate_exempt", "family_rate_exempt", False), (4, "D", "family_rate_exempt", "none", True)]
    assert "parental_consent" in view.applicants[3].selected_documents
    assert "parental_consent" not in view.applicants[0].selected_documents
    summary = apps.fee_summary(rep, app_id, "en", on_date=ON)
    assert summary["total"] == "670.00"  # 500 family rate + 170 biometric family rate
    assert [w["code"] for w in summary["warnings"]] == ["family_rate_costs_more"]
    assert summary["cheapest"]["total"] == "570.00"


# -- fee rules ------------------------------------------------------------------------


def test_family_rate_is_offered_to_client_1_only_and_only_with_three_people(reps):
    rep, _ = reps
    app_id = family(rep)
    ctx = apps.step_context(rep, app_id, on_date=ON)
    p1, b1 = vsw_fees.fee_choices(ctx, 1)
    p2, b2 = vsw_fees.fee_choices(ctx, 2)
    assert [o.code for o in p1] == ["standard", "family_rate", "exempt"]
    assert [o.code for o in p2] == ["standard", "exempt", "family_rate_exempt"]
    assert [o.code for o in b1] == ["standard", "exempt", "family_rate"]
    assert [o.code for o in b2] == ["standard", "exempt", "family_rate_exempt"]
    # French labels word for word from the guide.
    assert [o.label_fr for o in b2] == ["Données biométriques", "Données biométriques – Dispensé des frais",
                                        "Données biométriques – Tarif familial – Dispensé des frais"]
    # Client 2 cannot pay the family rate: refused on the server whatever the browser sends.
    r = apps.save_step(rep, app_id, "fees", fees([("standard", "standard"), ("family_rate", "standard"),
                                                  ("standard", "standard"), ("standard", "none")]), on_date=ON)
    assert problems_of(r) == {"fee-2": "wizard.error_fee_not_allowed"}
    # Two people: no family rate at all.
    two = start(rep, "PAIR", 2)
    fill_clients(rep, two, [person(), person(given="Bo")])
    p1, b1 = vsw_fees.fee_choices(apps.step_context(rep, two, on_date=ON), 1)
    assert "family_rate" not in [o.code for o in p1] + [o.code for o in b1]


@pytest.mark.parametrize("choices,refused", [
    # Client 1 pays the family rate; it cannot be "covered by" it.
    ([("family_rate_exempt", "family_rate"), ("family_rate_exempt", "family_rate_exempt"),
      ("family_rate_exempt", "family_rate_exempt"), ("family_rate_exempt", "none")], {"fee-1"}),
    ([("family_rate", "family_rate_exempt"), ("family_rate_exempt", "family_rate_exempt"),
      ("family_rate_exempt", "family_rate_exempt"), ("family_rate_exempt", "none")], {"bio-1"}),
    # Only client 1 may pay the biometric family rate.
    ([("family_rate", "family_rate"), ("family_rate_exempt", "family_rate"),
      ("family_rate_exempt", "family_rate_exempt"), ("family_rate_exempt", "none")], {"bio-2"}),
    # Everyone may choose the standard fee or "Dispensé des frais".
    ([("standard", "standard"), ("exempt", "exempt"), ("standard", "exempt"), ("exempt", "none")], set()),
])
def test_who_may_choose_which_fee_option(reps, choices, refused):
    rep, _ = reps
    app_id = family(rep)
    r = apps.save_step(rep, app_id, "fees", fees(choices), on_date=ON)
    assert {f for f, key in problems_of(r).items() if key == "wizard.error_fee_not_allowed"} == refused
    assert r.ok == (not refused)


def test_study_and_work_permits_have_no_processing_family_rate(reps):
    rep, _ = reps
    app_id = start(rep, "MIX", 3)
    fill_clients(rep, app_id, [person(kind="study_permit", country="FR"), person(kind="work_permit"), person()])
    ctx = apps.step_context(rep, app_id, on_date=ON)
    assert [o.code for o in vsw_fees.fee_choices(ctx, 1)[0]] == ["standard", "exempt"]
    assert "family_rate" in [o.code for o in vsw_fees.fee_choices(ctx, 1)[1]]  # biometrics family rate is offered


def test_underpayment_is_refused_overpayment_is_only_a_warning(reps):
    rep, _ = reps
    app_id = family(rep)
    # "Tarif familial – Dispensé des frais" while nobody pays the family rate: underpaid.
    r = apps.save_step(rep, app_id, "fees", fees([("standard", "standard"), ("family_rate_exempt", "standard"),
                                                  ("standard", "standard"), ("standard", "none")]), on_date=ON)
    assert not r.ok and set(problems_of(r)) == {"fee-2"}
    assert "underpaid" in problems_of(r)["fee-2"]
    # Client 1 pays the biometric family rate and client 2 still pays: overpayment, a warning only.
    r = apps.save_step(rep, app_id, "fees", fees([("standard", "family_rate"), ("standard", "standard"),
                                                  ("standard", "family_rate_exempt"), ("standard", "none")]), on_date=ON)
    assert r.ok
    codes = [w["code"] for w in apps.fee_summary(rep, app_id, on_date=ON)["warnings"]]
    assert "family_member_overpays" in codes


def test_fee_step_requires_every_choice(reps):
    rep, _ = reps
    app_id = start(rep, "ONE", 1)
    fill_clients(rep, app_id, [person()])
    r = apps.save_step(rep, app_id, "fees", {"bio_needed-1": "yes"}, on_date=ON)
    assert problems_of(r) == {"fee-1": "wizard.error_fee_required", "bio-1": "wizard.error_bio_required"}
    r = apps.save_step(rep, app_id, "fees", {"fee-1": "standard"}, on_date=ON)
    assert problems_of(r) == {"bio_needed-1": "wizard.error_bio_needed"}


def test_fee_preview_matches_the_rules_engine_and_gives_the_cheapest_choice(reps):
    rep, _ = reps
    app_id = family(rep)
    choices = fees([("family_rate", "family_rate"), ("family_rate_exempt", "family_rate_exempt"),
                    ("family_rate_exempt", "family_rate_exempt"), ("family_rate_exempt", "none")])
    preview = apps.fee_preview(rep, app_id, choices, "fr", on_date=ON)
    expected = rules.fee_summary([
        {"application": "visitor_visa", "fee": "family_rate", "biometrics": "family_rate"},
        {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "family_rate_exempt"},
        {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "family_rate_exempt"},
        {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "none"}], ON, "fr")
    assert preview["summary"] == expected
    assert preview["cheapest"]["fee-1"] == "standard" and preview["cheapest"]["bio-1"] == "family_rate"
    assert preview["cheapest"]["bio_needed-4"] == "no"
    assert preview["rows"][0]["fee_options"][1]["label"] == "Tarif familial"
    assert preview["rows"][0]["fee_options"][1]["amount"] == "500,00\u00a0$"


# -- client details, SDS, documents ----------------------------------------------------


def test_minor_answer_must_agree_with_the_date_of_birth(reps):
    rep, _ = reps
    app_id = start(rep)
    r = apps.save_step(rep, app_id, "client.1", person(born="1990-01-01", minor="yes"), on_date=ON)
    assert problems_of(r) == {"minor": "wizard.error_minor_adult"}
    r = apps.save_step(rep, app_id, "client.1", person(born="2015-01-01", minor="no"), on_date=ON)
    assert problems_of(r) == {"minor": "wizard.error_minor_child"}
    r = apps.save_step(rep, app_id, "client.1", person(born="2007-09-01", minor="yes"), on_date=ON)  # 18: either
    assert r.ok


def test_client_fields_are_checked(reps):
    rep, _ = reps
    app_id = start(rep)
    r = apps.save_step(rep, app_id, "client.1", {"country": "ZZ", "application_type": "tourist", "date_of_birth": "2099-01-01"},
                       on_date=ON)
    assert problems_of(r) == {"family_name": "wizard.error_required", "date_of_birth": "dates.error_future",
                              "country": "wizard.error_choice", "application_type": "wizard.error_choice",
                              "minor": "wizard.error_choose"}


def test_student_direct_stream_questions_only_when_open_for_the_country(reps):
    rep, _ = reps
    app_id = start(rep, "SDS", 1, on=SDS_ON)
    r = apps.save_step(rep, app_id, "client.1", person(kind="study_permit", country="IN", born="2004-01-01"), on_date=SDS_ON)
    assert r.goto == "sds.1"
    r = apps.save_step(rep, app_id, "sds.1", {"apply_sds": "yes", "sds_gic": "yes", "sds_tuition": "no", "sds_language": "yes"},
                       on_date=SDS_ON)
    assert problems_of(r) == {"sds_tuition": "wizard.error_sds_requirement"}
    r = apps.save_step(rep, app_id, "sds.1", {"apply_sds": "yes", "sds_gic": "yes", "sds_tuition": "yes", "sds_language": "yes"},
                       on_date=SDS_ON)
    assert r.ok and r.goto == "documents.1"
    codes = [d["code"] for d in apps.client_checklist(rep, app_id, 1, "en", on_date=SDS_ON)]
    assert {"sds_gic", "sds_tuition_paid", "sds_language_test"} <= set(codes)
    # Same answers once the stream closed, or from a country outside it: no SDS step.
    assert "sds.1" not in apps.resume_ref(rep, app_id, on_date=ON)
    ctx = apps.step_context(rep, app_id, on_date=ON)
    assert not vsw_questions._sds_applies(ctx, 1)
    r = apps.save_step(rep, app_id, "client.1", person(kind="study_permit", country="FR", born="2004-01-01"), on_date=SDS_ON)
    assert r.goto == "documents.1"
    with session_scope() as db:
        assert "sds.1" not in json.loads(db.get(Application, app_id).wizard_data)["answers"]
        assert db.exec(select(Applicant).where(Applicant.application_id == app_id)).one().sds is False


def test_documents_step_offers_only_the_optional_items(reps):
    rep, _ = reps
    app_id = start(rep)
    apps.save_step(rep, app_id, "client.1", person(), on_date=ON)
    items = apps.client_checklist(rep, app_id, 1, "fr", on_date=ON)
    optional = {d["code"] for d in items if not d["required"]}
    options = apps.step_options(rep, app_id, "documents.1", "fr", on_date=ON)["documents"]
    assert {o["code"] for o in options} == optional
    r = apps.save_step(rep, app_id, "documents.1", {"documents": ["passport"]}, on_date=ON)  # required: not a choice
    assert problems_of(r) == {"documents": "wizard.error_choice"}
    r = apps.save_step(rep, app_id, "documents.1", {"documents": sorted(optional)[:1]}, on_date=ON)
    assert r.ok and r.goto == "fees"


# -- navigation, drafts, position -------------------------------------------------------


def test_steps_cannot_be_skipped_and_resume_where_left(reps):
    rep, _ = reps
    app_id = start(rep, "NAV", 2)
    with pytest.raises(apps.Incomplete) as exc:
        apps.open_step(rep, app_id, "fees", on_date=ON)
    assert exc.value.goto == "client.1"
    with pytest.raises(apps.Incomplete):
        apps.save_step(rep, app_id, "client.2", person(), on_date=ON)
    with pytest.raises(apps.Incomplete):
        apps.open_step(rep, app_id, "../../etc", on_date=ON)
    # Précédent keeps what was typed, unchecked; the step stays to be answered.
    r = apps.save_step(rep, app_id, "client.1", {"family_name": "Half", "date_of_birth": "nonsense"}, action="previous", on_date=ON)
    assert r.ok and r.goto == "applicants"
    assert apps.open_step(rep, app_id, "client.1", on_date=ON).values == {"family_name": "Half", "date_of_birth": "nonsense"}
    # Quitter le questionnaire on client 1, then continue from the home page: back on client 1.
    r = apps.save_step(rep, app_id, "client.1", {"family_name": "Halfway"}, action="exit", on_date=ON)
    assert r.ok and r.goto is None
    assert apps.resume_ref(rep, app_id, on_date=ON) == "client.1"
    assert apps.list_drafts(rep).rows[0].resume == "client.1"
    view = apps.open_step(rep, app_id, "client.1", on_date=ON)
    assert view.values["family_name"] == "Halfway" and (view.position, view.previous) == (3, "applicants")


def test_fewer_applicants_drop_the_extra_clients(reps):
    rep, _ = reps
    app_id = family(rep)
    r = apps.save_step(rep, app_id, "applicants", {"count": "2"}, from_review=True, on_date=ON)
    assert r.ok and r.goto == "fees"  # the fees of the smaller family are still to choose
    with session_scope() as db:
        rows = db.exec(select(Applicant).where(Applicant.application_id == app_id)).all()
        assert sorted(a.position for a in rows) == [1, 2]
        assert len(db.exec(select(Client).where(Client.representative_id == rep)).all()) == 2
        answers = json.loads(db.get(Application, app_id).wizard_data)["answers"]
        assert "client.3" not in answers and "documents.4" not in answers


def test_pencil_change_returns_to_the_review(reps):
    rep, _ = reps
    app_id = family(rep)
    apps.save_step(rep, app_id, "fees", fees([("standard", "family_rate"), ("standard", "family_rate_exempt"),
                                             ("standard", "family_rate_exempt"), ("standard", "none")]), on_date=ON)
    r = apps.save_step(rep, app_id, "file_number", {"file_number": "FAM-2"}, from_review=True, on_date=ON)
    assert r.goto == "review"
    assert apps.review(rep, app_id, "fr", on_date=ON).client_file_number == "FAM-2"
    assert apps.search(rep, file_number="fam-2")[0].id == app_id


def test_review_lines_and_total(reps):
    rep, _ = reps
    app_id = family(rep)
    apps.save_step(rep, app_id, "fees", fees([("standard", "family_rate"), ("standard", "family_rate_exempt"),
                                             ("standard", "family_rate_exempt"), ("standard", "none")]), on_date=ON)
    view = apps.review(rep, app_id, "fr", on_date=ON)
    assert view.complete and view.goto == "review"
    assert view.fees["total"] == "570.00"
    steps = {ln.step for ln in view.lines}
    assert {"file_number", "applicants", "client.1", "documents.4", "fees"} <= steps
    assert any(ln.label == "Numéro de dossier de votre client" and ln.value == "FAM-1" for ln in view.lines)
    assert any(ln.group == "Client 4\u00a0: D Doe" and ln.value == "Oui" and ln.field == "minor" for ln in view.lines)


def test_restart_erases_everything(reps):
    rep, _ = reps
    app_id = family(rep)
    apps.restart(rep, app_id, ip="1.1.1.1")
    view = apps.get_application(rep, app_id)
    assert view.applicants == [] and view.client_file_number == "" and not view.questionnaire_complete
    assert apps.resume_ref(rep, app_id) == "file_number"
    with session_scope() as db:
        assert db.exec(select(Client).where(Client.representative_id == rep)).all() == []
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "application.restarted")).one().object_id == str(app_id)


def test_delete_draft_is_audited_and_gone(reps):
    rep, _ = reps
    app_id = family(rep)
    apps.delete_draft(rep, app_id, ip="2.2.2.2")
    with pytest.raises(apps.NotFound):
        apps.get_application(rep, app_id)
    assert apps.list_drafts(rep).total == 0
    with session_scope() as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "application.deleted")).one()
        assert (event.actor_id, event.object_id, json.loads(event.details)["client_file_number"]) == (rep, str(app_id), "FAM-1")
        assert db.exec(select(Applicant)).all() == [] and db.exec(select(Client)).all() == []


def test_drafts_list_pages(reps):
    rep, _ = reps
    ids = [apps.save_step(rep, None, "file_number", {"file_number": f"P-{i}"}).app_id for i in range(12)]
    first = apps.list_drafts(rep, page=1)
    assert (first.total, first.pages, len(first.rows)) == (12, 2, 10)
    assert first.rows[0].id == ids[-1]  # newest change first
    assert all(r.deletable for r in first.rows)
    assert len(apps.list_drafts(rep, page=2).rows) == 2
    assert apps.list_drafts(rep, page=99).page == 2


# -- part B: signature and submission --------------------------------------------------


def test_sign_then_submit(reps):
    rep, _ = reps
    app_id = start(rep, "SOLO", 1)
    with pytest.raises(apps.Incomplete):
        apps.mark_signed(rep, app_id, on_date=ON)
    fill_clients(rep, app_id, [person(kind="study_permit", country="FR", born="2003-01-01")])
    apps.save_step(rep, app_id, "fees", fees([("standard", "standard")]), on_date=ON)
    apps.set_position(rep, app_id, "documents", on_date=ON)
    assert apps.list_drafts(rep).rows[0].resume == "documents"
    checklist = apps.document_checklist(rep, app_id, on_date=ON)
    assert checklist[0]["name"] == "Jan Doe" and "letter_of_acceptance" in [d["code"] for d in checklist[0]["documents"]]
    with pytest.raises(apps.NotEditable):
        apps.mark_submitted(rep, app_id)
    apps.mark_signed(rep, app_id, on_date=ON)
    with pytest.raises(apps.NotEditable):
        apps.save_step(rep, app_id, "file_number", {"file_number": "CHANGED"}, on_date=ON)
    apps.reopen(rep, app_id)
    apps.mark_signed(rep, app_id, on_date=ON)
    view = apps.mark_submitted(rep, app_id)
    assert view.status == "submitted" and view.reference.startswith("RAR") and view.submitted_at
    assert view.applicants[0].application_number.startswith("S") and len(view.applicants[0].application_number) == 10
    # One implementation with part B's submission: Ottawa's date, one audit entry per client, once only.
    assert submission.view(rep, app_id).applicants[0].date_received == submission.ottawa_today()
    with session_scope() as db:
        logged = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.action.like("%.submitted")))]
    assert sorted(logged) == ["applicant.submitted", "application.submitted"]
    with pytest.raises(apps.NotEditable) as again:
        apps.mark_submitted(rep, app_id)
    assert again.value.status == "submitted"
    assert apps.list_drafts(rep).total == 0
    with pytest.raises(apps.NotEditable):
        apps.delete_draft(rep, app_id)


# -- access isolation -----------------------------------------------------------------


def test_another_representative_cannot_read_or_change_a_draft(reps):
    a, b = reps
    app_id = family(a)
    for call in (
        lambda: apps.open_step(b, app_id, "file_number"),
        lambda: apps.save_step(b, app_id, "file_number", {"file_number": "MINE"}),
        lambda: apps.save_step(b, app_id, "client.1", {}, action="exit"),
        lambda: apps.review(b, app_id, "fr"),
        lambda: apps.restart(b, app_id),
        lambda: apps.delete_draft(b, app_id),
        lambda: apps.get_application(b, app_id),
        lambda: apps.document_checklist(b, app_id),
        lambda: apps.fee_preview(b, app_id, {}, "fr"),
        lambda: apps.step_options(b, app_id, "documents.1", "fr"),
        lambda: apps.resume_ref(b, app_id),
        lambda: apps.set_position(b, app_id, "documents"),
        lambda: apps.mark_signed(b, app_id),
        lambda: apps.mark_submitted(b, app_id),
        lambda: apps.open_step(b, 999999, "file_number"),
        lambda: apps.open_step(b, "not-an-id", "file_number"),
    ):
        with pytest.raises(apps.NotFound):
            call()
    assert apps.list_drafts(b).total == 0 and apps.search(b, file_number="FAM") == []
    assert apps.get_application(a, app_id).client_file_number == "FAM-1"
    assert len(apps.get_application(a, app_id).applicants) == 4
