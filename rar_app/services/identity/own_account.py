"""The representative's own account ("Profil du compte"): the enrolment details,
password, e-mail address, language and security questions (each sensitive change
after re-entering the password), and the requests an administrator decides: name
change (with a proof document) and closure."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any, Callable, Sequence

from sqlmodel import Session, select

from rar_app.models import Account, AccountRequest, Document
from rar_app.services import audit
from rar_app.services.identity import sessions
from rar_app.services.identity.accounts import (
    LANGUAGES, FieldError, RequestConflict, ValidationFailed, _email_errors, _fail, _own_account, _question_errors,
    _questions, _store_questions, normalise_email, password_errors, regulatory_body,
)
from rar_app.services.identity.passwords import hash_secret, verify_secret
from rar_app.services.identity.throttle import _account_key, _check_throttle, _ip_key, _register_failure
from rar_app.services.messaging import messages



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
