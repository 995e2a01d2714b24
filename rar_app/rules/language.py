"""Designated language test scores → CLB (English) / NCLC (French) levels."""

from __future__ import annotations

import datetime as _dt
import functools

from . import params
from .common import ABILITIES, ABILITY_LABELS, check_date, check_lang, line, localize
from .errors import RulesInputError
from .inputs import root

TESTS = ("ielts", "celpip", "pte_core", "tef", "tcf")
FRENCH_TESTS = ("tef", "tcf")
TEST_LABELS = {
    "ielts": "IELTS General Training",
    "celpip": "CELPIP-General",
    "pte_core": "PTE Core",
    "tef": "TEF Canada",
    "tcf": "TCF Canada",
}


@functools.lru_cache(maxsize=8)
def _tables(csv_name: str) -> dict:
    """{csv test name: [(scale_from, scale_to, [(clb, {ability: min}) sorted by clb desc])]}"""
    out: dict[str, dict] = {}
    for row in params.read_csv(csv_name):
        key = (row["scale_from"] or None, row["scale_to"] or None)
        per = out.setdefault(row["test"], {}).setdefault(key, [])
        per.append((int(row["clb"]), {a: float(row[a]) for a in ABILITIES}))
    result = {}
    for test, eras in out.items():
        result[test] = [
            (
                _dt.date.fromisoformat(k[0]) if k[0] else None,
                _dt.date.fromisoformat(k[1]) if k[1] else None,
                sorted(rows, key=lambda r: -r[0]),
            )
            for k, rows in eras.items()
        ]
    return result


def level_for(rows, ability: str, score: float) -> int:
    for clb, mins in rows:
        if score >= mins[ability]:
            return clb
    return 0


def clb(request: dict, on_date=None, lang: str = "en") -> dict:
    """Test scores to CLB/NCLC levels (the ``clb`` command)."""
    lang = check_lang(lang)
    on_date = check_date(on_date)
    f = root(request, ("test", "test_date") + ABILITIES)
    test = f.string("test", required=True, choices=TESTS)
    test_date = f.date("test_date", required=(test == "tef"))
    ranges_pv = params.ref("language.score_ranges", on_date)
    tables_pv = params.ref("language.clb_tables", on_date)
    rng = ranges_pv.value[test]
    scores = {}
    for ability in ABILITIES:
        r = rng[ability] if ability in rng else rng
        if r["step"] == 1:
            s = f.integer(ability, required=True, default=None, lo=r["min"], hi=r["max"])
        else:
            s = f.number(ability, required=True, lo=r["min"], hi=r["max"])
            if not float(s * (1 / r["step"])).is_integer():
                raise RulesInputError(
                    "invalid_value", ability, f"'{ability}' must be a multiple of {r['step']}.", f"« {ability} » doit être un multiple de {r['step']}."
                )
        scores[ability] = s
    csv_test = tables_pv.value["tests"][test]
    eras = _tables(tables_pv.value["csv"])[csv_test]
    rows = None
    for start, end, era_rows in eras:
        if test_date is None and start is None and end is None:
            rows = era_rows
        elif test_date is not None and (start is None or test_date >= start) and (end is None or test_date <= end):
            rows = era_rows
    if rows is None:
        if test_date is None:  # a dated table but no test date (cannot happen for TEF: required)
            rows = eras[-1][2]
        else:
            raise RulesInputError(
                "out_of_range",
                "test_date",
                f"No IRCC equivalency table covers a {TEST_LABELS[test]} test taken on {test_date.isoformat()} (old scales are not supported).",
                f"Aucun tableau d’équivalence d’IRCC ne couvre un test {TEST_LABELS[test]} passé le {test_date.isoformat()} (les anciennes échelles ne sont pas prises en charge).",
            )
    scale = "NCLC" if test in FRENCH_TESTS else "CLB"
    out: dict = {}
    lines = []
    for ability in ABILITIES:
        lvl = level_for(rows, ability, float(scores[ability]))
        out[ability] = lvl
        en_a, fr_a = ABILITY_LABELS[ability]
        if lvl == 0:
            en = f"{TEST_LABELS[test]} {en_a} {scores[ability]}: below the {scale} 4 row of the table, so level 0."
            fr = f"{TEST_LABELS[test]}, {fr_a} {scores[ability]} : sous la ligne {scale} 4 du tableau, donc niveau 0."
        else:
            mins = dict(rows)[lvl][ability]
            mins_txt = f"{mins:g}"
            en = f"{TEST_LABELS[test]} {en_a} {scores[ability]} ≥ {mins_txt} (minimum for {scale} {lvl}): {scale} {lvl}."
            fr = f"{TEST_LABELS[test]}, {fr_a} {scores[ability]} ≥ {mins_txt} (minimum pour {scale} {lvl}) : {scale} {lvl}."
        lines.append(line(en, fr, tables_pv.reference, ability=ability, level=lvl))
    out["scale"] = scale
    out["test"] = test
    out["lines"] = localize(lines, lang)
    return out
