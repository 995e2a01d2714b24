"""Issue 17, point 15: the account home's table of applications in process — submitted or
linked to the representative, the most recently linked first; finished ones and other
representatives' are not there."""

from __future__ import annotations

from rar_app.db import session_scope
from rar_app.models import Applicant
from rar_app.services.office import home_table
from sqlmodel import select
from tests.services.test_linking import form, link, world  # noqa: F401  (fixture)


def table(rep_id):
    with session_scope() as db:
        return home_table.open_applications(db, rep_id)


def test_linked_application_appears_first_in_the_home_table(world):  # noqa: F811
    before = [r["number"] for r in table(world["rep"])]
    assert before == ["V900000301"] and "V900000190" not in before
    assert link(world, form()).outcome == "linked"
    rows = table(world["rep"])
    assert [r["number"] for r in rows] == ["V900000190", "V900000301"], "the linked one first"
    assert rows[0]["name"] == "Gabriel Tilleul" and rows[0]["status"] == "submitted" and rows[0]["principal"]
    assert "V900000300" not in [r["number"] for r in rows], "another representative's"
    assert table(world["other"])[0]["number"] == "V900000300"


def test_finished_applications_leave_the_table(world):  # noqa: F811
    with session_scope() as db:
        applicant = db.exec(select(Applicant).where(Applicant.application_number == "V900000301")).one()
        applicant.status = "approved"
        db.add(applicant)
    assert table(world["rep"]) == []
