"""Issue 17, point 4: a field's error names its question (« Date de naissance : … »)."""

from __future__ import annotations

from datetime import date

from rar_app.i18n import t
from rar_app.programs.engine import Context, Field, Option, Problem, Step, Wizard, validate

WIZ = Wizard("w", (Step("who", "wizard.title", fields=(
    Field("date_of_birth", "date", "wizard.date_of_birth"),
    Field("minor", "radio", "wizard.minor", options=(Option("yes", "wizard.answer_yes"), Option("no", "wizard.answer_no"))),
    Field("nickname", "text", "wizard.family_name", required=False),
), check=lambda ctx, clean, index: [Problem("minor", "wizard.error_choice")]),), t)
CTX = Context(date(2026, 12, 4), {})


def test_each_message_names_its_question_in_both_languages():
    _clean, problems = validate(WIZ, "who", {}, CTX)
    assert [p.field for p in problems] == ["date_of_birth", "minor"]
    for lang in ("fr", "en"):
        dob, minor = (p.message(lang, t) for p in problems)
        label = t("wizard.date_of_birth", lang).rstrip(" ?:\u00a0")
        assert dob == f"{label}{t('typography.colon', lang)}{t('wizard.error_required', lang)}"
        assert minor.startswith(t("wizard.minor", lang).rstrip(" ?:\u00a0") + t("typography.colon", lang))
    assert problems[0].message("fr", t).startswith(t("wizard.date_of_birth", "fr").rstrip(" ?:\u00a0") + "\u00a0: ")


def test_cross_field_checks_are_named_too():
    _clean, problems = validate(WIZ, "who", {"date_of_birth": "1990-01-02", "minor": "no"}, CTX)
    assert len(problems) == 1 and problems[0].message("en", t).startswith(t("wizard.minor", "en").rstrip(" ?:"))


def test_a_problem_for_something_else_is_left_as_it_is():
    assert Problem("elsewhere", "wizard.error_required").message("fr", t) == t("wizard.error_required", "fr")
