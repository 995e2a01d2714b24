"""Issue 17 (also seen): « Étape n de N » keeps the same total from the first page to the
review, whatever the number of clients; plural forms read naturally."""

from __future__ import annotations

from datetime import date

from rar_app.i18n import t, tn
from rar_app.programs import engine, registry
from rar_app.programs.engine import Context

ON = date(2026, 12, 4)


def test_the_total_is_the_same_on_every_page():
    wiz = registry.get("visitor_study_work").application
    empty = Context(ON, {})
    family = Context(ON, {"file_number": {"file_number": "F-1"}, "applicants": {"count": "4"}})
    stages = [engine.stage(wiz, "file_number", empty), engine.stage(wiz, "applicants", empty),
              engine.stage(wiz, "client.1", family), engine.stage(wiz, "client.4", family),
              engine.stage(wiz, "documents.3", family), engine.stage(wiz, "fees", family),
              engine.stage(wiz, "review", family)]
    assert {total for _n, total in stages} == {stages[0][1]}
    assert [n for n, _total in stages] == [1, 2, 3, 3, 4, 5, 6]


def test_plural_forms():
    assert tn("auth.challenge_wrong", "fr", 1, attempts=1).count("1 tentative\u00a0;") == 1
    assert "2 tentatives" in tn("auth.challenge_wrong", "fr", 2, attempts=2)
    assert "1 attempt left" in tn("auth.challenge_wrong", "en", 1, attempts=1)
    assert "(s)" not in t("auth.challenge_wrong", "fr", attempts=2)
