"""`engine.reading`: inside it each saved step is checked once (a review checked every step two
or three times); the results are the same as without it, callers get their own copies, and
nothing is kept once the scope ends or for answers that are not the saved ones."""

from __future__ import annotations

from datetime import date

from rar_app.i18n import t
from rar_app.programs import engine
from rar_app.programs.engine import Context, Field, Step, Wizard

calls: list[str] = []


def _counting_check(ctx, clean, index):
    calls.append(clean.get("name", ""))
    return []


WIZ = Wizard("w", (Step("who", "wizard.title", fields=(Field("name", "text", "wizard.family_name"),),
                        check=_counting_check),), t)


def test_saved_answers_are_checked_once_inside_reading_and_each_time_outside():
    calls.clear()
    ctx = Context(date(2026, 12, 4), {"who": {"name": "Haddad"}})
    plain = engine.validate(WIZ, "who", ctx.answers["who"], ctx)
    with engine.reading(ctx):
        first = engine.validate(WIZ, "who", ctx.answers["who"], ctx)
        first[0]["name"] = "changed by a caller"
        second = engine.validate(WIZ, "who", ctx.answers["who"], ctx)
        assert engine.is_complete(WIZ, "who", ctx)
    assert second == plain == ({"name": "Haddad"}, [])
    assert calls == ["Haddad", "Haddad"]  # once outside, once for the three checks inside
    assert ctx.checked is None
    engine.validate(WIZ, "who", ctx.answers["who"], ctx)
    assert len(calls) == 3


def test_submitted_values_are_never_taken_from_the_kept_checks():
    ctx = Context(date(2026, 12, 4), {"who": {"name": "Haddad"}})
    with engine.reading(ctx):
        engine.validate(WIZ, "who", ctx.answers["who"], ctx)
        clean, problems = engine.validate(WIZ, "who", {"name": ""}, ctx)
    assert clean == {} and [p.field for p in problems] == ["name"]
