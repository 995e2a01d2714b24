"""Pools (program-neutral): admission, rounds (ranked with ties, random), cut-off,
decline back to the pool, expiry once, automatic rounds once, score history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Application, AuditEvent, Message, PoolEntry, PoolInvitation, PoolRound, utcnow
from rar_app.programs.pool import RANDOM, PoolSpec, Stream
from rar_app.services.office import pools
from rar_app.services.office.search import NotFound
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401

SPEC = PoolSpec(pool="test_pool", title_key="pools.title", streams=(Stream("a", "pools.title"), Stream("b", "pools.title")),
                number_prefix="T", validation_code=True)
T0 = datetime(2026, 6, 1, 14, 0, tzinfo=timezone.utc)


def _profile(db, rep, *, score, streams=("a",), submitted_at=T0):
    app = Application(representative_id=rep.id, kind="test_kind", status="submitted", submitted_at=submitted_at)
    db.add(app)
    db.flush()
    return pools.admit(db, SPEC, app, score=score, streams=streams, now=submitted_at, rng=random.Random(app.id))


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        rep = make_account(db)
        other = make_account(db)
        staff = make_account(db, "staff")
        ids = {}
        # Two at 480: the earlier submission wins the tie; one at 500; one at 470 in stream b only.
        ids["late_480"] = _profile(db, rep, score=480, submitted_at=T0 + timedelta(hours=2)).id
        ids["early_480"] = _profile(db, rep, score=480, submitted_at=T0 + timedelta(hours=1)).id
        ids["top_500"] = _profile(db, rep, score=500, submitted_at=T0 + timedelta(hours=3)).id
        ids["b_470"] = _profile(db, other, score=470, streams=("b",), submitted_at=T0).id
        return dict(rep=rep.id, other=other.id, staff=staff.id, **ids)


def _status(entry_id):
    with session_scope() as db:
        return db.get(PoolEntry, entry_id).status


def test_admission_gives_a_number_a_code_a_message_and_a_notice(world):
    with session_scope() as db:
        entry = db.get(PoolEntry, world["top_500"])
        assert entry.profile_number.startswith("T") and len(entry.profile_number) == 10
        assert len(entry.validation_code) == 10 and entry.status == "active"
        assert entry.expires_at - entry.entered_at == timedelta(days=365)
        texts = list(db.exec(select(Message).where(Message.application_id == entry.application_id)))
        assert len(texts) == 2  # on the application and in the representative's inbox
        inbox = [m for m in texts if m.account_id == world["rep"]][0]
        assert entry.profile_number in inbox.subject_fr and inbox.email_status in ("pending", "sending", "sent")  # the delivery thread may already have sent it
        assert len(pools.history(db, entry.id)) == 1
        with pytest.raises(pools.PoolError):
            pools.admit(db, SPEC, db.get(Application, entry.application_id), score=1, streams=())


def test_ranked_round_breaks_ties_by_submission_time_and_shows_the_cut_off(world):
    with session_scope() as db:
        round_row = pools.run_round(db, SPEC, size=2, actor_id=world["staff"], now=T0 + timedelta(days=1))
        assert (round_row.invited, round_row.cut_off) == (2, 480)
        assert round_row.tie_break_at == T0 + timedelta(hours=1)
    assert _status(world["top_500"]) == "invited" and _status(world["early_480"]) == "invited"
    assert _status(world["late_480"]) == "active" and _status(world["b_470"]) == "active"
    with session_scope() as db:
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == world["early_480"])).one()
        # 60 days after 2026-06-02 (Toronto), at 23:59:59 Toronto (EDT, UTC-4).
        assert invitation.deadline_at == datetime(2026, 8, 2, 3, 59, 59, tzinfo=timezone.utc)  # 2026-08-01 23:59:59 EDT
        inbox = db.exec(select(Message).where(Message.account_id == world["rep"],
                                              Message.subject_en.contains("Invitation to apply"))).all()
        assert len(inbox) == 2 and all(m.email_status in ("pending", "sending", "sent") for m in inbox)


def test_a_round_for_one_stream_invites_only_that_stream(world):
    with session_scope() as db:
        round_row = pools.run_round(db, SPEC, size=10, stream="b", actor_id=world["staff"])
        assert (round_row.invited, round_row.cut_off, round_row.stream) == (1, 470, "b")
    assert _status(world["b_470"]) == "invited" and _status(world["top_500"]) == "active"


def test_rounds_are_for_staff_and_refuse_bad_sizes_and_streams(world):
    with session_scope() as db:
        with pytest.raises(NotFound):
            pools.run_round(db, SPEC, size=1, actor_id=world["rep"])
        for size in (0, -1, "3", 10**6):
            with pytest.raises(pools.PoolError):
                pools.run_round(db, SPEC, size=size, actor_id=world["staff"])
        with pytest.raises(pools.PoolError):
            pools.run_round(db, SPEC, size=1, stream="zzz", actor_id=world["staff"])


def test_random_selection_draws_among_the_eligible(world):
    with session_scope() as db:
        round_row = pools.run_round(db, SPEC, size=2, selection=RANDOM, rng=random.Random(7), actor_id=world["staff"])
        assert round_row.selection == "random" and round_row.invited == 2
    invited = [k for k in ("late_480", "early_480", "top_500", "b_470") if _status(world[k]) == "invited"]
    assert len(invited) == 2


def test_decline_puts_the_profile_back_with_its_pool_date(world):
    with session_scope() as db:
        pools.run_round(db, SPEC, size=1, actor_id=world["staff"], now=T0 + timedelta(days=1))
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == world["top_500"])).one()
        entered = db.get(PoolEntry, world["top_500"]).entered_at
    with session_scope() as db:
        with pytest.raises(NotFound):  # someone else's invitation
            pools.decline(db, SPEC, world["other"], invitation.id, now=T0 + timedelta(days=2))
    with session_scope() as db:
        pools.decline(db, SPEC, world["rep"], invitation.id, now=T0 + timedelta(days=2))
    with session_scope() as db:
        entry = db.get(PoolEntry, world["top_500"])
        assert entry.status == "active" and entry.entered_at == entered
        assert db.get(PoolInvitation, invitation.id).state == "declined"
        with pytest.raises(pools.PoolError):
            pools.accept(db, world["rep"], invitation.id, now=T0 + timedelta(days=2))
        # The next round invites it again.
        round_row = pools.run_round(db, SPEC, size=1, actor_id=world["staff"], now=T0 + timedelta(days=3))
        assert round_row.cut_off == 500


def test_accept_records_the_application_it_started(world):
    with session_scope() as db:
        pools.run_round(db, SPEC, size=1, actor_id=world["staff"], now=T0)
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == world["top_500"])).one()
        pools.accept(db, world["rep"], invitation.id, application_id=None, now=T0 + timedelta(days=59))
    assert _status(world["top_500"]) == "accepted"


def test_an_invitation_past_its_deadline_expires_exactly_once(world):
    with session_scope() as db:
        pools.run_round(db, SPEC, size=1, actor_id=world["staff"], now=T0)
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.entry_id == world["top_500"])).one()
    deadline = invitation.deadline_at
    assert pools.expire_due([SPEC], now=deadline) == 0  # still the last second
    assert pools.days_left(deadline, deadline - timedelta(days=1)) == 1
    assert pools.expire_due([SPEC], now=deadline + timedelta(seconds=1)) == 1
    assert pools.expire_due([SPEC], now=deadline + timedelta(seconds=2)) == 0
    with session_scope() as db:
        assert db.get(PoolInvitation, invitation.id).state == "expired"
        assert db.get(PoolEntry, world["top_500"]).status == "invitation_expired"
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "pool.invitation_expired")).all()
        assert len(events) == 1
        with pytest.raises(pools.PoolError):
            pools.accept(db, world["rep"], invitation.id, now=deadline + timedelta(seconds=3))


def test_profiles_expire_after_their_validity(world):
    assert pools.expire_profiles([SPEC], now=T0 + timedelta(days=364)) == 0
    assert pools.expire_profiles([SPEC], now=T0 + timedelta(days=366)) == 4
    assert pools.expire_profiles([SPEC], now=T0 + timedelta(days=367)) == 0
    assert _status(world["top_500"]) == "expired"


def test_rescore_keeps_history_and_the_pool_date(world):
    with session_scope() as db:
        entry = db.get(PoolEntry, world["late_480"])
        entered = entry.entered_at
        pools.rescore(db, entry, score=520, streams=("a", "b"), details={"x": 1}, now=T0 + timedelta(days=5))
    with session_scope() as db:
        entry = db.get(PoolEntry, world["late_480"])
        assert entry.score == 520 and pools.streams_of(entry) == ["a", "b"] and entry.entered_at == entered
        assert [h.score for h in pools.history(db, entry.id)] == [480, 520]


def test_automatic_rounds_happen_once_per_slot(world):
    spec = PoolSpec(pool="test_pool", title_key="pools.title", round_every_days=14, round_size=2)
    now = utcnow()
    first = pools.auto_rounds([spec], speed=86400, now=now)  # a day a second: a round every 14 s
    again = pools.auto_rounds([spec], speed=86400, now=now)
    assert len(first) == 1 and again == []
    later = pools.auto_rounds([spec], speed=86400, now=now + timedelta(seconds=15))
    assert len(later) == 1
    assert pools.auto_rounds([spec], speed=0, now=now + timedelta(seconds=60)) == []
    with session_scope() as db:
        assert len(db.exec(select(PoolRound)).all()) == 2


def test_the_training_loop_runs_pool_rounds_in_one_worker_only(world):
    from rar_app.programs import registry
    from rar_app.programs.base import Program
    from rar_app.services.office import simulation

    spec = PoolSpec(pool="test_pool", title_key="pools.title", round_every_days=14, round_size=1)
    registry.register(Program(code="test_pool_program", title_key="pools.title", home_key="pools.title",
                              slug_fr="t", slug_en="t", test_only=True, extra={"pool": spec}))
    try:
        settings = simulation.SimulationSettings(speed=86400, interval=10, reset_hours=0)
        one, two = simulation.Loop(), simulation.Loop()
        one.owner, two.owner = "worker-1", "worker-2"
        assert one.round(settings) is True and two.round(settings) is False
        assert one.round(settings) is True  # same slot: no second round
        with session_scope() as db:
            assert len(db.exec(select(PoolRound).where(PoolRound.pool == "test_pool")).all()) == 1
            assert len(db.exec(select(PoolInvitation)).all()) == 1  # the other pools are empty
    finally:
        registry.unregister("test_pool_program")
