"""Accounts: enrolment, sign-in (the portal's own credential and the Sign-In
Partner), the security-question challenge, throttling, password recovery and the
representative's own account management.

Conventions (for the pages built on top):

- Every function that acts for someone takes the acting account id (or the
  session token) explicitly and checks access itself. An id the actor may not
  see answers `NotFound`, exactly like an id that does not exist.
- Functions taking `db` run inside the caller's transaction
  (`with session_scope() as db: ...`). When one of them refuses an attempt that
  must leave a trace (failure counters, lock-outs, audit entries), it commits that
  trace on `db` *before* raising, so the caller's rollback cannot erase it.
  Functions taking a session token instead (`sign_in`, `begin_challenge`,
  `answer_challenge`) own their transaction, like `sessions.lookup`.
- Errors are `AccountError` subclasses carrying `code` (stable, for the UI),
  `field` (the form field, or None) and `message_fr` / `message_en`. Form
  validation raises `ValidationFailed` whose `errors` lists one `FieldError`
  per problem, so the page can show an error summary.
- No message tells whether a username exists: unknown usernames, wrong passwords
  and non-matching recovery answers give the same error, and the throttle counts
  attempts on a username whether or not the account exists.

Sign-in sequence: `sign_in` (or the Sign-In Partner callback, see oidc.py) gives a
session in stage "challenge" and a one-time ticket; the page
/api/session/establish turns the ticket into the HttpOnly cookie; the security
question page calls `begin_challenge` then `answer_challenge`, whose success
replaces the session by a new one in stage "full" (new token, new ticket).
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import hmac
import json
import re
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Account, AccountRequest, AuthSession, AuthThrottle, Document, SecurityQuestion, utcnow
from rar_app.services import audit
from rar_app.services.messaging import messages
from rar_app.services.identity import sessions
from rar_app.services.identity.passwords import hash_secret, needs_rehash, normalise_answer, verify_secret
from rar_app.settings import get_settings

if TYPE_CHECKING:  # pragma: no cover
    from rar_app.services.identity.oidc import PartnerIdentity

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Throttling: failures per account (username) and per address within WINDOW lock
# further attempts for LOCK. An office behind one address has several people, so
# the address limit is higher.
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LOCK = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20

MAX_CHALLENGE_FAILURES = 3  # wrong answers to the security question before the session is revoked
RECOVERY_TOKEN_LIFETIME = timedelta(minutes=15)

ROLES = ("representative", "admin", "staff", "client")
STATUSES = ("pending", "active", "closed", "refused")
LANGUAGES = ("fr", "en")

# The security questions offered at enrolment (stored by key, shown in the
# session's language). A fixed catalogue lets password recovery show decoy
# questions for unknown usernames that look exactly like real ones.
SECURITY_QUESTIONS: dict[str, tuple[str, str]] = {
    "first_pet": ("Quel était le nom de votre premier animal de compagnie?", "What was the name of your first pet?"),
    "birth_city": ("Dans quelle ville êtes-vous né(e)?", "In what city were you born?"),
    "primary_school": ("Quel était le nom de votre école primaire?", "What was the name of your primary school?"),
    "first_employer": ("Quel était le nom de votre premier employeur?", "What was the name of your first employer?"),
    "childhood_friend": ("Quel est le prénom de votre meilleur(e) ami(e) d'enfance?", "What is the first name of your best childhood friend?"),
    "first_car": ("Quel était le modèle de votre première voiture?", "What was the model of your first car?"),
    "parents_met": ("Dans quelle ville vos parents se sont-ils rencontrés?", "In what city did your parents meet?"),
    "favourite_teacher": ("Quel était le nom de famille de votre enseignant(e) préféré(e)?", "What was the last name of your favourite teacher?"),
    "first_street": ("Quel était le nom de la première rue où vous avez habité?", "What was the name of the first street you lived on?"),
    "grandmother_name": ("Quel est le prénom de votre grand-mère maternelle?", "What is the first name of your maternal grandmother?"),
}

# ---------------------------------------------------------------------------
# Errors


MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_credentials": ("Le nom d'utilisateur ou le mot de passe est incorrect.", "The username or password is incorrect."),
    "throttled": ("Trop de tentatives infructueuses. Réessayez dans 15 minutes.", "Too many unsuccessful attempts. Try again in 15 minutes."),
    "account_closed": ("Ce compte est fermé.", "This account is closed."),
    "account_pending": ("Votre inscription n'a pas encore été approuvée par un administrateur.", "Your enrolment has not yet been approved by an administrator."),
    "enrolment_refused": ("Votre inscription a été refusée. Communiquez avec nous par le formulaire Web.", "Your enrolment was refused. Contact us through the web form."),
    "session_invalid": ("Votre session a pris fin. Ouvrez une nouvelle session.", "Your session has ended. Please sign in again."),
    "challenge_wrong": ("La réponse est incorrecte.", "The answer is incorrect."),
    "challenge_locked": ("Trop de réponses incorrectes. Votre session a été fermée.", "Too many incorrect answers. Your session was ended."),
    "no_security_questions": ("Aucune question de sécurité n'est associée à ce compte.", "No security questions are set on this account."),
    "recovery_failed": ("Les renseignements fournis ne nous permettent pas de réinitialiser le mot de passe.", "We cannot reset the password with the information provided."),
    "recovery_expired": ("Ce lien de réinitialisation n'est plus valide. Recommencez.", "This reset is no longer valid. Please start again."),
    "not_found": ("Introuvable.", "Not found."),
    "forbidden": ("Vous n'avez pas accès à cette fonction.", "You do not have access to this function."),
    "request_already_open": ("Une demande du même type est déjà en traitement.", "A request of the same type is already being processed."),
    "request_not_open": ("Cette demande a déjà été traitée.", "This request has already been processed."),
    "merge_target_not_found": ("Aucun compte ne correspond au compte antérieur indiqué.", "No account matches the previous account given."),
    "merge_ambiguous": ("Plusieurs comptes correspondent; choisissez le compte antérieur.", "Several accounts match; choose the previous account."),
    "merge_same_account": ("Un compte ne peut pas être fusionné avec lui-même.", "An account cannot be merged into itself."),
    "enrolment_not_approved": ("L'inscription du nouveau compte n'est pas encore approuvée.", "The new account's enrolment is not approved yet."),
    "partner_already_linked": ("Cette identité du partenaire de connexion est déjà associée à un compte.", "This Sign-In Partner identity is already linked to an account."),
    "partner_expired": ("La connexion par le partenaire a expiré. Recommencez.", "The Sign-In Partner sign-in has expired. Please start again."),
    # field validation
    "required": ("Ce champ est obligatoire.", "This field is required."),
    "too_long": ("Ce champ est trop long.", "This field is too long."),
    "email_format": ("Entrez une adresse de courriel valide (par exemple nom@exemple.ca).", "Enter a valid email address (for example name@example.ca)."),
    "phone_format": ("Entrez un numéro de téléphone valide (10 à 15 chiffres).", "Enter a valid telephone number (10 to 15 digits)."),
    "language_invalid": ("Choisissez le français ou l'anglais.", "Choose French or English."),
    "regulatory_body_invalid": ("Choisissez un organisme de réglementation de la liste.", "Choose a regulatory body from the list."),
    "membership_number_format": ("Le numéro de membre ne peut contenir que des lettres, des chiffres et des traits d'union, et doit contenir au moins un chiffre.", "The membership number may contain only letters, digits and hyphens, and must contain at least one digit."),
    "question_invalid": ("Choisissez une question de la liste.", "Choose a question from the list."),
    "question_duplicate": ("Choisissez trois questions différentes.", "Choose three different questions."),
    "answer_too_short": ("La réponse doit contenir au moins 3 caractères.", "The answer must have at least 3 characters."),
    "answer_too_long": ("La réponse doit contenir au plus 100 caractères.", "The answer must have at most 100 characters."),
    "username_format": ("Le nom d'utilisateur doit contenir de 6 à 32 caractères : lettres minuscules, chiffres, point, trait d'union ou trait de soulignement, commençant et finissant par une lettre ou un chiffre.", "The username must have 6 to 32 characters: lowercase letters, digits, dot, hyphen or underscore, starting and ending with a letter or digit."),
    "username_taken": ("Ce nom d'utilisateur n'est pas disponible.", "This username is not available."),
    "password_length": ("Le mot de passe doit contenir de 8 à 16 caractères.", "The password must have 8 to 16 characters."),
    "password_uppercase": ("Le mot de passe doit contenir au moins une lettre majuscule.", "The password must contain at least one uppercase letter."),
    "password_lowercase": ("Le mot de passe doit contenir au moins une lettre minuscule.", "The password must contain at least one lowercase letter."),
    "password_digit": ("Le mot de passe doit contenir au moins un chiffre.", "The password must contain at least one digit."),
    "password_username_sequence": ("Le mot de passe ne doit pas contenir 3 caractères consécutifs de votre nom d'utilisateur.", "The password must not contain 3 consecutive characters of your username."),
    "password_common": ("Ce mot de passe est trop courant. Choisissez-en un autre.", "This password is too common. Choose another one."),
    "password_mismatch": ("La confirmation ne correspond pas au mot de passe.", "The confirmation does not match the password."),
    "password_reused": ("Le nouveau mot de passe doit être différent de l'actuel.", "The new password must be different from the current one."),
    "current_password_wrong": ("Le mot de passe actuel est incorrect.", "The current password is incorrect."),
    "previous_account_required": ("Indiquez le nom d'utilisateur ou le numéro de membre de votre compte antérieur.", "Give the username or membership number of your previous account."),
    "proof_required": ("Joignez une pièce justificative.", "Attach a supporting document."),
    "proof_invalid": ("La pièce justificative est introuvable.", "The supporting document cannot be found."),
    "name_unchanged": ("Le nom demandé est identique au nom actuel.", "The requested name is the same as the current name."),
    "email_unchanged": ("Cette adresse de courriel est déjà celle du compte.", "This email address is already the account's."),
}


def message(code: str, language: str = "fr") -> str:
    fr, en = MESSAGES.get(code, ("Une erreur s'est produite.", "An error occurred."))
    return en if language == "en" else fr


class AccountError(Exception):
    """Base of the account errors: a stable `code`, the form `field` it concerns
    (or None), and texts in both languages."""

    code = "error"

    def __init__(self, code: str | None = None, field: str | None = None, **params: Any) -> None:
        self.code = code or type(self).code
        self.field = field
        self.params = params
        super().__init__(self.code)

    @property
    def message_fr(self) -> str:
        return message(self.code, "fr")

    @property
    def message_en(self) -> str:
        return message(self.code, "en")

    def message(self, language: str = "fr") -> str:
        return message(self.code, language)


class AuthenticationFailed(AccountError):
    """Wrong username or password — deliberately says nothing more. Its
    subclasses (throttled, closed, pending, refused) are raised only as described
    on each, so catching this class catches every refused sign-in."""

    code = "invalid_credentials"


class Throttled(AuthenticationFailed):
    """Too many failures on this username or from this address: try again later."""

    code = "throttled"

    def __init__(self, retry_after_seconds: int = 0) -> None:
        super().__init__(retry_after_seconds=retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds


class AccountClosed(AuthenticationFailed):
    """Right credential, but the account is closed (or merged into another)."""

    code = "account_closed"


class AccountPending(AuthenticationFailed):
    """Right credential, but an administrator has not approved the enrolment yet."""

    code = "account_pending"


class EnrolmentRefused(AuthenticationFailed):
    code = "enrolment_refused"


class SessionInvalid(AccountError):
    """The token names no live session in the expected stage."""

    code = "session_invalid"


class ChallengeFailed(AccountError):
    """Wrong answer to the security question; `attempts_left` more are allowed."""

    code = "challenge_wrong"

    def __init__(self, attempts_left: int, code: str | None = None) -> None:
        super().__init__(code, "answer", attempts_left=attempts_left)
        self.attempts_left = attempts_left


class ChallengeLocked(ChallengeFailed):
    """Third wrong answer: the session is revoked; sign in again."""

    code = "challenge_locked"

    def __init__(self) -> None:
        super().__init__(0)


class RecoveryFailed(AccountError):
    code = "recovery_failed"


class NotFound(AccountError):
    code = "not_found"


class Forbidden(AccountError):
    code = "forbidden"


class RequestConflict(AccountError):
    code = "request_already_open"


@dataclasses.dataclass(frozen=True)
class FieldError:
    field: str
    code: str

    @property
    def message_fr(self) -> str:
        return message(self.code, "fr")

    @property
    def message_en(self) -> str:
        return message(self.code, "en")

    def message(self, language: str = "fr") -> str:
        return message(self.code, language)


class ValidationFailed(AccountError):
    """One or more form fields are wrong: `errors` has one FieldError per problem
    (a field may have several, e.g. two password rules)."""

    code = "invalid"

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("invalid", self.errors[0].field if self.errors else None)

    def for_field(self, field: str) -> list[FieldError]:
        return [e for e in self.errors if e.field == field]

    @property
    def codes(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e.code)
        return out


# ---------------------------------------------------------------------------
# Reference data


@dataclasses.dataclass(frozen=True)
class RegulatoryBody:
    code: str
    name_en: str
    name_fr: str  # may be empty: no official French name (see data/regulatory_bodies.md)
    province: str
    kind: str

    def name(self, language: str = "fr") -> str:
        return self.name_fr if language == "fr" and self.name_fr else self.name_en


@lru_cache(maxsize=1)
def _bodies() -> tuple[RegulatoryBody, ...]:
    with (DATA_DIR / "regulatory_bodies.csv").open(newline="", encoding="utf-8") as fh:
        return tuple(RegulatoryBody(**row) for row in csv.DictReader(fh))


def regulatory_bodies() -> list[RegulatoryBody]:
    """Bodies whose members may represent for a fee (IRPA s. 91(2)): CICC, the law
    societies and the Chambre des notaires du Québec."""
    return list(_bodies())


def regulatory_body(code: str | None) -> RegulatoryBody | None:
    return next((b for b in _bodies() if b.code == (code or "").strip().upper()), None)


def question_text(key: str, language: str = "fr") -> str:
    fr, en = SECURITY_QUESTIONS.get(key, (key, key))
    return en if language == "en" else fr


# ---------------------------------------------------------------------------
# Look-ups and access


def normalise_username(username: str | None) -> str:
    return (username or "").strip().lower()


def find_by_username(db: Session, username: str) -> Account | None:
    return db.exec(select(Account).where(Account.username == normalise_username(username))).first()


def _actor(db: Session, actor_id: int | None, *, roles: Sequence[str] | None = None) -> Account:
    """The acting account, which must exist and be active (and have one of `roles`)."""
    actor = db.get(Account, actor_id) if actor_id is not None else None
    if actor is None or actor.status != "active":
        raise Forbidden()
    if roles is not None and actor.role not in roles:
        raise Forbidden()
    return actor


def _own_account(db: Session, actor_id: int | None, account_id: int | None = None) -> Account:
    """The account the actor may act on: only their own. Anything else is NotFound."""
    actor = _actor(db, actor_id)
    if account_id is not None and account_id != actor.id:
        raise NotFound()
    return actor


def _fail(db: Session, error: AccountError) -> None:
    """Commit what was recorded about a refused attempt, then raise."""
    try:
        db.commit()
    except IntegrityError:  # a concurrent attempt created the same counter row first: that one counts
        db.rollback()
    raise error


# ---------------------------------------------------------------------------
# Throttling


def _user_key(username: str) -> str:
    return f"user:{normalise_username(username)}"[:200]


def _account_key(account: Account) -> str:
    return _user_key(account.username) if account.username else f"account:{account.id}"


def _ip_key(ip: str) -> str | None:
    return f"ip:{ip.strip()}"[:200] if ip and ip.strip() else None


def _limit(key: str) -> int:
    return MAX_FAILURES_PER_ADDRESS if key.startswith("ip:") else MAX_FAILURES_PER_ACCOUNT


def _throttle_rows(db: Session, keys: Sequence[str | None]) -> list[AuthThrottle]:
    wanted = [k for k in keys if k]
    if not wanted:
        return []
    return list(db.exec(select(AuthThrottle).where(AuthThrottle.key.in_(wanted))))


def throttle_status(db: Session, keys: Sequence[str | None]) -> int:
    """Seconds until every one of `keys` is unlocked (0: not locked)."""
    now = utcnow()
    waits = [int((row.locked_until - now).total_seconds()) + 1
             for row in _throttle_rows(db, keys) if row.locked_until and row.locked_until > now]
    return max(waits, default=0)


def _check_throttle(db: Session, keys: Sequence[str | None], *, ip: str, account_id: int | None = None,
                    action: str = "auth.throttled") -> None:
    wait = throttle_status(db, keys)
    if wait:
        audit.record(db, action, actor_id=account_id, ip=ip, object_type="account" if account_id else "",
                     object_id=account_id, keys=[k for k in keys if k])
        _fail(db, Throttled(wait))


def _register_failure(db: Session, keys: Sequence[str | None], *, ip: str, account_id: int | None) -> bool:
    """Count one failure on each key; lock keys that reach their limit. True if one was locked now."""
    now = utcnow()
    rows = {row.key: row for row in _throttle_rows(db, keys)}
    locked_now = []
    for key in [k for k in keys if k]:
        row = rows.get(key) or AuthThrottle(key=key, failures=0, window_started_at=now)
        if now - row.window_started_at > THROTTLE_WINDOW:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        if row.failures >= _limit(key) and not (row.locked_until and row.locked_until > now):
            row.locked_until = now + THROTTLE_LOCK
            row.failures, row.window_started_at = 0, now
            locked_now.append(key)
        db.add(row)
    if locked_now:
        audit.record(db, "auth.locked", actor_id=account_id, ip=ip, object_type="account" if account_id else "",
                     object_id=account_id, keys=locked_now, minutes=int(THROTTLE_LOCK.total_seconds() // 60))
    return bool(locked_now)


def _clear_throttle(db: Session, keys: Sequence[str | None]) -> None:
    for row in _throttle_rows(db, keys):
        db.delete(row)


def purge_throttles(db: Session) -> int:
    """Housekeeping: forget counters whose window and lock are both over."""
    now = utcnow()
    count = 0
    for row in db.exec(select(AuthThrottle)):
        if (row.locked_until is None or row.locked_until <= now) and now - row.window_started_at > THROTTLE_WINDOW:
            db.delete(row)
            count += 1
    return count


# ---------------------------------------------------------------------------
# Password rules (one implementation: rar_app.rules)


def password_errors(username: str | None, password: str, confirmation: str | None = None,
                    *, field: str = "password") -> list[FieldError]:
    """The portal's password rules (rar_app.rules.check_password) plus the block
    list of common passwords and, if given, the confirmation."""
    from rar_app import rules  # the rules engine (pure functions, no portal imports)

    errors: list[FieldError] = []
    if not password:
        errors.append(FieldError(field, "required"))
    else:
        result = rules.check_password(normalise_username(username), password)
        errors.extend(FieldError(field, f"password_{v}") for v in result.get("violations", []))
        if rules.is_common_password(password):
            errors.append(FieldError(field, "password_common"))
    if confirmation is not None and password and confirmation != password:
        errors.append(FieldError(f"{field}_confirmation", "password_mismatch"))
    return errors


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
    """A session in stage "challenge": send the browser to
    /api/session/establish?ticket=<ticket>&next=<security question page>."""

    account_id: int
    token: str
    ticket: str
    stage: str = "challenge"


def _start_challenge_session(db: Session, account: Account, *, ip: str, user_agent: str) -> SignInResult:
    positions = [q.position for q in _questions(db, account.id)]
    if not positions:
        audit.record(db, "auth.sign_in_refused", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id, reason="no_security_questions")
        _fail(db, AccountError("no_security_questions"))
    token = sessions.create(db, account, ip=ip, user_agent=user_agent, stage="challenge",
                            challenge_position=secrets.choice(positions))
    return SignInResult(account_id=account.id, token=token, ticket=sessions.issue_ticket(db, token))


def sign_in(username: str, password: str, *, ip: str = "", user_agent: str = "") -> SignInResult:
    """Username and password → a new session in stage "challenge" and its ticket."""
    with session_scope() as db:
        account = authenticate(db, username, password, ip=ip)
        return _start_challenge_session(db, account, ip=ip, user_agent=user_agent)


@dataclasses.dataclass(frozen=True)
class NeedsEnrolment:
    """No account is linked to this partner identity: send the person to the
    enrolment form with the identity attached (oidc.py keeps it; cookie rar_partner)."""

    identity: "PartnerIdentity"


def sign_in_with_partner(db: Session, identity: "PartnerIdentity", *, ip: str = "",
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
    """The new session (stage "full"): send the browser to
    /api/session/establish?ticket=<ticket>&next=<account home>."""

    account_id: int
    token: str
    ticket: str


def _questions(db: Session, account_id: int) -> list[SecurityQuestion]:
    return list(db.exec(select(SecurityQuestion).where(SecurityQuestion.account_id == account_id)
                        .order_by(SecurityQuestion.position)))


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


def answer_challenge(token: str | None, answer: str, *, ip: str = "", user_agent: str = "") -> ChallengePassed:
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
            new_token = sessions.rotate(db, token, stage="full", ip=ip, user_agent=user_agent)
            _clear_throttle(db, [_account_key(account)])
            audit.record(db, "auth.challenge_passed", actor_id=account.id, actor_role=account.role, ip=ip,
                         object_type="account", object_id=account.id, position=q.position)
            return ChallengePassed(account_id=account.id, token=new_token,
                                   ticket=sessions.issue_ticket(db, new_token))
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


# ---------------------------------------------------------------------------
# Enrolment

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{4,30}[a-z0-9]$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$")
PHONE_RE = re.compile(r"^\+?[0-9 ().-]+(?:\s*(?:x|ext\.?|poste)\s*[0-9]{1,6})?$", re.IGNORECASE)
MEMBERSHIP_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")

ENROLMENT_FIELDS = (
    "family_name", "given_names", "email", "phone", "business_name", "business_address", "language",
    "regulatory_body", "membership_number", "question_1", "answer_1", "question_2", "answer_2",
    "question_3", "answer_3", "username", "password", "password_confirmation", "previous_account",
)

_MAX_LENGTHS = {"family_name": 100, "given_names": 100, "email": 254, "phone": 40, "business_name": 200,
                "business_address": 400}


@dataclasses.dataclass
class EnrolmentForm:
    """What the enrolment form collects. `questions` holds three (question key,
    answer) pairs, keys from SECURITY_QUESTIONS. `already_enrolled` is the answer to
    "Have you already enrolled successfully?": when True, the previous account is
    named by `previous_username` or `previous_membership_number` and a merge
    request is created for an administrator."""

    family_name: str = ""
    given_names: str = ""
    email: str = ""
    phone: str = ""
    business_name: str = ""
    business_address: str = ""
    language: str = "fr"
    regulatory_body: str = ""
    membership_number: str = ""
    questions: Sequence[tuple[str, str]] = ()
    username: str = ""
    password: str = ""
    password_confirmation: str = ""
    already_enrolled: bool = False
    previous_username: str = ""
    previous_membership_number: str = ""


def normalise_email(email: str) -> str:
    local, _, domain = (email or "").strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else (email or "").strip()


def normalise_phone(phone: str) -> str:
    return " ".join((phone or "").split())


def normalise_membership_number(number: str) -> str:
    return "".join((number or "").split()).upper()


def _email_errors(email: str, field: str = "email") -> list[FieldError]:
    email = (email or "").strip()
    if not email:
        return [FieldError(field, "required")]
    if len(email) > 254:
        return [FieldError(field, "too_long")]
    return [] if EMAIL_RE.match(email) else [FieldError(field, "email_format")]


def _phone_errors(phone: str) -> list[FieldError]:
    phone = (phone or "").strip()
    if not phone:
        return [FieldError("phone", "required")]
    if len(phone) > 40:
        return [FieldError("phone", "too_long")]
    main = re.split(r"(?i)\s*(?:x|ext\.?|poste)\s*[0-9]", phone)[0]
    digits = sum(c.isdigit() for c in main)
    if not PHONE_RE.match(phone) or not 10 <= digits <= 15:
        return [FieldError("phone", "phone_format")]
    return []


def _question_errors(questions: Sequence[tuple[str, str]]) -> list[FieldError]:
    errors: list[FieldError] = []
    pairs = list(questions or [])[:3]
    pairs += [("", "")] * (3 - len(pairs))
    seen: set[str] = set()
    for i, (key, answer) in enumerate(pairs, start=1):
        key = (key or "").strip()
        if not key:
            errors.append(FieldError(f"question_{i}", "required"))
        elif key not in SECURITY_QUESTIONS:
            errors.append(FieldError(f"question_{i}", "question_invalid"))
        elif key in seen:
            errors.append(FieldError(f"question_{i}", "question_duplicate"))
        seen.add(key)
        normalised = normalise_answer(answer or "")
        if not normalised:
            errors.append(FieldError(f"answer_{i}", "required"))
        elif len(normalised) < 3:
            errors.append(FieldError(f"answer_{i}", "answer_too_short"))
        elif len(normalised) > 100:
            errors.append(FieldError(f"answer_{i}", "answer_too_long"))
    return errors


def validate_enrolment(db: Session, form: EnrolmentForm, *, fields: Iterable[str] | None = None) -> list[FieldError]:
    """Every problem with the form (or only with `fields`, for a form in steps).
    Field names: ENROLMENT_FIELDS."""
    errors: list[FieldError] = []
    for name in ("family_name", "business_name", "business_address"):
        value = (getattr(form, name) or "").strip()
        if not value:
            errors.append(FieldError(name, "required"))
        elif len(value) > _MAX_LENGTHS[name]:
            errors.append(FieldError(name, "too_long"))
    if len((form.given_names or "").strip()) > _MAX_LENGTHS["given_names"]:
        errors.append(FieldError("given_names", "too_long"))
    errors += _email_errors(form.email)
    errors += _phone_errors(form.phone)
    if form.language not in LANGUAGES:
        errors.append(FieldError("language", "language_invalid"))
    if not (form.regulatory_body or "").strip():
        errors.append(FieldError("regulatory_body", "required"))
    elif regulatory_body(form.regulatory_body) is None:
        errors.append(FieldError("regulatory_body", "regulatory_body_invalid"))
    number = normalise_membership_number(form.membership_number)
    if not number:
        errors.append(FieldError("membership_number", "required"))
    elif not MEMBERSHIP_RE.match(number) or not any(c.isdigit() for c in number):
        errors.append(FieldError("membership_number", "membership_number_format"))
    errors += _question_errors(form.questions)
    username = normalise_username(form.username)
    if not username:
        errors.append(FieldError("username", "required"))
    elif not USERNAME_RE.match(username):
        errors.append(FieldError("username", "username_format"))
    elif find_by_username(db, username) is not None:
        errors.append(FieldError("username", "username_taken"))
    errors += password_errors(username, form.password, form.password_confirmation or "")
    if form.already_enrolled and not ((form.previous_username or "").strip()
                                      or (form.previous_membership_number or "").strip()):
        errors.append(FieldError("previous_account", "previous_account_required"))
    if fields is not None:
        wanted = set(fields)
        errors = [e for e in errors if e.field in wanted]
    return errors


@dataclasses.dataclass(frozen=True)
class EnrolmentResult:
    account_id: int
    status: str  # "pending" until an administrator approves; "active" when auto-approved
    enrolment_request_id: int
    merge_request_id: int | None = None


def enrol(db: Session, form: EnrolmentForm, *, ip: str = "", partner_ticket: str | None = None) -> EnrolmentResult:
    """Create a representative's account from the enrolment form.

    The account is "pending" with an open enrolment request for an administrator,
    or "active" at once when settings.auto_approve_enrolments (demo deployments).
    `partner_ticket` (the `rar_partner` cookie set by the Sign-In Partner callback)
    links the account to that partner identity. `already_enrolled` creates an open
    merge request naming the previous account. Raises ValidationFailed."""
    from rar_app.services.identity import oidc

    errors = validate_enrolment(db, form)
    identity = None
    if partner_ticket:
        identity = oidc.identity_for_enrolment(db, partner_ticket)
        if identity is None:
            errors.append(FieldError("partner", "partner_expired"))
        elif db.exec(select(Account).where(Account.oidc_issuer == identity.issuer,
                                           Account.oidc_subject == identity.subject)).first():
            errors.append(FieldError("partner", "partner_already_linked"))
    if errors:
        raise ValidationFailed(errors)

    settings = get_settings()
    now = utcnow()
    auto = settings.auto_approve_enrolments
    account = Account(
        role="representative",
        status="active" if auto else "pending",
        username=normalise_username(form.username),
        password_hash=hash_secret(form.password),
        oidc_issuer=identity.issuer if identity else None,
        oidc_subject=identity.subject if identity else None,
        family_name=form.family_name.strip(),
        given_names=(form.given_names or "").strip(),
        email=normalise_email(form.email),
        phone=normalise_phone(form.phone),
        business_name=form.business_name.strip(),
        business_address=form.business_address.strip(),
        language=form.language,
        regulatory_body=regulatory_body(form.regulatory_body).code,
        membership_number=normalise_membership_number(form.membership_number),
        created_at=now,
        approved_at=now if auto else None,
    )
    db.add(account)
    try:
        db.flush()
    except IntegrityError:  # the same username taken a moment ago by another enrolment
        db.rollback()
        raise ValidationFailed([FieldError("username", "username_taken")]) from None
    _store_questions(db, account.id, form.questions)
    enrolment = AccountRequest(account_id=account.id, kind="enrolment", status="approved" if auto else "open",
                               details=json.dumps({"auto_approved": auto}), created_at=now,
                               decided_at=now if auto else None)
    db.add(enrolment)
    db.flush()
    audit.record(db, "account.enrolled", actor_id=account.id, actor_role="representative", ip=ip,
                 object_type="account", object_id=account.id, username=account.username,
                 regulatory_body=account.regulatory_body, partner_linked=identity is not None)
    if auto:
        audit.record(db, "account.enrolment_auto_approved", ip=ip, object_type="account", object_id=account.id,
                     request_id=enrolment.id)
        messages.post_account_event(db, account.id, "enrolment_approved")
    merge_id = None
    if form.already_enrolled:
        merge = AccountRequest(account_id=account.id, kind="merge", created_at=now, details=json.dumps({
            "previous_username": normalise_username(form.previous_username) or None,
            "previous_membership_number": normalise_membership_number(form.previous_membership_number) or None,
        }))
        db.add(merge)
        db.flush()
        merge_id = merge.id
        audit.record(db, "account.merge_requested", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id, request_id=merge.id)
    if identity is not None:
        oidc.mark_enrolled(db, partner_ticket, account.id)
    return EnrolmentResult(account_id=account.id, status=account.status, enrolment_request_id=enrolment.id,
                           merge_request_id=merge_id)


def _store_questions(db: Session, account_id: int, questions: Sequence[tuple[str, str]]) -> None:
    for old in _questions(db, account_id):
        db.delete(old)
    db.flush()
    for position, (key, answer) in enumerate(list(questions)[:3], start=1):
        db.add(SecurityQuestion(account_id=account_id, position=position, question=key.strip(),
                                answer_hash=hash_secret(normalise_answer(answer))))


def enrolment_prefill(db: Session, actor_id: int) -> dict[str, Any]:
    """"Update personal or professional details" is a new enrolment followed by a
    merge: the current details to prefill that form (never the secrets)."""
    account = _own_account(db, actor_id)
    return {
        "family_name": account.family_name, "given_names": account.given_names, "email": account.email,
        "phone": account.phone, "business_name": account.business_name,
        "business_address": account.business_address, "language": account.language,
        "regulatory_body": account.regulatory_body or "", "membership_number": account.membership_number or "",
        "already_enrolled": True, "previous_username": account.username or "",
    }


# ---------------------------------------------------------------------------
# Password recovery ("Vous avez oublié votre mot de passe?")


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


# ---------------------------------------------------------------------------
# The representative's own account ("Profil du compte")


@dataclasses.dataclass(frozen=True)
class Profile:
    account_id: int
    username: str | None
    role: str
    status: str
    family_name: str
    given_names: str
    email: str
    phone: str
    business_name: str
    business_address: str
    language: str
    regulatory_body: str | None
    regulatory_body_name_fr: str
    regulatory_body_name_en: str
    membership_number: str | None
    partner_linked: bool
    security_questions: tuple[str, ...]  # keys, in position order
    created_at: datetime
    approved_at: datetime | None
    open_requests: tuple[dict[str, Any], ...]  # {"id", "kind", "created_at"}


def get_profile(db: Session, actor_id: int, account_id: int | None = None) -> Profile:
    """The actor's own enrolment details. Another account's id answers NotFound."""
    account = _own_account(db, actor_id, account_id)
    body = regulatory_body(account.regulatory_body)
    open_requests = db.exec(select(AccountRequest).where(AccountRequest.account_id == account.id,
                                                         AccountRequest.status == "open")
                            .order_by(AccountRequest.id))
    return Profile(
        account_id=account.id, username=account.username, role=account.role, status=account.status,
        family_name=account.family_name, given_names=account.given_names, email=account.email,
        phone=account.phone, business_name=account.business_name, business_address=account.business_address,
        language=account.language, regulatory_body=account.regulatory_body,
        regulatory_body_name_fr=body.name("fr") if body else "", regulatory_body_name_en=body.name("en") if body else "",
        membership_number=account.membership_number,
        partner_linked=bool(account.oidc_issuer and account.oidc_subject),
        security_questions=tuple(q.question for q in _questions(db, account.id)),
        created_at=account.created_at, approved_at=account.approved_at,
        open_requests=tuple({"id": r.id, "kind": r.kind, "created_at": r.created_at} for r in open_requests),
    )


def _check_current_password(db: Session, account: Account, password: str, *, ip: str,
                            field: str = "current_password") -> None:
    """Re-entry of the password before a sensitive change. Wrong: counts as a
    failure (throttle), committed, ValidationFailed(current_password_wrong)."""
    keys = [_account_key(account), _ip_key(ip)]
    _check_throttle(db, keys, ip=ip, account_id=account.id)
    if not verify_secret(account.password_hash, password or ""):
        _register_failure(db, keys, ip=ip, account_id=account.id)
        audit.record(db, "account.password_check_failed", actor_id=account.id, ip=ip, object_type="account",
                     object_id=account.id)
        _fail(db, ValidationFailed([FieldError(field, "current_password_wrong")]))


def change_password(db: Session, actor_id: int, current_password: str, new_password: str, confirmation: str, *,
                    ip: str = "", keep_session_token: str | None = None) -> None:
    """"Modifier votre mot de passe": current, new, confirmation. Other sessions of
    the account are revoked (all but `keep_session_token`). Raises Throttled,
    ValidationFailed (current_password_wrong, password_* rules, password_mismatch,
    password_reused)."""
    account = _own_account(db, actor_id)
    _check_current_password(db, account, current_password, ip=ip)
    errors = password_errors(account.username, new_password, confirmation, field="new_password")
    if not errors and new_password == current_password:
        errors.append(FieldError("new_password", "password_reused"))
    if errors:
        raise ValidationFailed(errors)
    account.password_hash = hash_secret(new_password)
    db.add(account)
    sessions.revoke_all_for_account(db, account.id, except_token=keep_session_token)
    audit.record(db, "account.password_changed", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id)
    messages.post_account_event(db, account.id, "password_changed")


def change_email(db: Session, actor_id: int, password: str, new_email: str, *, ip: str = "") -> str:
    """Change the email address after re-entering the password. Returns the stored
    address. Raises Throttled, ValidationFailed (current_password_wrong, email_*)."""
    account = _own_account(db, actor_id)
    _check_current_password(db, account, password, ip=ip, field="password")
    errors = _email_errors(new_email, field="email")
    if not errors and normalise_email(new_email).lower() == account.email.lower():
        errors.append(FieldError("email", "email_unchanged"))
    if errors:
        raise ValidationFailed(errors)
    old = account.email
    account.email = normalise_email(new_email)
    db.add(account)
    audit.record(db, "account.email_changed", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id, old=old, new=account.email)
    # The notice goes to the address being replaced: its owner learns of the change.
    messages.post_account_event(db, account.id, "email_changed", {"email": account.email}, email_to=old or None)
    return account.email


def set_language(db: Session, actor_id: int, language: str, *, ip: str = "") -> None:
    account = _own_account(db, actor_id)
    if language not in LANGUAGES:
        raise ValidationFailed([FieldError("language", "language_invalid")])
    if account.language != language:
        audit.record(db, "account.language_changed", actor_id=account.id, actor_role=account.role, ip=ip,
                     object_type="account", object_id=account.id, old=account.language, new=language)
        account.language = language
        db.add(account)


def change_security_questions(db: Session, actor_id: int, password: str, questions: Sequence[tuple[str, str]], *,
                              ip: str = "") -> None:
    """Replace the three security questions and answers, after re-entering the
    password. Raises Throttled, ValidationFailed (current_password_wrong, question_*, answer_*)."""
    account = _own_account(db, actor_id)
    _check_current_password(db, account, password, ip=ip, field="password")
    errors = _question_errors(questions)
    if errors:
        raise ValidationFailed(errors)
    _store_questions(db, account.id, questions)
    audit.record(db, "account.security_questions_changed", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id)
    messages.post_account_event(db, account.id, "security_questions_changed")


def _has_open_request(db: Session, account_id: int, kind: str) -> bool:
    return db.exec(select(AccountRequest).where(AccountRequest.account_id == account_id,
                                                AccountRequest.kind == kind,
                                                AccountRequest.status == "open")).first() is not None


@dataclasses.dataclass(frozen=True)
class ProofFile:
    """A proof document given as bytes, for `store_proof`."""

    filename: str
    content_type: str
    data: bytes


def request_name_change(db: Session, actor_id: int, *, family_name: str, given_names: str = "",
                        document_id: int | None = None, proof: ProofFile | None = None,
                        store_proof: Callable[[Session, int, ProofFile], int] | None = None,
                        ip: str = "") -> int:
    """A name change request (web form request type "Difficultés techniques" /
    "Technical difficulties") with a required proof document: either the id of a
    document the actor already owns, or `proof` bytes stored by `store_proof(db,
    owner_id, proof) -> document id` (the documents service). An administrator
    decides (requests.approve). Returns the request id.
    Raises ValidationFailed (family_name, proof_required, proof_invalid, name_unchanged), RequestConflict."""
    account = _own_account(db, actor_id)
    errors: list[FieldError] = []
    family_name, given_names = (family_name or "").strip(), (given_names or "").strip()
    if not family_name:
        errors.append(FieldError("family_name", "required"))
    elif len(family_name) > 100:
        errors.append(FieldError("family_name", "too_long"))
    if len(given_names) > 100:
        errors.append(FieldError("given_names", "too_long"))
    if (family_name, given_names) == (account.family_name, account.given_names):
        errors.append(FieldError("family_name", "name_unchanged"))
    if document_id is None and proof is None:
        errors.append(FieldError("proof", "proof_required"))
    elif document_id is not None:
        doc = db.get(Document, document_id)
        if doc is None or doc.owner_id != account.id or doc.deleted_at is not None:
            errors.append(FieldError("proof", "proof_invalid"))
    elif store_proof is None or not proof.data:
        errors.append(FieldError("proof", "proof_required" if not proof.data else "proof_invalid"))
    if errors:
        raise ValidationFailed(errors)
    if _has_open_request(db, account.id, "name_change"):
        raise RequestConflict()
    if document_id is None:
        document_id = store_proof(db, account.id, proof)
    request = AccountRequest(account_id=account.id, kind="name_change", document_id=document_id, details=json.dumps({
        "request_type": "technical_difficulties",
        "family_name": family_name, "given_names": given_names,
        "old_family_name": account.family_name, "old_given_names": account.given_names,
    }))
    db.add(request)
    db.flush()
    audit.record(db, "account.name_change_requested", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id, request_id=request.id, document_id=document_id)
    return request.id


def request_closure(db: Session, actor_id: int, *, reason: str = "", ip: str = "") -> int:
    """Ask to close the account. Once an administrator approves it, sign-in is
    refused with 'account_closed'. Returns the request id. Raises RequestConflict."""
    account = _own_account(db, actor_id)
    if _has_open_request(db, account.id, "close"):
        raise RequestConflict()
    request = AccountRequest(account_id=account.id, kind="close", details=json.dumps({"reason": (reason or "")[:1000]}))
    db.add(request)
    db.flush()
    audit.record(db, "account.closure_requested", actor_id=account.id, actor_role=account.role, ip=ip,
                 object_type="account", object_id=account.id, request_id=request.id)
    return request.id


def my_requests(db: Session, actor_id: int) -> list[dict[str, Any]]:
    """The actor's own requests, newest first."""
    account = _own_account(db, actor_id)
    rows = db.exec(select(AccountRequest).where(AccountRequest.account_id == account.id)
                   .order_by(AccountRequest.id.desc()))
    return [{"id": r.id, "kind": r.kind, "status": r.status, "created_at": r.created_at,
             "decided_at": r.decided_at} for r in rows]


def housekeeping(db: Session) -> dict[str, int]:
    """Periodic clean-up (a manage command or a timer): ended sessions and tickets,
    spent throttle counters, abandoned Sign-In Partner logins."""
    from rar_app.services.identity import oidc

    return {"sessions": sessions.purge_expired(db), "throttles": purge_throttles(db),
            "oidc_logins": oidc.purge_expired(db)}


# ---------------------------------------------------------------------------
# Demo accounts

DEMO_PASSWORD = "Portail2026Rar"  # meets the rules for demo.rep, demo.admin and demo.staff; not a common password
DEMO_SECURITY_ANSWERS: tuple[tuple[str, str], ...] = (
    ("first_pet", "Pixel"),
    ("birth_city", "Trois-Rivières"),  # accents and case do not matter: "trois-rivieres" works too
    ("primary_school", "Sainte-Marie"),
)
DEMO_ACCOUNTS: dict[str, dict[str, Any]] = {
    "demo.rep": dict(role="representative", family_name="Démo", given_names="Camille",
                     email="demo.rep@example.invalid", phone="514-555-0100",
                     business_name="Cabinet Démo Immigration", business_address="100, rue Exemple, Montréal (Québec)  H2X 1Y4",
                     language="fr", regulatory_body="CICC", membership_number="R700001"),
    "demo.admin": dict(role="admin", family_name="Admin", given_names="Démo", email="demo.admin@example.invalid",
                       phone="613-555-0101", business_name="Portail des RAR", business_address="Ottawa (Ontario)",
                       language="fr"),
    "demo.staff": dict(role="staff", family_name="Agent", given_names="Démo", email="demo.staff@example.invalid",
                       phone="613-555-0102", business_name="Portail des RAR", business_address="Ottawa (Ontario)",
                       language="fr"),
}


def ensure_demo_accounts(db: Session) -> dict[str, int]:
    """Create the demo accounts if missing (idempotent): an active representative
    `demo.rep`, an administrator `demo.admin` and back-office staff `demo.staff`,
    all with password DEMO_PASSWORD and the security answers DEMO_SECURITY_ANSWERS.
    Returns username → account id."""
    ids: dict[str, int] = {}
    for username, details in DEMO_ACCOUNTS.items():
        account = find_by_username(db, username)
        if account is None:
            now = utcnow()
            account = Account(username=username, password_hash=hash_secret(DEMO_PASSWORD), status="active",
                              created_at=now, approved_at=now, **details)
            db.add(account)
            db.flush()
            _store_questions(db, account.id, DEMO_SECURITY_ANSWERS)
            audit.record(db, "account.demo_created", object_type="account", object_id=account.id,
                         username=username, role=account.role)
        ids[username] = account.id
    return ids
