"""Issue 17, points 3 and 6, in French and English: under 640 px every table is a stack of
cards (« label : value »), nothing cut or off screen; at 1280 px tables stay tables.
Radios and checkboxes are at least 24 px (28 px, in a 44 px row) and axe's target-size
rule (WCAG 2.2, not run by default) finds nothing."""

from __future__ import annotations

import pytest

import rar_app.pages  # noqa: F401  (registers the routes)
from rar_app import routes
from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_no_horizontal_scroll
from tests.browser.test_tracking import PATHS, demo_numbers

CELLS_JS = """() => [...document.querySelectorAll('#main table')].filter(t => t.offsetParent !== null).map(t => ({
  id: t.id,
  cells: [...t.querySelectorAll('tbody td, tbody th')].map(c => {
    const r = c.getBoundingClientRect();
    const before = getComputedStyle(c, '::before').content;
    return {left: r.left, right: r.right, display: getComputedStyle(c).display,
            label: c.getAttribute('data-label') || '', before: before, text: c.innerText.trim()};
  }),
  controls: [...t.querySelectorAll('a, button, input, select')].map(a => {
    const r = a.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, text: a.innerText || a.value || ''};
  }),
}))"""


def table_cells(page) -> list[dict]:
    page.wait_for_timeout(200)  # the labeller runs 50 ms after the last change
    return page.evaluate(CELLS_JS)


def assert_cards(page, where: str) -> int:
    width = page.viewport_size["width"]
    tables = table_cells(page)
    labelled = 0
    for table in tables:
        for cell in table["cells"]:
            assert cell["display"] == "block", f"{where} {table['id']}: a cell is not stacked"
            assert cell["left"] >= -1 and cell["right"] <= width + 1, f"{where} {table['id']}: cell off screen {cell}"
            if cell["label"]:
                labelled += 1
                assert cell["label"] in cell["before"], f"{where} {table['id']}: label not shown {cell}"
        for control in table["controls"]:
            assert control["width"] > 0 and control["left"] >= -1 and control["right"] <= width + 1, \
                f"{where} {table['id']}: control off screen {control}"
    assert_no_horizontal_scroll(page)
    return labelled


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tables_become_cards_on_a_phone(portal, page, phone_context, lang):
    phone = phone_context.new_page()
    sign_in(phone, portal, lang=lang)
    number = demo_numbers(portal, "demo.rep")[0]
    pages = [
        (routes.url("home", lang), "#main"),
        (PATHS["search_all"][lang], "#results tbody tr"),
        (f"{PATHS['status'][lang]}?n={number}", "#status"),
        (PATHS["inbox"][lang], "#queue tbody tr"),
    ]
    labelled = 0
    for path, ready in pages:
        visit(phone, portal, path, lang)
        phone.wait_for_selector(ready)
        labelled += assert_cards(phone, path)
    assert labelled > 20, "cells carry their column's name"

    # On a desktop the same tables are tables.
    sign_in(page, portal, lang=lang)
    visit(page, portal, PATHS["search_all"][lang], lang)
    page.wait_for_selector("#results tbody tr")
    cells = [c for t in table_cells(page) for c in t["cells"]]
    assert cells and all(c["display"] == "table-cell" for c in cells)
    assert all(c["before"] in ("none", "normal") for c in cells), "no card labels on a desktop"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_radios_and_checkboxes_are_large_enough(portal, page, phone_context, lang):
    from axe_playwright_python.sync_playwright import Axe

    for p in (page, phone_context.new_page()):
        visit(p, portal, routes.url("enrol", lang), lang)
        boxes = p.evaluate("""() => [...document.querySelectorAll('#main input[type=radio], #main input[type=checkbox]')]
            .filter(i => i.offsetParent !== null).map(i => {
              const r = i.getBoundingClientRect(); const row = i.closest('.choice');
              return {w: r.width, h: r.height, row: row ? row.getBoundingClientRect().height : 0}; })""")
        assert len(boxes) >= 4
        assert all(b["w"] >= 24 and b["h"] >= 24 for b in boxes), boxes
        assert all(b["row"] >= 44 for b in boxes), boxes
        results = Axe().run(p, options={"runOnly": {"type": "rule", "values": ["target-size"]}})
        violations = results.response["violations"]
        assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in violations]
