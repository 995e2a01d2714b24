"""Benchmark: score a synthetic pool of 250,000 CRS profiles on one core and print profiles per second.

    /work/main/.venv/bin/python bench/crs_bench.py [--n 250000] [--date 2026-01-15] [--check 2000]

The pool is generated first (seeded, not timed); then ``crs_batch`` scores it (timed, with the one-off compilation
of the date's tables included). A random sample is re-scored with the explaining scalar ``crs()`` and must give
identical totals. Prints figures only; never asserted on time in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rar_app.rules import crs, crs_batch  # noqa: E402
from rar_app.rules.common import EDUCATION_LEVELS  # noqa: E402
from rar_app.rules.crs_batch import compile_crs  # noqa: E402

CAN_EDU = ("none", "none", "none", "one_or_two_year", "three_year_or_more")


def _levels(rng: random.Random, language: str | None) -> dict:
    base = rng.randint(4, 10)
    d = {a: max(0, min(12, base + rng.randint(-2, 2))) for a in ("speaking", "listening", "reading", "writing")}
    if language:
        d["language"] = language
    return d


def make_profile(rng: random.Random) -> dict:
    first = rng.choice(("en", "en", "en", "fr"))
    p = {
        "age": rng.randint(18, 50),
        "education": rng.choice(EDUCATION_LEVELS),
        "first_language": _levels(rng, first),
        "canadian_work_years": rng.choice((0, 0, 0, 1, 1, 2, 3, 4, 5, 6)),
        "foreign_work_years": rng.randint(0, 6),
    }
    if rng.random() < 0.3:
        p["second_language"] = _levels(rng, "fr" if first == "en" else "en")
    if rng.random() < 0.45:
        p["spouse"] = {
            "education": rng.choice(EDUCATION_LEVELS),
            "language": _levels(rng, None) if rng.random() < 0.6 else None,
            "canadian_work_years": rng.choice((0, 0, 1, 2, 5)),
        }
    if rng.random() < 0.05:
        p["certificate_of_qualification"] = True
    if rng.random() < 0.04:
        p["provincial_nomination"] = True
    if rng.random() < 0.1:
        p["sibling_in_canada"] = True
    if rng.random() < 0.08:
        p["arranged_employment"] = rng.choice(("noc_00", "teer_0_1_2_3"))
    p["canadian_education"] = rng.choice(CAN_EDU)
    return p


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=250_000)
    ap.add_argument("--date", default="2026-01-15")
    ap.add_argument("--check", type=int, default=2000, help="sample size re-scored with the scalar crs()")
    ap.add_argument("--seed", type=int, default=20250325)
    args = ap.parse_args()
    on_date = dt.date.fromisoformat(args.date)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    pool = [make_profile(rng) for _ in range(args.n)]
    t_gen = time.perf_counter() - t0

    compile_crs.cache_clear()
    t0 = time.perf_counter()
    totals = crs_batch(pool, on_date)
    t_score = time.perf_counter() - t0

    idx = random.Random(args.seed + 1).sample(range(args.n), min(args.check, args.n))
    t0 = time.perf_counter()
    mismatches = [i for i in idx if crs(pool[i], on_date)["total"] != totals[i]]
    t_scalar = time.perf_counter() - t0

    print(f"date                 : {on_date.isoformat()}")
    print(f"profiles             : {args.n:,} (generated in {t_gen:.2f} s, not timed)")
    print(f"batch scoring        : {t_score:.3f} s  -> {args.n / t_score:,.0f} profiles/s (one core, pure Python)")
    print(f"scalar crs() sample  : {len(idx):,} profiles in {t_scalar:.2f} s -> {len(idx) / t_scalar:,.0f} profiles/s (with explanations)")
    print(f"identical totals     : {len(idx) - len(mismatches)}/{len(idx)}")
    print(f"mean / max total     : {sum(totals) / len(totals):.1f} / {max(totals)}")
    if mismatches:
        print(f"MISMATCH at indexes {mismatches[:10]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
