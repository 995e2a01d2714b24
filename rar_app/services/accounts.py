"""Accounts: sign-in with the portal's own credential, look-ups.

Issue #3 extends this module (enrolment, security questions, throttling, OIDC,
profile changes, requests)."""

from __future__ import annotations

from sqlmodel import Session, select

from rar_app.models import Account
from rar_app.services import audit
from rar_app.services.passwords import verify_secret


class AuthenticationFailed(Exception):
    """Wrong username or password — deliberately says nothing more."""


def find_by_username(db: Session, username: str) -> Account | None:
    return db.exec(select(Account).where(Account.username == username.strip().lower())).first()


def authenticate(db: Session, username: str, password: str, *, ip: str = "") -> Account:
    account = find_by_username(db, username)
    ok = verify_secret(account.password_hash if account else None, password)
    if not ok or account is None or account.status != "active":
        audit.record(db, "auth.sign_in_failed", actor_id=account.id if account else None, ip=ip,
                     object_type="account", object_id=account.id if account else None)
        raise AuthenticationFailed()
    audit.record(db, "auth.sign_in", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id)
    return account
