"""Plain HTTP endpoints beside Reflex's websocket: the ones that must set or clear
the HttpOnly session cookie, and a health check."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from rar_app import api_documents, routes
from rar_app.i18n import normalise
from rar_app.services.identity import sessions
from rar_app.services.identity.oidc import oidc_routes


def _safe_next(path: str | None, default: str) -> str:
    """Only our own pages: no scheme, no host, no protocol-relative '//'."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    return path if routes.find(path.split("?")[0]) else default


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def establish(request: Request) -> Response:
    token = sessions.redeem_ticket(request.query_params.get("ticket", ""))
    lang = normalise(request.cookies.get("rar_lang"))
    if token is None:
        return _no_store(RedirectResponse(routes.url("sign_in", lang) + "?expired=1", status_code=303))
    response = RedirectResponse(_safe_next(request.query_params.get("next"), routes.url("home", lang)), status_code=303)
    response.headers.append("Set-Cookie", sessions.cookie_header_value(token))
    return _no_store(response)


async def sign_out(request: Request) -> Response:
    form = await request.form()
    lang = normalise(str(form.get("lang") or request.cookies.get("rar_lang") or "fr"))
    account_id = sessions.revoke(request.cookies.get(sessions.COOKIE_NAME))
    if account_id is not None:
        from rar_app.db import session_scope
        from rar_app.services import audit

        with session_scope() as db:
            audit.record(db, "auth.sign_out", actor_id=account_id, object_type="account", object_id=account_id,
                         ip=request.client.host if request.client else "")
    response = RedirectResponse(routes.url("signed_out", lang), status_code=303)
    response.headers.append("Set-Cookie", sessions.cookie_header_value("", clear=True))
    return _no_store(response)


async def health(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), microphone=(), payment=()"),
    (b"content-security-policy", b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"),
]


def security_headers(app):
    """ASGI middleware: clickjacking and MIME-sniffing protection on every HTTP response
    (pages, assets and API alike)."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in names
                ]
            await send(message)

        return await app(scope, receive, send_with_headers)

    return wrapped


# Multipart framing around the files of one upload (names, headers, boundaries).
UPLOAD_FRAMING_BYTES = 256 * 1024


def upload_body_limit() -> int:
    """The largest upload request the portal accepts: a slot's files at their size limit."""
    from rar_app.settings import get_settings

    settings = get_settings()
    return settings.max_upload_bytes * max(1, settings.max_files_per_slot) + UPLOAD_FRAMING_BYTES


def upload_size_guard(app):
    """ASGI middleware: Reflex reads a whole upload (spooling it to disk) before any
    handler can look at its size, and the browser's size check is only a courtesy.
    Refuse an oversized upload at the door: by its Content-Length (413, never read),
    or, when it streams without one, by cutting it off once it passes the limit."""

    async def wrapped(scope, receive, send):
        if (scope["type"] != "http" or scope.get("method") != "POST"
                or not scope.get("path", "").rstrip("/").endswith("/_upload")):
            return await app(scope, receive, send)
        limit = upload_body_limit()
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = Response("Fichier trop volumineux / File too large\n", status_code=413,
                                media_type="text/plain; charset=utf-8", headers={"Connection": "close"})
            return await response(scope, receive, send)
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

    return wrapped


def build_api() -> Starlette:
    return Starlette(
        routes=[
            Route("/api/session/establish", establish, methods=["GET"]),
            Route("/api/session/signout", sign_out, methods=["POST"]),
            Route("/api/health", health, methods=["GET"]),
            *api_documents.ROUTES,
            *oidc_routes(),  # Sign-In Partner: /api/oidc/start, /api/oidc/callback
        ]
    )
