"""Express Entry profiles in the pool: admission with CRS and streams, the status data,
recomputation after an update (history kept, pool date kept), a round ranked by CRS with the
submission-time tie-break and its cut-off, the invitation's days left, decline and expiry."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Application, PoolEntry, PoolInvitation, utcnow
from rar_app.programs import registry
from rar_app.programs.engine import Context
from rar_app.services.office import pool_profile, pools
from rar_app.services.office.search import NotFound
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401
from tests.unit.test_express_entry_program import answers as eligibility_answers, walk

T0 = datetime(2026, 11, 2, 15, 0, tzinfo=timezone.utc)


def _profile_answers(**over):
    ctx = walk(eligibility_answers(**over))
    out = dict(ctx.answers)
    for section in registry.get("express_entry").profile:
        if section.prefill:
            out.update(section.prefill(ctx.answers))
    return out


def _submit(db, rep, answers, submitted_at):
    program = registry.get("express_entry")
    app = Application(representative_id=rep.id, kind=program.code, status="submitted", submitted_at=submitted_at,
                      wizard_data=json.dumps({"v": 1, "answers": answers}))
    db.add(app)
    db.flush()
    decided = program.extra["pool_admission"](Context(submitted_at.date(), answers))
    return pools.admit(db, program.extra["pool"], app, score=decided["score"], streams=decided["streams"],
                       details=decided["details"], now=submitted_at)


@pytest.fixture
def world(migrated_db, portal_env):
    portal_env(RAR_RULES_DATE="2026-12-04")
    with session_scope() as db:
        rep, other, staff = make_account(db), make_account(db), make_account(db, "staff")
        strong = _profile_answers()
        weak = _profile_answers(ee_education={"level": "secondary", "canadian": "none", "assessed": "yes"})
        a = _submit(db, rep, strong, T0 + timedelta(minutes=5))
        b = _submit(db, rep, strong, T0)  # same score, submitted earlier
        c = _submit(db, other, weak, T0 - timedelta(days=1))
        return dict(rep=rep.id, other=other.id, staff=staff.id, a=a.id, b=b.id, c=c.id,
                    app_a=a.application_id, app_c=c.application_id)


def test_admission_scores_the_profile_and_lists_its_programs(world):
    with session_scope() as db:
        a, c = db.get(PoolEntry, world["a"]), db.get(PoolEntry, world["c"])
        assert a.score > c.score > 0
        assert pools.streams_of(a) == ["cec", "fsw"]
        assert a.profile_number.startswith("E") and len(a.validation_code) == 10
        assert a.expires_at - a.entered_at == timedelta(days=365)


def test_the_status_page_data_shows_score_breakdown_expiry_and_what_to_gather(world):
    data = pool_profile.status(world["rep"], world["app_a"], "fr", now=T0 + timedelta(days=1))
    assert data["score"] == str(pools_score(world["a"])) and data["expires"] == "2027-11-02"
    assert data["streams"] == ["Catégorie de l’expérience canadienne", "Programme des travailleurs qualifiés (fédéral)"]
    assert data["sections"][0]["label"].startswith("A.") and sum(int(r["points"]) for r in data["sections"]) == pools_score(world["a"])
    assert "Certificats de police" in data["gather"] and data["invitation"] == {}
    with pytest.raises(NotFound):
        pool_profile.status(world["other"], world["app_a"], "fr")


def pools_score(entry_id):
    with session_scope() as db:
        return db.get(PoolEntry, entry_id).score


def test_an_update_recomputes_the_crs_keeps_the_history_and_the_pool_date(world):
    with session_scope() as db:
        entered = db.get(PoolEntry, world["c"]).entered_at
    before = pools_score(world["c"])
    problems, score = pool_profile.update(world["other"], world["app_c"], "ee_ed",
                                          {"level": "masters", "canadian": "none", "assessed": "yes"})
    assert problems == [] and score > before
    with session_scope() as db:
        entry = db.get(PoolEntry, world["c"])
        assert entry.score == score and entry.entered_at == entered
        assert [h.score for h in pools.history(db, entry.id)] == [before, score]
    # Bad input is refused at the field, nothing changes.
    problems, score = pool_profile.update(world["other"], world["app_c"], "ee_l_first",
                                          {"test": "ielts", "taken_on": "2026-03-01", "speaking": "9.7",
                                           "listening": "8", "reading": "7", "writing": "7"})
    assert problems and problems[0].field == "speaking" and score is None
    with pytest.raises(NotFound):
        pool_profile.update(world["rep"], world["app_c"], "ee_ed", {"level": "masters"})


def test_a_round_ranks_by_crs_ties_by_submission_time_and_shows_the_cut_off(world):
    spec = registry.get("express_entry").extra["pool"]
    with session_scope() as db:
        round_row = pools.run_round(db, spec, size=1, actor_id=world["staff"], now=T0 + timedelta(days=2))
        assert round_row.cut_off == pools_score(world["b"]) and round_row.tie_break_at == T0
    assert db_status(world["b"]) == "invited" and db_status(world["a"]) == "active"
    data = pool_profile.status(world["rep"], world["app_a"] - 0, "en")
    assert data["invitation"] == {}
    app_b = entry_app(world["b"])
    data = pool_profile.status(world["rep"], app_b, "fr", now=T0 + timedelta(days=2, hours=1))
    assert data["invitation"]["open"] and data["invitation"]["days_left"] == 60
    home = pool_profile.open_invitations(world["rep"], now=T0 + timedelta(days=12))
    assert [(h["application_id"], h["days_left"]) for h in home] == [(app_b, 50)]
    # Declined: back to the pool; the next round invites it again before the later tie.
    invitation_id = data["invitation"]["id"]
    with session_scope() as db:
        pools.decline(db, spec, world["rep"], invitation_id, now=T0 + timedelta(days=3))
    assert db_status(world["b"]) == "active"


def test_an_invitation_left_alone_expires_once_and_the_status_says_so(world):
    spec = registry.get("express_entry").extra["pool"]
    with session_scope() as db:
        pools.run_round(db, spec, size=1, now=T0)
        deadline = db.exec(select(PoolInvitation)).one().deadline_at
    assert pools.expire_due([spec], now=deadline + timedelta(seconds=1)) == 1
    assert pools.expire_due([spec], now=deadline + timedelta(seconds=2)) == 0
    data = pool_profile.status(world["rep"], entry_app(world["b"]), "fr", now=deadline + timedelta(days=1))
    assert data["invitation"]["state"] == "expired" and not data["invitation"]["open"]
    assert data["status_label"] == "Invitation expirée"


def db_status(entry_id):
    with session_scope() as db:
        return db.get(PoolEntry, entry_id).status


def entry_app(entry_id):
    with session_scope() as db:
        return db.get(PoolEntry, entry_id).application_id


def test_accepting_starts_the_permanent_residence_application_with_the_profile(world):
    spec = registry.get("express_entry").extra["pool"]
    with session_scope() as db:
        pools.run_round(db, spec, size=1, actor_id=world["staff"])
    app_b = entry_app(world["b"])
    with pytest.raises(NotFound):
        pool_profile.accept(world["other"], app_b)
    started = pool_profile.accept(world["rep"], app_b)
    with session_scope() as db:
        app = db.get(Application, started)
        assert app.kind == "express_entry_pr" and app.status == "draft" and app.representative_id == world["rep"]
        answers = json.loads(app.wizard_data)["answers"]
    pr = registry.get("express_entry_pr")
    ctx = Context(utcnow().date(), {**answers, "pr_family": {"spouse_included": "no", "children": 0}})
    assert "pr_eca" in [d["code"] for d in pr.checklist(ctx, None)]
    assert sum(f.amount_cents for f in pr.fees(ctx)) == (950 + 575 + 85) * 100
    assert db_status(world["b"]) == "accepted"
    with pytest.raises(pools.PoolError):
        pool_profile.decline(world["rep"], app_b)  # no open invitation any more


def test_the_demo_world_puts_express_entry_profiles_in_the_pool(migrated_db):
    from datetime import date

    from rar_app.services.office import demo_pools

    with session_scope() as db:
        reps = [make_account(db), make_account(db)]
        assert demo_pools.load(db, reps, date(2026, 12, 4)) >= 6  # other pool programs add theirs
        entries = db.exec(select(PoolEntry).where(PoolEntry.pool == "express_entry")).all()
        assert len(entries) == 6 and len({e.score for e in entries}) > 3
        assert all(e.score > 300 and pools.streams_of(e) for e in entries)


def test_an_update_recomputes_eligibility_and_only_plain_profile_steps_can_be_updated(world):
    """The client lost their Canadian experience: CEC goes, FSW stays; the status data lists the
    pages the update can be made on (no repeated step: identity documents are not scored)."""
    program = registry.get("express_entry")
    steps = [s.id for s in pool_profile.updatable_steps(program)]
    assert "ee_ed" in steps and "ee_w_canada" in steps and "ee_p_identity" not in steps
    with session_scope() as db:
        entry = db.get(PoolEntry, world["a"])
        assert pools.streams_of(entry) == ["cec", "fsw"]
        entered, before = entry.entered_at, entry.score
    problems, score = pool_profile.update(world["rep"], world["app_a"], "ee_w_canada", {"years": "0", "teer": ""})
    assert problems == [] and score < before
    data = pool_profile.status(world["rep"], world["app_a"], "en")
    assert data["updatable"] and data["program"] == "express_entry"
    assert data["streams"] == ["Federal Skilled Worker Program"] and data["score"] == str(score)
    assert [h["score"] for h in data["history"]] == [str(before), str(score)]
    with session_scope() as db:
        assert db.get(PoolEntry, world["a"]).entered_at == entered
    with pytest.raises(NotFound):
        pool_profile.update(world["rep"], world["app_a"], "ee_p_identity.1", {"doc_type": "passport"})
