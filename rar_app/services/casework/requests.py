"""Account requests decided by administrators: enrolment approval, merge of a
previous account into a new one, name change ("Difficultés techniques") and
account closure.

Every function takes the acting account id and checks it is an active
administrator (role "admin"); anyone else gets `accounts.Forbidden`. Every
decision is recorded in the audit log, on the request's account and, for a merge,
on both accounts.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from rar_app.models import Account, AccountRequest, Application, Client, Document, utcnow
from rar_app.services import audit
from rar_app.services.messaging import messages
from rar_app.services.identity import sessions
from rar_app.services.identity.accounts import AccountError, NotFound, _actor, regulatory_body

KINDS = ("enrolment", "merge", "name_change", "close")
ADMIN_ROLES = ("admin",)


@dataclasses.dataclass(frozen=True)
class AccountSummary:
    account_id: int
    username: str | None
    role: str
    status: str
    family_name: str
    given_names: str
    email: str
    phone: str
    business_name: str
    regulatory_body: str | None
    regulatory_body_name: str
    membership_number: str | None
    created_at: datetime


@dataclasses.dataclass(frozen=True)
class RequestView:
    request_id: int
    kind: str
    status: str
    created_at: datetime
    account: AccountSummary
    details: dict[str, Any]
    document_id: int | None
    decided_by_id: int | None
    decided_at: datetime | None
    merge_candidates: tuple[AccountSummary, ...] = ()  # for a merge: the accounts the request may name


def _summary(account: Account) -> AccountSummary:
    body = regulatory_body(account.regulatory_body)
    return AccountSummary(
        account_id=account.id, username=account.username, role=account.role, status=account.status,
        family_name=account.family_name, given_names=account.given_names, email=account.email,
        phone=account.phone, business_name=account.business_name, regulatory_body=account.regulatory_body,
        regulatory_body_name=body.name("fr") if body else "", membership_number=account.membership_number,
        created_at=account.created_at,
    )


def _details(request: AccountRequest) -> dict[str, Any]:
    try:
        return json.loads(request.details or "{}")
    except ValueError:
        return {}


def merge_candidates(db: Session, request: AccountRequest) -> list[Account]:
    """Representative accounts (not closed, not the new one) the merge request
    names by username, else by membership number (same regulatory body first)."""
    details = _details(request)
    new = db.get(Account, request.account_id)
    base = select(Account).where(Account.role == "representative", Account.id != request.account_id,
                                 Account.status.in_(("active", "pending")), Account.merged_into_id.is_(None))
    if details.get("previous_username"):
        found = db.exec(base.where(Account.username == details["previous_username"])).first()
        if found is not None:
            return [found]
    number = details.get("previous_membership_number")
    if number:
        rows = list(db.exec(base.where(Account.membership_number == number).order_by(Account.id)))
        same_body = [a for a in rows if new is not None and a.regulatory_body == new.regulatory_body]
        return same_body or rows
    return []


def _view(db: Session, request: AccountRequest) -> RequestView:
    account = db.get(Account, request.account_id)
    candidates = tuple(_summary(a) for a in merge_candidates(db, request)) if request.kind == "merge" else ()
    return RequestView(request_id=request.id, kind=request.kind, status=request.status,
                       created_at=request.created_at, account=_summary(account), details=_details(request),
                       document_id=request.document_id, decided_by_id=request.decided_by_id,
                       decided_at=request.decided_at, merge_candidates=candidates)


def list_open(db: Session, actor_id: int, *, kind: str | None = None) -> list[RequestView]:
    """Open requests, oldest first (optionally of one kind)."""
    _actor(db, actor_id, roles=ADMIN_ROLES)
    query = select(AccountRequest).where(AccountRequest.status == "open")
    if kind is not None:
        query = query.where(AccountRequest.kind == kind)
    return [_view(db, r) for r in db.exec(query.order_by(AccountRequest.id))]


def get_request(db: Session, actor_id: int, request_id: int) -> RequestView:
    _actor(db, actor_id, roles=ADMIN_ROLES)
    request = db.get(AccountRequest, request_id)
    if request is None:
        raise NotFound()
    return _view(db, request)


def _open_request(db: Session, request_id: int, admin: Account, *, ip: str = "") -> AccountRequest:
    request = db.get(AccountRequest, request_id)
    if request is None:
        raise NotFound()
    if request.status != "open":
        raise AccountError("request_not_open")
    if request.account_id == admin.id:
        # No one decides about their own account (enrolment, merge, name, closure).
        audit.note_refusal(db, actor_id=admin.id, actor_role=admin.role, object_type="account_request",
                           object_id=request.id, ip=ip, reason="own_account")
        raise AccountError("own_request")
    return request


def _decide(request: AccountRequest, admin: Account, status: str, **extra: Any) -> None:
    request.status = status
    request.decided_by_id = admin.id
    request.decided_at = utcnow()
    if extra:
        request.details = json.dumps({**_details(request), **extra}, default=str)


def approve(db: Session, actor_id: int, request_id: int, *, previous_account_id: int | None = None,
            ip: str = "") -> RequestView:
    """Approve an open request and carry it out:

    - enrolment: the account becomes active;
    - merge: applications, clients and documents of the previous account move to
      the new one and the previous account is closed (`previous_account_id`
      chooses among several candidates);
    - name_change: the account takes the requested names;
    - close: the account is closed and its sessions revoked.

    A merge needs proof of control of the account it closes (services/identity/
    merge_proof.py). Raises Forbidden, NotFound, AccountError(request_not_open,
    merge_target_not_found, merge_ambiguous, merge_same_account, enrolment_not_approved,
    merge_not_proven)."""
    admin = _actor(db, actor_id, roles=ADMIN_ROLES)
    request = _open_request(db, request_id, admin, ip=ip)
    account = db.get(Account, request.account_id)
    now = utcnow()
    if request.kind == "enrolment":
        account.status = "active"
        account.approved_at = now
        _decide(request, admin, "approved")
        audit.record(db, "account.enrolment_approved", actor_id=admin.id, actor_role=admin.role, ip=ip,
                     object_type="account", object_id=account.id, request_id=request.id)
        messages.post_account_event(db, account.id, "enrolment_approved")
    elif request.kind == "merge":
        previous = _merge_target(db, request, previous_account_id)
        if previous.id == admin.id:
            raise AccountError("own_request")  # nor about the account a merge would close
        if account.status != "active":
            raise AccountError("enrolment_not_approved")
        if _details(request).get("proven_account_id") != previous.id:
            # Takeovers need proof: the earlier account's password, its session or its e-mail link.
            audit.note_refusal(db, actor_id=admin.id, actor_role=admin.role, object_type="account_request",
                               object_id=request.id, ip=ip, reason="merge_not_proven")
            raise AccountError("merge_not_proven")
        moved = merge_accounts(db, admin, previous, account, ip=ip, request_id=request.id)
        _decide(request, admin, "approved", merged_account_id=previous.id, moved=moved)
        messages.post_account_event(db, account.id, "merge_approved", {
            "previous": previous.username or previous.membership_number or "", **moved})
    elif request.kind == "name_change":
        details = _details(request)
        old = {"family_name": account.family_name, "given_names": account.given_names}
        account.family_name = details.get("family_name", account.family_name)
        account.given_names = details.get("given_names", account.given_names)
        _decide(request, admin, "approved")
        audit.record(db, "account.name_changed", actor_id=admin.id, actor_role=admin.role, ip=ip,
                     object_type="account", object_id=account.id, request_id=request.id, old=old,
                     new={"family_name": account.family_name, "given_names": account.given_names},
                     document_id=request.document_id)
        messages.post_account_event(db, account.id, "name_change_approved",
                                    {"name": f"{account.given_names} {account.family_name}".strip()})
    elif request.kind == "close":
        _close(db, account, now)
        _decide(request, admin, "approved")
        audit.record(db, "account.closed", actor_id=admin.id, actor_role=admin.role, ip=ip,
                     object_type="account", object_id=account.id, request_id=request.id)
    else:
        raise AccountError("request_not_open")
    db.add(account)
    db.add(request)
    db.flush()
    return _view(db, request)


def refuse(db: Session, actor_id: int, request_id: int, *, reason: str = "", ip: str = "") -> RequestView:
    """Refuse an open request. A refused enrolment leaves the account unable to sign
    in ('enrolment_refused'); other refusals change nothing on the account."""
    admin = _actor(db, actor_id, roles=ADMIN_ROLES)
    request = _open_request(db, request_id, admin, ip=ip)
    account = db.get(Account, request.account_id)
    if request.kind == "enrolment" and account.status == "pending":
        account.status = "refused"
        db.add(account)
    _decide(request, admin, "refused", refusal_reason=(reason or "")[:1000])
    db.add(request)
    audit.record(db, f"account.{request.kind}_refused", actor_id=admin.id, actor_role=admin.role, ip=ip,
                 object_type="account", object_id=account.id, request_id=request.id, reason=reason[:1000])
    # A refused enrolment cannot sign in to read it: its e-mail notice says it was refused
    # (without the reason: notices carry no content) and how to enrol again; sign-in says so too.
    messages.post_account_event(db, account.id, f"{request.kind}_refused",
                                {"reason": (reason or "").strip()[:1000] or "—"}, detail="information")
    db.flush()
    return _view(db, request)


def _merge_target(db: Session, request: AccountRequest, previous_account_id: int | None) -> Account:
    candidates = merge_candidates(db, request)
    if previous_account_id is not None:
        if previous_account_id == request.account_id:
            raise AccountError("merge_same_account")
        chosen = next((a for a in candidates if a.id == previous_account_id), None)
        if chosen is None:
            raise AccountError("merge_target_not_found")
        return chosen
    if not candidates:
        raise AccountError("merge_target_not_found")
    if len(candidates) > 1:
        raise AccountError("merge_ambiguous")
    return candidates[0]


def _close(db: Session, account: Account, now: datetime) -> None:
    account.status = "closed"
    account.closed_at = now
    sessions.revoke_all_for_account(db, account.id)


def merge_accounts(db: Session, admin: Account, previous: Account, new: Account, *, ip: str = "",
                   request_id: int | None = None) -> dict[str, int]:
    """Move everything of `previous` to `new` (applications, clients, documents;
    the Sign-In Partner link too when `new` has none), then close `previous`
    (merged_into_id = new). Both accounts get an audit entry with the counts."""
    if previous.id == new.id:
        raise AccountError("merge_same_account")
    db.flush()
    moved = {}
    for name, model, column in (("applications", Application, Application.representative_id),
                                ("clients", Client, Client.representative_id),
                                ("documents", Document, Document.owner_id)):
        result = db.execute(update(model).where(column == previous.id).values({column.key: new.id}),
                            execution_options={"synchronize_session": "fetch"})
        moved[name] = result.rowcount or 0
    partner_moved = False
    if previous.oidc_subject and not new.oidc_subject:
        issuer, subject = previous.oidc_issuer, previous.oidc_subject
        previous.oidc_issuer = previous.oidc_subject = None
        db.add(previous)
        db.flush()  # free the (issuer, subject) pair before giving it to the new account
        new.oidc_issuer, new.oidc_subject = issuer, subject
        db.add(new)
        partner_moved = True
    now = utcnow()
    _close(db, previous, now)
    previous.merged_into_id = new.id
    db.add(previous)
    audit.record(db, "account.merged_into", actor_id=admin.id, actor_role=admin.role, ip=ip, object_type="account",
                 object_id=previous.id, into_account_id=new.id, request_id=request_id, partner_moved=partner_moved,
                 **moved)
    audit.record(db, "account.merged_from", actor_id=admin.id, actor_role=admin.role, ip=ip, object_type="account",
                 object_id=new.id, from_account_id=previous.id, request_id=request_id, partner_moved=partner_moved,
                 **moved)
    return moved
