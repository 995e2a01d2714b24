"""Password recovery ("Vous avez oublié votre mot de passe?"): the three security
questions (decoys for a username with no active account), a short-lived signed
token once all three answers are right, then the new password."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from typing import Mapping, Sequence

from sqlmodel import Session

from rar_app.models import Account, utcnow
from rar_app.services import audit
from rar_app.services.identity import sessions
from rar_app.services.identity.accounts import (
    SECURITY_QUESTIONS, RecoveryFailed, ValidationFailed, _fail, _questions, find_by_username,
    normalise_username, password_errors, question_text,
)
from rar_app.services.identity.passwords import hash_secret, normalise_answer, verify_secret
from rar_app.services.identity.signin import ChallengeQuestion
from rar_app.services.identity.throttle import (
    _account_key, _check_throttle, _clear_throttle, _ip_key, _register_failure, _user_key,
)
from rar_app.services.messaging import messages
from rar_app.settings import get_settings

RECOVERY_TOKEN_LIFETIME = timedelta(minutes=15)


def _decoy_questions(username: str) -> list[str]:
    """Three questions for a username that has no active account, always the same
    for that username, drawn from the same catalogue as the real ones."""
    secret = get_settings().secret_key.encode()
    keys = sorted(SECURITY_QUESTIONS, key=lambda k: hmac.new(secret, f"decoy|{normalise_username(username)}|{k}".encode(),
                                                             hashlib.sha256).digest())
    return keys[:3]


def recovery_questions(db: Session, username: str) -> list[ChallengeQuestion]:
    """The three security questions to answer to reset the password. A username
    with no active account gets three plausible questions too (never the same
    answer to them works), so this page does not reveal which usernames exist."""
    account = find_by_username(db, username)
    if account is not None and account.status == "active" and account.password_hash:
        keys = [q.question for q in _questions(db, account.id)]
    else:
        keys = _decoy_questions(username)
    return [ChallengeQuestion(position=i, key=k, text_fr=question_text(k, "fr"), text_en=question_text(k, "en"),
                              attempts_left=0) for i, k in enumerate(keys, start=1)]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _recovery_signature(account: Account, expires: int) -> str:
    key = get_settings().secret_key.encode()
    # The password hash is in the signed text: once the password changes, the token is spent.
    text = f"recovery|{account.id}|{expires}|{account.password_hash}".encode()
    return _b64(hmac.new(key, text, hashlib.sha256).digest())


def verify_recovery_answers(db: Session, username: str, answers: Sequence[str] | Mapping[int, str], *,
                            ip: str = "") -> str:
    """Check all three answers (positions 1..3, in the order of recovery_questions).
    Returns a recovery token (valid RECOVERY_TOKEN_LIFETIME, once) for
    reset_password. Raises Throttled or RecoveryFailed (the same for unknown
    usernames, non-active accounts and wrong answers); failures count towards the
    throttle like wrong passwords."""
    keys = [_user_key(username), _ip_key(ip)]
    account = find_by_username(db, username)
    _check_throttle(db, keys, ip=ip, account_id=account.id if account else None)
    given = dict(answers) if isinstance(answers, Mapping) else {i: a for i, a in enumerate(answers, start=1)}
    questions = _questions(db, account.id) if account else []
    usable = account is not None and account.status == "active" and bool(account.password_hash) and len(questions) == 3
    if usable:
        results = [verify_secret(q.answer_hash, normalise_answer(given.get(q.position, "") or "")) for q in questions]
    else:  # the same work, so the time taken tells nothing either
        results = [verify_secret(None, normalise_answer(given.get(i, "") or "")) for i in (1, 2, 3)]
    if not usable or not all(results):
        _register_failure(db, keys, ip=ip, account_id=account.id if account else None)
        audit.record(db, "account.recovery_failed", actor_id=account.id if account else None, ip=ip,
                     object_type="account", object_id=account.id if account else None)
        _fail(db, RecoveryFailed())
    expires = int((utcnow() + RECOVERY_TOKEN_LIFETIME).timestamp())
    audit.record(db, "account.recovery_verified", actor_id=account.id, ip=ip, object_type="account",
                 object_id=account.id)
    return f"{account.id}.{expires}.{_recovery_signature(account, expires)}"


def _account_for_recovery(db: Session, token: str) -> Account:
    try:
        account_id, expires, signature = (token or "").split(".")
        account = db.get(Account, int(account_id))
        expires_at = int(expires)
    except (ValueError, TypeError):
        raise RecoveryFailed("recovery_expired") from None
    if (account is None or account.status != "active" or expires_at < utcnow().timestamp()
            or not hmac.compare_digest(signature, _recovery_signature(account, expires_at))):
        raise RecoveryFailed("recovery_expired")
    return account


def reset_password(db: Session, recovery_token: str, new_password: str, confirmation: str, *, ip: str = "") -> None:
    """Choose a new password after verify_recovery_answers. Every session of the
    account is revoked; the failure counters are cleared. Raises RecoveryFailed
    ('recovery_expired') or ValidationFailed (password rules)."""
    account = _account_for_recovery(db, recovery_token)
    errors = password_errors(account.username, new_password, confirmation, field="new_password")
    if errors:
        raise ValidationFailed(errors)
    account.password_hash = hash_secret(new_password)
    db.add(account)
    sessions.revoke_all_for_account(db, account.id)
    _clear_throttle(db, [_account_key(account)])
    audit.record(db, "account.password_reset", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id)
    messages.post_account_event(db, account.id, "password_reset")
