"""The question page's live notes, as the browser drives them: the Express Entry results page
loads with the CLB of what is saved, and typing a result updates its note only (issue 11)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.models import Account
from rar_app.programs.express_entry.slugs import STEP_SLUGS
from rar_app.services.casework import applications
from rar_app.services.identity import sessions
from rar_app.state.questions import QuestionState
from tests import state_harness
from tests.services.test_submission_drafts import make_rep

TAKEN = (date.today() - timedelta(days=90)).isoformat()


@pytest.fixture
def draft(migrated_db):
    rep = make_rep()
    app_id = None
    for ref, raw in (("ee_province", {"province": "ON"}), ("ee_language_test", {"test": "ielts"}),
                     ("ee_language_date", {"taken_on": TAKEN})):
        result = applications.save_step(rep, app_id, ref, raw, kind="express_entry")
        assert result.ok and not result.problems, (ref, result.problems)
        app_id = result.app_id
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, rep))
    return rep, app_id, token


def _page(app_id: int, token: str, lang: str = "fr") -> QuestionState:
    base = {"fr": "/fr/entree-express", "en": "/en/express-entry"}[lang]
    slug = STEP_SLUGS["ee_language_results"][0 if lang == "fr" else 1]
    state = state_harness.state(QuestionState, token=token, path=f"{base}/{slug}", query={"id": str(app_id)})
    asyncio.run(state_harness.call(state, "load"))
    return state


def test_typing_a_result_shows_the_clb_it_converts_to(draft):
    _rep, app_id, token = draft
    state = _page(app_id, token)
    assert state.loaded and not state.notice
    assert state.notes == {"speaking": "", "listening": "", "reading": "", "writing": ""}
    asyncio.run(state_harness.call(state, "set_value", "listening", "8"))
    assert state.notes["listening"] == t("express_entry.level_note", "fr", scale="CLB", level=9)
    asyncio.run(state_harness.call(state, "set_value", "listening", "9.7"))
    assert state.notes["listening"] == ""
    asyncio.run(state_harness.call(state, "set_value", "other", "TOEFL 100"))  # a field without a note
    assert set(state.notes) == {"speaking", "listening", "reading", "writing"}


def test_saved_results_load_with_their_notes_in_english(draft):
    rep, app_id, token = draft
    saved = applications.save_step(rep, app_id, "ee_language_results",
                                   {"speaking": "7", "listening": "8.5", "reading": "6.5", "writing": "6"},
                                   kind="express_entry")
    assert saved.ok and not saved.problems, saved.problems
    state = _page(app_id, token, "en")
    assert state.notes["listening"] == "Equivalent to CLB 10." and state.notes["writing"] == "Equivalent to CLB 7."
