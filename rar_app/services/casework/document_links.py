"""Download links: a signed token for one document, bound to the actor's session,
and the download through it (access is checked again on opening)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import re
import time
from datetime import datetime, timezone
from typing import Any

from rar_app.db import session_scope
from rar_app.services.casework.document_errors import NotFound
from rar_app.services.casework.documents import Actor, DocumentInfo, _document, open_for_download
from rar_app.settings import get_settings
from rar_app.storage import DocumentStore, ObjectStream

DOWNLOAD_TOKEN_TTL = 300  # seconds

# ---------------------------------------------------------------------------
# Download tokens: "<document id>.<account id>.<expiry>.<HMAC>", the HMAC also
# covering the session id, which the token does not reveal.


@dataclasses.dataclass(frozen=True)
class DownloadGrant:
    document_id: int
    account_id: int
    expires_at: datetime


_TOKEN_RE = re.compile(r"^([1-9][0-9]{0,18})\.([1-9][0-9]{0,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


def _token_mac(payload: str, session_id: int | str) -> str:
    key = hmac.new(get_settings().secret_key.encode(), b"rar.documents.download-token.v1", hashlib.sha256).digest()
    digest = hmac.new(key, f"{payload}|{session_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_download_token(actor: Actor, document_id: int, *, ttl: int = DOWNLOAD_TOKEN_TTL,
                         now: float | None = None) -> str:
    """A signed token for one document, valid `ttl` seconds for this actor in
    this session only (for a link such as `/documents/download?t=<token>`)."""
    with session_scope() as db:
        doc, _app = _document(db, actor, document_id, write=False)
    expires = int(time.time() if now is None else now) + int(ttl)
    payload = f"{doc.id}.{actor.account_id}.{expires}"
    return f"{payload}.{_token_mac(payload, actor.session_id)}"


def resolve_download_token(token: Any, session_id: int | str, *, now: float | None = None) -> DownloadGrant:
    """The grant a token carries, if it is genuine, unexpired and issued in this
    session; NotFound otherwise. Access is checked again on opening."""
    match = _TOKEN_RE.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        raise NotFound()
    doc_id, account_id, expires, mac = match.groups()
    expected = _token_mac(f"{doc_id}.{account_id}.{expires}", session_id)
    if not hmac.compare_digest(mac, expected):
        raise NotFound()
    if int(expires) <= (time.time() if now is None else now):
        raise NotFound()
    return DownloadGrant(int(doc_id), int(account_id), datetime.fromtimestamp(int(expires), timezone.utc))


def open_with_token(token: Any, actor: Actor, *, store: DocumentStore | None = None,
                    now: float | None = None) -> tuple[DocumentInfo, ObjectStream]:
    """What the portal's download route does: verify the token against the
    requester's session and account, re-check access, open the bytes."""
    grant = resolve_download_token(token, actor.session_id, now=now)
    if grant.account_id != actor.account_id:
        raise NotFound()
    return open_for_download(actor, grant.document_id, store=store, via="token")
