"""Sign-in: the portal's own credential or a verified Sign-In Partner identity
gives a session in stage "challenge". Over the websocket, the page gets a
one-time ticket bound to its browser's pre-sign-in cookie, which
POST /api/session/establish turns into the HttpOnly cookie (the partner's HTTP
callback sets the cookie itself); the security
question page calls `begin_challenge` then `answer_challenge`, whose success
replaces the session by a new one in stage "full" (new token, new ticket).
"""

from __future__ import annotations

import dataclasses
import json
import secrets

from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Account, AuthSession, SecurityQuestion, utcnow
from rar_app.services import audit
from rar_app.services.identity import sessions
from rar_app.services.identity.accounts import (
    AccountClosed, AccountError, AccountPending, AuthenticationFailed, ChallengeFailed, ChallengeLocked,
    EnrolmentRefused, SessionInvalid, _fail, _questions, find_by_username, question_text,
)
from rar_app.services.identity.passwords import hash_secret, needs_rehash, normalise_answer, verify_secret
from rar_app.services.identity.throttle import (
    _account_key, _check_throttle, _clear_throttle, _ip_key, _register_failure, _user_key,
)

MAX_CHALLENGE_FAILURES = 3  # wrong answers to the security question before the session is revoked
# Roles that must enrol a second factor (second_factor.py) before anything else.
SECOND_FACTOR_ROLES = ("admin", "staff")


@dataclasses.dataclass(frozen=True)
class PartnerIdentity:
    """Who the Sign-In Partner (oidc.py) says signed in: (issuer, subject) is the stable key."""

    issuer: str
    subject: str
    email: str = ""
    email_verified: bool = False
    given_name: str = ""
    family_name: str = ""
    name: str = ""
    locale: str = ""

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "PartnerIdentity":
        data = json.loads(text)
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data})


# ---------------------------------------------------------------------------
# Sign-in with the portal's own credential


def authenticate(db: Session, username: str, password: str, *, ip: str = "") -> Account:
    """Check a username and password. Raises Throttled when the username or address
    is locked, AuthenticationFailed for a wrong pair (unknown usernames alike), and
    AccountClosed / AccountPending / EnrolmentRefused for a right pair on an account
    that may not sign in. Failures are committed on `db` before raising."""
    keys = [_user_key(username), _ip_key(ip)]
    account = find_by_username(db, username)
    _check_throttle(db, keys, ip=ip, account_id=account.id if account else None)
    ok = verify_secret(account.password_hash if account else None, password or "")
    if not ok or account is None:
        _register_failure(db, keys, ip=ip, account_id=account.id if account else None)
        audit.record(db, "auth.sign_in_failed", actor_id=account.id if account else None, ip=ip,
                     object_type="account", object_id=account.id if account else None)
        _fail(db, AuthenticationFailed())
    if account.status != "active":
        audit.record(db, "auth.sign_in_refused", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id, status=account.status)
        error = {"closed": AccountClosed, "pending": AccountPending, "refused": EnrolmentRefused}.get(
            account.status, AuthenticationFailed)
        _fail(db, error())
    if needs_rehash(account.password_hash):
        account.password_hash = hash_secret(password)
        db.add(account)
    audit.record(db, "auth.sign_in", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id, method="password")
    return account


@dataclasses.dataclass(frozen=True)
class SignInResult:
    """A session in stage "challenge": the browser posts `ticket` to
    /api/session/establish (next: the security question page). `ticket` is empty
    when no browser key was given (the partner callback sets the cookie itself)."""

    account_id: int
    token: str
    ticket: str = ""
    stage: str = "challenge"

    @property
    def next_page(self) -> str:
        """The page id that continues this sign-in."""
        return "totp_verify" if self.stage == "totp" else "challenge"


def _start_challenge_session(db: Session, account: Account, *, ip: str, user_agent: str,
                             browser_key: str = "") -> SignInResult:
    """After the credential: the one-time code when the account has a second factor,
    else the security question."""
    if account.totp_enabled_at is not None and account.totp_secret_enc:
        token = sessions.create(db, account, ip=ip, user_agent=user_agent, stage="totp")
        ticket = sessions.issue_ticket(db, token, browser_key) if browser_key else ""
        return SignInResult(account_id=account.id, token=token, ticket=ticket, stage="totp")
    positions = [q.position for q in _questions(db, account.id)]
    if not positions:
        audit.record(db, "auth.sign_in_refused", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id, reason="no_security_questions")
        _fail(db, AccountError("no_security_questions"))
    token = sessions.create(db, account, ip=ip, user_agent=user_agent, stage="challenge",
                            challenge_position=secrets.choice(positions))
    ticket = sessions.issue_ticket(db, token, browser_key) if browser_key else ""
    return SignInResult(account_id=account.id, token=token, ticket=ticket)


def sign_in(username: str, password: str, *, ip: str = "", user_agent: str = "",
            browser_key: str = "") -> SignInResult:
    """Username and password → a new session in stage "challenge" and, with the
    browser's pre-sign-in cookie `browser_key`, its ticket."""
    with session_scope() as db:
        account = authenticate(db, username, password, ip=ip)
        return _start_challenge_session(db, account, ip=ip, user_agent=user_agent, browser_key=browser_key)


@dataclasses.dataclass(frozen=True)
class NeedsEnrolment:
    """No account is linked to this partner identity: send the person to the
    enrolment form with the identity attached (oidc.py keeps it; cookie rar_partner)."""

    identity: PartnerIdentity


def sign_in_with_partner(db: Session, identity: PartnerIdentity, *, ip: str = "",
                         user_agent: str = "") -> SignInResult | NeedsEnrolment:
    """A verified Sign-In Partner identity → a new session in stage "challenge" for
    the account linked to (issuer, subject), or NeedsEnrolment when none is.
    Raises AccountClosed / AccountPending / EnrolmentRefused / Throttled."""
    account = db.exec(select(Account).where(Account.oidc_issuer == identity.issuer,
                                             Account.oidc_subject == identity.subject)).first()
    if account is None:
        audit.record(db, "auth.partner_unlinked", ip=ip, issuer=identity.issuer)
        return NeedsEnrolment(identity)
    _check_throttle(db, [_account_key(account), _ip_key(ip)], ip=ip, account_id=account.id)
    if account.status != "active":
        audit.record(db, "auth.sign_in_refused", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id, status=account.status, method="partner")
        error = {"closed": AccountClosed, "pending": AccountPending, "refused": EnrolmentRefused}.get(
            account.status, AuthenticationFailed)
        _fail(db, error())
    audit.record(db, "auth.sign_in", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id, method="partner")
    return _start_challenge_session(db, account, ip=ip, user_agent=user_agent)


# ---------------------------------------------------------------------------
# The security question after either credential


@dataclasses.dataclass(frozen=True)
class ChallengeQuestion:
    position: int
    key: str
    text_fr: str
    text_en: str
    attempts_left: int

    def text(self, language: str = "fr") -> str:
        return self.text_en if language == "en" else self.text_fr


@dataclasses.dataclass(frozen=True)
class ChallengePassed:
    """The new session (stage "full"): the browser posts `ticket` to
    /api/session/establish (next: the account home for `role`)."""

    account_id: int
    token: str
    ticket: str = ""
    role: str = "representative"
    next_page: str = ""  # a page id that continues the sign-in; "" for the role's landing page


def _challenge_row(db: Session, token: str | None) -> tuple[AuthSession, Account]:
    found = sessions.find_live(db, token)
    if found is None or found[0].stage != "challenge":
        raise SessionInvalid()
    return found


def _challenge_question(db: Session, row: AuthSession) -> SecurityQuestion:
    questions = _questions(db, row.account_id)
    if not questions:
        raise AccountError("no_security_questions")
    chosen = next((q for q in questions if q.position == row.challenge_position), None)
    if chosen is None:  # position never chosen (or questions changed): choose once, keep it
        chosen = secrets.choice(questions)
        row.challenge_position = chosen.position
        db.add(row)
    return chosen


def begin_challenge(token: str | None) -> ChallengeQuestion:
    """The security question to ask for a session in stage "challenge". The same
    question comes back on every call for that session (reloading the page does
    not let anyone pick an easier one). Raises SessionInvalid."""
    with session_scope() as db:
        row, _account = _challenge_row(db, token)
        q = _challenge_question(db, row)
        return ChallengeQuestion(position=q.position, key=q.question, text_fr=question_text(q.question, "fr"),
                                 text_en=question_text(q.question, "en"),
                                 attempts_left=MAX_CHALLENGE_FAILURES - row.challenge_failures)


def answer_challenge(token: str | None, answer: str, *, ip: str = "", user_agent: str = "",
                     browser_key: str = "") -> ChallengePassed:
    """Check the answer to the session's security question.

    Right: the challenge session is revoked and replaced by a new one in stage
    "full" (new id and token) with its ticket; the account's failure counter is
    cleared. Wrong: ChallengeFailed(attempts_left) — the failure also counts
    towards the account and address throttle; the third wrong answer revokes the
    session and raises ChallengeLocked. Raises SessionInvalid, Throttled."""
    with session_scope() as db:
        row, account = _challenge_row(db, token)
        keys = [_account_key(account), _ip_key(ip)]
        _check_throttle(db, keys, ip=ip, account_id=account.id)
        q = _challenge_question(db, row)
        if verify_secret(q.answer_hash, normalise_answer(answer or "")):
            # Administrators and staff without a second factor enrol one before anything else.
            must_enrol = account.role in SECOND_FACTOR_ROLES and not (account.totp_enabled_at and account.totp_secret_enc)
            new_token = sessions.rotate(db, token, stage="totp_setup" if must_enrol else "full", ip=ip,
                                        user_agent=user_agent)
            _clear_throttle(db, [_account_key(account)])
            audit.record(db, "auth.challenge_passed", actor_id=account.id, actor_role=account.role, ip=ip,
                         object_type="account", object_id=account.id, position=q.position)
            ticket = sessions.issue_ticket(db, new_token, browser_key) if browser_key else ""
            return ChallengePassed(account_id=account.id, token=new_token, ticket=ticket, role=account.role,
                                   next_page="totp_setup" if must_enrol else "")
        row.challenge_failures += 1
        db.add(row)
        _register_failure(db, keys, ip=ip, account_id=account.id)
        audit.record(db, "auth.challenge_failed", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id, position=q.position, failures=row.challenge_failures)
        if row.challenge_failures >= MAX_CHALLENGE_FAILURES:
            row.revoked_at = utcnow()
            audit.record(db, "auth.challenge_locked", actor_id=account.id, ip=ip, object_type="account",
                         object_id=account.id, session_id=row.id)
            _fail(db, ChallengeLocked())
        _fail(db, ChallengeFailed(MAX_CHALLENGE_FAILURES - row.challenge_failures))
        raise AssertionError("unreachable")
