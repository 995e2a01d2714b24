"""With a Redis URL the portal runs several workers; a signed-in session keeps its
state across reloads served by different workers. (Named zz: it runs last, since it
replaces the embedded-default server.)"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, visit
from tests.browser.harness import wait_ready, close_context
from tests.integration.services import require_redis


@pytest.mark.redis
def test_state_survives_reloads_across_workers(server_pool, browser):
    require_redis()
    db_index = str(uuid.uuid4().int % 12 + 3)  # a Redis database of our own for this run
    portal = server_pool.get(
        "redis",
        {"RAR_REDIS_URL": f"redis://127.0.0.1:6379/{db_index}", "GRANIAN_WORKERS": "3"},
    )
    ctx = browser.new_context()
    page = ctx.new_page()
    try:
        sign_in(page, portal, lang="en")
        visit(page, portal, "/en/components", "en", axe=False)
        page.fill("#file-number", "KEEP-ME-42")
        page.click("#gallery-check")
        page.wait_for_function("document.querySelector('#served-by').textContent !== ''")
        workers = {page.locator("#served-by").text_content()}
        for _ in range(25):
            page.reload()
            wait_ready(page, "en")
            # The typed value comes back from the shared Redis state...
            page.wait_for_function("document.querySelector('#file-number').value === 'KEEP-ME-42'")
            page.click("#gallery-check")
            page.wait_for_function("document.querySelector('#gallery-status').innerText.includes('valid')")
            workers.add(page.locator("#served-by").text_content())
            if len(workers) >= 2:
                break
        # ...whichever worker process handled the events.
        assert len(workers) >= 2, f"all events went to one worker: {workers}"
        # Still signed in after the reloads.
        visit(page, portal, "/en/account-home", "en", axe=False)
        expect(page.locator("h1")).to_have_text("Account home")
    finally:
        close_context(ctx)
