"""The scheduler lease (services/lease.py) on SQLite and on the real PostgreSQL:
of contenders racing for a free or an expired lease exactly one wins; the holder
renews; an expired lease is taken over; a released one is free at once."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from rar_app import migrate
from rar_app.db import make_engine
from rar_app.models import utcnow
from rar_app.services import lease
from tests.integration.services import PG_ADMIN_URL, require_postgres

TTL = timedelta(seconds=30)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lease.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    require_postgres()
    name = f"rar_lease_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def race(engine, contenders: int, now=None) -> list[str]:
    """`contenders` threads ask for the lease at the same moment; returns the winners."""
    owners = [lease.new_owner() for _ in range(contenders)]
    start = threading.Barrier(contenders)
    won: list[str] = []
    errors: list[BaseException] = []

    def contend(owner: str) -> None:
        try:
            start.wait(10)
            if lease.acquire("training", owner, TTL, now=now, engine=engine):
                won.append(owner)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=contend, args=(o,)) for o in owners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return won


def test_two_contenders_for_a_new_lease_one_wins(engine):
    (winner,) = race(engine, 2)
    assert lease.holder("training", engine=engine) == winner


def test_many_contenders_for_an_expired_lease_one_wins(engine):
    old = lease.new_owner()
    assert lease.acquire("training", old, TTL, now=utcnow() - timedelta(minutes=5), engine=engine)
    assert lease.holder("training", engine=engine) is None  # expired
    (winner,) = race(engine, 6)
    assert winner != old and lease.holder("training", engine=engine) == winner
    assert not lease.acquire("training", old, TTL, engine=engine)  # the old holder lost it


def test_the_holder_renews_others_wait_until_it_expires(engine):
    a, b = lease.new_owner(), lease.new_owner()
    now = utcnow()
    assert lease.acquire("training", a, TTL, now=now, engine=engine)
    assert not lease.acquire("training", b, TTL, now=now + timedelta(seconds=10), engine=engine)
    assert lease.acquire("training", a, TTL, now=now + timedelta(seconds=20), engine=engine)  # renewed to +50 s
    assert not lease.acquire("training", b, TTL, now=now + timedelta(seconds=45), engine=engine)
    assert lease.acquire("training", b, TTL, now=now + timedelta(seconds=51), engine=engine)  # a stopped renewing
    assert not lease.acquire("training", a, TTL, now=now + timedelta(seconds=52), engine=engine)


def test_a_released_lease_is_free_at_once_and_only_its_holder_releases(engine):
    a, b = lease.new_owner(), lease.new_owner()
    assert lease.acquire("training", a, TTL, engine=engine)
    assert not lease.release("training", b, engine=engine)
    assert lease.holder("training", engine=engine) == a
    assert lease.release("training", a, engine=engine)
    assert lease.holder("training", engine=engine) is None
    assert lease.acquire("training", b, TTL, engine=engine)


def test_leases_by_name_are_independent(engine):
    a, b = lease.new_owner(), lease.new_owner()
    assert lease.acquire("training", a, TTL, engine=engine)
    assert lease.acquire("other-job", b, TTL, engine=engine)
