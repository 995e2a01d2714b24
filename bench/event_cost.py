"""What one portal event costs, against a blank Reflex app under the same load.

    .venv/bin/python bench/event_cost.py [--pages 4] [--events 60] [--scenario gallery|wizard]

Starts (1) a blank Reflex app generated in a temporary folder — one input, one button,
one handler — and (2) the portal's production build, then drives the same load on both:
PAGES browser tabs in parallel, each clicking EVENTS times and waiting for the answer.
The time of each event is read from the websocket frames (DevTools protocol): from the
frame that carries the event to the server's delta frame answering it. Prints p50/p95 and
events per second for both, and the ratio (target: portal ≤ 1.2 × blank)."""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, PortalServer, free_port, wait_ready  # noqa: E402

BLANK_APP = '''
import reflex as rx

class FormState(rx.State):
    file_number: str = ""
    message: str = ""
    count: int = 0

    @rx.event
    def set_file_number(self, value: str):
        self.file_number = value

    @rx.event
    def check(self):
        self.count += 1
        self.message = "ok " + str(self.count)

def index():
    return rx.el.main(
        rx.el.label("File number", html_for="file-number"),
        rx.el.input(id="file-number", value=FormState.file_number, on_change=FormState.set_file_number),
        rx.el.button("Check", id="check", on_click=FormState.check),
        rx.el.p(FormState.message, id="status"),
        id="main",
    )

app = rx.App(html_lang="en")
app.add_page(index, route="/")
'''


def start_blank() -> tuple[subprocess.Popen, str]:
    folder = Path(tempfile.mkdtemp(prefix="rar-blank-"))
    (folder / "blank").mkdir()
    (folder / "blank" / "__init__.py").write_text("")
    (folder / "blank" / "blank.py").write_text(textwrap.dedent(BLANK_APP))
    port = free_port()
    (folder / "rxconfig.py").write_text(
        "import reflex as rx\nconfig = rx.Config(app_name='blank', telemetry_enabled=False, "
        f"frontend_port={port}, backend_port={port}, backend_host='127.0.0.1', "
        f"api_url='http://127.0.0.1:{port}', deploy_url='http://127.0.0.1:{port}', state_manager_mode='memory')\n"
    )
    env = dict(os.environ, REFLEX_TELEMETRY_ENABLED="false", REFLEX_CHECK_LATEST_VERSION="false",
               PATH=f"{REPO / '.tools/node_modules/.bin'}:{REPO / '.venv/bin'}:{os.environ.get('PATH', '')}")
    log = open(folder / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port"],
                            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((folder / "server.log").read_text()[-3000:])
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as resp:
                if resp.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("blank app did not start")


def drive(base_url: str, path: str, lang: str | None, click_selector: str, pages: int, events: int,
          marker: str = '.check"', prepare=None) -> list[float]:
    """Run PAGES tabs in threads (one Playwright per thread) and collect event latencies (ms)."""
    from playwright.sync_api import sync_playwright

    latencies: list[float] = []
    lock = threading.Lock()

    def one_tab() -> None:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            pending: list[float] = []
            done = threading.Event()
            local: list[float] = []

            def sent(e):
                if '["event"' in e["response"]["payloadData"] and marker in e["response"]["payloadData"]:
                    pending.append(e["timestamp"])

            def received(e):
                data = e["response"]["payloadData"]
                # Reflex 0.10 answers an event with its delta frame(s); the first one
                # carries the handler's result.
                if pending and data.startswith('42/_event,["event"'):
                    local.append((e["timestamp"] - pending.pop(0)) * 1000)
                    done.set()

            cdp.on("Network.webSocketFrameSent", sent)
            cdp.on("Network.webSocketFrameReceived", received)
            if prepare:
                prepare(page)
            page.goto(base_url + path)
            if lang:
                wait_ready(page, lang)
            else:
                page.wait_for_selector("#main")
            if marker == '.check"':
                page.fill("#file-number", "BENCH-1")
            page.wait_for_timeout(500)
            for _ in range(events):
                done.clear()
                page.click(click_selector)
                deadline = time.monotonic() + 10
                while not done.is_set() and time.monotonic() < deadline:
                    page.wait_for_timeout(5)
            browser.close()
            with lock:
                latencies.extend(local)

    threads = [threading.Thread(target=one_tab) for _ in range(pages)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies


def summary(name: str, values: list[float], wall: float) -> float:
    values = sorted(values)
    p50 = statistics.median(values)
    p95 = values[int(len(values) * 0.95) - 1]
    print(f"{name:<10} events {len(values):>5}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {len(values) / wall:7.1f} events/s")
    return p50


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--scenario", choices=["wizard", "gallery"], default="wizard",
                        help="wizard: 'Next' on the questionnaire's first step with the field empty — a signed-in "
                             "event that checks the session and validates on the server; gallery: a session-less event")
    args = parser.parse_args()

    blank_proc, blank_url = start_blank()
    try:
        t0 = time.monotonic()
        blank = drive(blank_url, "/", None, "#check", args.pages, args.events)
        blank_wall = time.monotonic() - t0
    finally:
        os.killpg(blank_proc.pid, signal.SIGTERM)
    portal = PortalServer("bench-events").start()
    try:
        t0 = time.monotonic()
        if args.scenario == "gallery":
            ours = drive(portal.base_url, "/en/components", "en", "#gallery-check", args.pages, args.events)
        else:
            import rar_app.pages  # noqa: F401  (registers the routes)
            from rar_app import routes
            from tests.browser.conftest import sign_in

            ours = drive(portal.base_url, routes.url("visitor_study_work:file_number", "en"), "en", "#nav-next", args.pages, args.events,
                         marker='.next_step"', prepare=lambda page: sign_in(page, portal, lang="en"))
        ours_wall = time.monotonic() - t0
    finally:
        portal.stop()
    print(f"load: {args.pages} tabs in parallel × {args.events} events each; portal scenario: {args.scenario}")
    b = summary("blank", blank, blank_wall)
    o = summary("portal", ours, ours_wall)
    print(f"ratio portal/blank (p50): {o / b:.2f}  (target ≤ 1.20)")


if __name__ == "__main__":
    main()
