"""Linking applications to accounts.

"Ajouter une demande de client à votre compte" (`link_application`): the representative
chooses the kind of application and types what that kind asks —

- an online application (visitor visa, study permit, work permit, open work permit):
  application number, client's family name, given names, date of birth and UCI;
- a paper application (entered by the back office from the mail): family name, given
  names, date of birth and UCI — the number was mailed to the client, so the UCI
  identifies the file.

Comparison is exact after normalisation (case, accents, spaces and hyphens do not
count; the UCI is compared as digits). Only applications that nobody holds can be linked
(paper files, or files whose representative was removed and no client took over).

- exact match, one application → linked; a message goes to the account inbox.
- exact match, several applications (a client with several paper files) → the most
  recent is linked and the page sends the representative home.
- near match (all but one field agree, or the right person under another kind) → a
  warning that names nothing: no field, no name, no number.
- no match → the attempt failed; how to retry or get help.
- already on the representative's account → said so (no change).
Applications held by another representative or client count as no match: nothing
about them leaks. Failed attempts are audited and throttled (MAX_FAILED_PER_HOUR).

Removing a representative (`take_over`): a client account (role "client") uploads a
completed IMM 5476 (Use of a Representative) and identifies the application exactly;
that opens a staff review (services/office/reviews.py): once staff approve, the
application belongs to the client (`client_account_id`), the representative no longer
sees it (search, status, messages' links, documents), the former representative's inbox
(and e-mail) says so, and the audit entry `application.representative_removed` says why. No Reflex here.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, timedelta
from typing import Any, BinaryIO, Iterable

from sqlalchemy import func, or_
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.models import Account, Applicant, Application, AuditEvent, Client, Document, name_key, uci_key, utcnow
from rar_app.services import audit
from rar_app.services.messaging import messages
from rar_app.services.office import reviews
from rar_app.services.office.search import actor_account, normalise_number, write_processing

log = logging.getLogger(__name__)

ONLINE_KINDS = ("visitor_visa", "study_permit", "work_permit", "open_work_permit")
PAPER_KIND = "paper"
KINDS = ONLINE_KINDS + (PAPER_KIND,)
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    **{k: ("application_number", "family_name", "given_names", "date_of_birth", "uci") for k in ONLINE_KINDS},
    PAPER_KIND: ("family_name", "given_names", "date_of_birth", "uci"),
}
MAX_FAILED_PER_HOUR = 10
IMM5476_SLOT = "imm5476"


@dataclasses.dataclass(frozen=True)
class LinkForm:
    kind: str
    application_number: str = ""
    family_name: str = ""
    given_names: str = ""
    date_of_birth: date | None = None
    uci: str = ""


@dataclasses.dataclass(frozen=True)
class LinkResult:
    outcome: str  # linked, several_linked, already_linked, near, none, throttled
    application_number: str = ""
    matches: int = 0


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def form_errors(form: LinkForm) -> list[tuple[str, str]]:
    """[(field, code)] in the order of the form; codes: required, invalid, date_in_future."""
    # No kind chosen yet: the form shows the online fields, and every empty one is flagged too.
    errors: list[tuple[str, str]] = [] if form.kind in KINDS else [("kind", "required")]
    for field in FIELDS_BY_KIND.get(form.kind, FIELDS_BY_KIND[ONLINE_KINDS[0]]):
        value = getattr(form, field)
        if field == "date_of_birth":
            if value is None:
                errors.append((field, "required"))
            elif value >= date.today():
                errors.append((field, "date_in_future"))
        elif not str(value).strip():
            if field != "given_names":  # a client with a single name has no given names
                errors.append((field, "required"))
        elif field == "application_number":
            number = normalise_number(value)
            if len(number) != 10 or not number[0].isalpha() or not number[1:].isdigit():
                errors.append((field, "invalid"))
        elif field == "uci":
            digits = uci_key(value)
            if len(digits) not in (8, 10) or any(c not in "0123456789- " for c in value.strip()):
                errors.append((field, "invalid"))
    return errors


def _client(db: Session, applicant: Applicant) -> Client:
    return (db.get(Client, applicant.client_id) if applicant.client_id else None) or Client()


def _fields_matching(form: LinkForm, applicant: Applicant, client: Client) -> dict[str, bool]:
    return {
        "application_number": normalise_number(form.application_number) == (applicant.application_number or ""),
        "family_name": name_key(form.family_name) == name_key(client.family_name) != "",
        # Both empty matches too: a client with a single name (the family name) has no given names.
        "given_names": name_key(form.given_names) == name_key(client.given_names)
        and name_key(client.family_name) != "",
        "date_of_birth": form.date_of_birth is not None and form.date_of_birth == client.date_of_birth,
        "uci": uci_key(form.uci) == uci_key(client.uci) != "",
    }


def _candidates(db: Session, form: LinkForm) -> list[tuple[Applicant, Application, Client]]:
    """Submitted applicants that could be meant: by number, by UCI, or by family name + birth date."""
    clauses = []
    number = normalise_number(form.application_number)
    if number and "application_number" in FIELDS_BY_KIND[form.kind]:
        clauses.append(Applicant.application_number == number)
    if uci_key(form.uci):
        clauses.append(Client.uci_key == uci_key(form.uci))
    if name_key(form.family_name) and form.date_of_birth:
        clauses.append((Client.family_name_key == name_key(form.family_name))
                       & (Client.date_of_birth == form.date_of_birth))
    if not clauses:
        return []
    rows = db.exec(
        select(Applicant, Application, Client)
        .join(Application, Applicant.application_id == Application.id)
        .outerjoin(Client, Applicant.client_id == Client.id)
        .where(Application.submitted_at.is_not(None), Applicant.application_number.is_not(None), or_(*clauses))
        .limit(200)
    )
    return [(a, app, c or Client()) for a, app, c in rows]


def _kind_matches(form: LinkForm, applicant: Applicant, app: Application) -> bool:
    if form.kind == PAPER_KIND:
        return bool(app.is_paper)
    return applicant.application_type == form.kind  # a paper file can be linked by its number too


def _recent_failures(db: Session, account_id: int) -> int:
    since = utcnow() - timedelta(hours=1)
    return int(db.exec(select(func.count(AuditEvent.id)).where(
        AuditEvent.actor_id == account_id, AuditEvent.action.in_(("link.failed", "takeover.failed")),
        AuditEvent.at >= since)).one())


def _linkable(app: Application) -> bool:
    return app.representative_id is None and app.client_account_id is None


def match(db: Session, form: LinkForm, *, linkable: Any = _linkable, holder_id: int | None = None
          ) -> tuple[list[tuple[Applicant, Application]], bool, list[tuple[Applicant, Application]]]:
    """(exact matches the actor may take, near match found?, exact matches already the actor's)."""
    fields = FIELDS_BY_KIND[form.kind]
    exact, mine, near = [], [], False
    seen_apps: set[int] = set()
    for applicant, app, client in _candidates(db, form):
        ok = _fields_matching(form, applicant, client)
        hits = sum(ok[f] for f in fields)
        kind_ok = _kind_matches(form, applicant, app)
        if hits == len(fields) and kind_ok:
            if holder_id is not None and holder_id in (app.representative_id, app.client_account_id):
                mine.append((applicant, app))
            elif linkable(app) and app.id not in seen_apps:
                seen_apps.add(app.id)
                exact.append((applicant, app))
        elif linkable(app) and (hits == len(fields) - 1 or (hits == len(fields) and not kind_ok)):
            near = True
    exact.sort(key=lambda pair: (pair[1].submitted_at, pair[1].id), reverse=True)
    return exact, near, mine


def _link(db: Session, account: Account, applicant: Applicant, app: Application, form: LinkForm,
          ip: str, matches: int) -> None:
    write_processing(db, app, representative_id=account.id, updated_at=utcnow())
    for member in db.exec(select(Applicant).where(Applicant.application_id == app.id)):
        client = db.get(Client, member.client_id) if member.client_id else None
        if client is not None and client.representative_id is None:
            client.representative_id = account.id
            db.add(client)
    audit.record(db, "application.linked", actor_id=account.id, actor_role=account.role, object_type="application",
                 object_id=app.id, ip=ip, kind=form.kind, application_number=applicant.application_number,
                 matches=matches, paper=bool(app.is_paper))
    client = _client(db, applicant)
    messages.post_template(
        db, "linked",
        {"number": applicant.application_number or "", "client": f"{client.given_names} {client.family_name}".strip(),
         "category": messages.category_values(applicant.application_type), "date": date.today().isoformat()},
        account_id=account.id, application_id=app.id, applicant_id=applicant.id,
        category=applicant.application_type, detail="updated", notify=True,
    )


def link_application(db: Session, actor_id: int, form: LinkForm, *, ip: str = "") -> LinkResult:
    """Search for the application the form describes and link it (see the module's rules).
    Raises ValueError when the form has errors (check `form_errors` first)."""
    account = actor_account(db, actor_id, ("representative",))
    if form_errors(form):
        raise ValueError("form has errors")
    if _recent_failures(db, account.id) >= MAX_FAILED_PER_HOUR:
        audit.record(db, "link.throttled", actor_id=account.id, actor_role=account.role, object_type="account",
                     object_id=account.id, ip=ip)
        return LinkResult("throttled")
    exact, near, mine = match(db, form, holder_id=account.id)
    if exact:
        applicant, app = exact[0]
        _link(db, account, applicant, app, form, ip, len(exact))
        return LinkResult("several_linked" if len(exact) > 1 else "linked", applicant.application_number or "",
                          len(exact))
    if mine:
        return LinkResult("already_linked", mine[0][0].application_number or "", len(mine))
    outcome = "near" if near else "none"
    # Nothing identifying in the audit either: the kind and the outcome.
    audit.record(db, "link.failed", actor_id=account.id, actor_role=account.role, object_type="account",
                 object_id=account.id, ip=ip, kind=form.kind, outcome=outcome)
    return LinkResult(outcome)


# ---------------------------------------------------------------------------
# The client side: removing the representative with an IMM 5476


@dataclasses.dataclass(frozen=True)
class TakeoverResult:
    outcome: str  # pending_review (staff will decide), already_yours, none, throttled
    application_number: str = ""


def take_over(actor_id: int, form: LinkForm, filename: str | None,
              fileobj: BinaryIO | Iterable[bytes] | Any, *, ip: str = "", store: Any = None) -> TakeoverResult:
    """A client identifies their application exactly (online kinds: number + identity)
    and uploads a completed IMM 5476; the representative is removed. Raises ValueError
    on form errors, documents.DocumentRefused for a file that is not a readable
    PDF/image, StorageUnavailable when the file cannot be stored (nothing changes)."""
    from rar_app.services.casework import document_intake, documents
    from rar_app.storage import get_store, new_key

    if form.kind not in ONLINE_KINDS or form_errors(form):
        raise ValueError("form has errors")
    with session_scope() as db:
        account = actor_account(db, actor_id, ("client",))
        if _recent_failures(db, account.id) >= MAX_FAILED_PER_HOUR:
            return TakeoverResult("throttled")
        exact, _near, mine = match(db, form, linkable=lambda app: True, holder_id=account.id)
        if mine and not exact:
            return TakeoverResult("already_yours", mine[0][0].application_number or "")
        if not exact:
            audit.record(db, "takeover.failed", actor_id=account.id, actor_role=account.role, object_type="account",
                         object_id=account.id, ip=ip, kind=form.kind)
            return TakeoverResult("none")
        applicant_id, app_id = exact[0][0].id, exact[0][1].id
        if reviews.open_for(db, "representative_removal", app_id, applicant_id) is not None:
            return TakeoverResult("pending_review", exact[0][0].application_number or "")
    store = store or get_store()
    staged = fileobj if isinstance(fileobj, document_intake.StagedUpload) else document_intake.StagedUpload()
    try:
        if staged is not fileobj:
            staged.fill_from(fileobj)
        kind = document_intake.validate(staged)
        key = new_key()
        size = store.put_stream(key, staged.rewind(), content_type=kind.content_type)
    finally:
        staged.close()
    name = document_intake.clean_filename(filename) or "IMM5476"
    try:
        with session_scope() as db:
            applicant = db.get(Applicant, applicant_id)
            app = db.exec(select(Application).where(Application.id == app_id).with_for_update()).one()
            doc = Document(owner_id=account.id, application_id=app.id, applicant_id=applicant.id,
                           slot_code=IMM5476_SLOT, original_name=name, content_type=kind.content_type,
                           size_bytes=size, sha256=staged.sha256, storage_key=key, status="uploaded")
            db.add(doc)
            db.flush()
            audit.record(db, "document.upload", actor_id=account.id, actor_role=account.role, object_type="document",
                         object_id=doc.id, ip=ip, application_id=app.id, applicant_id=applicant.id,
                         slot=IMM5476_SLOT, name=name, size=size, type=kind.content_type)
            # The removal takes effect once back-office staff have checked the form (services/office/reviews).
            reviews.request_removal(db, account, app, applicant, doc.id, ip=ip)
            number = applicant.application_number or ""
    except BaseException:
        try:
            store.delete(key)
        except Exception:
            log.exception("could not delete %s after a failed takeover; the orphan report will list it", key)
        raise
    return TakeoverResult("pending_review", number)


def client_applications(db: Session, actor_id: int) -> list[dict[str, Any]]:
    """The applications a client account holds."""
    account = actor_account(db, actor_id, ("client",))
    rows = db.exec(select(Applicant, Application).join(Application, Applicant.application_id == Application.id)
                   .where(Application.client_account_id == account.id, Applicant.application_number.is_not(None))
                   .order_by(Application.submitted_at.desc(), Applicant.position))
    return [dict(application_number=a.application_number, category=a.application_type, status=a.status,
                 date_received=a.date_received.isoformat() if a.date_received else "") for a, _app in rows]
