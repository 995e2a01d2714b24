"""E-mail notices of new messages: SMTP, or an outbox folder when no SMTP host is set.

Flow
- `messages.post(..., notify=True)` marks the row `email_status="pending"` and calls
  `send_after_commit(db, id)`. Nothing is sent inside the transaction: when it commits,
  a SQLAlchemy `after_commit` hook wakes this process's delivery thread (a daemon,
  started on first use); a rollback forgets the id. The page that posted never waits.
- The delivery thread (and `python -m rar_app.manage deliver-mail`) calls `deliver_due()`:
  each due message is *claimed* with a conditional UPDATE (status pending/sending and
  due → "sending" with a short lease), so several workers or processes never send the
  same notice twice; a worker that dies mid-send leaves a lease that expires and the
  notice is tried again.
- A failure (server down, timeout, 4xx) schedules a retry after RETRY_DELAYS[attempt];
  after MAX_ATTEMPTS, or on a permanent 5xx refusal, the status becomes "failed" and
  `email_error` says why. Success: "sent".
- The notice is in the recipient's language (Account.language) and names no client:
  it says a message is waiting and links to the inbox.

Settings: RAR_SMTP_HOST/PORT/TLS (none, starttls, ssl)/USER/PASSWORD, RAR_MAIL_FROM.
Without RAR_SMTP_HOST, notices are written as .eml files to `<data dir>/outbox/`, which
the back office lists for the trainer (`read_outbox`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import smtplib
import ssl
import threading
import time
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import event, or_, update
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session, select

from rar_app.db import session_scope
from rar_app.i18n import normalise, t
from rar_app.models import Account, Message, utcnow
from rar_app.services.messaging.notices import (
    CLIENT_HOME_PATH, ENROL_PATH, INBOX_PATH, category_label, detail_label, notice_allowed, recipient_for,
)
from rar_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

RETRY_DELAYS = (30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600)  # seconds after attempt 1, 2, ...
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LEASE = timedelta(minutes=2)  # a claimed notice is retried if its sender vanished
POLL_SECONDS = 15.0
SMTP_TIMEOUT = 10.0
_PENDING_KEY = "rar_mail_pending"


class PermanentFailure(Exception):
    """The server refused for good (5xx): no retry."""


# ---------------------------------------------------------------------------
# After commit


def send_after_commit(db: Session, message_id: int) -> None:
    """Deliver `message_id`'s notice once `db`'s transaction has committed."""
    db.info.setdefault(_PENDING_KEY, set()).add(message_id)


@event.listens_for(SASession, "after_commit")
def _after_commit(session: SASession) -> None:
    ids = session.info.pop(_PENDING_KEY, None)
    if ids:
        worker().kick(session.get_bind())


@event.listens_for(SASession, "after_rollback")
def _after_rollback(session: SASession) -> None:
    session.info.pop(_PENDING_KEY, None)


# ---------------------------------------------------------------------------
# Building and sending one notice


def build_notice(message: Message, recipient: Account, settings: Settings | None = None) -> EmailMessage:
    settings = settings or get_settings()
    lang = normalise(recipient.language)
    path = (CLIENT_HOME_PATH if recipient.role == "client" else INBOX_PATH)[lang]
    name = " ".join(x for x in (recipient.given_names, recipient.family_name) if x) or recipient.username or ""
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = settings.mail_from
    mail["To"] = message.email_to or recipient.email
    refused = recipient.status == "refused"  # cannot sign in: the notice says why instead
    mail["Subject"] = t("messages.mail.refused_subject" if refused else "messages.mail.subject", lang)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=settings.mail_from.rsplit("@", 1)[-1] or "rar.invalid")
    mail["X-RAR-Message"] = str(message.id)
    mail["Auto-Submitted"] = "auto-generated"
    if refused:
        mail.set_content(t("messages.mail.refused_body", lang, name=name, url=settings.public_url + ENROL_PATH[lang]))
    else:
        mail.set_content(t("messages.mail.body", lang, name=name, category=category_label(message.category, lang),
                           detail=detail_label(message.detail, lang), url=settings.public_url + path))
    mail["Content-Language"] = lang  # after set_content, which replaces the Content-* headers
    return mail


def smtp_transport(settings: Settings) -> Callable[[EmailMessage], None]:
    def send(mail: EmailMessage) -> None:
        host, port = settings.smtp_host, settings.smtp_port
        context = ssl.create_default_context()
        if settings.smtp_tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
        try:
            client.ehlo()
            if settings.smtp_tls == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password or "")
            try:
                refused = client.send_message(mail)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                if all(code >= 500 for code in codes):
                    raise PermanentFailure(f"recipient refused: {codes}") from exc
                raise
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
                raise
            if refused:
                raise PermanentFailure(f"recipients refused: {sorted(refused)}")
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    return send


def outbox_dir(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / "outbox"


def outbox_transport(settings: Settings) -> Callable[[EmailMessage], None]:
    def send(mail: EmailMessage) -> None:
        folder = outbox_dir(settings)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        final = folder / f"{stamp}-{mail['X-RAR-Message']}.eml"
        tmp = folder / f".{final.name}.tmp"
        # 0600 from the start: a notice names a person and an application.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(mail.as_bytes())
        os.replace(tmp, final)

    return send


def transport_for(settings: Settings) -> Callable[[EmailMessage], None]:
    return smtp_transport(settings) if settings.smtp_host else outbox_transport(settings)


@dataclasses.dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _claim(db: Session, message_id: int, now: datetime) -> bool:
    result = db.connection().execute(
        update(Message)
        .where(Message.id == message_id, Message.email_status.in_(("pending", "sending")),
               or_(Message.email_next_attempt_at.is_(None), Message.email_next_attempt_at <= now))
        .values(email_status="sending", email_next_attempt_at=now + LEASE)
    )
    return result.rowcount == 1


def deliver_one(message_id: int, *, now: datetime | None = None,
                transport: Callable[[EmailMessage], None] | None = None, engine: Any = None) -> str:
    """Try to send one due notice. Returns "sent", "retrying", "failed" or "skipped"."""
    now = now or utcnow()
    settings = get_settings()
    with session_scope(engine) as db:
        if not _claim(db, message_id, now):
            return "skipped"
        message = db.get(Message, message_id)
        recipient = recipient_for(db, message)
        if recipient is None or not (message.email_to or recipient.email) or not notice_allowed(message, recipient):
            message.email_status, message.email_next_attempt_at, message.email_error = "none", None, "no recipient"
            db.add(message)
            return "skipped"
        mail = build_notice(message, recipient, settings)
        attempts = message.email_attempts + 1
    error: str = ""
    permanent = False
    try:
        (transport or transport_for(settings))(mail)
    except PermanentFailure as exc:
        error, permanent = str(exc), True
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    with session_scope(engine) as db:
        message = db.get(Message, message_id)
        message.email_attempts = attempts
        if not error:
            message.email_status, message.email_next_attempt_at, message.email_error = "sent", None, ""
            outcome = "sent"
        elif permanent or attempts >= MAX_ATTEMPTS:
            message.email_status, message.email_next_attempt_at = "failed", None
            message.email_error = error[:300]
            outcome = "failed"
        else:
            message.email_status = "pending"
            message.email_next_attempt_at = utcnow() + timedelta(seconds=RETRY_DELAYS[attempts - 1])
            message.email_error = error[:300]
            outcome = "retrying"
        db.add(message)
    if error:
        log.warning("mail notice for message %s: %s (%s)", message_id, error, outcome)
    return outcome


def due_ids(now: datetime | None = None, limit: int = 100, engine: Any = None) -> list[int]:
    now = now or utcnow()
    with session_scope(engine) as db:
        return list(db.exec(
            select(Message.id)
            .where(Message.email_status.in_(("pending", "sending")),
                   or_(Message.email_next_attempt_at.is_(None), Message.email_next_attempt_at <= now))
            .order_by(Message.email_next_attempt_at, Message.id).limit(limit)
        ))


def deliver_due(*, now: datetime | None = None, limit: int = 100,
                transport: Callable[[EmailMessage], None] | None = None, engine: Any = None) -> DeliveryReport:
    """Send every notice due now (at most `limit`)."""
    report = DeliveryReport()
    for message_id in due_ids(now, limit, engine):
        report.add(deliver_one(message_id, now=now, transport=transport, engine=engine))
    return report


def next_due_in(now: datetime | None = None, engine: Any = None) -> float | None:
    """Seconds until the next retry is due (None when nothing waits)."""
    now = now or utcnow()
    with session_scope(engine) as db:
        at = db.exec(select(Message.email_next_attempt_at)
                      .where(Message.email_status.in_(("pending", "sending")))
                      .order_by(Message.email_next_attempt_at).limit(1)).first()
    if at is None:
        return None
    return max(0.0, (at - now).total_seconds())


# ---------------------------------------------------------------------------
# The delivery thread


class Worker:
    """One daemon thread per process: sends when kicked (after a commit) and wakes for retries."""

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pid = 0
        self.poll_seconds = POLL_SECONDS
        self.engine: Any = None  # the engine of the last commit that queued a notice

    def start(self) -> "Worker":
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return self
            self._stop.clear()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="rar-mail", daemon=True)
            self._thread.start()
        return self

    def kick(self, engine: Any = None) -> None:
        if engine is not None:
            self.engine = engine
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait = self.poll_seconds
            try:
                engine = self.engine
                deliver_due(engine=engine)
                ahead = next_due_in(engine=engine)
                if ahead is not None:
                    wait = min(wait, max(0.2, ahead))
            except Exception:  # the database may be away for a moment; try again later
                log.exception("mail delivery loop")
            self._wake.wait(wait)


_worker = Worker()


def worker() -> Worker:
    return _worker


def ensure_worker() -> Worker:
    """Start this process's delivery thread if it is not running (cheap; call freely)."""
    return _worker.start()


@contextlib.asynccontextmanager
async def delivery_at_startup():
    """The app's lifespan task: notices queued before a restart (or waiting for a
    retry) go out without waiting for someone to open a page. Each delivery is
    claimed in the database, so several workers never send one notice twice."""
    ensure_worker()
    try:
        yield
    finally:
        _worker.stop()


# ---------------------------------------------------------------------------
# The outbox, for the trainer


def read_outbox(limit: int = 50, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The newest notices written to the outbox: {name, to, subject, date, language, body}."""
    folder = outbox_dir(settings)
    if not folder.is_dir():
        return []
    files = sorted((p for p in folder.glob("*.eml")), key=lambda p: p.name, reverse=True)[:limit]
    out = []
    for path in files:
        try:
            mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        except OSError:
            continue
        body = mail.get_body(preferencelist=("plain",))
        out.append(dict(name=path.name, to=str(mail["To"] or ""), subject=str(mail["Subject"] or ""),
                        date=str(mail["Date"] or ""), language=str(mail["Content-Language"] or ""),
                        body=body.get_content() if body is not None else ""))
    return out


def wait_until_idle(timeout: float = 10.0, engine: Any = None) -> bool:
    """Tests: True once no notice is due now (retries scheduled later do not count)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not due_ids(limit=1, engine=engine):
            with session_scope(engine) as db:
                sending = db.exec(select(Message.id).where(Message.email_status == "sending").limit(1)).first()
            if sending is None:
                return True
        time.sleep(0.05)
    return False
