"""Reading the audit log (issue 14, « Audit trail you can read »). No Reflex here.

- `file_history`: « Historique du dossier » — what happened to one application, its
  documents and payments (who, what, when, from where), newest first, a page at a time,
  for the representative who holds it (the client once they took it over). Anyone else
  gets NotFound (and the refusal is audited). Reading it is audited too.
- `search`: administrators search the whole log by actor, action, object and dates,
  newest first, a page at a time; every search is itself audited (`audit.searched`).

Addresses are shown for the holder's own actions and their clients' (the portal's
side); back-office staff and the system appear as « IRCC » / « Système », without an
address."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from rar_app.models import Account, Application, AuditEvent, Document
from rar_app.services import audit
from rar_app.services.office.search import NotFound, actor_account

PAGE_SIZE = 20
ADMIN = ("admin",)
PORTAL_ROLES = ("representative", "client")
MAX_TEXT = 60


@dataclasses.dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    action: str
    actor_id: int | None
    actor_role: str
    actor_name: str
    object_type: str
    object_id: str
    ip: str
    details: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Page:
    entries: list[Entry]
    page: int
    has_next: bool


def _names(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.exec(select(Account).where(Account.id.in_(ids)))
    return {a.id: (f"{a.given_names} {a.family_name}".strip() or a.username or str(a.id)) for a in rows}


def _entries(db: Session, events: list[AuditEvent], *, show_ip: bool) -> list[Entry]:
    names = _names(db, {e.actor_id for e in events if e.actor_id is not None})
    out = []
    for e in events:
        try:
            details = json.loads(e.details or "{}")
        except ValueError:
            details = {}
        portal_side = e.actor_role in PORTAL_ROLES
        out.append(Entry(e.id, e.at, e.action, e.actor_id, e.actor_role,
                         names.get(e.actor_id, "") if (portal_side or show_ip) else "", e.object_type, e.object_id,
                         e.ip if (portal_side or show_ip) else "", details if show_ip else {}))
    return out


def _page_number(page: Any) -> int:
    return page if isinstance(page, int) and 0 <= page < 10_000 else 0


# ---------------------------------------------------------------------------
# Historique du dossier


def _held_application(db: Session, account: Account, application_id: Any) -> Application:
    try:
        app_id = int(application_id)
    except (TypeError, ValueError):
        app_id = 0
    app = db.get(Application, app_id) if 0 < app_id < 2**63 else None
    holder = (app.representative_id if account.role == "representative" else app.client_account_id) if app else None
    if app is None or app.status == "deleted" or holder != account.id:
        audit.note_refusal(db, actor_id=account.id, actor_role=account.role, object_type="application",
                           object_id=app_id or None, reason="history")
        raise NotFound()
    return app


def file_history(db: Session, actor_id: int, application_id: Any, *, page: int = 0, ip: str = "") -> Page:
    """One page of the application's history for its holder (representative or client)."""
    account = actor_account(db, actor_id, PORTAL_ROLES)
    app = _held_application(db, account, application_id)
    page = _page_number(page)
    doc_ids = [str(d) for d in db.exec(select(Document.id).where(Document.application_id == app.id))]
    about = or_(and_(AuditEvent.object_type == "application", AuditEvent.object_id == str(app.id)),
                and_(AuditEvent.object_type == "document", AuditEvent.object_id.in_(doc_ids or ["-"])))
    # Not the refused attempts of others (their names are not the holder's business) nor these reads.
    events = list(db.exec(select(AuditEvent).where(about, AuditEvent.action != "audit.history_viewed",
                                                   AuditEvent.action.not_like("access.%"))
                          .order_by(AuditEvent.id.desc()).offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    audit.record(db, "audit.history_viewed", actor_id=account.id, actor_role=account.role,
                 object_type="application", object_id=app.id, ip=ip, page=page)
    return Page(_entries(db, events[:PAGE_SIZE], show_ip=False), page, len(events) > PAGE_SIZE)


# ---------------------------------------------------------------------------
# Search by administrators


@dataclasses.dataclass(frozen=True)
class Criteria:
    actor: str = ""  # a username or an account number
    action: str = ""  # an action, or its family ("document." or "document")
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in dataclasses.asdict(self).items() if v}


def _actor_ids(db: Session, text: str) -> list[int]:
    text = text.strip()
    ids = [a.id for a in db.exec(select(Account).where(Account.username == text))]
    if text.isdigit():
        ids.append(int(text))
    return ids or [-1]


def search(db: Session, actor_id: int, criteria: Criteria, *, page: int = 0, ip: str = "") -> Page:
    """One page of audit entries matching `criteria` (all given ones), newest first. Admins only."""
    admin = actor_account(db, actor_id, ADMIN)
    page = _page_number(page)
    query = select(AuditEvent)
    if criteria.actor.strip():
        query = query.where(AuditEvent.actor_id.in_(_actor_ids(db, criteria.actor[:MAX_TEXT])))
    action = criteria.action.strip()[:MAX_TEXT]
    if action:
        family = action.rstrip(".")
        query = query.where(or_(AuditEvent.action == action, AuditEvent.action.startswith(family + ".")))
    if criteria.object_type.strip():
        query = query.where(AuditEvent.object_type == criteria.object_type.strip()[:40])
    if criteria.object_id.strip():
        query = query.where(AuditEvent.object_id == criteria.object_id.strip()[:40])
    if criteria.date_from:
        query = query.where(AuditEvent.at >= datetime.combine(criteria.date_from, time.min, timezone.utc))
    if criteria.date_to:
        query = query.where(AuditEvent.at < datetime.combine(criteria.date_to + timedelta(days=1), time.min,
                                                             timezone.utc))
    events = list(db.exec(query.order_by(AuditEvent.id.desc()).offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    audit.record(db, "audit.searched", actor_id=admin.id, actor_role=admin.role, object_type="audit_event",
                 ip=ip, page=page, criteria=criteria.as_dict())
    return Page(_entries(db, events[:PAGE_SIZE], show_ip=True), page, len(events) > PAGE_SIZE)
