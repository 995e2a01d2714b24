"""Issue 17, point 1: the simulated IRCC gives each client a UCI when it receives an
application submitted through the portal (a known client keeps theirs); the application
can then be identified on the link form and taken over by the client; clients with a
single name can be matched."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Applicant, AuditEvent, Client
from rar_app.services.casework import linking, submission
from rar_app.services.casework.linking import LinkForm
from rar_app.services.office import receipt, search
from tests.fixtures.documents.samples import pdf
from tests.services.test_search_helpers import make_account, make_application, stop_mail_worker  # noqa: F401
from tests.services.test_submission_drafts import ANSWER, make_draft, make_rep, new_session

UCI = re.compile(r"^[1-9]\d-\d{4}-\d{4}$")


def _submit(rep, people):
    draft = make_draft(rep, people)
    submission.sign(rep, new_session(rep), draft.application_id, ip="127.0.0.1", agree="yes",
                    given_names="Hélène", family_name="Côté-Lévesque", answer=ANSWER)
    result = submission.submit_free(rep, draft.application_id, ip="127.0.0.1")
    return draft, result


def _clients(app_id):
    with session_scope() as db:
        rows = db.exec(select(Applicant, Client).join(Client, Applicant.client_id == Client.id)
                       .where(Applicant.application_id == app_id).order_by(Applicant.position))
        return [(a.application_number, c.uci, c.family_name, c.given_names, c.date_of_birth) for a, c in rows]


@pytest.fixture
def rep(migrated_db):
    return make_rep()


def test_receipt_gives_every_new_client_a_new_uci(rep):
    people = [{"given": f"Enfant{i}", "family": "Nguyen", "type": "visitor_visa", "fee": "exempt",
               "biometrics": "exempt"} for i in range(3)]
    draft, result = _submit(rep, people)
    clients = _clients(draft.application_id)
    ucis = [c[1] for c in clients]
    assert all(UCI.match(u) for u in ucis), ucis
    assert len(set(ucis)) == 3
    with session_scope() as db:
        for number, uci, *_ in clients:
            assert search.status_view(db, rep, number).uci == uci
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "client.uci_given")).all()
    assert len(events) == 3 and all('"known": false' in e.details for e in events)


def test_a_known_client_keeps_their_uci(rep):
    person = {"given": "Awa", "family": "Ndiaye", "type": "visitor_visa", "fee": "exempt", "biometrics": "exempt"}
    first, _ = _submit(rep, [person])
    second, _ = _submit(rep, [person])
    (one,), (two,) = _clients(first.application_id), _clients(second.application_id)
    assert one[1] == two[1] and UCI.match(one[1])
    with session_scope() as db:
        last = db.exec(select(AuditEvent).where(AuditEvent.action == "client.uci_given")
                       .order_by(AuditEvent.id.desc())).first()
    assert '"known": true' in last.details
    # A client row that already has a UCI keeps it as it is.
    with session_scope() as db:
        client = Client(family_name="Paper", given_names="", uci="00-0000-0777")
        db.add(client)
        db.flush()
        applicant = Applicant(application_id=second.application_id, position=9, client_id=client.id)
        assert receipt.give_ucis(db, [applicant]) == ["00-0000-0777"]
        db.rollback()


def test_a_portal_submission_is_linked_and_taken_over_with_its_uci(rep):
    person = {"given": "Mariam", "family": "Touré", "type": "visitor_visa", "fee": "exempt", "biometrics": "exempt"}
    draft, _ = _submit(rep, [person])
    ((number, uci, family, given, dob),) = _clients(draft.application_id)
    form = LinkForm(kind="visitor_visa", application_number=number, family_name=family, given_names=given,
                    date_of_birth=dob, uci=uci)
    assert linking.form_errors(form) == []
    # The representative who submitted it: it is already on their account.
    with session_scope() as db:
        assert linking.link_application(db, rep, form).outcome == "already_linked"
    # The client takes it over with the number, their identity and the UCI IRCC gave.
    with session_scope() as db:
        client = make_account(db, "client", email="mariam@example.invalid").id
    result = linking.take_over(client, form, "IMM5476.pdf", io.BytesIO(pdf()))
    assert (result.outcome, result.application_number) == ("pending_review", number)
    from rar_app.models import StaffReview
    from rar_app.services.office import reviews

    with session_scope() as db:
        staff = make_account(db, "staff").id
        review = db.exec(select(StaffReview).where(StaffReview.status == "open",
                                                   StaffReview.kind == "representative_removal")).one()
        reviews.decide(db, staff, review.id, True)
    with session_scope() as db:
        assert search.status_view(db, client, number).uci == uci


def test_a_client_with_a_single_name_is_matched(migrated_db):
    dob = date(1979, 2, 3)
    with session_scope() as db:
        rep = make_account(db)
        paper, *_ = make_application(db, None, family="Sukarno", given="", dob=dob, uci="00-0000-0555",
                                     number="V900000555", paper=True)
        rep_id = rep.id
    form = LinkForm(kind="paper", family_name="SUKARNO", given_names="", date_of_birth=dob, uci="0000000555")
    assert linking.form_errors(form) == []
    with session_scope() as db:
        result = linking.link_application(db, rep_id, form)
    assert (result.outcome, result.application_number) == ("linked", "V900000555")
    # Given names typed for a single-name client do not match (near: all but one field).
    with session_scope() as db:
        other = make_account(db).id
    with session_scope() as db:
        assert linking.link_application(db, other, LinkForm(
            kind="paper", family_name="Sukarno", given_names="X", date_of_birth=dob, uci="00-0000-0555")).outcome in (
            "none", "near")
