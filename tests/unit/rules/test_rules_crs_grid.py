"""Every cell of the CRS grid, against an independent transcription of IRCC's "CRS criteria" page
(canada.ca … /express-entry/check-score/crs-criteria.html). Pairs are (with spouse, without spouse)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from rar_app.rules import crs, crs_batch
from rules_testlib import lang_levels

ON = dt.date(2026, 1, 15)

AGE = {17: (0, 0), 18: (90, 99), 19: (95, 105), **{a: (100, 110) for a in range(20, 30)}, 30: (95, 105), 31: (90, 99),
       32: (85, 94), 33: (80, 88), 34: (75, 83), 35: (70, 77), 36: (65, 72), 37: (60, 66), 38: (55, 61), 39: (50, 55),
       40: (45, 50), 41: (35, 39), 42: (25, 28), 43: (15, 17), 44: (5, 6), 45: (0, 0), 60: (0, 0), 0: (0, 0)}
EDU = {"less_than_secondary": (0, 0), "secondary": (28, 30), "one_year": (84, 90), "two_year": (91, 98), "bachelors": (112, 120),
       "two_or_more": (119, 128), "masters": (126, 135), "doctoral": (140, 150)}
FIRST = {0: (0, 0), 3: (0, 0), 4: (6, 6), 5: (6, 6), 6: (8, 9), 7: (16, 17), 8: (22, 23), 9: (29, 31), 10: (32, 34), 11: (32, 34), 12: (32, 34)}
SECOND = {0: 0, 4: 0, 5: 1, 6: 1, 7: 3, 8: 3, 9: 6, 10: 6, 12: 6}
CAN_WORK = {0: (0, 0), 1: (35, 40), 2: (46, 53), 3: (56, 64), 4: (63, 72), 5: (70, 80), 9: (70, 80)}
SP_EDU = {"less_than_secondary": 0, "secondary": 2, "one_year": 6, "two_year": 7, "bachelors": 8, "two_or_more": 9, "masters": 10, "doctoral": 10}
SP_LANG = {0: 0, 4: 0, 5: 1, 6: 1, 7: 3, 8: 3, 9: 5, 10: 5, 12: 5}
SP_WORK = {0: 0, 1: 5, 2: 7, 3: 8, 4: 9, 5: 10, 8: 10}
SPOUSE = {"education": "less_than_secondary", "language": None, "canadian_work_years": 0}


def base(**over):
    p = {"age": 17, "education": "less_than_secondary", "first_language": lang_levels(0)}
    p.update(over)
    return p


@pytest.mark.parametrize("age,pts", sorted(AGE.items()))
@pytest.mark.parametrize("spouse", [True, False])
def test_age_cells(age, pts, spouse):
    r = crs(base(age=age, spouse=SPOUSE if spouse else None), ON)
    assert r["core"] == pts[0 if spouse else 1] and r["total"] == r["core"]


@pytest.mark.parametrize("edu,pts", EDU.items())
@pytest.mark.parametrize("spouse", [True, False])
def test_education_cells(edu, pts, spouse):
    r = crs(base(education=edu, spouse=SPOUSE if spouse else None), ON)
    assert r["core"] == pts[0 if spouse else 1]


@pytest.mark.parametrize("level,pts", FIRST.items())
@pytest.mark.parametrize("spouse", [True, False])
@pytest.mark.parametrize("ability", ["speaking", "listening", "reading", "writing"])
def test_first_language_cells(level, pts, spouse, ability):
    fl = lang_levels(0, **{ability: level})
    r = crs(base(first_language=fl, spouse=SPOUSE if spouse else None), ON)
    assert r["core"] == pts[0 if spouse else 1]
    all4 = crs(base(first_language=lang_levels(level), spouse=SPOUSE if spouse else None), ON)
    assert all4["core"] == 4 * pts[0 if spouse else 1]


@pytest.mark.parametrize("level,pts", SECOND.items())
@pytest.mark.parametrize("spouse", [True, False])
def test_second_language_cells_and_caps(level, pts, spouse):
    one = crs(base(second_language=lang_levels(0, "fr", speaking=level), spouse=SPOUSE if spouse else None), ON)
    assert one["core"] == pts
    all4 = crs(base(second_language=lang_levels(level, "fr"), spouse=SPOUSE if spouse else None), ON)
    assert all4["core"] == min(4 * pts, 22 if spouse else 24)


@pytest.mark.parametrize("years,pts", CAN_WORK.items())
@pytest.mark.parametrize("spouse", [True, False])
def test_canadian_work_cells(years, pts, spouse):
    r = crs(base(canadian_work_years=years, spouse=SPOUSE if spouse else None), ON)
    assert r["core"] == pts[0 if spouse else 1] and r["transferability"] == 0


def test_core_maxima():
    best = dict(age=25, education="doctoral", first_language=lang_levels(12), second_language=lang_levels(12, "fr"), canadian_work_years=5)
    assert crs(base(**best), ON)["core"] == 500
    assert crs(base(**best, spouse=SPOUSE), ON)["core"] == 460


@pytest.mark.parametrize("edu,pts", SP_EDU.items())
def test_spouse_education_cells(edu, pts):
    assert crs(base(spouse={**SPOUSE, "education": edu}), ON)["spouse"] == pts


@pytest.mark.parametrize("level,pts", SP_LANG.items())
def test_spouse_language_cells(level, pts):
    assert crs(base(spouse={**SPOUSE, "language": lang_levels(0, None, writing=level)}), ON)["spouse"] == pts
    assert crs(base(spouse={**SPOUSE, "language": lang_levels(level, None)}), ON)["spouse"] == 4 * pts


@pytest.mark.parametrize("years,pts", SP_WORK.items())
def test_spouse_work_cells(years, pts):
    assert crs(base(spouse={**SPOUSE, "canadian_work_years": years}), ON)["spouse"] == pts


def test_spouse_maximum_is_40():
    s = {"education": "doctoral", "language": lang_levels(10, None), "canadian_work_years": 5}
    assert crs(base(spouse=s), ON)["spouse"] == 40


# --- C. skill transferability: the published table, written out -------------------------------------------------
def expected_transferability(edu, m, cw, fw, coq):
    eb = 2 if edu in ("two_or_more", "masters", "doctoral") else 1 if edu in ("one_year", "two_year", "bachelors") else 0
    lb = 2 if m >= 9 else 1 if m >= 7 else 0
    cb = 2 if cw >= 2 else 1 if cw == 1 else 0
    fb = 2 if fw >= 3 else 1 if fw >= 1 else 0
    # Education + language: (CLB 7+, CLB 9+) x (one-year+ credential, two+/graduate)
    edu_lang = {(1, 1): 13, (1, 2): 25, (2, 1): 25, (2, 2): 50}.get((lb, eb), 0)
    edu_cw = {(1, 1): 13, (1, 2): 25, (2, 1): 25, (2, 2): 50}.get((cb, eb), 0)
    fw_lang = {(1, 1): 13, (1, 2): 25, (2, 1): 25, (2, 2): 50}.get((lb, fb), 0)
    fw_cw = {(1, 1): 13, (1, 2): 25, (2, 1): 25, (2, 2): 50}.get((cb, fb), 0)
    q = (50 if m >= 7 else 25 if m >= 5 else 0) if coq else 0
    return min(min(edu_lang + edu_cw, 50) + min(fw_lang + fw_cw, 50) + q, 100)


TRANS_CASES = list(itertools.product(list(EDU), [0, 4, 5, 6, 7, 8, 9, 10, 12], [0, 1, 2, 3], [0, 1, 2, 3, 4], [False, True]))


def test_transferability_every_cell():
    for edu, m, cw, fw, coq in TRANS_CASES:
        p = base(education=edu, first_language=lang_levels(12, speaking=m), canadian_work_years=cw, foreign_work_years=fw, certificate_of_qualification=coq)
        r = crs(p, ON)
        assert r["transferability"] == expected_transferability(edu, m, cw, fw, coq), (edu, m, cw, fw, coq)


def test_transferability_uses_lowest_first_language_ability():
    p = base(education="masters", first_language=lang_levels(10, writing=8), foreign_work_years=3)
    assert crs(p, ON)["transferability"] == 25 + 25  # CLB 7-8 band: 25 (education) + 25 (foreign work)


# --- D. additional points, with their dates ------------------------------------------------------------------
@pytest.mark.parametrize(
    "day,noc00,other",
    [(dt.date(2016, 11, 18), 600, 600), (dt.date(2016, 11, 19), 200, 50), (dt.date(2025, 3, 24), 200, 50), (dt.date(2025, 3, 25), 0, 0), (ON, 0, 0)],
)
def test_arranged_employment_by_date(day, noc00, other):
    assert crs(base(arranged_employment="noc_00"), day)["additional"] == noc00
    assert crs(base(arranged_employment="teer_0_1_2_3"), day)["additional"] == other


@pytest.mark.parametrize(
    "day,low,high", [(dt.date(2017, 6, 5), 0, 0), (dt.date(2017, 6, 6), 15, 30), (dt.date(2020, 10, 26), 15, 30), (dt.date(2020, 10, 27), 25, 50), (ON, 25, 50)]
)
def test_french_points_by_date(day, low, high):
    fr7 = lang_levels(7, "fr")
    assert crs(base(first_language=fr7), day)["additional"] == low
    assert crs(base(first_language=fr7, second_language=lang_levels(4, "en")), day)["additional"] == low
    assert crs(base(first_language=fr7, second_language=lang_levels(5, "en")), day)["additional"] == high
    assert crs(base(first_language=lang_levels(5, "en"), second_language=fr7), day)["additional"] == high
    assert crs(base(first_language=lang_levels(12, "en"), second_language=lang_levels(7, "fr", reading=6)), day)["additional"] == 0
    # mixed English levels: not "CLB 5 or more on all four"
    assert crs(base(first_language=fr7, second_language=lang_levels(9, "en", writing=4)), day)["additional"] == low


@pytest.mark.parametrize("day,sib,ce1,ce3", [(dt.date(2016, 11, 18), 0, 0, 0), (dt.date(2016, 11, 19), 0, 15, 30), (dt.date(2017, 6, 6), 15, 15, 30), (ON, 15, 15, 30)])
def test_sibling_and_canadian_education_by_date(day, sib, ce1, ce3):
    assert crs(base(sibling_in_canada=True), day)["additional"] == sib
    assert crs(base(canadian_education="one_or_two_year"), day)["additional"] == ce1
    assert crs(base(canadian_education="three_year_or_more"), day)["additional"] == ce3


def test_provincial_nomination_and_additional_cap():
    assert crs(base(provincial_nomination=True), ON)["additional"] == 600
    p = base(provincial_nomination=True, sibling_in_canada=True, canadian_education="three_year_or_more", first_language=lang_levels(7, "fr"))
    r = crs(p, ON)
    assert r["additional"] == 600
    assert any(line["factor"] == "cap" and line["points"] < 0 for line in r["lines"])


def test_grid_before_express_entry_has_no_rules():
    from rar_app.rules import RulesInputError

    with pytest.raises(RulesInputError) as e:
        crs(base(), dt.date(2014, 12, 31))
    assert e.value.code == "no_rules_in_force"


@pytest.mark.parametrize(
    "profile,total",
    [
        # 29, bachelor's, CLB 9, 3 years abroad, single: 110+120+124 core, 25+50 transferability
        ({"age": 29, "education": "bachelors", "first_language": lang_levels(9), "foreign_work_years": 3}, 429),
        # same with 1 year in Canada: core +40; transferability education 25+13 = 38, foreign 50 -> 88
        ({"age": 29, "education": "bachelors", "first_language": lang_levels(9), "foreign_work_years": 3, "canadian_work_years": 1}, 110 + 120 + 124 + 40 + 38 + 50),
        # couple: 30, master's, CLB 10; spouse bachelor's CLB 7 no Canadian work
        ({"age": 30, "education": "masters", "first_language": lang_levels(10), "spouse": {"education": "bachelors", "language": lang_levels(7, None), "canadian_work_years": 0}},
         95 + 126 + 128 + (8 + 12) + 50),
    ],
)
def test_worked_examples(profile, total):
    assert crs(profile, ON)["total"] == total
    assert crs_batch([profile], ON) == [total]
