"""The portal in Redis mode with two workers (one production build for the module).

- A handler's answer that ends in a redirect is one packet (rar_app/packet_merge.py);
  a focus still follows its delta in a packet of its own (the element must be rendered).
- kill -9 of a worker in the middle of a questionnaire: the other worker keeps serving,
  the dead one is replaced (rar_app/serve.py), the browser reconnects and continues at
  the same step with its saved answers and the value typed on the page
  (rar_app/worker_failover.py), without signing in again."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import urllib.request

import pytest

from tests.resilience.servers import WIZARD_STATE, make_reps, step_path, worker_pids, worker_serving
from tests.resilience.ws_client import Client, Closed

pytestmark = [pytest.mark.resilience, pytest.mark.redis]

TYPED = "Tapé-pas-encore-enregistré"


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status


def test_a_delta_and_its_redirect_are_one_packet_a_focus_comes_after_its_delta(redis_portal):
    rep = make_reps(redis_portal, 1, prefix="packet")[0]
    path = step_path("visitor_study_work:client", rep.app_id, client=1)

    async def scenario() -> None:
        browser = Client(redis_portal.base_url, cookie=rep.cookie)
        await browser.open(path)
        await browser.send(WIZARD_STATE + ".set_value", {"name": "family_name", "value": ""})
        await browser.sync()
        # « Suivant » with a required answer missing: errors and the focus on the summary.
        await browser.send(WIZARD_STATE + ".next_step", {})
        answers = await browser.sync()
        assert len(answers) == 2, answers
        delta = answers[0]["delta"][WIZARD_STATE]
        assert delta["errors_rx_state_"] and delta["errors_rx_state_"][0]["field"] == "family_name"
        assert not answers[0].get("events")
        assert [e["name"] for e in answers[1]["events"]] == ["_set_focus"]
        # « Suivant » that saves: the cleared errors and the redirect, together.
        await browser.send(WIZARD_STATE + ".set_value", {"name": "family_name", "value": "Paquet"})
        await browser.sync()
        await browser.send(WIZARD_STATE + ".next_step", {})
        answers = await browser.sync()
        assert len(answers) == 1, answers
        assert answers[0]["delta"][WIZARD_STATE]["errors_rx_state_"] == []
        assert [e["name"] for e in answers[0]["events"]] == ["_redirect"]
        await browser.close()

    asyncio.run(asyncio.wait_for(scenario(), 120))


def test_killed_worker_is_replaced_and_the_browser_continues(redis_portal):
    portal = redis_portal
    rep = make_reps(portal, 1, prefix="kill")[0]
    path = step_path("visitor_study_work:client", rep.app_id, client=1)
    supervisor = portal.proc.pid

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        browser = Client(portal.base_url, cookie=rep.cookie)
        await browser.open(path)
        assert browser.var("question_state", "ref") == "client.1"
        assert browser.var("question_state", "values")["given_names"] == "Client1"  # a saved answer
        await browser.send(WIZARD_STATE + ".set_value", {"name": "family_name", "value": TYPED})
        await browser.sync()

        workers = worker_pids(supervisor)
        assert len(workers) == 2, workers
        victim = worker_serving(supervisor, portal.port, browser.local_port)
        assert victim in workers, (victim, workers)
        os.kill(victim, signal.SIGKILL)

        # The browser sees its connection drop…
        with pytest.raises(Closed):
            while True:
                await browser.next_update(timeout=15)
        # …the portal keeps serving pages (the other worker, then both)…
        assert await loop.run_in_executor(None, _get, portal.url("/fr/connexion/")) == 200
        # …and the dead worker is replaced; the supervisor is still there.
        deadline = time.monotonic() + 60
        while True:
            now = worker_pids(supervisor)
            if len(now) == 2 and victim not in now:
                break
            assert time.monotonic() < deadline, f"worker not replaced: {now}"
            await asyncio.sleep(0.2)
        assert portal.proc.poll() is None, "the portal stopped"
        replacement = (set(now) - set(workers)).pop()

        # The browser reconnects as Reflex's frontend does: same token, same cookie,
        # a full hydrate of the page it shows.
        again = Client(portal.base_url, cookie=rep.cookie, token=browser.token)
        await again.open(path)
        assert again.var("question_state", "ref") == "client.1"
        values = again.var("question_state", "values")
        assert values["family_name"] == TYPED, values  # typed on the page, not saved yet
        assert values["given_names"] == "Client1"  # saved before

        # It continues: « Suivant » saves and moves on (no sign-in page).
        await again.send(WIZARD_STATE + ".next_step", {})
        await again.sync()
        redirects = [e["payload"]["path"] for e in again.browser_events if e["name"] == "_redirect"]
        assert redirects and "connexion" not in redirects[-1], redirects
        await again.close()

        # The replacement worker answers sessions too.
        served_by = set()
        for _ in range(30):
            probe = Client(portal.base_url, cookie=rep.cookie)
            await probe.open(path)
            served_by.add(worker_serving(supervisor, portal.port, probe.local_port))
            await probe.close()
            if replacement in served_by:
                break
        assert replacement in served_by, (replacement, served_by)

    asyncio.run(asyncio.wait_for(scenario(), 300))

    # The typed value reached the database with « Suivant ».
    from tests.browser.harness import portal_db

    with portal_db(portal):
        from rar_app.services.casework import applications

        view = applications.open_step(rep.account_id, rep.app_id, "client.1")
        assert view.values["family_name"] == TYPED


def test_redis_restarted_the_page_reloads_its_step_from_the_database(redis_portal, private_redis):
    """Redis restarted empty (every browser's state lost): the next event finds no state,
    Reflex rehydrates the page and runs its on_load, which reloads the step from the
    database; the session (a database row, cookie in the browser) is still valid; the
    representative types again and « Suivant » saves it.
    This client speaks the protocol without the portal's script: values typed before the
    loss and not saved come back in a real browser (the next test), not here."""
    portal = redis_portal
    rep = make_reps(portal, 1, prefix="redis")[0]
    path = step_path("visitor_study_work:client", rep.app_id, client=1)

    async def until(browser: Client, check, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not check():
            assert time.monotonic() < deadline, browser.state
            try:
                await browser.next_update(timeout=max(0.1, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                pass

    async def scenario() -> None:
        browser = Client(portal.base_url, cookie=rep.cookie)
        await browser.open(path)
        await browser.send(WIZARD_STATE + ".set_value", {"name": "family_name", "value": "Avant-la-panne"})
        await browser.sync()
        assert browser.var("question_state", "values")["family_name"] == "Avant-la-panne"

        private_redis.restart()  # no persistence: every key is gone

        # The next event: the portal's Redis client reconnects, finds no state,
        # rehydrates the page and reloads the step from the database.
        deadline = time.monotonic() + 60
        while True:
            try:
                await browser.send(WIZARD_STATE + ".set_value", {"name": "given_names", "value": "Après"})
                await until(browser, lambda: browser.var("question_state", "values", {}).get("family_name") == "Nom0")
                break
            except (Closed, AssertionError):
                assert time.monotonic() < deadline, "the step was not reloaded after the Redis restart"
                await browser.close()
                browser = Client(portal.base_url, cookie=rep.cookie, token=browser.token)
                await browser.open(path)
        assert browser.var("question_state", "ref") == "client.1"  # the same step
        values = browser.var("question_state", "values")
        assert values["country"] == "MA" and values["given_names"] in ("Client1", "Après")

        # Typing again and « Suivant »: saved, still signed in.
        await browser.send(WIZARD_STATE + ".set_value", {"name": "given_names", "value": "Après-la-panne"})
        await browser.sync()
        await browser.send(WIZARD_STATE + ".next_step", {})
        await browser.sync()
        await until(browser, lambda: any(e["name"] == "_redirect" for e in browser.browser_events), 15)
        redirects = [e["payload"]["path"] for e in browser.browser_events if e["name"] == "_redirect"]
        assert "connexion" not in redirects[-1], redirects
        await browser.close()

    asyncio.run(asyncio.wait_for(scenario(), 180))

    from tests.browser.harness import portal_db

    with portal_db(portal):
        from rar_app.services.casework import applications

        view = applications.open_step(rep.account_id, rep.app_id, "client.1")
        assert view.values["given_names"] == "Après-la-panne"
        assert view.values["family_name"] == "Nom0"


def test_redis_restarted_the_browser_types_back_what_was_typed(redis_portal, private_redis):
    """The same loss in a real browser: the family name typed on the page (not saved) is
    lost with Redis; Reflex reloads the page's state in place (the fields show the saved
    answers), then the portal's script (assets/rar.js) types back what was typed on this
    visit, and « Suivant » saves it."""
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, portal_db, wait_ready

    portal = redis_portal
    rep = make_reps(portal, 1, prefix="typed")[0]
    path = step_path("visitor_study_work:client", rep.app_id, client=1)
    cookie_name, cookie_value = rep.cookie.split("=", 1)
    typed = "Tapé-avant-la-panne"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_cookies([{"name": cookie_name, "value": cookie_value, "url": portal.base_url}])
            page = context.new_page()
            frames: list[str] = []  # the websocket's last frames, shown when the reload does not come
            page.on("websocket", lambda ws: (ws.on("framesent", lambda f: frames.append(f"> {str(f)[:160]}")),
                                             ws.on("framereceived", lambda f: frames.append(f"< {str(f)[:160]}")),
                                             ws.on("close", lambda _ws: frames.append("closed"))))
            page.goto(portal.url(path))
            wait_ready(page, "fr")
            page.wait_for_function("document.querySelector('#family_name')?.value === 'Nom0'", timeout=30_000)
            page.fill("#family_name", typed)
            page.press("#family_name", "Tab")
            page.wait_for_timeout(500)  # the typed value's own event has been sent

            private_redis.restart()  # every tab's state is gone

            # The next event finds no state: Reflex reloads the page's state in place. (The
            # first event after the restart can meet a dropped Redis connection and be lost;
            # the representative's next keystroke goes through.)
            deadline = time.monotonic() + 60
            while True:
                page.fill("#given_names", "Après")
                page.press("#given_names", "Tab")
                try:
                    page.wait_for_function("document.documentElement.dataset.typedBack !== undefined",
                                           timeout=8_000)
                    break
                except Exception:
                    assert time.monotonic() < deadline, ("the page's state was not reloaded after the Redis restart:\n"
                                                         + "\n".join(frames[-30:]))
                    page.fill("#given_names", "")
            page.wait_for_function(f"document.querySelector('#family_name').value === {typed!r}", timeout=10_000)
            assert page.input_value("#given_names") == "Après"
            page.wait_for_timeout(2_000)  # the second typing back
            assert page.input_value("#family_name") == typed
            page.click("#nav-next")
            page.wait_for_url(lambda url: "/client/" not in url, timeout=30_000)  # the next step
            assert "connexion" not in page.url  # still signed in
        finally:
            browser.close()

    with portal_db(portal):
        from rar_app.services.casework import applications

        view = applications.open_step(rep.account_id, rep.app_id, "client.1")
        assert view.values["family_name"] == typed
        assert view.values["given_names"] == "Après"
