"""Search of submitted applications at 100,000 applications, on SQLite and PostgreSQL.

    .venv/bin/python bench/search_bench.py [--rows 100000] [--runs 30] [--only sqlite|postgresql]

Builds a scratch database per engine (a temporary SQLite file; a scratch PostgreSQL
database on 127.0.0.1:5432, user postgres, trust auth — created and dropped), migrates
it with Alembic, loads `--rows` submitted applications of one representative (one
applicant and one client each; another representative holds 10 % more, so the access
rule has something to filter out), then times `services.search.search` — the call the
search page makes — for each kind of criterion, first page (with the total, counted up
to search.COUNT_CAP: "1,000+") and a deep page reached by keyset cursor. Prints median
and 95th percentile in milliseconds.
No assertion: figures only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from rar_app import migrate  # noqa: E402
from rar_app.db import make_engine, session_scope  # noqa: E402
from rar_app.models import Account, Applicant, Application, Client, name_key, uci_key  # noqa: E402
from rar_app.services.office import search  # noqa: E402
from rar_app.services.office.search import SearchCriteria  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TYPES = ["visitor_visa", "study_permit", "work_permit", "open_work_permit"]
LETTER = {"visitor_visa": "V", "study_permit": "S", "work_permit": "W", "open_work_permit": "W"}
SYLLABLES = ["ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi", "zo", "mar", "len",
             "tin", "bou", "cha", "dré", "gné", "lié", "ro", "qu"]
GIVEN = ["Anne", "Luc", "Inès", "Omar", "Zoé", "Noah", "Léa", "Amir", "Maya", "Paul", "Chloé", "Kenji"]


def load(engine, rows: int, seed: int = 7) -> tuple[int, dict]:
    """Insert the accounts and `rows` (+10 %) applications; returns the representative's id
    and sample values to search for."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        rep = conn.execute(insert(Account).values(role="representative", status="active", username="bench.rep",
                                                  email="bench@example.invalid").returning(Account.id)).scalar_one()
        other = conn.execute(insert(Account).values(role="representative", status="active", username="bench.other",
                                                    email="other@example.invalid").returning(Account.id)).scalar_one()
    total = rows + rows // 10
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    numbers = rng.sample(range(10**8, 10**9), total)
    ucis = rng.sample(range(10**9), total)
    samples: dict = {}
    batch = 5000
    t0 = time.perf_counter()
    for offset in range(0, total, batch):
        n = min(batch, total - offset)
        clients, apps = [], []
        kinds = []
        for i in range(offset, offset + n):
            owner = rep if i < rows else other
            family = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
            given = rng.choice(GIVEN)
            uci = f"{ucis[i]:010d}"
            uci_text = f"{uci[:2]}-{uci[2:6]}-{uci[6:]}"
            kind = rng.choice(TYPES)
            kinds.append(kind)
            submitted = start + timedelta(seconds=rng.randrange(0, 2 * 365 * 86400))
            clients.append(dict(representative_id=owner, family_name=family, given_names=given,
                                date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(0, 20000)),
                                uci=uci_text, family_name_key=name_key(family), uci_key=uci_key(uci_text),
                                created_at=submitted))
            apps.append(dict(representative_id=owner, kind="visitor_study_work", status="submitted",
                             client_file_number=f"F-{i:07d}", wizard_step="", wizard_data="{}", is_paper=False,
                             created_at=submitted, updated_at=submitted, submitted_at=submitted))
        with engine.begin() as conn:
            client_ids = list(conn.execute(insert(Client).returning(Client.id, sort_by_parameter_order=True),
                                           clients).scalars())
            app_ids = list(conn.execute(insert(Application).returning(Application.id, sort_by_parameter_order=True),
                                        apps).scalars())
            applicants = [dict(application_id=a, position=1, client_id=c, application_type=k, is_minor=False,
                               sds=False, fee_option="standard", biometrics_option="standard",
                               application_number=f"{LETTER[k]}{numbers[offset + j]}", status="in_review",
                               processing_step="review", date_received=apps[j]["submitted_at"].date(),
                               biometrics_status="completed")
                          for j, (a, c, k) in enumerate(zip(app_ids, client_ids, kinds))]
            conn.execute(insert(Applicant), applicants)
        if offset <= rows // 2 < offset + n:  # one of the representative's files, mid-way
            j = rows // 2 - offset
            samples.update(number=applicants[j]["application_number"], family=clients[j]["family_name"],
                           uci=clients[j]["uci"], file=apps[j]["client_file_number"])
    with engine.begin() as conn:  # planner statistics, as a running database would have
        conn.execute(text("ANALYZE"))
    samples["load_s"] = time.perf_counter() - t0
    return rep, samples


def timed(fn, runs: int) -> tuple[float, float, object]:
    out = None
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], out


def bench(engine, label: str, rows: int, runs: int) -> None:
    rep, s = load(engine, rows)
    print(f"\n{label}: {rows:,} applications of one representative (+{rows // 10:,} of another), "
          f"loaded in {s['load_s']:.1f} s")
    print(f"  {'query':52} {'median ms':>10} {'p95 ms':>9} {'rows':>6} {'total':>8}")

    def run(criteria: SearchCriteria, after: str | None = None, with_total: bool = True):
        with session_scope(engine) as db:
            return search.search(db, rep, criteria, after=after, with_total=with_total)

    # A cursor 50 pages deep (page 51), reached the way the page reaches it.
    cursor = None
    for _ in range(50):
        cursor = run(SearchCriteria(), cursor, with_total=False).next_cursor
    cases = [
        ("all, first page + total (Rechercher toutes les demandes)", SearchCriteria(), None, True),
        ("all, first page, no total", SearchCriteria(), None, False),
        ("all, page 51 by keyset cursor", SearchCriteria(), cursor, False),
        ("application number", SearchCriteria(application_number=s["number"]), None, True),
        ("client family name (prefix, accents ignored)", SearchCriteria(family_name=s["family"][:5]), None, True),
        ("family name + given names", SearchCriteria(family_name=s["family"], given_names="a"), None, True),
        ("UCI", SearchCriteria(uci=s["uci"]), None, True),
        ("client file number", SearchCriteria(client_file_number=s["file"]), None, True),
        ("category alone, first page + total", SearchCriteria(category="study_permit"), None, True),
        ("category alone, first page, no total", SearchCriteria(category="study_permit"), None, False),
    ]
    for name, criteria, after, with_total in cases:
        med, p95, page = timed(lambda: run(criteria, after, with_total), runs)
        total = "" if page.total is None else f"{page.total:,}" + ("+" if page.total_capped else "")
        print(f"  {name:52} {med:10.2f} {p95:9.2f} {len(page.rows):6d} {total:>8}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()

    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            migrate.upgrade(url)
            engine = make_engine(url)
            try:
                bench(engine, "SQLite (WAL, file in a temporary folder)", args.rows, args.runs)
            finally:
                engine.dispose()

    if args.only in (None, "postgresql"):
        name = f"rar_search_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:  # noqa: BLE001
            print(f"\nPostgreSQL: not reachable at 127.0.0.1:5432 ({type(exc).__name__}); skipped")
            return 0
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
        try:
            migrate.upgrade(url)
            engine = make_engine(url)
            try:
                version = engine.connect().execute(text("show server_version")).scalar()
                bench(engine, f"PostgreSQL {version} (127.0.0.1, scratch database {name})", args.rows, args.runs)
            finally:
                engine.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
