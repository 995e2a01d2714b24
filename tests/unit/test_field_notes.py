"""Live notes under a field (programs.engine: Field.note, Step.note_facts, field_notes), and
Express Entry's: the CLB/NCLC each language-test result converts to (issue 11)."""

from __future__ import annotations

from datetime import date

import pytest

from rar_app.i18n import t
from rar_app.programs import registry
from rar_app.programs.engine import Context, Field, Step, field_notes

ON = date(2026, 12, 5)


def test_only_fields_with_a_note_are_computed_from_the_facts_and_the_typed_value():
    step = Step("s", "x.title", (
        Field("a", "text", "x.a", note=lambda facts, raw, lang: f"{facts['unit']}:{raw}:{lang}"),
        Field("b", "text", "x.b"),
    ), note_facts=lambda ctx, _n: {"unit": ctx.answers["u"]["unit"]})
    facts = step.note_facts(Context(ON, {"u": {"unit": "kg"}}), None)
    assert field_notes(step, facts, {"a": "3", "b": "ignored"}, "fr") == {"a": "kg:3:fr"}
    assert field_notes(step, facts, {}, "en") == {"a": "kg::en"}


def _results_step(which: str = "ee_language_results"):
    return registry.get("express_entry").wizard_of(which)[1].step(which)


def _notes(test: str, values: dict, lang: str = "fr", taken: str = "2026-06-01", which: str = "first"):
    steps = {"first": ("ee_language_test", "ee_language_date", "ee_language_results"),
             "second": ("ee_second_test", "ee_second_date", "ee_second_results")}[which]
    step = _results_step(steps[2])
    ctx = Context(ON, {steps[0]: {"test": test}, steps[1]: {"taken_on": taken}})
    return field_notes(step, step.note_facts(ctx, None), values, lang)


def _level(lang: str, scale: str, level: int) -> str:
    return t("express_entry.level_note", lang, scale=scale, level=level)


def test_ielts_results_show_their_clb_as_typed():
    notes = _notes("ielts", {"speaking": "7", "listening": "8.5", "reading": "6.5", "writing": "6"})
    assert notes == {"speaking": _level("fr", "CLB", 9), "listening": _level("fr", "CLB", 10),
                     "reading": _level("fr", "CLB", 8), "writing": _level("fr", "CLB", 7)}
    assert _notes("ielts", {"listening": "8"}, "en")["listening"] == "Equivalent to CLB 9."


def test_one_result_is_enough_the_others_may_be_blank():
    notes = _notes("celpip", {"speaking": "", "listening": "10", "reading": "", "writing": ""})
    assert notes["listening"] == _level("fr", "CLB", 10) and notes["speaking"] == notes["reading"] == ""


def test_french_tests_give_nclc():
    notes = _notes("tcf", {"speaking": "16", "listening": "", "reading": "", "writing": ""}, "fr")
    assert notes["speaking"].startswith("Équivaut au niveau NCLC ")


@pytest.mark.parametrize("value", ["9.7", "10", "abc", "-1", " "])
def test_a_result_off_the_scale_has_no_note(value):
    assert _notes("ielts", {"speaking": value})["speaking"] == ""


def test_no_note_without_the_test_or_its_date():
    assert _notes("", {"speaking": "7"})["speaking"] == ""
    assert _notes("ielts", {"speaking": "7"}, taken="")["speaking"] == ""


def test_the_second_test_has_its_notes_too():
    assert _notes("tef", {"speaking": "400"}, which="second")["speaking"].startswith("Équivaut au niveau NCLC ")
