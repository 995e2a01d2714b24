"""From a submitted profile to the application an invitation allows — program-neutral.

- `admit_submitted`: the simulated back office admits a submitted profile of a program
  with a pool; the program says how (`Program.extra["pool_admission"](ctx)` →
  ``{"score", "streams", "details"}``: for IEC the country-and-category streams chosen in
  « Détails de ma demande »). `admit_pending` does it for every submitted profile not yet
  in its pool (the training loop, once per profile: `PoolEntry.application_id` is unique).
- `accept_and_start`: the representative accepts an invitation; the program registered
  with ``extra["started_by"] == <profile program>`` gets a new draft application for the
  same client, with what the invitation was for (``answers["invitation"]``: stream, profile
  number); the acceptance sets the application deadline when the pool has one.
- `refuse`: decline — back to the pool of that stream (`pools.decline`).

Access: the representative (or the client who took the file over) holds the profile;
foreign or unknown ids are `NotFound`. No program named here.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rar_app.models import Applicant, Application, PoolEntry, PoolInvitation, utcnow
from rar_app.programs import registry
from rar_app.programs.engine import Context
from rar_app.programs.pool import PoolSpec
from rar_app.services import audit
from rar_app.services.office import pools
from rar_app.services.office.pool_deadlines import invitation_stream
from rar_app.services.office.search import NotFound
from rar_app.settings import get_settings


def _context(app: Application, on_date: date | None = None) -> Context:
    try:
        data = json.loads(app.wizard_data or "{}")
    except ValueError:
        data = {}
    answers = data.get("answers") if isinstance(data, dict) else None
    return Context(on_date=on_date or get_settings().rules_on(), answers=answers if isinstance(answers, dict) else {})


def _program(kind: str):
    try:
        return registry.get(kind)
    except KeyError:
        return None


def pool_spec(kind: str) -> PoolSpec | None:
    program = _program(kind)
    spec = program.extra.get("pool") if program is not None else None
    return spec if isinstance(spec, PoolSpec) else None


def admit_submitted(db: Session, app: Application, *, now: datetime | None = None,
                    rng: random.Random | None = None) -> PoolEntry:
    """Admit a submitted profile to its program's pool, under the streams its answers choose."""
    program = _program(app.kind)
    spec = pool_spec(app.kind)
    admission = program.extra.get("pool_admission") if program is not None else None
    if spec is None or not callable(admission):
        raise pools.PoolError("not_a_pool")
    decided = admission(_context(app))
    return pools.admit(db, spec, app, score=int(decided.get("score", 0)), streams=decided.get("streams", ()),
                       details=decided.get("details"), now=now, rng=rng)


def admit_pending(specs: list[PoolSpec], *, now: datetime | None = None, engine: Any = None, limit: int = 500) -> int:
    """Training: every submitted profile of a pool program not yet admitted is admitted, once."""
    from rar_app.db import session_scope

    kinds = [p.code for p in registry.all_programs(include_test=True)
             if isinstance(p.extra.get("pool"), PoolSpec) and p.extra["pool"] in specs and callable(p.extra.get("pool_admission"))]
    if not kinds:
        return 0
    with session_scope(engine) as db:
        waiting = list(db.exec(select(Application.id).where(Application.kind.in_(kinds), Application.submitted_at.is_not(None),
                                                            Application.status != "deleted",
                                                            Application.id.not_in(select(PoolEntry.application_id)))
                               .limit(limit)))
    count = 0
    for app_id in waiting:
        try:
            with session_scope(engine) as db:
                admit_submitted(db, db.get(Application, app_id), now=now)
                count += 1
        except (IntegrityError, pools.PoolError):
            continue  # admitted by another worker meanwhile
    return count


def _held_open_invitation(db: Session, account_id: int, invitation_id: Any) -> tuple[PoolInvitation, PoolEntry, Application]:
    return pools._held_invitation(db, account_id, invitation_id)


def accept_and_start(db: Session, account_id: int, invitation_id: Any, *, now: datetime | None = None,
                     ip: str = "") -> Application:
    """Accept the invitation and start the application it allows (a draft for the same client)."""
    invitation, entry, profile = _held_open_invitation(db, account_id, invitation_id)
    now = now or utcnow()
    if invitation.state != "open" or invitation.deadline_at <= now:
        raise pools.PoolError("invitation_closed")
    started = [p for p in registry.all_programs(include_test=True) if p.extra.get("started_by") == profile.kind]
    if not started:
        raise pools.PoolError("not_a_pool")
    program = started[0]
    stream = invitation_stream(db, invitation)
    answers = {"invitation": {"stream": stream, "profile_number": entry.profile_number, "invitation_id": invitation.id,
                              "details": json.loads(entry.details or "{}")}}
    app = Application(representative_id=profile.representative_id, client_account_id=profile.client_account_id,
                      kind=program.code, status="draft", client_file_number=profile.client_file_number,
                      wizard_data=json.dumps({"v": 1, "answers": answers}, ensure_ascii=False, sort_keys=True),
                      created_at=now, updated_at=now)
    db.add(app)
    db.flush()
    kind_of = program.extra.get("application_type")
    app_type = kind_of(_context(app)) if callable(kind_of) else "work_permit"
    for person in db.exec(select(Applicant).where(Applicant.application_id == profile.id).order_by(Applicant.position)):
        db.add(Applicant(application_id=app.id, position=person.position, client_id=person.client_id,
                         application_type=app_type, is_minor=person.is_minor))
    pools.accept(db, account_id, invitation.id, application_id=app.id, now=now, ip=ip)
    audit.record(db, "application.started_by_invitation", actor_id=account_id, object_type="application",
                 object_id=app.id, ip=ip, invitation_id=invitation.id, stream=stream)
    return app


def refuse(db: Session, account_id: int, invitation_id: Any, *, now: datetime | None = None, ip: str = "") -> PoolInvitation:
    """Decline the invitation: the profile goes back to the pool (of that stream)."""
    _invitation, entry, _profile = _held_open_invitation(db, account_id, invitation_id)
    spec = pools.spec_for(entry.pool)
    return pools.decline(db, spec, account_id, invitation_id, now=now, ip=ip)


def invitations_of(db: Session, account_id: int, application_id: Any) -> list[dict]:
    """The profile's invitations, newest first, for its status page: state, stream, deadlines."""
    if isinstance(application_id, str) and application_id.isdigit():
        application_id = int(application_id)
    app = db.get(Application, application_id) if type(application_id) is int else None
    if app is None or app.status == "deleted" or account_id not in (app.representative_id, app.client_account_id):
        raise NotFound()
    entry = pools.entry_of(db, app.id)
    if entry is None:
        return []
    rows = db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == entry.id).order_by(PoolInvitation.id.desc()))
    return [{"id": i.id, "state": i.state, "stream": invitation_stream(db, i), "deadline_at": i.deadline_at,
             "apply_by": i.apply_by, "application_id": i.application_id, "profile_number": entry.profile_number,
             "entry_status": entry.status} for i in rows]
