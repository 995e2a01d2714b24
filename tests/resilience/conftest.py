"""Fixtures for the resilience tests: the portal's production build in Redis mode with
two workers, on a private redis-server (a temp folder, a free loopback port) that the
tests may kill and restart — never the machine's shared Redis or PostgreSQL."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.resilience.servers import RedisServer, start_portal


def _require_binary(name: str) -> None:
    if shutil.which(name) or os.path.exists(f"/usr/bin/{name}"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not installed (CI=true: these tests must run)")
    pytest.skip(f"{name} is not installed")


@pytest.fixture(scope="module")
def private_redis():
    _require_binary("redis-server")
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def redis_portal(private_redis):
    """The portal with Reflex's Redis state manager and two Granian workers."""
    portal = start_portal("resilience", {"RAR_REDIS_URL": f"{private_redis.url}/0", "GRANIAN_WORKERS": "2"})
    try:
        yield portal
    finally:
        portal.stop()
