"""ASGI guards around the whole portal (pages, assets, API, websocket):

- `security_headers`: clickjacking and MIME-sniffing protection, a Content-Security-Policy
  with `default-src 'self'` whose `script-src` lists the SHA-256 of the page's own inline
  scripts (React Router's hydration data), HSTS when the public address is https; a page
  loaded by a browser without the pre-sign-in cookie gives it one (sessions.py: it binds
  sign-in tickets to the browser that asked for them);
- `origin_guard`: the websocket handshake and state-changing HTTP requests are refused
  from any Origin other than the portal's public address (cross-site websocket
  hijacking, login CSRF);
- `body_limit_guard`: every request body is bounded before anything parses it: uploads
  at a slot's files plus framing, other POSTs at `FORM_BODY_LIMIT`; over the limit the
  answer is 413, whether the body declares its length or streams it in chunks.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import tempfile
from functools import lru_cache

import brotli  # reads brotli-compressed pages (Reflex precompresses them) to hash their inline scripts
from starlette.responses import Response

# Multipart framing around the files of one upload (names, headers, boundaries).
UPLOAD_FRAMING_BYTES = 256 * 1024
# Any other POST (sign-out form, OIDC, API): small forms and JSON only.
FORM_BODY_LIMIT = 64 * 1024
# Chunked uploads are read ahead into a spooled file (memory up to this, then disk).
SPOOL_IN_MEMORY = 1024 * 1024

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def _settings():
    from rar_app.settings import get_settings

    return get_settings()


# --------------------------------------------------------------------------- headers

BASE_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), microphone=(), camera=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Scripts and stylesheets are never documents: framing, permissions, opener and CSP headers
# do nothing on them (a CSP governs the document or worker it arrives with; the portal starts
# no workers), but cost about 450 bytes on each of a page's ~15 code files (issue 15: the first
# load's weight). They keep what applies to them: no MIME sniffing, the referrer policy.
CODE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
_CODE_SUFFIXES = (".js", ".mjs", ".css")


def _ws_origin(public_url: str) -> str:
    from rar_app.settings import _origin

    origin = _origin(public_url)
    return ("wss://" if origin.startswith("https://") else "ws://") + origin.split("://", 1)[1]


@lru_cache(maxsize=4)
def csp_base(public_url: str) -> str:
    """Everything but the per-page script hashes. Reflex needs 'unsafe-eval' (its
    `call_script` events are evaluated by the client) and inline styles (emotion)."""
    return ("default-src 'self'; "
            "connect-src 'self' " + _ws_origin(public_url) + "; "
            "img-src 'self' data: blob:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'; "
            "script-src 'self' 'unsafe-eval'")


@lru_cache(maxsize=512)
def inline_script_hashes(html: bytes) -> tuple[str, ...]:
    found = []
    for body in _INLINE_SCRIPT.findall(html):
        digest = "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        if digest not in found:
            found.append(digest)
    return tuple(found)


def content_security_policy(html: bytes | None = None) -> str:
    policy = csp_base(_settings().public_url)
    if html:
        hashes = inline_script_hashes(html)
        if hashes:
            policy += " " + " ".join(hashes)
    return policy


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(n.lower() == b"content-type" and v.lower().startswith(b"text/html") for n, v in headers)


def _decoded(body: bytes, headers: list[tuple[bytes, bytes]]) -> bytes | None:
    encoding = next((v.lower() for n, v in headers if n.lower() == b"content-encoding"), b"")
    if not encoding or encoding == b"identity":
        return body
    try:
        if encoding == b"gzip":
            return gzip.decompress(body)
        if encoding == b"br":
            return brotli.decompress(body)
    except (OSError, brotli.error):
        return None
    return None


def _page_scope(scope) -> dict:
    """Pages are never answered "304 Not Modified": a 304 carries no body, and its policy
    (without the page's hashes) would replace the cached page's. Compression is kept
    (brotli or gzip): `_decoded` reads either to find the page's inline scripts."""
    headers = [(name, value) for name, value in scope.get("headers") or []
               if name not in (b"if-none-match", b"if-modified-since")]
    return dict(scope, headers=headers)


def _is_code_file(path: str) -> bool:
    return path.lower().endswith(_CODE_SUFFIXES)


def _is_code_type(headers: list[tuple[bytes, bytes]]) -> bool:
    """The answer really is a script or a stylesheet (a 404 page at a .js address stays a document)."""
    kind = next((v.lower() for n, v in headers if n.lower() == b"content-type"), b"")
    return kind.startswith((b"text/javascript", b"application/javascript", b"text/css"))


def _looks_like_page(path: str) -> bool:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return not path.startswith(("/assets/", "/api/", "/_")) and ("." not in last or last.endswith(".html"))


def _presign_cookie(scope) -> str | None:
    from rar_app.services.identity import sessions

    return sessions.presign_from_cookie_header(_header(scope, b"cookie"))


def security_headers(app):
    """ASGI middleware: the headers above on every HTTP response; HTML pages get the
    hashes of their inline scripts in `script-src`."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        settings = _settings()
        code = _is_code_file(scope.get("path", ""))
        extra: list[tuple[bytes, bytes]] = []
        if settings.is_https:
            extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        page = scope.get("method") in ("GET", "HEAD") and _looks_like_page(scope.get("path", ""))
        if page:
            scope = _page_scope(scope)
            if not _presign_cookie(scope):
                from rar_app.services.identity import sessions

                extra.append((b"set-cookie", sessions.presign_cookie_header_value(
                    sessions.new_presign_value()).encode()))
        held: dict = {}

        def finish_headers(message, html: bytes | None):
            headers = list(message.get("headers", []))
            names = {name.lower() for name, _ in headers}
            is_code = code and _is_code_type(headers)
            headers += [(n, v) for n, v in (CODE_HEADERS if is_code else BASE_HEADERS) + extra
                        if n not in names or n == b"set-cookie"]
            headers = [(n, v) for n, v in headers if n.lower() != b"content-security-policy"]
            if not is_code:
                headers.append((b"content-security-policy", content_security_policy(html).encode()))
            return dict(message, headers=headers)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                if page and _is_html(message.get("headers", [])):
                    held["start"], held["body"] = message, []  # the policy needs the body's scripts
                    return None
                return await send(finish_headers(message, None))
            if message["type"] == "http.response.pathsend" and "start" in held:
                # The server sends the file itself (Starlette's FileResponse): read it for the hashes.
                start = held.pop("start")
                try:
                    with open(message["path"], "rb") as f:
                        body = f.read(4 * 1024 * 1024)
                except OSError:
                    body = b""
                await send(finish_headers(start, _decoded(body, start.get("headers", [])) or b""))
                return await send(message)
            if message["type"] == "http.response.body" and "start" in held:
                held["body"].append(message.get("body", b""))
                if message.get("more_body"):
                    return None
                body = b"".join(held["body"])
                start = held.pop("start")
                await send(finish_headers(start, _decoded(body, start.get("headers", [])) or b""))
                return await send({"type": "http.response.body", "body": body, "more_body": False})
            if "start" in held:  # any other way of sending the body: the policy without page hashes
                await send(finish_headers(held.pop("start"), None))
            return await send(message)

        return await app(scope, receive, send_with_headers)

    return wrapped


# --------------------------------------------------------------------------- origins


def origin_allowed(origin: str | None) -> bool:
    if origin is None:
        return True  # not a browser making a cross-site request (browsers always send it there)
    return origin.rstrip("/").lower() in {o.lower() for o in _settings().allowed_origins()}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return value.decode("latin-1")
    return None


def origin_guard(app):
    """Refuse the websocket handshake, and any POST, from another Origin (403)."""

    async def wrapped(scope, receive, send):
        if scope["type"] == "websocket":
            if not origin_allowed(_header(scope, b"origin")):
                # Closing before accepting: the server answers the handshake with 403.
                return await send({"type": "websocket.close", "code": 1008})
        elif scope["type"] == "http" and scope.get("method") in _BODY_METHODS:
            if not origin_allowed(_header(scope, b"origin")):
                response = Response("Origine refusée / Origin refused\n", status_code=403,
                                    media_type="text/plain; charset=utf-8")
                return await response(scope, receive, send)
        return await app(scope, receive, send)

    return wrapped


# --------------------------------------------------------------------------- Reflex's upload folder


def upload_folder_guard(app):
    """ASGI middleware: Reflex serves its upload folder publicly (GET /_upload/<file>). The
    portal never keeps a file there (client documents go to the document store, read through
    the signed download route), so nothing is served from it: 404 for any read under it.
    The upload itself (POST /_upload, the event that receives files) is untouched."""

    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") \
                and (scope.get("path", "").rstrip("/") == "/_upload" or scope.get("path", "").startswith("/_upload/")):
            response = Response("Introuvable / Not found\n", status_code=404, media_type="text/plain; charset=utf-8")
            return await response(scope, receive, send)
        return await app(scope, receive, send)

    return wrapped


# --------------------------------------------------------------------------- bodies


def upload_body_limit() -> int:
    """The largest upload request the portal accepts: a slot's files at their size limit."""
    settings = _settings()
    return settings.max_upload_bytes * max(1, settings.max_files_per_slot) + UPLOAD_FRAMING_BYTES


def body_limit_for(path: str) -> int:
    return upload_body_limit() if path.rstrip("/").endswith("/_upload") else FORM_BODY_LIMIT


def _too_large() -> Response:
    return Response("Fichier trop volumineux / File too large\n", status_code=413,
                    media_type="text/plain; charset=utf-8", headers={"Connection": "close"})


def body_limit_guard(app):
    """ASGI middleware: Reflex reads a whole upload (spooling it to disk) before any
    handler can look at its size, and the browser's size check is only a courtesy.
    A body that declares a length over the limit is refused unread (413); one that
    streams without a length is read ahead (spooled) up to the limit and refused with
    413 once it passes it, before the portal sees a byte; one that sends more than it
    declared is cut off."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in _BODY_METHODS:
            return await app(scope, receive, send)
        limit = body_limit_for(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                return await _too_large()(scope, receive, send)
            seen = 0

            async def bounded_receive():
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:
                        return {"type": "http.disconnect"}
                return message

            return await app(scope, bounded_receive, send)

        # No length (chunked): read it all ahead, within the limit.
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        try:
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    return await _too_large()(scope, receive, send)
                spool.write(chunk)
                if not message.get("more_body"):
                    break
            spool.seek(0)
            done = False

            async def replay():
                nonlocal done
                if done:
                    return await receive()
                chunk = spool.read(256 * 1024)
                more = spool.tell() < size
                done = not more
                return {"type": "http.request", "body": chunk, "more_body": more}

            return await app(scope, replay, send)
        finally:
            spool.close()

    return wrapped


def upload_size_guard(app):
    """The body limit, by its former name (uploads and every other POST)."""
    return body_limit_guard(app)
