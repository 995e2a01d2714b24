"""Fail-safe demo data: never in production; on an address others can reach, the
administrator and staff accounts do not open with the published password."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account
from rar_app.services.identity.passwords import verify_secret
from rar_app.services.office import demo
from rar_app.settings import ConfigurationError
from tests.services.test_search_helpers import stop_mail_worker  # noqa: F401


def _accounts() -> dict[str, Account]:
    with session_scope() as db:
        return {a.username: a for a in db.exec(select(Account))}


def test_on_loopback_the_published_passwords_work(migrated_db):
    with session_scope() as db:
        demo.load_demo_world(db)
        assert demo.generated_passwords(db) == {}
    accounts = _accounts()
    for username in ("demo.rep", "demo.admin", "demo.staff"):
        assert verify_secret(accounts[username].password_hash, demo.DEMO_PASSWORD), username


def test_a_reachable_training_deployment_generates_admin_and_staff_passwords(migrated_db, portal_env):
    portal_env(RAR_HOST="0.0.0.0", RAR_PUBLIC_URL="http://training.example.org:3000")
    with session_scope() as db:
        demo.load_demo_world(db)
        generated = demo.generated_passwords(db)
    assert set(generated) == {"demo.admin", "demo.staff"}
    assert generated["demo.admin"] != generated["demo.staff"]
    accounts = _accounts()
    for username, password in generated.items():
        assert not verify_secret(accounts[username].password_hash, demo.DEMO_PASSWORD), username
        assert verify_secret(accounts[username].password_hash, password), username
    # The representatives keep the published password (the training material uses it).
    assert verify_secret(accounts["demo.rep"].password_hash, demo.DEMO_PASSWORD)
    printed = dict((u, p) for _r, u, p in demo.demo_sign_ins())
    assert printed["demo.admin"] == "(generated at first start)"

    # A scheduled reset keeps the passwords printed at first start.
    demo.reset_demo_world()
    accounts = _accounts()
    for username, password in generated.items():
        assert verify_secret(accounts[username].password_hash, password), username


def test_production_never_creates_the_demo_accounts(migrated_db, monkeypatch):
    from rar_app.settings import Settings

    # As if an operator forced production onto a demo database (the settings themselves
    # already refuse demo mode in production).
    monkeypatch.setattr(Settings, "is_production", property(lambda self: True))
    with pytest.raises(ConfigurationError, match="never creates the demo accounts"):
        with session_scope() as db:
            demo.load_demo_world(db)
    monkeypatch.undo()
    assert _accounts() == {}


def test_the_demo_world_leaves_an_intact_audit_chain(migrated_db):
    from rar_app.services import audit

    with session_scope() as db:
        demo.load_demo_world(db)
    with session_scope() as db:
        report = audit.verify_chain(db)
    assert report.intact and report.checked > 100
