"""Single-use links sent to an account's e-mail address: proof that the person
controls that address (password recovery; proof of control of an earlier account
before a merge).

- The token is 32 random bytes; the table `email_link` keeps only its SHA-256, so a
  database leak gives no usable link. A link expires (LIFETIMES) and works once:
  `consume` spends it with a conditional UPDATE (two tabs, one winner). Issuing a new
  link for the same account and purpose spends the earlier ones.
- The e-mail carries the link itself, so it cannot wait in the `message` table like
  the notices (that would keep the token in clear): it is handed to the same transport
  (SMTP, or the outbox folder without RAR_SMTP_HOST) once the transaction commits, on a
  short-lived thread (the page never waits for the mail server). A rollback sends
  nothing. When the mail server is away the mail is lost and logged: the person asks
  for another link.
"""

from __future__ import annotations

import hashlib
import re
import logging
import secrets
import threading
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote

from sqlalchemy import event, update
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session, select

from rar_app.i18n import normalise, t
from rar_app.models import Account, EmailLink, utcnow
from rar_app.settings import get_settings

log = logging.getLogger(__name__)

LIFETIMES = {"recovery": timedelta(minutes=30), "merge": timedelta(hours=48)}
# The page each link opens (its @page registration uses these paths).
PATHS = {"recovery": {"fr": "/fr/mot-de-passe-oublie", "en": "/en/forgot-password"},
         "merge": {"fr": "/fr/confirmer-fusion", "en": "/en/confirm-merge"}}
QUERY = "lien"
_PENDING_KEY = "rar_link_mail"
_threads: list[threading.Thread] = []


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def _kind(purpose: str) -> str:
    return purpose.split(":", 1)[0]


def link_url(purpose: str, token: str, lang: str) -> str:
    return get_settings().public_url + PATHS[_kind(purpose)][lang] + f"?{QUERY}={quote(token)}"


def issue(db: Session, account: Account, purpose: str, **values: str) -> str | None:
    """A new link for `account` and `purpose` ("recovery", or "merge:<request id>"),
    e-mailed to the account's address after commit. Earlier unused links of the same
    purpose are spent. Returns the token (for the caller's tests; never show it), or
    None when the account has no address."""
    if not account.email:
        return None
    now = utcnow()
    db.connection().execute(update(EmailLink).where(EmailLink.account_id == account.id,
                                                    EmailLink.purpose == purpose, EmailLink.used_at.is_(None))
                            .values(used_at=now))
    token = secrets.token_urlsafe(32)
    row = EmailLink(account_id=account.id, purpose=purpose, token_hash=token_hash(token), created_at=now,
                    expires_at=now + LIFETIMES[_kind(purpose)])
    db.add(row)
    db.flush()
    lang = normalise(account.language)
    name = " ".join(x for x in (account.given_names, account.family_name) if x) or account.username or ""
    hours = int(LIFETIMES[_kind(purpose)].total_seconds() // 3600)
    minutes = int(LIFETIMES[_kind(purpose)].total_seconds() // 60)
    mail = EmailMessage(policy=policy.SMTP)
    settings = get_settings()
    mail["From"] = settings.mail_from
    mail["To"] = account.email
    mail["Subject"] = t(f"signin2.link_{_kind(purpose)}_subject", lang)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=settings.mail_from.rsplit("@", 1)[-1] or "rar.invalid")
    mail["X-RAR-Message"] = f"link-{row.id}"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(t(f"signin2.link_{_kind(purpose)}_body", lang, name=name, url=link_url(purpose, token, lang),
                       minutes=minutes, hours=hours, **values))
    mail["Content-Language"] = lang
    db.info.setdefault(_PENDING_KEY, []).append(mail)
    return token


_LINK_RE = re.compile(rf"([?&]{QUERY}=)[A-Za-z0-9_%-]+")


def mask(text: str) -> str:
    """The mail with its single-use links hidden: the back office lists the outbox to
    staff, who must not be able to follow someone's recovery or merge link."""
    return _LINK_RE.sub(r"\1…", text or "")


def find(db: Session, token: str, purpose_prefix: str) -> EmailLink | None:
    """The unused, unexpired link for this token whose purpose starts with
    `purpose_prefix` (None otherwise). Does not spend it."""
    if not token or len(token) > 200:
        return None
    row = db.exec(select(EmailLink).where(EmailLink.token_hash == token_hash(token))).first()
    if (row is None or row.used_at is not None or row.expires_at <= utcnow()
            or _kind(row.purpose) != purpose_prefix):
        return None
    return row


def consume(db: Session, token: str, purpose_prefix: str) -> EmailLink | None:
    """Spend the link (once, even with two tabs racing). None when it is not valid."""
    row = find(db, token, purpose_prefix)
    if row is None:
        return None
    now = utcnow()
    done = db.connection().execute(update(EmailLink).where(EmailLink.id == row.id, EmailLink.used_at.is_(None))
                                   .values(used_at=now))
    if done.rowcount != 1:
        return None
    db.refresh(row)
    return row


# ---------------------------------------------------------------------------
# Sending after commit


def _send(mails: list[EmailMessage]) -> None:
    from rar_app.services.messaging.mailer import transport_for

    send = transport_for(get_settings())
    for mail in mails:
        try:
            send(mail)
        except Exception as exc:  # the person asks for another link
            log.warning("link mail %s not sent: %s: %s", mail["X-RAR-Message"], type(exc).__name__, exc)


@event.listens_for(SASession, "after_commit")
def _after_commit(session: SASession) -> None:
    mails = session.info.pop(_PENDING_KEY, None)
    if mails:
        thread = threading.Thread(target=_send, args=(mails,), name="rar-link-mail", daemon=True)
        _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
        thread.start()


@event.listens_for(SASession, "after_rollback")
def _after_rollback(session: SASession) -> None:
    session.info.pop(_PENDING_KEY, None)


def wait_sent(timeout: float = 10.0) -> None:
    """Tests: wait until the link mails handed over so far are sent."""
    for thread in list(_threads):
        thread.join(timeout)
