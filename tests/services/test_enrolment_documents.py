"""Issue 17, point 15: IRCC (back-office staff) asks a representative for enrolment
documents; the representative answers in the portal (message and file); staff see the
answer. Roles and ownership are checked in the service; every step is audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import AuditEvent, Message
from rar_app.services.casework import account_proofs, enrolment_documents as ed
from rar_app.services.identity import accounts, demo_accounts
from tests.fixtures.documents import samples
from tests.services.account_helpers import cheap_argon2  # noqa: F401  (autouse)


@pytest.fixture
def world(migrated_db, portal_env):
    with session_scope() as db:
        return demo_accounts.ensure_demo_accounts(db)


def test_staff_ask_the_representative_answers_staff_read_it(world):
    rep, staff, admin = world["demo.rep"], world["demo.staff"], world["demo.admin"]
    with session_scope() as db:
        with pytest.raises(accounts.ValidationFailed) as refused:
            ed.ask(db, staff, "nobody.here", "")
        assert {e.field for e in refused.value.errors} == {"username", "note"}
        assert refused.value.errors[0].message("fr").startswith("Nom d’utilisateur du représentant")
        request_id = ed.ask(db, staff, " Demo.Rep ", "Preuve d’adhésion au CICC pour 2026.", ip="10.0.0.9")
    for intruder in (rep, admin):
        with pytest.raises(accounts.Forbidden), session_scope() as db:
            ed.ask(db, intruder, "demo.rep", "x")
    with session_scope() as db:
        inbox = db.exec(select(Message).where(Message.account_id == rep)).all()
        notice = next(m for m in inbox if "IRCC" in m.subject_fr)
        assert notice.detail == "follow_up" and "Preuve d’adhésion" in notice.body_fr
        mine = ed.mine(db, rep)
        assert [(r.request_id, r.status) for r in mine] == [(request_id, "asked")]
        with pytest.raises(accounts.Forbidden):
            ed.mine(db, staff)

    # The answer needs a message and the representative's own file.
    with pytest.raises(accounts.ValidationFailed) as refused, session_scope() as db:
        ed.answer(db, rep, request_id, "", None)
    assert {e.field for e in refused.value.errors} == {"answer", "file"}
    doc_id, name = account_proofs.store_proof(rep, "certificat CICC.pdf", samples.pdf(marker="cicc"), ip="10.0.0.1")
    other_doc, _ = account_proofs.store_proof(admin, "autre.pdf", samples.pdf(marker="autre"))
    with pytest.raises(accounts.ValidationFailed), session_scope() as db:
        ed.answer(db, rep, request_id, "Voici le certificat.", other_doc)  # not theirs
    with pytest.raises(accounts.NotFound), session_scope() as db:
        ed.answer(db, rep, request_id + 999, "x", doc_id)  # no such request
    with session_scope() as db:
        view = ed.answer(db, rep, request_id, "Voici le certificat.", doc_id, ip="10.0.0.1")
    assert (view.status, view.answer, view.file_name) == ("answered", "Voici le certificat.", name)
    with pytest.raises(accounts.NotFound), session_scope() as db:
        ed.answer(db, rep, request_id, "Encore", doc_id)  # answered once

    with session_scope() as db:
        seen = ed.for_staff(db, staff)
        assert [(r.username, r.status, r.answer, r.file_name) for r in seen] == [
            ("demo.rep", "answered", "Voici le certificat.", name)]
        key, file_name, content_type = ed.answer_file(db, staff, request_id)
        assert file_name == name and content_type == "application/pdf" and key
        with pytest.raises(accounts.Forbidden):
            ed.for_staff(db, rep)
        actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"account.documents_requested", "account.documents_answered", "document.download"} <= set(actions)
