"""Express Entry as a program: the eligibility pages' checks (each test's scale, test date,
NOC code, funds), « Vos résultats » (programs with reasons and references, CRS breakdown),
prefill of the profile, the profile → rules mapping, the PR fees and checklist."""

from __future__ import annotations

import dataclasses

from datetime import date

import pytest

from rar_app.i18n import t
from rar_app.programs import registry
from rar_app.programs.engine import Context, flow, review, validate
from rar_app.programs.express_entry import application, profile, requests as rq

ON = date(2026, 12, 4)


def answers(**over):
    a = {
        "ee_province": {"province": "ON"},
        "ee_language_test": {"test": "ielts"},
        "ee_language_date": {"taken_on": "2026-03-01"},
        "ee_language_results": {"speaking": "7", "listening": "8", "reading": "7", "writing": "7"},
        "ee_second_test": {"test": "none"},
        "ee_canadian_work": {"years": "1", "teer": "1"},
        "ee_foreign_work": {"years": "3", "noc": "21231"},
        "ee_personal": {"date_of_birth": "1995-05-05", "marital_status": "single"},
        "ee_education": {"level": "masters", "canadian": "none", "assessed": "yes"},
        "ee_job_offer": {"has_offer": "no", "authorized": "yes"},
        "ee_nomination": {"nominated": "no", "certificate": "no", "sibling": "no"},
        "ee_funds": {"family_size": "1", "amount": "20000"},
    }
    a.update(over)
    return a


def ee():
    return registry.get("express_entry")


def walk(ans):
    """Validate every step of the flow as the pages would; return the clean answers."""
    ctx = Context(ON, {})
    for ref in [r for r in flow(ee().eligibility, Context(ON, ans)) if r != "review"]:
        clean, problems = validate(ee().eligibility, ref, ans[ref], ctx)
        assert problems == [], (ref, problems)
        ctx.answers[ref] = clean
    return ctx


def messages(problems, lang="fr"):
    # The message itself, without the question's name in front (issue 17: « Question : message »).
    return {p.field: dataclasses.replace(p, label_key="").message(lang, t) for p in problems}


def test_an_eligible_client_sees_programs_reasons_references_and_the_crs_breakdown():
    ctx = walk(answers())
    out = ee().outcome(ctx, "fr")
    assert out.eligible
    assert [title for title, _ in out.results] == [t("express_entry.program_fsw", "fr"), t("express_entry.program_cec", "fr")]
    fst_title, fst_reasons = out.refusals[0]
    assert fst_title == t("express_entry.program_fst", "fr")
    assert all(r.reference for r in fst_reasons) and "métier spécialisé" in fst_reasons[0].text("fr")
    assert out.details[-1] == (t("express_entry.crs_total", "fr"), str(rq.assess(ctx.answers, ON)["crs"]["total"]))
    english = ee().outcome(ctx, "en")
    assert english.details[-1][0] == "Estimated Comprehensive Ranking System (CRS) score"


def test_quebec_is_explained_and_nothing_is_eligible():
    ctx = walk(answers(ee_province={"province": "QC"}))
    out = ee().outcome(ctx, "fr")
    assert not out.eligible and not out.results
    assert all(any("Québec" in r.text("fr") for r in reasons) for _title, reasons in out.refusals)
    assert any("Québec" in a.text("fr") for a in out.advice)


def test_scores_are_checked_against_each_tests_own_scale():
    ctx = walk(answers())
    wiz = ee().eligibility
    _clean, problems = validate(wiz, "ee_language_results", {"speaking": "9.5", "listening": "8", "reading": "7", "writing": "7"}, ctx)
    assert "speaking" in messages(problems) and "IELTS" in messages(problems)["speaking"]
    ctx.answers["ee_language_test"] = {"test": "tef"}
    _clean, problems = validate(wiz, "ee_language_results", {"speaking": "700", "listening": "300", "reading": "300", "writing": "300"}, ctx)
    assert "0 à 699" in messages(problems)["speaking"] and "0 – 699" in messages(problems, "en")["speaking"]
    _clean, problems = validate(wiz, "ee_language_results", {"speaking": "abc", "listening": "300", "reading": "300", "writing": "300"}, ctx)
    assert messages(problems)["speaking"] == t("express_entry.error_score_format", "fr")


def test_the_review_shows_the_clb_each_result_converts_to():
    ctx = walk(answers())
    lines = [ln for ln in review(ee().eligibility, ctx, "en") if ln.step == "ee_language_results"]
    assert lines[0].value == "7 (CLB 9)" and len(lines) == 4


@pytest.mark.parametrize("taken", ["2024-11-30", "2027-01-01"])
def test_a_test_date_must_be_within_two_years_and_not_in_the_future(taken):
    _clean, problems = validate(ee().eligibility, "ee_language_date", {"taken_on": taken}, walk(answers()))
    assert problems and problems[0].field == "taken_on"


def test_unknown_noc_and_funds_below_the_threshold_are_refused_at_the_field():
    ctx = walk(answers())
    _c, problems = validate(ee().eligibility, "ee_foreign_work", {"years": "2", "noc": "99999"}, ctx)
    assert messages(problems)["noc"] == t("express_entry.error_noc_unknown", "fr", code="99999")
    ctx.answers["ee_canadian_work"] = {"years": "0", "teer": ""}
    _c, problems = validate(ee().eligibility, "ee_funds", {"family_size": "2", "amount": "100"}, ctx)
    assert "famille de 2" in messages(problems)["amount"] and "$" in messages(problems, "en")["amount"]
    # Canadian experience (CEC) needs no funds.
    ctx.answers["ee_canadian_work"] = {"years": "1", "teer": "1"}
    assert validate(ee().eligibility, "ee_funds", {"family_size": "2", "amount": "100"}, ctx)[1] == []


def test_second_language_steps_and_spouse_step_appear_when_the_answers_call_for_them():
    refs = flow(ee().eligibility, Context(ON, answers()))
    assert "ee_second_date" not in refs and "ee_spouse" not in refs
    refs = flow(ee().eligibility, Context(ON, answers(
        ee_second_test={"test": "tef"},
        ee_personal={"date_of_birth": "1990-01-01", "marital_status": "married", "spouse_citizen_or_pr": "no",
                     "spouse_accompanying": "yes"})))
    assert {"ee_second_date", "ee_second_results", "ee_spouse"} <= set(refs)


def test_profile_sections_are_prefilled_and_map_back_to_the_same_score():
    ctx = walk(answers())
    prefilled: dict = {}
    for section in ee().profile:
        if section.prefill:
            prefilled.update(section.prefill(ctx.answers))
    assert prefilled["ee_p_details"]["date_of_birth"] == "1995-05-05"
    assert prefilled["ee_l_first"]["test"] == "ielts" and prefilled["ee_m_funds"]["amount"] == "20000"
    before = rq.assess(ctx.answers, ON)["crs"]["total"]
    assert rq.assess(profile.eligibility_shape(prefilled), ON)["crs"]["total"] == before
    # A better test result raises the score.
    prefilled["ee_l_first"] = {**prefilled["ee_l_first"], "speaking": "8", "writing": "8", "reading": "8", "listening": "8.5"}
    assert rq.assess(profile.eligibility_shape(prefilled), ON)["crs"]["total"] > before


def test_pr_fees_are_the_dated_parameters_in_force_with_their_sources():
    ctx = Context(ON, {"pr_family": {"spouse_included": "yes", "children": 1}, "profile": {}})
    lines = application.fees(ctx)
    total = sum(f.amount_cents for f in lines)
    assert total == (950 + 575) * 2 * 100 + 260 * 100 + 170 * 100
    assert all(f.reference for f in lines)
    old = application.fees(Context(date(2023, 1, 1), ctx.answers))
    assert old[0].amount_cents == 85000


def test_the_checklist_follows_the_profile():
    ctx = walk(answers())
    prof = {}
    for section in ee().profile:
        if section.prefill:
            prof.update(section.prefill(ctx.answers))
    codes = [d["code"] for d in application.checklist(Context(ON, {"profile": prof, "pr_family": {"children": 0}}))]
    assert "pr_eca" in codes and "pr_work_reference" in codes and "pr_job_offer_letter" not in codes
    assert "pr_proof_of_funds" not in codes  # Canadian experience: no funds needed


def test_every_question_page_has_a_readable_french_and_english_address():
    """Slugs like the other programs': no step id (« ee_… ») in an address, unique per language."""
    for code in ("express_entry", "express_entry_pr"):
        program = registry.get(code)
        wizards = [w for w in (program.eligibility, program.application) if w] + [s.wizard for s in program.profile]
        for lang in ("fr", "en"):
            paths = [program.path(s.id, lang) for w in wizards for s in w.steps]
            assert len(set(paths)) == len(paths)
            assert all("_" not in p and not p.rsplit("/", 1)[-1].startswith(("ee-", "pr-")) for p in paths), paths
    ee_program = registry.get("express_entry")
    assert ee_program.path("ee_language_results", "fr") == "/fr/entree-express/resultats-de-l-examen-linguistique"
    assert ee_program.path("ee_p_identity", "en") == "/en/express-entry/profile-identity-documents-summary"
