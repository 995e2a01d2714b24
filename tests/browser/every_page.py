"""Every registered page (rar_app/pages/registry.py PAGES) checked with axe-core, in one
language per test module (test_zz_every_page_axe_fr.py / _en.py, so that pytest-xdist can
run the two side by side), at 1280 px and again at 375 px without reloading. The axe rule
`target-size` (WCAG 2.5.8, 24 px targets; off by default in axe) is turned on.

Cheap and robust on purpose:
- the data every page needs is seeded once per module (about 5 s), through the services
  and the test helpers, in the portal's database: the demo world of `manage init`, plus for
  every program a complete draft (and drafts whose answers open its conditional steps), a
  signed and a paid application, invitations accepted in each pool (the applications they
  start), partial sign-in sessions; pages that need a query get a real object's id;
- signed-in contexts get a session cookie made by the sessions service (no sign-in pages);
- axe is injected by the context (an init script), runs on violations only;
- a fresh browser context every CHUNK pages, and each chunk is its own test (its own
  Chromium, under the conftest's watchdog);
- every problem of every page is collected, and the module's last test reports them all
  in one assertion message: page id, language, width, rule, targets."""

from __future__ import annotations

import collections
import dataclasses
import json
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlparse

from tests.browser.harness import portal_db

# Settled: `#main` says hydrated (Reflex flips it after the page's on_load events) and the
# page has not changed for QUIET_MS (events those handlers chained have arrived).
QUIET_MS = 120
SPENT: dict[str, float] = collections.defaultdict(float)  # seconds per phase, for the report
CHUNK = 30  # pages per browser context (one tab that visits too many pages grows and crashes)
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 740}

AXE_JS = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical' || v.id === 'landmark-unique')
    .map(v => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 6).map(n => n.target.join(' '))}));
}"""
# WCAG 2.5.8 taken strictly for the controls (issue 17, point 6): a radio, a checkbox, a
# button, a list box, a summary is at least 24 × 24 px (links in a sentence are exempt, as in
# 2.5.8; a control hidden for a styled stand-in, under 2 px, is skipped: the stand-in is checked).
SMALL_TARGETS = """() => {
  const sel = 'input[type=radio], input[type=checkbox], input[type=submit], input[type=button], button, select, '
    + 'summary, [role=button], [role=radio], [role=checkbox], [role=switch], [role=tab]';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || el.closest('[aria-hidden=true], [hidden], [inert]')) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    if (r.width < 24 || r.height < 24) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.type ? '[type=' + el.type + ']' : '');
      out.push(name + ' ' + Math.round(r.width) + '×' + Math.round(r.height));
    }
  }
  return out.slice(0, 8);
}"""
# Not an assertion: a page still changing after 8 s is checked as it is.
SETTLE = """([lang, quiet, limit]) => new Promise(resolve => {
  const start = performance.now();
  let last = performance.now();
  const obs = new MutationObserver(() => { last = performance.now(); });
  obs.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  const tick = () => {
    const now = performance.now();
    const main = document.querySelector('#main');
    const ready = document.documentElement.lang === lang && main && main.dataset.hydrated !== 'false';
    if ((ready && now - last >= quiet) || now - start > limit) { obs.disconnect(); resolve(ready); }
    else setTimeout(tick, 50);
  };
  tick();
})"""


@dataclasses.dataclass(frozen=True)
class Target:
    page_id: str
    role: str  # anonymous, representative, client, staff, admin, challenge, totp
    query: dict

    def path(self, lang: str) -> str:
        from rar_app import routes

        q = {k: v for k, v in self.query.items() if v not in (None, "")}
        return routes.url(self.page_id, lang) + ("?" + urlencode(q) if q else "")


ROLE_ORDER = ("anonymous", "challenge", "totp", "representative", "client", "staff", "admin")


def page_ids() -> list[str]:
    import rar_app.rar_app  # noqa: F401  (registers every page)
    from rar_app.pages.registry import PAGES

    return list(PAGES)


def role_of(page_id: str) -> str:
    from rar_app import routes

    route = routes.ROUTES[page_id]
    if page_id == "challenge":
        return "challenge"
    if page_id == "totp_verify":
        return "totp"
    if page_id == "totp_setup":
        return "representative"  # a signed-in account adds its second factor here
    if not route.protected:
        return "anonymous"
    return "representative" if "representative" in route.roles else route.roles[0]


def planned() -> list[tuple[str, str]]:
    """(role, page id) of every page, grouped by role: known at collection time."""
    ids = page_ids()
    return sorted(((role_of(p), p) for p in ids), key=lambda rp: (ROLE_ORDER.index(rp[0]), ids.index(rp[1])))


def chunks() -> list[list[tuple[str, str]]]:
    """The pages split in contexts of at most CHUNK pages, never mixing two roles."""
    out: list[list[tuple[str, str]]] = []
    for role, page_id in planned():
        if not out or len(out[-1]) >= CHUNK or out[-1][0][0] != role:
            out.append([])
        out[-1].append((role, page_id))
    return out


# --------------------------------------------------------------------------- the data


@dataclasses.dataclass
class Seed:
    accounts: dict[str, int]  # role -> account id
    queries: dict[str, dict]  # page id -> query
    notes: list[str]  # what could not be seeded (reported as problems)
    skipped: dict[str, str]  # page id -> why it cannot be shown today (said in the report)
    seconds: float = 0.0  # spent seeding


def _new_app(db, rep, kind: str, answers: dict, family: str, status: str = "draft") -> int:
    from rar_app.models import Application
    from rar_app.programs.engine import Context
    from rar_app.services.casework.answers import sync_rows

    app = Application(representative_id=rep.id, kind=kind, status="draft", client_file_number=f"AXE-{kind}"[:40],
                      wizard_data=json.dumps({"v": 1, "answers": answers}, ensure_ascii=False))
    db.add(app)
    db.flush()
    sync_rows(db, app, Context(date.today(), answers))  # the applicants, as the questionnaire makes them
    db.flush()
    return app.id


def _variants(program, today: date) -> list[dict]:
    """Answer sets of a program, the first complete, the others opening its conditional steps."""
    from tests.services.test_office_eta_ifhp import ETA_ANSWERS, IFHP_ANSWERS

    code = program.code
    if code == "eta":
        conditional = json.loads(json.dumps(ETA_ANSWERS))
        conditional["travel"]["citizenship"] = "BR"
        conditional["passport"]["nationality"] = conditional["passport"]["passport_country"] = "BR"
        conditional["conditional"] = {"held_visa_10y": "yes", "us_visa": "no"}
        unpaid = json.loads(json.dumps(ETA_ANSWERS))
        unpaid["representative"] = {"i_am": "parent", "relationship": "Mère", "rep_family_name": "Tremblay", "rep_email": "rep@example.invalid"}
        return [ETA_ANSWERS, conditional, unpaid]
    if code == "ifhp":
        return [IFHP_ANSWERS]
    maker = program.extra.get("demo_profiles")
    if not callable(maker):
        return []
    base = json.loads(json.dumps(maker(today)[0]))
    out = [base]
    if code == "express_entry":
        from rar_app.programs.express_entry import eligibility as el
        from rar_app.programs.express_entry import profile as pr

        later = date(today.year + 3, 1, 10).isoformat()
        base["ee_p_details"] = {"family_name": "Érable", "given_names": "Axe", "sex": pr.SEX[0].code,
                                "date_of_birth": base["ee_personal"]["date_of_birth"], "country_of_birth": "France",
                                "citizenship": "France"}
        base["ee_p_identity.1"] = {"doc_type": "passport", "number": "AB123456", "issuing_country": "France",
                                   "issued_on": "2022-01-10", "expires_on": later}
        base["ee_f_family"] = {"marital_status": "single", "children": "0"}
        base["ee_c_contact"] = {"email": "axe@example.invalid", "phone": "+1 514 555 0100",
                                "address": "1 rue Fictive, Montréal (Québec)", "language": "fr"}
        second = json.loads(json.dumps(base))
        second["ee_second_test"] = {"test": "tef"}
        second["ee_second_date"] = dict(base.get("ee_language_date") or {})
        second["ee_second_results"] = {"speaking": "400", "listening": "300", "reading": "300", "writing": "300"}
        spouse = json.loads(json.dumps(base))
        married = {"marital_status": "married", "spouse_citizen_or_pr": "no", "spouse_accompanying": "yes"}
        spouse["ee_personal"] = {**base["ee_personal"], **married}
        spouse["ee_f_family"] = {**married, "children": "0"}
        spouse["ee_spouse"] = spouse["ee_f_spouse"] = {"education": el.EDUCATION[0].code, "canadian_years": "0",
                                                       "tested": "no"}
        out += [second, spouse]
    if code == "iec":
        ro = json.loads(json.dumps(base))
        ro["organization"] = {"has_letter": "yes"}
        out.append(ro)
    return out


def _complete_copy(rep_id: int, make, status: str) -> tuple[int | None, str]:
    """A draft from `make()`, at the document checklist with every required document,
    then signed ("signed") and paid ("paid"). (id, what failed)."""
    from rar_app.db import session_scope
    from rar_app.models import Document
    from rar_app.services.casework import applications, submission
    from rar_app.services.casework.finish_views import FinishError
    from rar_app.services.money import payment_methods, payments
    from rar_app.services.money.payment_providers import DemoGateway

    app_id = make()
    try:
        applications.set_position(rep_id, app_id, "documents")
        with session_scope() as db:
            for entry in applications.document_checklist(rep_id, app_id):
                for item in entry["documents"]:
                    if item["required"]:
                        db.add(Document(owner_id=rep_id, application_id=app_id, applicant_id=entry["applicant_id"],
                                        slot_code=item["code"], original_name=f"{item['code']}.pdf",
                                        content_type="application/pdf", size_bytes=1234,
                                        storage_key="axe-" + __import__("secrets").token_hex(16)))
        if status in ("signed", "paid"):
            applications.mark_signed(rep_id, app_id)
        if status == "paid":
            year = str(date.today().year + 2)
            card = payment_methods.validate_card("Axe Érable", "4242 4242 4242 4242", "12", year, "123")
            try:
                payments.pay(rep_id, app_id, card, payments.new_idempotency_key(), provider=DemoGateway())
            except (payments.NothingToPay, FinishError):  # a program without fees (or none the rules know)
                submission.submit_free(rep_id, app_id)
                return app_id, "free"
    except Exception as exc:
        return app_id, f"{type(exc).__name__}: {exc}"
    return app_id, ""


def _fees_cents(rep_id: int, app_id: int) -> int:
    from rar_app.services.casework import submission

    try:
        return submission.view(rep_id, app_id).total_cents
    except Exception:
        return 0


def _reaches(rep_id: int, app_id: int, program, name: str, query: dict) -> bool:
    from rar_app.programs import engine
    from rar_app.services.casework import applications

    index = query.get("client")
    ref = engine.make_ref(name, index) if index else name
    try:
        applications.open_step(rep_id, app_id, ref)
        return True
    except Exception:
        return False


# Pages the seeded data does not open yet (said in the report, not checked).
NOT_SEEDED: dict[str, str] = {}

# The applications started from an invitation, answered step by step (ref, values).
CHILD_ANSWERS = {
    "express_entry_pr": [("pr_confirm", {"unchanged": "yes"}), ("pr_family", {"spouse_included": "no", "children": "0"}),
                         ("pr_history", {"police_countries": "France", "medical_done": "yes"})],
    "iec_permit": [("employment", {"employer_name": "Érablière Axe", "offer_number": "A1234567"}),
                   ("travel", {"intended_province": "qc", "insurance_confirmed": "yes", "biometrics_needed": "no"})],
}


def seed(portal) -> Seed:
    """The objects the pages show, in the running portal's database (a second call adds a
    second set)."""
    from sqlmodel import select

    from rar_app import rules
    from rar_app.db import session_scope
    from rar_app.models import Account, Applicant, Application, Client, Message
    from rar_app.programs import registry
    from rar_app.services.casework import applications
    from rar_app.services.office import pool_profile, pools
    from rar_app.services.office.demo import DEMO_ADMIN, DEMO_CLIENT, DEMO_STAFF, DEMO_USERNAME

    started = time.monotonic()
    notes: list[str] = []
    skipped: dict[str, str] = {}
    queries: dict[str, dict] = {}
    today = date.today()
    with portal_db(portal):
        from tests.services.test_office_eta_ifhp import make_submitted
        from tests.services.test_submission_drafts import make_draft

        with session_scope() as db:
            ids = {role: db.exec(select(Account.id).where(Account.username == name)).one()
                   for role, name in (("representative", DEMO_USERNAME), ("client", DEMO_CLIENT),
                                      ("staff", DEMO_STAFF), ("admin", DEMO_ADMIN))}
        rep_id = ids["representative"]
        default = registry.default()
        programs = registry.all_programs(include_test=False)
        # program code -> {"drafts": [ids: complete first, then variants], "signed", "paid", "submitted"}
        made: dict[str, dict] = {p.code: {"drafts": []} for p in programs}

        def vsw(status, n=[0]):
            n[0] += 1
            return lambda: make_draft(rep_id, [{"given": "Axe", "family": "Érable", "type": "study_permit",
                                                "biometrics": "standard"}], file_number=f"AXE-{n[0]}",
                                      upload=False).application_id

        def of(program, answers, family="Érable"):
            def make():
                with session_scope() as db:
                    return _new_app(db, db.get(Account, rep_id), program.code, answers, family)
            return make

        for program in programs:
            m = made[program.code]
            answers = _variants(program, today)
            if program.code == default.code:
                makers = [vsw("draft")]
                again = vsw
            elif answers:
                makers = [of(program, a) for a in answers]
                again = None
            else:
                continue  # a program started from another one's invitation (below)
            for i, make in enumerate(makers):
                app_id, failed = _complete_copy(rep_id, make, "draft") if i == 0 else (make(), "")
                m["drafts"].append(app_id)
                if failed:
                    notes.append(f"seed: {program.code} draft not complete ({failed})")
            first = makers[0] if again is None else again("x")
            # Pools: two more profiles submitted, for invitations to accept below.
            for status in ("signed", "paid") + (("paid", "paid") if program.extra.get("pool") else ()):
                app_id, failed = _complete_copy(rep_id, first if again is None else again(status), status)
                m.setdefault(status, app_id)
                if failed == "free":
                    m["free"] = True
                elif failed:
                    notes.append(f"seed: {program.code} not {status} ({failed})")
        with session_scope() as db:
            for program in programs:
                found = db.exec(select(Application.id).where(Application.representative_id == rep_id,
                                                             Application.kind == program.code,
                                                             Application.status == "submitted")
                                .order_by(Application.id)).first()
                if found:
                    made[program.code]["submitted"] = found
            houblon = db.exec(select(Applicant).join(Client, Applicant.client_id == Client.id)
                              .where(Client.family_name == "Houblon")).one()
            message = db.exec(select(Message.id).where(Message.account_id == rep_id, Message.application_id.is_(None))
                              .order_by(Message.id)).first()
        # Invitations accepted in every pool: the applications they allow (express_entry_pr,
        # iec_permit), answered through the questionnaire service, then a draft, a signed
        # and a paid one.
        for program in programs:
            spec = program.extra.get("pool")
            if spec is None:
                continue
            with session_scope() as db:
                profiles = list(db.exec(select(Application.id).where(
                    Application.representative_id == rep_id, Application.kind == program.code,
                    Application.status == "submitted").order_by(Application.id)))
            children: list[int] = []
            failure = "no profile"
            # Young professionals first: their work permit asks for the employer (one more page).
            streams = sorted((s.code for s in spec.streams), key=lambda c: not c.endswith("-YP"))
            for stream in (streams if spec.rounds_by_stream else [""]):
                try:
                    with session_scope() as db:
                        pools.run_round(db, spec, size=100_000, stream=stream, notify=False)
                except Exception as exc:
                    failure = f"{type(exc).__name__}: {exc}"
                for profile in profiles:
                    if len(children) < 3:
                        try:
                            children.append(pool_profile.accept(rep_id, profile))
                        except Exception as exc:
                            failure = f"{type(exc).__name__}: {exc}"
            if len(children) < 3:
                notes.append(f"seed: {len(children)} of 3 invitations accepted in the {program.code} pool ({failure})")
            for child, status in zip(children, ("draft", "signed", "paid")):
                with session_scope() as db:
                    kind = db.get(Application, child).kind
                for ref, raw in CHILD_ANSWERS.get(kind, ()):
                    try:
                        result = applications.save_step(rep_id, child, ref, raw)
                    except applications.Incomplete:  # a step that does not apply to this client
                        continue
                    if not result.ok:
                        notes.append(f"seed: {kind} step {ref} refused {result.problems}")
                app_id, failed = _complete_copy(rep_id, lambda c=child: c, status)
                if status == "draft":
                    made[kind]["drafts"].insert(0, app_id)
                else:
                    made[kind][status] = app_id
                if failed == "free":
                    made[kind]["free"] = True
                elif failed and status == "paid":  # known: the PR card payment fails (fees_unavailable)
                    made[kind]["free"] = f"not paid through the payments service ({failed})"
                elif failed:
                    notes.append(f"seed: {kind} not {status} ({failed})")

        for page_id in page_ids():
            code, sep, name = page_id.partition(":")
            program = registry.find(code) if sep else None
            if program is None:
                continue
            m = made[code]
            found = program.wizard_of(name)
            query: dict = {}
            if found:
                step = next(s for s in found[1].steps if s.id == name)
                if step.repeat is not None:
                    query["client"] = 1
                for app_id in m["drafts"]:
                    if _reaches(rep_id, app_id, program, name, query):
                        query["id"] = app_id
                        break
                else:
                    query["id"] = m["drafts"][0] if m["drafts"] else None
                    if name == "sds" and not any(rules.sds_open(c, today) for c in ("IN", "PH", "VN", "SN", "MA", "CN")):
                        skipped[page_id] = "the Student Direct Stream is closed on today's date"
            elif name.startswith("update:") or name == "submitted":
                query["id"] = m.get("submitted") or m.get("paid")
                if name == "submitted" and not m.get("submitted") and isinstance(m.get("free"), str):
                    skipped[page_id] = m["free"]
            elif name == "receipt":
                query["id"] = m.get("paid")
                if m.get("free"):
                    skipped[page_id] = m["free"] if isinstance(m["free"], str) else \
                        "submitted without a card payment (no fee, or none the fee rules know)"
            elif name in ("checklist", "signature", "payment"):
                query["id"] = m.get("signed")
                if name == "payment" and m.get("signed") and _fees_cents(rep_id, m["signed"]) <= 0:
                    skipped[page_id] = "nothing to pay: the signature page submits"
            elif name in ("intro", "landing"):
                pass
            else:
                query["id"] = m["drafts"][0] if m["drafts"] else None
            queries[page_id] = query
            if page_id in NOT_SEEDED:
                skipped[page_id] = NOT_SEEDED[page_id]
    ee = made.get("express_entry", {}).get("submitted")
    queries.update({
        "application_status": {"n": houblon.application_number},
        "application_view": {"n": houblon.application_number},
        "file_history": {"id": houblon.application_id},
        "backoffice_application": {"id": houblon.application_id},
        "account_message": {"id": message},
        "pool_status": {"id": ee},
    })
    return Seed(ids, queries, notes, skipped, time.monotonic() - started)


def session_cookie(portal, role: str, account_ids: dict[str, int]) -> str | None:
    """A session token for `role` (challenge/totp: a sign-in stopped at that step)."""
    from rar_app.db import session_scope
    from rar_app.models import Account
    from rar_app.services.identity import sessions

    if role == "anonymous":
        return None
    with portal_db(portal), session_scope() as db:
        if role == "challenge":
            return sessions.create(db, db.get(Account, account_ids["representative"]), stage="challenge",
                                   challenge_position=1)
        if role == "totp":
            return sessions.create(db, db.get(Account, account_ids["staff"]), stage="totp")
        return sessions.create(db, db.get(Account, account_ids[role]))


# --------------------------------------------------------------------------- the sweep


def sweep(browser, portal, seeded: Seed, lang: str, pages: list[tuple[str, str]]) -> tuple[list[str], float]:
    """axe on each page of one chunk (one role) in one fresh context. Returns the problems
    and the seconds spent."""
    from rar_app.services.identity.sessions import COOKIE_NAME

    started = time.monotonic()
    role = pages[0][0]
    problems: list[str] = []
    context = browser.new_context(viewport=WIDE)
    context.add_init_script(path=str(AXE_JS))
    token = session_cookie(portal, role, seeded.accounts)
    if token:
        context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": portal.base_url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        for _role, page_id in pages:
            if page_id in seeded.skipped:
                continue
            target = Target(page_id, role, seeded.queries.get(page_id, {}))
            path = target.path(lang)
            where = f"{page_id} [{lang}] {path}"
            errors.clear()
            page.set_viewport_size(WIDE)
            t0 = time.monotonic()
            try:
                page.goto(portal.url(path), wait_until="domcontentloaded")
                t1 = time.monotonic()
                ready = page.evaluate(SETTLE, [lang, QUIET_MS, 8000])
            except Exception as exc:  # a page that does not load is a finding, not the end of the sweep
                problems.append(f"{where}: did not load ({type(exc).__name__}: {str(exc).splitlines()[0]})")
                continue
            t2 = time.monotonic()
            SPENT["load"] += t1 - t0
            SPENT["settle"] += t2 - t1
            landed = urlparse(page.url).path
            if landed.rstrip("/") != urlparse(path).path.rstrip("/"):
                problems.append(f"{where}: not reached, landed on {landed}")
                continue
            if not ready:
                problems.append(f"{where}: not hydrated after 8 s")
            for width, size in ((1280, WIDE), (375, NARROW)):
                if width == 375:
                    page.set_viewport_size(size)
                    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                t3 = time.monotonic()
                for v in page.evaluate(AXE_RUN):
                    problems.append(f"{where} @{width}px: {v['id']} ({v['impact']}) {v['targets']}")
                small = page.evaluate(SMALL_TARGETS)
                if small:
                    problems.append(f"{where} @{width}px: target under 24 px {small}")
                SPENT[f"axe {width}"] += time.monotonic() - t3
            for error in errors:
                problems.append(f"{where}: JavaScript error {error.splitlines()[0]}")
    finally:
        context.close()
    return problems, time.monotonic() - started


def report(lang: str, parts: list, found: dict[int, list[str]], times: dict[int, float], seeded: Seed) -> None:
    """One assertion for the whole language: every part ran, and nothing was found."""
    import sys

    missing = [n for n in range(len(parts)) if n not in found]
    pages = sum(len(p) for p in parts)
    sys.stderr.write(f"\nevery page axe [{lang}]: {pages} pages in {len(parts)} contexts, "
                     f"seeded in {seeded.seconds:.0f} s, {sum(times.values()):.0f} s in the browser ({', '.join(f'{t:.0f}' for t in times.values())})\n")
    sys.stderr.write("  seconds per phase: " + ", ".join(f"{k} {v:.0f}" for k, v in SPENT.items()) + "\n")
    for page_id, why in seeded.skipped.items():
        sys.stderr.write(f"  not checked: {page_id} ({why})\n")
    problems = list(seeded.notes) + [p for n in sorted(found) for p in found[n]]
    if missing:
        problems.insert(0, f"parts that did not run (or failed): {missing}")
    assert not problems, f"{len(problems)} problem(s) on the {pages} pages in {lang}:\n" + "\n".join(problems)
