"""Accounts: what every part of identity shares — the errors (a stable code, the
form field, texts in both languages), the reference lists (roles, regulatory
bodies, security questions), look-ups and access checks, and the field rules that
enrolment and the profile both apply.

The account services are split by what they do:
- `signin`: sign-in with the portal's credential or the Sign-In Partner, and the
  security-question challenge;
- `enrolment`: the enrolment form, its validation, the new account;
- `recovery`: password recovery with the three security questions;
- `own_account`: the representative's own account (details, password, e-mail, language,
  security questions, name change and closure requests);
- `throttle`: failure counters and lock-outs; `housekeeping`: periodic clean-up;
- `demo_accounts`: the demo accounts of a training deployment.

Conventions (for the pages built on top):

- Every function that acts for someone takes the acting account id (or the
  session token) explicitly and checks access itself. An id the actor may not
  see answers `NotFound`, exactly like an id that does not exist.
- Functions taking `db` run inside the caller's transaction
  (`with session_scope() as db: ...`). When one of them refuses an attempt that
  must leave a trace (failure counters, lock-outs, audit entries), it commits that
  trace on `db` *before* raising, so the caller's rollback cannot erase it.
  Functions taking a session token instead (`signin.sign_in`, `begin_challenge`,
  `answer_challenge`) own their transaction, like `sessions.lookup`.
- Errors are `AccountError` subclasses carrying `code` (stable, for the UI),
  `field` (the form field, or None) and `message_fr` / `message_en`. Form
  validation raises `ValidationFailed` whose `errors` lists one `FieldError`
  per problem, so the page can show an error summary.
- No message tells whether a username exists: unknown usernames, wrong passwords
  and non-matching recovery answers give the same error, and the throttle counts
  attempts on a username whether or not the account exists.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rar_app.models import Account, SecurityQuestion
from rar_app.services.identity.passwords import hash_secret, normalise_answer

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

ROLES = ("representative", "admin", "staff", "client")
STATUSES = ("pending", "active", "closed", "refused")
LANGUAGES = ("fr", "en")

# The security questions offered at enrolment (stored by key, shown in the
# session's language). A fixed catalogue lets password recovery show decoy
# questions for unknown usernames that look exactly like real ones.
SECURITY_QUESTIONS: dict[str, tuple[str, str]] = {
    "first_pet": ("Quel était le nom de votre premier animal de compagnie\u00a0?", "What was the name of your first pet?"),
    "birth_city": ("Dans quelle ville êtes-vous né(e)\u00a0?", "In what city were you born?"),
    "primary_school": ("Quel était le nom de votre école primaire\u00a0?", "What was the name of your primary school?"),
    "first_employer": ("Quel était le nom de votre premier employeur\u00a0?", "What was the name of your first employer?"),
    "childhood_friend": ("Quel est le prénom de votre meilleur(e) ami(e) d’enfance\u00a0?", "What is the first name of your best childhood friend?"),
    "first_car": ("Quel était le modèle de votre première voiture\u00a0?", "What was the model of your first car?"),
    "parents_met": ("Dans quelle ville vos parents se sont-ils rencontrés\u00a0?", "In what city did your parents meet?"),
    "favourite_teacher": ("Quel était le nom de famille de votre enseignant(e) préféré(e)\u00a0?", "What was the last name of your favourite teacher?"),
    "first_street": ("Quel était le nom de la première rue où vous avez habité\u00a0?", "What was the name of the first street you lived on?"),
    "grandmother_name": ("Quel est le prénom de votre grand-mère maternelle\u00a0?", "What is the first name of your maternal grandmother?"),
}

# ---------------------------------------------------------------------------
# Errors


MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_credentials": ("Le nom d’utilisateur ou le mot de passe est incorrect.", "The username or password is incorrect."),
    "throttled": ("Trop de tentatives infructueuses. Réessayez dans {wait}.", "Too many unsuccessful attempts. Try again in {wait}."),
    "account_closed": ("Ce compte est fermé.", "This account is closed."),
    "account_pending": ("Votre inscription n’a pas encore été approuvée par un administrateur.", "Your enrolment has not yet been approved by an administrator."),
    "enrolment_refused": ("Votre inscription a été refusée. Communiquez avec nous par le formulaire Web.", "Your enrolment was refused. Contact us through the web form."),
    "session_invalid": ("Votre session a pris fin. Ouvrez une nouvelle session.", "Your session has ended. Please sign in again."),
    "challenge_wrong": ("La réponse est incorrecte.", "The answer is incorrect."),
    "challenge_locked": ("Trop de réponses incorrectes. Votre session a été fermée.", "Too many incorrect answers. Your session was ended."),
    "no_security_questions": ("Aucune question de sécurité n’est associée à ce compte.", "No security questions are set on this account."),
    "recovery_failed": ("Les renseignements fournis ne nous permettent pas de réinitialiser le mot de passe.", "We cannot reset the password with the information provided."),
    "recovery_expired": ("Ce lien de réinitialisation n’est plus valide. Recommencez.", "This reset is no longer valid. Please start again."),
    "recovery_link_invalid": ("Ce lien n’est pas valide, a déjà servi ou a expiré. Entrez votre nom d’utilisateur pour recevoir un nouveau lien.",
                              "This link is not valid, was already used or has expired. Enter your username to receive a new link."),
    "merge_not_proven": ("Le contrôle du compte antérieur n’a pas été prouvé (mot de passe de ce compte ou lien envoyé à son adresse de courriel) : la fusion est impossible.",
                         "Control of the previous account was not proven (that account's password or the link sent to its email address): the merge cannot be done."),
    "merge_link_invalid": ("Ce lien de confirmation n’est pas valide, a déjà servi ou a expiré.",
                           "This confirmation link is not valid, was already used or has expired."),
    "not_found": ("Introuvable.", "Not found."),
    "forbidden": ("Vous n’avez pas accès à cette fonction.", "You do not have access to this function."),
    "request_already_open": ("Une demande du même type est déjà en traitement.", "A request of the same type is already being processed."),
    "request_not_open": ("Cette demande a déjà été traitée.", "This request has already been processed."),
    "own_request": ("Vous ne pouvez pas traiter une demande qui concerne votre propre compte ; un autre administrateur doit s’en charger.",
                    "You cannot decide a request about your own account; another administrator must do it."),
    "merge_target_not_found": ("Aucun compte ne correspond au compte antérieur indiqué.", "No account matches the previous account given."),
    "merge_ambiguous": ("Plusieurs comptes correspondent\u00a0; choisissez le compte antérieur.", "Several accounts match; choose the previous account."),
    "merge_same_account": ("Un compte ne peut pas être fusionné avec lui-même.", "An account cannot be merged into itself."),
    "enrolment_not_approved": ("L’inscription du nouveau compte n’est pas encore approuvée.", "The new account's enrolment is not approved yet."),
    "partner_already_linked": ("Cette identité du partenaire de connexion est déjà associée à un compte.", "This Sign-In Partner identity is already linked to an account."),
    "partner_expired": ("La connexion par le partenaire a expiré. Recommencez.", "The Sign-In Partner sign-in has expired. Please start again."),
    # field validation
    "required": ("Ce champ est obligatoire.", "This field is required."),
    "too_long": ("Ce champ est trop long.", "This field is too long."),
    "email_format": ("Entrez une adresse de courriel valide (par exemple nom@exemple.ca).", "Enter a valid email address (for example name@example.ca)."),
    "phone_format": ("Entrez un numéro de téléphone valide (10 à 15 chiffres).", "Enter a valid telephone number (10 to 15 digits)."),
    "language_invalid": ("Choisissez le français ou l’anglais.", "Choose French or English."),
    "regulatory_body_invalid": ("Choisissez un organisme de réglementation de la liste.", "Choose a regulatory body from the list."),
    "membership_number_format": ("Le numéro de membre ne peut contenir que des lettres, des chiffres et des traits d’union, et doit contenir au moins un chiffre.", "The membership number may contain only letters, digits and hyphens, and must contain at least one digit."),
    "question_invalid": ("Choisissez une question de la liste.", "Choose a question from the list."),
    "question_duplicate": ("Choisissez trois questions différentes.", "Choose three different questions."),
    "answer_too_short": ("La réponse doit contenir au moins 3 caractères.", "The answer must have at least 3 characters."),
    "answer_too_long": ("La réponse doit contenir au plus 100 caractères.", "The answer must have at most 100 characters."),
    "username_format": ("Le nom d’utilisateur doit contenir de 6 à 32 caractères\u00a0: lettres minuscules, chiffres, point, trait d’union ou trait de soulignement, commençant et finissant par une lettre ou un chiffre.", "The username must have 6 to 32 characters: lowercase letters, digits, dot, hyphen or underscore, starting and ending with a letter or digit."),
    "username_taken": ("Ce nom d’utilisateur n’est pas disponible.", "This username is not available."),
    "password_length": ("Le mot de passe doit contenir de 8 à 16 caractères.", "The password must have 8 to 16 characters."),
    "password_uppercase": ("Le mot de passe doit contenir au moins une lettre majuscule.", "The password must contain at least one uppercase letter."),
    "password_lowercase": ("Le mot de passe doit contenir au moins une lettre minuscule.", "The password must contain at least one lowercase letter."),
    "password_digit": ("Le mot de passe doit contenir au moins un chiffre.", "The password must contain at least one digit."),
    "password_username_sequence": ("Le mot de passe ne doit pas contenir 3 caractères consécutifs de votre nom d’utilisateur.", "The password must not contain 3 consecutive characters of your username."),
    "password_common": ("Ce mot de passe est trop courant. Choisissez-en un autre.", "This password is too common. Choose another one."),
    "password_mismatch": ("La confirmation ne correspond pas au mot de passe.", "The confirmation does not match the password."),
    "password_reused": ("Le nouveau mot de passe doit être différent de l’actuel.", "The new password must be different from the current one."),
    "current_password_wrong": ("Le mot de passe actuel est incorrect.", "The current password is incorrect."),
    "previous_account_required": ("Indiquez le nom d’utilisateur ou le numéro de membre de votre compte antérieur.", "Give the username or membership number of your previous account."),
    "proof_required": ("Joignez une pièce justificative.", "Attach a supporting document."),
    "proof_invalid": ("La pièce justificative est introuvable.", "The supporting document cannot be found."),
    "name_unchanged": ("Le nom demandé est identique au nom actuel.", "The requested name is the same as the current name."),
    "email_unchanged": ("Cette adresse de courriel est déjà celle du compte.", "This email address is already the account's."),
}


def message(code: str, language: str = "fr") -> str:
    fr, en = MESSAGES.get(code, ("Une erreur s’est produite.", "An error occurred."))
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

    def message(self, language: str = "fr") -> str:
        """The wait, in seconds under two minutes, else in minutes (rounded up)."""
        seconds = max(1, int(self.retry_after_seconds))
        if seconds < 120:
            wait = (f"{seconds}\u00a0seconde" + ("s" if seconds > 1 else "")) if language != "en" else \
                (f"{seconds} second" + ("s" if seconds > 1 else ""))
        else:
            minutes = -(-seconds // 60)
            wait = f"{minutes}\u00a0minutes" if language != "en" else f"{minutes} minutes"
        return message(self.code, language).replace("{wait}", wait)

    @property
    def message_fr(self) -> str:
        return self.message("fr")

    @property
    def message_en(self) -> str:
        return self.message("en")


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



def _questions(db: Session, account_id: int) -> list[SecurityQuestion]:
    return list(db.exec(select(SecurityQuestion).where(SecurityQuestion.account_id == account_id)
                        .order_by(SecurityQuestion.position)))


def _store_questions(db: Session, account_id: int, questions: Sequence[tuple[str, str]]) -> None:
    for old in _questions(db, account_id):
        db.delete(old)
    db.flush()
    for position, (key, answer) in enumerate(list(questions)[:3], start=1):
        db.add(SecurityQuestion(account_id=account_id, position=position, question=key.strip(),
                                answer_hash=hash_secret(normalise_answer(answer))))


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
# Field rules shared by enrolment and the profile

EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$")


def normalise_email(email: str) -> str:
    local, _, domain = (email or "").strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else (email or "").strip()


def _email_errors(email: str, field: str = "email") -> list[FieldError]:
    email = (email or "").strip()
    if not email:
        return [FieldError(field, "required")]
    if len(email) > 254:
        return [FieldError(field, "too_long")]
    return [] if EMAIL_RE.match(email) else [FieldError(field, "email_format")]



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
