"""What the question pages show besides the saved values, for any program: choices that
depend on the rules or other answers, headings of repeated steps, and the data of a
step's shared widget (`Step.widget`, fed by the program's `step_panels`). No Reflex here;
every function checks ownership through `answers.owned_view` (read-only)."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from rar_app import rules
from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.programs import engine
from rar_app.programs.countries import country_field_options
from rar_app.services.casework.answers import NotFound
from rar_app.services.casework.answers import context as _ctx
from rar_app.services.casework.answers import on_date as _on_date
from rar_app.services.casework.answers import owned_view as _owned
from rar_app.services.casework.answers import program_of as _program
from rar_app.services.casework.answers import wizard_of as _wizard


def step_options(account_id: int, app_id: Any, ref: str, lang: str, *, on_date: date | None = None) -> dict[str, list[dict]]:
    """Choices of the step's fields that depend on the rules or on other answers:
    ``{field: [{code, label, help}]}`` in `lang` (static choices are in the page)."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        step_id, index = engine.parse_ref(ref)
        wiz = _wizard(app, step_id)
        ctx = _ctx(app, on_date)
    return options_of(wiz, step_id, index, ctx, lang)


def options_of(wiz: engine.Wizard, step_id: str, index: int | None, ctx: engine.Context, lang: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in wiz.step(step_id).fields:
        if callable(f.options) and f.options is not country_field_options:  # the country list is in the page
            out[f.name] = [{"code": o.code, "label": o.label(lang, t), "help": o.help_fr if lang == "fr" else o.help_en}
                           for o in f.choices(ctx, index)]
    return out


def application_type_options(lang: str, *, on_date: date | None = None) -> list[dict]:
    return [{"code": x["code"], "label": x["label_fr" if lang == "fr" else "label_en"]}
            for x in rules.application_types(_on_date(on_date))]


def step_heading(account_id: int, app_id: Any, ref: str, lang: str) -> str:
    """The heading of a repeated step's instance (« Client 2 : Ana Silva »), from the step's `group`."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        step_id, index = engine.parse_ref(ref)
        wiz, ctx = _wizard(app, step_id), _ctx(app)
    step = wiz.step(step_id)
    return step.group(ctx, index, lang) if step.group else ""


def client_heading(account_id: int, app_id: Any, n: int, lang: str) -> str:
    """Heading of client n's steps (the first repeated step's `group`)."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        wiz, ctx = _wizard(app), _ctx(app)
    step = next((s for s in wiz.steps if s.repeat is not None and s.group is not None), None)
    return step.group(ctx, n, lang) if step else ""


def step_panel(account_id: int, app_id: Any, ref: str, lang: str, choices: Mapping[str, Any] | None = None, *,
               on_date: date | None = None) -> Any:
    """The data of a step's widget (`Step.widget`), from the program's `step_panels[step id]`:
    e.g. a client's document list, or the live fee selector of `choices`."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        program, ctx = _program(app), _ctx(app, on_date)
    step_id, index = engine.parse_ref(ref)
    panel = program.step_panels.get(step_id)
    if panel is None:
        raise NotFound()
    with engine.reading(ctx):
        return panel(ctx, index, choices or {}, lang)


def _widget_ref(account_id: int, app_id: Any, widget: str, index: int | None) -> str:
    with session_scope() as db:
        wiz = _wizard(_owned(db, account_id, app_id))
    step = next((s for s in wiz.steps if s.widget == widget), None)
    if step is None:
        raise NotFound()
    return engine.make_ref(step.id, index)


def client_checklist(account_id: int, app_id: Any, n: int, lang: str, *, on_date: date | None = None) -> list[dict]:
    """Client n's documents (the "document_choice" step's panel): [{code, label, help, required}]."""
    return step_panel(account_id, app_id, _widget_ref(account_id, app_id, "document_choice", n), lang, on_date=on_date)


def fee_preview(account_id: int, app_id: Any, choices: Mapping[str, Any], lang: str, *,
                on_date: date | None = None) -> dict:
    """The fee step's live view (the "fee_selector" step's panel): ``{rows, summary, cheapest}``."""
    return step_panel(account_id, app_id, _widget_ref(account_id, app_id, "fee_selector", None), lang, choices,
                      on_date=on_date)


def new_step_options(kind: str, lang: str, *, on_date: date | None = None) -> dict[str, list[dict]]:
    """Choices of a new draft's first step (no answers yet) that the rules give."""
    from rar_app.programs import registry

    program = registry.find(kind)
    if program is None or not program.first_step():
        return {}
    step_id = program.first_step()
    found = program.wizard_of(step_id)
    assert found is not None
    ctx = engine.Context(on_date=_on_date(on_date), answers={})
    return {f.name: [{"code": o.code, "label": o.label(lang, t), "help": o.help_fr if lang == "fr" else o.help_en}
                     for o in f.choices(ctx, None)]
            for f in found[1].step(step_id).fields if callable(f.options) and f.options is not country_field_options}
