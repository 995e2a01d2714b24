"""GET /api/documents/download?t=<token>: a document's bytes, through the portal.

The uploader's "Download" handler checks access and issues a short-lived token
bound to the browser's session (`document_links.issue_download_token`), then sends
the browser here. This route checks again, from the request itself: the
`rar_session` cookie must name a live, complete session; the token must be
genuine, unexpired, issued in that very session for that account; and the
account must still be allowed to read the document (`document_links.open_with_token`).
Anything else — no session, another session or representative, a guessed,
tampered, expired or reused-elsewhere link, a deleted document — is the same
404, so a link reveals nothing. Downloads are audited by the service
(`document.download`, via "token").
"""

from __future__ import annotations

import asyncio
import logging
from typing import Iterator

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from rar_app.i18n import normalise
from rar_app.services.casework import document_links, documents
from rar_app.services.identity import sessions
from rar_app.services.identity.addresses import request_ip
from rar_app.storage import ObjectStream, StorageUnavailable

log = logging.getLogger(__name__)

DOWNLOAD_PATH = "/api/documents/download"
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}


def _lang(request: Request) -> str:
    return normalise(request.cookies.get("rar_lang"))


def _not_found(request: Request) -> Response:
    return PlainTextResponse(documents.NotFound().message(_lang(request)), status_code=404, headers=_NO_STORE)


def _open(request: Request) -> tuple[documents.DocumentInfo, ObjectStream]:
    """Blocking (database, store): run in a worker thread."""
    info = sessions.lookup(sessions.token_from_cookie_header(request.headers.get("cookie")))
    actor = documents.Actor.from_session(info, ip=request_ip(request))  # NotFound
    return document_links.open_with_token(request.query_params.get("t", ""), actor)


def _chunks(stream: ObjectStream) -> Iterator[bytes]:
    try:
        yield from stream
    finally:
        stream.close()


async def download(request: Request) -> Response:
    try:
        info, stream = await asyncio.to_thread(_open, request)
    except documents.NotFound:
        return _not_found(request)
    except StorageUnavailable as exc:
        log.error("download: %s", exc.detail or exc)
        return PlainTextResponse(exc.message(_lang(request)), status_code=503, headers=_NO_STORE)
    headers = {**info.headers(), "Referrer-Policy": "no-referrer"}
    # The generator closes the stream at its end; the background task also when the client goes away.
    return StreamingResponse(_chunks(stream), headers=headers, background=BackgroundTask(stream.close))


ROUTES = [Route(DOWNLOAD_PATH, download, methods=["GET"])]
