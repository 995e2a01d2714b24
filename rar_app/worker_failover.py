"""A browser whose worker died keeps its state when it reconnects to another worker.

With Redis, Reflex 0.10 records in Redis which worker holds each browser's socket
(`token_manager_socket_record_<token>`, kept for `redis_token_expiration`, an hour by
default). A worker removes its records when a socket closes — but a worker killed with
`kill -9` (or by the kernel's OOM killer) never does. When that browser reconnects to
another worker, Reflex finds the record, takes the browser for a duplicate tab, and
hands it a *new* token: a fresh, empty state, so everything typed and not yet saved on
the page was gone (the wizard then reloaded the step from the database).

Here every worker keeps a short-lived « alive » key in Redis (renewed every few seconds)
naming its host and process id. On a connect, a record whose worker has no « alive » key
any more, or whose process is gone from this machine, is stale: it is removed and the browser keeps its token and its state. A record of a live worker is a
real duplicate (two tabs with one token) and keeps Reflex's behaviour."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import socket

log = logging.getLogger(__name__)

ALIVE_PREFIX = "rar_worker_alive_"
ALIVE_SECONDS = 10  # a dead worker's sockets are taken over at most this long after its death
RENEW_SECONDS = 3


def _alive_key(instance_id: str) -> str:
    return ALIVE_PREFIX + instance_id


def _me() -> bytes:
    return f"{socket.gethostname()}:{os.getpid()}".encode()


def _gone(alive_value: bytes | None) -> bool:
    """No « alive » key (expired), or the key names a process of this machine that has exited."""
    if alive_value is None:
        return True
    host, _, pid = alive_value.decode(errors="replace").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's worker: its key's lifetime decides
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # killed but not reaped yet by its supervisor
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def install() -> None:
    """Patch Reflex's Redis token manager (idempotent; harmless without Redis)."""
    from reflex.utils import token_manager as tm

    cls = tm.RedisTokenManager
    if getattr(cls, "_rar_failover", False):
        return
    original_link = cls.link_token_to_sid

    async def _heartbeat(self) -> None:
        while True:
            try:
                await self.redis.set(_alive_key(self.instance_id), _me(), ex=ALIVE_SECONDS)
            except Exception as exc:  # noqa: BLE001  (Redis away: retried at the next beat)
                log.warning("worker heartbeat: %s", exc)
            await asyncio.sleep(RENEW_SECONDS)

    async def _ensure_heartbeat(self) -> None:
        task = getattr(self, "_rar_heartbeat", None)
        if task is None or task.done():
            # First beat now, so that this worker counts as alive before it answers.
            try:
                await self.redis.set(_alive_key(self.instance_id), _me(), ex=ALIVE_SECONDS)
            except Exception:  # noqa: BLE001
                pass
            self._rar_heartbeat = asyncio.get_running_loop().create_task(_heartbeat(self))

    async def _drop_if_stale(self, token: str) -> None:
        key = self._get_redis_key(token)
        try:
            raw = await self.redis.get(key)
            if raw is None:
                return
            record = pickle.loads(raw)
            owner = getattr(record, "instance_id", None)
            if owner is None or owner == self.instance_id:
                return
            if _gone(await self.redis.get(_alive_key(owner))):
                # The worker that held this socket is gone: the browser keeps its token.
                await self.redis.delete(key)
                log.info("socket record of a dead worker dropped for a reconnecting browser")
        except Exception as exc:  # noqa: BLE001  (fall back to Reflex's own behaviour)
            log.warning("stale socket record check failed: %s", exc)

    async def link_token_to_sid(self, token: str, sid: str):
        await _ensure_heartbeat(self)
        record = self.token_to_socket.get(token)
        if record is None or record.sid != sid:
            await _drop_if_stale(self, token)
        return await original_link(self, token, sid)

    cls.link_token_to_sid = link_token_to_sid
    cls._rar_failover = True
