from __future__ import annotations

import os
import signal
import sys
import threading
import warnings

import pytest

from rar_app.services.demo import DEMO_PASSWORD
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, PortalServer, assert_accessible, wait_ready

# Longer than any browser test here (the idle-expiry test waits about three minutes).
RENDERER_WATCHDOG_SECONDS = 420


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def chromium_renderers_of_this_run() -> list[int]:
    """The Chromium renderer processes started (through Playwright) by this pytest process."""
    parents: dict[int, int] = {}
    renderers: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if b"--type=renderer" in f.read():
                    renderers.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    me = os.getpid()

    def descends_from_me(pid: int) -> bool:
        seen: set[int] = set()
        while pid and pid not in seen:
            if pid == me:
                return True
            seen.add(pid)
            pid = parents.get(pid, 0)
        return False

    return [pid for pid in renderers if descends_from_me(pid)]


@pytest.fixture(autouse=True)
def renderer_watchdog(request):
    """Now and then a headless Chromium renderer stops answering without using any CPU,
    and Playwright then waits on it for ever (some of its calls have no timeout). A test
    still running after RENDERER_WATCHDOG_SECONDS gets its renderers killed, so that
    Playwright reports an error (or carries on) instead of hanging the whole run; the
    event is written to stderr and left in the warnings summary."""
    fired: list[str] = []

    def fire() -> None:
        pids = chromium_renderers_of_this_run()
        fired.append(f"{request.node.nodeid}: still running after {RENDERER_WATCHDOG_SECONDS}s; "
                     f"killed Chromium renderers {pids}")
        sys.stderr.write("\nrenderer watchdog: " + fired[-1] + "\n")
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    timer = threading.Timer(RENDERER_WATCHDOG_SECONDS, fire)
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()
    for line in fired:
        warnings.warn("renderer watchdog: " + line, stacklevel=1)


class ServerPool:
    """One portal at a time: they share the build folder (.web), so starting another
    configuration stops the running one."""

    def __init__(self):
        self.current: PortalServer | None = None
        self.current_key: str | None = None

    def get(self, key: str, extra_env: dict[str, str] | None = None) -> PortalServer:
        if self.current_key != key:
            self.close()
            self.current = PortalServer(key, extra_env).start()
            self.current_key = key
        assert self.current is not None
        return self.current

    def close(self) -> None:
        if self.current:
            self.current.stop()
        self.current = None
        self.current_key = None


@pytest.fixture(scope="session")
def server_pool():
    pool = ServerPool()
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def portal(server_pool) -> PortalServer:
    """The embedded-default portal (SQLite, in-memory state) with the demo data."""
    return server_pool.get("embedded")


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: Playwright's sync API runs an event loop in this
    thread while it is open, which must not outlive the browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def phone_context(browser):
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    yield ctx
    ctx.close()


def visit(page, portal: PortalServer, path: str, lang: str, *, axe: bool = True):
    page.goto(portal.url(path))
    wait_ready(page, lang)
    if axe:
        assert_accessible(page)
    return page


def demo_answer(question_key: str) -> str:
    """The demo accounts' answer to a security question, by the key the challenge page shows."""
    from rar_app.services import accounts, demo

    answers = dict(accounts.DEMO_SECURITY_ANSWERS)
    return answers.get(question_key) or getattr(demo, "DEMO_SECURITY_ANSWER", "")


CHALLENGE_PATHS = ("/fr/question-de-securite", "/en/security-question")


def answer_challenge(page, lang: str, answer: str | None = None) -> None:
    """On the security question page: answer it (by default with the demo answer)."""
    page.wait_for_url("**" + CHALLENGE_PATHS[0 if lang == "fr" else 1] + "**", timeout=60_000)
    wait_ready(page, lang)
    question = page.locator("#challenge-question")
    question.wait_for()
    page.wait_for_function("!!document.querySelector('#challenge-question')?.dataset.questionKey")
    if answer is None:
        answer = demo_answer(question.get_attribute("data-question-key") or "")
    page.fill("#answer", answer)
    page.click("#challenge-submit")


def sign_in(page, portal: PortalServer, lang: str = "fr", username: str = "demo.rep", password: str = DEMO_PASSWORD):
    """Username and password, then the security question (the demo answers), then the
    account's landing page (the account home for representatives)."""
    path = "/fr/connexion" if lang == "fr" else "/en/sign-in"
    visit(page, portal, path, lang, axe=False)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in-submit")
    answer_challenge(page, lang)
    page.wait_for_url(lambda url: not any(p in url for p in CHALLENGE_PATHS) and "/api/" not in url
                      and "/connexion" not in url and "/sign-in" not in url)
    wait_ready(page, lang)
    page.locator("#session-timeout-tick").wait_for(state="attached")
    return page


def switch_language(page, to_lang: str):
    page.click("#lang-toggle")
    wait_ready(page, to_lang)
    return page
