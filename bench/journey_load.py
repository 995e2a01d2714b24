"""Full-journey load (issue 15): N representatives each complete a visitor application at
the same time, over websockets without a browser, against the portal's production build
in Redis mode with several Granian workers.

    .venv/bin/python bench/journey_load.py [--reps 100] [--workers 2] [--max-minutes 10]

Each simulated representative (a signed-in session: its cookie rides on the websocket
handshake, as a browser's does) goes through every page as the browser would, sending
the handlers the pages wire and following each « Suivant »'s redirect with the next
page's on_load chain:
  the file number (new application) → number of applicants → the client's questions
  (the date in three boxes) → the client's documents → fees (the fee selector's
  choices) → review « Continuer » → document checklist: each required document through
  Reflex's real upload endpoint (POST /_upload, headers reflex-client-token and
  reflex-event-handler, the slot in __reflex_event_args, exactly as rx.upload_files
  sends it) after the drop zone's begin_upload → « Continuer » → declaration (consent,
  names, security answer) « Signer » → personal checklist « Continuer » → Signature
  « Transmettre et payer » → payment page (its attempt key) « Traiter la transaction »
  with the demo gateway's approved card → receipt.
Then it prints: errors (must be 0), lost answers (every answer each client sent and saw
saved — its « Suivant » moved on — compared with what the database holds afterwards, and
every upload the portal answered compared with the documents recorded: must be 0),
applications submitted,
and p50/p95 per event kind (from sending an event to its last answer; a navigation is
timed to the page's hydrated flag). Bounded: --max-minutes stops the run.

Measured on 2026-12-05 on the shared 2-core machine (other engineers' builds and browser
tests beside it: load average 5–10), Redis mode, 2 Granian workers, one French visitor-visa
client per application (6 required documents), p50 / p95 in ms:

| event                                  | 20 reps (13 s)  | 100 reps (56 s)  |
|----------------------------------------|-----------------|------------------|
| first page (connect, hydrate, on_load) |    364 /   368  |   2110 /  2179   |
| typing (set_value)                     |     18 /    42  |     75 /   231   |
| « Suivant »                            |     62 /   136  |    442 /   756   |
| navigation (on_load)                   |    182 /  1413  |   1036 /  3268   |
| fee selector (choose_fee)              |     55 /   108  |    133 /   570   |
| « Continuer »                          |     60 /   318  |    232 /  1529   |
| begin_upload                           |     42 /    90  |    135 /   695   |
| upload (POST /_upload)                 |    277 /  1241  |   1462 /  6351   |
| declaration (typing)                   |     42 /   987  |    301 /  2502   |
| « Signer »                             |    987 /  1949  |   1520 /  3309   |
| « Transmettre et payer »               |     61 /   534  |    237 /  2559   |
| « Traiter la transaction »             |     85 /   348  |    264 /   750   |
Both runs: errors 0, lost answers 0, every application submitted (20/20, 100/100), every
upload recorded (120, 600). « Signer » verifies the security answer against its Argon2 hash."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.resilience.servers import ON_LOAD, ROOT, WIZARD_STATE, RedisServer, make_reps, start_portal  # noqa: E402
from tests.resilience.ws_client import SYNC, Client, pct  # noqa: E402

SIGN_STATE = ROOT + ".rar_app___state___program_sign____finish_sign_state"
PAY_STATE = ROOT + ".rar_app___state___program_payment____finish_pay_state"
DOCS_STATE = ROOT + ".rar_app___state___documents____documents_state"
PROGRAM = "visitor_study_work"
SECURITY_ANSWER = "Mistigri"  # tests/services/test_submission_drafts.py: every test representative's answer
CARD = {"card-holder": "Banc Demo", "card-number": "4242 4242 4242 4242", "card-expiry-month": "12",
        "card-expiry-year": str(time.gmtime().tm_year + 2), "card-security-code": "123"}


def sent_answers(i: int, tag: str) -> dict[str, dict[str, str]]:
    """What representative `i` types, by step reference (the questionnaire's field names)."""
    return {
        "file_number": {"file_number": f"JRN-{tag}-{i}"},
        "applicants": {"count": "1"},
        "client.1": {"family_name": f"Voyage{i}", "given_names": f"Amina{i}", "date_of_birth-day": str(1 + i % 28),
                     "date_of_birth-month": str(1 + i % 12), "date_of_birth-year": str(1970 + i % 30),
                     "country": "SN", "application_type": "visitor_visa", "minor": "no"},
    }


def expected_saved(answers: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The same answers as the database stores them (the date as one ISO value)."""
    out = {ref: dict(v) for ref, v in answers.items()}
    c = out["client.1"]
    c["date_of_birth"] = f"{int(c.pop('date_of_birth-year')):04d}-{int(c.pop('date_of_birth-month')):02d}-" \
                         f"{int(c.pop('date_of_birth-day')):02d}"
    return out


class Journey:
    """One representative's session, timing every event by kind."""

    def __init__(self, base_url: str, rep, i: int, tag: str, timings: dict[str, list[float]]):
        self.c = Client(base_url, cookie=rep.cookie, timeout=120)
        self.rep, self.i, self.timings = rep, i, timings
        self.answers = sent_answers(i, tag)
        self.app_id = 0
        self.uploaded: list[str] = []
        self.saved_refs: list[str] = []  # the steps whose « Suivant » was answered by the next page
        self.submitted = False

    def _t(self, kind: str, ms: float) -> None:
        self.timings.setdefault(kind, []).append(ms)

    async def event(self, kind: str, name: str, payload: dict | None = None) -> list[dict]:
        """Send one event and a marker behind it (one session's events run in order): the
        event's answers are those before the marker's. Times to its last answer."""
        c = self.c
        c.browser_events.clear()
        t0 = time.perf_counter()
        await c.send(name, payload or {})
        await c.send(SYNC, {"value": True})
        got, t_last = [], None
        while True:
            item = await asyncio.wait_for(c.updates.get(), c.timeout)
            if isinstance(item, Exception):
                c.updates.put_nowait(item)
                raise item
            t, upd = item
            if (upd.get("delta") or {}) == {ROOT: {"is_hydrated_rx_state_": True}} and not upd.get("events"):
                break
            got.append(upd)
            t_last = t
        self._t(kind, ((t_last or time.perf_counter()) - t0) * 1000.0)
        return got

    def redirect(self) -> str | None:
        paths = [e["payload"]["path"] for e in self.c.browser_events if e.get("name") == "_redirect"]
        return paths[-1] if paths else None

    async def navigate(self, path: str) -> None:
        """A client-side navigation: the new page's on_load chain, up to its hydrated flag."""
        c = self.c
        c.path = path
        t0 = time.perf_counter()
        await c.send(ON_LOAD, {}, path)
        while True:
            upd = await c.next_update()
            await c._follow(upd)
            if (upd.get("delta") or {}).get(ROOT, {}).get("is_hydrated_rx_state_") is True:
                break
        self._t("navigation (on_load)", (time.perf_counter() - t0) * 1000.0)
        await c.sync()

    async def next_to(self, kind: str, name: str, payload: dict | None = None, *, expect: str = "") -> str:
        """Press a button that saves and moves on; follow its redirect."""
        await self.event(kind, name, payload)
        target = self.redirect()
        if not target or (expect and expect not in target):
            errors = self.c.var("question_state", "errors") or self.c.var("finish_sign_state", "errors") \
                or self.c.var("finish_pay_state", "errors")
            raise AssertionError(f"{name.rsplit('.', 1)[1]}: no redirect to {expect or 'the next page'} "
                                 f"(got {target}); errors {errors}")
        if "id=" in target and not self.app_id:
            self.app_id = int(target.split("id=")[1].split("&")[0])
        await self.navigate(target)
        return target

    async def fill(self, ref: str) -> None:
        for name, value in self.answers[ref].items():
            await self.event("typing (set_value)", WIZARD_STATE + ".set_value", {"name": name, "value": value})

    async def upload(self, http, slot_code: str) -> None:
        from tests.fixtures.documents import samples

        await self.event("begin_upload", DOCS_STATE + ".begin_upload", {"slot_code": slot_code})
        body = samples.pdf(marker=f"journey-{self.i}-{slot_code}")
        t0 = time.perf_counter()
        resp = await http.post(
            self.c.base_url + "/_upload",
            headers={"reflex-client-token": self.c.token, "reflex-event-handler": DOCS_STATE + ".upload",
                     "Cookie": self.rep.cookie},
            files=[("files", (f"{slot_code}.pdf", body, "application/pdf"))],
            data={"__reflex_event_args": json.dumps({"slot_code": slot_code})})
        self._t("upload (POST /_upload)", (time.perf_counter() - t0) * 1000.0)
        if resp.status_code != 200:
            raise AssertionError(f"upload {slot_code}: HTTP {resp.status_code} {resp.text[:200]}")
        for line in resp.text.splitlines():  # the handler's deltas, as the browser merges them
            if line.strip():
                for st, vars_ in (json.loads(line).get("delta") or {}).items():
                    self.c.state.setdefault(st, {}).update(vars_)
        self.uploaded.append(slot_code)

    async def run(self, http, first_path: str) -> None:
        c = self.c
        self._t("first page (connect, hydrate, on_load)", await c.open(first_path))
        # Questionnaire: every step with « Suivant ».
        await self.fill("file_number")
        await self.next_to("« Suivant »", WIZARD_STATE + ".next_step", expect="id=")
        self.saved_refs.append("file_number")
        await self.fill("applicants")
        await self.next_to("« Suivant »", WIZARD_STATE + ".next_step", expect="client=1")
        self.saved_refs.append("applicants")
        await self.fill("client.1")
        await self.next_to("« Suivant »", WIZARD_STATE + ".next_step")  # to the client's documents
        self.saved_refs.append("client.1")
        await self.next_to("« Suivant »", WIZARD_STATE + ".next_step")  # to the fees
        await self.event("fee selector (choose_fee)", WIZARD_STATE + ".choose_fee",
                         {"position": 1, "kind": "fee", "value": "standard"})
        await self.event("fee selector (choose_fee)", WIZARD_STATE + ".choose_fee",
                         {"position": 1, "kind": "bio_needed", "value": "no"})
        await self.next_to("« Suivant »", WIZARD_STATE + ".next_step")  # the review
        await self.next_to("« Continuer »", WIZARD_STATE + ".continue_after_review")
        # Document checklist: every required document of the client, through /_upload.
        slots = [s for s in (c.var("documents_state", "slots") or []) if s.get("required")]
        if not slots:
            raise AssertionError("the document checklist shows no required document")
        for s in slots:
            await self.upload(http, s["slot_code"])
        await self.next_to("« Continuer »", SIGN_STATE + ".continue_documents")
        # Declaration and signature.
        await self.event("declaration (typing)", SIGN_STATE + ".set_consent", {"name": "agree", "value": "yes"})
        await self.event("declaration (typing)", SIGN_STATE + ".set_given_names", {"value": f"Rep{self.i}"})
        await self.event("declaration (typing)", SIGN_STATE + ".set_family_name", {"value": "Banc"})
        await self.next_to("« Signer »", SIGN_STATE + ".sign", {"form": {"answer": SECURITY_ANSWER}})
        await self.next_to("« Continuer »", SIGN_STATE + ".go", {"name": "signature"}, expect="signature")
        await self.next_to("« Transmettre et payer »", PAY_STATE + ".transmit")
        key = c.var("finish_pay_state", "attempt_key")
        if not key:
            raise AssertionError("the payment page issued no attempt key")
        await self.next_to("« Traiter la transaction »", PAY_STATE + ".pay_card",
                           {"form": dict(CARD, attempt_key=key)})
        self.submitted = True
        await c.close()


def check_database(portal, journeys: list[Journey]) -> tuple[int, int, int, list[str]]:
    """(lost answers, submitted applications, uploaded documents recorded, samples of what
    was lost), read straight from the application rows the portal wrote."""
    from sqlmodel import func, select

    from tests.browser.harness import portal_db

    lost, submitted, documents, samples_ = 0, 0, 0, []
    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Application, Document

        with session_scope() as db:
            for j in journeys:
                sent = {ref: v for ref, v in expected_saved(j.answers).items() if ref in j.saved_refs}
                app = db.get(Application, j.app_id) if j.app_id else None
                if app is None or app.representative_id != j.rep.account_id:
                    lost += sum(len(v) for v in sent.values())
                    if sent:
                        samples_.append(f"rep {j.i}: no application")
                    continue
                submitted += app.status == "submitted"
                data = json.loads(app.wizard_data or "{}").get("answers") or {}
                data.setdefault("file_number", {}).setdefault("file_number", app.client_file_number)
                for ref, values in sent.items():
                    saved = data.get(ref) or {}
                    for name, value in values.items():
                        if str(saved.get(name)) != value:
                            lost += 1
                            samples_.append(f"rep {j.i} {ref}.{name}: sent {value!r}, saved {saved.get(name)!r}")
                recorded = db.exec(select(func.count()).select_from(Document).where(
                    Document.application_id == app.id)).one()
                documents += recorded
                if recorded < len(j.uploaded):
                    lost += len(j.uploaded) - recorded
                    samples_.append(f"rep {j.i}: {len(j.uploaded)} uploaded, {recorded} recorded")
    return lost, submitted, documents, samples_[:5]


def first_page() -> str:
    """The new application's first step (French)."""
    import rar_app.pages  # noqa: F401  (registers the routes; slow: builds every page's module)
    from rar_app import routes
    from rar_app.programs import registry

    program = registry.get(PROGRAM)
    return routes.url(program.page_id(program.first_step()), "fr")


async def run_all(portal, reps, args, tag: str,
                  first: str) -> tuple[list[Journey], dict[str, list[float]], list[str]]:
    import httpx

    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    journeys = [Journey(portal.base_url, rep, i, tag, timings) for i, rep in enumerate(reps)]
    sem = asyncio.Semaphore(args.concurrency or len(journeys))

    async def one(j: Journey) -> None:
        async with sem:
            try:
                await j.run(http, first)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"rep {j.i} (app {j.app_id}): {type(exc).__name__}: {exc}"[:300])
                await j.c.close()

    limits = httpx.Limits(max_connections=len(journeys) + 5)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        await asyncio.gather(*(one(j) for j in journeys))
    return journeys, timings, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=100, help="simulated representatives, all at once")
    ap.add_argument("--workers", type=int, default=2, help="Granian workers (Redis mode)")
    ap.add_argument("--concurrency", type=int, default=0, help="at most this many journeys at a time (0: all)")
    ap.add_argument("--max-minutes", type=float, default=10)
    args = ap.parse_args()
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    redis = RedisServer().start()
    portal = None
    started = time.monotonic()
    try:
        print(f"# starting the portal (production build, Redis mode, {args.workers} workers)…", file=sys.stderr,
              flush=True)
        portal = start_portal("journey", {"RAR_REDIS_URL": f"{redis.url}/0", "GRANIAN_WORKERS": str(args.workers)})
        reps = make_reps(portal, args.reps, drafts=False, prefix="journey")
        tag = uuid.uuid4().hex[:6]
        first = first_page()
        t0 = time.perf_counter()
        budget = max(10.0, args.max_minutes * 60 - (time.monotonic() - started))
        try:
            journeys, timings, errors = asyncio.run(asyncio.wait_for(run_all(portal, reps, args, tag, first), budget))
        except asyncio.TimeoutError:
            sys.exit(f"stopped: over --max-minutes {args.max_minutes}")
        wall = time.perf_counter() - t0
        lost, submitted, documents, lost_samples = check_database(portal, journeys)
    finally:
        if portal:
            portal.stop()
        redis.stop()
    print(f"\n{args.reps} representatives at once, Redis mode, {args.workers} Granian workers; "
          f"journeys took {wall:.0f} s in all")
    print(f"errors: {len(errors)}")
    for e in errors[:5]:
        print("  ", e)
    print(f"lost answers: {lost}")
    for s in lost_samples:
        print("  ", s)
    print(f"submitted applications: {submitted} of {args.reps}; documents recorded: {documents}")
    print("\n| event | count | p50 ms | p95 ms |\n|---|---|---|---|")
    for kind, values in timings.items():
        print(f"| {kind} | {len(values)} | {pct(values, 50):.0f} | {pct(values, 95):.0f} |")
    if errors or lost or submitted != args.reps:
        sys.exit(1)


if __name__ == "__main__":
    main()
