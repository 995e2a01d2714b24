"""Enrolment: the form a representative fills to get an account, its validation
(whole or by step), and the new account — "pending" with an open enrolment
request for an administrator, or active at once on a demo deployment."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Iterable, Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rar_app.models import Account, AccountRequest, utcnow
from rar_app.services import audit
from rar_app.services.identity import merge_proof, oidc
from rar_app.services.identity.accounts import (
    LANGUAGES, FieldError, ValidationFailed, _email_errors, _own_account, _question_errors, _store_questions,
    find_by_username, normalise_email, normalise_username, password_errors, regulatory_body,
)
from rar_app.services.identity.passwords import hash_secret
from rar_app.services.identity.throttle import _check_throttle, _register_failure
from rar_app.services.messaging import messages
from rar_app.settings import get_settings

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{4,30}[a-z0-9]$")
PHONE_RE = re.compile(r"^\+?[0-9 ().-]+(?:\s*(?:x|ext\.?|poste)\s*[0-9]{1,6})?$", re.IGNORECASE)
MEMBERSHIP_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")

ENROLMENT_FIELDS = (
    "family_name", "given_names", "email", "phone", "business_name", "business_address", "language",
    "regulatory_body", "membership_number", "question_1", "answer_1", "question_2", "answer_2",
    "question_3", "answer_3", "username", "password", "password_confirmation", "previous_account",
    "previous_password",
)

_MAX_LENGTHS = {"family_name": 100, "given_names": 100, "email": 254, "phone": 40, "business_name": 200,
                "business_address": 400}


@dataclasses.dataclass
class EnrolmentForm:
    """What the enrolment form collects. `questions` holds three (question key,
    answer) pairs, keys from SECURITY_QUESTIONS. `already_enrolled` is the answer to
    "Have you already enrolled successfully?": when True, the previous account is
    named by `previous_username` or `previous_membership_number` and a merge
    request is created for an administrator. It can be approved only once control of
    the previous account is proven: `previous_password` (that account's password), the
    session of that account (`enrol(signed_in_account_id=…)`, the profile's "update your
    details"), or the single-use link then e-mailed to that account's address."""

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
    previous_password: str = ""


def normalise_phone(phone: str) -> str:
    return " ".join((phone or "").split())


def normalise_membership_number(number: str) -> str:
    return "".join((number or "").split()).upper()


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
    # A username already in use is not an error shown here: `enrol` answers as for a new
    # account and tells the owner (the form must not reveal which usernames exist).
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


def _username_in_use(db: Session, existing: Account, form: EnrolmentForm, *, ip: str, auto: bool) -> EnrolmentResult:
    """The same answer as a new enrolment (nothing is created); the username's owner is
    told by a notice (with its e-mail) that someone tried to enrol with it."""
    from rar_app.i18n import LANGS, t

    audit.record(db, "account.enrolment_username_in_use", ip=ip, object_type="account", object_id=existing.id)
    texts = {f"{part}_{lang}": t(f"signin2.notice_enrol_taken_{part}", lang) for part in ("subject", "body")
             for lang in LANGS}
    messages.post(db, account_id=existing.id, category=messages.CATEGORY_ACCOUNT, detail="updated", **texts)
    return EnrolmentResult(account_id=0, status="active" if auto else "pending", enrolment_request_id=0,
                           merge_request_id=0 if form.already_enrolled else None)


def enrol(db: Session, form: EnrolmentForm, *, ip: str = "", partner_ticket: str | None = None,
          signed_in_account_id: int | None = None) -> EnrolmentResult:
    """Create a representative's account from the enrolment form.

    The account is "pending" with an open enrolment request for an administrator,
    or "active" at once when settings.auto_approve_enrolments (demo deployments).
    `partner_ticket` (the `rar_partner` cookie set by the Sign-In Partner callback)
    links the account to that partner identity. `already_enrolled` creates an open
    merge request naming the previous account, with its proof of control (see
    EnrolmentForm; `signed_in_account_id` is the account whose session made the
    request, checked by the caller). Raises ValidationFailed."""
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
    # Every complete enrolment counts towards the address's allowance (probing usernames
    # or creating accounts in bulk slows down like failed sign-ins).
    enrol_key = f"ip:enrol:{ip.strip()}"[:200] if ip and ip.strip() else None
    _check_throttle(db, [enrol_key], ip=ip, action="account.enrolment_throttled")
    _register_failure(db, [enrol_key], ip=ip, account_id=None)
    existing = find_by_username(db, normalise_username(form.username))
    if existing is not None:
        return _username_in_use(db, existing, form, ip=ip, auto=auto)
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
        merge_proof.prove_at_enrolment(db, merge, account, form.previous_password,
                                       signed_in_account_id=signed_in_account_id, ip=ip)
    if identity is not None:
        oidc.mark_enrolled(db, partner_ticket, account.id)
    return EnrolmentResult(account_id=account.id, status=account.status, enrolment_request_id=enrolment.id,
                           merge_request_id=merge_id)


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
