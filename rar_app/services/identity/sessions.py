"""Server-side sessions.

The browser gets an opaque random token in an HttpOnly cookie; the database keeps
only its SHA-256. Sign-in happens over the websocket, which cannot set an
HttpOnly cookie, so it hands the browser a one-time ticket that a plain HTTP
endpoint (`POST /api/session/establish`, the ticket in the form body, never in
an address) exchanges for the cookie. The ticket is a random secret of its own:
the session token never leaves the server until it is set as the cookie. It is
bound to the browser that signed in by the pre-sign-in cookie (HttpOnly, set on
the first page the browser loads): a ticket presented without that browser's
cookie is refused and burnt, which also closes login CSRF (a foreign site cannot
sign a visitor in to the attacker's account).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import time
from datetime import datetime, timedelta
from functools import lru_cache
from http.cookies import SimpleCookie

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Account, AuthSession, LoginTicket, utcnow
from rar_app.settings import get_settings

COOKIE_NAME = "rar_session"
# Behind https the cookie is `__Host-rar_session`: the browser then insists on Secure,
# Path=/ and no Domain, so no sibling site or plain-http page can plant or shadow it.
SECURE_COOKIE_NAME = "__Host-" + COOKIE_NAME


def cookie_name() -> str:
    settings = get_settings()
    return SECURE_COOKIE_NAME if settings.is_https and settings.cookie_secure else COOKIE_NAME


PRESIGN_COOKIE_NAME = "rar_presign"


def presign_cookie_name() -> str:
    settings = get_settings()
    return "__Host-" + PRESIGN_COOKIE_NAME if settings.is_https and settings.cookie_secure else PRESIGN_COOKIE_NAME


def new_presign_value() -> str:
    return secrets.token_urlsafe(32)


def presign_cookie_header_value(value: str) -> str:
    """Set-Cookie for the pre-sign-in cookie: a browser-session cookie (no Max-Age),
    HttpOnly, SameSite=Strict (never sent by a cross-site request)."""
    parts = [f"{presign_cookie_name()}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if get_settings().cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)
TICKET_LIFETIME = timedelta(seconds=60)
# "challenge": the security question is next; "totp": the one-time code is next;
# "totp_setup": an administrator or staff member must enrol a second factor first.
STAGES = frozenset({"full", "challenge", "totp", "totp_setup"})
CHALLENGE_LIFETIME = timedelta(minutes=10)


@dataclasses.dataclass(frozen=True)
class SessionInfo:
    """What a request may know about who is signed in."""

    session_id: int
    account_id: int
    role: str
    stage: str
    language: str
    display_name: str
    expires_idle_at: datetime
    expires_at: datetime | None = None  # absolute end, whatever the activity
    warn_at: datetime | None = None  # when the UI should offer "stay signed in"

    @property
    def is_complete(self) -> bool:
        return self.stage == "full"

    def ends_at(self) -> datetime:
        """The earlier of the idle and the absolute deadline."""
        return min(self.expires_idle_at, self.expires_at) if self.expires_at else self.expires_idle_at

    def seconds_left(self, now: datetime | None = None) -> int:
        return max(0, int((self.ends_at() - (now or utcnow())).total_seconds()))

    def should_warn(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.warn_at is not None and now >= self.warn_at and self.seconds_left(now) > 0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cookie_value(cookie_header: str | None, name: str) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed header is simply "no session"
        return None
    morsel = jar.get(name)
    return morsel.value if morsel and morsel.value else None


def token_from_cookie_header(cookie_header: str | None) -> str | None:
    return _cookie_value(cookie_header, cookie_name())


def presign_from_cookie_header(cookie_header: str | None) -> str | None:
    """The pre-sign-in cookie of the browser that sent this header (the websocket handshake's)."""
    return _cookie_value(cookie_header, presign_cookie_name())


def create(
    db: Session, account: Account, *, ip: str = "", user_agent: str = "", stage: str = "full",
    challenge_position: int | None = None,
) -> str:
    """A new session (always a new id: no fixation). Returns the raw token.

    Sessions short of "full" live at most CHALLENGE_LIFETIME."""
    if stage not in STAGES:
        raise ValueError(f"unknown session stage {stage!r}")
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(hours=settings.session_absolute_hours)
    if stage != "full":
        expires_at = min(expires_at, now + CHALLENGE_LIFETIME)
    db.add(
        AuthSession(
            token_hash=token_hash(token),
            account_id=account.id,
            stage=stage,
            challenge_position=challenge_position,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    return token


def _load(db: Session, token: str) -> tuple[AuthSession, Account] | None:
    row = db.exec(select(AuthSession).where(AuthSession.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    settings = get_settings()
    now = utcnow()
    if now >= row.expires_at or now - row.last_seen_at >= timedelta(minutes=settings.session_idle_minutes):
        return None
    account = db.get(Account, row.account_id)
    if account is None or account.status != "active":
        return None
    return row, account


def find_live(db: Session, token: str | None) -> tuple[AuthSession, Account] | None:
    """The live session row and its (active) account, inside the caller's transaction."""
    return _load(db, token) if token else None


def _info(row: AuthSession, account: Account) -> SessionInfo:
    settings = get_settings()
    idle_end = row.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    end = min(idle_end, row.expires_at)
    return SessionInfo(
        session_id=row.id,
        account_id=account.id,
        role=account.role,
        stage=row.stage,
        language=account.language,
        display_name=f"{account.given_names} {account.family_name}".strip(),
        expires_idle_at=idle_end,
        expires_at=row.expires_at,
        warn_at=end - timedelta(minutes=settings.session_idle_warning_minutes),
    )


TOUCH_INTERVAL = timedelta(seconds=15)


@lru_cache(maxsize=1)
def _lookup_statements():
    """Built once: the per-event look-up should not rebuild its SQL expression."""
    from sqlalchemy import bindparam, select as core_select, update as core_update

    s_t, a_t = AuthSession.__table__, Account.__table__
    query = (
        core_select(
            s_t.c.id, s_t.c.account_id, s_t.c.stage, s_t.c.last_seen_at, s_t.c.expires_at,
            a_t.c.role, a_t.c.language, a_t.c.given_names, a_t.c.family_name,
        )
        .join(a_t, a_t.c.id == s_t.c.account_id)
        .where(s_t.c.token_hash == bindparam("token_hash"), s_t.c.revoked_at.is_(None), a_t.c.status == "active")
    )
    touch_stmt = core_update(s_t).where(s_t.c.id == bindparam("session_id")).values(last_seen_at=bindparam("now"))
    return query, touch_stmt


# Every websocket event checks its session. A live session seen less than a second
# ago is answered from this worker's memory: the database round trip was most of
# a wizard event's server time. Any revocation or account closure made through the
# ORM in this process empties the cache at once; another worker notices within
# LOOKUP_CACHE_SECONDS. 0 turns the cache off.
LOOKUP_CACHE_SECONDS = 1.0
LOOKUP_CACHE_MAX = 10_000
_recent: dict[str, tuple[float, SessionInfo]] = {}


_forget_after_commit = False


def forget_recent_lookups(*_args: object) -> None:
    # Now, and once more after the commit: a look-up between this change and its
    # commit still reads the old row and could remember it.
    global _forget_after_commit
    _recent.clear()
    _forget_after_commit = True


def _after_commit(_session: object) -> None:
    global _forget_after_commit
    if _forget_after_commit:
        _forget_after_commit = False
        _recent.clear()


event.listen(OrmSession, "after_commit", _after_commit)
# Revoking or ageing a session, closing an account or changing its role must be felt by the next event.
event.listen(AuthSession.revoked_at, "set", forget_recent_lookups)
event.listen(AuthSession.stage, "set", forget_recent_lookups)
event.listen(AuthSession.last_seen_at, "set", forget_recent_lookups)
event.listen(AuthSession.expires_at, "set", forget_recent_lookups)
event.listen(Account.status, "set", forget_recent_lookups)
event.listen(Account.role, "set", forget_recent_lookups)


def _recently_seen(digest: str) -> SessionInfo | None:
    if LOOKUP_CACHE_SECONDS <= 0:
        return None
    hit = _recent.get(digest)
    if hit is None:
        return None
    seen_at, info = hit
    if time.monotonic() - seen_at >= LOOKUP_CACHE_SECONDS or utcnow() >= info.ends_at():
        _recent.pop(digest, None)
        return None
    return info


def _remember(digest: str, info: SessionInfo) -> None:
    if LOOKUP_CACHE_SECONDS <= 0:
        return
    if len(_recent) >= LOOKUP_CACHE_MAX:
        _recent.clear()
    _recent[digest] = (time.monotonic(), info)


def lookup(token: str | None, *, touch: bool = True, force_touch: bool = False) -> SessionInfo | None:
    """The live session for a token, refreshing its idle timer; None if absent,
    revoked, idle too long, past its absolute lifetime, or its account closed.

    Runs on every websocket event, so it is one joined Core query (no ORM unit of
    work) and writes only when the idle timer needs refreshing."""
    if not token:
        return None
    from rar_app.db import get_engine

    digest = token_hash(token)
    if touch and not force_touch:
        cached = _recently_seen(digest)
        if cached is not None:
            return cached
    query, touch_stmt = _lookup_statements()
    settings = get_settings()
    now = utcnow()
    with get_engine().connect() as conn:
        row = conn.execute(query, {"token_hash": digest}).first()
        if row is None:
            return None
        if now >= row.expires_at or now - row.last_seen_at >= timedelta(minutes=settings.session_idle_minutes):
            return None
        last_seen = row.last_seen_at
        # Refresh the idle timer at most every TOUCH_INTERVAL: a write per websocket
        # event would cost more than the event itself, for no useful precision.
        if touch and (force_touch or now - last_seen >= TOUCH_INTERVAL):
            conn.execute(touch_stmt, {"session_id": row.id, "now": now})
            conn.commit()
            last_seen = now
    idle_end = last_seen + timedelta(minutes=settings.session_idle_minutes)
    end = min(idle_end, row.expires_at)
    info = SessionInfo(
        session_id=row.id,
        account_id=row.account_id,
        role=row.role,
        stage=row.stage,
        language=row.language,
        display_name=f"{row.given_names} {row.family_name}".strip(),
        expires_idle_at=idle_end,
        expires_at=row.expires_at,
        warn_at=end - timedelta(minutes=settings.session_idle_warning_minutes),
    )
    if touch:
        _remember(digest, info)
    return info


def peek(token: str | None) -> SessionInfo | None:
    """Like `lookup` but without refreshing the idle timer: for the idle-warning poll."""
    return lookup(token, touch=False)


def keep_alive(token: str | None) -> SessionInfo | None:
    """"Stay signed in" after the warning: refresh the idle timer (never the absolute end)."""
    return lookup(token, touch=True, force_touch=True)


def full_session(token: str | None, *, touch: bool = True) -> SessionInfo | None:
    """A live session that has passed the security question; None otherwise."""
    info = lookup(token, touch=touch)
    return info if info is not None and info.is_complete else None


def rotate(db: Session, token: str, *, stage: str = "full", ip: str = "", user_agent: str = "") -> str | None:
    """Replace a live session by a new one (new id, new token) in `stage`; the old
    token stops working at once. Returns the new token, or None if the old one is not live."""
    found = _load(db, token)
    if found is None:
        return None
    row, account = found
    row.revoked_at = utcnow()
    db.add(row)
    return create(db, account, ip=ip or row.ip, user_agent=user_agent or row.user_agent, stage=stage)


def sign_out(token: str | None, *, ip: str = "") -> int | None:
    """Revoke the session on the server and record it in the audit log. Returns the account id."""
    account_id = revoke(token)
    if account_id is not None:
        from rar_app.services import audit

        with session_scope() as db:
            audit.record(db, "auth.sign_out", actor_id=account_id, object_type="account",
                         object_id=account_id, ip=ip)
    return account_id


def revoke(token: str | None) -> int | None:
    """Invalidate a session on the server. Returns its account id, if any."""
    if not token:
        return None
    with session_scope() as db:
        row = db.exec(select(AuthSession).where(AuthSession.token_hash == token_hash(token))).first()
        if row is None or row.revoked_at is not None:
            return None
        row.revoked_at = utcnow()
        db.add(row)
        return row.account_id


def revoke_all_for_account(db: Session, account_id: int, *, except_token: str | None = None) -> int:
    """Revoke every live session of an account (all but `except_token`, if given)."""
    keep = token_hash(except_token) if except_token else None
    count = 0
    for row in db.exec(select(AuthSession).where(AuthSession.account_id == account_id, AuthSession.revoked_at.is_(None))):
        if row.token_hash == keep:
            continue
        row.revoked_at = utcnow()
        db.add(row)
        count += 1
    return count


def purge_expired(db: Session, *, keep_days: int = 30) -> int:
    """Housekeeping: delete session rows and tickets that ended more than `keep_days` ago."""
    cutoff = utcnow() - timedelta(days=keep_days)
    count = 0
    for row in db.exec(select(AuthSession).where(AuthSession.expires_at < cutoff)):
        db.delete(row)
        count += 1
    for ticket in db.exec(select(LoginTicket).where(LoginTicket.expires_at < cutoff)):
        db.delete(ticket)
        count += 1
    return count


def _pad(ticket: str, length: int) -> bytes:
    # A one-time pad drawn from the ticket's 256 random bits: the stored copy of the
    # session token is unreadable without the ticket, which only the browser holds.
    return hashlib.shake_256(b"rar-login-ticket:" + ticket.encode()).digest(length)


def issue_ticket(db: Session, session_token: str, browser_key: str) -> str:
    """A one-time ticket (a random secret, not the session token) that the browser
    holding the pre-sign-in cookie `browser_key` redeems over HTTP for the session cookie.

    Kept: the ticket's hash, the hash of the browser key, and the session token
    masked by a pad derived from the ticket (nothing usable without the ticket)."""
    if not browser_key:
        raise ValueError("a ticket is bound to a browser: browser_key is required")
    ticket = secrets.token_urlsafe(32)
    raw = session_token.encode()
    masked = bytes(a ^ b for a, b in zip(raw, _pad(ticket, len(raw))))
    db.add(
        LoginTicket(
            ticket_hash=token_hash(ticket),
            session_token_hash=token_hash(session_token),
            session_token_enc=masked.hex(),
            browser_hash=token_hash(browser_key),
            expires_at=utcnow() + TICKET_LIFETIME,
        )
    )
    return ticket


def redeem_ticket(ticket: str, browser_key: str | None) -> str | None:
    """The session token for a valid, unused, unexpired ticket presented by the browser
    it was issued to; None otherwise. Any presentation uses the ticket up, so a ticket
    copied to another browser is burnt by the first try."""
    if not ticket or len(ticket) > 100:
        return None
    with session_scope() as db:
        row = db.exec(select(LoginTicket).where(LoginTicket.ticket_hash == token_hash(ticket))).first()
        if row is None or row.used_at is not None or utcnow() > row.expires_at:
            return None
        row.used_at = utcnow()
        db.add(row)
        if not browser_key or not secrets.compare_digest(row.browser_hash, token_hash(browser_key)):
            return None
        try:
            masked = bytes.fromhex(row.session_token_enc)
        except ValueError:
            return None
        session_token = bytes(a ^ b for a, b in zip(masked, _pad(ticket, len(masked)))).decode("latin-1")
        if not secrets.compare_digest(row.session_token_hash, token_hash(session_token)):
            return None
        return session_token


def cookie_header_value(token: str, *, clear: bool = False) -> str:
    """Set-Cookie value: HttpOnly, SameSite=Lax (the OIDC return is a top-level GET), Secure and
    `__Host-` behind HTTPS."""
    settings = get_settings()
    parts = [f"{cookie_name()}={'' if clear else token}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if clear:
        parts.append("Max-Age=0")
    if settings.cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)
