"""Training simulation: applications advance along the processing-time estimates at a
configurable speed; documents requested wait for the representative."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Applicant, DocumentRequest, utcnow
from rar_app import manage
from rar_app.services.office import backoffice, search, simulation
from rar_app.services import lease
from rar_app.settings import ConfigurationError, get_settings
from tests.services.test_search_helpers import make_account, make_application, stop_mail_worker  # noqa: F401

DAY = 86400


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        rep = make_account(db)
        _app, visa, *_ = make_application(db, rep, number="V900000030", days_ago=0)
        _app, study, *_ = make_application(db, rep, number="S900000031", application_type="study_permit", days_ago=0)
        draft = make_application(db, rep, submitted=False)[1]
        now = utcnow()
        for a in (visa, study):
            search.write_processing(db, a, status_changed_at=now)
        return dict(visa=visa.id, study=study.id, draft=draft.id, start=now)


def state(applicant_id):
    with session_scope() as db:
        return db.get(Applicant, applicant_id).status


def test_speed_zero_is_off(world):
    assert not simulation.tick(now=world["start"] + timedelta(days=400), speed=0)
    assert state(world["visa"]) == "submitted"


def test_each_status_waits_its_share_of_the_estimate(world):
    start = world["start"]
    # 14-day visitor visa at one simulated day per real second: 10 % is 1.4 days.
    assert not simulation.tick(now=start + timedelta(seconds=1.3), speed=DAY)
    done = simulation.tick(now=start + timedelta(seconds=1.5), speed=DAY)
    assert done == {"request_biometrics": 1}
    assert state(world["visa"]) == "biometrics_requested" and state(world["study"]) == "submitted"  # 60 days: 6 s
    assert state(world["draft"]) == "draft"


def test_a_fast_clock_takes_every_file_to_closed(world):
    now = world["start"]
    seen = set()
    for _ in range(12):
        now = utcnow() + timedelta(days=1)
        seen |= set(simulation.tick(now=now, speed=DAY * 1000))
        with session_scope() as db:  # the simulation's clock is status_changed_at: move it back
            for a in db.exec(select(Applicant)):
                if a.status_changed_at:
                    search.write_processing(db, a, status_changed_at=a.status_changed_at - timedelta(days=2))
    assert state(world["visa"]) == "closed" and state(world["study"]) == "closed"
    assert {"request_biometrics", "record_biometrics", "close"} <= seen


def test_documents_requested_waits_for_every_answer(world):
    with session_scope() as db:
        staff = make_account(db, "staff")
        actor = backoffice.staff_actor(db, staff.id)
        backoffice.start_review(db, actor, world["visa"])
        rid = backoffice.request_documents(db, actor, world["visa"], label_fr="a", label_en="a")
    far = utcnow() + timedelta(days=30)
    simulation.tick(now=far, speed=DAY)
    assert state(world["visa"]) == "documents_requested"
    with session_scope() as db:
        db.get(DocumentRequest, rid).status = "received"
    assert simulation.tick(now=far, speed=DAY)["resume_review"] == 1
    assert state(world["visa"]) == "in_review"


def test_since_keeps_old_files_from_jumping_when_the_loop_starts(world):
    far = utcnow() + timedelta(days=3)
    assert not simulation.tick(now=far, speed=DAY, since=far - timedelta(seconds=1))
    assert simulation.tick(now=far, speed=DAY)


def test_settings_from_the_environment(portal_env):
    portal_env(RAR_SIMULATION_SPEED="1440", RAR_SIMULATION_INTERVAL="2.5", RAR_DEMO_RESET_HOURS="12")
    s = simulation.simulation_settings()
    assert (s.speed, s.interval, s.reset_hours) == (1440.0, 2.5, 12.0)
    assert get_settings().background_jobs


def test_settings_default_to_off(portal_env):
    s = simulation.simulation_settings()
    assert (s.speed, s.interval, s.reset_hours) == (0.0, 10.0, 0.0)
    assert not get_settings().background_jobs
    assert not simulation.ensure_background()  # nothing to run: no thread


@pytest.mark.parametrize("values, says", [
    (dict(RAR_SIMULATION_SPEED="fast"), "RAR_SIMULATION_SPEED must be a number"),
    (dict(RAR_SIMULATION_SPEED="-1"), "RAR_SIMULATION_SPEED must be a number of at least 0"),
    (dict(RAR_SIMULATION_INTERVAL="0.1"), "RAR_SIMULATION_INTERVAL must be a number of at least 1"),
    (dict(RAR_DEMO_RESET_HOURS="nonsense"), "RAR_DEMO_RESET_HOURS must be a number"),
    (dict(RAR_DEMO_RESET_HOURS="6", RAR_DEMO="false"), "RAR_DEMO_RESET_HOURS needs demo mode"),
])
def test_wrong_settings_are_refused_at_start_up(portal_env, values, says):
    portal_env(**values)
    with pytest.raises(ConfigurationError, match=says):
        get_settings()


def test_check_config_explains_a_wrong_simulation_setting(portal_env, capsys):
    portal_env(RAR_SIMULATION_SPEED="fast")
    assert manage.main(["check-config"]) == 1
    assert "RAR_SIMULATION_SPEED must be a number" in capsys.readouterr().err
    portal_env(RAR_SIMULATION_SPEED="1440", RAR_DEMO_RESET_HOURS="24")
    assert manage.main(["check-config"]) == 0
    out = capsys.readouterr().out
    assert "1440" in out and "24" in out


# ---------------------------------------------------------------------------
# The background loop: one worker acts at a time (the database lease)


def test_only_the_lease_holder_runs_a_round(world, portal_env, monkeypatch):
    calls = []
    monkeypatch.setattr(simulation, "tick", lambda **kw: calls.append(kw) or {})
    settings = simulation.SimulationSettings(speed=DAY, interval=10, reset_hours=0)
    first, second = simulation.Loop(), simulation.Loop()
    first.owner, second.owner = lease.new_owner(), lease.new_owner()
    assert first.round(settings) and not second.round(settings) and first.round(settings)
    assert len(calls) == 2
    first.stop()  # gives the lease back
    assert second.round(settings) and len(calls) == 3


def test_the_loop_starts_and_ticks_in_the_background(world, portal_env, monkeypatch):
    import threading

    ticked = threading.Event()
    monkeypatch.setattr(simulation, "tick", lambda **kw: ticked.set() or {})
    portal_env(RAR_SIMULATION_SPEED="1440", RAR_SIMULATION_INTERVAL="1")
    loop = simulation.Loop()
    try:
        assert loop.start() and loop.running()
        assert ticked.wait(10)
        assert lease.holder(simulation.LEASE_NAME) == loop.owner
    finally:
        loop.stop()
    assert not loop.running() and lease.holder(simulation.LEASE_NAME) is None


def test_the_training_loop_starts_and_stops_with_the_app(portal_env, migrated_db):
    """The app's lifespan task (registered in rar_app/rar_app.py): off by default, on
    when a setting asks for it, stopped at shutdown."""
    import asyncio

    async def lifespan() -> tuple[bool, bool]:
        async with simulation.training_at_startup():
            during = simulation.status()["running"]
        return during, simulation.status()["running"]

    assert asyncio.run(lifespan()) == (False, False)
    portal_env(RAR_SIMULATION_SPEED="1440", RAR_SIMULATION_INTERVAL="60")
    assert asyncio.run(lifespan()) == (True, False)
