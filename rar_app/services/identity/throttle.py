"""Throttling of sign-in, challenge and recovery attempts: failures per account
(username) and per address within THROTTLE_WINDOW lock further attempts for
THROTTLE_LOCK. An office behind one address has several people, so the address
limit is higher."""

from __future__ import annotations

from datetime import timedelta
from typing import Sequence

from sqlmodel import Session, select

from rar_app.models import Account, AuthThrottle, utcnow
from rar_app.services import audit
from rar_app.services.identity.accounts import Throttled, _fail, normalise_username

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LOCK = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


def _user_key(username: str) -> str:
    return f"user:{normalise_username(username)}"[:200]


def _account_key(account: Account) -> str:
    return _user_key(account.username) if account.username else f"account:{account.id}"


def _ip_key(ip: str) -> str | None:
    return f"ip:{ip.strip()}"[:200] if ip and ip.strip() else None


def _limit(key: str) -> int:
    return MAX_FAILURES_PER_ADDRESS if key.startswith("ip:") else MAX_FAILURES_PER_ACCOUNT


def _throttle_rows(db: Session, keys: Sequence[str | None]) -> list[AuthThrottle]:
    wanted = [k for k in keys if k]
    if not wanted:
        return []
    return list(db.exec(select(AuthThrottle).where(AuthThrottle.key.in_(wanted))))


def throttle_status(db: Session, keys: Sequence[str | None]) -> int:
    """Seconds until every one of `keys` is unlocked (0: not locked)."""
    now = utcnow()
    waits = [int((row.locked_until - now).total_seconds()) + 1
             for row in _throttle_rows(db, keys) if row.locked_until and row.locked_until > now]
    return max(waits, default=0)


def _check_throttle(db: Session, keys: Sequence[str | None], *, ip: str, account_id: int | None = None,
                    action: str = "auth.throttled") -> None:
    wait = throttle_status(db, keys)
    if wait:
        audit.record(db, action, actor_id=account_id, ip=ip, object_type="account" if account_id else "",
                     object_id=account_id, keys=[k for k in keys if k])
        _fail(db, Throttled(wait))


def _register_failure(db: Session, keys: Sequence[str | None], *, ip: str, account_id: int | None) -> bool:
    """Count one failure on each key; lock keys that reach their limit. True if one was locked now."""
    now = utcnow()
    rows = {row.key: row for row in _throttle_rows(db, keys)}
    locked_now = []
    for key in [k for k in keys if k]:
        row = rows.get(key) or AuthThrottle(key=key, failures=0, window_started_at=now)
        if now - row.window_started_at > THROTTLE_WINDOW:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        if row.failures >= _limit(key) and not (row.locked_until and row.locked_until > now):
            row.locked_until = now + THROTTLE_LOCK
            row.failures, row.window_started_at = 0, now
            locked_now.append(key)
        db.add(row)
    if locked_now:
        audit.record(db, "auth.locked", actor_id=account_id, ip=ip, object_type="account" if account_id else "",
                     object_id=account_id, keys=locked_now, minutes=int(THROTTLE_LOCK.total_seconds() // 60))
    return bool(locked_now)


def _clear_throttle(db: Session, keys: Sequence[str | None]) -> None:
    for row in _throttle_rows(db, keys):
        db.delete(row)


def purge_throttles(db: Session) -> int:
    """Housekeeping: forget counters whose window and lock are both over."""
    now = utcnow()
    count = 0
    for row in db.exec(select(AuthThrottle)):
        if (row.locked_until is None or row.locked_until <= now) and now - row.window_started_at > THROTTLE_WINDOW:
            db.delete(row)
            count += 1
    return count
