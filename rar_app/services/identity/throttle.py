"""Throttling of sign-in, challenge and recovery attempts: a progressive slow-down,
never a hard lock that anyone could trigger for any username.

Failures are counted within THROTTLE_WINDOW on three keys: the username (from
anywhere), the username from this address, and the address. Past a key's free
failures, each further failure makes the next attempt wait twice as long as the
last (SLOW_DOWN_BASE, 2×, 4×, …) up to the key's ceiling. The username's own ceiling
is low (ACCOUNT_MAX_DELAY): someone hammering a colleague's username from elsewhere
only slows the colleague down to an attempt a minute, while the hammering address
itself waits up to THROTTLE_LOCK. An office behind one address has several people,
so the address allows more free failures. The client's address comes through the
trusted proxies (services/identity/addresses.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Sequence

from sqlmodel import Session, select

from rar_app.models import Account, AuthThrottle, utcnow
from rar_app.services import audit
from rar_app.services.identity.accounts import Throttled, _fail, normalise_username

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LOCK = timedelta(minutes=15)  # the longest wait (the address, the username from that address)
ACCOUNT_MAX_DELAY = timedelta(seconds=60)  # the longest wait a username gets from failures elsewhere
SLOW_DOWN_BASE = timedelta(seconds=4)
MAX_FAILURES_PER_ACCOUNT = 5  # free failures per username (and per username from one address)
MAX_FAILURES_PER_ADDRESS = 20


def _user_key(username: str) -> str:
    return f"user:{normalise_username(username)}"[:200]


def _account_key(account: Account) -> str:
    return _user_key(account.username) if account.username else f"account:{account.id}"


def _ip_key(ip: str) -> str | None:
    return f"ip:{ip.strip()}"[:200] if ip and ip.strip() else None


def _limit(key: str) -> int:
    return MAX_FAILURES_PER_ADDRESS if key.startswith("ip:") else MAX_FAILURES_PER_ACCOUNT


def _ceiling(key: str) -> timedelta:
    return ACCOUNT_MAX_DELAY if key.startswith(("user:", "account:")) else THROTTLE_LOCK


def slow_down(key: str, failures: int) -> timedelta:
    """How long the next attempt on `key` waits after `failures` failures (0: no wait)."""
    excess = failures - _limit(key) + 1
    if excess <= 0:
        return timedelta(0)
    return min(_ceiling(key), SLOW_DOWN_BASE * (2 ** min(excess - 1, 20)))


def _with_pair(keys: Sequence[str | None]) -> list[str]:
    """The keys plus "this username from this address" when both are there."""
    wanted = [k for k in keys if k]
    user = next((k for k in wanted if k.startswith(("user:", "account:"))), None)
    ip = next((k for k in wanted if k.startswith("ip:")), None)
    if user and ip:
        wanted.append(f"pair:{user}|{ip}"[:200])
    return wanted


def _throttle_rows(db: Session, keys: Sequence[str | None]) -> list[AuthThrottle]:
    wanted = _with_pair(keys)
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
    """Count one failure on each key; past its free failures a key makes the next attempt
    wait (doubling, up to its ceiling). True if a key is slowed down now."""
    now = utcnow()
    rows = {row.key: row for row in _throttle_rows(db, keys)}
    slowed: dict[str, int] = {}
    for key in _with_pair(keys):
        row = rows.get(key) or AuthThrottle(key=key, failures=0, window_started_at=now)
        waiting = row.locked_until is not None and row.locked_until > now
        if now - row.window_started_at > THROTTLE_WINDOW and not waiting:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        wait = slow_down(key, row.failures)
        if wait:
            row.locked_until = max(row.locked_until or now, now + wait) if waiting else now + wait
            slowed[key] = int(wait.total_seconds())
        db.add(row)
    if slowed:
        audit.record(db, "auth.slowed_down", actor_id=account_id, ip=ip,
                     object_type="account" if account_id else "", object_id=account_id,
                     keys=sorted(slowed), seconds=max(slowed.values()))
    return bool(slowed)


def _clear_throttle(db: Session, keys: Sequence[str | None]) -> None:
    """After a success: forget these counters, and the username's from every address."""
    for row in _throttle_rows(db, keys):
        db.delete(row)
    for key in [k for k in keys if k and k.startswith(("user:", "account:"))]:
        for row in db.exec(select(AuthThrottle).where(AuthThrottle.key.startswith(f"pair:{key}|"))):
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
