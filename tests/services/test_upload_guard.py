"""The upload door: an oversized upload is refused before Reflex reads (and spools) it."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from rar_app.api import UPLOAD_FRAMING_BYTES, security_headers, upload_body_limit, upload_size_guard


class Recorder:
    """A stand-in for Reflex's upload route: reads the whole body, says how much it got."""

    def __init__(self) -> None:
        self.calls = 0
        self.received = 0
        self.disconnected = False

    async def __call__(self, scope, receive, send):
        self.calls += 1
        self.received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return
            self.received += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": str(self.received).encode()})


@pytest.fixture
def small_limit(portal_env):
    portal_env(RAR_MAX_UPLOAD_BYTES=str(100_000), RAR_MAX_FILES_PER_SLOT="2")
    return upload_body_limit()


def post(app, path: str, content, headers=None) -> httpx.Response:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal") as client:
            return await client.post(path, content=content, headers=headers or {})

    return asyncio.run(go())


def test_the_limit_is_a_slots_files_plus_framing(small_limit):
    assert small_limit == 2 * 100_000 + UPLOAD_FRAMING_BYTES


def test_an_upload_within_the_limit_goes_through_whole(small_limit):
    inner = Recorder()
    response = post(upload_size_guard(inner), "/_upload", b"x" * (small_limit - 10))
    assert response.status_code == 200 and inner.received == small_limit - 10


def test_a_declared_oversized_upload_is_refused_unread(small_limit):
    inner = Recorder()
    response = post(security_headers(upload_size_guard(inner)), "/_upload", b"x" * (small_limit + 1))
    assert response.status_code == 413 and inner.calls == 0
    assert "File too large" in response.text and "Fichier trop volumineux" in response.text
    assert response.headers["x-content-type-options"] == "nosniff"  # still behind the security headers


def test_a_malformed_length_is_refused(small_limit):
    inner = Recorder()

    async def go():
        scope = {"type": "http", "method": "POST", "path": "/_upload", "headers": [(b"content-length", b"-5")]}
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await upload_size_guard(inner)(scope, receive, send)
        return sent

    sent = asyncio.run(go())
    assert sent[0]["status"] == 413 and inner.calls == 0


def _stream(app, path: str, chunks: list[bytes]):
    """A body without Content-Length (chunked): returns (messages sent, chunks read)."""
    offered = []
    sent = []

    async def go():
        scope = {"type": "http", "method": "POST", "path": path, "headers": [(b"transfer-encoding", b"chunked")]}

        async def receive():
            if len(offered) >= len(chunks):
                return {"type": "http.disconnect"}
            offered.append(1)
            return {"type": "http.request", "body": chunks[len(offered) - 1], "more_body": len(offered) < len(chunks)}

        async def send(message):
            sent.append(message)

        await app(scope, receive, send)

    asyncio.run(go())
    return sent, len(offered)


def test_a_streamed_upload_without_length_gets_413_at_the_limit(small_limit):
    inner = Recorder()
    chunk = b"y" * 64 * 1024
    chunks = [chunk] * 40  # 2.5 MB, far past the limit
    sent, read = _stream(upload_size_guard(inner), "/_upload", chunks)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert inner.calls == 0, "nothing of an oversized stream reaches the upload route"
    assert read < len(chunks), "the rest of the stream is never read"


def test_a_streamed_upload_within_the_limit_reaches_the_route_whole(small_limit):
    inner = Recorder()
    chunks = [b"a" * 50_000, b"b" * 50_000, b"c" * 7]
    sent, _read = _stream(upload_size_guard(inner), "/_upload", chunks)
    assert sent[0]["status"] == 200 and inner.received == 100_007
    assert sent[1]["body"] == b"100007"


def test_other_posts_are_bounded_too(small_limit):
    from rar_app.api_guard import FORM_BODY_LIMIT

    inner = Recorder()
    response = post(upload_size_guard(inner), "/api/session/signout", b"z" * (FORM_BODY_LIMIT + 1))
    assert response.status_code == 413 and inner.calls == 0
    sent, _read = _stream(upload_size_guard(inner), "/api/other", [b"z" * 40_000, b"z" * 40_000])
    assert sent[0]["status"] == 413 and inner.calls == 0
    response = post(upload_size_guard(inner), "/api/other", b"z" * 1000)
    assert response.status_code == 200 and inner.received == 1000


def test_gets_are_not_touched(small_limit):
    inner = Recorder()

    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=upload_size_guard(inner)),
                                     base_url="http://portal") as client:
            return await client.get("/api/health")

    assert asyncio.run(go()).status_code == 200 and inner.calls == 1
