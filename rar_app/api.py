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
from rar_app.services.identity.addresses import request_ip
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
    """POST (ticket and next in the form body: no secret in any address): the
    ticket's session cookie, for the browser whose pre-sign-in cookie it was issued to."""
    form = await request.form()
    browser_key = request.cookies.get(sessions.presign_cookie_name())
    token = sessions.redeem_ticket(str(form.get("ticket") or ""), browser_key)
    lang = normalise(request.cookies.get("rar_lang"))
    if token is None:
        return _no_store(RedirectResponse(routes.url("sign_in", lang) + "?expired=1", status_code=303))
    response = RedirectResponse(_safe_next(str(form.get("next") or ""), routes.url("home", lang)), status_code=303)
    response.headers.append("Set-Cookie", sessions.cookie_header_value(token))
    return _no_store(response)


async def sign_out(request: Request) -> Response:
    form = await request.form()
    lang = normalise(str(form.get("lang") or request.cookies.get("rar_lang") or "fr"))
    account_id = sessions.revoke(request.cookies.get(sessions.cookie_name()))
    if account_id is not None:
        from rar_app.db import session_scope
        from rar_app.services import audit

        with session_scope() as db:
            audit.record(db, "auth.sign_out", actor_id=account_id, object_type="account", object_id=account_id,
                         ip=request_ip(request))
    response = RedirectResponse(routes.url("signed_out", lang), status_code=303)
    response.headers.append("Set-Cookie", sessions.cookie_header_value("", clear=True))
    return _no_store(response)


async def health(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


# The guards around the whole portal live in api_guard.py (names kept here for callers).
from rar_app.api_guard import (  # noqa: E402
    UPLOAD_FRAMING_BYTES,
    body_limit_guard,
    origin_guard,
    security_headers,
    upload_body_limit,
    upload_folder_guard,
    upload_size_guard,
)

__all__ = ["UPLOAD_FRAMING_BYTES", "body_limit_guard", "build_api", "origin_guard", "security_headers",
           "upload_body_limit", "upload_folder_guard", "upload_size_guard"]


def build_api() -> Starlette:
    from rar_app.settings import get_settings

    # Demo mode only (never production): the embedded demo Sign-In Partner at /demo-partner.
    demo_partner: list[Route] = []
    if get_settings().demo_partner:
        from rar_app.services.identity.demo_partner import demo_partner_routes

        demo_partner = demo_partner_routes()
    return Starlette(
        routes=[
            Route("/api/session/establish", establish, methods=["POST"]),
            Route("/api/session/signout", sign_out, methods=["POST"]),
            Route("/api/health", health, methods=["GET"]),
            *api_documents.ROUTES,
            *oidc_routes(),  # Sign-In Partner: /api/oidc/start, /api/oidc/callback
            *demo_partner,
        ]
    )
