"""Linking a client's application to a representative's account (each match case), and
a client removing the representative with an IMM 5476."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Application, AuditEvent, Document, Message
from rar_app.services.casework import documents, linking
from rar_app.services.office import search
from rar_app.services.casework.linking import LinkForm
from rar_app.services.office.search import NotFound
from tests.fixtures.documents.samples import pdf
from tests.services.test_search_helpers import make_account, make_application, stop_mail_worker  # noqa: F401

DOB = date(1988, 4, 12)


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        rep = make_account(db)
        other = make_account(db)
        paper, paper_applicant, *_ = make_application(db, None, family="Tilleul", given="Gabriel", dob=DOB,
                                                      uci="00-0000-0190", number="V900000190", paper=True,
                                                      days_ago=5)
        old, *_ = make_application(db, None, family="Vanille", given="Rose", dob=date(1992, 9, 30),
                                   uci="00-0000-0191", number="S900000192", application_type="study_permit",
                                   paper=True, days_ago=40)
        new, *_ = make_application(db, None, family="Vanille", given="Rose", dob=date(1992, 9, 30),
                                   uci="00-0000-0191", number="V900000193", paper=True, days_ago=6)
        held, *_ = make_application(db, other, family="Pris", given="Par", dob=DOB, uci="00-0000-0300",
                                    number="V900000300")
        mine, *_ = make_application(db, rep, family="Déjà", given="Mien", dob=DOB, uci="00-0000-0301",
                                    number="V900000301")
        return dict(rep=rep.id, other=other.id, paper=paper.id, old=old.id, new=new.id, held=held.id, mine=mine.id)


def form(**overrides):
    values = dict(kind="visitor_visa", application_number="V900000190", family_name="Tilleul",
                  given_names="Gabriel", date_of_birth=DOB, uci="00-0000-0190")
    values.update(overrides)
    return LinkForm(**values)


def link(world, f, actor="rep"):
    with session_scope() as db:
        return linking.link_application(db, world[actor], f, ip="127.0.0.1")


def holder(app_id):
    with session_scope() as db:
        return db.get(Application, app_id).representative_id


def test_exact_match_links_and_tells_the_inbox(world):
    result = link(world, form(family_name="TILLEUL", given_names=" gabriel ", uci="0000000190",
                              application_number="v900000190"))
    assert (result.outcome, result.application_number) == ("linked", "V900000190")
    assert holder(world["paper"]) == world["rep"]
    with session_scope() as db:
        inbox = db.exec(select(Message).where(Message.account_id == world["rep"])).one()
        assert inbox.detail == "updated" and "V900000190" in inbox.subject_fr and inbox.email_status == "pending"
        assert search.status_view(db, world["rep"], "V900000190").is_paper
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "application.linked")).one()
        assert event.actor_id == world["rep"] and event.object_id == str(world["paper"])
    assert link(world, form()).outcome == "already_linked"


def test_several_matches_link_the_most_recent(world):
    result = link(world, LinkForm(kind="paper", family_name="Vanille", given_names="Rose",
                                  date_of_birth=date(1992, 9, 30), uci="00-0000-0191"))
    assert (result.outcome, result.application_number, result.matches) == ("several_linked", "V900000193", 2)
    assert holder(world["new"]) == world["rep"] and holder(world["old"]) is None
    # The older one can be linked next (now the only match).
    again = link(world, LinkForm(kind="paper", family_name="Vanille", given_names="Rose",
                                 date_of_birth=date(1992, 9, 30), uci="00-0000-0191"))
    assert (again.outcome, again.application_number) == ("linked", "S900000192")


@pytest.mark.parametrize("overrides", [
    dict(date_of_birth=DOB + timedelta(days=1)),
    dict(given_names="Gabrielle"),
    dict(uci="00-0000-0199"),
    dict(application_number="V900000191"),
    dict(kind="study_permit"),  # the right person under another kind
])
def test_near_match_links_nothing_and_names_nothing(world, overrides):
    result = link(world, form(**overrides))
    assert result == linking.LinkResult("near")
    assert holder(world["paper"]) is None
    with session_scope() as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "link.failed")).one()
    assert "Tilleul" not in event.details and "V900000190" not in event.details


@pytest.mark.parametrize("overrides", [
    dict(family_name="Inconnu", given_names="Personne", uci="00-0000-0999", application_number="V900000999"),
    dict(application_number="V900000300", family_name="Pris", given_names="Par", uci="00-0000-0300"),  # held
])
def test_no_match(world, overrides):
    assert link(world, form(**overrides)).outcome == "none"
    assert holder(world["held"]) == world["other"]


def test_form_errors():
    # Every empty required field is flagged, the kind included (given names may be empty).
    assert linking.form_errors(LinkForm(kind="")) == [("kind", "required"), ("application_number", "required"),
                                                      ("family_name", "required"), ("date_of_birth", "required"),
                                                      ("uci", "required")]
    errors = linking.form_errors(LinkForm(kind="visitor_visa", application_number="12", uci="abc",
                                          date_of_birth=date.today()))
    # Given names may be empty: a client with a single name has none.
    assert errors == [("application_number", "invalid"), ("family_name", "required"),
                      ("date_of_birth", "date_in_future"), ("uci", "invalid")]
    assert [f for f, _ in linking.form_errors(LinkForm(kind="paper"))] == ["family_name", "date_of_birth", "uci"]


def test_failed_attempts_are_throttled(world):
    for _ in range(linking.MAX_FAILED_PER_HOUR):
        assert link(world, form(family_name="X", uci="00-0000-0998", application_number="V900000998")).outcome == "none"
    assert link(world, form()).outcome == "throttled"
    assert holder(world["paper"]) is None


def test_only_representatives_link(world):
    with session_scope() as db:
        staff = make_account(db, "staff").id
    with pytest.raises(NotFound):
        with session_scope() as db:
            linking.link_application(db, staff, form())


# ---------------------------------------------------------------------------- client takeover


@pytest.fixture
def client_world(world):
    with session_scope() as db:
        client = make_account(db, "client", email="client@example.invalid")
    return dict(world, client=client.id)


def takeover_form(**overrides):
    values = dict(kind="visitor_visa", application_number="V900000301", family_name="Déjà", given_names="Mien",
                  date_of_birth=DOB, uci="00-0000-0301")
    values.update(overrides)
    return LinkForm(**values)


def _approve_removal(application_id):
    from rar_app.models import StaffReview
    from rar_app.services.office import reviews

    with session_scope() as db:
        staff = make_account(db, "staff").id
        review = db.exec(select(StaffReview).where(StaffReview.application_id == application_id,
                                                   StaffReview.status == "open")).one()
        assert review.kind == "representative_removal"
        reviews.decide(db, staff, review.id, True, ip="127.0.0.7")


def test_client_removes_the_representative_with_an_imm5476(client_world):
    w = client_world
    result = linking.take_over(w["client"], takeover_form(), "IMM5476 signé.pdf", io.BytesIO(pdf()), ip="127.0.0.9")
    assert (result.outcome, result.application_number) == ("pending_review", "V900000301")
    # Nothing changes before staff have checked the form; a second upload changes nothing either.
    assert holder(w["mine"]) == w["rep"]
    again = linking.take_over(w["client"], takeover_form(), "IMM5476 bis.pdf", io.BytesIO(pdf(marker="2")))
    assert again.outcome == "pending_review"
    with session_scope() as db:
        assert db.exec(select(Message).where(Message.account_id == w["rep"])).first() is None
        assert len(list(db.exec(select(Document).where(Document.slot_code == "imm5476")))) == 1
    _approve_removal(w["mine"])
    with session_scope() as db:
        app = db.get(Application, w["mine"])
        assert app.representative_id is None and app.client_account_id == w["client"]
        # The representative no longer sees it anywhere.
        assert search.search(db, w["rep"], search.SearchCriteria(application_number="V900000301")).total == 0
        with pytest.raises(NotFound):
            search.status_view(db, w["rep"], "V900000301")
        # The client does.
        assert search.status_view(db, w["client"], "V900000301").application_number == "V900000301"
        assert [a["application_number"] for a in linking.client_applications(db, w["client"])] == ["V900000301"]
        removed = db.exec(select(AuditEvent).where(AuditEvent.action == "application.representative_removed")).one()
        assert '"reason": "imm5476_from_client"' in removed.details and f'"former_representative_id": {w["rep"]}' in removed.details
        notice = db.exec(select(Message).where(Message.account_id == w["rep"])).one()
        assert "V900000301" in notice.subject_fr and notice.email_status in ("pending", "sending", "sent"), "told by message and e-mail"
        assert removed.actor_role == "staff" and '"review_id"' in removed.details
        doc = db.exec(select(Document).where(Document.slot_code == "imm5476")).one()
        assert doc.owner_id == w["client"] and doc.application_id == w["mine"]
    rep_actor = documents.Actor(w["rep"], "representative", session_id=1)
    with pytest.raises(documents.NotFound):
        documents.list_for_application(rep_actor, w["mine"])
    # And the representative cannot link it back.
    assert link(w, takeover_form()).outcome == "none"


def test_takeover_needs_an_exact_match_and_a_real_document(client_world):
    w = client_world
    assert linking.take_over(w["client"], takeover_form(given_names="Autre"), "f.pdf", io.BytesIO(pdf())).outcome == "none"
    with pytest.raises(documents.DocumentRefused):
        linking.take_over(w["client"], takeover_form(), "f.pdf", io.BytesIO(b"not a pdf at all"))
    with pytest.raises(ValueError):
        linking.take_over(w["client"], takeover_form(kind="paper"), "f.pdf", io.BytesIO(pdf()))
    with pytest.raises(NotFound):
        linking.take_over(w["rep"], takeover_form(), "f.pdf", io.BytesIO(pdf()))
    assert holder(w["mine"]) == w["rep"]
