"""Takeovers need proof: a merge request (a new enrolment naming an earlier account)
can be approved only once the person has shown control of that earlier account.

The proof, recorded in the request's details as `proven_account_id` and `proof`:
- "session": the request was made while signed in to that account (the profile's
  "update your details", which is a new enrolment naming the current account);
- "password": the earlier account's password, typed in the enrolment form (failures
  count towards that account's slow-down, like failed sign-ins);
- "email_link": otherwise a single-use link (services/identity/email_links.py) is sent to
  the address of each account the request names; following it and pressing
  « Confirmer la fusion » proves control.

Nothing here tells the person enrolling whether the named account exists: a wrong
password, a slowed-down account or an unknown name all end in "a link was sent if
the account exists". `requests.approve` refuses a merge without proof of the account
it would close ('merge_not_proven').
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlmodel import Session

from rar_app.models import Account, AccountRequest
from rar_app.services import audit
from rar_app.services.identity import email_links
from rar_app.services.identity.accounts import AccountError
from rar_app.services.identity.passwords import verify_secret
from rar_app.services.identity.throttle import (
    _account_key, _clear_throttle, _ip_key, _register_failure, throttle_status,
)

MAX_LINKS = 3  # a membership number shared by several accounts: at most this many links


def _details(request: AccountRequest) -> dict[str, Any]:
    try:
        return json.loads(request.details or "{}")
    except ValueError:
        return {}


def _record_proof(db: Session, request: AccountRequest, account: Account, how: str, *, ip: str) -> None:
    request.details = json.dumps({**_details(request), "proven_account_id": account.id, "proof": how})
    db.add(request)
    audit.record(db, "account.merge_proven", actor_id=request.account_id, ip=ip, object_type="account",
                 object_id=account.id, request_id=request.id, proof=how)


def proven_account_id(request: AccountRequest) -> int | None:
    value = _details(request).get("proven_account_id")
    return value if isinstance(value, int) else None


def prove_at_enrolment(db: Session, request: AccountRequest, new: Account, previous_password: str, *,
                       signed_in_account_id: int | None, ip: str = "") -> str:
    """Record the proof of control available at enrolment, else e-mail the links.
    Returns "session", "password" or "email_link" (links sent, or nothing to send)."""
    from rar_app.services.casework.requests import merge_candidates

    candidates = merge_candidates(db, request)
    for candidate in candidates:
        if signed_in_account_id is not None and candidate.id == signed_in_account_id:
            _record_proof(db, request, candidate, "session", ip=ip)
            return "session"
    if previous_password:
        ip_key = _ip_key(ip)
        matched = None
        for candidate in candidates[:MAX_LINKS]:
            keys = [_account_key(candidate), ip_key]
            if throttle_status(db, keys):  # slowed down: no password check now (the link still goes)
                continue
            if verify_secret(candidate.password_hash, previous_password):
                matched = candidate
                _clear_throttle(db, [_account_key(candidate)])
                break
            _register_failure(db, keys, ip=ip, account_id=candidate.id)
            audit.record(db, "account.merge_password_wrong", actor_id=new.id, ip=ip, object_type="account",
                         object_id=candidate.id, request_id=request.id)
        if not candidates:
            verify_secret(None, previous_password)  # the same work: the time taken tells nothing
        if matched is not None:
            _record_proof(db, request, matched, "password", ip=ip)
            return "password"
    for candidate in candidates[:MAX_LINKS]:
        if email_links.issue(db, candidate, f"merge:{request.id}", username=candidate.username or "",
                             new_username=new.username or ""):
            audit.record(db, "account.merge_link_sent", actor_id=new.id, ip=ip, object_type="account",
                         object_id=candidate.id, request_id=request.id)
    return "email_link"


@dataclasses.dataclass(frozen=True)
class MergeLinkView:
    previous_username: str
    new_username: str
    new_name: str


def _link_request(db: Session, token: str) -> tuple[Any, AccountRequest, Account, Account]:
    link = email_links.find(db, token, "merge")
    if link is None:
        raise AccountError("merge_link_invalid")
    try:
        request = db.get(AccountRequest, int(link.purpose.split(":", 1)[1]))
    except (IndexError, ValueError):
        request = None
    previous = db.get(Account, link.account_id)
    new = db.get(Account, request.account_id) if request is not None else None
    if (request is None or request.kind != "merge" or request.status != "open" or previous is None
            or new is None or previous.status not in ("active", "pending") or previous.merged_into_id):
        raise AccountError("merge_link_invalid")
    return link, request, previous, new


def merge_link_view(db: Session, token: str) -> MergeLinkView:
    """What the confirmation page shows for a valid link. Raises AccountError('merge_link_invalid')."""
    _, _, previous, new = _link_request(db, token)
    return MergeLinkView(previous_username=previous.username or previous.membership_number or "",
                         new_username=new.username or "",
                         new_name=f"{new.given_names} {new.family_name}".strip())


def confirm_merge_link(db: Session, token: str, *, ip: str = "") -> None:
    """The owner of the earlier account followed the link and confirmed: the link is
    spent and the request records the proof. Raises AccountError('merge_link_invalid')."""
    _, request, previous, _ = _link_request(db, token)
    if email_links.consume(db, token, "merge") is None:
        raise AccountError("merge_link_invalid")
    _record_proof(db, request, previous, "email_link", ip=ip)
