"""Category-based rounds of Express Entry (issue 11: « all programs, one program, or a
category »): a French-language proficiency round (NCLC 7 or more in all four abilities)
and a provincial nomination round invite only the profiles of that category, ranked by CRS
with IRCC's tie-break, whatever higher scores the rest of the pool holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rar_app.db import session_scope
from rar_app.programs import registry
from rar_app.services.office import pools
from tests.services.test_express_entry_pool import T0, _profile_answers, _submit, db_status
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401

FRENCH = {"ee_second_test": {"test": "tcf"}, "ee_second_date": {"taken_on": "2026-03-01"},
          "ee_second_results": {"speaking": "12", "listening": "520", "reading": "510", "writing": "12"}}
WEAK_FRENCH = {**FRENCH, "ee_second_results": {"speaking": "6", "listening": "350", "reading": "350", "writing": "6"}}
NOMINATED = {"ee_nomination": {"nominated": "yes", "certificate": "no", "sibling": "no"}}
LOWER = {"ee_education": {"level": "secondary", "canadian": "none", "assessed": "yes"}}


@pytest.fixture
def world(migrated_db, portal_env):
    portal_env(RAR_RULES_DATE="2026-12-04")
    with session_scope() as db:
        rep, staff = make_account(db), make_account(db, "staff")
        ids = {
            "top": _submit(db, rep, _profile_answers(), T0 - timedelta(days=3)).id,  # highest CRS, no category
            "weak_french": _submit(db, rep, _profile_answers(**WEAK_FRENCH), T0 - timedelta(days=2)).id,
            "french_late": _submit(db, rep, _profile_answers(**LOWER, **FRENCH), T0 + timedelta(hours=1)).id,
            "french_early": _submit(db, rep, _profile_answers(**LOWER, **FRENCH), T0).id,
            "nominated": _submit(db, rep, _profile_answers(**LOWER, **NOMINATED), T0).id,
        }
        entries = {k: db.get(pools.PoolEntry, v) for k, v in ids.items()}
        streams = {k: pools.streams_of(e) for k, e in entries.items()}
        scores = {k: e.score for k, e in entries.items()}
    return dict(staff=staff.id, ids=ids, streams=streams, scores=scores)


def test_the_categories_a_profile_fits_are_recorded_at_admission(world):
    streams = world["streams"]
    assert "french" in streams["french_early"] and "french" in streams["french_late"]
    assert "french" not in streams["weak_french"] and "french" not in streams["top"]
    assert "pnp" in streams["nominated"] and "pnp" not in streams["top"]
    assert world["scores"]["nominated"] > world["scores"]["top"]  # 600 points for the nomination
    assert world["scores"]["top"] > world["scores"]["french_early"]


def test_a_french_language_round_invites_only_french_speakers_by_crs_then_submission_time(world):
    spec = registry.get("express_entry").extra["pool"]
    with session_scope() as db:
        round_row = pools.run_round(db, spec, size=1, stream="french", actor_id=world["staff"], now=T0 + timedelta(days=2))
        assert round_row.cut_off == world["scores"]["french_early"]
        assert round_row.tie_break_at == T0  # the earlier of the two tied French profiles
    ids = world["ids"]
    assert db_status(ids["french_early"]) == "invited"
    assert [db_status(ids[k]) for k in ("french_late", "top", "weak_french", "nominated")] == ["active"] * 4


def test_a_provincial_nomination_round_invites_only_nominees(world):
    spec = registry.get("express_entry").extra["pool"]
    with session_scope() as db:
        round_row = pools.run_round(db, spec, size=10, stream="pnp", actor_id=world["staff"], now=T0 + timedelta(days=2))
        assert round_row.cut_off == world["scores"]["nominated"]
    ids = world["ids"]
    assert db_status(ids["nominated"]) == "invited"
    assert all(db_status(ids[k]) == "active" for k in ("top", "weak_french", "french_early", "french_late"))


def test_the_categories_come_from_a_dated_parameter_with_its_source():
    from datetime import date

    from rar_app import rules
    from rar_app.programs.express_entry import outcome
    from rar_app.programs.express_entry import requests as rq
    from tests.unit.test_express_entry_program import answers as eligibility_answers, walk

    before, now = (rules.parameter("programs.express_entry_categories", d) for d in (date(2023, 5, 30), date(2026, 12, 4)))
    assert "french" not in before.value and now.value["french"] == {"min_nclc": 7} and "Ministerial Instructions" in now.reference
    answers = walk(eligibility_answers(
        ee_second_test={"test": "tef"}, ee_second_date={"taken_on": "2026-03-01"},
        ee_second_results={"speaking": "460", "listening": "460", "reading": "460", "writing": "460"})).answers
    assessment = rq.assess(answers, date(2026, 12, 4))
    assert "french" in outcome.streams(assessment, date(2026, 12, 4))
    assert "french" not in outcome.streams(assessment, date(2023, 5, 30))  # before category-based selection
