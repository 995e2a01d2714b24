"""Origins and headers around the whole portal: the websocket handshake and POSTs from
another Origin are refused; pages carry a CSP whose script-src lists their own inline
scripts; HSTS and the __Host- session cookie behind https."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib

import brotli
import httpx

from rar_app.api_guard import content_security_policy, origin_guard, security_headers
from rar_app.services.identity import sessions

PAGE = b"<html><head><script>window.__ctx = 1;</script><script src='/assets/a.js'></script></head></html>"


async def _page_app(scope, receive, send):
    accept = dict(scope["headers"]).get(b"accept-encoding", b"")
    body, headers = PAGE, [(b"content-type", b"text/html; charset=utf-8")]
    if b"br" in accept:  # as Reflex's precompressed pages: brotli first
        body, headers = brotli.compress(PAGE), headers + [(b"content-encoding", b"br")]
    elif b"gzip" in accept:
        body, headers = gzip.compress(PAGE), headers + [(b"content-encoding", b"gzip")]
    scope["seen_accept"] = accept
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body[:10], "more_body": True})
    await send({"type": "http.response.body", "body": body[10:]})


def _get(app, path: str, headers=None) -> httpx.Response:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:3000") as c:
            return await c.get(path, headers=headers or {})

    return asyncio.run(go())


def _digest(script: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"


def test_pages_get_a_csp_with_the_hashes_of_their_inline_scripts(portal_env):
    response = _get(security_headers(_page_app), "/fr/connexion/", {"accept-encoding": "br, gzip"})
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert _digest(b"window.__ctx = 1;") in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "connect-src 'self' ws://127.0.0.1:3000" in csp
    assert response.headers["content-encoding"] == "br"  # pages stay compressed as Reflex sent them
    assert response.content == PAGE  # the body is passed on whole (decompressed by httpx)
    assert "strict-transport-security" not in response.headers
    assert response.headers["x-frame-options"] == "DENY"


def test_https_adds_hsts_and_wss(portal_env):
    portal_env(RAR_PUBLIC_URL="https://rar.example.org")
    response = _get(security_headers(_page_app), "/en/sign-in/")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "connect-src 'self' wss://rar.example.org" in response.headers["content-security-policy"]


def test_the_session_cookie_is_host_prefixed_and_secure_behind_https(portal_env):
    portal_env(RAR_PUBLIC_URL="https://rar.example.org")
    value = sessions.cookie_header_value("tok")
    assert value.startswith("__Host-rar_session=tok;") and "Secure" in value and "Path=/" in value
    assert "Domain" not in value
    assert sessions.token_from_cookie_header("__Host-rar_session=tok") == "tok"
    assert sessions.token_from_cookie_header("rar_session=planted") is None  # the unprefixed name is ignored
    portal_env(RAR_PUBLIC_URL="http://127.0.0.1:3000")
    assert sessions.cookie_header_value("tok").startswith("rar_session=tok;")


def test_csp_without_a_page_has_no_hashes(portal_env):
    assert "sha256" not in content_security_policy(None)


async def _ok(scope, receive, send):
    if scope["type"] == "websocket":
        await send({"type": "websocket.accept"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _ws(origin: str | None) -> list[dict]:
    sent = []

    async def go():
        headers = [(b"origin", origin.encode())] if origin else []
        scope = {"type": "websocket", "path": "/_event/", "headers": headers}

        async def receive():
            return {"type": "websocket.connect"}

        async def send(message):
            sent.append(message)

        await origin_guard(_ok)(scope, receive, send)

    asyncio.run(go())
    return sent


def test_websocket_handshake_from_another_origin_is_refused(portal_env):
    assert _ws("http://evil.example")[0] == {"type": "websocket.close", "code": 1008}
    assert _ws("http://127.0.0.1:3000.evil.example")[0]["type"] == "websocket.close"
    assert _ws("http://127.0.0.1:3000")[0]["type"] == "websocket.accept"
    assert _ws("http://localhost:3000")[0]["type"] == "websocket.accept"


def test_posts_from_another_origin_are_refused(portal_env):
    async def go(origin):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=origin_guard(_ok)),
                                     base_url="http://127.0.0.1:3000") as c:
            return await c.post("/api/session/signout", headers={"origin": origin}, content=b"lang=fr")

    assert asyncio.run(go("http://evil.example")).status_code == 403
    assert asyncio.run(go("http://127.0.0.1:3000")).status_code == 200


def test_a_page_sent_as_a_file_gets_its_hashes_too(portal_env, tmp_path):
    """Granian sends static pages with the ASGI pathsend extension (no body messages)."""
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(PAGE))
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html"), (b"content-encoding", b"gzip")]})
        await send({"type": "http.response.pathsend", "path": str(path)})

    async def go():
        scope = {"type": "http", "method": "GET", "path": "/fr/", "headers": [(b"accept-encoding", b"gzip")]}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await security_headers(app)(scope, receive, send)

    asyncio.run(go())
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    csp = dict(sent[0]["headers"])[b"content-security-policy"].decode()
    assert _digest(b"window.__ctx = 1;") in csp


def test_pages_are_never_answered_not_modified(portal_env):
    seen = {}

    async def app(scope, receive, send):
        seen.update(dict(scope["headers"]))
        await _page_app(scope, receive, send)

    response = _get(security_headers(app), "/fr/connexion", {"if-none-match": '"abc"', "accept-encoding": "br"})
    assert b"if-none-match" not in seen and seen[b"accept-encoding"] == b"br"
    assert _digest(b"window.__ctx = 1;") in response.headers["content-security-policy"]


def _file_app(content_type: bytes, status: int = 200):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]})
        await send({"type": "http.response.body", "body": b"x"})

    return app


def test_code_files_carry_only_the_headers_that_apply_to_them(portal_env):
    """Scripts and stylesheets: no MIME sniffing and the referrer policy, without the
    document-only headers (framing, permissions, opener, CSP) that would weigh on every
    file of a page's first load; HSTS stays behind https."""
    for path, kind in (("/assets/entry.client-x.js", b"text/javascript"), ("/rar.js", b"application/javascript"),
                       ("/assets/styles-x.css", b"text/css; charset=utf-8")):
        response = _get(security_headers(_file_app(kind)), path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        for absent in ("content-security-policy", "x-frame-options", "permissions-policy",
                       "cross-origin-opener-policy"):
            assert absent not in response.headers, (path, absent)
    portal_env(RAR_PUBLIC_URL="https://rar.example.org")
    response = _get(security_headers(_file_app(b"text/javascript")), "/assets/a.js")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_a_page_at_a_code_address_keeps_every_document_header(portal_env):
    """A 404 page (HTML) answered at a .js address is a document: it keeps them all."""
    response = _get(security_headers(_file_app(b"text/html; charset=utf-8", 404)), "/assets/missing.js")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    response = _get(security_headers(_file_app(b"image/svg+xml")), "/favicon.svg")
    assert "default-src 'self'" in response.headers["content-security-policy"]  # an SVG can be a document
