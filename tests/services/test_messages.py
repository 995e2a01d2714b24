"""Account messages (the representative queue) and application messages."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Application, Message
from rar_app.services.messaging import messages
from rar_app.services.office import search
from rar_app.services.office.search import NotFound
from tests.services.test_search_helpers import make_account, make_application, stop_mail_worker  # noqa: F401


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        rep = make_account(db)
        other = make_account(db)
        app, applicant, _c, _ = make_application(db, rep, number="V900000020")
        ids = {}
        for name, (category, detail, app_id) in {
            "account": ("account", "information", None),
            "follow": ("account", "follow_up", None),
            "visa": ("visitor_visa", "updated", app.id),
            "study": ("study_permit", "follow_up", None),
        }.items():
            m = messages.post(db, account_id=rep.id, application_id=app_id, category=category, detail=detail,
                              subject_fr=f"Sujet {name}", subject_en=f"Subject {name}", body_fr="Corps",
                              body_en="Body", notify=False)
            ids[name] = m.id
        theirs = messages.post(db, account_id=other.id, subject_fr="À l'autre", subject_en="To the other",
                               notify=False)
        return dict(rep=rep.id, other=other.id, app=app.id, ids=ids, theirs=theirs.id)


def test_inbox_newest_first_with_labels_and_unread(world):
    with session_scope() as db:
        page = messages.inbox(db, world["rep"], lang="fr")
    assert page.total == 4 and page.unread == 4
    assert [r["subject"] for r in page.rows] == ["Sujet study", "Sujet visa", "Sujet follow", "Sujet account"]
    visa = page.rows[1]
    assert visa["category_label"] == "Visa de visiteur" and visa["detail_label"] == "Demande/profil mis à jour"
    assert visa["application_number"] == "V900000020" and visa["unread"]
    with session_scope() as db:
        en = messages.inbox(db, world["rep"], lang="en")
    assert en.rows[0]["detail_label"] == "Follow-up required" and en.rows[2]["category_label"] == "Account"


@pytest.mark.parametrize("category, detail, expected", [
    ("account", "", {"account", "follow"}),
    ("", "follow_up", {"follow", "study"}),
    ("account", "follow_up", {"follow"}),
    ("visitor_visa", "updated", {"visa"}),
    ("work_permit", "", set()),
])
def test_queue_search_by_category_and_details(world, category, detail, expected):
    with session_scope() as db:
        page = messages.inbox(db, world["rep"], category=category, detail=detail)
    assert {r["subject"].removeprefix("Sujet ") for r in page.rows} == expected and page.total == len(expected)


def test_opening_marks_read_and_is_audited_foreign_ids_are_not_found(world):
    with session_scope() as db:
        shown = messages.open_message(db, world["rep"], world["ids"]["visa"], lang="en")
        assert shown["subject"] == "Subject visa"
    with session_scope() as db:
        assert messages.unread_count(db, world["rep"]) == 3
        assert messages.inbox(db, world["rep"], unread_only=True).total == 3
        for bad in (world["theirs"], 99999, "x", None):
            with pytest.raises(NotFound):
                messages.open_message(db, world["rep"], bad)
        messages.mark_unread(db, world["rep"], world["ids"]["visa"])
    with session_scope() as db:
        assert messages.unread_count(db, world["rep"]) == 4


def test_paging(world):
    with session_scope() as db:
        first = messages.inbox(db, world["rep"], limit=3)
        second = messages.inbox(db, world["rep"], limit=3, after=first.next_cursor)
    assert len(first.rows) == 3 and len(second.rows) == 1 and second.next_cursor is None
    assert {r["id"] for r in first.rows + second.rows} == set(world["ids"].values())


def test_the_link_to_an_application_disappears_when_it_is_no_longer_theirs(world):
    with session_scope() as db:
        search.write_processing(db, db.get(Application, world["app"]), representative_id=None)
    with session_scope() as db:
        row = messages.open_message(db, world["rep"], world["ids"]["visa"])
    assert row["application_number"] == ""


def test_notify_queues_a_notice_only_for_recipients_with_an_address(world):
    with session_scope() as db:
        noaddr = make_account(db, email="")
        m1 = messages.post(db, account_id=world["rep"], subject_fr="a", subject_en="a")
        m2 = messages.post(db, account_id=noaddr.id, subject_fr="b", subject_en="b")
        m3 = messages.post(db, application_id=world["app"], subject_fr="c", subject_en="c")
        assert (m1.email_status, m2.email_status, m3.email_status) == ("pending", "none", "pending")
        with pytest.raises(ValueError):
            messages.post(db, subject_fr="x", subject_en="x")
        with pytest.raises(ValueError):
            messages.post(db, account_id=world["rep"], detail="bogus", subject_fr="x", subject_en="x")


def test_templates_fill_both_languages(world):
    texts = messages.render("linked", {"number": "V1", "client": "Anne Exemple", "date": "2026-01-01",
                                       "category": messages.category_values("study_permit")})
    assert texts["subject_fr"] == "Demande ajoutée à votre compte\u00a0: V1"
    assert "(Permis d’études)" in texts["body_fr"] and "(Study permit)" in texts["body_en"]


def test_application_messages_follow_access(world):
    with session_scope() as db:
        messages.post(db, application_id=world["app"], subject_fr="s", subject_en="s", notify=False)
        assert len(messages.application_messages(db, world["rep"], world["app"])) == 1
        with pytest.raises(NotFound):
            messages.application_messages(db, world["other"], world["app"])
        assert db.exec(select(Message).where(Message.account_id.is_(None))).first() is not None
