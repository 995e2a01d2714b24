"""Server-side sessions.

The browser gets an opaque random token in an HttpOnly cookie; the database keeps
only its SHA-256. Sign-in happens over the websocket, which cannot set an
HttpOnly cookie, so it hands the browser a one-time ticket that a plain HTTP
endpoint (`/api/session/establish`) exchanges for the cookie.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from datetime import datetime, timedelta
from http.cookies import SimpleCookie

from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Account, AuthSession, LoginTicket, utcnow
from rar_app.settings import get_settings

COOKIE_NAME = "rar_session"
TICKET_LIFETIME = timedelta(seconds=60)


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

    @property
    def is_complete(self) -> bool:
        return self.stage == "full"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_from_cookie_header(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed header is simply "no session"
        return None
    morsel = jar.get(COOKIE_NAME)
    return morsel.value if morsel and morsel.value else None


def create(
    db: Session, account: Account, *, ip: str = "", user_agent: str = "", stage: str = "full",
    challenge_position: int | None = None,
) -> str:
    """A new session (always a new id: no fixation). Returns the raw token."""
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        AuthSession(
            token_hash=token_hash(token),
            account_id=account.id,
            stage=stage,
            challenge_position=challenge_position,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
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


def lookup(token: str | None, *, touch: bool = True) -> SessionInfo | None:
    """The live session for a token, refreshing its idle timer; None if absent,
    revoked, idle too long, past its absolute lifetime, or its account closed."""
    if not token:
        return None
    settings = get_settings()
    with session_scope() as db:
        found = _load(db, token)
        if found is None:
            return None
        row, account = found
        if touch:
            row.last_seen_at = utcnow()
            db.add(row)
        return SessionInfo(
            session_id=row.id,
            account_id=account.id,
            role=account.role,
            stage=row.stage,
            language=account.language,
            display_name=f"{account.given_names} {account.family_name}".strip(),
            expires_idle_at=row.last_seen_at + timedelta(minutes=settings.session_idle_minutes),
        )


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


def revoke_all_for_account(db: Session, account_id: int) -> None:
    for row in db.exec(select(AuthSession).where(AuthSession.account_id == account_id, AuthSession.revoked_at.is_(None))):
        row.revoked_at = utcnow()
        db.add(row)


def issue_ticket(db: Session, session_token: str) -> str:
    """A one-time ticket the browser redeems over HTTP for the session cookie.

    The ticket itself carries the session token (so no reversible copy of the
    token is stored); only the ticket's hash and the session's hash are kept."""
    ticket_secret = secrets.token_urlsafe(24)
    ticket = f"{ticket_secret}.{session_token}"
    db.add(
        LoginTicket(
            ticket_hash=token_hash(ticket_secret),
            session_token_hash=token_hash(session_token),
            expires_at=utcnow() + TICKET_LIFETIME,
        )
    )
    return ticket


def redeem_ticket(ticket: str) -> str | None:
    """The session token for a valid, unused, unexpired ticket; None otherwise."""
    ticket_secret, _, session_token = (ticket or "").partition(".")
    if not ticket_secret or not session_token:
        return None
    with session_scope() as db:
        row = db.exec(select(LoginTicket).where(LoginTicket.ticket_hash == token_hash(ticket_secret))).first()
        if row is None or row.used_at is not None or utcnow() > row.expires_at:
            return None
        if not secrets.compare_digest(row.session_token_hash, token_hash(session_token)):
            return None
        row.used_at = utcnow()
        db.add(row)
        return session_token


def cookie_header_value(token: str, *, clear: bool = False) -> str:
    """Set-Cookie value: HttpOnly, SameSite=Lax (the OIDC return is a top-level GET), Secure behind HTTPS."""
    settings = get_settings()
    parts = [f"{COOKIE_NAME}={'' if clear else token}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if clear:
        parts.append("Max-Age=0")
    if settings.cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)
