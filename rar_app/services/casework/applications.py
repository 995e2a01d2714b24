"""Applications: drafts of any program's questionnaire, step by step, the review,
restart and delete, the lists, and submission. No Reflex here.

The program of a draft is `Application.kind` → `rar_app.programs.registry`; its
application wizard (`Program.application`) is driven by `rar_app.programs.engine`.
Storage, access (`answers.owned`) and the status changes of the signature are in
`answers.py` (re-exported here); nothing here knows a program's questions.

Access: every public function takes the acting representative's account id and
finds applications only through `answers.owned`, the one helper that scopes a query
to its owner. Unknown, deleted and foreign ids all raise `NotFound`.

Part B (checklist, signature, payment, receipt) uses: `get_application`,
`document_checklist`, `fee_summary`, `questionnaire_complete`, `set_position`,
`mark_signed`, `reopen`, `mark_submitted`. Statuses: ``draft`` (answers may change)
→ ``signed`` (frozen; `reopen` goes back to draft) → ``submitted``.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Mapping

from sqlalchemy import func
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Account, Applicant, Application, Client, Document, Payment, utcnow
from rar_app.programs import engine, registry
from rar_app.programs.base import Program
from rar_app.programs.countries import countries, country_field_options, country_name, country_options  # noqa: F401
from rar_app.programs.engine import Context, Problem, ReviewLine, Wizard
from rar_app.rules.common import fmt_money
from rar_app.services import audit
from rar_app.services.casework import known_clients, submission
from rar_app.services.casework.answers import (  # noqa: F401  (re-exported: one import for the pages)
    EDITABLE,
    Checked,
    Incomplete,
    NotEditable,
    NotFound,
    as_id as _as_id,
    document_checklist,
    mark_signed,
    questionnaire_complete,
    reopen,
    set_position,
)
from rar_app.services.casework.profiles import from_eligibility
from rar_app.services.casework.step_views import (  # noqa: F401  (re-exported)
    application_type_options,
    client_checklist,
    client_heading,
    fee_preview,
    new_step_options,
    step_heading,
    step_options,
    step_panel,
)
from rar_app.services.casework.answers import (
    answers_of as _answers,
    clean as _clean,
    context as _ctx,
    drop_applicant as _drop_applicant,
    on_date as _on_date,
    lock_owned as _lock_owned,
    owned as _owned,
    owned_view as _owned_view,
    program_of as _program,
    selected_codes,
    store as _store,
    sync_rows as _sync_rows,
    wizard_of as _wizard,
    write_back as _write_back,
)

PAGE_SIZE = 10
UNSUBMITTED = ("draft", "signed", "paying")  # listed under "Poursuivre une demande que vous n'avez pas soumise"


# ---------------------------------------------------------------------------
# The questionnaire, step by step


@dataclasses.dataclass(frozen=True)
class StepView:
    """What a step page shows: the saved values of the step, and where it sits."""

    app_id: int
    ref: str
    step_id: str
    index: int | None
    values: dict[str, Any]
    position: int
    total: int
    previous: str | None
    client_file_number: str
    from_eligibility: tuple[str, ...] = ()  # fields that repeat an eligibility answer (profiles.from_eligibility)


@dataclasses.dataclass(frozen=True)
class SaveResult:
    app_id: int | None
    ok: bool
    goto: str | None  # the step to show next (None: stay, or leave the questionnaire)
    problems: tuple[Problem, ...] = ()
    values: dict[str, Any] = dataclasses.field(default_factory=dict)


def _gate(program: Program, ctx: Context, part: str) -> str | None:
    """Where to go instead of a step of `part` that is not open yet: the application and
    the profile come after complete, favourable eligibility answers (« Vos résultats »)."""
    if part == "eligibility" or program.eligibility is None:
        return None
    if not any(engine.parse_ref(r)[0] in {s.id for s in program.eligibility.steps} for r in ctx.answers
               if _is_ref(r)):
        return None  # a draft started at the application form itself (the eligibility check is advice)
    goto = engine.first_incomplete(program.eligibility, ctx)
    if goto != engine.REVIEW:
        return goto
    if program.outcome is not None and not program.outcome(ctx, "fr").eligible:
        return "results"
    return None


def _is_ref(ref: str) -> bool:
    try:
        engine.parse_ref(ref)
    except ValueError:
        return False
    return True


def first_open(program: Program, ctx: Context) -> str:
    """The first page left to do: an eligibility step, « Vos résultats » when not eligible,
    an application step, the task list while a section is incomplete, else the review."""
    if program.eligibility is not None:
        gate = _gate(program, ctx, "application")
        if gate is not None:
            return gate
    if program.application is not None:
        return engine.first_incomplete(program.application, ctx)
    for section in program.profile:
        if engine.first_incomplete(section.wizard, ctx) != engine.REVIEW:
            return "profile"
    return engine.REVIEW


def _locate(program: Program, ref: str, ctx: Context) -> tuple[str, Wizard]:
    """The part and wizard of a step reference; Incomplete(where to go) when the step is
    unknown, not reachable yet, or behind the eligibility gate."""
    try:
        step_id, _index = engine.parse_ref(ref)
    except ValueError:
        raise Incomplete(first_open(program, ctx)) from None
    found = program.wizard_of(step_id)
    if found is None:
        raise Incomplete(first_open(program, ctx))
    part, wiz = found
    gate = _gate(program, ctx, part)
    if gate is not None:
        raise Incomplete(gate)
    if not engine.reachable(wiz, ref, ctx):
        goto = engine.first_incomplete(wiz, ctx)
        raise Incomplete(program.done_page(part) if goto == engine.REVIEW else goto)
    return part, wiz


def _prefilled(db: Session, program: Program, part: str, ref: str, ctx: Context, account: Account | None,
               app_id: int | None) -> dict[str, Any]:
    """A step's first visit: a profile section's answers as the eligibility answers give
    them, or what the program prefills from the account and the answers so far."""
    section = next((s for s in program.profile if s.id == part), None)
    if section is not None and section.prefill is not None:
        return dict(section.prefill(ctx.answers).get(ref) or {})
    if program.prefill is None or account is None:
        return {}
    known = {"account": {"family_name": account.family_name, "given_names": account.given_names,
                         "email": account.email, "regulatory_body": account.regulatory_body or "",
                         "membership_number": account.membership_number or ""},
             "answers": ctx.answers,
             "client": (known_clients.known_details(db, account.id, program, ctx.answers, app_id)
                        if engine.parse_ref(ref)[0] in program.client_steps else {})}
    return dict(program.prefill(known).get(ref) or {})


def open_step(account_id: int, app_id: Any, ref: str, *, on_date: date | None = None) -> StepView:
    """The saved values of one step of a draft. Raises NotFound, NotEditable,
    or Incomplete(goto) when the step is not (or no longer) reachable."""
    with session_scope() as db:
        return open_in(db, account_id, app_id, ref, on_date)[0]


def open_in(db: Session, account_id: int, app_id: Any, ref: str, on_date: date | None = None) -> tuple[StepView, Application, Context]:
    """`open_step` in the caller's transaction; also the draft (read-only) and its context
    (`step_views.step_page`)."""
    app = _owned_view(db, account_id, app_id)
    if app.status not in EDITABLE:
        raise NotEditable(app.status)
    program, ctx = _program(app), _ctx(app, on_date)
    with engine.reading(ctx):
        part, wiz = _locate(program, ref, ctx)
        step_id, index = engine.parse_ref(ref)
        position, total = engine.stage(wiz, ref, ctx)
        saved = ctx.answers.get(ref)
        values = (dict(saved) if saved is not None
                  else _prefilled(db, program, part, ref, ctx, db.get(Account, account_id), app.id))
        return StepView(app.id, ref, step_id, index, values, position, total, engine.previous_ref(wiz, ref, ctx),
                        app.client_file_number, tuple(from_eligibility(program, part, ref, ctx))), app, ctx


def step_context(account_id: int, app_id: Any, *, on_date: date | None = None) -> Context:
    """The answers of an owned draft as the engine sees them (for options that depend on them)."""
    with session_scope() as db:
        return _ctx(_owned(db, account_id, app_id), on_date)


def save_step(account_id: int, app_id: Any, ref: str, raw: Mapping[str, Any], *, action: str = "next",
              from_review: bool = False, ip: str = "", on_date: date | None = None, kind: str | None = None,
              checked: Checked | None = None) -> SaveResult:
    """Save one step of the questionnaire.

    - ``next`` ("Suivant"): validate; on problems nothing is saved and they are
      returned; else the clean values are saved and `goto` is the next step.
    - ``previous`` ("Précédent") and ``exit`` ("Quitter le questionnaire"): what was
      typed is saved as is, without validation (the step stays incomplete until
      it validates), and `goto` is the previous step (or None to leave).

    `app_id` None with the first step's ref starts a new draft of program `kind`
    (default: `registry.default()`), audited, on "Suivant" with valid answers, or on
    "Quitter" when something was typed.

    `checked`: what `step_page.check_step` found for these very answers; its clean values are
    used as they are while the draft has not changed since (else the step is checked again)."""
    if action not in ("next", "previous", "exit"):
        raise ValueError(action)
    if app_id in (None, "", 0):
        return _start(account_id, kind, ref, raw, action=action, ip=ip, on_date=on_date)
    with session_scope() as db:
        app = _lock_owned(db, account_id, app_id)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        program = _program(app)
        ctx = _ctx(app, on_date)
        if ref == engine.REVIEW:
            raise Incomplete(first_open(program, ctx))
        if action == "next":
            # Answers with problems are said at once: nothing is saved, so whether the step
            # may be reached yet is asked only of answers that would be.
            if checked is not None and checked.clean is not None \
                    and (checked.version, checked.on_date) == (app.updated_at, ctx.on_date):
                clean, problems = dict(checked.clean), []
            else:
                clean, problems = check_values(program, ref, raw, ctx)
            if problems:
                return SaveResult(app.id, False, None, tuple(problems), dict(raw))
        with engine.reading(ctx):
            part, wiz = _locate(program, ref, ctx)
        step_id, _index = engine.parse_ref(ref)
        if action == "next":
            ctx.answers[ref] = clean
            _prune(program, ctx, ref)
        else:
            ctx.answers[ref] = engine.raw_copy(wiz.step(step_id), raw, _dynamic_keys(program, ctx, step_id))
            clean = ctx.answers[ref]
        # The answers are final from here: the next step and the Applicant rows check them once.
        with engine.reading(ctx):
            if action == "next":
                goto = engine.next_ref(wiz, ref, ctx, from_review=from_review)
            else:
                goto = engine.previous_ref(wiz, ref, ctx) if action == "previous" else None
                if action == "previous" and goto is None and part != program.wizards()[0][0]:
                    goto = "profile" if part not in ("eligibility", "application") else "results"
            if goto == engine.REVIEW:  # the wizard is done: its next page (a pen from the review goes back there)
                goto = engine.REVIEW if from_review and part != "eligibility" else program.done_page(part)
            _keep_file_number(program, app, step_id, clean)
            _store(app, ctx.answers)
            app.wizard_step = goto or ref
            _sync_rows(db, app, ctx)
        _write_back(db, app)
        return SaveResult(app.id, True, goto, (), clean)


def check_values(program: Program, ref: str, raw: Mapping[str, Any], ctx: Context) -> tuple[dict[str, Any], list]:
    """A step's answers checked by its wizard; an unknown step has none (then `_locate` redirects)."""
    try:
        found = program.wizard_of(engine.parse_ref(ref)[0])
    except ValueError:
        found = None
    return engine.validate(found[1], ref, raw, ctx) if found is not None else ({}, [])


def _dynamic_keys(program: Program, ctx: Context, step_id: str) -> list[str]:
    return program.extra_keys(ctx, step_id) if program.extra_keys else []


def _prune(program: Program, ctx: Context, saved_ref: str) -> None:
    """After a valid answer that shrinks the flow, the program drops the answers it made pointless."""
    if program.prune is not None:
        program.prune(ctx, saved_ref)


def _keep_file_number(program: Program, app: Application, step_id: str, values: Mapping[str, Any]) -> None:
    if program.file_number and step_id == program.file_number[0] and program.file_number[1] in values:
        app.client_file_number = str(values[program.file_number[1]])[:60]


def _start(account_id: int, kind: str | None, ref: str, raw: Mapping[str, Any], *, action: str, ip: str,
           on_date: date | None) -> SaveResult:
    program = registry.default() if kind is None else registry.find(kind)
    # A draft starts at the first eligibility question, or straight at the application form.
    starts = {wiz.steps[0].id: (part, wiz) for part, wiz in program.wizards()[:2]} if program else {}
    if program is None or ref not in starts:
        raise NotFound()
    part, wiz = starts[ref]
    ctx = Context(on_date=_on_date(on_date), answers={})
    clean, problems = engine.validate(wiz, ref, raw, ctx)
    if action == "next" and problems:
        return SaveResult(None, False, None, tuple(problems), dict(raw))
    if action != "next":
        typed = engine.raw_copy(wiz.step(ref), raw)
        if not any(v not in ("", []) for v in typed.values()):
            return SaveResult(None, True, None)  # nothing to keep: just leave
        clean = typed
    with session_scope() as db:
        app = Application(representative_id=account_id, kind=program.code, status="draft")
        _keep_file_number(program, app, ref, clean)
        db.add(app)
        db.flush()
        ctx.answers[ref] = clean
        goto = engine.next_ref(wiz, ref, ctx) if action == "next" else None
        if goto == engine.REVIEW:
            goto = program.done_page(part)
        _store(app, ctx.answers)
        app.wizard_step = goto or ref
        db.add(app)
        _sync_rows(db, app, ctx)
        audit.record(db, "application.created", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip, kind=program.code)
        return SaveResult(app.id, True, goto, (), clean)


def resume_ref(account_id: int, app_id: Any, *, on_date: date | None = None) -> str:
    """Where "continue" takes a draft: its saved position when still reachable,
    else the first step left to answer. Positions set by later pages (see
    `set_position`) are returned as they are."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        tried = db.exec(select(Payment.id).where(Payment.application_id == app.id)).first() is not None
        return _resume(app, on_date, payment_tried=tried)


def _resume(app: Application, on_date: date | None = None, *, payment_tried: bool = False) -> str:
    if app.status in ("signed", "paying"):
        # Signed: on to "Transmettre (et payer)"; straight to the payment page once a
        # payment was tried (declined, failed, or still in flight).
        return "payment" if payment_tried or app.status == "paying" else "signature"
    program = _program(app)
    ctx = _ctx(app, on_date)
    pos = app.wizard_step or ""
    first = first_open(program, ctx)
    if pos in ("results", "profile"):
        return pos if _gate(program, ctx, "application") in (None, pos) else first
    try:
        step_id, index = engine.parse_ref(pos)
        found = program.wizard_of(step_id)
        known = step_id == engine.REVIEW or (found is not None and any(
            s.id == step_id and (s.repeat is None) == (index is None) for s in found[1].steps))
    except ValueError:
        found, known = None, False
    if pos and not known:
        # A later position (documents, signature…): valid only while the questionnaire is complete.
        return pos if first == engine.REVIEW else first
    if pos and pos != engine.REVIEW and found is not None:
        try:
            _locate(program, pos, ctx)
            return pos
        except Incomplete:
            return first
    return first


# ---------------------------------------------------------------------------
# Review, restart, delete


@dataclasses.dataclass(frozen=True)
class ReviewView:
    app_id: int
    client_file_number: str
    lines: list[ReviewLine]
    complete: bool
    goto: str  # first incomplete step ("review" when complete)
    fees: dict | None  # the program's fee summary of the saved answers (None: no fee or not answered)
    stage: tuple[int, int] = (0, 0)  # « Étape n de N » of the review in its questionnaire
    # (step ref, field) of the answers that repeat an eligibility answer: changing them means starting again.
    from_eligibility: frozenset[tuple[str, str]] = frozenset()


def review(account_id: int, app_id: Any, lang: str, *, on_date: date | None = None) -> ReviewView:
    with session_scope() as db:
        app = _owned_view(db, account_id, app_id)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        program = _program(app)
        ctx = _ctx(app, on_date)
    with engine.reading(ctx):
        goto = first_open(program, ctx)
        lines = [line for wiz in program.submitted_wizards() for line in engine.review(wiz, ctx, lang)]
        wizards = program.submitted_wizards()
        stage = engine.stage(wizards[-1], engine.REVIEW, ctx) if wizards else (0, 0)
        fixed = frozenset((line.step, line.field) for line in lines
                          if line.field in from_eligibility(program, (program.wizard_of(engine.parse_ref(line.step)[0])
                                                                      or ("", None))[0], line.step, ctx))
        return ReviewView(app.id, app.client_file_number, lines, goto == engine.REVIEW, goto, program.fee_view(ctx, lang),
                          stage, fixed)


def restart(account_id: int, app_id: Any, *, ip: str = "") -> int:
    """"Recommencer": every answer is erased (applicants too) and the draft starts at the first step."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id, lock=True)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        _store(app, {})
        app.client_file_number = ""
        app.wizard_step = _program(app).first_step()
        db.add(app)
        _sync_rows(db, app, _ctx(app))
        audit.record(db, "application.restarted", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip)
        return app.id


def delete_draft(account_id: int, app_id: Any, *, ip: str = "") -> None:
    """Delete a draft (never a signed or submitted application): its applicants and
    their client rows go; if files or payments point at it, the row stays marked
    'deleted' so their history holds."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id, lock=True)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        file_number = app.client_file_number
        for row in db.exec(select(Applicant).where(Applicant.application_id == app.id)):
            _drop_applicant(db, row)
        has_history = (db.exec(select(Document.id).where(Document.application_id == app.id)).first() is not None
                       or db.exec(select(Payment.id).where(Payment.application_id == app.id)).first() is not None)
        audit.record(db, "application.deleted", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip, client_file_number=file_number)
        if has_history:
            now = utcnow()
            for doc in db.exec(select(Document).where(Document.application_id == app.id, Document.deleted_at.is_(None))):
                doc.deleted_at = now
                db.add(doc)
            app.status = "deleted"
            _store(app, {})
            db.add(app)
        else:
            db.delete(app)


# ---------------------------------------------------------------------------
# Lists


@dataclasses.dataclass(frozen=True)
class DraftRow:
    id: int
    kind: str
    client_file_number: str
    applicant_names: list[str]
    applicant_count: int
    updated_at: datetime
    resume: str  # step reference or later position
    deletable: bool = True  # a signed or paying application is not deleted from the home page


@dataclasses.dataclass(frozen=True)
class DraftPage:
    rows: list[DraftRow]
    total: int
    page: int
    pages: int


def list_drafts(account_id: int, *, page: int = 1, page_size: int = PAGE_SIZE) -> DraftPage:
    """The representative's unsubmitted applications (draft, signed, or paying: a
    payment started and not approved), newest change first, one page."""
    page_size = max(1, min(int(page_size), 50))
    with session_scope() as db:
        where = (Application.representative_id == account_id, Application.status.in_(UNSUBMITTED))
        total = db.exec(select(func.count()).select_from(Application).where(*where)).one()
        pages = max(1, -(-total // page_size))
        page = max(1, min(int(page), pages))
        apps = list(db.exec(select(Application).where(*where)
                            .order_by(Application.updated_at.desc(), Application.id.desc())
                            .offset((page - 1) * page_size).limit(page_size)))
        names = _names(db, [a.id for a in apps])
        tried = set(db.exec(select(Payment.application_id).where(Payment.application_id.in_([a.id for a in apps]))))
        rows = [DraftRow(a.id, a.kind, a.client_file_number, names.get(a.id, []), len(names.get(a.id, [])),
                         a.updated_at, _resume(a, payment_tried=a.id in tried), a.status in EDITABLE)
                for a in apps]
        return DraftPage(rows, total, page, pages)


def _names(db: Session, app_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not app_ids:
        return out
    query = (select(Applicant.application_id, Applicant.position, Client.family_name, Client.given_names)
             .join(Client, Client.id == Applicant.client_id, isouter=True)
             .where(Applicant.application_id.in_(app_ids)).order_by(Applicant.application_id, Applicant.position))
    for app_id, _pos, family, given in db.exec(query):
        name = " ".join(x for x in (given or "", family or "") if x)
        if name:
            out.setdefault(app_id, []).append(name)
    return out


@dataclasses.dataclass(frozen=True)
class ApplicationSummary:
    id: int
    kind: str
    status: str
    client_file_number: str
    reference: str | None
    updated_at: datetime


def search(account_id: int, *, file_number: str = "", statuses: Iterable[str] | None = None,
           limit: int = 50) -> list[ApplicationSummary]:
    """The representative's applications whose client file number contains `file_number` (any case)."""
    text = (file_number or "").strip()[:60]
    with session_scope() as db:
        query = select(Application).where(Application.representative_id == account_id, Application.status != "deleted")
        if text:
            escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(func.lower(Application.client_file_number).like(f"%{escaped}%", escape="\\"))
        if statuses:
            query = query.where(Application.status.in_(list(statuses)))
        query = query.order_by(Application.updated_at.desc()).limit(max(1, min(int(limit), 200)))
        return [ApplicationSummary(a.id, a.kind, a.status, a.client_file_number, a.reference, a.updated_at)
                for a in db.exec(query)]


# ---------------------------------------------------------------------------
# For the pages after the review (part B): read, sign, submit


@dataclasses.dataclass(frozen=True)
class ApplicantView:
    id: int
    position: int
    family_name: str
    given_names: str
    date_of_birth: date | None
    country_of_residence: str | None
    application_type: str
    is_minor: bool
    sds: bool
    fee_option: str
    biometrics_option: str
    application_number: str | None
    selected_documents: list[str]  # checklist codes: the required ones + the additional ones picked


@dataclasses.dataclass(frozen=True)
class ApplicationView:
    id: int
    kind: str
    status: str
    client_file_number: str
    wizard_step: str
    reference: str | None
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None
    submitted_at: datetime | None
    questionnaire_complete: bool
    applicants: list[ApplicantView]


def get_application(account_id: int, app_id: Any, *, on_date: date | None = None) -> ApplicationView:
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        ctx = _ctx(app, on_date)
        rows = list(db.exec(select(Applicant).where(Applicant.application_id == app.id).order_by(Applicant.position)))
        applicants = []
        for row in rows:
            client = db.get(Client, row.client_id) if row.client_id else None
            applicants.append(ApplicantView(
                row.id, row.position, client.family_name if client else "", client.given_names if client else "",
                client.date_of_birth if client else None, client.country_of_residence if client else None,
                row.application_type, row.is_minor, row.sds, row.fee_option, row.biometrics_option,
                row.application_number, selected_codes(app, ctx, row.position)))
        return ApplicationView(app.id, app.kind, app.status, app.client_file_number, app.wizard_step, app.reference,
                               app.created_at, app.updated_at, app.signed_at, app.submitted_at,
                               first_open(_program(app), ctx) == engine.REVIEW, applicants)


def fee_summary(account_id: int, app_id: Any, lang: str = "fr", *, on_date: date | None = None) -> dict:
    """The program's fee summary of the saved answers (lines, total, warnings, cheapest);
    Incomplete while they are missing (or when the program has no fee)."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        ctx = _ctx(app, on_date)
        program = _program(app)
        summary = program.fee_view(ctx, lang)
        if summary is None:
            raise Incomplete(engine.first_incomplete(program.application, ctx))
        return summary


def mark_submitted(account_id: int, app_id: Any, *, ip: str = "", reference: str | None = None) -> ApplicationView:
    """signed -> submitted, whatever the fees (the pages submit through
    `submission.submit_free` and `payments.pay`). One implementation: the same
    compare-and-set claim (`signed -> submitting`) as a free submission, then
    `submission.mark_submitted` (each applicant's application number — line of
    business letter + 9 digits —, 'submitted', date received, the reference, audit).
    Returns the updated view."""
    app_id = _as_id(app_id)
    with session_scope() as db:
        if not submission.claim(db, account_id, app_id, "signed", "submitting"):
            raise NotEditable(_owned(db, account_id, app_id).status)
        app = _owned(db, account_id, app_id)
        db.refresh(app)
        if reference:
            app.reference = reference
        submission.mark_submitted(db, app, actor_id=account_id, ip=ip)
    return get_application(account_id, app_id)


def money(amount: str | Decimal, lang: str) -> str:
    return fmt_money(Decimal(str(amount)), lang)
