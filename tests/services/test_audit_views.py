"""Reading the audit log (issue 14): « Historique du dossier » for the holder of an
application only — paginated, who/what/when/where, reads audited — and the
administrators' search by actor, action, object and dates, itself audited."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AuditEvent, utcnow
from rar_app.pages.audit_search import AuditSearchState
from rar_app.pages.file_history import FileHistoryState
from rar_app.services import audit, audit_views
from rar_app.services.identity import sessions
from rar_app.services.office.search import NotFound
from tests import state_harness
from tests.services.test_search_helpers import make_account, make_application


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        rep, other, staff, admin, client = (make_account(db), make_account(db), make_account(db, "staff"),
                                            make_account(db, "admin"), make_account(db, "client"))
        app, *_ = make_application(db, rep, number="V900000777")
        other_app, *_ = make_application(db, other, number="V900000778")
        for i in range(25):
            audit.record(db, "application.signed" if i % 2 else "document.download", actor_id=rep.id,
                         actor_role="representative", object_type="application", object_id=app.id,
                         ip=f"10.0.0.{i}")
        audit.record(db, "backoffice.start_review", actor_id=staff.id, actor_role="staff",
                     object_type="application", object_id=app.id, ip="172.16.0.1")
        audit.record(db, "access.refused", actor_id=other.id, actor_role="representative",
                     object_type="application", object_id=app.id, ip="10.9.9.9")
        audit.record(db, "application.signed", actor_id=other.id, actor_role="representative",
                     object_type="application", object_id=other_app.id, ip="10.1.1.1")
        return dict(rep=rep.id, other=other.id, staff=staff.id, admin=admin.id, client=client.id, app=app.id,
                    other_app=other_app.id, rep_name=rep.username)


def test_the_holder_reads_the_history_page_by_page(world):
    with session_scope() as db:
        first = audit_views.file_history(db, world["rep"], world["app"], ip="127.0.0.3")
        second = audit_views.file_history(db, world["rep"], str(world["app"]), page=1)
    assert len(first.entries) == 20 and first.has_next and len(second.entries) == 6 and not second.has_next
    newest = first.entries[0]
    assert newest.action == "backoffice.start_review" and newest.actor_name == "" and newest.ip == "", \
        "staff appear as IRCC, without their address"
    mine = first.entries[1]
    assert mine.actor_id == world["rep"] and mine.ip == "10.0.0.24" and mine.actor_name
    actions = {e.action for e in first.entries + second.entries}
    assert "access.refused" not in actions, "others' refused attempts are not shown"
    with session_scope() as db:
        viewed = list(db.exec(select(AuditEvent).where(AuditEvent.action == "audit.history_viewed")))
    assert len(viewed) == 2 and viewed[0].ip == "127.0.0.3"


@pytest.mark.parametrize("who", ["other", "staff", "admin", "client"])
def test_anyone_else_gets_not_found_and_is_recorded(world, who):
    for target in (world["app"], "abc", -1, 10**12):
        with pytest.raises(NotFound), session_scope() as db:
            audit_views.file_history(db, world[who], target)
    with session_scope() as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "access.refused",
                                                AuditEvent.actor_id == world[who])).first() is not None
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "audit.history_viewed")).first() is None


def test_administrators_search_by_actor_action_object_and_dates(world):
    def search(**criteria):
        with session_scope() as db:
            return audit_views.search(db, world["admin"], audit_views.Criteria(**criteria), ip="127.0.0.8")

    assert len(search(actor=world["rep_name"]).entries) == 20
    assert {e.actor_id for e in search(actor=str(world["other"])).entries} == {world["other"]}
    signed = search(action="application.signed")
    assert {e.action for e in signed.entries} == {"application.signed"} and len(signed.entries) == 13
    assert {e.action for e in search(action="document").entries} == {"document.download"}
    assert [e.object_id for e in search(object_type="application", object_id=str(world["other_app"])).entries] \
        == [str(world["other_app"])]
    today = utcnow().date()
    assert search(date_from=today - timedelta(days=1), date_to=today).entries
    assert not search(date_from=today + timedelta(days=1)).entries
    assert not search(date_to=date(2000, 1, 1)).entries
    with session_scope() as db:
        logged = list(db.exec(select(AuditEvent).where(AuditEvent.action == "audit.searched")))
    assert len(logged) == 8 and all(e.actor_id == world["admin"] and e.ip == "127.0.0.8" for e in logged)
    assert '"action": "application.signed"' in logged[2].details, logged[2].details
    for who in ("rep", "staff", "client"):
        with pytest.raises(NotFound), session_scope() as db:
            audit_views.search(db, world[who], audit_views.Criteria())


def _token(account_id):
    with session_scope() as db:
        return sessions.create(db, db.get(Account, account_id))


def test_the_pages_states_refuse_others(world):
    async def scenario():
        for who in (None, "other", "staff", "admin"):
            state = state_harness.state(FileHistoryState, token=_token(world[who]) if who else None,
                                        path="/fr/historique-du-dossier", query={"id": str(world["app"])})
            await state_harness.call(state, "load")
            await state_harness.call(state, "next_page")
            assert state.entries == []
        owner = state_harness.state(FileHistoryState, token=_token(world["rep"]), path="/en/file-history",
                                    query={"id": str(world["app"])})
        await state_harness.call(owner, "load")
        assert len(owner.entries) == 20 and owner.entries[0]["who"] == "IRCC (back office)"
        await state_harness.call(owner, "next_page")
        assert len(owner.entries) == 6
        for who in (None, "rep", "staff"):
            state = state_harness.state(AuditSearchState, token=_token(world[who]) if who else None,
                                        path="/fr/administration/journal-d-audit")
            await state_harness.call(state, "search", {})
            assert state.entries == []
        admin = state_harness.state(AuditSearchState, token=_token(world["admin"]),
                                    path="/fr/administration/journal-d-audit")
        # Dates are three boxes (rar_app/date_parts.py); each error names its field and links to the wrong box.
        await state_harness.call(admin, "set_date", "date_from", "day", "14")
        await state_harness.call(admin, "set_date", "date_from", "month", "13")
        await state_harness.call(admin, "set_date", "date_from", "year", "2026")
        await state_harness.call(admin, "set_date", "date_to", "day", "31")
        await state_harness.call(admin, "set_date", "date_to", "month", "2")
        await state_harness.call(admin, "set_date", "date_to", "year", "2026")
        await state_harness.call(admin, "search", {})
        assert [e["field"] for e in admin.errors] == ["audit-date_from-month", "audit-date_to"]
        assert admin.errors[0]["message"].startswith("Date de début") and "mois" in admin.errors[0]["message"]
        assert admin.errors[1]["message"].startswith("Date de fin") and "n’existe pas" in admin.errors[1]["message"]
        assert admin.date_marked == {"date_from": {"month": "1"}, "date_to": {"day": "1", "month": "1", "year": "1"}}
        assert admin.field_errors["audit-date_from"] and admin.entries == []
        for part, value in (("month", "12"), ("day", "1")):  # the end before the start
            await state_harness.call(admin, "set_date", "date_from", part, value)
        await state_harness.call(admin, "set_date", "date_to", "day", "28")
        await state_harness.call(admin, "search", {})
        assert [e["field"] for e in admin.errors] == ["audit-date_to"] and "suivre" in admin.errors[0]["message"]
        for name in ("date_from", "date_to"):
            for part in ("day", "month", "year"):
                await state_harness.call(admin, "set_date", name, part, "")
        await state_harness.call(admin, "set_date", "date_from", "nope", "1")  # unknown part: ignored
        admin.action = "application.signed"
        await state_harness.call(admin, "search", {})
        assert len(admin.entries) == 13

    asyncio.run(scenario())


def test_each_client_file_has_its_history_drafts_included(world):
    """« Historique du dossier » on each client file: the drafts list links it for every draft,
    and the page shows the draft's own history to its representative only (issue 14)."""
    from rar_app.services.casework import applications
    from rar_app.state.wizard_drafts import DraftsState

    saved = applications.save_step(world["rep"], None, "file_number", {"file_number": "BROUILLON-7"}, ip="10.7.7.7")
    assert saved.ok
    draft = saved.app_id

    async def scenario():
        drafts = state_harness.state(DraftsState, token=_token(world["rep"]), path="/fr")
        await state_harness.call(drafts, "load")
        row = next(r for r in drafts.rows if r.id == draft)
        assert row.history_href == f"/fr/historique-du-dossier?id={draft}"
        assert row.history_label == "Historique du dossier BROUILLON-7"
        owner = state_harness.state(FileHistoryState, token=_token(world["rep"]), path="/fr/historique-du-dossier",
                                    query={"id": str(draft)})
        await state_harness.call(owner, "load")
        assert owner.found and owner.entries and any(e["ip"] == "" or e["who"] for e in owner.entries)
        assert any(e["action"] for e in owner.entries)
        for who in (None, "other", "client", "staff", "admin"):
            intruder = state_harness.state(FileHistoryState, token=_token(world[who]) if who else None,
                                           path="/fr/historique-du-dossier", query={"id": str(draft)})
            await state_harness.call(intruder, "load")
            assert intruder.entries == [], who

    asyncio.run(scenario())
    with pytest.raises(NotFound), session_scope() as db:
        audit_views.file_history(db, world["other"], draft)
    with session_scope() as db:
        mine = audit_views.file_history(db, world["rep"], draft)
    assert mine.entries and all(e.actor_id in (world["rep"], None) for e in mine.entries)
