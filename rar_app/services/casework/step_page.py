"""The question step's two hot paths, reading the draft once and as a plain row
(`answers.owned_view`: same scoping, no ORM object):

- `step_page`, what a step's on_load shows: `applications.open_step`'s view (same checks
  and exceptions), `step_views.step_options` and, for a repeated step,
  `step_views.step_heading` — one transaction instead of three;
- `check_step`, « Suivant »'s answers checked before anything is locked or written: with
  problems the page says them at once; without, `applications.save_step` takes the draft's
  lock and keeps the clean values if the draft has not changed meanwhile."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from rar_app.db import session_scope
from rar_app.programs import engine
from rar_app.services.casework.answers import (
    EDITABLE,
    Checked,
    context,
    NotEditable,
    owned_row,
    program_of,
    wizard_of,
)
from rar_app.services.casework.applications import check_values, open_in, StepView
from rar_app.services.casework.step_views import options_of


def step_page(account_id: int, app_id: Any, ref: str, lang: str) -> tuple[StepView, dict[str, list[dict]], str, dict]:
    """(view, {field: [{code, label, help}]}, heading of a repeated step's instance or "",
    what its fields' live notes need from the other answers)."""
    with session_scope() as db:
        view, app, ctx = open_in(db, account_id, app_id, ref)
        step_id, index = engine.parse_ref(ref)
        wiz = wizard_of(app, step_id)
    step = wiz.step(step_id)
    heading = step.group(ctx, index, lang) if index and step.group else ""
    facts = step.note_facts(ctx, index) if step.note_facts else {}
    return view, options_of(wiz, step_id, index, ctx, lang), heading, facts


def check_step(account_id: int, app_id: Any, ref: str, raw: Mapping[str, Any], *,
               on_date: date | None = None) -> Checked:
    """« Suivant »: the answers `raw` of step `ref` checked against the saved draft (NotFound
    and NotEditable as `save_step`). Nothing is written."""
    app = owned_row(account_id, app_id)
    if app.status not in EDITABLE:
        raise NotEditable(app.status)
    ctx = context(app, on_date)
    if ref == engine.REVIEW:  # nothing to check: `save_step` sends the review on
        return Checked(app.updated_at, ctx.on_date)
    clean, problems = check_values(program_of(app), ref, raw, ctx)
    return Checked(app.updated_at, ctx.on_date, tuple(problems), None if problems else clean)
