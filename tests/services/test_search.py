"""Search of submitted applications and the "État de la demande et messages" view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rar_app.db import session_scope
from rar_app.models import Document
from rar_app.services.office import backoffice, search
from rar_app.services.office.search import NotFound, SearchCriteria
from tests.services.test_search_helpers import make_account, make_application, stop_mail_worker  # noqa: F401


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        rep = make_account(db)
        other = make_account(db)
        staff = make_account(db, "staff")
        a1 = make_application(db, rep, family="Côté-Dupuis", given="Marie Ève", uci="00-1234-5678",
                              number="V900000001", file_number="DOSSIER-7", days_ago=5)
        a2 = make_application(db, rep, family="Lefebvre", given="Jean", uci="1234-5679", application_type="study_permit",
                              number="S900000002", days_ago=2)
        a3 = make_application(db, rep, family="Family", given="Main", number="V900000003", days_ago=9,
                              extra=[("Family", "Kid", date(2015, 1, 1))])
        draft = make_application(db, rep, family="Brouillon", submitted=False)
        foreign = make_application(db, other, family="Côté-Dupuis", given="Marie Ève", uci="00-9999-0000",
                                   number="V900000099")
        return dict(rep=rep.id, other=other.id, staff=staff.id, a1=a1, a2=a2, a3=a3, draft=draft, foreign=foreign)


def numbers(page):
    return [r.application_number for r in page.rows]


def test_all_submitted_newest_first_one_row_per_applicant(world):
    with session_scope() as db:
        page = search.search(db, world["rep"])
    assert page.total == 4  # the draft and the other representative's file are absent
    assert numbers(page)[:2] == ["S900000002", "V900000001"]
    assert numbers(page)[2] == "V900000003" and page.rows[2].principal and not page.rows[3].principal
    assert page.next_cursor is None


@pytest.mark.parametrize("criteria, expected", [
    (SearchCriteria(application_number="v 900-000-001"), ["V900000001"]),
    (SearchCriteria(family_name="cote"), ["V900000001"]),  # accents, case and hyphens do not matter; prefix
    (SearchCriteria(family_name="CÔTÉ-DUPUIS", given_names="marie"), ["V900000001"]),
    (SearchCriteria(family_name="Côté-Dupuis", given_names="Jean"), []),
    (SearchCriteria(uci="0012345678"), ["V900000001"]),
    (SearchCriteria(uci="1234-5679"), ["S900000002"]),
    (SearchCriteria(client_file_number="DOSSIER-7"), ["V900000001"]),
    (SearchCriteria(category="study_permit"), ["S900000002"]),
    (SearchCriteria(category="work_permit"), []),
    (SearchCriteria(application_number="V900000099"), []),  # another representative's
])
def test_each_criterion(world, criteria, expected):
    with session_scope() as db:
        assert numbers(search.search(db, world["rep"], criteria)) == expected


def test_category_alone_lists_every_application_of_that_category(world):
    with session_scope() as db:
        page = search.search(db, world["rep"], SearchCriteria(category="visitor_visa"))
    assert set(numbers(page)) >= {"V900000001", "V900000003"} and page.total == 3  # with the dependant


def test_keyset_pages_cover_everything_once(migrated_db):
    with session_scope() as db:
        rep = make_account(db)
        for i in range(47):
            make_application(db, rep, family=f"Nom{i}", days_ago=i % 5)
        rep_id = rep.id
    seen, cursor, pages = [], None, 0
    with session_scope() as db:
        while True:
            page = search.search(db, rep_id, after=cursor, limit=10)
            seen += numbers(page)
            pages += 1
            cursor = page.next_cursor
            if cursor is None:
                break
    assert pages == 5 and len(seen) == 47 == len(set(seen))
    with session_scope() as db:  # a forged cursor starts again instead of failing
        assert len(search.search(db, rep_id, after="not-a-cursor", limit=10).rows) == 10


def test_staff_see_every_submitted_application_clients_only_their_own(world):
    with session_scope() as db:
        assert search.search(db, world["staff"]).total == 5
        client = make_account(db, "client")
        assert search.search(db, client.id).total == 0
        with pytest.raises(NotFound):
            search.search(db, 999999)


def test_status_view_of_a_principal_shows_dependants_and_progress(world):
    with session_scope() as db:
        view = search.status_view(db, world["rep"], "V900000003")
    assert view.family_name == "Family" and view.status == "submitted"
    assert [o.given_names for o in view.others] == ["Kid"]
    assert view.progress.estimate_days == 14 and view.progress.elapsed_days == 9
    assert view.progress.days_left == 5 and 0 < view.progress.percent < 100
    assert [s.state for s in view.progress.steps][:2] == ["current", "upcoming"]


def test_status_view_is_not_found_for_foreign_draft_and_unknown(world):
    with session_scope() as db:
        for number in ("V900000099", "", "X", "V000000000"):
            with pytest.raises(NotFound):
                search.status_view(db, world["rep"], number)
        with pytest.raises(NotFound):
            search.status_view(db, world["other"], "V900000001")


def test_status_view_follows_the_processing(world):
    today = date.today()
    with session_scope() as db:
        staff = backoffice.staff_actor(db, world["staff"])
        applicant_id = world["a1"][1].id
        backoffice.request_biometrics(db, staff, applicant_id)
    with session_scope() as db:
        view = search.status_view(db, world["rep"], "V900000001")
        assert view.status == "biometrics_requested" and view.biometrics_status == "requested"
        assert dict((s.code, s.state) for s in view.progress.steps)["biometrics"] == "action_required"
        assert view.messages and "V900000001" in view.messages[0]["subject_fr"]
        backoffice.record_biometrics(db, staff, applicant_id, today - timedelta(days=1))
        rid = backoffice.request_documents(db, staff, applicant_id, label_fr="Relevés", label_en="Statements")
    with session_scope() as db:
        view = search.status_view(db, world["rep"], "V900000001")
        assert view.biometrics_at == (today - timedelta(days=1)).isoformat()
        assert [r["id"] for r in view.requests] == [rid] and view.requests[0]["status"] == "open"
        db.add(Document(owner_id=world["rep"], application_id=view.application_id, applicant_id=applicant_id,
                        slot_code=f"request-{rid}", original_name="releves.pdf", storage_key="k" * 40))
        db.flush()
        assert backoffice.answer_request(db, world["rep"], rid) is True
        backoffice.approve(db, staff, applicant_id)
        backoffice.close(db, staff, applicant_id, issued_at=today)
    with session_scope() as db:
        view = search.status_view(db, world["rep"], "V900000001")
    assert view.status == "closed" and view.issued_document.startswith("Visa de résident temporaire")
    assert view.issued_at == today.isoformat() and view.progress.percent == 100 and view.progress.days_left == 0
    assert all(s.state == "done" for s in view.progress.steps)
    assert [d["request_id"] for d in view.documents] == [rid]


def test_progress_pure_cases():
    today = date(2026, 3, 1)
    p = search.progress("visitor_visa", "in_review", "review", today - timedelta(days=20), today=today)
    assert p.overdue and p.days_left == 0 and p.percent == 95
    p = search.progress("study_permit", "submitted", "", today, biometrics_status="not_required", today=today)
    assert p.estimate_days == 60 and p.days_left == 60
    assert dict((s.code, s.state) for s in p.steps)["biometrics"] == "not_required"
    p = search.progress("visitor_visa", "refused", "decision", today - timedelta(days=3), decision="refused",
                        today=today)
    states = dict((s.code, s.state) for s in p.steps)
    assert states["decision"] == "done" and states["passport_request"] == "not_applicable" and p.days_left == 0
    p = search.progress("open_work_permit", "closed", "passport_request", today, today=today)
    assert p.percent == 100 and p.finished


def test_a_page_never_splits_an_application_and_totals_are_capped(migrated_db, monkeypatch):
    with session_scope() as db:
        rep = make_account(db)
        make_application(db, rep, family="Solo", days_ago=1)
        make_application(db, rep, family="Fam", days_ago=2, extra=[("Fam", "B", date(2010, 1, 1)),
                                                                   ("Fam", "C", date(2012, 1, 1))])
        make_application(db, rep, family="Last", days_ago=3)
        rep_id = rep.id
    with session_scope() as db:
        first = search.search(db, rep_id, limit=2)
        assert [r.family_name for r in first.rows] == ["Solo", "Fam", "Fam", "Fam"]
        second = search.search(db, rep_id, limit=2, after=first.next_cursor)
        assert [r.family_name for r in second.rows] == ["Last"] and second.next_cursor is None
        monkeypatch.setattr(search, "COUNT_CAP", 3)
        page = search.search(db, rep_id)
        assert (page.total, page.total_capped) == (3, True)
        assert search.search(db, rep_id, SearchCriteria(family_name="Solo")).total_capped is False
