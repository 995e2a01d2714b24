"""« Vos résultats » (the outcome of a program's eligibility answers) and the task-list
profile (one form per section, « Pas commencé / En cours / Terminé », and the answers
still missing), for any program. No Reflex here; access through `answers.owned`."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.programs import engine, registry
from rar_app.programs.base import Program
from rar_app.services.casework.answers import EDITABLE, Incomplete, NotEditable
from rar_app.services.casework.answers import context as _ctx
from rar_app.services.casework.answers import owned as _owned
from rar_app.services.casework.answers import program_of as _program

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


@dataclasses.dataclass(frozen=True)
class ReasonView:
    text: str
    reference: str


@dataclasses.dataclass(frozen=True)
class ResultView:
    title: str
    reasons: list[ReasonView]


@dataclasses.dataclass(frozen=True)
class ResultsView:
    app_id: int
    kind: str
    eligible: bool
    results: list[ResultView]
    refusals: list[ResultView]
    advice: list[ReasonView]
    details: list[tuple[str, str]]
    redirect_kind: str  # another program to apply under instead ("" if none)
    next_ref: str  # where « Continuer » goes when eligible


def _title(key_or_text: str, lang: str) -> str:
    return t(key_or_text, lang) if "." in key_or_text and " " not in key_or_text else key_or_text


def results(account_id: int, app_id: Any, lang: str, *, on_date: date | None = None) -> ResultsView:
    """The eligibility outcome with its reasons; Incomplete(goto) while a question is unanswered."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        program = _program(app)
        ctx = _ctx(app, on_date)
        app_id, kind = app.id, app.kind
    if program.eligibility is None or program.outcome is None:
        raise Incomplete(engine.REVIEW)
    goto = engine.first_incomplete(program.eligibility, ctx)
    if goto != engine.REVIEW:
        raise Incomplete(goto)
    out = program.outcome(ctx, lang)

    def group(items) -> list[ResultView]:
        return [ResultView(_title(title, lang), [ReasonView(r.text(lang), r.reference) for r in reasons])
                for title, reasons in items]

    if program.application is not None:
        next_ref = engine.first_incomplete(program.application, ctx)
    else:
        next_ref = "profile"
    redirect = out.redirect_program if registry.find(out.redirect_program or "") is not None else ""
    return ResultsView(app_id, kind, out.eligible, group(out.results), group(out.refusals),
                       [ReasonView(r.text(lang), r.reference) for r in out.advice], list(out.details), redirect,
                       next_ref)


@dataclasses.dataclass(frozen=True)
class MissingView:
    ref: str
    label: str
    field: str = ""  # the question to go to (a step started with a missing or wrong answer)
    problem: str = ""  # what is wrong with it


@dataclasses.dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    status: str  # not_started | in_progress | done
    ref: str  # where its button goes: the first step left, or its first step
    missing: list[MissingView]
    started: bool = False  # an answer of the section was saved (« Mettre à jour le formulaire »)
    prefilled: bool = False  # some of its answers come from the eligibility questions


@dataclasses.dataclass(frozen=True)
class ProfileView:
    app_id: int
    client_file_number: str
    sections: list[SectionView]
    complete: bool
    prefilled: bool = False  # a section is filled in part from the eligibility answers


def from_eligibility(program: Program, part: str, ref: str, ctx: engine.Context) -> list[str]:
    """The fields of a profile step whose answers come from the eligibility questions (the
    section's `prefill`) and still hold them: changing them means starting again (guide,
    Étape 2: « S'il vous faut modifier ces renseignements, vous devrez recommencer
    complètement »). Generic: any program whose profile sections prefill."""
    section = next((s for s in program.profile if s.id == part), None)
    if section is None or section.prefill is None:
        return []
    given = section.prefill(ctx.answers).get(ref) or {}
    saved = ctx.answers.get(ref)
    return [name for name, value in given.items()
            if value not in (None, "", []) and (saved is None or saved.get(name) == value)]


def _missing(wizard: engine.Wizard, ref: str, ctx: engine.Context, lang: str) -> list[MissingView]:
    """« Vérifier si le formulaire est bien rempli »: a step not answered yet is one link; a step
    answered is one link per missing or wrong answer (the question and what is wrong)."""
    step = t(wizard.step(engine.parse_ref(ref)[0]).title_key, lang)
    saved = ctx.answers.get(ref)
    if saved is None:
        return [MissingView(ref, step)]
    _clean, problems = engine.validate(wizard, ref, saved, ctx)
    return [MissingView(ref, step, p.field, p.message(lang, t)) for p in problems]


def profile(account_id: int, app_id: Any, lang: str, *, on_date: date | None = None) -> ProfileView:
    """The task list: each section's status and the answers it still misses (with the step to open)."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        program = _program(app)
        ctx = _ctx(app, on_date)
        file_number, app_id = app.client_file_number, app.id
    if not program.profile:
        raise Incomplete(engine.REVIEW)
    if program.eligibility is not None:
        goto = engine.first_incomplete(program.eligibility, ctx)
        if goto != engine.REVIEW:
            raise Incomplete(goto)
        if program.outcome is not None and not program.outcome(ctx, "fr").eligible:
            raise Incomplete("results")
    sections = []
    for s in program.profile:
        refs = [r for r in engine.flow(s.wizard, ctx) if r != engine.REVIEW]
        started = any(r in ctx.answers for r in refs)
        # Filled in part from step 1 (guide: « déjà remplies en totalité ou en partie (En cours) »).
        prefilled = any(from_eligibility(program, s.id, r, ctx) for r in refs)
        missing = [m for r in refs for m in _missing(s.wizard, r, ctx, lang)]
        status = DONE if started and not missing else (IN_PROGRESS if started or prefilled else NOT_STARTED)
        first_left = engine.first_incomplete(s.wizard, ctx)
        ref = first_left if first_left != engine.REVIEW else (refs[0] if refs else s.wizard.steps[0].id)
        sections.append(SectionView(s.id, t(s.title_key, lang), status, ref, missing, started, prefilled))
    return ProfileView(app_id, file_number, sections, all(x.status == DONE for x in sections),
                       any(x.prefilled for x in sections))
