"""Bytes transferred by the first load of a page (all resources, compressed as sent),
measured in Chromium through the DevTools protocol.

    .venv/bin/python bench/page_weight.py [BASE_URL] [PATH ...] [--resources] [--no-blank]

Starts a portal of its own (production build, demo data) when BASE_URL is omitted.
Then the sign-in page's time to hydrated (the page usable: `main[data-hydrated=true]`)
in 375 px mobile emulation with a 4× CPU slowdown, cold cache, median of 5 loads, and
the same for the blank Reflex app's first load (bench/blank_app, same build settings),
with the ratio (target: under 2 s on loopback)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, PortalServer, wait_ready  # noqa: E402

DEFAULT_PATHS = ["/fr/connexion", "/en/sign-in", "/fr/glossaire"]


def measure(base_url: str, paths: list[str], *, blank: bool = False) -> list[tuple[str, int, int, dict[str, int]]]:
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for path in paths:
            ctx = browser.new_context()  # a cold cache for each page
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            sizes: dict[str, int] = {}
            types: dict[str, str] = {}
            urls: dict[str, str] = {}
            cdp.on("Network.responseReceived", lambda e: (types.__setitem__(e["requestId"], e["type"]),
                                                          urls.__setitem__(e["requestId"], e["response"]["url"])))
            cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
            page.goto(base_url + path)
            if blank:
                page.wait_for_function(HYDRATED_JS)
            else:
                wait_ready(page, path.split("/")[1])
            page.wait_for_timeout(1000)
            by_type: dict[str, int] = {}
            for rid, size in sizes.items():
                kind = types.get(rid, "Other")
                by_type[kind] = by_type.get(kind, 0) + size
            js = by_type.get("Script", 0)
            if "--resources" in sys.argv:  # each resource, largest first
                for rid, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
                    print(f"    {size / 1024:7.1f} KB  {urls.get(rid, '?').replace(base_url, '')}")
            rows.append((path, sum(sizes.values()), js, by_type))
            ctx.close()
        browser.close()
    return rows


HYDRATED_JS = """() => { const m = document.querySelector('#main');
  return m && m.dataset.hydrated === 'true' ? performance.now() : false; }"""


def time_to_hydrated(base_url: str, path: str, *, runs: int = 5, width: int = 375, cpu_slowdown: float = 4) -> float:
    """Median milliseconds from navigation start to the page hydrated, cold cache each time."""
    import statistics

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                ctx = browser.new_context(viewport={"width": width, "height": 812}, device_scale_factor=2,
                                          is_mobile=True, has_touch=True)
                page = ctx.new_page()
                cdp = ctx.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
                page.goto(base_url + path, wait_until="commit")
                times.append(float(page.wait_for_function(HYDRATED_JS, timeout=60_000, polling=10).json_value()))
                ctx.close()
        finally:
            browser.close()
    return statistics.median(times)


def print_hydration(portal_url: str, portal_kb: float, with_blank: bool = True) -> None:
    portal_ms = time_to_hydrated(portal_url, "/fr/connexion")
    line = f"sign-in page, 375 px, CPU ×4 slower: hydrated in {portal_ms:.0f} ms (target < 2000 ms)"
    if with_blank:
        from servers import BlankServer

        blank = BlankServer().start()
        try:
            (_, blank_total, _, _), = measure(blank.base_url, ["/"], blank=True)
            blank_ms = time_to_hydrated(blank.base_url, "/")
        finally:
            blank.stop()
        print(f"blank Reflex app first load: {blank_total / 1024:.1f} KB (same server, same compression); "
              f"sign-in page {portal_kb:.1f} KB: ratio {portal_kb * 1024 / blank_total:.2f}× (target ≤ 1.2×)")
        line += f"; blank Reflex app {blank_ms:.0f} ms; ratio {portal_ms / blank_ms:.2f}×"
    print(line)


def main() -> None:
    server = None
    if len(sys.argv) > 1 and sys.argv[1].startswith("http"):
        base, paths = sys.argv[1].rstrip("/"), [a for a in sys.argv[2:] if not a.startswith("--")] or DEFAULT_PATHS
    else:
        server = PortalServer("bench").start()
        base, paths = server.base_url, [a for a in sys.argv[1:] if not a.startswith("--")] or DEFAULT_PATHS
    try:
        print(f"{'page':<28}{'total KB':>10}{'JS KB':>10}   by type (KB)")
        for path, total, js, by_type in (rows := measure(base, paths)):
            detail = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(by_type.items()))
            print(f"{path:<28}{total / 1024:>10.1f}{js / 1024:>10.1f}   {detail}")
        print("target: first page load under 200 KB transferred")
        print_hydration(base, rows[0][1] / 1024, with_blank="--no-blank" not in sys.argv)
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
