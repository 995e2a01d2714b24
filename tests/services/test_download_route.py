"""GET /api/documents/download?t=<token>: only the session the token was issued
in gets the bytes; everything else is the same 404. Driven through the
portal's Starlette API (the same app Reflex mounts)."""

from __future__ import annotations

import io
import logging
import time

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from rar_app import manage
from rar_app.api import build_api
from rar_app.db import session_scope
from rar_app.models import Account, AuditEvent
from rar_app.services.casework import document_links, documents
from rar_app.services.identity import sessions
from rar_app.services.casework.documents import Actor
from rar_app.storage import StorageUnavailable, get_store
from tests.fixtures.documents import samples
from tests.fixtures.documents.world import make_world

URL = "/api/documents/download"


@pytest.fixture
def world(migrated_db):
    return make_world()


def _sign_in(account_id: int) -> tuple[str, Actor]:
    """A real, complete session for the account: (cookie token, the actor it gives)."""
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account_id), ip="127.0.0.1")
    return token, Actor.from_session(sessions.lookup(token), ip="127.0.0.1")


def _client(token: str | None = None, lang: str | None = None) -> TestClient:
    client = TestClient(build_api(), base_url="http://127.0.0.1")
    if token:
        client.cookies.set(sessions.COOKIE_NAME, token)
    if lang:
        client.cookies.set("rar_lang", lang)
    return client


def _upload(actor: Actor, app: int, data: bytes, name: str = "passeport.pdf") -> int:
    return documents.upload(actor, app, None, "passport", name, io.BytesIO(data)).document.id


def _downloads(document_id: int) -> list[AuditEvent]:
    with session_scope() as db:
        return list(db.exec(select(AuditEvent).where(AuditEvent.action == "document.download",
                                                     AuditEvent.object_id == str(document_id))))


def test_owner_downloads_the_bytes_with_safe_headers(world):
    cookie, owner = _sign_in(world.rep.account_id)
    data = samples.pdf(pages=2)
    doc = _upload(owner, world.app, data, name="Passeport de Marie.pdf")
    token = document_links.issue_download_token(owner, doc)
    response = _client(cookie).get(URL, params={"t": token})
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["content-disposition"].startswith('attachment; filename="Passeport de Marie.pdf"')
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in response.headers["cache-control"]
    [entry] = _downloads(doc)
    assert entry.actor_id == owner.account_id and '"via": "token"' in entry.details


def test_the_link_works_again_in_the_same_session_until_it_expires(world):
    cookie, owner = _sign_in(world.rep.account_id)
    doc = _upload(owner, world.app, samples.png(), name="photo.png")
    token = document_links.issue_download_token(owner, doc)
    client = _client(cookie)
    assert client.get(URL, params={"t": token}).content == samples.png()
    assert client.get(URL, params={"t": token}).status_code == 200
    assert len(_downloads(doc)) == 2, "every download is audited"


def test_another_representative_with_the_same_link_gets_404(world):
    cookie, owner = _sign_in(world.rep.account_id)
    doc = _upload(owner, world.app, samples.pdf())
    token = document_links.issue_download_token(owner, doc)
    other_cookie, _other = _sign_in(world.other_rep.account_id)
    response = _client(other_cookie).get(URL, params={"t": token})
    assert response.status_code == 404
    assert response.text == "Document introuvable."
    assert response.headers["cache-control"] == "no-store"
    assert _downloads(doc) == []


def test_the_same_representative_in_another_session_gets_404(world):
    cookie, owner = _sign_in(world.rep.account_id)
    doc = _upload(owner, world.app, samples.pdf())
    token = document_links.issue_download_token(owner, doc)
    second_cookie, _ = _sign_in(world.rep.account_id)
    assert _client(second_cookie).get(URL, params={"t": token}).status_code == 404
    assert _client(cookie).get(URL, params={"t": token}).status_code == 200


def test_no_session_signed_out_or_half_signed_in_gets_404(world):
    cookie, owner = _sign_in(world.rep.account_id)
    doc = _upload(owner, world.app, samples.pdf())
    token = document_links.issue_download_token(owner, doc)
    assert _client().get(URL, params={"t": token}).status_code == 404
    assert _client("not-a-session").get(URL, params={"t": token}).status_code == 404
    sessions.revoke(cookie)
    assert _client(cookie).get(URL, params={"t": token}).status_code == 404
    with session_scope() as db:  # a session still at its security question
        challenge = sessions.create(db, db.get(Account, world.rep.account_id), stage="challenge",
                                    challenge_position=1)
    assert _client(challenge).get(URL, params={"t": token}).status_code == 404


def test_expired_tampered_guessed_or_missing_tokens_get_404(world):
    cookie, owner = _sign_in(world.rep.account_id)
    doc = _upload(owner, world.app, samples.pdf())
    client = _client(cookie)
    expired = document_links.issue_download_token(owner, doc, now=time.time() - document_links.DOWNLOAD_TOKEN_TTL - 1)
    assert client.get(URL, params={"t": expired}).status_code == 404
    token = document_links.issue_download_token(owner, doc)
    doc_id, account_id, expires, mac = token.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    tampered = [
        f"{doc_id}.{account_id}.{expires}.{flipped}",
        f"{doc_id}.{account_id}.{int(expires) + 3600}.{mac}",  # a longer life
        f"{int(doc_id) + 1}.{account_id}.{expires}.{mac}",  # another document
        f"{doc_id}.{world.other_rep.account_id}.{expires}.{mac}",
    ]
    for bad in tampered:
        assert client.get(URL, params={"t": bad}).status_code == 404, bad
    for guessed in ["", "1", "../../etc/passwd", f"{doc_id}.{account_id}.{expires}", "x" * 5000]:
        assert client.get(URL, params={"t": guessed}).status_code == 404, guessed
    assert client.get(URL).status_code == 404
    assert client.get(URL, params={"t": token}).status_code == 200, "the genuine token still works"
    assert client.post(URL, params={"t": token}).status_code == 405


def test_a_document_deleted_after_the_link_was_issued_gets_404(world):
    cookie, owner = _sign_in(world.rep.account_id)
    doc = _upload(owner, world.app, samples.pdf())
    token = document_links.issue_download_token(owner, doc)
    documents.remove(owner, doc)
    assert _client(cookie).get(URL, params={"t": token}).status_code == 404


def test_tokens_are_issued_only_to_the_owner(world):
    _cookie, owner = _sign_in(world.rep.account_id)
    doc = _upload(owner, world.app, samples.pdf())
    _other_cookie, other = _sign_in(world.other_rep.account_id)
    with pytest.raises(documents.NotFound):
        document_links.issue_download_token(other, doc)


def test_not_found_in_the_browsers_language(world):
    assert _client(lang="en").get(URL, params={"t": "nothing"}).text == "Document not found."
    assert _client(lang="fr").get(URL, params={"t": "nothing"}).text == "Document introuvable."


def test_storage_unreachable_is_503_with_a_message(world, monkeypatch):
    cookie, owner = _sign_in(world.rep.account_id)
    doc = _upload(owner, world.app, samples.pdf())
    token = document_links.issue_download_token(owner, doc)

    class Unreachable:
        def __init__(self, inner):
            self.inner = inner

        def open_stream(self, key):
            raise StorageUnavailable("injected: cannot read")

        def __getattr__(self, name):
            return getattr(self.inner, name)

    store = Unreachable(get_store())
    monkeypatch.setattr(documents, "get_store", lambda *a, **k: store)
    response = _client(cookie, lang="en").get(URL, params={"t": token})
    assert response.status_code == 503
    assert "temporarily unreachable" in response.text


def test_init_runs_the_document_startup_check(portal_env, caplog):
    caplog.set_level(logging.INFO, logger="rar_app.services.casework.documents")
    assert manage.main(["init"]) == 0
    assert any("documents:" in r.getMessage() for r in caplog.records), caplog.text
