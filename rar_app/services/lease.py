"""Database leases: one worker at a time runs a background job.

With several workers (granian workers in Redis state mode, or several machines on
one PostgreSQL database) every process starts the same background loop; before each
round a worker takes the job's lease, and only the holder acts. A lease is a row of
`scheduler_lease` (name, owner, expires_at):

- `acquire` first tries a conditional UPDATE — "make me the owner where I already am,
  or where the lease has expired" — and, when no row exists yet, an INSERT that the
  primary key lets only one contender win. Both work the same on SQLite (writers are
  serialised) and PostgreSQL (the UPDATE re-checks its WHERE clause on the locked row,
  so of two workers racing for an expired lease only one sees it expired).
- The holder renews by acquiring again before `expires_at`; a worker that dies
  simply stops renewing and another takes over once the lease has expired.
- `release` hands it back at once (on shutdown).

No Reflex here.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from rar_app.db import session_scope
from rar_app.models import SchedulerLease, utcnow


def new_owner() -> str:
    """An owner name unique to this process and object: host, pid and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def acquire(name: str, owner: str, ttl: timedelta, *, now: datetime | None = None,
            engine: Engine | None = None) -> bool:
    """Take or renew the lease `name` for `ttl`. True if `owner` holds it now."""
    now = now or utcnow()
    expires = now + ttl
    with session_scope(engine) as db:
        result = db.connection().execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name,
                   (SchedulerLease.owner == owner) | (SchedulerLease.expires_at <= now))
            .values(owner=owner, expires_at=expires, acquired_at=now)
        )
        if result.rowcount == 1:
            return True
        if db.get(SchedulerLease, name) is not None:
            return False  # someone else holds it
    try:
        with session_scope(engine) as db:  # its own transaction: a lost race rolls back only this
            db.add(SchedulerLease(name=name, owner=owner, expires_at=expires, acquired_at=now))
    except IntegrityError:
        return False  # another contender inserted it first
    return True


def release(name: str, owner: str, *, engine: Engine | None = None) -> bool:
    """Give the lease back if `owner` holds it (others may take it at once)."""
    with session_scope(engine) as db:
        result = db.connection().execute(
            update(SchedulerLease).where(SchedulerLease.name == name, SchedulerLease.owner == owner)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        return result.rowcount == 1


def holder(name: str, *, now: datetime | None = None, engine: Engine | None = None) -> str | None:
    """The current owner of `name`, or None when free or expired."""
    now = now or utcnow()
    with session_scope(engine) as db:
        row = db.get(SchedulerLease, name)
        return row.owner if row is not None and row.expires_at > now else None
