"""A profile in a pool, as its holder sees it — program-neutral.

- `status`: what the profile's status page shows (« État du profil Entrée express » for
  Express Entry): profile number, validation code, pool date, expiry, score and its
  breakdown (ready bilingual rows the program's `pool_admission` hook put in the
  entry's details), the streams it is eligible under, the score history, the current
  invitation with its deadline and days left (Toronto), and what to gather meanwhile
  (the checklist of the program an invitation starts, from the profile's answers).
- `update`: the situation changed: one profile step is validated with the program's
  own profile wizard, kept with the entry (the submitted application itself stays
  read-only), and the program's hook recomputes score and streams; the pool keeps the
  history of scores and never changes the pool date.
- `open_invitations`: the holder's open invitations with days left (account home).

Access: the representative (or the client who took the file over) holds the profile;
anything else is NotFound. No program named here.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping

from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.models import Application, PoolEntry, PoolInvitation, utcnow
from rar_app.programs import registry
from rar_app.programs.base import Program
from rar_app.programs.engine import Context, Problem, Wizard, parse_ref, validate
from rar_app.programs.pool import PoolSpec
from rar_app.services import audit
from rar_app.services.office import pools
from rar_app.services.office.search import NotFound
from rar_app.settings import get_settings


def _id(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not 0 < value < 2**63:
        raise NotFound()
    return value


def _held(db: Session, account_id: int, application_id: Any) -> tuple[Application, PoolEntry, Program, PoolSpec]:
    app = db.get(Application, _id(application_id))
    if app is None or app.status == "deleted" or account_id is None \
            or account_id not in (app.representative_id, app.client_account_id):
        audit.note_refusal(db, actor_id=account_id, object_type="application", object_id=str(application_id)[:40],
                           check="pool_profile")
        raise NotFound()
    entry = pools.entry_of(db, app.id)
    try:
        program = registry.get(app.kind)
    except KeyError:
        raise NotFound() from None
    spec = program.extra.get("pool")
    if entry is None or not isinstance(spec, PoolSpec):
        raise NotFound()
    return app, entry, program, spec


def _details(entry: PoolEntry) -> dict[str, Any]:
    try:
        data = json.loads(entry.details or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _rows(items: Any, lang: str) -> list[dict[str, str]]:
    return [{"label": str(x.get(lang, "")), "points": str(x.get("points", ""))} for x in (items or [])
            if isinstance(x, Mapping)]


def _follow_up(profile_program: Program) -> Program | None:
    return next((p for p in registry.all_programs(include_test=True)
                 if p.extra.get("started_by") == profile_program.code), None)


def _date(moment: datetime | None) -> str:
    return pools.toronto_date(moment).isoformat() if moment else ""


def _left(deadline: datetime, now: datetime) -> tuple[int, int]:
    """(days, hours) left before `deadline`, (0, 0) once passed."""
    seconds = max(0, int((deadline - now).total_seconds()))
    return seconds // 86400, (seconds % 86400) // 3600


def status(account_id: int, application_id: Any, lang: str, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    with session_scope() as db:
        app, entry, program, spec = _held(db, account_id, application_id)
        details = _details(entry)
        streams = {s.code: s for s in spec.streams}
        invitation = pools.last_invitation(db, entry.id)
        history = [{"date": _date(h.at), "score": str(h.score),
                    "reason": t(f"pools.history_{h.reason}", lang)} for h in pools.history(db, entry.id)]
        inv: dict[str, Any] = {}
        if invitation is not None:
            inv = {"id": invitation.id, "state": invitation.state,
                   "state_label": t(f"pools.invitation_{invitation.state}", lang),
                   "issued": _date(invitation.issued_at), "deadline": _date(invitation.deadline_at),
                   "days_left": max(0, pools.days_left(invitation.deadline_at, now)),
                   "left": _left(invitation.deadline_at, now),
                   "apply_by": _date(invitation.apply_by) if invitation.apply_by else "",
                   "apply_left": _left(invitation.apply_by, now) if invitation.apply_by else (0, 0),
                   "open": invitation.state == "open" and invitation.deadline_at > now,
                   "application_id": invitation.application_id or 0,
                   "follow_up": "", "submitted": False, "submitted_on": "", "reference": ""}
        follow = _follow_up(program)
        started = db.get(Application, invitation.application_id) if inv and inv["application_id"] else None
        status_label = t(f"pools.status_{entry.status}", lang)
        if started is not None and started.representative_id == app.representative_id:
            inv["follow_up"] = started.kind
            if started.status == "submitted":  # the application the invitation allowed is in: say so
                inv.update(submitted=True, submitted_on=_date(started.submitted_at), reference=started.reference or "")
                applied = next((s for s in (program.status_steps or ()) if s.code == "applied"), None)
                status_label = t(applied.label_key if applied else "pools.status_applied", lang)
        gather: list[str] = []
        if follow is not None and follow.checklist is not None:
            ctx = Context(get_settings().rules_on(), {"invitation": {"details": details}})
            gather = [d["label_fr"] if lang == "fr" else d["label_en"] for d in follow.checklist(ctx, None)]
        return {
            "application_id": app.id,
            "program": program.code,
            "updatable": entry.status in (pools.IN_POOL, "invited"),
            "program_title": t(program.title_key, lang),
            "profile_number": entry.profile_number,
            "validation_code": entry.validation_code,
            "status": entry.status,
            "status_label": status_label,
            "entered": _date(entry.entered_at),
            "submitted": _date(entry.submitted_at),
            "expires": _date(entry.expires_at),
            "score": str(entry.score),
            "streams": [streams[c].label(lang)
                        for c in pools.streams_of(entry) if c in streams],
            "breakdown": _rows(details.get("lines"), lang),
            "sections": _rows(details.get("sections"), lang),
            "history": history,
            "invitation": inv,
            "gather": gather,
        }


def updatable_steps(program: Program) -> list[Any]:
    """The profile steps a profile in the pool can be updated with, one page each: plain
    questions (not a repeated step, not a shared widget, no checkboxes, no choices computed
    from answers)."""
    return [s for section in program.profile for s in section.wizard.steps
            if s.repeat is None and not s.widget
            and not any(callable(f.options) or f.kind == "checkboxes" for f in s.fields)]


def _profile_wizard(program: Program, step_id: str) -> Wizard:
    if not any(s.id == step_id for s in updatable_steps(program)):
        raise NotFound()
    for section in program.profile:
        if any(s.id == step_id for s in section.wizard.steps):
            return section.wizard
    raise NotFound()  # pragma: no cover - updatable steps are profile steps


def update(account_id: int, application_id: Any, ref: str, raw: Mapping[str, Any], *, ip: str = "",
           now: datetime | None = None) -> tuple[list[Problem], int | None]:
    """Validate one profile step (`ref`) and recompute the score. Returns (problems, new score)."""
    try:
        step_id, _index = parse_ref(ref)
    except ValueError:
        raise NotFound() from None
    now = now or utcnow()
    on = get_settings().rules_on()
    with session_scope() as db:
        app, entry, program, spec = _held(db, account_id, application_id)
        if entry.status not in (pools.IN_POOL, "invited"):
            raise pools.PoolError("not_in_pool")
        wizard = _profile_wizard(program, step_id)
        details = _details(entry)
        answers = dict(details.get("answers") or {})
        clean, problems = validate(wizard, ref, raw, Context(on, answers))
        if problems:
            return problems, None
        answers[ref] = clean
        admission = program.extra.get("pool_admission")
        if not callable(admission):
            raise pools.PoolError("not_a_pool")
        decided = admission(Context(on, answers))
        pools.rescore(db, entry, score=int(decided["score"]), streams=decided.get("streams", ()),
                      details=decided.get("details"), now=now, actor_id=account_id)
        audit.record(db, "pool.profile_updated", actor_id=account_id, object_type="application", object_id=app.id,
                     ip=ip, step=ref, score=int(decided["score"]))
        return [], int(decided["score"])


def profile_values(account_id: int, application_id: Any, ref: str) -> dict[str, Any]:
    """The current answers of one profile step (to show the form filled in)."""
    with session_scope() as db:
        _app, entry, program, _spec = _held(db, account_id, application_id)
        _profile_wizard(program, parse_ref(ref)[0])
        return dict((_details(entry).get("answers") or {}).get(ref) or {})


def open_invitations(account_id: int, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """The holder's open invitations, soonest deadline first (the account home shows days left)."""
    now = now or utcnow()
    with session_scope() as db:
        rows = db.exec(select(PoolInvitation, PoolEntry, Application)
                       .join(PoolEntry, PoolEntry.id == PoolInvitation.entry_id)
                       .join(Application, Application.id == PoolEntry.application_id)
                       .where(PoolInvitation.state == "open", PoolInvitation.deadline_at > now,
                              (Application.representative_id == account_id) | (Application.client_account_id == account_id))
                       .order_by(PoolInvitation.deadline_at).limit(50))
        return [{"application_id": app.id, "kind": app.kind, "profile_number": entry.profile_number,
                 "deadline": _date(inv.deadline_at), "days_left": max(0, pools.days_left(inv.deadline_at, now))}
                for inv, entry, app in rows]


def _open_invitation_id(db: Session, account_id: int, application_id: Any) -> int:
    _app, entry, _program, _spec = _held(db, account_id, application_id)
    invitation = pools.open_invitation(db, entry.id)
    if invitation is None:
        raise pools.PoolError("invitation_closed")
    return invitation.id


def accept(account_id: int, application_id: Any, *, ip: str = "", now: datetime | None = None) -> int:
    """Accept the profile's open invitation: the application it allows starts (pool_flow).
    Returns the new application's id."""
    from rar_app.services.office import pool_flow

    with session_scope() as db:
        invitation_id = _open_invitation_id(db, account_id, application_id)
        return pool_flow.accept_and_start(db, account_id, invitation_id, now=now, ip=ip).id


def decline(account_id: int, application_id: Any, *, ip: str = "", now: datetime | None = None) -> None:
    """Decline the profile's open invitation: back to the pool, pool date kept."""
    from rar_app.services.office import pool_flow

    with session_scope() as db:
        invitation_id = _open_invitation_id(db, account_id, application_id)
        pool_flow.refuse(db, account_id, invitation_id, now=now, ip=ip)
