"""Issue 17, « Done when »: axe-core finds no serious or critical violation (and no target
under 24 px, WCAG 2.5.8) on every registered page, in English, at 1280 px and 375 px.
The French pages: test_zz_every_page_axe_fr.py (the same sweep, see every_page.py)."""

from __future__ import annotations

import pytest

from tests.browser import every_page

LANG = "en"
CHUNKS = every_page.chunks()
FOUND: dict[int, list[str]] = {}
TIMES: dict[int, float] = {}


@pytest.fixture(scope="module")
def seeded(server_pool):
    return every_page.seed(server_pool.get("embedded"))


@pytest.mark.parametrize("n", range(len(CHUNKS)))
def test_every_page_part(portal, browser, seeded, n):
    FOUND[n], TIMES[n] = every_page.sweep(browser, portal, seeded, LANG, CHUNKS[n])


def test_every_page_axe_clean(seeded):
    every_page.report(LANG, CHUNKS, FOUND, TIMES, seeded)
