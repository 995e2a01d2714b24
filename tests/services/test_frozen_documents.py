"""Signed and submitted applications are frozen (issue 14, point 2): the document
service checks the application's status itself. After signing, only a file answering
an open document request can be added (and, until the request is answered, replaced
or removed); anything else — including crafted `upload`/`remove`/`replace` events sent
to the uploader's state with a stale `editable` flag — is refused with nothing changed."""

from __future__ import annotations

import asyncio
import dataclasses
import io

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, Application, AuditEvent, Document, DocumentRequest
from rar_app.services.casework import documents
from rar_app.services.casework.documents import DocumentRefused
from rar_app.services.identity import sessions
from rar_app.state.documents import DocumentsState
from rar_app.storage import get_store
from tests import state_harness
from tests.fixtures.documents import samples
from tests.fixtures.documents.world import make_world

FROZEN = ("signed", "paying", "submitting", "submitted")


@pytest.fixture
def world(migrated_db):
    return make_world()


def _upload(world, slot="passport", marker="x", applicant="first"):
    applicant_id = world.applicant1 if applicant == "first" else applicant
    return documents.upload(world.rep, world.app, applicant_id, slot, "f.pdf", io.BytesIO(samples.pdf(marker=marker)))


def _set_status(app_id, status):
    with session_scope() as db:
        app = db.get(Application, app_id)
        app.status = status
        db.add(app)


def _snapshot():
    with session_scope() as db:
        rows = [(d.id, d.slot_code, d.status, d.deleted_at) for d in db.exec(select(Document).order_by(Document.id))]
    return rows, sorted(get_store().list_keys())


def _request(world, *, applicant_id=None, status="open", app_id=None):
    with session_scope() as db:
        request = DocumentRequest(application_id=app_id or world.app, applicant_id=applicant_id or world.applicant1,
                                  label_fr="Relevé bancaire", label_en="Bank statement", status=status)
        db.add(request)
        db.flush()
        return request.id


@pytest.mark.parametrize("status", FROZEN)
def test_nothing_added_removed_or_replaced_once_signed(world, status):
    doc = _upload(world).document
    _set_status(world.app, status)
    before = _snapshot()
    for attempt in (lambda: documents.remove(world.rep, doc.id),
                    lambda: _upload(world, marker="new"),
                    lambda: _upload(world, slot="photo", marker="other"),
                    lambda: documents.replace(world.rep, doc.id, "n.pdf", io.BytesIO(samples.pdf(marker="r")))):
        with pytest.raises(DocumentRefused) as caught:
            attempt()
        assert caught.value.code == "frozen" and "signée ou soumise" in caught.value.message("fr")
        assert _snapshot() == before
    with session_scope() as db:
        actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "document.delete_refused" in actions and actions.count("document.upload_refused") == 3


def test_a_draft_stays_free(world):
    doc = _upload(world).document
    documents.remove(world.rep, doc.id)
    assert _snapshot()[0][0][3] is not None


def test_after_submission_only_answers_to_open_requests(world):
    _upload(world)
    _set_status(world.app, "submitted")
    request_id = _request(world)
    answer = _upload(world, slot=f"request-{request_id}", marker="answer").document
    assert answer.slot_code == f"request-{request_id}"
    # Once sent, even an answer stays as sent: it is neither replaced nor removed; another file may be added.
    before = _snapshot()
    with pytest.raises(DocumentRefused) as caught:
        documents.replace(world.rep, answer.id, "b.pdf", io.BytesIO(samples.pdf(marker="answer2")))
    assert caught.value.code == "frozen"
    with pytest.raises(DocumentRefused) as caught:
        documents.remove(world.rep, answer.id)
    assert caught.value.code == "frozen" and _snapshot() == before
    again = _upload(world, slot=f"request-{request_id}", marker="answer3").document

    # Another applicant's request, another application's, an unknown or answered one: refused.
    foreign = _request(world, app_id=world.other_app, applicant_id=world.other_applicant)
    answered = _request(world, status="received")
    before = _snapshot()
    for slot, applicant in ((f"request-{request_id}", world.applicant2), (f"request-{foreign}", "first"),
                            ("request-999999", "first"), (f"request-{answered}", "first"),
                            (f"request-{request_id}x", "first")):
        with pytest.raises(DocumentRefused) as caught:
            _upload(world, slot=slot, marker="nope" + slot, applicant=applicant)
        assert caught.value.code in ("frozen", "invalid_slot")
    assert _snapshot() == before

    with session_scope() as db:  # the request is answered: its file is part of the file now
        row = db.get(DocumentRequest, request_id)
        row.status = "received"
        db.add(row)
    with pytest.raises(DocumentRefused):
        documents.remove(world.rep, again.id)
    assert _snapshot() == before


# --------------------------------------------------------------------------- crafted events


class _Upload:  # what Reflex hands the handler: filename, headers, the real file in .file
    def __init__(self, payload: bytes, filename: str = "crafted.pdf") -> None:
        self.file = io.BytesIO(payload)
        self.filename = filename
        self.headers = {"content-type": "application/pdf"}


def _signed_in(account_id: int) -> str:
    with session_scope() as db:
        return sessions.create(db, db.get(Account, account_id))


SLOTS = [{"code": "passport", "label_fr": "Passeport", "label_en": "Passport", "required": True}]


@pytest.mark.parametrize("status", ("signed", "submitted"))
def test_crafted_events_on_a_stale_uploader_change_nothing(world, status):
    doc = _upload(world).document
    state = state_harness.state(DocumentsState, token=_signed_in(world.rep.account_id),
                                path="/fr/documents-demonstration")
    from rar_app.services.identity.sessions import lookup

    info = lookup(state.router.headers.cookie.split("=", 1)[1])

    async def scenario():
        # The page was opened while the application was a draft (editable), then it was signed.
        await state._configure(info, world.app, world.applicant1, SLOTS, editable=True)
        _set_status(world.app, status)
        before = _snapshot()
        await state_harness.call(state, "remove", doc.id)
        await state_harness.call(state, "upload", [_Upload(samples.pdf(marker="crafted"))], "passport")
        await state_harness.call(state, "replace", [_Upload(samples.pdf(marker="crafted2"))], doc.id)
        assert _snapshot() == before
        assert state.errors and all("signée ou soumise" in e["message"] for e in state.errors)

    asyncio.run(scenario())
