"""The question and review pages run the page guard inside their own on_load handler (one
event on navigation instead of two, issue 15): it must still do everything
`SessionState.enter_page` does — sign-in redirect, role check with its audit entry, and
the header's session vars."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from rar_app import routes
from rar_app.db import session_scope
from rar_app.models import Account, AuditEvent
from rar_app.pages.registry import PAGES
from rar_app.services.identity import sessions
from rar_app.state.questions import QuestionState
from rar_app.state.session import SessionState
from tests import state_harness
from tests.resilience.servers import step_path
from tests.services.test_search_helpers import make_account
from tests.services.test_submission_drafts import make_draft, make_rep


def _page(token: str | None, app_id: int, page: str = "visitor_study_work:client", **extra) -> QuestionState:
    path, _, query = step_path(page, app_id, **extra).partition("?")
    return state_harness.state(QuestionState, token=token, path=path,
                               query=dict(x.split("=") for x in query.split("&")) if query else None)


def _session_vars(state: QuestionState) -> SessionState:
    return state._get_root_state().get_substate(SessionState.get_full_name().split(".")[1:])


@pytest.fixture
def draft(migrated_db):
    rep = make_rep()
    made = make_draft(rep, [{"given": "Lina", "family": "Haddad", "type": "visitor_visa"}], upload=False)
    return rep, made.application_id


def test_the_wizard_pages_guard_in_their_own_load_and_every_other_page_first_runs_enter_page():
    import rar_app.rar_app as portal

    guarded = {spec.page_id for spec in PAGES.values() if spec.guards_itself}
    assert "visitor_study_work:client" in guarded and "visitor_study_work:review" in guarded
    for spec in PAGES.values():
        events = portal.app.get_load_events(routes.ROUTES[spec.page_id].path("fr"))
        names = [e.fn.__qualname__ if hasattr(e, "fn") else str(e) for e in events]
        if spec.guards_itself:
            assert names == ["QuestionState.load"], (spec.page_id, names)
        else:
            assert names[0] == "SessionState.enter_page", (spec.page_id, names)


def test_signed_out_the_step_page_sends_to_sign_in(draft):
    _rep, app_id = draft
    state = _page(None, app_id, client=1)
    out = asyncio.run(state_harness.call(state, "load"))
    assert "/fr/connexion?expired=1" in str(out[0]) and not state.loaded
    assert _session_vars(state).signed_in is False


def test_signed_in_the_header_vars_are_set_and_the_step_loads(draft):
    rep, app_id = draft
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, rep))
    state = _page(token, app_id, client=1)
    assert asyncio.run(state_harness.call(state, "load")) == [None]
    header = _session_vars(state)
    assert header.signed_in and header.display_name == "Hélène Côté-Lévesque" and header.lang_pref == "fr"
    assert state.loaded and state.values["family_name"] == "Haddad"


def test_a_staff_account_is_refused_with_an_audit_entry(draft):
    _rep, app_id = draft
    with session_scope() as db:
        staff = make_account(db, "staff")
        token = sessions.create(db, staff)
        staff_id = staff.id
    state = _page(token, app_id, "visitor_study_work:review")
    out = asyncio.run(state_harness.call(state, "load"))
    assert "expired=1" in str(out[0]) and not state.loaded
    with session_scope() as db:
        refused = db.exec(select(AuditEvent).where(AuditEvent.action == "access.refused",
                                                   AuditEvent.actor_id == staff_id)).all()
    assert refused and refused[0].object_type == "page"
