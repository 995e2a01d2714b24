"""What a question step's on_load shows, reading the draft once: `applications.open_step`'s
view (same checks and exceptions), `step_views.step_options` and, for a repeated step,
`step_views.step_heading` — one transaction instead of three on every step's load."""

from __future__ import annotations

from typing import Any

from rar_app.db import session_scope
from rar_app.programs import engine
from rar_app.services.casework.answers import wizard_of
from rar_app.services.casework.applications import StepView, open_in
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
