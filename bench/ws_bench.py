"""What each wizard event costs at 1, 20 and 100 signed-in sessions, against a blank
Reflex app under the same load, over websockets without a browser.

    .venv/bin/python bench/ws_bench.py [--sessions 1,20,100] [--events 20] [--rounds 1]
        [--modes memory,redis] [--workers 2] [--kinds typing,next_empty,...]

For each mode it starts, on loopback, the portal's production build and the blank
counter app (bench/blank_app, same launcher and Reflex settings; in Redis mode both
use a private redis-server and --workers Granian workers), signs in the sessions
(server-side sessions written through the services; the cookie rides on the websocket
handshake as a browser's would) and gives each a complete visitor draft. Then, for each
session count and round, each event kind runs right after the blank app's own event
(`increment`) under the same load — interleaved, so both see the same machine — and
the table prints p50/p95 and the ratio of the p95s (target ≤ 1.2), and the server CPU
per event: the CPU time (schedstat, every thread of every process of the server's process
group) spent while each load ran, divided by its events — for the portal and the blank
app, with their ratio. Wall-clock p95 moves with whatever else the machine runs; the CPU
per event does not (it leaves out PostgreSQL's and Redis's own CPU).

Event kinds (the wizard's client step unless said):
  typing      set_value on a field
  next_empty  « Suivant » with a required field empty (errors, summary, focus)
  next_save   « Suivant » that saves the step and moves on (answer: delta + redirect)
  previous    « Précédent » (saves unchecked, redirect)
  on_load     a step's on_load chain as the browser triggers it on navigation
              (on_load_internal → enter_page → the wizard's load), alternating two steps
  fee         the fee selector (choose_fee: rules engine recomputes the summary)
  review      the review step's load
An event's latency runs from sending it to the last packet that answers it (a handler
that returns a redirect or a focus is answered by two packets in Reflex 0.10).
(The full-journey load of issue 15 — N representatives completing a visitor application
concurrently — is bench/journey_load.py.)
Everything is bounded: --max-minutes caps the whole run.

Measured on 2026-12-06 (2-core machine, --rounds 1 --events 20, Redis mode 2 Granian workers),
at 100 sessions, the same machine and the same day: before (commit 3d2b81d) and after the
wizard's hot paths were reworked (a0be3f2: « Suivant » checks the answers on a plain row read
before taking any lock; saves read and write the draft as one row, without the ORM object;
the Applicant rows are re-synced only when the people change; a read-only scope checks each
saved step once; the step pages run the page guard in their own on_load, one event instead
of two; the router is read once per handler) — p95 of the portal / of the blank app, and
server CPU per event (its ratio to the blank app's). Typing meets the 1.2× bar; no other
event kind does: their floor is the database round trips and the rules they run, against a
blank counter that does neither.

| mode | event | before: p95 portal / blank | before: CPU/event | after: p95 portal / blank | after: CPU/event |
|---|---|---|---|---|---|
| memory | typing | 83 / 45 ms = 1.84× | 0.58 ms (1.39×) | 61 / 59 ms = 1.04× | 0.50 ms (1.15×) |
| memory | next_empty | 431 / 40 ms = 10.87× | 2.93 ms (7.89×) | 209 / 57 ms = 3.68× | 1.58 ms (3.67×) |
| memory | next_save | 626 / 40 ms = 15.79× | 5.48 ms (13.08×) | 323 / 51 ms = 6.39× | 2.82 ms (6.74×) |
| memory | previous | 720 / 52 ms = 13.72× | 5.65 ms (12.17×) | 285 / 63 ms = 4.54× | 2.52 ms (5.63×) |
| memory | on_load | 569 / 97 ms = 5.89× | 4.14 ms (8.41×) | 330 / 71 ms = 4.69× | 2.54 ms (5.86×) |
| memory | fee | 327 / 64 ms = 5.09× | 2.60 ms (5.79×) | 175 / 42 ms = 4.22× | 1.58 ms (4.85×) |
| memory | review | 597 / 47 ms = 12.80× | 5.00 ms (13.61×) | 339 / 42 ms = 8.16× | 2.52 ms (6.95×) |
| redis | typing | 143 / 106 ms = 1.35× | 1.53 ms (1.39×) | 160 / 140 ms = 1.15× | 1.57 ms (1.21×) |
| redis | next_empty | 294 / 109 ms = 2.70× | 4.07 ms (3.13×) | 243 / 152 ms = 1.59× | 2.58 ms (2.03×) |
| redis | next_save | 452 / 91 ms = 4.99× | 6.58 ms (5.91×) | 364 / 116 ms = 3.13× | 4.31 ms (3.53×) |
| redis | previous | 451 / 138 ms = 3.26× | 6.52 ms (5.18×) | 282 / 118 ms = 2.38× | 3.45 ms (2.98×) |
| redis | on_load | 707 / 140 ms = 5.05× | 8.14 ms (6.34×) | 558 / 149 ms = 3.75× | 6.50 ms (4.60×) |
| redis | fee | 233 / 99 ms = 2.35× | 2.97 ms (2.87×) | 270 / 125 ms = 2.16× | 3.32 ms (2.71×) |
| redis | review | 532 / 142 ms = 3.74× | 5.30 ms (4.44×) | 269 / 120 ms = 2.23× | 3.83 ms (3.22×) |
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from servers import BlankServer, RedisServer, start_portal  # noqa: E402
from tests.resilience.servers import ON_LOAD, ROOT, WIZARD_STATE, make_reps, step_path  # noqa: E402
from tests.resilience.ws_client import Client, pct  # noqa: E402

BLANK_EVENT = ROOT + ".blank_app___blank_app____counter_state.increment"
ALL_KINDS = ["typing", "next_empty", "next_save", "previous", "on_load", "fee", "review"]


def group_cpu_ms(pgid: int) -> float:
    """CPU time (ms, nanosecond resolution from schedstat) of every thread of every process in
    the process group `pgid` — the server's supervisor and workers. Stable under contention,
    unlike wall-clock latency: it counts only the time the server itself ran."""
    import os

    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for tid in os.listdir(f"/proc/{pid}/task"):
                total += int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e6


def hydrated(upd: dict) -> bool:
    return (upd.get("delta") or {}).get(ROOT, {}).get("is_hydrated_rx_state_") is True


class Kind:
    """One event kind: how to put a session in place, then the event to repeat."""

    def __init__(self, name: str):
        self.name = name
        self.count = 1

    async def prepare(self, c: Client, rep) -> None:
        client_path = step_path("visitor_study_work:client", rep.app_id, client=1)
        if self.name in ("typing", "next_empty", "next_save", "previous"):
            await c.call(WIZARD_STATE + ".load", {}, path=client_path, packets=0)
            value = "" if self.name == "next_empty" else "Banc"
            await c.call(WIZARD_STATE + ".set_value", {"name": "family_name", "value": value}, packets=0)
            await c.sync()
        elif self.name == "fee":
            await c.call(WIZARD_STATE + ".load", {}, path=step_path("visitor_study_work:fees", rep.app_id), packets=0)
            await c.sync()
            rows = c.var("question_state", "fee_rows") or []
            codes = [o["code"] for o in (rows[0]["fee_options"] if rows else [])]
            self.fee_codes = codes

    async def calibrate(self, c: Client, rep) -> None:
        """How many packets answer this event, measured once on a quiet session (deltas are
        sent apart from the events a handler returns; a handler that changes nothing sends none)."""
        if self.name != "on_load":
            name, payload, path = self.event(rep, -1)
            await c.call(name, payload, path=path, packets=0)
            self.count = max(1, len(await c.sync()))

    def event(self, rep, n: int) -> tuple[str, dict, str | None]:
        client_path = step_path("visitor_study_work:client", rep.app_id, client=1)
        if self.name == "typing":
            return WIZARD_STATE + ".set_value", {"name": "given_names", "value": f"Prenom{n}"}, client_path
        if self.name in ("next_empty", "next_save"):
            return WIZARD_STATE + ".next_step", {}, client_path
        if self.name == "previous":
            return WIZARD_STATE + ".previous_step", {}, client_path
        if self.name == "on_load":
            page = "visitor_study_work:client" if n % 2 == 0 else "visitor_study_work:applicants"
            extra = {"client": 1} if page == "visitor_study_work:client" else {}
            return ON_LOAD, {}, step_path(page, rep.app_id, **extra)
        if self.name == "fee":
            codes = getattr(self, "fee_codes", []) or []
            if len(codes) > 1:
                return WIZARD_STATE + ".choose_fee", {"position": 1, "kind": "fee", "value": codes[n % len(codes)]}, None
            return (WIZARD_STATE + ".choose_fee",
                    {"position": 1, "kind": "bio_needed", "value": "yes" if n % 2 == 0 else "no"}, None)
        if self.name == "review":
            # A new address each time (the load keeps a step it has already loaded).
            return WIZARD_STATE + ".load", {}, step_path("visitor_study_work:review", rep.app_id, r=n)
        raise ValueError(self.name)

    async def fire(self, c: Client, rep, n: int) -> float:
        name, payload, path = self.event(rep, n)
        if self.name == "on_load":
            # The chain ends when the page is marked hydrated again.
            t0 = time.perf_counter()
            await c.send(name, payload, path)
            while True:
                upd = await c.next_update()
                if hydrated(upd):
                    return (time.perf_counter() - t0) * 1000.0
        ms, _ = await c.call(name, payload, path=path, packets=self.count)
        return ms


async def run_load(clients, fire_one, events: int, errors: list[str]) -> list[float]:
    """Every session fires `events` events one after the other, all sessions at once."""
    lat: list[float] = []

    async def one(i, c):
        for n in range(events):
            try:
                lat.append(await fire_one(i, c, n))
            except Exception as exc:  # noqa: BLE001
                errors.append(f"session {i} event {n}: {type(exc).__name__}: {exc}"[:200])
                return

    await asyncio.gather(*(one(i, c) for i, c in enumerate(clients)))
    return lat


async def bench_mode(mode: str, portal_url: str, blank_url: str, reps, args, results: list[dict],
                     portal_pgid: int = 0, blank_pgid: int = 0) -> None:
    for n_sessions in args.sessions:
        blank_clients = [Client(blank_url) for _ in range(n_sessions)]
        portal_clients = [Client(portal_url, cookie=reps[i].cookie) for i in range(n_sessions)]
        await asyncio.gather(*(c.open("/") for c in blank_clients))
        await asyncio.gather(*(c.open(step_path("visitor_study_work:client", reps[i].app_id, client=1))
                               for i, c in enumerate(portal_clients)))
        try:
            for rnd in range(args.rounds):
                for kind_name in args.kinds:
                    kind = Kind(kind_name)
                    errors: list[str] = []
                    await asyncio.gather(*(kind.prepare(c, reps[i]) for i, c in enumerate(portal_clients)))
                    await kind.calibrate(portal_clients[0], reps[0])

                    async def blank_one(i, c, n):
                        ms, _ = await c.call(BLANK_EVENT, {})
                        return ms

                    async def portal_one(i, c, n, kind=kind):
                        return await kind.fire(c, reps[i], n)

                    c0 = group_cpu_ms(blank_pgid) if blank_pgid else 0.0
                    b = await run_load(blank_clients, blank_one, args.events, errors)
                    c1 = group_cpu_ms(blank_pgid) if blank_pgid else 0.0
                    d0 = group_cpu_ms(portal_pgid) if portal_pgid else 0.0
                    p = await run_load(portal_clients, portal_one, args.events, errors)
                    d1 = group_cpu_ms(portal_pgid) if portal_pgid else 0.0
                    row = dict(mode=mode, sessions=n_sessions, round=rnd, kind=kind_name,
                               blank_p50=pct(b, 50), blank_p95=pct(b, 95), p50=pct(p, 50), p95=pct(p, 95),
                               blank_cpu=(c1 - c0) / max(1, len(b)), cpu=(d1 - d0) / max(1, len(p)),
                               count=len(p), expected=n_sessions * args.events, errors=len(errors),
                               error_samples=errors[:3])
                    results.append(row)
                    print(json.dumps(row), file=sys.stderr, flush=True)
        finally:
            await asyncio.gather(*(c.close() for c in blank_clients + portal_clients))


def print_table(results: list[dict]) -> None:
    """Medians over the rounds of p50/p95, and the ratio of the p95s."""
    groups: dict[tuple, list[dict]] = {}
    for r in results:
        groups.setdefault((r["mode"], r["sessions"], r["kind"]), []).append(r)

    def med(rows, key):
        vals = [r[key] for r in rows if r[key] is not None]
        return statistics.median(vals) if vals else float("nan")

    print(f"\n| mode | sessions | event | blank p50 | blank p95 | portal p50 | portal p95 | ratio p95 "
          f"| blank CPU/event | portal CPU/event | ratio CPU | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (mode, n, kind), rows in groups.items():
        bp95, pp95 = med(rows, "blank_p95"), med(rows, "p95")
        bcpu, pcpu = med(rows, "blank_cpu"), med(rows, "cpu")
        errs = sum(r["errors"] for r in rows) + sum(r["expected"] - r["count"] for r in rows if not r["errors"])
        print(f"| {mode} | {n} | {kind} | {med(rows, 'blank_p50'):.1f} | {bp95:.1f} | {med(rows, 'p50'):.1f} | "
              f"{pp95:.1f} | {pp95 / bp95:.2f}× | {bcpu:.2f} ms | {pcpu:.2f} ms | {pcpu / bcpu:.2f}× | {errs} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", default="1,20,100", help="comma-separated session counts")
    ap.add_argument("--events", type=int, default=20, help="events per session per kind")
    ap.add_argument("--rounds", type=int, default=1, help="rounds (the table shows medians)")
    ap.add_argument("--modes", default="memory,redis")
    ap.add_argument("--workers", type=int, default=2, help="Granian workers in Redis mode")
    ap.add_argument("--kinds", default=",".join(ALL_KINDS))
    ap.add_argument("--json", default="", help="also write every row to this file")
    ap.add_argument("--max-minutes", type=float, default=60)
    ap.add_argument("--portal-env", action="append", default=[], metavar="KEY=VALUE",
                    help="an extra environment variable for the portal (repeatable), e.g. to compare a setting")
    ap.add_argument("--profile", default="", help="sample the portal's workers (rar_app/sampler.py) into "
                    "PREFIX-<mode>.<pid>.json; read with bench/profile_report.py PREFIX-<mode>")
    args = ap.parse_args()
    import signal

    # A stopped bench stops its servers too (the finally blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.sessions = [int(x) for x in args.sessions.split(",") if x]
    args.kinds = [k for k in args.kinds.split(",") if k]
    unknown = set(args.kinds) - set(ALL_KINDS)
    if unknown:
        sys.exit(f"unknown kinds {sorted(unknown)}; known: {ALL_KINDS}")
    modes = [m for m in args.modes.split(",") if m]
    results: list[dict] = []
    redis = RedisServer().start() if "redis" in modes else None
    deadline = time.monotonic() + args.max_minutes * 60
    try:
        for i, mode in enumerate(modes):
            env = {}
            if mode == "redis":
                env = {"GRANIAN_WORKERS": str(args.workers)}
                portal_env = dict(env, RAR_REDIS_URL=f"{redis.url}/1")
                blank_env = dict(env, BLANK_REDIS_URL=f"{redis.url}/2")
            else:
                portal_env, blank_env = {"GRANIAN_WORKERS": "1"}, {"GRANIAN_WORKERS": "1"}
            portal_env.update(kv.split("=", 1) for kv in args.portal_env)
            if args.profile:
                portal_env["RAR_PROFILE_OUT"] = f"{args.profile}-{mode}"
            print(f"# {mode}: starting the blank app and the portal (production builds)…", file=sys.stderr, flush=True)
            blank = BlankServer(blank_env).start()
            portal = None
            try:
                portal = start_portal(f"wsbench-{mode}", portal_env)
                reps = make_reps(portal, max(args.sessions))
                remaining = deadline - time.monotonic()
                asyncio.run(asyncio.wait_for(bench_mode(mode, portal.base_url, blank.base_url, reps, args, results,
                                                        portal.proc.pid, blank.proc.pid),
                                             max(10.0, remaining)))
            finally:
                if portal:
                    portal.stop()
                blank.stop()
    finally:
        if redis:
            redis.stop()
        if args.json:
            Path(args.json).write_text(json.dumps({"rows": results}, indent=1))
    print(f"\nload: sessions {args.sessions}, {args.events} events a session a kind, {args.rounds} round(s); "
          f"Redis mode: {args.workers} workers; blank event = {BLANK_EVENT.rsplit('.', 1)[1]}, run just before each kind")
    print_table(results)


if __name__ == "__main__":
    main()
