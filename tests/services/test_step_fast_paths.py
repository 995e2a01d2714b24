"""The wizard's cheap paths (issue 15) keep every check of the slow ones:
- « Suivant » with problems is answered from a plain read (`step_page.check_step`): same
  scoping and refusal audit, nothing written, and `save_step` re-checks a stale check;
- the Applicant/Client rows are re-synced only when the people they hold change."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from rar_app.db import get_engine, session_scope
from rar_app.models import Applicant, Application, AuditEvent, Client
from rar_app.services.casework import applications
from rar_app.services.casework.answers import ROWS_KEY, Checked
from rar_app.services.casework.step_page import check_step
from tests.services.test_submission_drafts import _answers, make_draft, make_rep


@pytest.fixture
def draft(migrated_db):
    rep = make_rep()
    made = make_draft(rep, [{"given": "Lina", "family": "Haddad", "type": "visitor_visa"}], upload=False)
    return rep, made.application_id


def _updated_at(app_id: int):
    with session_scope() as db:
        return db.get(Application, app_id).updated_at


def test_check_step_says_the_problems_and_writes_nothing(draft):
    rep, app_id = draft
    before = _updated_at(app_id)
    raw = {**_answers({"family": "Haddad"}, 1), "family_name": ""}
    checked = check_step(rep, app_id, "client.1", raw)
    assert [p.field for p in checked.problems] == ["family_name"] and checked.clean is None
    assert checked.version == before
    assert _updated_at(app_id) == before


def test_check_step_refuses_another_representatives_draft_with_an_audit_entry(draft):
    _rep, app_id = draft
    other = make_rep("rep.other", "Ana", "Silva")
    with pytest.raises(applications.NotFound):
        check_step(other, app_id, "client.1", _answers({}, 1))
    with session_scope() as db:
        refused = db.exec(select(AuditEvent).where(AuditEvent.action == "access.refused",
                                                   AuditEvent.actor_id == other)).all()
    assert [(e.object_type, e.object_id) for e in refused] == [("application", str(app_id))]


def test_check_step_refuses_a_signed_draft(draft):
    rep, app_id = draft
    with session_scope() as db:
        app = db.get(Application, app_id)
        app.status = "signed"
        db.add(app)
    with pytest.raises(applications.NotEditable):
        check_step(rep, app_id, "client.1", _answers({}, 1))


def test_a_stale_check_is_done_again_by_save_step(draft):
    rep, app_id = draft
    good = _answers({"family": "Haddad"}, 1)
    checked = check_step(rep, app_id, "client.1", good)
    assert not checked.problems and checked.clean is not None
    # The draft changed since (another tab saved): the clean values of the check are not trusted.
    stale = Checked(checked.version.replace(year=2000), checked.on_date, (), {**checked.clean, "family_name": "Forged"})
    result = applications.save_step(rep, app_id, "client.1", good, checked=stale)
    assert result.ok and result.values["family_name"] == "Haddad"
    # A current check is used as it is.
    fresh = check_step(rep, app_id, "client.1", good)
    result = applications.save_step(rep, app_id, "client.1", good, checked=fresh)
    assert result.ok and result.values == fresh.clean


def _statements_on(table: str):
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        if table in statement.lower():
            seen.append(statement)
    return seen, listen


def test_rows_are_synced_only_when_the_people_change(draft):
    rep, app_id = draft
    seen, listen = _statements_on("applicant")
    event.listen(get_engine(), "before_cursor_execute", listen)
    try:
        same = applications.save_step(rep, app_id, "client.1", _answers({"family": "Haddad", "given": "Lina"}, 1))
        assert same.ok
        assert seen == []  # nothing the rows hold changed: not even read
        renamed = applications.save_step(rep, app_id, "client.1", _answers({"family": "Khoury", "given": "Lina"}, 1))
        assert renamed.ok
        assert seen  # the rows were read and the client renamed
    finally:
        event.remove(get_engine(), "before_cursor_execute", listen)
    with session_scope() as db:
        row = db.exec(select(Applicant).where(Applicant.application_id == app_id)).one()
        assert db.get(Client, row.client_id).family_name == "Khoury"
        assert ROWS_KEY in db.get(Application, app_id).wizard_data


def test_restart_drops_the_rows_even_though_they_were_synced(draft):
    rep, app_id = draft
    applications.restart(rep, app_id)
    with session_scope() as db:
        rows = db.exec(select(Applicant).where(Applicant.application_id == app_id)).all()
    assert len(rows) <= 1  # the program's empty draft: at most the one client placeholder
    applications.save_step(rep, app_id, "file_number", {"file_number": "D-2"})
    applications.save_step(rep, app_id, "applicants", {"count": "2"})
    for n in (1, 2):  # the flow goes client by client
        assert applications.save_step(rep, app_id, f"client.{n}", _answers({"family": f"Nom{n}"}, n)).ok
        assert applications.save_step(rep, app_id, f"documents.{n}", {"documents": []}).ok
    with session_scope() as db:
        rows = db.exec(select(Applicant).where(Applicant.application_id == app_id)
                       .order_by(Applicant.position)).all()
        assert [db.get(Client, r.client_id).family_name for r in rows] == ["Nom1", "Nom2"]


def test_a_save_never_writes_a_draft_signed_since_it_was_read(draft):
    """The save reads the draft as a plain record and writes it back with `write_back`, whose
    statement itself requires a draft: a status changed in between refuses the save whole."""
    from rar_app.services.casework.answers import lock_owned, write_back

    rep, app_id = draft
    with session_scope() as db:
        record = lock_owned(db, rep, app_id)
    with session_scope() as db:  # signed meanwhile (another tab)
        app = db.get(Application, app_id)
        app.status = "signed"
        db.add(app)
        kept = app.wizard_data
    record.wizard_data = '{"v": 1, "answers": {}}'
    with pytest.raises(applications.NotEditable):
        with session_scope() as db:
            write_back(db, record)
    assert _updated_at(app_id) is not None
    with session_scope() as db:
        assert db.get(Application, app_id).wizard_data == kept


def test_lock_owned_refuses_another_representatives_draft(draft):
    from rar_app.services.casework.answers import lock_owned

    _rep, app_id = draft
    other = make_rep("rep.third", "Jo", "Tremblay")
    with pytest.raises(applications.NotFound):
        with session_scope() as db:
            lock_owned(db, other, app_id)
