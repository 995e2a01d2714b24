"""One representative never reaches another's applications, messages or documents
through any tracking service (each answers "not found", or shows nothing)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Document, DocumentRequest, Message
from rar_app.services.office import backoffice, search
from rar_app.services.casework import document_links, documents
from rar_app.services.messaging import messages
from rar_app.services.office.search import NotFound, SearchCriteria
from tests.services.test_search_helpers import make_account, make_application, stop_mail_worker  # noqa: F401


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        owner, intruder = make_account(db), make_account(db)
        app, applicant, _c, _ = make_application(db, owner, number="V900000777", uci="00-0000-0777",
                                                 file_number="SECRET-1")
        backoffice.start_review(db, backoffice.SIMULATION, applicant.id)
        rid = backoffice.request_documents(db, backoffice.SIMULATION, applicant.id, label_fr="a", label_en="a")
        doc = Document(owner_id=owner.id, application_id=app.id, applicant_id=applicant.id,
                       slot_code=f"request-{rid}", original_name="secret.pdf", storage_key="s" * 40)
        db.add(doc)
        db.flush()
        inbox = db.exec(select(Message.id).where(Message.account_id == owner.id)).first()
        db.info.clear()
        return dict(owner=owner.id, intruder=intruder.id, app=app.id, rid=rid, doc=doc.id, inbox=inbox)


def test_every_read_is_not_found_or_empty(world):
    me = world["intruder"]
    with session_scope() as db:
        for criteria in (SearchCriteria(), SearchCriteria(application_number="V900000777"),
                         SearchCriteria(uci="00-0000-0777"), SearchCriteria(client_file_number="SECRET-1"),
                         SearchCriteria(family_name="Exemple"), SearchCriteria(category="visitor_visa")):
            assert search.search(db, me, criteria).rows == []
        assert search.categories(db, me) == []
        for call in (lambda: search.status_view(db, me, "V900000777"),
                     lambda: search.application_summary(db, me, "V900000777"),
                     lambda: messages.open_message(db, me, world["inbox"]),
                     lambda: messages.mark_unread(db, me, world["inbox"]),
                     lambda: messages.application_messages(db, me, world["app"]),
                     lambda: backoffice.answer_request(db, me, world["rid"]),
                     lambda: backoffice.application_detail(db, me, world["app"])):
            with pytest.raises(NotFound):
                call()
        assert messages.inbox(db, me).total == 0
    actor = documents.Actor(me, "representative", session_id=1)
    for call in (lambda: documents.list_for_application(actor, world["app"]),
                 lambda: documents.get_info(actor, world["doc"]),
                 lambda: document_links.issue_download_token(actor, world["doc"])):
        with pytest.raises(documents.NotFound):
            call()


def test_nothing_changed_for_the_owner(world):
    test_every_read_is_not_found_or_empty(world)
    with session_scope() as db:
        assert db.get(DocumentRequest, world["rid"]).status == "open"
        assert db.get(Message, world["inbox"]).read_at is None
        assert search.status_view(db, world["owner"], "V900000777").client_file_number == "SECRET-1"
        assert search.search(db, world["owner"]).total == 1
