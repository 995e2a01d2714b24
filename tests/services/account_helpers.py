"""What the account service tests share: the test password, security answers and a
test-sized argon2id (import `cheap_argon2` into a module to turn it on there)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from rar_app.services.identity import passwords

PASSWORD = "Kayak2026Zz"
ANSWERS = [("first_pet", "Pixel"), ("birth_city", "Trois-Rivières"), ("primary_school", "Sainte-Marie")]


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Still argon2id, with test-sized cost: the behaviour under test is not the hash cost."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("not-a-real-password-0"))


def take_link_from_outbox(to: str | None = None) -> str:
    """The token of the newest single-use link mailed (to `to`), read from the outbox;
    that mail is removed, so the other tests' outbox counts are unchanged."""
    import re

    from rar_app.services.identity import email_links
    from rar_app.services.messaging import mailer

    email_links.wait_sent()
    for mail in mailer.read_outbox():
        found = re.search(r"[?&]lien=([A-Za-z0-9_-]+)", mail["body"])
        if found and (to is None or mail["to"] == to):
            (mailer.outbox_dir() / mail["name"]).unlink()
            return found.group(1)
    raise AssertionError(f"no link mailed to {to or 'anyone'}")


def recovery_link(username: str, *, ip: str = "") -> str:
    """Step 1 of password recovery; returns the token of the link e-mailed to the account."""
    from rar_app.db import session_scope
    from rar_app.services.identity import recovery

    with session_scope() as db:
        recovery.send_recovery_link(db, username, ip=ip)
    return take_link_from_outbox()
