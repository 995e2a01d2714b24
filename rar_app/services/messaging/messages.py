"""Messages: the representative's own inbox ("Messages pour le compte", the "File des
représentants") and the messages about one application (shown on its status page).

- An **account message** has `account_id` (the inbox it sits in); it may point at an
  application (`application_id`) — the link works only while the reader may still see it.
- An **application message** has `application_id` and no `account_id`; whoever may see
  the application reads it on the status page.

Every new message can be notified by e-mail (`notify=True`): the row is marked
`email_status="pending"` and `rar_app.services.messaging.mailer` sends the notice *after the
transaction commits*, in the recipient's language, retrying while the server is down.
Texts are kept in both languages on the row; templates live in the `messages.tpl.*`
catalogue keys. No Reflex here.
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from rar_app.i18n import LANGS, t
from rar_app.models import Account, Applicant, Application, Client, Message, utcnow
from rar_app.services import audit
from rar_app.services.messaging import mailer
from rar_app.services.messaging.notices import (  # noqa: F401  (part of this module's interface)
    CATEGORY_ACCOUNT, CLIENT_HOME_PATH, DETAILS, ENROL_PATH, INBOX_PATH, categories, category_label, category_values,
    detail_label, notice_allowed, recipient_for,
)
from rar_app.services.office.search import NotFound, actor_account, may_see

PAGE_SIZE = 20


def render(template: str, values: Mapping[str, Any] | None = None) -> dict[str, str]:
    """subject/body in both languages from `messages.tpl.<template>`. A value may be a
    `{"fr": ..., "en": ...}` mapping when it differs by language."""
    out: dict[str, str] = {}
    for lang in LANGS:
        filled = {k: (v.get(lang, "") if isinstance(v, Mapping) else v) for k, v in (values or {}).items()}
        out[f"subject_{lang}"] = t(f"messages.tpl.{template}.subject", lang, **filled)[:200]
        out[f"body_{lang}"] = t(f"messages.tpl.{template}.body", lang, **filled)
    return out


def post(
    db: Session,
    *,
    account_id: int | None = None,
    application_id: int | None = None,
    applicant_id: int | None = None,
    category: str = CATEGORY_ACCOUNT,
    detail: str = "information",
    subject_fr: str,
    subject_en: str,
    body_fr: str = "",
    body_en: str = "",
    notify: bool = True,
    created_at: datetime | None = None,
    email_to: str | None = None,
) -> Message:
    """Add a message in the caller's transaction; its e-mail notice leaves after the commit.
    `email_to` sends the notice to another address than the recipient's own (a security
    notice to the address an e-mail change replaced)."""
    if account_id is None and application_id is None:
        raise ValueError("a message needs an inbox (account_id) or an application (application_id)")
    if detail not in DETAILS:
        raise ValueError(f"unknown detail {detail!r}")
    message = Message(
        account_id=account_id, application_id=application_id, applicant_id=applicant_id,
        category=category[:40], detail=detail, subject_fr=subject_fr[:200], subject_en=subject_en[:200],
        body_fr=body_fr, body_en=body_en, created_at=created_at or utcnow(), email_to=email_to or None,
    )
    db.add(message)
    db.flush()
    if notify:
        recipient = recipient_for(db, message)
        if recipient is not None and (email_to or recipient.email) and notice_allowed(message, recipient):
            message.email_status = "pending"
            message.email_next_attempt_at = message.created_at
            db.add(message)
            mailer.send_after_commit(db, message.id)
    return message


def post_template(db: Session, template: str, values: Mapping[str, Any] | None = None, **kwargs: Any) -> Message:
    return post(db, **render(template, values), **kwargs)


# ---------------------------------------------------------------------------
# Account events: what the services post to the representative's own inbox
# (each with its e-mail notice, in the representative's language)


def post_account_event(db: Session, account_id: int, template: str, values: Mapping[str, Any] | None = None, *,
                       detail: str = "updated", email_to: str | None = None) -> Message:
    """An "Compte" message in `account_id`'s inbox from `messages.tpl.<template>`:
    enrolment and account-request decisions, sign-in details changed (security notices)."""
    return post_template(db, template, values, account_id=account_id, category=CATEGORY_ACCOUNT, detail=detail,
                         email_to=email_to, notify=True)


def post_submitted(db: Session, app: Application, applicants: list[Applicant]) -> Message | None:
    """Tell the representative's inbox that `app` was submitted: one message per
    application, in the principal applicant's category, "Demande/profil mis à jour"."""
    if app.representative_id is None or not applicants:
        return None
    principal = applicants[0]
    client = (db.get(Client, principal.client_id) if principal.client_id else None) or Client()
    received = principal.date_received or utcnow().date()
    return post_template(
        db, "application_submitted",
        {"number": principal.application_number or "", "category": category_values(principal.application_type),
         "client": f"{client.given_names or ''} {client.family_name or ''}".strip(), "date": received.isoformat(),
         "numbers": ", ".join(a.application_number for a in applicants if a.application_number)},
        account_id=app.representative_id, application_id=app.id, applicant_id=principal.id,
        category=principal.application_type, detail="updated", notify=True,
    )


def post_submission_notice(db: Session, app: Application, applicants: list[Applicant],
                           keys: tuple[str, str]) -> Message | None:
    """A program's confirmation in the application's own messages (those the status page
    « État de la demande et messages » shows), e.g. the eTA « forwarded at once »:
    `keys` are the program's (subject, body) catalogue keys."""
    if not applicants:
        return None
    principal = applicants[0]
    client = (db.get(Client, principal.client_id) if principal.client_id else None) or Client()
    values = {"number": principal.application_number or "",
              "client": f"{client.given_names or ''} {client.family_name or ''}".strip()}
    subject, body = keys
    return post(db, application_id=app.id, applicant_id=principal.id, category=principal.application_type,
                detail="updated", notify=False,
                **{f"subject_{lang}": t(subject, lang, **values)[:200] for lang in LANGS},
                **{f"body_{lang}": t(body, lang, **values) for lang in LANGS})


# ---------------------------------------------------------------------------
# The inbox


@dataclasses.dataclass(frozen=True)
class InboxPage:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    total: int
    unread: int


def _cursor(created_at: datetime, message_id: int) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{message_id}".encode()).decode().rstrip("=")


def _uncursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor or len(cursor) > 200:
        return None
    try:
        at, mid = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        when = datetime.fromisoformat(at)
        return (when, int(mid)) if when.tzinfo else None
    except (ValueError, UnicodeDecodeError):
        return None


def _inbox_query(account: Account, category: str, detail: str, unread_only: bool) -> Any:
    query = select(Message).where(Message.account_id == account.id)
    if category:
        query = query.where(Message.category == category[:40])
    if detail:
        query = query.where(Message.detail == detail[:40])
    if unread_only:
        query = query.where(Message.read_at.is_(None))
    return query


def _application_number(db: Session, account: Account, message: Message) -> str:
    """The number to link to, only while the reader may still see that application."""
    if message.application_id is None:
        return ""
    app = db.get(Application, message.application_id)
    if app is None or not may_see(account, app):
        return ""
    query = select(Applicant.application_number).where(Applicant.application_id == app.id,
                                                      Applicant.application_number.is_not(None))
    if message.applicant_id:
        query = query.where(Applicant.id == message.applicant_id)
    number = db.exec(query.order_by(Applicant.position)).first()
    return number or ""


def row(db: Session, account: Account, m: Message, lang: str) -> dict[str, Any]:
    return dict(
        id=m.id, category=m.category, detail=m.detail,
        category_label=category_label(m.category, lang), detail_label=detail_label(m.detail, lang),
        subject=m.subject_fr if lang == "fr" else m.subject_en,
        body=m.body_fr if lang == "fr" else m.body_en,
        created_at=m.created_at.isoformat(), date=m.created_at.date().isoformat(),
        unread=m.read_at is None, application_number=_application_number(db, account, m),
    )


def inbox(
    db: Session,
    actor_id: int,
    *,
    lang: str = "fr",
    category: str = "",
    detail: str = "",
    unread_only: bool = False,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> InboxPage:
    """One page of the actor's own inbox, newest first, filtered by Catégorie / Détails."""
    account = actor_account(db, actor_id)
    limit = max(1, min(int(limit), 100))
    query = _inbox_query(account, category, detail, unread_only)
    cursor = _uncursor(after)
    if cursor:
        at, mid = cursor
        query = query.where(or_(Message.created_at < at, and_(Message.created_at == at, Message.id < mid)))
    found = list(db.exec(query.order_by(Message.created_at.desc(), Message.id.desc()).limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    total = db.exec(_inbox_query(account, category, detail, unread_only)
                    .with_only_columns(func.count(Message.id))).one()
    return InboxPage(
        rows=[row(db, account, m, lang) for m in found],
        next_cursor=_cursor(found[-1].created_at, found[-1].id) if more and found else None,
        total=int(total), unread=unread_count(db, actor_id),
    )


def unread_count(db: Session, actor_id: int) -> int:
    return int(db.exec(select(func.count(Message.id)).where(Message.account_id == actor_id,
                                                            Message.read_at.is_(None))).one())


def _own(db: Session, account: Account, message_id: Any) -> Message:
    try:
        mid = int(message_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    message = db.get(Message, mid)
    if message is None or message.account_id is None or message.account_id != account.id:
        audit.note_refusal(db, actor_id=account.id, actor_role=account.role, object_type="message",
                           object_id=str(message_id)[:40], check="own_message")
        raise NotFound()
    return message


def open_message(db: Session, actor_id: int, message_id: Any, *, lang: str = "fr", ip: str = "") -> dict[str, Any]:
    """One of the actor's own messages (marked read), or NotFound."""
    account = actor_account(db, actor_id)
    message = _own(db, account, message_id)
    if message.read_at is None:
        message.read_at = utcnow()
        db.add(message)
        audit.record(db, "message.read", actor_id=account.id, actor_role=account.role, object_type="message",
                     object_id=message.id, ip=ip)
    return row(db, account, message, lang)


def mark_unread(db: Session, actor_id: int, message_id: Any) -> None:
    account = actor_account(db, actor_id)
    message = _own(db, account, message_id)
    message.read_at = None
    db.add(message)


def application_messages(db: Session, actor_id: int, application_id: int) -> list[Message]:
    """The messages about an application the actor may see (newest first), or NotFound."""
    account = actor_account(db, actor_id)
    app = db.get(Application, application_id)
    if app is None or not may_see(account, app):
        raise NotFound()
    return list(db.exec(select(Message).where(Message.application_id == app.id, Message.account_id.is_(None))
                        .order_by(Message.created_at.desc(), Message.id.desc())))
