"""The second factor: time-based one-time passwords (RFC 6238, pyotp) and recovery codes.

Required for administrators and staff (they enrol right after their first sign-in,
in a session of stage "totp_setup", before anything else), offered to representatives
(« Profil du compte »). Once enrolled, sign-in asks the code right after the password
(session stage "totp") instead of the security question.

- The shared secret is stored encrypted with the portal's key (Fernet, from the
  `cryptography` package), never in clear; a code is accepted once (its time step is
  remembered) within one step of the server's clock.
- Ten recovery codes are shown once at enrolment; each works once and is stored as an
  argon2id hash, like passwords.
- Every change (enrolled, turned off, a recovery code used) posts a notice to the
  account's inbox, with its e-mail.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.i18n import LANGS, t
from rar_app.models import Account, AuthSession, RecoveryCode, utcnow
from rar_app.services import audit
from rar_app.services.identity import sessions
from rar_app.services.identity.accounts import AccountError, SessionInvalid, _fail
from rar_app.services.identity.passwords import hash_secret, verify_secret
from rar_app.services.identity.signin import SECOND_FACTOR_ROLES, ChallengePassed
from rar_app.services.identity.throttle import _account_key, _check_throttle, _clear_throttle, _ip_key, _register_failure
from rar_app.settings import get_settings

ISSUER = "Portail des RAR"
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
MAX_CODE_FAILURES = 5  # wrong codes in one sign-in before its session is revoked


class SecondFactorError(AccountError):
    """A refused code; `code` names the message (catalogue `totp.error_<code>`)."""

    def __init__(self, code: str, field: str = "code") -> None:
        super().__init__(code, field)

    def message(self, language: str = "fr") -> str:
        return t(f"totp.error_{self.code}", language)


# --------------------------------------------------------------------------- secrets at rest


def _fernet() -> Fernet:
    key = hashlib.sha256(b"rar-totp-secret:" + get_settings().secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _open(sealed: str | None) -> str | None:
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:  # the portal's key changed: the factor must be enrolled again
        return None


def is_enrolled(account: Account) -> bool:
    return account.totp_enabled_at is not None and bool(account.totp_secret_enc)


def required_for(role: str) -> bool:
    return role in SECOND_FACTOR_ROLES


def seed_known_secret(db: Session, account: Account, secret: str) -> None:
    """Demo only (loopback training): enrol `account` with a published secret so trainers
    can sign in. The caller decides when this is allowed."""
    account.totp_secret_enc = _seal(secret)
    account.totp_pending_enc = None
    account.totp_enabled_at = account.totp_enabled_at or utcnow()
    db.add(account)


# --------------------------------------------------------------------------- codes


def _step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (now, one before or one after) whose code is `code`."""
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = _step(now)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join(c for c in (code or "") if not c.isspace())


def _recovery_form(code: str) -> str:
    return "".join(c for c in (code or "").lower() if c.isalnum())


def _new_recovery_codes(db: Session, account: Account) -> list[str]:
    for old in db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account.id)):
        db.delete(old)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)  # 10 hex digits, shown as xxxxx-xxxxx
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.add(RecoveryCode(account_id=account.id, code_hash=hash_secret(raw)))
    return codes


def remaining_recovery_codes(db: Session, account_id: int) -> int:
    return len(db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account_id,
                                                  RecoveryCode.used_at.is_(None))).all())


def _notice(db: Session, account: Account, event: str) -> None:
    from rar_app.services.messaging import messages

    texts = {f"{part}_{lang}": t(f"totp.notice_{event}_{part}", lang) for part in ("subject", "body") for lang in LANGS}
    messages.post(db, account_id=account.id, category=messages.CATEGORY_ACCOUNT, detail="updated", **texts)


def check_code(db: Session, account: Account, code: str, *, ip: str = "", allow_recovery: bool = True) -> str:
    """A TOTP code (or, with `allow_recovery`, an unused recovery code) of an enrolled
    account. Returns "totp" or "recovery". Failures count towards the account and
    address throttle and raise SecondFactorError (committed first)."""
    keys = [_account_key(account), _ip_key(ip)]
    _check_throttle(db, keys, ip=ip, account_id=account.id)
    secret = _open(account.totp_secret_enc) if is_enrolled(account) else None
    digits = _digits(code)
    if secret and digits.isdigit() and len(digits) == 6:
        step = _matching_step(secret, digits)
        if step is not None and step > (account.totp_last_step or -1):
            account.totp_last_step = step
            db.add(account)
            return "totp"
    if secret and allow_recovery and len(_recovery_form(code)) == 10:
        wanted = _recovery_form(code)
        for row in db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account.id,
                                                      RecoveryCode.used_at.is_(None))):
            if verify_secret(row.code_hash, wanted):
                row.used_at = utcnow()
                db.add(row)
                audit.record(db, "auth.recovery_code_used", actor_id=account.id, ip=ip, object_type="account",
                             object_id=account.id)
                _notice(db, account, "recovery_used")
                return "recovery"
    _register_failure(db, keys, ip=ip, account_id=account.id)
    audit.record(db, "auth.totp_failed", actor_id=account.id, ip=ip, object_type="account", object_id=account.id)
    _fail(db, SecondFactorError("code_wrong"))
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- enrolment


@dataclasses.dataclass(frozen=True)
class SetupDetails:
    """What the enrolment page shows: the QR code (an SVG data URI) of `uri`, and the
    secret as text for manual entry (grouped by four)."""

    secret: str
    uri: str
    qr_data_uri: str

    @property
    def secret_grouped(self) -> str:
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))


def begin_setup(db: Session, account: Account) -> SetupDetails:
    """A pending secret for `account` (the same one on every call until confirmed)."""
    secret = _open(account.totp_pending_enc)
    if secret is None:
        secret = pyotp.random_base32()
        account.totp_pending_enc = _seal(secret)
        db.add(account)
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=account.username or account.email or str(account.id), issuer_name=ISSUER)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return SetupDetails(secret=secret, uri=uri, qr_data_uri=qr)


def confirm_setup(db: Session, account: Account, code: str, *, ip: str = "") -> list[str]:
    """The first code from the person's app proves it holds the pending secret: the
    factor is on. Returns the new recovery codes (shown once). Raises SecondFactorError."""
    keys = [_account_key(account), _ip_key(ip)]
    _check_throttle(db, keys, ip=ip, account_id=account.id)
    secret = _open(account.totp_pending_enc)
    digits = _digits(code)
    if secret is None:
        raise SecondFactorError("setup_expired")
    step = _matching_step(secret, digits) if digits.isdigit() and len(digits) == 6 else None
    if step is None:
        _register_failure(db, keys, ip=ip, account_id=account.id)
        audit.record(db, "auth.totp_setup_failed", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id)
        _fail(db, SecondFactorError("code_wrong"))
    replaced = is_enrolled(account)
    account.totp_secret_enc = account.totp_pending_enc
    account.totp_pending_enc = None
    account.totp_enabled_at = utcnow()
    account.totp_last_step = step
    db.add(account)
    codes = _new_recovery_codes(db, account)
    audit.record(db, "auth.totp_enabled", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id, replaced=replaced)
    _notice(db, account, "enabled")
    return codes


def disable(db: Session, account: Account, code: str, *, ip: str = "") -> None:
    """Turn the factor off (representatives only: it is required for administrators
    and staff), after a current code. Raises SecondFactorError."""
    if required_for(account.role):
        raise SecondFactorError("required")
    if not is_enrolled(account):
        raise SecondFactorError("not_enrolled")
    check_code(db, account, code, ip=ip, allow_recovery=False)
    account.totp_secret_enc = account.totp_pending_enc = None
    account.totp_enabled_at = None
    db.add(account)
    for row in db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account.id)):
        db.delete(row)
    audit.record(db, "auth.totp_disabled", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id)
    _notice(db, account, "disabled")


# --------------------------------------------------------------------------- during sign-in (by session token)


def _staged(db: Session, token: str | None, stages: tuple[str, ...]) -> tuple[AuthSession, Account]:
    found = sessions.find_live(db, token)
    if found is None or found[0].stage not in stages:
        raise SessionInvalid()
    return found


def sign_in_stage(token: str | None) -> str:
    """The stage of the session behind this cookie ("" when none is live)."""
    with session_scope() as db:
        found = sessions.find_live(db, token)
        return found[0].stage if found else ""


def answer_code(token: str | None, code: str, *, ip: str = "", user_agent: str = "",
                browser_key: str = "") -> ChallengePassed:
    """Stage "totp": a right code (or recovery code) replaces the session by a full one
    (new token) with its ticket. MAX_CODE_FAILURES wrong codes revoke the session.
    Raises SessionInvalid, SecondFactorError, Throttled."""
    with session_scope() as db:
        row, account = _staged(db, token, ("totp",))
        row.challenge_failures += 1  # counted now: a refused code commits it with the failure
        db.add(row)
        try:
            method = check_code(db, account, code, ip=ip)
        except SecondFactorError:
            if row.challenge_failures >= MAX_CODE_FAILURES:
                row.revoked_at = utcnow()
                db.add(row)
                audit.record(db, "auth.totp_locked", actor_id=account.id, ip=ip, object_type="account",
                             object_id=account.id, session_id=row.id)
                db.commit()
                raise SecondFactorError("locked") from None
            raise
        return _complete(db, token, account, method=method, ip=ip, user_agent=user_agent, browser_key=browser_key)


def _complete(db: Session, token: str | None, account: Account, *, method: str, ip: str, user_agent: str,
              browser_key: str) -> ChallengePassed:
    new_token = sessions.rotate(db, token, stage="full", ip=ip, user_agent=user_agent)
    if new_token is None:
        raise SessionInvalid()
    _clear_throttle(db, [_account_key(account)])
    audit.record(db, "auth.totp_passed", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id, method=method)
    ticket = sessions.issue_ticket(db, new_token, browser_key) if browser_key else ""
    return ChallengePassed(account_id=account.id, token=new_token, ticket=ticket, role=account.role)


def setup_for_session(token: str | None) -> tuple[SetupDetails, bool]:
    """The enrolment details for the account behind the cookie: a session of stage
    "totp_setup" (required enrolment during sign-in) or a full session (the profile).
    Returns (details, already enrolled). Raises SessionInvalid."""
    with session_scope() as db:
        _row, account = _staged(db, token, ("totp_setup", "full"))
        return begin_setup(db, account), is_enrolled(account)


def confirm_for_session(token: str | None, code: str, *, ip: str = "") -> list[str]:
    with session_scope() as db:
        _row, account = _staged(db, token, ("totp_setup", "full"))
        return confirm_setup(db, account, code, ip=ip)


def finish_setup(token: str | None, *, ip: str = "", user_agent: str = "", browser_key: str = "") -> ChallengePassed:
    """Stage "totp_setup" with the factor now on: the full session and its ticket."""
    with session_scope() as db:
        _row, account = _staged(db, token, ("totp_setup",))
        if not is_enrolled(account):
            raise SecondFactorError("not_enrolled")
        return _complete(db, token, account, method="setup", ip=ip, user_agent=user_agent, browser_key=browser_key)


def status_for(account_id: int) -> dict:
    """For the profile page: enrolled or not, since when, recovery codes left, required."""
    with session_scope() as db:
        account = db.get(Account, account_id)
        if account is None:
            raise SessionInvalid()
        return {"enrolled": is_enrolled(account), "required": required_for(account.role),
                "recovery_left": remaining_recovery_codes(db, account_id) if is_enrolled(account) else 0}


def disable_for(account_id: int, code: str, *, ip: str = "") -> None:
    with session_scope() as db:
        account = db.get(Account, account_id)
        if account is None:
            raise SessionInvalid()
        disable(db, account, code, ip=ip)
