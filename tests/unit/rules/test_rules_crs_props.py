"""Property tests (hypothesis): CRS bounds, caps, monotonicity, lines add up, batch == scalar."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings, strategies as st

from rar_app.rules import crs, crs_batch
from rar_app.rules.common import EDUCATION_LEVELS

DATES = st.sampled_from([dt.date(2015, 6, 1), dt.date(2016, 12, 1), dt.date(2018, 1, 1), dt.date(2021, 1, 1), dt.date(2025, 3, 24), dt.date(2025, 3, 25), dt.date(2026, 1, 15)])
LEVEL = st.integers(0, 12)


def levels(language=None):
    d = st.fixed_dictionaries({"speaking": LEVEL, "listening": LEVEL, "reading": LEVEL, "writing": LEVEL})
    if language is None:
        return d
    return d.map(lambda x: {**x, "language": language})


@st.composite
def profiles(draw):
    first_lang = draw(st.sampled_from(["en", "fr"]))
    p = {
        "age": draw(st.integers(0, 130)),
        "education": draw(st.sampled_from(EDUCATION_LEVELS)),
        "first_language": draw(levels(first_lang)),
    }
    if draw(st.booleans()):
        p["second_language"] = draw(levels("fr" if first_lang == "en" else "en"))
    if draw(st.booleans()):
        p["spouse"] = {
            "education": draw(st.sampled_from(EDUCATION_LEVELS)),
            "language": draw(st.none() | levels()),
            "canadian_work_years": draw(st.integers(0, 80)),
        }
    p["canadian_work_years"] = draw(st.integers(0, 80))
    p["foreign_work_years"] = draw(st.integers(0, 80))
    for k in ("certificate_of_qualification", "provincial_nomination", "sibling_in_canada"):
        p[k] = draw(st.booleans())
    p["canadian_education"] = draw(st.sampled_from(["none", "one_or_two_year", "three_year_or_more"]))
    p["arranged_employment"] = draw(st.sampled_from([None, "noc_00", "teer_0_1_2_3"]))
    return p


@settings(max_examples=120, deadline=None)
@given(profiles(), DATES)
def test_bounds_caps_and_lines_add_up(p, day):
    r = crs(p, day)
    assert 0 <= r["total"] <= 1200
    assert r["core"] <= (460 if p.get("spouse") else 500)
    assert r["spouse"] <= 40 and (r["spouse"] == 0 or p.get("spouse"))
    assert r["transferability"] <= 100
    assert r["additional"] <= 600
    assert r["total"] == r["core"] + r["spouse"] + r["transferability"] + r["additional"]
    for section in ("core", "spouse", "transferability", "additional"):
        assert sum(line["points"] for line in r["lines"] if line["section"] == section) == r[section]
    for line in r["lines"]:
        assert line["explanation_en"] and line["explanation_fr"] and line["reference"]


@settings(max_examples=120, deadline=None)
@given(profiles(), DATES, st.sampled_from(["first_language", "second_language", "spouse"]), st.sampled_from(["speaking", "listening", "reading", "writing"]))
def test_higher_level_never_lowers_the_score(p, day, which, ability):
    target = p.get(which)
    if which == "spouse":
        target = target and target.get("language")
    if not target or target[ability] >= 12:
        return
    before = crs(p, day)["total"]
    target[ability] += 1
    assert crs(p, day)["total"] >= before


@settings(max_examples=60, deadline=None)
@given(profiles(), DATES)
def test_more_experience_or_education_never_lowers_the_score(p, day):
    before = crs(p, day)["total"]
    for key in ("canadian_work_years", "foreign_work_years"):
        if p[key] >= 80:
            continue
        q = {**p, key: p[key] + 1}
        assert crs(q, day)["total"] >= before, key


@settings(max_examples=80, deadline=None)
@given(st.lists(profiles(), min_size=1, max_size=10), DATES)
def test_batch_scorer_gives_identical_totals(ps, day):
    assert crs_batch(ps, day) == [crs(p, day)["total"] for p in ps]
