"""Password recovery ("Vous avez oublié votre mot de passe?"): both factors are needed.

1. The username: `send_recovery_link` e-mails a single-use link (services/identity/
   email_links.py) to the account's address. The answer is the same whether or not the
   username exists, and requests are throttled per username and per address.
2. The link opens the page: `link_questions` gives that account's three security
   questions; `verify_recovery_answers` checks all three answers AND spends the link,
   and returns a short-lived signed token.
3. `reset_password` with that token sets the new password (a notice is sent)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from typing import Mapping, Sequence

from sqlmodel import Session

from rar_app.models import Account, utcnow
from rar_app.services import audit
from rar_app.services.identity import email_links, sessions
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


def _link_keys(username: str, ip: str) -> list[str | None]:
    ip_key = _ip_key(ip)
    return [f"user:link|{normalise_username(username)}"[:200], f"ip:link|{ip_key[3:]}"[:200] if ip_key else None]


def send_recovery_link(db: Session, username: str, *, ip: str = "") -> None:
    """Step 1: e-mail a single-use recovery link (valid email_links.LIFETIMES["recovery"])
    to the address of `username`'s account when it is active. Answers nothing either
    way, so the page cannot tell whether the username exists; every request counts
    towards a slow-down per username and per address (no one can flood an inbox).
    Raises Throttled."""
    keys = _link_keys(username, ip)
    _check_throttle(db, keys, ip=ip, action="account.recovery_link_throttled")
    _register_failure(db, keys, ip=ip, account_id=None)
    account = find_by_username(db, username)
    if account is None or account.status != "active" or not account.password_hash or not account.email:
        audit.record(db, "account.recovery_link_not_sent", ip=ip)
        return
    email_links.issue(db, account, "recovery")
    audit.record(db, "account.recovery_link_sent", actor_id=account.id, ip=ip, object_type="account",
                 object_id=account.id)


def _link_account(db: Session, link_token: str) -> tuple[Account | None, object]:
    link = email_links.find(db, link_token, "recovery")
    account = db.get(Account, link.account_id) if link is not None else None
    if account is None or account.status != "active" or not account.password_hash:
        return None, None
    return account, link


def link_questions(db: Session, link_token: str) -> list[ChallengeQuestion]:
    """Step 2: the three security questions of the account the link was sent to.
    Raises RecoveryFailed('recovery_link_invalid') for an unknown, used or expired link."""
    account, _ = _link_account(db, link_token)
    if account is None:
        raise RecoveryFailed("recovery_link_invalid")
    return recovery_questions(db, account.username)


def verify_recovery_answers(db: Session, link_token: str, answers: Sequence[str] | Mapping[int, str], *,
                            ip: str = "") -> str:
    """Check all three answers (positions 1..3, in the order of link_questions) of the
    account the recovery link was sent to; when they are right the link is spent.
    Returns a recovery token (valid RECOVERY_TOKEN_LIFETIME, once) for reset_password.
    Raises RecoveryFailed ('recovery_link_invalid' for a bad link, 'recovery_failed'
    for wrong answers) or Throttled; failures count towards the throttle like wrong
    passwords."""
    account, _ = _link_account(db, link_token)
    if account is None:
        audit.record(db, "account.recovery_link_refused", ip=ip)
        _fail(db, RecoveryFailed("recovery_link_invalid"))
    keys = [_user_key(account.username), _ip_key(ip)]
    _check_throttle(db, keys, ip=ip, account_id=account.id)
    given = dict(answers) if isinstance(answers, Mapping) else {i: a for i, a in enumerate(answers, start=1)}
    questions = _questions(db, account.id)
    if len(questions) == 3:
        results = [verify_secret(q.answer_hash, normalise_answer(given.get(q.position, "") or "")) for q in questions]
    else:
        results = [False]
    if not all(results) or email_links.consume(db, link_token, "recovery") is None:
        _register_failure(db, keys, ip=ip, account_id=account.id)
        audit.record(db, "account.recovery_failed", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id)
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
