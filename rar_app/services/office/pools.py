"""Pools, rounds of invitations and invitations — program-neutral.

A program whose submission "enters a pool" (`PoolSpec` in `Program.extra["pool"]`,
rar_app/programs/pool.py) uses this module:

- `admit`: the simulated IRCC back office admits a submitted profile: a `PoolEntry`
  with a profile number (and a validation code when the spec asks), the pool date
  (`entered_at`, never changed afterwards), the score and the streams it is eligible
  under, a first `PoolScore`; a message on the application and a notice by e-mail.
- `rescore`: the profile changed; the new score and streams are kept with history.
- `run_round`: rank-and-invite. The selection is pluggable (`SELECTIONS`): `ranked`
  sorts by score, ties broken by the profile's submission date and time (earliest
  first), then id; `random` draws among the eligible. The round records its cut-off
  (lowest score invited) and the tie-break time. Invitations and notices are written
  in bulk (a round over a large pool stays fast: bench/pool_round.py).
- `accept`, `decline` (back to the pool, pool date kept), `expire_due` (an open
  invitation past its deadline is marked expired exactly once: a conditional UPDATE
  claims it; the training loop calls it under its lease), `expire_profiles`.
- `auto_rounds`: training mode, rounds on their own every `round_every_days`
  simulated days; a unique `slot` per pool makes each happen once even when two
  workers try.

Deadlines are the end of a day in Toronto (IRCC's clock): `deadline_for`.
Access: representative-facing functions check that the account holds the application.
No Reflex here; no program named here.
"""

from __future__ import annotations

import dataclasses
import json
import random
import secrets
import string
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rar_app.i18n import LANGS, t
from rar_app.models import (Account, Application, Message, PoolEntry, PoolInvitation, PoolRound, PoolScore,
                            utcnow)
from rar_app.programs.pool import RANDOM, RANKED, PoolSpec
from rar_app.services import audit
from rar_app.services.messaging import mailer, messages
from rar_app.services.office.search import NotFound, actor_account

TORONTO = ZoneInfo("America/Toronto")
IN_POOL = "active"
STAFF = ("staff",)


class PoolError(Exception):
    """A refused pool action; `code` names the catalogue key `pools.error_<code>`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# ---------------------------------------------------------------------------
# Clock, numbers, texts


def toronto_date(moment: datetime) -> date:
    return moment.astimezone(TORONTO).date()


def deadline_for(issued_at: datetime, days: int) -> datetime:
    """The last moment to answer: 23:59:59 in Toronto, `days` days after the Toronto
    date of `issued_at` (as UTC)."""
    day = toronto_date(issued_at) + timedelta(days=days)
    return datetime.combine(day, time(23, 59, 59), TORONTO).astimezone(timezone.utc)


def days_left(deadline_at: datetime, now: datetime | None = None) -> int:
    """Whole days from today (Toronto) to the deadline's day; 0 on the last day, negative after."""
    return (toronto_date(deadline_at) - toronto_date(now or utcnow())).days


def _streams_text(streams: Iterable[str]) -> str:
    codes = sorted({s for s in streams if s})
    return "," + ",".join(codes) + ("," if codes else "")


def streams_of(entry: PoolEntry) -> list[str]:
    return [s for s in entry.streams.split(",") if s]


def _new_number(db: Session, prefix: str, rng: random.Random | None = None) -> str:
    draw = rng or secrets.SystemRandom()
    for _ in range(50):
        number = f"{prefix}{draw.randrange(10**8, 10**9)}"
        if db.exec(select(PoolEntry.id).where(PoolEntry.profile_number == number)).first() is None:
            return number
    raise RuntimeError("no free profile number")


def _validation_code(rng: random.Random | None = None) -> str:
    draw = rng or secrets.SystemRandom()
    alphabet = string.ascii_uppercase + string.digits
    return "".join(draw.choice(alphabet) for _ in range(10))


def notice_texts(spec: PoolSpec, event: str, values: Mapping[str, Any]) -> dict[str, str]:
    """subject/body in both languages from `<spec.notices>.<event>`; `{pool}` is the pool's name."""
    out: dict[str, str] = {}
    for lang in LANGS:
        filled = {k: (v.get(lang, "") if isinstance(v, Mapping) else v) for k, v in values.items()}
        filled.setdefault("pool", t(spec.title_key, lang))
        out[f"subject_{lang}"] = t(f"{spec.notices}.{event}.subject", lang, **filled)[:200]
        out[f"body_{lang}"] = t(f"{spec.notices}.{event}.body", lang, **filled)
    return out


def _notify(db: Session, app: Application, texts: Mapping[str, str]) -> None:
    """The message on the application (status page) and in the holder's inbox, with its e-mail notice."""
    has_inbox = app.representative_id is not None
    messages.post(db, application_id=app.id, category=app.kind, detail="information", notify=not has_inbox, **texts)
    if has_inbox:
        messages.post(db, account_id=app.representative_id, application_id=app.id, category=app.kind,
                      detail="information", notify=True, **texts)


def specs() -> list[PoolSpec]:
    """The pools the registered programs declare (`Program.extra["pool"]`)."""
    from rar_app.programs import registry

    return [p.extra["pool"] for p in registry.all_programs(include_test=True) if isinstance(p.extra.get("pool"), PoolSpec)]


def spec_for(pool: str) -> PoolSpec:
    for spec in specs():
        if spec.pool == pool:
            return spec
    raise NotFound()


# ---------------------------------------------------------------------------
# Entries


def admit(db: Session, spec: PoolSpec, app: Application, *, score: int, streams: Iterable[str],
          details: Mapping[str, Any] | None = None, now: datetime | None = None, actor_id: int | None = None,
          extra_values: Mapping[str, Any] | None = None, rng: random.Random | None = None) -> PoolEntry:
    """Admit the submitted `app` (the caller checked it) to `spec.pool`. Once per application."""
    if app.submitted_at is None:
        raise PoolError("not_submitted")
    if db.exec(select(PoolEntry.id).where(PoolEntry.application_id == app.id)).first() is not None:
        raise PoolError("already_in_pool")
    now = now or utcnow()
    entry = PoolEntry(pool=spec.pool, application_id=app.id, profile_number=_new_number(db, spec.number_prefix, rng),
                      validation_code=_validation_code(rng) if spec.validation_code else "", status=IN_POOL,
                      score=int(score), streams=_streams_text(streams), details=json.dumps(dict(details or {})),
                      submitted_at=app.submitted_at, entered_at=now,
                      expires_at=now + timedelta(days=spec.validity_days), updated_at=now)
    db.add(entry)
    db.flush()
    db.add(PoolScore(entry_id=entry.id, score=entry.score, streams=entry.streams, details=entry.details,
                     reason="admitted", at=now))
    audit.record(db, "pool.admitted", actor_id=actor_id, object_type="pool_entry", object_id=entry.id,
                 pool=spec.pool, application_id=app.id, score=entry.score)
    values = {"number": entry.profile_number, "code": entry.validation_code, "score": entry.score,
              "expires": toronto_date(entry.expires_at).isoformat(), **dict(extra_values or {})}
    _notify(db, app, notice_texts(spec, "admitted", values))
    return entry


def rescore(db: Session, entry: PoolEntry, *, score: int, streams: Iterable[str],
            details: Mapping[str, Any] | None = None, now: datetime | None = None,
            actor_id: int | None = None) -> PoolScore:
    """A new score after the profile changed; the history keeps the old ones, the pool date stays."""
    now = now or utcnow()
    entry.score = int(score)
    entry.streams = _streams_text(streams)
    entry.details = json.dumps(dict(details or {}))
    entry.updated_at = now
    db.add(entry)
    row = PoolScore(entry_id=entry.id, score=entry.score, streams=entry.streams, details=entry.details,
                    reason="updated", at=now)
    db.add(row)
    audit.record(db, "pool.rescored", actor_id=actor_id, object_type="pool_entry", object_id=entry.id,
                 score=entry.score)
    return row


def entry_of(db: Session, application_id: int) -> PoolEntry | None:
    return db.exec(select(PoolEntry).where(PoolEntry.application_id == application_id)).first()


def history(db: Session, entry_id: int) -> list[PoolScore]:
    return list(db.exec(select(PoolScore).where(PoolScore.entry_id == entry_id).order_by(PoolScore.at, PoolScore.id)))


def open_invitation(db: Session, entry_id: int) -> PoolInvitation | None:
    return db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == entry_id, PoolInvitation.state == "open")
                   .order_by(PoolInvitation.id.desc())).first()


def last_invitation(db: Session, entry_id: int) -> PoolInvitation | None:
    return db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == entry_id)
                   .order_by(PoolInvitation.id.desc())).first()


def _held_entry(db: Session, account_id: int, entry_id: Any, *, lock: bool = False) -> tuple[PoolEntry, Application]:
    """The entry if `account_id` holds its application (representative, or the client who took it over)."""
    if isinstance(entry_id, str) and entry_id.isdigit():
        entry_id = int(entry_id)
    if type(entry_id) is not int:
        raise NotFound()
    query = select(PoolEntry).where(PoolEntry.id == entry_id)
    if lock:
        query = query.with_for_update()
    entry = db.exec(query).first()
    app = db.get(Application, entry.application_id) if entry is not None else None
    if app is None or app.status == "deleted" or account_id not in (app.representative_id, app.client_account_id):
        audit.note_refusal(db, actor_id=account_id, object_type="pool_entry", object_id=str(entry_id)[:40],
                           check="pool_entry")
        raise NotFound()
    return entry, app


# ---------------------------------------------------------------------------
# Rounds


@dataclasses.dataclass(frozen=True)
class Pick:
    entry_id: int
    score: int
    submitted_at: datetime


Selection = Callable[[Session, Any, int, random.Random], list[Pick]]


def _eligible(pool: str, stream: str) -> Any:
    query = (select(PoolEntry.id, PoolEntry.score, PoolEntry.submitted_at)
             .where(PoolEntry.pool == pool, PoolEntry.status == IN_POOL))
    if stream:
        query = query.where(PoolEntry.streams.contains(f",{stream},"))
    return query


def ranked(db: Session, query: Any, size: int, _rng: random.Random) -> list[Pick]:
    """Highest scores first; equal scores by submission date and time, earliest first (IRCC's tie-break)."""
    rows = db.exec(query.order_by(PoolEntry.score.desc(), PoolEntry.submitted_at, PoolEntry.id).limit(size))
    return [Pick(*row) for row in rows]


def draw(db: Session, query: Any, size: int, rng: random.Random) -> list[Pick]:
    """At random among the eligible."""
    rows = [Pick(*row) for row in db.exec(query)]
    return rng.sample(rows, min(size, len(rows)))


SELECTIONS: dict[str, Selection] = {RANKED: ranked, RANDOM: draw}


def run_round(db: Session, spec: PoolSpec, *, size: int, stream: str = "", selection: str | None = None,
              actor_id: int | None = None, now: datetime | None = None, rng: random.Random | None = None,
              slot: str | None = None, notify: bool = True) -> PoolRound:
    """Invite up to `size` entries of `spec.pool` (one stream, or all). Staff or the simulation (actor None)."""
    if actor_id is not None:
        actor_account(db, actor_id, STAFF)
    if type(size) is not int or size < 1 or size > 100_000:
        raise PoolError("size")
    if stream and stream not in {s.code for s in spec.streams}:
        raise PoolError("stream")
    if spec.rounds_by_stream and not stream:
        raise PoolError("stream")
    choose = SELECTIONS.get(selection or spec.selection)
    if choose is None:
        raise PoolError("selection")
    now = now or utcnow()
    picks = choose(db, _eligible(spec.pool, stream), size, rng or random.Random())
    round_row = PoolRound(pool=spec.pool, stream=stream, selection=selection or spec.selection, size=size,
                          invited=len(picks), held_at=now, actor_id=actor_id, slot=slot)
    if picks:
        low = min(p.score for p in picks)
        round_row.cut_off = low
        round_row.tie_break_at = max(p.submitted_at for p in picks if p.score == low)
    db.add(round_row)
    db.flush()  # a duplicate automatic slot fails here
    deadline = deadline_for(now, spec.invitation_days)
    ids = [p.entry_id for p in picks]
    if ids:
        db.connection().execute(insert(PoolInvitation), [
            dict(entry_id=p.entry_id, round_id=round_row.id, score=p.score, state="open", issued_at=now,
                 deadline_at=deadline) for p in picks])
        for chunk in _chunks(ids, 900):
            db.connection().execute(update(PoolEntry).where(PoolEntry.id.in_(chunk), PoolEntry.status == IN_POOL)
                                    .values(status="invited", updated_at=now))
        if notify:
            _bulk_notices(db, spec, ids, deadline, now, stream)
    audit.record(db, "pool.round", actor_id=actor_id, actor_role="staff" if actor_id else "simulation",
                 object_type="pool_round", object_id=round_row.id, pool=spec.pool, stream=stream, size=size,
                 invited=len(picks), cut_off=round_row.cut_off)
    return round_row


def _chunks(items: Sequence[int], n: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _bulk_notices(db: Session, spec: PoolSpec, entry_ids: Sequence[int], deadline: datetime, now: datetime,
                  stream: str = "") -> None:
    """One message per invitation on the application and in the holder's inbox, written in one go;
    the e-mail notices leave after the commit."""
    rows: list[dict[str, Any]] = []
    named = next((s for s in spec.streams if s.code == stream), None)
    stream_label = {lang: named.label(lang) if named else "" for lang in LANGS}
    for chunk in _chunks(entry_ids, 900):
        found = db.exec(select(PoolEntry.profile_number, PoolEntry.score, Application.id, Application.kind,
                               Application.representative_id, Account.email, Account.status)
                        .join(Application, Application.id == PoolEntry.application_id)
                        .join(Account, Account.id == Application.representative_id, isouter=True)
                        .where(PoolEntry.id.in_(chunk)))
        for number, score, app_id, kind, rep_id, email, status in found:
            texts = notice_texts(spec, "invited", {"number": number, "score": score,
                                                   "deadline": toronto_date(deadline).isoformat(),
                                                   "days": spec.invitation_days, "stream": stream_label})
            base = dict(application_id=app_id, applicant_id=None, category=kind[:40], detail="information",
                        created_at=now, read_at=None, email_attempts=0, email_error="", email_to=None, **texts)
            if rep_id is None:
                rows.append(dict(base, account_id=None, email_status="none", email_next_attempt_at=None))
                continue
            mail = bool(email) and status == "active"
            rows.append(dict(base, account_id=None, email_status="none", email_next_attempt_at=None))
            rows.append(dict(base, account_id=rep_id, email_status="pending" if mail else "none",
                             email_next_attempt_at=now if mail else None))
    if rows:
        db.connection().execute(insert(Message), rows)
        mailer.send_after_commit(db, 0)  # wakes the delivery thread after the commit


def rounds(db: Session, pool: str, limit: int = 20) -> list[PoolRound]:
    return list(db.exec(select(PoolRound).where(PoolRound.pool == pool).order_by(PoolRound.id.desc()).limit(limit)))


def pool_counts(db: Session, pool: str) -> dict[str, int]:
    return {status: n for status, n in db.exec(select(PoolEntry.status, func.count()).where(PoolEntry.pool == pool)
                                               .group_by(PoolEntry.status))}


def auto_rounds(specs: Iterable[PoolSpec], *, speed: float, now: datetime | None = None,
                engine: Any = None) -> list[int]:
    """Training: a round per pool every `round_every_days` simulated days. The slot number
    comes from the clock, and (pool, slot) is unique: a round happens once. Returns round ids."""
    from rar_app.db import session_scope

    now = now or utcnow()
    done: list[int] = []
    if speed <= 0:
        return done
    for spec in specs:
        period = spec.round_every_days * 86400 / speed  # real seconds between two rounds
        if period <= 0:
            continue
        base = f"auto:{int(now.timestamp() // period)}:{spec.round_every_days:g}:{speed:g}"
        targets = [""]
        if spec.rounds_by_stream:
            with session_scope(engine) as db:
                live = {s for text in db.exec(select(PoolEntry.streams).where(PoolEntry.pool == spec.pool,
                                                                                  PoolEntry.status == IN_POOL).distinct())
                        for s in text.split(",") if s}
            targets = [s.code for s in spec.streams if s.code in live]
        for stream in targets:
            slot = f"{base}:{stream}" if stream else base
            try:
                with session_scope(engine) as db:
                    if db.exec(select(PoolRound.id).where(PoolRound.pool == spec.pool, PoolRound.slot == slot)).first():
                        continue
                    done.append(run_round(db, spec, size=spec.round_size, stream=stream, now=now, slot=slot).id)
            except IntegrityError:
                continue  # another worker held this round
    return done


# ---------------------------------------------------------------------------
# Invitations


def accept(db: Session, account_id: int, invitation_id: Any, *, application_id: int | None = None,
           now: datetime | None = None, ip: str = "") -> PoolInvitation:
    """The holder starts the application the invitation allows (`application_id`, created by the caller)."""
    invitation, entry, _app = _held_invitation(db, account_id, invitation_id)
    now = now or utcnow()
    if invitation.state != "open" or invitation.deadline_at <= now or not _claim(db, invitation, "accepted", now):
        raise PoolError("invitation_closed")
    invitation.state = "accepted"
    invitation.answered_at = now
    invitation.application_id = application_id
    spec = next((s for s in specs() if s.pool == entry.pool), None)
    if spec is not None and spec.apply_within_invitation:
        invitation.apply_by = invitation.deadline_at
    elif spec is not None and spec.application_days:
        invitation.apply_by = deadline_for(now, spec.application_days)
    entry.status = "accepted"
    entry.updated_at = now
    db.add(invitation)
    db.add(entry)
    audit.record(db, "pool.invitation_accepted", actor_id=account_id, object_type="pool_invitation",
                 object_id=invitation.id, ip=ip, application_id=application_id)
    return invitation


def decline(db: Session, spec: PoolSpec, account_id: int, invitation_id: Any, *, now: datetime | None = None,
            ip: str = "") -> PoolInvitation:
    """Refuse the invitation: the profile goes back to the pool with its pool date."""
    invitation, entry, app = _held_invitation(db, account_id, invitation_id)
    now = now or utcnow()
    if invitation.state != "open" or invitation.deadline_at <= now or not _claim(db, invitation, "declined", now):
        raise PoolError("invitation_closed")
    invitation.state = "declined"
    invitation.answered_at = now
    entry.status = IN_POOL if entry.expires_at > now else "expired"
    entry.updated_at = now
    db.add(invitation)
    db.add(entry)
    audit.record(db, "pool.invitation_declined", actor_id=account_id, object_type="pool_invitation",
                 object_id=invitation.id, ip=ip)
    _notify(db, app, notice_texts(spec, "declined", {"number": entry.profile_number}))
    return invitation


def _claim(db: Session, invitation: PoolInvitation, state: str, now: datetime) -> bool:
    """Answer the invitation only if it is still open, in one conditional UPDATE: two presses at
    once (or a replay) answer it once — the row lock of `_held_invitation` is not one on SQLite."""
    result = db.execute(update(PoolInvitation).where(PoolInvitation.id == invitation.id, PoolInvitation.state == "open")
                        .values(state=state, answered_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _held_invitation(db: Session, account_id: int, invitation_id: Any) -> tuple[PoolInvitation, PoolEntry, Application]:
    if isinstance(invitation_id, str) and invitation_id.isdigit():
        invitation_id = int(invitation_id)
    if type(invitation_id) is not int:
        raise NotFound()
    invitation = db.exec(select(PoolInvitation).where(PoolInvitation.id == invitation_id).with_for_update()).first()
    if invitation is None:
        audit.note_refusal(db, actor_id=account_id, object_type="pool_invitation", object_id=str(invitation_id)[:40],
                           check="pool_invitation")
        raise NotFound()
    entry, app = _held_entry(db, account_id, invitation.entry_id, lock=True)
    return invitation, entry, app


def expire_due(specs: Iterable[PoolSpec], *, now: datetime | None = None, engine: Any = None,
               limit: int = 1000) -> int:
    """Mark open invitations past their deadline expired — each once: the UPDATE that
    claims it checks it is still open. The entry leaves the pool; its holder is told."""
    from rar_app.db import session_scope

    now = now or utcnow()
    by_pool = {s.pool: s for s in specs}
    count = 0
    with session_scope(engine) as db:
        due = list(db.exec(select(PoolInvitation.id).where(PoolInvitation.state == "open",
                                                           PoolInvitation.deadline_at < now)
                           .order_by(PoolInvitation.deadline_at).limit(limit)))
    for invitation_id in due:
        with session_scope(engine) as db:
            claimed = db.connection().execute(
                update(PoolInvitation).where(PoolInvitation.id == invitation_id, PoolInvitation.state == "open")
                .values(state="expired", answered_at=now)).rowcount
            if claimed != 1:
                continue
            invitation = db.get(PoolInvitation, invitation_id)
            entry = db.get(PoolEntry, invitation.entry_id)
            entry.status = "invitation_expired"
            entry.updated_at = now
            db.add(entry)
            audit.record(db, "pool.invitation_expired", object_type="pool_invitation", object_id=invitation_id,
                         actor_role="simulation")
            spec = by_pool.get(entry.pool)
            app = db.get(Application, entry.application_id)
            if spec is not None and app is not None:
                _notify(db, app, notice_texts(spec, "expired", {"number": entry.profile_number}))
            count += 1
    return count


def expire_profiles(specs: Iterable[PoolSpec], *, now: datetime | None = None, engine: Any = None) -> int:
    """Profiles past their validity leave the pool (marked once, like invitations)."""
    from rar_app.db import session_scope

    now = now or utcnow()
    by_pool = {s.pool: s for s in specs}
    count = 0
    with session_scope(engine) as db:
        due = list(db.exec(select(PoolEntry.id).where(PoolEntry.status == IN_POOL, PoolEntry.expires_at <= now)))
    for entry_id in due:
        with session_scope(engine) as db:
            claimed = db.connection().execute(
                update(PoolEntry).where(PoolEntry.id == entry_id, PoolEntry.status == IN_POOL)
                .values(status="expired", updated_at=now)).rowcount
            if claimed != 1:
                continue
            entry = db.get(PoolEntry, entry_id)
            audit.record(db, "pool.profile_expired", object_type="pool_entry", object_id=entry_id,
                         actor_role="simulation")
            spec = by_pool.get(entry.pool)
            app = db.get(Application, entry.application_id)
            if spec is not None and app is not None:
                _notify(db, app, notice_texts(spec, "profile_expired", {"number": entry.profile_number}))
            count += 1
    return count


def tick(specs: Sequence[PoolSpec], *, speed: float, now: datetime | None = None) -> dict[str, int]:
    """What the training loop runs under its lease: expiries, then automatic rounds."""
    now = now or utcnow()
    return {"invitations_expired": expire_due(specs, now=now), "profiles_expired": expire_profiles(specs, now=now),
            "rounds": len(auto_rounds(specs, speed=speed, now=now))}


# ---------------------------------------------------------------------------
# The back office's rounds page


def staff_overview(actor_id: int, pool: str, lang: str) -> dict[str, Any]:
    """What staff see for one pool: counts by status, the streams a round may target, the last rounds."""
    from rar_app.db import session_scope

    spec = spec_for(pool)
    with session_scope() as db:
        actor_account(db, actor_id, STAFF)
        counts = pool_counts(db, pool)
        last = rounds(db, pool)
        labels = {s.code: s.label(lang) or s.code for s in spec.streams}
        return {
            "in_pool": str(counts.get(IN_POOL, 0)), "invited": str(counts.get("invited", 0)),
            "streams": [{"code": s.code, "label": labels[s.code]} for s in spec.streams],
            "rounds": [{"id": str(r.id), "date": toronto_date(r.held_at).isoformat(),
                        "time": r.held_at.astimezone(TORONTO).strftime("%H:%M"),
                        "stream": labels.get(r.stream, t("pools.all_streams", lang)) if r.stream else t("pools.all_streams", lang),
                        "invited": str(r.invited), "cut_off": "" if r.cut_off is None else str(r.cut_off),
                        "tie_break": r.tie_break_at.astimezone(TORONTO).strftime("%Y-%m-%d %H:%M:%S") if r.tie_break_at else "",
                        "by": t("pools.by_staff" if r.actor_id else "pools.by_simulation", lang)} for r in last],
        }


def staff_round(actor_id: int, pool: str, stream: str, size_text: str, *, ip: str = "") -> PoolRound:
    """A round run from the back office (the number typed as text; PoolError on bad input)."""
    from rar_app.db import session_scope

    text = (size_text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text.isdigit():
        raise PoolError("size")
    spec = spec_for(pool)
    with session_scope() as db:
        return run_round(db, spec, size=int(text), stream=stream or "", actor_id=actor_id)


def pool_choices(lang: str) -> list[dict[str, str]]:
    from rar_app.programs import registry

    return [{"code": p.extra["pool"].pool, "label": t(p.extra["pool"].title_key, lang)}
            for p in registry.all_programs(include_test=False) if isinstance(p.extra.get("pool"), PoolSpec)]
