"""services.transactions.run: one service call in its own transaction, for pages."""

from __future__ import annotations

import pytest

from rar_app.db import session_scope
from rar_app.models import Account
from rar_app.services import transactions
from rar_app.services.identity import accounts, demo_accounts, own_account
from tests.services.account_helpers import cheap_argon2  # noqa: F401  (autouse)


def test_a_service_call_commits_and_a_refusal_rolls_back(migrated_db):
    ids = transactions.run(demo_accounts.ensure_demo_accounts)
    rep = ids["demo.rep"]
    assert transactions.run(own_account.get_profile, rep).username == "demo.rep"
    transactions.run(own_account.set_language, rep, "en")
    with session_scope() as db:
        assert db.get(Account, rep).language == "en"
    with pytest.raises(accounts.NotFound):  # the service's own access check still answers
        transactions.run(own_account.get_profile, rep, ids["demo.admin"])


def test_only_service_functions_are_accepted(migrated_db):
    with pytest.raises(TypeError, match="service function"):
        transactions.run(lambda db: db.get(Account, 1))
    with pytest.raises(TypeError):
        transactions.run(session_scope)
