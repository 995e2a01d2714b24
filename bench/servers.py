"""The blank Reflex app for the benches (bench/blank_app), started like the portal:
`python -m rar_app.serve run --env prod --single-port`, same Reflex settings (workers,
compression, state manager). The private Redis and the portal come from tests/resilience/servers.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.resilience.servers import RedisServer, free_port, start_portal  # noqa: E402,F401

BLANK_DIR = REPO / "bench" / "blank_app"


class BlankServer:
    """The blank counter app, production build, same launcher and settings as the portal."""

    def __init__(self, extra_env: dict[str, str] | None = None):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkdtemp(prefix="rar-blank-")) / "server.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("RAR_", "BLANK_"))}
        self.env.update(
            BLANK_PORT=str(self.port),
            REFLEX_TELEMETRY_ENABLED="false",
            REFLEX_CHECK_LATEST_VERSION="false",
            PYTHONPATH=str(REPO),
            PATH=f"{REPO / '.tools/node_modules/.bin'}:{REPO / '.venv/bin'}:{os.environ.get('PATH', '')}",
        )
        self.env.pop("REFLEX_WEB_WORKDIR", None)
        self.env.update(extra_env or {})
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 900) -> "BlankServer":
        import fcntl

        # One build of the blank app at a time (its .web folder is shared by the runs).
        self._lock = open(BLANK_DIR / ".build.lock", "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rar_app.serve", "run", "--env", "prod", "--single-port"],
            cwd=BLANK_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"blank app exited early:\n{self.log_path.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/", timeout=2) as resp:
                    if resp.status == 200:
                        self._lock.close()  # built: the next run may build while this one serves
                        self._lock = None
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"blank app did not start in {timeout}s:\n{self.log_path.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        lock = getattr(self, "_lock", None)
        if lock:
            lock.close()
            self._lock = None
