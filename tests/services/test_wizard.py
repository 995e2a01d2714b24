"""The wizard engine on a small questionnaire of its own: flow with repeated and
conditional steps, navigation, reachability, field checks, review lines."""

from __future__ import annotations

from datetime import date

import pytest

from rar_app.programs import engine
from rar_app.programs.engine import Context, Field, Option, Problem, Step, Wizard

ON = date(2026, 6, 1)


def tr(key: str, lang: str, **values) -> str:
    return f"{lang}:{key}" + (f"{values}" if values else "")


def count(ctx: Context) -> int:
    raw = (ctx.answers.get("people") or {}).get("n")
    return int(raw) if str(raw).isdigit() and 1 <= int(raw) <= 5 else 0


def pet_step_applies(ctx: Context, n: int | None) -> bool:
    return (ctx.answers.get(f"person.{n}") or {}).get("has_pet") == "yes"


YES_NO = (Option("yes", "w.yes"), Option("no", "w.no"))
WIZ = Wizard(
    id="demo",
    translate=tr,
    steps=(
        Step("start", "w.start", fields=(Field("ref", "text", "w.ref", max_length=5, pattern=r"[A-Z0-9]+"),)),
        Step("people", "w.people", fields=(Field("n", "number", "w.n", minimum=1, maximum=5),)),
        Step("person", "w.person", repeat=count, fields=(
            Field("born", "date", "w.born"),
            Field("has_pet", "radio", "w.has_pet", options=YES_NO),
            Field("pet_name", "text", "w.pet_name", show_if=("has_pet", "yes")),
        )),
        Step("pet", "w.pet", repeat=count, when=pet_step_applies, fields=(
            Field("kinds", "checkboxes", "w.kinds", required=False,
                  options=lambda ctx, n: [Option("cat", label_fr="chat", label_en="cat"), Option("dog", label_fr="chien", label_en="dog")]),
        )),
        Step("end", "w.end", fields=(Field("ok", "radio", "w.ok", options=YES_NO),),
             check=lambda ctx, clean, i: [] if clean["ok"] == "yes" else [Problem("ok", "w.must_agree")]),
    ),
)


def ctx(**answers) -> Context:
    return Context(on_date=ON, answers={k.replace("_", "."): v for k, v in answers.items()})


def test_flow_interleaves_repeated_steps_and_skips_steps_that_do_not_apply():
    c = ctx(start={"ref": "A1"}, people={"n": "2"}, person_1={"born": "1990-01-01", "has_pet": "yes", "pet_name": "Rex"},
            person_2={"born": "1991-01-01", "has_pet": "no"})
    assert engine.flow(WIZ, c) == ["start", "people", "person.1", "pet.1", "person.2", "end", "review"]
    # Changing an answer changes the flow by itself (the next-step rule is data).
    c.answers["people"] = {"n": "1"}
    assert engine.flow(WIZ, c) == ["start", "people", "person.1", "pet.1", "end", "review"]


def test_navigation_next_previous_and_from_review():
    c = ctx(start={"ref": "A1"}, people={"n": "2"}, person_1={"born": "1990-01-01", "has_pet": "no"},
            person_2={"born": "1991-01-01", "has_pet": "no"}, end={"ok": "yes"})
    assert engine.first_incomplete(WIZ, c) == "review"
    assert engine.next_ref(WIZ, "people", c) == "person.1"
    assert engine.previous_ref(WIZ, "person.1", c) == "people"
    assert engine.previous_ref(WIZ, "start", c) is None
    assert engine.next_ref(WIZ, "person.2", c, from_review=True) == "review"
    # A change from the review that adds a step goes to that step first.
    c.answers["person.2"] = {"born": "1991-01-01", "has_pet": "yes", "pet_name": "Tom"}
    assert engine.next_ref(WIZ, "person.2", c, from_review=True) == "pet.2"  # never answered: shown first
    c.answers["pet.2"] = {"kinds": []}
    assert engine.next_ref(WIZ, "pet.2", c, from_review=True) == "review"
    c.answers["people"] = {"n": "3"}
    assert engine.next_ref(WIZ, "people", c, from_review=True) == "person.3"
    assert engine.progress(WIZ, "person.1", c) == (3, 8)


def test_reachable_only_after_every_earlier_step_is_complete():
    c = ctx(start={"ref": "A1"}, people={"n": "2"})
    assert engine.reachable(WIZ, "start", c) and engine.reachable(WIZ, "people", c)
    assert engine.reachable(WIZ, "person.1", c)
    assert not engine.reachable(WIZ, "person.2", c)
    assert not engine.reachable(WIZ, "review", c)
    assert not engine.reachable(WIZ, "nowhere", c)
    assert engine.first_incomplete(WIZ, c) == "person.1"
    # next never jumps over an incomplete step
    assert engine.next_ref(WIZ, "start", c) == "people"


@pytest.mark.parametrize("ref, raw, field, key", [
    ("start", {"ref": ""}, "ref", "wizard.error_required"),
    ("start", {"ref": "TOOLONG"}, "ref", "wizard.error_too_long"),
    ("start", {"ref": "a-1"}, "ref", "wizard.error_format"),
    ("people", {"n": "x"}, "n", "wizard.error_number"),
    ("people", {"n": "6"}, "n", "wizard.error_range"),
    ("person.1", {"born": "2030-01-01", "has_pet": "no"}, "born", "dates.error_future"),
    ("person.1", {"born": "1990-02-30", "has_pet": "no"}, "born", "dates.error_not_real"),
    ("person.1", {"born-day": "14", "born-month": "13", "born-year": "1990", "has_pet": "no"}, "born",
     "dates.error_month_range"),
    ("person.1", {"born-day": "", "born-month": "", "born-year": "", "has_pet": "no"}, "born", "wizard.error_required"),
    ("person.1", {"born": "1990-02-03", "has_pet": "maybe"}, "has_pet", "wizard.error_choice"),
    ("person.1", {"born": "1990-02-03"}, "has_pet", "wizard.error_choose"),
    ("person.1", {"born": "1990-02-03", "has_pet": "yes"}, "pet_name", "wizard.error_required"),
    ("end", {"ok": "no"}, "ok", "w.must_agree"),
])
def test_field_checks(ref, raw, field, key):
    c = ctx(start={"ref": "A1"}, people={"n": "1"})
    _clean, problems = engine.validate(WIZ, ref, raw, c)
    assert [(p.field, p.key) for p in problems] == [(field, key)]


def test_clean_values_and_hidden_fields_dropped():
    c = ctx(people={"n": "1"})
    clean, problems = engine.validate(WIZ, "person.1", {"born": " 1990-02-03 ", "has_pet": "no", "pet_name": "ghost"}, c)
    assert problems == [] and clean == {"born": "1990-02-03", "has_pet": "no"}
    clean, problems = engine.validate(WIZ, "people", {"n": "3"}, c)
    assert clean == {"n": 3}
    clean, problems = engine.validate(WIZ, "pet.1", {"kinds": ["dog", "cat"]}, c)
    assert clean == {"kinds": ["cat", "dog"]}
    _clean, problems = engine.validate(WIZ, "pet.1", {"kinds": ["cat", "unicorn"]}, c)
    assert [p.key for p in problems] == ["wizard.error_choice"]


def test_review_lines_follow_the_flow_with_option_labels():
    c = ctx(start={"ref": "A1"}, people={"n": "1"}, person_1={"born": "1990-01-01", "has_pet": "yes", "pet_name": "Rex"},
            pet_1={"kinds": ["dog"]}, end={"ok": "yes"})
    lines = engine.review(WIZ, c, "fr")
    assert [(ln.step, ln.field) for ln in lines] == [
        ("start", "ref"), ("people", "n"), ("person.1", "born"), ("person.1", "has_pet"), ("person.1", "pet_name"),
        ("pet.1", "kinds"), ("end", "ok")]
    by_field = {ln.field: ln.value for ln in lines}
    assert by_field["has_pet"] == "fr:w.yes"
    assert by_field["kinds"] == "chien"


def test_refs_and_raw_copy():
    assert engine.parse_ref("client.12") == ("client", 12)
    assert engine.parse_ref("fees") == ("fees", None)
    for bad in ("", "client.0", "Client", "client.x", "a.1.2", "../x"):
        with pytest.raises(ValueError):
            engine.parse_ref(bad)
    kept = engine.raw_copy(WIZ.step("person"), {"born": "19\x00 90", "has_pet": "y" * 500, "evil": "x"})
    assert kept == {"born": "19 90", "has_pet": "y" * 200}
