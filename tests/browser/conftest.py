from __future__ import annotations

import threading
import warnings

import pytest

from rar_app.services.office.demo import DEMO_PASSWORD
from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PortalServer,
    assert_accessible,
    kill_chromium,
    totp_code,
    wait_ready,
)

# Longer than any browser test here (the idle-expiry test waits about three minutes).
RENDERER_WATCHDOG_SECONDS = 420
BROWSER_CLOSE_GUARD_SECONDS = 30


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def chromium_watchdog(request):
    """A test still running after RENDERER_WATCHDOG_SECONDS gets its Chromium renderers
    killed, and a minute later the whole browser, so that Playwright reports an error
    instead of hanging the run (see harness.py). Written to stderr and the warnings."""
    fired: list[str] = []
    name = request.node.nodeid

    def renderers() -> None:
        fired.append(kill_chromium(f"{name}: still running after {RENDERER_WATCHDOG_SECONDS}s", renderers_only=True))

    def everything() -> None:
        fired.append(kill_chromium(f"{name}: still running after {RENDERER_WATCHDOG_SECONDS + 60}s",
                                   renderers_only=False))

    timers = [threading.Timer(RENDERER_WATCHDOG_SECONDS, renderers),
              threading.Timer(RENDERER_WATCHDOG_SECONDS + 60, everything)]
    for timer in timers:
        timer.daemon = True
        timer.start()
    yield fired
    for timer in timers:
        timer.cancel()
    for line in fired:
        warnings.warn("chromium watchdog: " + line, stacklevel=1)


class ServerPool:
    """One portal at a time: they share the build folder (.web), so starting another
    configuration stops the running one."""

    def __init__(self):
        self.current: PortalServer | None = None
        self.current_key: str | None = None

    def get(self, key: str, extra_env: dict[str, str] | None = None) -> PortalServer:
        if self.current is not None and (self.current.proc is None or self.current.proc.poll() is not None):
            self.close()  # it stopped (or was stopped): start it again rather than hand out a dead address
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


@pytest.fixture
def portal(server_pool) -> PortalServer:
    """The embedded-default portal (SQLite, in-memory state) with the demo data. Asked of the
    pool for every test: a module that needs another configuration stops this one, and under
    pytest-xdist such a module may run on this worker before other modules (a session-wide
    fixture then handed them the stopped portal's address: ERR_CONNECTION_REFUSED)."""
    return server_pool.get("embedded")


@pytest.fixture(scope="module")
def playwright_driver():
    """One Playwright per test module: its sync API runs an event loop in this thread
    while it is open, which must not outlive the browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture
def browser(playwright_driver, chromium_watchdog):
    """A Chromium per test (about half a second to start): closing it closes every
    context the test opened, under a guard that kills it if it stops answering."""
    b = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b

    def kill() -> None:
        chromium_watchdog.append(kill_chromium(f"closing the browser took over {BROWSER_CLOSE_GUARD_SECONDS}s",
                                               renderers_only=False))

    guard = threading.Timer(BROWSER_CLOSE_GUARD_SECONDS, kill)
    guard.daemon = True
    guard.start()
    try:
        b.close()
    except Exception as exc:  # the guard killed it: already reported
        chromium_watchdog.append(f"closing the browser: {type(exc).__name__}")
    finally:
        guard.cancel()


@pytest.fixture
def context(browser):
    yield browser.new_context(viewport={"width": 1280, "height": 900})


@pytest.fixture
def page(context):
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def phone_context(browser):
    yield browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)


def visit(page, portal: PortalServer, path: str, lang: str, *, axe: bool = True):
    page.goto(portal.url(path))
    wait_ready(page, lang)
    if axe:
        assert_accessible(page)
    return page


def demo_answer(question_key: str) -> str:
    """The demo accounts' answer to a security question, by the key the challenge page shows."""
    from rar_app.services.identity import demo_accounts
    from rar_app.services.office import demo

    answers = dict(demo_accounts.DEMO_SECURITY_ANSWERS)
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


TOTP_PATHS = ("/fr/code-de-verification", "/en/verification-code")


def enter_totp(page, portal: PortalServer, lang: str, username: str) -> None:
    """On the verification code page: the code from the account's (demo) authenticator."""
    wait_ready(page, lang)
    page.locator("#code").wait_for()
    page.fill("#code", totp_code(portal, username))
    page.click("#totp-submit")


def sign_in(page, portal: PortalServer, lang: str = "fr", username: str = "demo.rep", password: str = DEMO_PASSWORD):
    """Username and password, then the security question (the demo answers) or, for an
    account with a second factor (demo.admin, demo.staff), the one-time code; then the
    account's landing page (the account home for representatives)."""
    path = "/fr/connexion" if lang == "fr" else "/en/sign-in"
    visit(page, portal, path, lang, axe=False)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in-submit")
    try:
        page.wait_for_url(lambda url: any(p in url for p in CHALLENGE_PATHS + TOTP_PATHS), timeout=45_000)
    except Exception:
        # Seen only on a portal's first sign-in while two CI workers build portals at once: the
        # press got no answer. Say what the page showed, then press once more as a person would.
        seen = page.evaluate("document.querySelector('#error-summary')?.innerText || ''")
        warnings.warn(f"sign-in for {username}: no answer in 45 s at {page.url}; the page said: {seen!r}; "
                      "pressing again", stacklevel=2)
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("#sign-in-submit")
        page.wait_for_url(lambda url: any(p in url for p in CHALLENGE_PATHS + TOTP_PATHS), timeout=60_000)
    if any(p in page.url for p in TOTP_PATHS):
        enter_totp(page, portal, lang, username)
    else:
        answer_challenge(page, lang)
    page.wait_for_url(lambda url: not any(p in url for p in CHALLENGE_PATHS + TOTP_PATHS) and "/api/" not in url
                      and "/connexion" not in url and "/sign-in" not in url)
    wait_ready(page, lang)
    page.locator("#session-timeout-tick").wait_for(state="attached")
    return page


def switch_language(page, to_lang: str):
    page.click("#lang-toggle")
    wait_ready(page, to_lang)
    return page
