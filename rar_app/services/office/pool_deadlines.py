"""Deadlines of pool invitations — program-neutral, beside `pools.py`.

Two deadlines follow an invitation:
- ``answer``: accept or decline before `PoolInvitation.deadline_at` (the pool's
  `invitation_days`); past it `pools.expire_due` removes the profile from the pool, once;
- ``apply``: when the pool gives one (`PoolSpec.application_days`), the application the
  acceptance started must be submitted before `PoolInvitation.apply_by`; past it the
  invitation lapses (`lapse_due`, once) and the application can no longer be submitted
  (`check_can_submit`).

`remind_due` sends the reminders `PoolSpec.reminder_days` before each deadline — each
(invitation, deadline, day) once, even with several workers: a `PoolReminder` row with a
unique key claims it. `deadlines_for` lists every deadline of a representative's clients,
soonest first (the « Échéances » panel of the account home and the status page).
Times are computed and shown in Toronto time. No Reflex; no program named here.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rar_app.i18n import LANGS, catalogue, t
from rar_app.models import Applicant, Application, Client, PoolEntry, PoolInvitation, PoolReminder, PoolRound, utcnow
from rar_app.programs.pool import PoolSpec
from rar_app.services import audit
from rar_app.services.office.pools import TORONTO, PoolError, _notify, days_left, toronto_date

FALLBACK_NOTICES = "deadlines.tpl"


def _texts(spec: PoolSpec, event: str, values: Mapping[str, Any]) -> dict[str, str]:
    """The pool's own wording when its catalogue has the event, else the portal's."""
    prefix = spec.notices if f"{spec.notices}.{event}.subject" in catalogue("fr") else FALLBACK_NOTICES
    out: dict[str, str] = {}
    for lang in LANGS:
        filled = {k: (v.get(lang, "") if isinstance(v, Mapping) else v) for k, v in values.items()}
        filled.setdefault("pool", t(spec.title_key, lang))
        out[f"subject_{lang}"] = t(f"{prefix}.{event}.subject", lang, **filled)[:200]
        out[f"body_{lang}"] = t(f"{prefix}.{event}.body", lang, **filled)
    return out


def when_text(moment: datetime) -> dict[str, str]:
    """« 2026-12-14 à 23 h 59 » / "2026-12-14 at 11:59 p.m." in Toronto time, both languages."""
    local = moment.astimezone(TORONTO)
    hour12 = local.hour % 12 or 12
    suffix = "a.m." if local.hour < 12 else "p.m."
    return {"fr": f"{local.date().isoformat()} à {local.hour} h {local.minute:02d}",
            "en": f"{local.date().isoformat()} at {hour12}:{local.minute:02d} {suffix}"}


def time_left(deadline: datetime, now: datetime) -> tuple[int, int]:
    """(days, hours) left before `deadline`; (0, 0) once it has passed."""
    seconds = max(0, int((deadline - now).total_seconds()))
    return seconds // 86400, (seconds % 86400) // 3600


# ---------------------------------------------------------------------------
# Reminders and lapses (the training loop runs them under its lease)


def remind_due(specs: Iterable[PoolSpec], *, now: datetime | None = None, engine: Any = None) -> int:
    """Send the reminders that are due: `d` days or less before a deadline, for each `d` of
    the pool's `reminder_days` — the nearest one only when several are due at once."""
    from rar_app.db import session_scope

    now = now or utcnow()
    sent = 0
    for spec in specs:
        if not spec.reminder_days:
            continue
        with session_scope(engine) as db:
            rows = list(db.exec(
                select(PoolInvitation.id, PoolInvitation.state, PoolInvitation.deadline_at, PoolInvitation.apply_by)
                .join(PoolEntry, PoolEntry.id == PoolInvitation.entry_id)
                .join(Application, Application.id == PoolEntry.application_id)
                .where(PoolEntry.pool == spec.pool,
                       or_(PoolInvitation.state == "open", PoolInvitation.state == "accepted"))))
        for invitation_id, state, deadline_at, apply_by in rows:
            kind, deadline = ("answer", deadline_at) if state == "open" else ("apply", apply_by)
            if deadline is None or deadline <= now:
                continue
            left = days_left(deadline, now)
            due = [d for d in spec.reminder_days if left <= d]
            if not due:
                continue
            try:
                with session_scope(engine) as db:
                    if _send_reminder(db, spec, invitation_id, state, kind, deadline, due, now):
                        sent += 1
            except IntegrityError:
                continue  # another worker sent it at the same time
    return sent


def _send_reminder(db: Session, spec: PoolSpec, invitation_id: int, state: str, kind: str, deadline: datetime,
                   due: list[int], now: datetime) -> bool:
    """Claim the due reminder rows and send the nearest one, in one transaction (a unique key
    on the rows makes a second worker's attempt fail and roll back)."""
    invitation = db.get(PoolInvitation, invitation_id)
    if invitation is None or invitation.state != state:
        return False
    if kind == "apply" and _submitted(db, invitation.application_id):
        return False
    done = set(db.exec(select(PoolReminder.days).where(PoolReminder.invitation_id == invitation_id,
                                                       PoolReminder.kind == kind)))
    if min(due) in done:
        return False
    for d in due:
        if d not in done:
            db.add(PoolReminder(invitation_id=invitation_id, kind=kind, days=d, sent_at=now))
    db.flush()
    entry = db.get(PoolEntry, invitation.entry_id)
    app = db.get(Application, invitation.application_id if kind == "apply" else entry.application_id)
    days, hours = time_left(deadline, now)
    _notify(db, app, _texts(spec, f"reminder_{kind}", {
        "number": entry.profile_number, "days": days, "hours": hours, "deadline": when_text(deadline)}))
    audit.record(db, "pool.reminder_sent", object_type="pool_invitation", object_id=invitation_id,
                 actor_role="simulation", kind=kind, days=min(due))
    return True


def _submitted(db: Session, application_id: int | None) -> bool:
    app = db.get(Application, application_id) if application_id else None
    return app is not None and app.submitted_at is not None


def lapse_due(specs: Iterable[PoolSpec], *, now: datetime | None = None, engine: Any = None) -> int:
    """Accepted invitations whose application was not submitted by `apply_by` lapse — each once."""
    from rar_app.db import session_scope

    now = now or utcnow()
    by_pool = {s.pool: s for s in specs if s.application_days}
    if not by_pool:
        return 0
    count = 0
    with session_scope(engine) as db:
        due = list(db.exec(select(PoolInvitation.id)
                           .join(PoolEntry, PoolEntry.id == PoolInvitation.entry_id)
                           .where(PoolInvitation.state == "accepted", PoolInvitation.apply_by < now,
                                  PoolEntry.pool.in_(list(by_pool)))))
    for invitation_id in due:
        with session_scope(engine) as db:
            invitation = db.get(PoolInvitation, invitation_id)
            if _submitted(db, invitation.application_id):
                continue
            claimed = db.connection().execute(
                update(PoolInvitation).where(PoolInvitation.id == invitation_id, PoolInvitation.state == "accepted")
                .values(state="lapsed")).rowcount
            if claimed != 1:
                continue
            entry = db.get(PoolEntry, invitation.entry_id)
            entry.status = "lapsed"
            entry.updated_at = now
            db.add(entry)
            audit.record(db, "pool.invitation_lapsed", object_type="pool_invitation", object_id=invitation_id,
                         actor_role="simulation", application_id=invitation.application_id)
            app = db.get(Application, invitation.application_id or entry.application_id)
            if app is not None:
                _notify(db, app, _texts(by_pool[entry.pool], "lapsed", {"number": entry.profile_number}))
            count += 1
    return count


def invitation_of_application(db: Session, application_id: int) -> PoolInvitation | None:
    """The invitation whose acceptance started this application, if any."""
    return db.exec(select(PoolInvitation).where(PoolInvitation.application_id == application_id)
                   .order_by(PoolInvitation.id.desc())).first()


def check_can_submit(db: Session, application_id: int, now: datetime | None = None) -> None:
    """Refuse to submit an application an invitation started once its period has passed."""
    invitation = invitation_of_application(db, application_id)
    if invitation is None:
        return
    now = now or utcnow()
    if invitation.state == "lapsed" or (invitation.apply_by is not None and invitation.apply_by <= now):
        raise PoolError("application_lapsed")


def invitation_stream(db: Session, invitation: PoolInvitation) -> str:
    """The stream (category) the invitation was issued for ("" for a round over the whole pool)."""
    round_row = db.get(PoolRound, invitation.round_id)
    return round_row.stream if round_row is not None else ""


# ---------------------------------------------------------------------------
# « Échéances »


@dataclasses.dataclass(frozen=True)
class Deadline:
    kind: str  # answer (accept or decline the invitation), apply (submit the application)
    invitation_id: int
    application_id: int  # the page to go to: the profile (answer) or the started application (apply)
    profile_application_id: int
    program: str  # Application.kind of the profile
    profile_number: str
    client: str
    deadline_at: datetime
    days: int
    hours: int
    when: Mapping[str, str]


def deadlines_for(db: Session, account_id: int, *, now: datetime | None = None,
                  application_id: int | None = None) -> list[Deadline]:
    """Every open deadline of the applications `account_id` holds, soonest first
    (only those of one profile or started application when `application_id` is given)."""
    now = now or utcnow()
    query = (select(PoolInvitation, PoolEntry, Application)
             .join(PoolEntry, PoolEntry.id == PoolInvitation.entry_id)
             .join(Application, Application.id == PoolEntry.application_id)
             .where(or_(Application.representative_id == account_id, Application.client_account_id == account_id),
                    Application.status != "deleted",
                    or_(PoolInvitation.state == "open", PoolInvitation.state == "accepted")))
    if application_id is not None:
        query = query.where(or_(PoolEntry.application_id == application_id, PoolInvitation.application_id == application_id))
    out: list[Deadline] = []
    for invitation, entry, app in db.exec(query):
        if invitation.state == "open":
            kind, deadline, target = "answer", invitation.deadline_at, app.id
        else:
            if invitation.apply_by is None or _submitted(db, invitation.application_id):
                continue
            kind, deadline, target = "apply", invitation.apply_by, invitation.application_id or app.id
        if deadline <= now:
            continue
        days, hours = time_left(deadline, now)
        out.append(Deadline(kind, invitation.id, target, app.id, app.kind, entry.profile_number, _client_name(db, app.id),
                            deadline, days, hours, when_text(deadline)))
    out.sort(key=lambda d: (d.deadline_at, d.invitation_id))
    return out


def deadlines_of(account_id: int, *, now: datetime | None = None) -> list[Deadline]:
    """`deadlines_for` in its own transaction (for the pages)."""
    from rar_app.db import session_scope

    with session_scope() as db:
        return deadlines_for(db, account_id, now=now)


def _client_name(db: Session, application_id: int) -> str:
    row = db.exec(select(Client.given_names, Client.family_name).join(Applicant, Applicant.client_id == Client.id)
                  .where(Applicant.application_id == application_id).order_by(Applicant.position)).first()
    return " ".join(p for p in (row or ()) if p).strip()


__all__ = ["Deadline", "check_can_submit", "deadlines_for", "invitation_of_application", "invitation_stream",
           "deadlines_of", "lapse_due", "remind_due", "time_left", "toronto_date", "when_text"]
