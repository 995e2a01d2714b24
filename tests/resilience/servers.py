"""Servers for the resilience tests and the benches, all on loopback, each in a temp folder:
a private Redis (never the machine's shared one: the tests stop and restart it), the portal
(tests/browser/harness.py's PortalServer: `python -m rar_app.serve run --env prod
--single-port`), and signed-in representatives with complete drafts written into the
portal's database through the services. The wizard's names (state, handlers, pages) live
here, so that the tests and benches follow the pages in one place."""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.browser.harness import PortalServer, free_port  # noqa: E402


def _wait_port(port: int, timeout: float) -> bool:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


class RedisServer:
    """A Redis of our own (never the machine's shared one): loopback, no persistence."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="rar-redis-"))
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> "RedisServer":
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        if not _wait_port(self.port, 20):
            self.stop()
            raise RuntimeError("private redis-server did not start")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        """Stop and start again on the same port: every key is gone (no persistence)."""
        self.stop()
        self.start()


def worker_pids(server_pid: int) -> list[int]:
    """The Granian worker processes under a server (children of the supervisor)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server_pid)], capture_output=True, text=True).stdout
    return sorted(int(x) for x in out.split())


def _socket_inodes(local_port: int, peer_port: int) -> set[str]:
    """Inodes of the TCP sockets whose local port is `local_port` and peer port `peer_port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, remote, inode = parts[1], parts[2], parts[9]
            if int(local.rsplit(":", 1)[1], 16) == local_port and int(remote.rsplit(":", 1)[1], 16) == peer_port:
                found.add(inode)
    return found


def worker_serving(server_pid: int, server_port: int, client_port: int) -> int | None:
    """The worker process that holds the server end of a client's connection."""
    inodes = _socket_inodes(server_port, client_port)
    for pid in worker_pids(server_pid):
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return pid
        except OSError:
            continue
    return None


def start_portal(name: str, extra_env: dict[str, str] | None = None) -> PortalServer:
    return PortalServer(name, extra_env).start()


ROOT = "reflex___state____state"
WIZARD_STATE = ROOT + ".rar_app___state___questions____question_state"
ON_LOAD = ROOT + ".reflex___state____on_load_internal_state.on_load_internal"


@dataclasses.dataclass
class Rep:
    account_id: int
    cookie: str  # "rar_session=<token>"
    app_id: int = 0


def step_path(page_id: str, app_id: int, lang: str = "fr", **extra) -> str:
    import rar_app.pages  # noqa: F401  (registers the routes)
    from urllib.parse import urlencode

    from rar_app import routes

    query = {"id": app_id, **extra} if app_id else dict(extra)
    return routes.url(page_id, lang) + ("?" + urlencode(query) if query else "")


def make_reps(portal, count: int, *, drafts: bool = True, prefix: str = "bench") -> list[Rep]:
    """`count` representatives, each with a live session (cookie) and, with `drafts`,
    a complete one-client visitor draft."""
    from tests.browser.harness import portal_db

    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Account
        from rar_app.services.identity import sessions
        from tests.services.test_submission_drafts import make_draft, make_rep

        reps = []
        tag = secrets.token_hex(3)
        for i in range(count):
            account_id = make_rep(f"{prefix}.{tag}.{i}", given=f"Rep{i}", family="Banc")
            with session_scope() as db:
                token = sessions.create(db, db.get(Account, account_id))
            app_id = 0
            if drafts:
                app_id = make_draft(account_id, [{"type": "visitor_visa", "family": f"Nom{i}"}],
                                    file_number=f"BANC-{tag}-{i}", upload=False).application_id
            reps.append(Rep(account_id, f"rar_session={token}", app_id))
        return reps
