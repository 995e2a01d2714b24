"""Append-only, tamper-evident audit log. Call `record` inside the same transaction as
the change it describes, so the entry and the change commit (or roll back) together.

Each entry carries the hash of the one before it (`prev_hash`) and its own
(`entry_hash`, an HMAC-SHA-256 keyed with a key derived from the portal's secret key,
over its fields and `prev_hash`): changing, removing or inserting an entry breaks the
chain after it, and someone who can write to the database but does not hold the
secret key cannot rebuild it. `verify_chain` walks it (`python -m rar_app.manage
verify-audit`).

Writers are serialised while they link: on PostgreSQL by a transaction-scoped advisory
lock taken before the insert; on SQLite the insert itself takes the database's single
write lock, held until commit. The predecessor is read after that, so two transactions
never link to the same entry.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from rar_app.models import AuditEvent

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x52415241  # "RARA": the audit chain's advisory lock


@lru_cache(maxsize=4)
def _key(secret_key: str) -> bytes:
    return hashlib.sha256(b"rar-audit-chain\x00" + secret_key.encode()).digest()


def _chain_key() -> bytes:
    from rar_app.settings import get_settings

    return _key(get_settings().secret_key)


def _moment(at: datetime | None) -> str:
    if at is None:
        return ""
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_digest(event: AuditEvent, prev_hash: str, key: bytes | None = None) -> str:
    payload = json.dumps(
        [event.id, _moment(event.at), event.actor_id, event.actor_role or "", event.action,
         event.object_type or "", event.object_id or "", event.ip or "", event.details or "{}", prev_hash],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hmac.new(key or _chain_key(), payload.encode(), hashlib.sha256).hexdigest()


def _serialise_writers(session: Session) -> None:
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=_PG_LOCK_KEY))


def _link(session: Session, event: AuditEvent) -> None:
    previous = session.exec(
        select(AuditEvent.entry_hash).where(AuditEvent.id < event.id).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    event.prev_hash = previous or GENESIS
    event.entry_hash = entry_digest(event, event.prev_hash)
    session.add(event)


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    actor_role: str = "",
    object_type: str = "",
    object_id: int | str | None = None,
    ip: str = "",
    **details: Any,
) -> AuditEvent:
    _serialise_writers(session)
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        actor_role=actor_role,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        ip=ip[:64],
        details=json.dumps(details, default=str, sort_keys=True),
    )
    session.add(event)
    session.flush()  # the id (and, on SQLite, the write lock)
    _link(session, event)
    return event


# --------------------------------------------------------------------------- refused accesses
# A refusal usually ends its transaction with an exception (rolled back), so it is noted
# on the session and written in a transaction of its own once that one has ended.

_REFUSALS_KEY = "rar_audit_refusals"


def note_refusal(session: Session, action: str = "access.refused", *, actor_id: int | None = None,
                 actor_role: str = "", object_type: str = "", object_id: int | str | None = None,
                 ip: str = "", **details: Any) -> None:
    """Record a refused access (foreign or unknown id, wrong role) even if the caller's
    transaction rolls back: it is written right after that transaction ends."""
    session.info.setdefault(_REFUSALS_KEY, []).append(
        dict(action=action, actor_id=actor_id, actor_role=actor_role, object_type=object_type,
             object_id=object_id, ip=ip, **details))


def record_refusal(action: str = "access.refused", **fields: Any) -> None:
    """A refused access noticed outside any transaction (e.g. a page guard)."""
    from rar_app.db import session_scope

    with session_scope() as db:
        record(db, action, **fields)


def _write_noted_refusals(session: OrmSession) -> None:
    if session.in_transaction() or not session.info.get(_REFUSALS_KEY):
        return  # a savepoint ended, or nothing was noted
    pending = session.info.pop(_REFUSALS_KEY)
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return  # a session on a borrowed connection (migrations): nothing to note there
    with Session(bind, expire_on_commit=False) as fresh:
        for fields in pending:
            action = fields.pop("action")
            record(fresh, action, **fields)
        fresh.commit()


sa_event.listen(OrmSession, "after_commit", _write_noted_refusals)
sa_event.listen(OrmSession, "after_soft_rollback", lambda session, _tx: _write_noted_refusals(session))


def rechain(session: Session, from_id: int = 0) -> int:
    """Re-seal the entries from `from_id` on. Only for the demo loader, which dates its
    fabricated history back after writing it. Returns how many entries were sealed."""
    session.flush()
    previous = session.exec(
        select(AuditEvent.entry_hash).where(AuditEvent.id < from_id).order_by(AuditEvent.id.desc()).limit(1)
    ).first() or GENESIS
    key = _chain_key()
    count = 0
    for event in session.exec(select(AuditEvent).where(AuditEvent.id >= from_id).order_by(AuditEvent.id)):
        session.refresh(event)
        event.prev_hash = previous
        event.entry_hash = entry_digest(event, previous, key)
        session.add(event)
        previous = event.entry_hash
        count += 1
    return count


@dataclasses.dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: int | None = None  # id of the first entry that does not fit
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_chain(session: Session, *, batch: int = 2000) -> ChainReport:
    """Walk the whole log in id order: each entry's prev_hash is its predecessor's hash
    and its own hash matches its content."""
    key = _chain_key()
    previous = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(session.exec(select(AuditEvent).where(AuditEvent.id > last_id)
                                 .order_by(AuditEvent.id).limit(batch)))
        if not rows:
            return ChainReport(checked)
        for event in rows:
            if event.prev_hash != previous:
                return ChainReport(checked, event.id, "its link to the previous entry is wrong "
                                                      "(an entry before it was removed, inserted or changed)")
            if not hmac.compare_digest(event.entry_hash or "", entry_digest(event, previous, key)):
                return ChainReport(checked, event.id, "its content was changed")
            previous = event.entry_hash
            checked += 1
            last_id = event.id


def events_for(session: Session, object_type: str, object_id: int | str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.id)
        )
    )
