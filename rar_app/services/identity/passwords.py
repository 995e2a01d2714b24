"""Password and security-answer hashing with argon2id (argon2-cffi)."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# A valid hash to verify against when the account does not exist, so that a
# wrong username costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str | None) -> bool:
    """True when a stored hash uses older parameters than the current ones."""
    try:
        return bool(stored_hash) and _hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return False


def normalise_answer(answer: str) -> str:
    """Security answers compare without case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", answer.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())
