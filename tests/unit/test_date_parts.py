"""Issue 17, point 5: dates typed as three boxes Jour / Mois / Année, checked part by part,
stored as one ISO date; each message names the question and the wrong part."""

from __future__ import annotations

from datetime import date

import pytest

from rar_app import date_parts
from rar_app.i18n import t
from rar_app.programs.engine import Context, Field, Step, Wizard, form_keys, raw_copy, validate

TODAY = date(2026, 12, 4)
WIZ = Wizard("w", (Step("who", "wizard.title", fields=(
    Field("date_of_birth", "date", "wizard.date_of_birth"),
    Field("expiry", "date", "wizard.family_name", required=False, allow_future=True),
)),), t)
CTX = Context(TODAY, {})


def parts(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


@pytest.mark.parametrize("day, month, year, code, part", [
    ("", "3", "1990", "error_missing_day", "day"),
    ("14", "", "1990", "error_missing_month", "month"),
    ("14", "3", "", "error_missing_year", "year"),
    ("32", "3", "1990", "error_day_range", "day"),
    ("0", "3", "1990", "error_day_range", "day"),
    ("x", "3", "1990", "error_day_range", "day"),
    ("14", "13", "1990", "error_month_range", "month"),
    ("14", "3", "90", "error_year_digits", "year"),
    ("14", "3", "0002", "error_year_range", "year"),
    ("31", "4", "1990", "error_not_real", "day"),
    ("29", "2", "2023", "error_not_real", "day"),
    ("5", "12", "2026", "error_future", "day"),
])
def test_each_wrong_part_is_named(day, month, year, code, part):
    d, error = date_parts.parse((day, month, year), today=TODAY, allow_future=False)
    assert d is None and (error.code, error.part) == (code, part)


def test_good_dates_and_nothing_given():
    assert date_parts.parse(("14", "3", "1990"), today=TODAY) == (date(1990, 3, 14), None)
    assert date_parts.parse(("09", "03", "1990")) == (date(1990, 3, 9), None)
    assert date_parts.parse(("29", "2", "2024")) == (date(2024, 2, 29), None)
    assert date_parts.parse(("", " ", "")) == (None, None)
    assert date_parts.parse("1990-03-14") == (date(1990, 3, 14), None)
    assert date_parts.parse("14/03/1990")[1].code == "error_invalid"
    assert date_parts.split("1990-03-04") == {"day": "4", "month": "3", "year": "1990"}
    assert date_parts.split(None) == {"day": "", "month": "", "year": ""}


def test_the_engine_stores_iso_and_names_question_and_part():
    clean, problems = validate(WIZ, "who", parts("date_of_birth", "14", "3", "1990"), CTX)
    assert problems == [] and clean == {"date_of_birth": "1990-03-14", "expiry": ""}
    _clean, problems = validate(WIZ, "who", {**parts("date_of_birth", "14", "13", "1990"),
                                             **parts("expiry", "1", "1", "2031")}, CTX)
    (p,) = problems
    assert (p.field, p.part, p.anchor()) == ("date_of_birth", "month", "date_of_birth-month")
    assert p.message("fr", t) == "Date de naissance\u00a0: le mois doit être entre 1 et 12."
    assert p.message("en", t) == "Date of birth: the month must be between 1 and 12."
    _clean, problems = validate(WIZ, "who", parts("date_of_birth", "", "", ""), CTX)
    assert [(p.field, p.key, p.anchor()) for p in problems] == [("date_of_birth", "wizard.error_required", "date_of_birth")]
    assert date_parts.marked("dates.error_month_range", "month") == ("month",)
    assert date_parts.marked("dates.error_not_real", "day") == ("day", "month", "year")


def test_saved_answers_in_iso_still_validate_and_unfinished_pages_keep_the_boxes():
    clean, problems = validate(WIZ, "who", {"date_of_birth": "1990-03-14"}, CTX)
    assert problems == [] and clean["date_of_birth"] == "1990-03-14"
    step = WIZ.step("who")
    assert form_keys(step)[:3] == ["date_of_birth-day", "date_of_birth-month", "date_of_birth-year"]
    kept = raw_copy(step, parts("date_of_birth", "14", "", "19"))
    assert date_parts.form_values("date_of_birth", kept) == parts("date_of_birth", "14", "", "19")
    assert date_parts.form_values("date_of_birth", {"date_of_birth": "1990-03-14"}) == parts("date_of_birth", "14", "3", "1990")
