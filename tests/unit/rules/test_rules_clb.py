"""Language tables: every boundary of every IRCC equivalency table (CSV row minimum → level; just below → lower)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from rar_app.rules import RulesInputError, clb
from rar_app.rules.params import DATA_DIR

ON = dt.date(2026, 1, 15)
TESTS = {"ielts_general_training": "ielts", "celpip_general": "celpip", "pte_core": "pte_core", "tef_canada": "tef", "tcf_canada": "tcf"}
STEP = {"ielts": 0.5, "celpip": 1, "pte_core": 1, "tef": 1, "tcf": 1}
ABILITIES = ("speaking", "listening", "reading", "writing")


def _rows():
    with (DATA_DIR / "language_test_clb.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _num(test, text):
    return float(text) if test == "ielts" else int(float(text))


def _request(test, row, scores):
    r = {"test": test, **scores}
    if test == "tef":
        r["test_date"] = row["scale_from"] or "2020-01-01"
    return r


ROWS = _rows()


def test_csv_has_42_rows_6_tables():
    assert len(ROWS) == 42


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['test']}-{r['scale_from'] or 'all'}-clb{r['clb']}")
def test_each_row_minimum_gives_its_level_and_one_step_below_does_not(row):
    test = TESTS[row["test"]]
    level = int(row["clb"])
    at = {a: _num(test, row[a]) for a in ABILITIES}
    out = clb(_request(test, row, at), ON)
    assert {a: out[a] for a in ABILITIES} == {a: level for a in ABILITIES}
    below = {a: at[a] - STEP[test] for a in ABILITIES}
    out = clb(_request(test, row, below), ON)
    for a in ABILITIES:
        assert out[a] < level, (a, below[a])
        assert out[a] == (level - 1 if level > 4 else 0)


def test_tef_eras_differ_by_test_date():
    scores = {"speaking": 530, "listening": 530, "reading": 530, "writing": 530}
    old = clb({"test": "tef", "test_date": "2023-12-10", **scores}, ON)  # 2019-2023 scale: 500..532 = NCLC 8
    new = clb({"test": "tef", "test_date": "2023-12-11", **scores}, ON)  # new scale: speaking 518, writing 512 = NCLC 9
    assert [old[a] for a in ABILITIES] == [8, 8, 8, 8]
    assert [new[a] for a in ABILITIES] == [9, 9, 9, 9]


def test_top_scores_cap_at_10_and_scale_names():
    out = clb({"test": "celpip", "speaking": 12, "listening": 11, "reading": 10, "writing": 12}, ON)
    assert [out[a] for a in ABILITIES] == [10, 10, 10, 10] and out["scale"] == "CLB"
    out = clb({"test": "tcf", "speaking": 20, "listening": 699, "reading": 699, "writing": 20}, ON)
    assert out["scale"] == "NCLC" and out["speaking"] == 10


def test_below_lowest_row_gives_zero():
    out = clb({"test": "ielts", "speaking": 3.5, "listening": 4.0, "reading": 3.0, "writing": 3.5}, ON)
    assert [out[a] for a in ABILITIES] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    "req,code,field",
    [
        ({"test": "toefl", "speaking": 1, "listening": 1, "reading": 1, "writing": 1}, "invalid_value", "test"),
        ({"test": "ielts", "speaking": 9.5, "listening": 1, "reading": 1, "writing": 1}, "out_of_range", "speaking"),
        ({"test": "ielts", "speaking": 6.3, "listening": 1, "reading": 1, "writing": 1}, "invalid_value", "speaking"),
        ({"test": "ielts", "listening": 1, "reading": 1, "writing": 1}, "missing_field", "speaking"),
        ({"test": "tef", "speaking": 1, "listening": 1, "reading": 1, "writing": 1}, "missing_field", "test_date"),
        ({"test": "tef", "test_date": "2018-01-01", "speaking": 1, "listening": 1, "reading": 1, "writing": 1}, "out_of_range", "test_date"),
        ({"test": "tcf", "speaking": 21, "listening": 1, "reading": 1, "writing": 1}, "out_of_range", "speaking"),
        ({"test": "celpip", "speaking": 7.0, "listening": 1, "reading": 1, "writing": 1}, "wrong_type", "speaking"),
        ({"test": "celpip", "speaking": True, "listening": 1, "reading": 1, "writing": 1}, "wrong_type", "speaking"),
        ({"test": "celpip", "speaking": 7, "listening": 1, "reading": 1, "writing": 1, "extra": 1}, "unknown_field", "extra"),
    ],
)
def test_bad_input_is_refused(req, code, field):
    with pytest.raises(RulesInputError) as e:
        clb(req, ON)
    assert (e.value.code, e.value.field) == (code, field)
