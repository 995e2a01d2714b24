"""Federal Skilled Worker grid (every cell) and the Express Entry program minimums."""

from __future__ import annotations

import datetime as dt

import pytest

from rar_app.rules import RulesInputError, fsw, programs
from rules_testlib import lang_levels

ON = dt.date(2026, 1, 15)
AGE = {17: 0, 18: 12, 25: 12, 35: 12, 36: 11, 37: 10, 38: 9, 39: 8, 40: 7, 41: 6, 42: 5, 43: 4, 44: 3, 45: 2, 46: 1, 47: 0, 60: 0}
EDU = {"less_than_secondary": 0, "secondary": 5, "one_year": 15, "two_year": 19, "bachelors": 21, "two_or_more": 22, "masters": 23, "doctoral": 25}
EXP = {0: 0, 1: 9, 2: 11, 3: 11, 4: 13, 5: 13, 6: 15, 10: 15}
FIRST = {4: 0, 6: 0, 7: 4, 8: 5, 9: 6, 10: 6, 12: 6}


def g(**over):
    r = {"age": 60, "education": "less_than_secondary", "first_language": lang_levels(0)}
    r.update(over)
    return r


@pytest.mark.parametrize("age,pts", AGE.items())
def test_age(age, pts):
    assert fsw(g(age=age), ON)["points"] == pts


@pytest.mark.parametrize("edu,pts", EDU.items())
def test_education(edu, pts):
    assert fsw(g(education=edu), ON)["points"] == pts


@pytest.mark.parametrize("years,pts", EXP.items())
def test_experience(years, pts):
    assert fsw(g(skilled_work_years=years), ON)["points"] == pts


@pytest.mark.parametrize("level,pts", FIRST.items())
def test_first_language(level, pts):
    assert fsw(g(first_language=lang_levels(level)), ON)["points"] == 4 * pts
    assert fsw(g(first_language=lang_levels(0, reading=level)), ON)["points"] == pts


def test_second_language_needs_clb5_on_all_four():
    assert fsw(g(second_language=lang_levels(5, "fr")), ON)["points"] == 4
    assert fsw(g(second_language=lang_levels(5, "fr", writing=4)), ON)["points"] == 0


def test_arranged_employment_and_adaptability_cap():
    assert fsw(g(arranged_employment=True), ON)["points"] == 10
    ad = {k: True for k in ("spouse_language_clb4", "own_study_in_canada", "spouse_study_in_canada", "own_work_in_canada", "spouse_work_in_canada", "arranged_employment", "relative_in_canada")}
    r = fsw(g(adaptability=ad), ON)
    assert r["points"] == 10 and r["adaptability"] == 10
    assert fsw(g(adaptability={"relative_in_canada": True}), ON)["points"] == 5
    assert fsw(g(adaptability={"own_work_in_canada": True}), ON)["points"] == 10


def test_maximum_and_pass_mark():
    best = g(age=30, education="doctoral", first_language=lang_levels(10), second_language=lang_levels(9, "fr"), skilled_work_years=6,
             arranged_employment=True, adaptability={"own_work_in_canada": True})
    r = fsw(best, ON)
    assert r["points"] == 100 and r["passes"] and r["pass_mark"] == 67
    r = fsw(g(age=30, education="bachelors", first_language=lang_levels(9), skilled_work_years=3), ON)
    assert r["points"] == 12 + 21 + 24 + 11 == 68 and r["passes"]
    r = fsw(g(age=30, education="bachelors", first_language=lang_levels(8), skilled_work_years=2), ON)
    assert r["points"] == 12 + 21 + 20 + 11 == 64 and not r["passes"]
    assert sum(ln["points"] for ln in r["lines"]) == r["points"]


# --- programs --------------------------------------------------------------------------------------------------
def worker(**over):
    r = {
        "age": 30,
        "education": "bachelors",
        "first_language": lang_levels(9),
        "work_history": [{"noc": "21231", "country": "IN", "start": "2021-01-01", "end": "2025-12-31", "hours_per_week": 40}],
        "settlement_funds": 20000,
        "education_assessed": True,
    }
    r.update(over)
    return r


def status(out):
    return {p["program"]: (p["eligible"], sorted(x["code"] for x in p["reasons"])) for p in out["programs"]}


def test_fsw_eligible_foreign_worker():
    s = status(programs(worker(), ON))
    assert s["fsw"] == (True, ["meets_minimum_requirements"])
    assert s["cec"][0] is False and s["fst"][0] is False


def test_fsw_reasons():
    s = status(programs(worker(first_language=lang_levels(6), settlement_funds=1000, education_assessed=False), ON))
    assert s["fsw"][0] is False
    assert {"language_below_minimum", "insufficient_funds", "education_not_assessed", "points_below_pass_mark"} <= set(s["fsw"][1])


def test_funds_by_date_and_family_size():
    # 15,263 for one person since 2025-07-07; 14,690 before
    assert status(programs(worker(settlement_funds=15000), ON))["fsw"][1] == ["insufficient_funds"]
    assert status(programs(worker(settlement_funds=15000), dt.date(2025, 7, 6)))["fsw"][0] is True
    out = programs(worker(settlement_funds=15263, family_size=9), ON)
    fsw_r = [p for p in out["programs"] if p["program"] == "fsw"][0]
    assert fsw_r["reasons"][0]["required"] == 40392 + 2 * 4112


def test_cec_canadian_experience_and_language_by_teer():
    work = [{"noc": "21231", "country": "CA", "start": "2024-06-01", "end": "2025-12-31", "hours_per_week": 30}]
    s = status(programs(worker(work_history=work, first_language=lang_levels(7)), ON))
    assert s["cec"] == (True, ["meets_minimum_requirements"])
    s = status(programs(worker(work_history=work, first_language=lang_levels(6)), ON))
    assert s["cec"] == (False, ["language_below_minimum"])
    teer3 = [{**work[0], "noc": "63200"}]  # cooks: TEER 3
    assert status(programs(worker(work_history=teer3, first_language=lang_levels(5)), ON))["cec"][0] is True
    # self-employment, student work and old work do not count
    for bad in ({"self_employed": True}, {"while_full_time_student": True}, {"start": "2019-01-01", "end": "2021-12-31"}):
        s = status(programs(worker(work_history=[{**work[0], **bad}]), ON))
        assert s["cec"] == (False, ["insufficient_canadian_work_experience"])


def test_part_time_and_30_hour_cap():
    half = [{"noc": "21231", "country": "CA", "start": "2025-01-16", "end": "2026-01-15", "hours_per_week": 60}]
    out = programs(worker(work_history=half), ON)
    assert out["counted"]["cec_canadian_hours"] == pytest.approx(1565, abs=5)  # one year at the 30 h cap
    part = [{"noc": "21231", "country": "CA", "start": "2025-01-16", "end": "2026-01-15", "hours_per_week": 15}]
    assert status(programs(worker(work_history=part), ON))["cec"][0] is False


def test_fst_trade():
    work = [{"noc": "72200", "country": "PH", "start": "2022-01-01", "end": "2025-12-31", "hours_per_week": 40}]  # electricians
    base = worker(work_history=work, first_language=lang_levels(5, reading=4, writing=4), settlement_funds=20000)
    s = status(programs(base, ON))
    assert s["fst"] == (False, ["no_job_offer_or_certificate"])
    s = status(programs({**base, "certificate_of_qualification": True}, ON))
    assert s["fst"] == (True, ["meets_minimum_requirements"])
    offer = {"noc": "72200", "full_time": True, "non_seasonal": True, "duration_years": 1, "lmia_or_exempt": True}
    s = status(programs({**base, "job_offer": offer, "authorized_to_work_in_canada": True, "settlement_funds": 0}, ON))
    assert s["fst"] == (True, ["meets_minimum_requirements"])
    s = status(programs({**base, "certificate_of_qualification": True, "first_language": lang_levels(4)}, ON))
    assert "language_below_minimum" in s["fst"][1]
    # aircraft assemblers (sub-major group 932) are not a skilled trade
    s = status(programs({**base, "work_history": [{**work[0], "noc": "93200"}], "certificate_of_qualification": True}, ON))
    assert s["fst"][1] == ["insufficient_trade_experience"]


def test_quebec_excluded():
    s = status(programs(worker(intends_to_live_in_quebec=True), ON))
    assert "intends_to_live_in_quebec" in s["fsw"][1]


@pytest.mark.parametrize(
    "over,code,field",
    [
        ({"work_history": [{"noc": "99999", "country": "CA", "start": "2020-01-01"}]}, "invalid_value", "work_history[0].noc"),
        ({"work_history": [{"noc": "21231", "country": "CA"}]}, "missing_field", "work_history[0].start"),
        ({"work_history": [{"noc": "21231", "country": "CA", "start": "2020-01-01", "end": "2019-01-01"}]}, "invalid_value", "work_history[0].end"),
        ({"work_history": [{"noc": "21231", "country": "Canada", "start": "2020-01-01"}]}, "invalid_value", "work_history[0].country"),
        ({"settlement_funds": -1}, "out_of_range", "settlement_funds"),
        ({"job_offer": {"noc": "21231", "salary": 1}}, "unknown_field", "job_offer.salary"),
    ],
)
def test_programs_bad_input(over, code, field):
    with pytest.raises(RulesInputError) as e:
        programs(worker(**over), ON)
    assert (e.value.code, e.value.field) == (code, field)
