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
