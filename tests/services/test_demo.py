"""The demo world: every state, obviously fictional, isolated per representative, reset."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, Applicant, Application, Client, Document, Message
from rar_app.services.office import demo, search
from rar_app.services.casework import document_intake, linking
from rar_app.services.messaging import messages
from rar_app.services.casework import submission  # noqa: F401  (the read-only guard, as in the portal)
from rar_app.services.identity.passwords import verify_secret
from rar_app.storage import get_store
from tests.services.test_search_helpers import stop_mail_worker  # noqa: F401




@pytest.fixture
def loaded(migrated_db):
    with session_scope() as db:
        rep = demo.load_demo_world(db)
    with session_scope() as db:
        ids = {a.username: a.id for a in db.exec(select(Account))}
    return dict(rep=rep.id, ids=ids)


def test_accounts_and_sign_ins(loaded):
    with session_scope() as db:
        accounts = {a.username: a for a in db.exec(select(Account))}
    assert {"demo.rep", "demo.rep2", "demo.staff", "demo.client"} <= set(accounts)
    assert accounts["demo.staff"].role == "staff" and accounts["demo.client"].role == "client"
    assert verify_secret(accounts["demo.rep"].password_hash, demo.DEMO_PASSWORD)
    assert all(a.email.endswith(".invalid") for a in accounts.values())
    assert [u for _r, u, _p in demo.demo_sign_ins()] == ["demo.rep", "demo.rep2", "demo.staff", "demo.client", "demo.admin"]


def test_twenty_clients_in_every_state(loaded):
    with session_scope() as db:
        clients = list(db.exec(select(Client).where(Client.representative_id == loaded["rep"])))
        statuses = Counter(a.status for a, app in db.exec(
            select(Applicant, Application).join(Application, Applicant.application_id == Application.id)
            .where(Application.representative_id == loaded["rep"])))
    assert 18 <= len(clients) <= 25
    for status in ("draft", "submitted", "biometrics_requested", "in_review", "documents_requested", "approved",
                   "refused", "closed"):
        assert statuses[status] >= 1, status
    with session_scope() as db:
        closed = db.exec(select(Applicant).where(Applicant.status == "closed")).all()
    assert all(a.issued_document and a.issued_at for a in closed)
    assert {a.decision for a in closed} == {"approved", "refused"}


def test_everything_is_obviously_fictional(loaded):
    with session_scope() as db:
        numbers = [a.application_number for a in db.exec(select(Applicant)) if a.application_number]
        ucis = [c.uci for c in db.exec(select(Client)) if c.uci]
        names = [c.family_name for c in db.exec(select(Client))]
        docs = list(db.exec(select(Document)))
    assert all(re.fullmatch(r"[VSW]9\d{8}", n) for n in numbers) and len(numbers) == len(set(numbers))
    assert all(u.startswith("00-0000-") for u in ucis)
    assert "Tilleul" in names and "Vanille" in names
    assert docs and all("SPECIMEN" in d.original_name for d in docs)
    store = get_store()
    with store.open_stream(docs[0].storage_key) as stream:
        data = stream.read_all()
    staged = document_intake.StagedUpload()
    staged.fill_from(io.BytesIO(data))
    assert document_intake.validate(staged).content_type == "application/pdf"  # a real, readable PDF
    staged.close()


def test_messages_and_no_mail_on_load(loaded):
    with session_scope() as db:
        page = messages.inbox(db, loaded["rep"])
        statuses = Counter(m.email_status for m in db.exec(select(Message)))
    assert page.unread >= 2 and page.total >= 10
    assert {r["detail"] for r in page.rows} >= {"follow_up", "updated"}
    assert set(statuses) == {"none"}


def test_each_representative_sees_only_their_own(loaded):
    rep, rep2 = loaded["ids"]["demo.rep"], loaded["ids"]["demo.rep2"]
    with session_scope() as db:
        mine = {r.application_number for r in search.search(db, rep, limit=100).rows}
        theirs = {r.application_number for r in search.search(db, rep2, limit=100).rows}
    assert mine and theirs and not mine & theirs


def test_linking_the_paper_files_the_takeover_then_reset_restores_the_world(loaded):
    from tests.fixtures.documents.samples import pdf

    spec = dict(demo.PAPER_TO_LINK, date_of_birth=date.fromisoformat(demo.PAPER_TO_LINK["date_of_birth"]))
    with session_scope() as db:
        assert linking.link_application(db, loaded["rep"], linking.LinkForm(**spec)).outcome == "linked"
    several = dict(demo.PAPER_SEVERAL, date_of_birth=date.fromisoformat(demo.PAPER_SEVERAL["date_of_birth"]))
    with session_scope() as db:
        assert linking.link_application(db, loaded["rep"], linking.LinkForm(**several)).outcome == "several_linked"
    takeover = dict(demo.CLIENT_TAKEOVER, date_of_birth=date.fromisoformat(demo.CLIENT_TAKEOVER["date_of_birth"]))
    result = linking.take_over(loaded["ids"]["demo.client"], linking.LinkForm(**takeover), "imm5476.pdf",
                               io.BytesIO(pdf()))
    assert result.outcome == "pending_review"
    from rar_app.models import StaffReview
    from rar_app.services.office import reviews

    with session_scope() as db:
        staff = db.exec(select(Account).where(Account.username == "demo.staff")).one()
        review = db.exec(select(StaffReview).where(StaffReview.status == "open")).one()
        assert reviews.decide(db, staff.id, review.id, True) == "approved"
    with session_scope() as db:
        before_keys = set(db.exec(select(Document.storage_key)))

    demo.reset_demo_world()
    with session_scope() as db:
        rep = db.exec(select(Account).where(Account.username == "demo.rep")).one()
        assert search.search(db, rep.id, search.SearchCriteria(application_number="V900000190")).total == 0
        assert search.search(db, rep.id, search.SearchCriteria(application_number="V900000121")).total == 1
        after_keys = set(db.exec(select(Document.storage_key)))
        assert db.exec(select(Account).where(Account.username == "demo.staff")).one()
    store = get_store()
    assert not any(store.exists(k) for k in before_keys)
    assert all(store.exists(k) for k in after_keys)
