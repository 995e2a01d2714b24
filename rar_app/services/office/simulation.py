"""Training simulation: submitted applications advance on their own along the rules
engine's processing-time estimates, at a configurable speed; and the scheduled reset
of the demo world.

Settings (`rar_app/settings.py`, documented in the README):
- `RAR_SIMULATION_SPEED`: simulated seconds per real second; 0 (default) is off.
  `1440` makes a day pass in a minute (a 14-day visitor visa decides in about 14 min).
- `RAR_SIMULATION_INTERVAL`: seconds between two rounds of the background loop (default 10, at least 1).
- `RAR_DEMO_RESET_HOURS`: reset the demo world when it is older than this (0 = never).

The background loop starts with the app (`training_at_startup`, a lifespan task registered
in `rar_app/rar_app.py` beside the mailer's `delivery_at_startup`) when
either is on. Every worker runs one, but a round runs only in the worker holding the
database lease "training" (`services/lease.py`): with several workers, one ticks and
resets at a time, and another takes over when the holder stops renewing.

How a tick decides: each open applicant has spent `now - status_changed_at` (real time,
counted from when the simulation started at the earliest) × speed in its current status.
When that reaches its share of the estimate (STATUS_SHARES × `processing_time_days`),
`automated.advance` (the program's own decision, else `backoffice.advance`) makes the natural next move as the actor "simulation" — audited and
notified like a staff action. An applicant whose documents were requested waits until
the representative has answered every request. `python -m rar_app.manage simulate`
runs the loop in the foreground (`--once` for a single tick).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Applicant, Application, AuditEvent
from rar_app.services.office import automated, backoffice, decisions
from rar_app.services import lease
from rar_app.services.office.search import estimate_days
from rar_app.settings import get_settings

log = logging.getLogger(__name__)

# Share of the processing-time estimate spent in each status before the next move.
STATUS_SHARES = {
    "submitted": 0.10,
    "biometrics_requested": 0.15,
    "in_review": 0.55,
    "documents_requested": 0.05,  # once every request is answered
    "approved": 0.15,
    "refused": 0.10,
}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclasses.dataclass(frozen=True)
class SimulationSettings:
    speed: float
    interval: float
    reset_hours: float


def simulation_settings() -> SimulationSettings:
    settings = get_settings()
    return SimulationSettings(speed=settings.simulation_speed, interval=settings.simulation_interval,
                              reset_hours=settings.demo_reset_hours)


def due(applicant: Applicant, submitted_at: datetime | None, now: datetime, speed: float,
        since: datetime = EPOCH) -> bool:
    """Has the applicant spent its share of the estimate in its current status?"""
    share = STATUS_SHARES.get(applicant.status)
    if share is None or speed <= 0:
        return False
    start = max(applicant.status_changed_at or submitted_at or now, since)
    simulated_days = (now - start).total_seconds() * speed / 86400
    estimate = estimate_days(applicant.application_type, applicant.date_received, sds=applicant.sds)
    return simulated_days >= estimate * share


def tick(*, now: datetime | None = None, speed: float | None = None, since: datetime = EPOCH,
         limit: int = 1000) -> Counter:
    """One pass: advance every applicant that is due (each in its own transaction).
    Returns how many of each action were taken."""
    now = now or datetime.now(timezone.utc)
    speed = simulation_settings().speed if speed is None else speed
    done: Counter = Counter()
    if speed <= 0:
        return done
    from rar_app.programs import registry
    from rar_app.programs.pool import PoolSpec

    # Profiles in a pool are not processed like applications: rounds and invitations move them.
    profiles = [p.code for p in registry.all_programs() if isinstance(p.extra.get("pool"), PoolSpec)]
    with session_scope() as db:
        rows = list(db.exec(
            select(Applicant, Application.submitted_at, Application.kind)
            .join(Application, Applicant.application_id == Application.id)
            .where(Application.submitted_at.is_not(None), Applicant.application_number.is_not(None),
                   Applicant.status.in_(tuple(STATUS_SHARES)), Application.kind.not_in(profiles))
            .order_by(Applicant.status_changed_at, Applicant.id).limit(limit)
        ))
    for applicant, submitted_at, kind in rows:
        own = decisions.due(applicant, kind, submitted_at, now, speed, since)  # a program's own delay
        if not (own if own is not None else due(applicant, submitted_at, now, speed, since)):
            continue
        try:
            with session_scope() as db:
                action = automated.advance(db, backoffice.SIMULATION, applicant.id,
                                           expected_status=applicant.status)
        except Exception:  # one odd file must not stop the others
            log.exception("simulation could not advance applicant %s", applicant.id)
            continue
        if action:
            done[action] += 1
    return done


def pool_tick(speed: float, now: datetime | None = None) -> dict[str, int]:
    """Pools (services/office/pools.py): submitted profiles admitted, expired invitations and
    profiles marked, lapsed applications, deadline reminders (pool_deadlines.py) and
    automatic rounds of invitations, under the same lease as `tick`."""
    from rar_app.services.office import pool_deadlines, pool_flow, pools

    specs = pools.specs()
    if not specs:
        return {}
    try:
        admitted = pool_flow.admit_pending(specs, now=now)
        done = pools.tick(specs, speed=speed, now=now)
        return {"profiles_admitted": admitted, **done,
                "applications_lapsed": pool_deadlines.lapse_due(specs, now=now),
                "reminders": pool_deadlines.remind_due(specs, now=now)}
    except Exception:
        log.exception("pool round")
        return {}


# ---------------------------------------------------------------------------
# Scheduled demo reset


def last_demo_load() -> datetime | None:
    with session_scope() as db:
        return db.exec(select(AuditEvent.at).where(AuditEvent.action.in_(("demo.loaded", "demo.reset")))
                       .order_by(AuditEvent.id.desc()).limit(1)).first()


def reset_if_due(reset_hours: float | None = None, now: datetime | None = None) -> bool:
    from rar_app.services.office import demo

    hours = simulation_settings().reset_hours if reset_hours is None else reset_hours
    if hours <= 0:
        return False
    loaded = last_demo_load()
    now = now or datetime.now(timezone.utc)
    if loaded is not None and now - loaded < timedelta(hours=hours):
        return False
    demo.reset_demo_world()
    log.info("demo world reset (every %s h)", hours)
    return True


# ---------------------------------------------------------------------------
# The background loop (one per process, started with the app; one worker acts at a time)

LEASE_NAME = "training"


def lease_ttl(interval: float) -> timedelta:
    """How long one round may hold the lease without renewing: several intervals, and
    long enough for a demo reset or a long tick."""
    return timedelta(seconds=max(60.0, 3 * interval))


class Loop:
    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pid = 0
        self.owner = ""
        self.started_at: datetime | None = None

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def start(self) -> bool:
        """Start when the settings ask for it (speed > 0 or a reset schedule). True if running."""
        if not get_settings().background_jobs:
            return False
        with self._lock:
            if self.running():
                return True
            self._stop.clear()
            self._pid = os.getpid()
            self.owner = lease.new_owner()
            self.started_at = datetime.now(timezone.utc)
            self._thread = threading.Thread(target=self._run, name="rar-simulation", daemon=True)
            self._thread.start()
        return True

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None
        if self.owner:
            owner, self.owner = self.owner, ""  # released once: a second stop() touches no database
            try:
                lease.release(LEASE_NAME, owner)
            except Exception:  # the database may already be gone at shutdown
                log.debug("could not release the training lease", exc_info=True)

    def round(self, settings: SimulationSettings) -> bool:
        """One round if this worker holds (or takes) the lease. True if it ran."""
        if not lease.acquire(LEASE_NAME, self.owner, lease_ttl(settings.interval)):
            return False
        if settings.reset_hours > 0:
            reset_if_due(settings.reset_hours)
        if settings.speed > 0:
            tick(speed=settings.speed, since=self.started_at or EPOCH)
            pool_tick(settings.speed)
        return True

    def _run(self) -> None:
        settings = simulation_settings()
        while not self._stop.is_set():
            try:
                self.round(settings)
            except Exception:
                log.exception("simulation loop")
            self._stop.wait(settings.interval)


_loop = Loop()


def ensure_background() -> bool:
    """Start this process's simulation loop if configured (cheap; call freely)."""
    return _loop.start()


def stop_background() -> None:
    _loop.stop()


@contextlib.asynccontextmanager
async def training_at_startup():
    """The app's lifespan task (beside mailer.delivery_at_startup): the training
    simulation and scheduled demo reset run from start-up when the settings turn them
    on (RAR_SIMULATION_SPEED, RAR_DEMO_RESET_HOURS). Each worker starts its loop; the
    database lease lets one act at a time."""
    started = ensure_background()
    try:
        yield
    finally:
        if started:
            stop_background()


def status() -> dict[str, object]:
    settings = simulation_settings()
    return dict(speed=settings.speed, interval=settings.interval, reset_hours=settings.reset_hours,
                running=_loop.running())
