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

    def scorer(self):
        """A closure over local copies of the tables (faster than attribute look-ups)."""
        AGE, EDU, FL, CW = self.age, self.edu, self.fl, self.cw
        SL, SL_CAP, CORE_CAP = self.sl, self.sl_cap, self.core_cap
        S_EDU, S_LANG, S_CW, S_CAP = self.s_edu, self.s_lang, self.s_cw, self.s_cap
        TRANS, EDU_I = self.trans, EDU_INDEX
        PNP, AE, CE, SIB = self.pnp, self.ae, self.ce, self.sib
        FR_LOW, FR_HIGH, ADD_CAP, TOTAL_CAP = self.fr_low, self.fr_high, self.add_cap, self.total_cap

        def total(p: dict) -> int:
            get = p.get
            spouse = get("spouse")
            col = 0 if spouse else 1
            f = p["first_language"]
            fs, fl_, fr_, fw_ = f["speaking"], f["listening"], f["reading"], f["writing"]
            flt = FL[col]
            cwy = get("canadian_work_years") or 0
            edu = p["education"]
            core = AGE[col][p["age"]] + EDU[col][edu] + flt[fs] + flt[fl_] + flt[fr_] + flt[fw_] + CW[col][cwy if cwy < 5 else 5]
            s = get("second_language")
            if s:
                x = SL[s["speaking"]] + SL[s["listening"]] + SL[s["reading"]] + SL[s["writing"]]
                cap = SL_CAP[col]
                core += x if x < cap else cap
            cap = CORE_CAP[col]
            if core > cap:
                core = cap
            if spouse:
                sp = S_EDU[spouse["education"]]
                sl = spouse.get("language")
                if sl:
                    sp += S_LANG[sl["speaking"]] + S_LANG[sl["listening"]] + S_LANG[sl["reading"]] + S_LANG[sl["writing"]]
                y = spouse.get("canadian_work_years") or 0
                sp += S_CW[y if y < 5 else 5]
                if sp > S_CAP:
                    sp = S_CAP
                core += sp
            m = fs
            if fl_ < m:
                m = fl_
            if fr_ < m:
                m = fr_
            if fw_ < m:
                m = fw_
            fwy = get("foreign_work_years") or 0
            core += TRANS[((((EDU_I[edu] * 13 + m) * 3 + (cwy if cwy < 2 else 2)) * 4 + (fwy if fwy < 3 else 3)) * 2) + (1 if get("certificate_of_qualification") else 0)]
            ad = PNP if get("provincial_nomination") else 0
            ae = get("arranged_employment")
            if ae:
                ad += AE[ae]
            ce = get("canadian_education")
            if ce:
                ad += CE[ce]
            if get("sibling_in_canada"):
                ad += SIB
            if f.get("language") == "fr":
                frl, enl = f, s
            elif s and s.get("language") == "fr":
                frl, enl = s, f
            else:
                frl = None
            if frl is not None and min(frl["speaking"], frl["listening"], frl["reading"], frl["writing"]) >= 7:
                if enl and min(enl["speaking"], enl["listening"], enl["reading"], enl["writing"]) >= 5:
                    ad += FR_HIGH
                else:
                    ad += FR_LOW
            total = core + (ad if ad < ADD_CAP else ADD_CAP)
            return total if total < TOTAL_CAP else TOTAL_CAP

        return total

    def total(self, p: dict) -> int:
        return self.scorer()(p)


@functools.lru_cache(maxsize=32)
def compile_crs(on_date: _dt.date) -> CompiledCrs:
    return CompiledCrs(on_date)


def crs_batch(profiles, on_date: _dt.date | None = None, *, validate: bool = False) -> list[int]:
    """CRS totals of many profiles (dicts of the ``crs`` input schema), identical to ``crs()['total']``."""
    on_date = on_date or _dt.date.today()
    if validate:
        for p in profiles:
            parse(p)
    total = compile_crs(on_date).scorer()
    return list(map(total, profiles))
