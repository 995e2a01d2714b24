from datetime import timedelta

from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AuditEvent, AuthSession
from rar_app.services.identity import accounts, sessions, signin
from rar_app.services.identity.passwords import hash_secret
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
        account = signin.authenticate(db, "rep.demo", "Tr0ub4dor&3x", ip="127.0.0.1")
        token = sessions.create(db, account, ip="127.0.0.1")
        ticket = sessions.issue_ticket(db, token, "browser-a")
    assert token not in ticket, "the ticket is a secret of its own, not the session token"
    assert sessions.redeem_ticket(ticket, "browser-a") == token
    assert sessions.redeem_ticket(ticket, "browser-a") is None, "a ticket works once"
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
            signin.authenticate(db, "rep.demo", "wrong")
    with pytest.raises(accounts.AuthenticationFailed):
        with session_scope() as db:
            signin.authenticate(db, "nobody", "wrong")


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


def test_idle_warning_and_absolute_lifetime(migrated_db, portal_env):
    portal_env(RAR_SESSION_IDLE_MINUTES="30", RAR_SESSION_IDLE_WARNING_MINUTES="5", RAR_SESSION_ABSOLUTE_HOURS="12")
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id))
    info = sessions.peek(token)
    assert info.expires_idle_at - info.warn_at == timedelta(minutes=5)
    assert info.expires_at - info.expires_idle_at > timedelta(hours=11)
    assert not info.should_warn() and 29 * 60 <= info.seconds_left() <= 30 * 60
    assert info.should_warn(info.warn_at + timedelta(seconds=1))
    # peek does not refresh the idle timer; keep_alive does.
    with session_scope() as db:
        row = db.exec(select(AuthSession)).one()
        row.last_seen_at -= timedelta(minutes=26)
        db.add(row)
    assert sessions.peek(token).should_warn()
    assert sessions.peek(token).should_warn(), "peeking twice still warns"
    assert not sessions.keep_alive(token).should_warn()
    # The absolute end wins over activity.
    with session_scope() as db:
        row = db.exec(select(AuthSession)).one()
        row.expires_at = row.last_seen_at + timedelta(minutes=3)
        db.add(row)
    info = sessions.peek(token)
    assert info.ends_at() == info.expires_at and info.should_warn()
    with session_scope() as db:
        row = db.exec(select(AuthSession)).one()
        row.expires_at = row.last_seen_at
        db.add(row)
    assert sessions.lookup(token) is None


def test_rotate_gives_a_new_id_and_kills_the_old(migrated_db):
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id), stage="challenge")
    assert sessions.full_session(token) is None and sessions.lookup(token).stage == "challenge"
    with session_scope() as db:
        new_token = sessions.rotate(db, token, stage="full")
    assert new_token != token and sessions.lookup(token) is None
    assert sessions.full_session(new_token).account_id == account.id
    with session_scope() as db:
        assert sessions.rotate(db, token) is None, "a dead token cannot be rotated"
    with pytest.raises(ValueError):
        with session_scope() as db:
            sessions.create(db, db.get(Account, account.id), stage="admin")


def test_sign_out_is_audited_and_revoke_all_can_keep_one(migrated_db):
    account = _account()
    with session_scope() as db:
        acct = db.get(Account, account.id)
        keep, other, third = (sessions.create(db, acct) for _ in range(3))
    assert sessions.sign_out(third, ip="10.0.0.1") == account.id
    assert sessions.sign_out(third) is None, "signing out twice does nothing"
    with session_scope() as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "auth.sign_out")).one().ip == "10.0.0.1"
        assert sessions.revoke_all_for_account(db, account.id, except_token=keep) == 1
    assert sessions.lookup(keep) is not None and sessions.lookup(other) is None


def test_purge_expired(migrated_db):
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id))
        sessions.issue_ticket(db, token, "browser-a")
    with session_scope() as db:
        assert sessions.purge_expired(db) == 0
        row = db.exec(select(AuthSession)).one()
        row.expires_at -= timedelta(days=60)
        db.add(row)
    with session_scope() as db:
        assert sessions.purge_expired(db, keep_days=30) == 1


# --------------------------------------------------------------------------- the per-worker look-up cache


def _count_statements(engine):
    from sqlalchemy import event

    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(engine, "before_cursor_execute", before)


def test_lookup_cache_spares_the_database_within_its_window(migrated_db, monkeypatch):
    from rar_app.db import get_engine

    monkeypatch.setattr(sessions, "LOOKUP_CACHE_SECONDS", 60.0)
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id))
    first = sessions.lookup(token)
    seen, stop = _count_statements(get_engine())
    try:
        again = [sessions.lookup(token) for _ in range(5)]
    finally:
        stop()
    assert again == [first] * 5
    assert seen == [], "a session seen a moment ago is not looked up again"
    # The idle-warning poll and "stay signed in" always read the database.
    seen, stop = _count_statements(get_engine())
    try:
        sessions.peek(token)
        sessions.keep_alive(token)
    finally:
        stop()
    assert len(seen) >= 2


def test_lookup_cache_never_outlives_a_revocation_or_closure(migrated_db, monkeypatch):
    monkeypatch.setattr(sessions, "LOOKUP_CACHE_SECONDS", 60.0)
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id))
        token2 = sessions.create(db, db.get(Account, account.id))
        token3 = sessions.create(db, db.get(Account, account.id))
    for tok in (token, token2, token3):
        assert sessions.lookup(tok) is not None
    sessions.sign_out(token)
    assert sessions.lookup(token) is None, "signed out: the very next event is refused"
    with session_scope() as db:
        sessions.revoke_all_for_account(db, account.id, except_token=token3)
    assert sessions.lookup(token2) is None
    assert sessions.lookup(token3) is not None
    with session_scope() as db:
        db.get(Account, account.id).status = "closed"
    assert sessions.lookup(token3) is None, "a closed account's session ends at once"


def test_lookup_cache_window_ends(migrated_db, monkeypatch):
    """A change the cache cannot see (another worker, plain SQL) is felt once the window ends."""
    from sqlalchemy import text

    from rar_app.db import get_engine

    clock = [1000.0]
    monkeypatch.setattr(sessions.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(sessions, "LOOKUP_CACHE_SECONDS", 1.0)
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id))
    assert sessions.lookup(token) is not None
    with get_engine().begin() as conn:
        conn.execute(text("UPDATE auth_session SET revoked_at = CURRENT_TIMESTAMP"))
    clock[0] += 0.5
    assert sessions.lookup(token) is not None  # within the window: this worker has not heard yet
    clock[0] += 0.6
    assert sessions.lookup(token) is None


def test_a_look_up_between_a_revocation_and_its_commit_is_not_remembered(migrated_db, monkeypatch):
    monkeypatch.setattr(sessions, "LOOKUP_CACHE_SECONDS", 60.0)
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id))
    with session_scope() as db:
        sessions.revoke_all_for_account(db, account.id)
        db.flush()
        # Another event reads the row before the commit (SQLite: a separate connection sees the old row).
        assert sessions.lookup(token) is not None
    assert sessions.lookup(token) is None, "the commit forgets what was read meanwhile"


def test_ticket_is_bound_to_the_browser_and_burnt_by_a_wrong_one(migrated_db):
    account = _account()
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account.id))
        first = sessions.issue_ticket(db, token, "browser-a")
        second = sessions.issue_ticket(db, token, "browser-a")
        third = sessions.issue_ticket(db, token, "browser-a")
    assert sessions.redeem_ticket(first, "browser-b") is None, "another browser's cookie"
    assert sessions.redeem_ticket(first, "browser-a") is None, "a ticket tried from another browser is burnt"
    assert sessions.redeem_ticket(second, None) is None, "no pre-sign-in cookie"
    assert sessions.redeem_ticket(third + "x", "browser-a") is None
    assert sessions.redeem_ticket(third, "browser-a") == token
    with session_scope() as db:
        from rar_app.models import LoginTicket

        stored = db.exec(select(LoginTicket)).all()
        assert all(token not in (t.session_token_enc + t.ticket_hash + t.browser_hash) for t in stored), \
            "the database keeps no readable session token"
        assert all(t.browser_hash == sessions.token_hash("browser-a") for t in stored)
    with pytest.raises(ValueError):
        with session_scope() as db:
            sessions.issue_ticket(db, token, "")
