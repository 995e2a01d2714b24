from datetime import timedelta

from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AuditEvent, AuthSession
from rar_app.services import accounts, sessions
from rar_app.services.passwords import hash_secret
import pytest


def _account(username="rep.demo", password="Tr0ub4dor&3x", status="active"):
    with session_scope() as db:
        account = Account(username=username, password_hash=hash_secret(password), status=status,
                          given_names="Demo", family_name="Rep")
        db.add(account)
        db.flush()
        return account


def test_sign_in_ticket_cookie_round_trip(migrated_db):
    _account()
    with session_scope() as db:
        account = accounts.authenticate(db, "rep.demo", "Tr0ub4dor&3x", ip="127.0.0.1")
        token = sessions.create(db, account, ip="127.0.0.1")
        ticket = sessions.issue_ticket(db, token)
    assert sessions.redeem_ticket(ticket) == token
    assert sessions.redeem_ticket(ticket) is None, "a ticket works once"
    info = sessions.lookup(sessions.token_from_cookie_header(f"a=b; {sessions.COOKIE_NAME}={token}"))
    assert info is not None and info.display_name == "Demo Rep"
    with session_scope() as db:
        stored = db.exec(select(AuthSession)).one()
        assert stored.token_hash != token and len(stored.token_hash) == 64
    assert sessions.revoke(token) == info.account_id
    assert sessions.lookup(token) is None


def test_wrong_password_and_unknown_user_fail_alike(migrated_db):
    _account()
    with pytest.raises(accounts.AuthenticationFailed):
        with session_scope() as db:
            accounts.authenticate(db, "rep.demo", "wrong")
    with pytest.raises(accounts.AuthenticationFailed):
        with session_scope() as db:
            accounts.authenticate(db, "nobody", "wrong")


def test_idle_timeout_and_closed_account(migrated_db, portal_env):
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id))
    with session_scope() as db:
        row = db.exec(select(AuthSession)).one()
        row.last_seen_at -= timedelta(minutes=31)
        db.add(row)
    assert sessions.lookup(token) is None
    with session_scope() as db:
        token2 = sessions.create(db, db.get(Account, account.id))
        db.get(Account, account.id).status = "closed"
    assert sessions.lookup(token2) is None


def test_cookie_flags(portal_env):
    value = sessions.cookie_header_value("abc")
    assert "HttpOnly" in value and "SameSite=Lax" in value and "Secure" not in value
    portal_env(RAR_COOKIE_SECURE="true")
    assert "Secure" in sessions.cookie_header_value("abc")
