"""The sign-in ticket (issue 14, point 4): a random secret that maps once, server-side,
to the session, redeemed by POST (never in an address) and only by the browser holding
the pre-sign-in cookie it was issued to (which also closes login CSRF)."""

from __future__ import annotations

import asyncio

import httpx

import rar_app.pages  # noqa: F401  (registers the page addresses the redirects name)
from rar_app.api import build_api
from rar_app.api_guard import security_headers
from rar_app.db import session_scope
from rar_app.models import Account
from rar_app.services.identity import sessions
from rar_app.services.identity.passwords import hash_secret

BASE = "http://127.0.0.1:3000"


def _session_token() -> str:
    with session_scope() as db:
        account = Account(username="rep.ticket", password_hash=hash_secret("Tr0ub4dor&3x"), status="active",
                          given_names="Demo", family_name="Rep")
        db.add(account)
        db.flush()
        return sessions.create(db, account, stage="challenge")


def _post(path: str, data: dict, cookies: dict | None = None, method: str = "post") -> httpx.Response:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=build_api()), base_url=BASE,
                                     cookies=cookies or {}) as client:
            if method == "get":
                return await client.get(path, params=data)
            return await client.post(path, data=data)

    return asyncio.run(go())


def _issue(token: str, browser_key: str) -> str:
    with session_scope() as db:
        return sessions.issue_ticket(db, token, browser_key)


def test_establish_sets_the_cookie_once_for_the_browser_that_asked(migrated_db):
    token = _session_token()
    ticket = _issue(token, "presign-a")
    response = _post("/api/session/establish", {"ticket": ticket, "next": "/fr/question-de-securite"},
                     {sessions.PRESIGN_COOKIE_NAME: "presign-a"})
    assert response.status_code == 303 and response.headers["location"] == "/fr/question-de-securite"
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{sessions.COOKIE_NAME}={token};") and "HttpOnly" in set_cookie
    assert ticket not in response.headers["location"] and token not in response.headers["location"]
    again = _post("/api/session/establish", {"ticket": ticket, "next": "/fr/question-de-securite"},
                  {sessions.PRESIGN_COOKIE_NAME: "presign-a"})
    assert again.status_code == 303 and again.headers["location"].endswith("?expired=1"), "a ticket works once"
    assert "set-cookie" not in again.headers


def test_a_ticket_from_another_browser_is_refused(migrated_db):
    token = _session_token()
    for cookies in ({}, {sessions.PRESIGN_COOKIE_NAME: "presign-attacker"}):
        ticket = _issue(token, "presign-victim")
        response = _post("/api/session/establish", {"ticket": ticket, "next": "/fr/accueil"}, cookies)
        assert response.status_code == 303 and response.headers["location"].endswith("?expired=1")
        assert "set-cookie" not in response.headers
        # Burnt: even the right browser cannot use it after a foreign try.
        late = _post("/api/session/establish", {"ticket": ticket}, {sessions.PRESIGN_COOKIE_NAME: "presign-victim"})
        assert "set-cookie" not in late.headers


def test_establish_by_get_is_gone(migrated_db):
    token = _session_token()
    ticket = _issue(token, "presign-a")
    response = _post("/api/session/establish", {"ticket": ticket}, {sessions.PRESIGN_COOKIE_NAME: "presign-a"},
                     method="get")
    assert response.status_code == 405 and "set-cookie" not in response.headers


async def _page(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})
    await send({"type": "http.response.body", "body": b"<html></html>"})


def _get(path: str, cookies: dict | None = None) -> httpx.Response:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=security_headers(_page)), base_url=BASE,
                                     cookies=cookies or {}) as client:
            return await client.get(path)

    return asyncio.run(go())


def test_pages_give_a_pre_sign_in_cookie_once(portal_env):
    first = _get("/fr/connexion")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(sessions.PRESIGN_COOKIE_NAME + "=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age" not in cookie
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    assert len(value) >= 40
    assert "set-cookie" not in _get("/fr/accueil", {sessions.PRESIGN_COOKIE_NAME: value}).headers
    assert "set-cookie" not in _get("/assets/app.js").headers, "assets do not hand it out"
    assert _get("/en/sign-in").headers["set-cookie"].split(";", 1)[0] != cookie.split(";", 1)[0]


def test_behind_https_the_pre_sign_in_cookie_is_host_prefixed(portal_env):
    portal_env(RAR_PUBLIC_URL="https://rar.example.org")
    cookie = _get("/fr/connexion").headers["set-cookie"]
    assert cookie.startswith("__Host-rar_presign=") and "Secure" in cookie and "Path=/" in cookie
