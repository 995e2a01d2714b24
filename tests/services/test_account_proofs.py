"""The proof document of a name change (services/casework/account_proofs.py): stored
for its owner after the same checks as client documents, discarded when replaced,
read only by an administrator deciding the request (audited)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import AuditEvent, Document
from rar_app.services.casework import account_proofs, documents
from rar_app.services.identity import accounts, demo_accounts, own_account
from tests.fixtures.documents import samples
from tests.services.account_helpers import cheap_argon2  # noqa: F401  (autouse)


@pytest.fixture
def world(migrated_db, portal_env):
    with session_scope() as db:
        return demo_accounts.ensure_demo_accounts(db)


def test_a_proof_is_stored_read_by_an_administrator_and_discarded(world):
    rep, admin = world["demo.rep"], world["demo.admin"]
    data = samples.pdf(marker="name-change")
    doc_id, name = account_proofs.store_proof(rep, "acte de mariage.pdf", data, ip="10.0.0.1")
    assert name == "acte de mariage.pdf"
    with session_scope() as db:
        doc = db.get(Document, doc_id)
        assert (doc.owner_id, doc.application_id, doc.slot_code) == (rep, None, account_proofs.PROOF_SLOT)
        request_id = own_account.request_name_change(db, rep, family_name="Nouveau", given_names="Camille",
                                                     document_id=doc_id)
    assert account_proofs.read_proof(admin, request_id, ip="10.0.0.2") == (data, name, "application/pdf")
    for other in (rep, world["demo.staff"]):
        with pytest.raises(accounts.Forbidden):
            account_proofs.read_proof(other, request_id)
    with session_scope() as db:
        reads = db.exec(select(AuditEvent).where(AuditEvent.action == "document.download",
                                                 AuditEvent.object_id == str(doc_id))).all()
        assert [e.actor_id for e in reads] == [admin]

    account_proofs.discard_proof(world["demo.admin"], doc_id)  # not the owner's: nothing happens
    with session_scope() as db:
        assert db.get(Document, doc_id).deleted_at is None
    account_proofs.discard_proof(rep, doc_id)
    with session_scope() as db:
        assert db.get(Document, doc_id).deleted_at is not None
    with pytest.raises(accounts.NotFound):
        account_proofs.read_proof(admin, request_id)


def test_a_file_that_is_no_document_is_refused_and_nothing_kept(world):
    with pytest.raises(documents.DocumentRefused) as refused:
        account_proofs.store_proof(world["demo.rep"], "photo.exe", samples.exe())
    assert refused.value.code == "unsupported_type"
    with session_scope() as db:
        assert db.exec(select(Document)).all() == []
