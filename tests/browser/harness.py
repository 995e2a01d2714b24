"""Browser test harness: start the production build on a free port, drive Debian's
Chromium with Playwright, run axe-core on every page visited."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import re
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("RAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _claim_web_slot():
    """A build folder of our own (REFLEX_WEB_WORKDIR), so that test runs in parallel
    — or a `./run` beside them — never rebuild each other's frontend. Slots are kept
    between runs so their node_modules are reused; a lock file says who holds one."""
    import fcntl

    root = REPO / ".web-test"
    root.mkdir(exist_ok=True)
    for n in range(16):
        lock = open(root / f"slot-{n}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        return root / f"slot-{n}", lock
    raise RuntimeError("no free frontend build slot in .web-test/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortalServer:
    """One production portal (`reflex run --env prod --single-port`) in its own data folder."""

    def __init__(self, name: str, extra_env: dict[str, str] | None = None):
        self.name = name
        self.port = free_port()
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"rar-{name}-"))
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("RAR_")}
        self.env.update(
            RAR_PORT=str(self.port),
            RAR_DATA_DIR=str(self.data_dir),
            RAR_DEMO="true",
            REFLEX_TELEMETRY_ENABLED="false",
            REFLEX_CHECK_LATEST_VERSION="false",
            PATH=f"{REPO / '.tools/node_modules/.bin'}:{REPO / '.venv/bin'}:{os.environ.get('PATH', '')}",
        )
        self.env.update(extra_env or {})
        self.web_dir, self._slot_lock = _claim_web_slot()
        self.env["REFLEX_WEB_WORKDIR"] = str(self.web_dir)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.data_dir / "server.log"

    def start(self, timeout: float = 600) -> "PortalServer":
        subprocess.run([sys.executable, "-m", "rar_app.manage", "init"], cwd=REPO, env=self.env, check=True,
                       stdout=subprocess.DEVNULL)
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rar_app.serve", "run", "--env", "prod", "--single-port"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"portal exited early:\n{self.log_path.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/fr/connexion/", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"portal did not start in {timeout}s:\n{self.log_path.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        if self._slot_lock:
            self._slot_lock.close()
            self._slot_lock = None

    def url(self, path: str) -> str:
        return self.base_url + path


def wait_ready(page, lang: str) -> None:
    """The page has hydrated and its on_load answers have arrived, for this very address:
    after a client-side navigation the new page first shows the previous one's hydrated flag
    (assets/rar.js sets data-ready-for on a false → true change)."""
    # `?.`: between two documents of a navigation there is no documentElement for a moment.
    page.wait_for_function(f"document.documentElement?.lang === '{lang}' && !!document.querySelector('#main')"
                           " && document.querySelector('#main')?.dataset.hydrated === 'true'"
                           " && document.documentElement.dataset.readyFor === location.pathname + location.search")


def assert_accessible(page, context: str = "") -> None:
    """axe-core: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [
        v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
    ]
    assert not violations, f"axe violations on {page.url} {context}:\n" + "\n".join(details)


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls horizontally by {overflow}px at {page.viewport_size}"


@contextlib.contextmanager
def portal_db(portal: "PortalServer"):
    """Use the running portal's settings (data folder, database, secret key) in this process."""
    from tests.conftest import reset_caches

    saved = {k: v for k, v in os.environ.items() if k.startswith("RAR_")}
    for key in saved:
        del os.environ[key]
    os.environ.update({k: v for k, v in portal.env.items() if k.startswith("RAR_")})
    reset_caches()
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith("RAR_")]:
            del os.environ[key]
        os.environ.update(saved)
        reset_caches()


def totp_code(portal: "PortalServer", username: str, secret: str | None = None) -> str:
    """A one-time code the portal accepts now for `username` (the demo administrator and
    staff have the published DEMO_TOTP_SECRET on a loopback portal). A code works once:
    when this time step was already used (an earlier sign-in of the same account), the
    next step's code is given (accepted one step ahead), or the step is waited out."""
    import time

    import pyotp
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Account
    from rar_app.services.identity import demo_accounts, second_factor

    with portal_db(portal), session_scope() as db:
        last = db.exec(select(Account.totp_last_step).where(Account.username == username)).first()
    step = int(time.time() // second_factor.STEP_SECONDS)
    if last is not None and last >= step:
        if last > step:  # the next step is used too: wait for it to become the current one
            time.sleep((last + 1) * second_factor.STEP_SECONDS - time.time() + 0.2)
            step = int(time.time() // second_factor.STEP_SECONDS)
        step = max(step, last + 1)
    totp = pyotp.TOTP(secret or demo_accounts.DEMO_TOTP_SECRET, interval=second_factor.STEP_SECONDS)
    return totp.at(step * second_factor.STEP_SECONDS)


# --------------------------------------------------------------------------- Chromium that stops answering
# Now and then headless Chromium stops answering without using any CPU (seen while a
# browser context was being disposed). Playwright then waits on it for ever. Killing
# its processes turns that wait into an error; each test has its own browser, so the
# next test starts clean.


def chromium_processes_of_this_run(*, renderers_only: bool) -> list[int]:
    """Chromium processes started (through Playwright) by this pytest process: its
    renderers, or every Chromium process (the browser first)."""
    parents: dict[int, int] = {}
    found: list[tuple[int, int]] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read()
        except (OSError, ValueError, IndexError):
            continue
        if b"chromium" not in cmd.split(b"\0", 1)[0]:
            continue
        if renderers_only and b"--type=renderer" not in cmd:
            continue
        found.append((0 if b"--type=" not in cmd else 1, int(entry)))
    me = os.getpid()

    def descends_from_me(pid: int) -> bool:
        seen: set[int] = set()
        while pid and pid not in seen:
            if pid == me:
                return True
            seen.add(pid)
            pid = parents.get(pid, 0)
        return False

    return [pid for _, pid in sorted(found) if descends_from_me(pid)]


def kill_chromium(reason: str, *, renderers_only: bool) -> str:
    """Kill this run's Chromium renderers (or all of it); returns the line that says why (also on stderr)."""
    pids = chromium_processes_of_this_run(renderers_only=renderers_only)
    line = f"{reason}; killed Chromium {'renderers' if renderers_only else 'processes'} {pids}"
    sys.stderr.write("\nchromium watchdog: " + line + "\n")
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return line


def close_context(ctx) -> None:
    """A context opened inside a test is closed with the test's browser, at teardown:
    disposing a context is where Chromium has hung, and there a guard can kill it."""
    del ctx


def mailed_link(portal: "PortalServer", to: str, *, after: set[str] | None = None, wait: float = 30) -> str:
    """The single-use link (…?lien=…) in the newest mail the portal wrote to its outbox for
    `to` (mails named in `after` are skipped). Waits for the mail to be written."""
    from email import policy
    from email.parser import BytesParser

    folder = portal.data_dir / "outbox"
    deadline = time.monotonic() + wait
    while True:
        files = sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
        for path in files:
            if after and path.name in after:
                continue
            mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            body = mail.get_body(preferencelist=("plain",))
            found = re.search(r"https?://\S+[?&]lien=[A-Za-z0-9_-]+", body.get_content() if body else "")
            if str(mail["To"]) == to and found:
                return found.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no link mailed to {to} in {folder}")
        time.sleep(0.2)


def outbox_names(portal: "PortalServer") -> set[str]:
    folder = portal.data_dir / "outbox"
    return {p.name for p in folder.glob("*.eml")} if folder.is_dir() else set()
