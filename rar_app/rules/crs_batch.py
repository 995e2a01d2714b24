"""Fast CRS totals for many profiles (pool ranking, benchmarks).

``compile_crs(on_date)`` turns the CRS parameters in force into flat lookup tables once; ``crs_batch`` then scores
each profile with about twenty list look-ups and no explanations. It must give exactly the totals of the scalar
``crs()`` (tested on random samples). Profiles are trusted dicts of the ``crs`` input schema: validate untrusted
input with ``crs.parse`` first (``validate=True`` does that, at a cost).
"""

from __future__ import annotations

import datetime as _dt
import functools

from . import params
from .common import EDUCATION_LEVELS
from .crs import (
    canadian_work_band,
    education_band,
    foreign_work_band,
    language_band,
    parse,
)

EDU_INDEX = {e: i for i, e in enumerate(EDUCATION_LEVELS)}
LEVELS = range(13)  # CLB/NCLC 0..12


class CompiledCrs:
    """Flat tables of one date's CRS grid."""

    def __init__(self, on_date: _dt.date):
        v = lambda n: params.value(f"crs.{n}", on_date)  # noqa: E731
        age, edu, fl = v("core.age"), v("core.education"), v("core.first_language")
        sl, sl_cap, cw = v("core.second_language"), v("core.second_language_cap"), v("core.canadian_work")
        self.core_cap = v("core.cap")
        self.age = [[age.get(a, [0, 0])[col] for a in range(131)] for col in (0, 1)]
        self.edu = [{e: edu[e][col] for e in EDUCATION_LEVELS} for col in (0, 1)]
        self.fl = [[fl[min(x, 10)][col] for x in LEVELS] for col in (0, 1)]
        self.sl = [sl[min(x, 10)] for x in LEVELS]
        self.sl_cap = sl_cap
        self.cw = [[cw[min(y, 5)][col] for y in range(6)] for col in (0, 1)]
        se, sla, scw = v("spouse.education"), v("spouse.language"), v("spouse.canadian_work")
        self.s_edu = dict(se)
        self.s_lang = [sla[min(x, 10)] for x in LEVELS]
        self.s_cw = [scw[min(y, 5)] for y in range(6)]
        self.s_cap = v("spouse.cap")
        te, tf, tc, t_cap = v("transferability.education"), v("transferability.foreign_work"), v("transferability.certificate_of_qualification"), v("transferability.cap")
        # trans[((edu * 13 + min_level) * 3 + cw_band) * 4 + fw_band) * 2 + coq]
        trans = []
        for e in EDUCATION_LEVELS:
            eb = education_band(e)
            for m in LEVELS:
                lb = language_band(m)
                for cwy in range(3):
                    cb = canadian_work_band(cwy)
                    for fwy in range(4):
                        fb = foreign_work_band(fwy)
                        a = te["language"][lb][eb] if lb and eb else 0
                        b = te["canadian_work"][cb][eb] if cb and eb else 0
                        c = tf["language"][lb][fb] if lb and fb else 0
                        d = tf["canadian_work"][cb][fb] if cb and fb else 0
                        base = min(a + b, te["cap"]) + min(c + d, tf["cap"])
                        for coq in (0, 1):
                            q = (tc["clb7"] if m >= 7 else tc["clb5"] if m >= 5 else 0) if coq else 0
                            trans.append(min(base + q, t_cap))
        self.trans = trans
        self.pnp = v("additional.provincial_nomination")
        self.ae = dict(v("additional.arranged_employment"))
        self.ce = dict(v("additional.canadian_education"))
        self.sib = v("additional.sibling")
        fr = v("additional.french")
        self.fr_low, self.fr_high = fr["nclc7_english_clb4_or_less"], fr["nclc7_english_clb5"]
        self.add_cap = v("additional.cap")
        self.total_cap = v("total_cap")

    def total(self, p: dict) -> int:
        spouse = p.get("spouse")
        col = 0 if spouse else 1
        f = p["first_language"]
        fs, fl_, fr_, fw_ = f["speaking"], f["listening"], f["reading"], f["writing"]
        flt = self.fl[col]
        cwy = p.get("canadian_work_years") or 0
        core = self.age[col][p["age"]] + self.edu[col][p["education"]] + flt[fs] + flt[fl_] + flt[fr_] + flt[fw_] + self.cw[col][cwy if cwy < 5 else 5]
        s = p.get("second_language")
        if s:
            slt = self.sl
            x = slt[s["speaking"]] + slt[s["listening"]] + slt[s["reading"]] + slt[s["writing"]]
            cap = self.sl_cap[col]
            core += x if x < cap else cap
        cap = self.core_cap[col]
        if core > cap:
            core = cap
        sp = 0
        if spouse:
            sp = self.s_edu[spouse["education"]]
            sl = spouse.get("language")
            if sl:
                t = self.s_lang
                sp += t[sl["speaking"]] + t[sl["listening"]] + t[sl["reading"]] + t[sl["writing"]]
            y = spouse.get("canadian_work_years") or 0
            sp += self.s_cw[y if y < 5 else 5]
            if sp > self.s_cap:
                sp = self.s_cap
        m = min(fs, fl_, fr_, fw_)
        fwy = p.get("foreign_work_years") or 0
        tr = self.trans[((((EDU_INDEX[p["education"]] * 13 + m) * 3 + (cwy if cwy < 2 else 2)) * 4 + (fwy if fwy < 3 else 3)) * 2) + (1 if p.get("certificate_of_qualification") else 0)]
        ad = 0
        if p.get("provincial_nomination"):
            ad += self.pnp
        ae = p.get("arranged_employment")
        if ae:
            ad += self.ae[ae]
        ce = p.get("canadian_education")
        if ce:
            ad += self.ce[ce]
        if p.get("sibling_in_canada"):
            ad += self.sib
        # French bonus
        if f.get("language") == "fr":
            frl, enl = f, s
        elif s and s.get("language") == "fr":
            frl, enl = s, f
        else:
            frl = None
        if frl is not None and min(frl["speaking"], frl["listening"], frl["reading"], frl["writing"]) >= 7:
            if enl and min(enl["speaking"], enl["listening"], enl["reading"], enl["writing"]) >= 5:
                ad += self.fr_high
            else:
                ad += self.fr_low
        if ad > self.add_cap:
            ad = self.add_cap
        total = core + sp + tr + ad
        return total if total < self.total_cap else self.total_cap


@functools.lru_cache(maxsize=32)
def compile_crs(on_date: _dt.date) -> CompiledCrs:
    return CompiledCrs(on_date)


def crs_batch(profiles, on_date: _dt.date | None = None, *, validate: bool = False) -> list[int]:
    """CRS totals of many profiles (dicts of the ``crs`` input schema), identical to ``crs()['total']``."""
    on_date = on_date or _dt.date.today()
    if validate:
        for p in profiles:
            parse(p)
    total = compile_crs(on_date).total
    return [total(p) for p in profiles]
