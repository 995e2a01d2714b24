"""Where a draft's answers live, for every program: the one access helper (`owned`),
the stored answers, the program of an application (`Application.kind` → registry),
the Applicant rows kept in step with the answers, and the status changes around the
signature. No Reflex here. `applications` (the questionnaire) and `submission` (sign,
transmit) both build on this module; it imports neither of them.

Where things live:
- `Application.wizard_data` (JSON): ``{"v": 1, "answers": {step ref: values}}``;
- `Application.wizard_step`: where the draft resumes (a step reference, or a later
  position such as ``"documents"`` set by the pages after the review);
- `Applicant` rows (+ one `Client` row each): what the program's `applicants(ctx)`
  says after every save (type, minor, fee options…).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, select as core_select, update
from sqlalchemy.engine import Row
from sqlmodel import Session, select

from rar_app.db import get_engine, session_scope
from rar_app.models import Applicant, Application, Client, Document, utcnow
from rar_app.programs import engine, registry
from rar_app.programs.base import ApplicantData, Program
from rar_app.programs.engine import Context, Wizard
from rar_app.services import audit
from rar_app.settings import get_settings

EDITABLE = ("draft",)


class NotFound(Exception):
    """Unknown, deleted or another representative's application — indistinguishable."""


class NotEditable(Exception):
    """The application is signed or submitted: its answers are frozen."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


class Incomplete(Exception):
    """The questionnaire has a step still to answer (`goto`)."""

    def __init__(self, goto: str):
        super().__init__(goto)
        self.goto = goto


def as_id(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not 0 < value < 2**63:
        raise NotFound()
    return value


def owned(db: Session, account_id: int, app_id: Any, *, lock: bool = False) -> Application:
    """The one place access is decided: the acting representative's own, live application."""
    query = select(Application).where(Application.id == as_id(app_id),
                                      Application.representative_id == account_id,
                                      Application.status != "deleted")
    if lock:
        query = query.with_for_update()
    app = db.exec(query).first()
    if app is None or account_id is None:
        # Unknown, deleted or another representative's: the same answer, one audit entry.
        audit.note_refusal(db, **_refusal(account_id, app_id))
        raise NotFound()
    return app


def _refusal(account_id: int | None, app_id: Any) -> dict[str, Any]:
    return dict(actor_id=account_id, actor_role="representative", object_type="application",
                object_id=str(app_id)[:40], check="owned")


def _owned_row(conn: Any, statement: Any, account_id: int, app_id: Any) -> Row | None:
    """The row `statement` (`_view_statement` or `_lock_statement`) finds for this owner, or None."""
    key = as_id(app_id)  # a malformed id: NotFound, as `owned`
    if account_id is None:
        return None
    return conn.execute(statement, {"app_id": key, "account_id": account_id}).first()


@lru_cache(maxsize=1)
def _view_statement():
    table = Application.__table__  # type: ignore[attr-defined]
    return core_select(table).where(table.c.id == bindparam("app_id"), table.c.representative_id == bindparam("account_id"),
                               table.c.status != "deleted")


def owned_view(db: Session, account_id: int, app_id: Any) -> Row:
    """`owned` for reading only: the same scoping and the same refusal, as a plain row (the
    application's columns by name) instead of an ORM object. Loading the object cost about
    0.6 ms of the 0.7 ms of a step's load or a « Suivant » with errors (ws_bench); never
    written through (writes go through `owned`, where the read-only guard sees them)."""
    row = _owned_row(db.connection(), _view_statement(), account_id, app_id)
    if row is None:
        audit.note_refusal(db, **_refusal(account_id, app_id))
        raise NotFound()
    return row


@dataclasses.dataclass(frozen=True)
class Checked:
    """A step's answers checked against the draft as it was at `version` (its `updated_at`)
    on `on_date`: the problems, or the clean values to save. `applications.save_step`
    re-checks unless the draft is still at that version."""

    version: datetime
    on_date: date
    problems: tuple = ()
    clean: dict[str, Any] | None = None  # None when there are problems (or nothing was checked)


@lru_cache(maxsize=1)
def _lock_statement():
    return _view_statement().with_for_update()


# The columns a questionnaire save changes (`applications.save_step`).
SAVED_COLUMNS = ("wizard_data", "updated_at", "wizard_step", "client_file_number")


def lock_owned(db: Session, account_id: int, app_id: Any) -> SimpleNamespace:
    """`owned(..., lock=True)` as a plain record of the row's columns (row-locked on
    PostgreSQL, like `owned`), to change and hand to `write_back` in the same transaction:
    a « Suivant » that saves spent a third of its time loading and flushing the ORM object."""
    row = _owned_row(db.connection(), _lock_statement(), account_id, app_id)
    if row is None:
        audit.note_refusal(db, **_refusal(account_id, app_id))
        raise NotFound()
    return SimpleNamespace(**row._mapping)


@lru_cache(maxsize=1)
def _write_statement():
    table = Application.__table__  # type: ignore[attr-defined]
    return (update(table).where(table.c.id == bindparam("app_id"), table.c.status.in_(EDITABLE))
            .values({name: bindparam(f"new_{name}") for name in SAVED_COLUMNS}))


def write_back(db: Session, app: SimpleNamespace) -> None:
    """Write `SAVED_COLUMNS` of a record from `lock_owned`, only while the application is still
    a draft: the statement itself says so (the read-only guard of `readonly.py` sees ORM flushes
    only), and a draft signed meanwhile is refused whole."""
    done = db.connection().execute(_write_statement(), {"app_id": app.id, **{f"new_{name}": getattr(app, name)
                                                                              for name in SAVED_COLUMNS}})
    if done.rowcount != 1:
        raise NotEditable(app.status)


def owned_row(account_id: int, app_id: Any) -> Row:
    """`owned_view` on a connection of its own, outside any transaction (no ORM session to open
    and commit): for a check that writes nothing (`step_page.check_step`)."""
    with get_engine().connect() as conn:
        row = _owned_row(conn, _view_statement(), account_id, app_id)
    if row is None:
        audit.record_refusal(**_refusal(account_id, app_id))
        raise NotFound()
    return row


def _stored(app: Application) -> dict[str, Any]:
    """`Application.wizard_data` as a dict (empty when missing or damaged)."""
    try:
        data = json.loads(app.wizard_data or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def answers_of(app: Application) -> dict[str, dict[str, Any]]:
    answers = _stored(app).get("answers")
    return answers if isinstance(answers, dict) else {}


def store(app: Application, answers: dict[str, dict[str, Any]]) -> None:
    data: dict[str, Any] = {"v": 1, "answers": answers}
    before = _stored(app)
    if kept := _declaration(before):  # a profile updated in the pool keeps its signed consent
        data[DECLARATION_KEY] = kept
    if synced := before.get(ROWS_KEY):
        data[ROWS_KEY] = synced
    app.wizard_data = json.dumps(data, ensure_ascii=False, sort_keys=True)
    app.updated_at = utcnow()


DECLARATION_KEY = "declaration"  # the consent answers given when signing (restated on the Signature page)
ROWS_KEY = "rows"  # digest of the people (`Program.applicants`) the Applicant rows were last synced with


def declaration_of(app: Application) -> dict[str, str]:
    return _declaration(_stored(app))


def _declaration(data: dict[str, Any]) -> dict[str, str]:
    found = data.get(DECLARATION_KEY)
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def keep_declaration(app: Application, program: Program, consent: dict[str, Any]) -> None:
    """Keep the program's consent answers (its own questions and options only) beside the answers."""
    kept = {}
    for q in program.declaration.questions if program.declaration else ():
        value = str(consent.get(q.name) or "")
        if value in {o.code for o in q.options}:  # type: ignore[union-attr]
            kept[q.name] = value
    data = _stored(app)
    data[DECLARATION_KEY] = kept
    app.wizard_data = json.dumps(data, ensure_ascii=False, sort_keys=True)


def on_date(value: date | None = None) -> date:
    return value or get_settings().rules_on()


def context(app: Application, when: date | None = None) -> Context:
    return Context(on_date=on_date(when), answers=answers_of(app))


def program_of(app: Application) -> Program:
    """The application's line of business; an unknown kind is treated as not found."""
    program = registry.find(app.kind)
    if program is None or not program.wizards():
        raise NotFound()
    return program


def wizard_of(app: Application, step_id: str | None = None) -> Wizard:
    """The wizard that asks `step_id` (default: the one submitted — the application form,
    or the first profile section). NotFound for a step the program does not have."""
    program = program_of(app)
    if step_id is None:
        return program.submitted_wizards()[0]
    found = program.wizard_of(step_id)
    if found is None:
        raise NotFound()
    return found[1]


def clean(wiz: Wizard, ctx: Context, ref: str) -> dict[str, Any] | None:
    saved = ctx.answers.get(ref)
    if saved is None:
        return None
    values, problems = engine.validate(wiz, ref, saved, ctx)
    return None if problems else values


def complete(app: Application, when: date | None = None) -> str:
    """The first step left to answer before the review: of the application form, or of
    each profile section in turn (``engine.REVIEW`` when every answer is there)."""
    ctx = context(app, when)
    for wiz in program_of(app).submitted_wizards():
        goto = engine.first_incomplete(wiz, ctx)
        if goto != engine.REVIEW:
            return goto
    return engine.REVIEW


def sync_rows(db: Session, app: Application, ctx: Context) -> None:
    """Applicant (+ Client) rows follow the answers, as the program's `applicants` says."""
    program = program_of(app)
    # A program that does not say who its applicants are has one: the client (one number).
    people = program.applicants(ctx) if program.applicants else [ApplicantData(1)]
    # Most saves change nothing the rows hold (a step about travel, a « Précédent »): reading and
    # flushing the rows cost about half of a « Suivant » that saves (ws_bench). Skipped when
    # the people are those the rows were last synced with; the digest lives beside the answers.
    digest = hashlib.sha256(repr(people).encode()).hexdigest()[:32]
    data = _stored(app)
    if data.get(ROWS_KEY) == digest:
        return
    data[ROWS_KEY] = digest
    app.wizard_data = json.dumps(data, ensure_ascii=False, sort_keys=True)
    rows = {a.position: a for a in db.exec(select(Applicant).where(Applicant.application_id == app.id))}
    count = len(people)
    for position, row in list(rows.items()):
        if position > count:
            drop_applicant(db, row)
            del rows[position]
    for person in people:
        row = rows.get(person.position)
        if row is None:
            client = Client(representative_id=app.representative_id)
            db.add(client)
            db.flush()
            row = Applicant(application_id=app.id, position=person.position, client_id=client.id)
            db.add(row)
        if person.details_known:
            client = db.get(Client, row.client_id) if row.client_id else None
            if client is not None:
                client.family_name = person.family_name
                client.given_names = person.given_names
                client.date_of_birth = date.fromisoformat(person.date_of_birth) if person.date_of_birth else None
                client.country_of_residence = person.country_of_residence
                db.add(client)
            row.application_type = person.application_type
            row.is_minor = person.is_minor
        elif person.application_type:  # the program knows the type before the person's details
            row.application_type = person.application_type
        elif program.applicants is None:
            row.application_type = ""  # no rules type: the number takes the program's prefix
        row.sds = person.sds
        row.fee_option = person.fee_option
        row.biometrics_option = person.biometrics_option
        db.add(row)


def drop_applicant(db: Session, row: Applicant) -> None:
    now = utcnow()
    for doc in db.exec(select(Document).where(Document.applicant_id == row.id)):
        # Uploaded files of a client no longer in the application: the row is kept
        # (soft-deleted) for the audit trail; documents.find_orphans reports the object.
        doc.applicant_id = None
        doc.deleted_at = doc.deleted_at or now
        db.add(doc)
    client_id = row.client_id
    db.delete(row)
    db.flush()
    if client_id is not None:
        still_used = db.exec(select(Applicant.id).where(Applicant.client_id == client_id)).first()
        if still_used is None:
            client = db.get(Client, client_id)
            if client is not None:
                db.delete(client)


def selected_codes(app: Application, ctx: Context, n: int) -> list[str]:
    program = program_of(app)
    return [d["code"] for d in (program.checklist(ctx, n) if program.checklist else [])]


# ---------------------------------------------------------------------------
# After the review: the document checklist and the status changes of the signature


def document_checklist(account_id: int, app_id: Any, *, on_date: date | None = None) -> list[dict]:
    """Per applicant, the documents to upload: ``[{applicant_id, position, name,
    documents: [{code, label_fr, label_en, help_fr, help_en, required, reference}]}]``
    — the program's checklist for that applicant (from the rules)."""
    with session_scope() as db:
        app = owned_view(db, account_id, app_id)
        ctx = context(app, on_date)
        program = program_of(app)
        out = []
        for row in db.exec(select(Applicant).where(Applicant.application_id == app.id).order_by(Applicant.position)):
            client = db.get(Client, row.client_id) if row.client_id else None
            out.append({
                "applicant_id": row.id,
                "position": row.position,
                "name": " ".join(x for x in ((client.given_names if client else ""), (client.family_name if client else "")) if x),
                "documents": list(program.checklist(ctx, row.position)) if program.checklist else [],
            })
        return out


def questionnaire_complete(account_id: int, app_id: Any, *, on_date: date | None = None) -> bool:
    with session_scope() as db:
        return complete(owned_view(db, account_id, app_id), on_date) == engine.REVIEW


def set_position(account_id: int, app_id: Any, position: str, *, on_date: date | None = None) -> None:
    """Record where the draft resumes after the review (e.g. ``"documents"``,
    ``"signature"``). Refused (Incomplete) while a question is unanswered."""
    if not isinstance(position, str) or not 0 < len(position) <= 60:
        raise ValueError("position")
    with session_scope() as db:
        app = owned(db, account_id, app_id, lock=True)
        if app.status == "submitted":
            raise NotEditable(app.status)
        goto = complete(app, on_date)
        if goto != engine.REVIEW:
            raise Incomplete(goto)
        app.wizard_step = position
        app.updated_at = utcnow()
        db.add(app)


def mark_signed(account_id: int, app_id: Any, *, ip: str = "", on_date: date | None = None,
                consent: dict[str, Any] | None = None) -> datetime:
    """draft -> signed (answers frozen). Needs a complete questionnaire. `consent`: the
    declaration's answers, kept with the signature (the Signature page restates them)."""
    with session_scope() as db:
        app = owned(db, account_id, app_id, lock=True)
        if app.status != "draft":
            raise NotEditable(app.status)
        goto = complete(app, on_date)
        if goto != engine.REVIEW:
            raise Incomplete(goto)
        # The status changes only if it is still a draft: the row lock above is not one on SQLite,
        # and a double click must sign once (the second press finds it signed: NotEditable).
        if consent is not None:  # kept with the signature: the Signature page restates it
            keep_declaration(app, program_of(app), consent)
        now = utcnow()
        claimed = db.execute(update(Application).where(Application.id == app.id, Application.status == "draft")
                             .values(status="signed", signed_at=now, updated_at=now, wizard_data=app.wizard_data)
                             .execution_options(synchronize_session=False)).rowcount == 1
        if not claimed:
            raise NotEditable("signed")
        app.status, app.signed_at, app.updated_at = "signed", now, now
        audit.record(db, "application.signed", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip)
        return app.signed_at


def reopen(account_id: int, app_id: Any, *, ip: str = "") -> None:
    """signed -> draft (the signature is withdrawn so answers can change)."""
    with session_scope() as db:
        app = owned(db, account_id, app_id, lock=True)
        if app.status != "signed":
            raise NotEditable(app.status)
        app.status = "draft"
        app.signed_at = None
        app.updated_at = utcnow()
        db.add(app)
        audit.record(db, "application.reopened", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip)
