"""Which Express Entry programs (FSW, CEC, FST) a client is eligible for – the ``programs`` command.

Input: the ``crs`` input plus the fields in PROGRAM_KEYS (schema in README.md). Work experience is counted from the
``work_history`` periods, day by day, at most 30 hours a week, inside each program's window ending on ``--date``.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict

from . import params
from .common import check_date, check_lang, reason
from .crs import CRS_KEYS, MAX_YEARS, read_profile, score as crs_score
from .errors import RulesInputError
from .fsw import ADAPTABILITY_KEYS, FswInput, score_fsw
from .inputs import Fields, invalid_value, join, root
from .noc import teer_of

WORK_KEYS = ("noc", "country", "start", "end", "hours_per_week", "self_employed", "while_full_time_student")
JOB_OFFER_KEYS = ("noc", "full_time", "non_seasonal", "duration_years", "lmia_or_exempt")
PROGRAM_KEYS = (
    "work_history",
    "settlement_funds",
    "family_size",
    "job_offer",
    "authorized_to_work_in_canada",
    "education_assessed",
    "intends_to_live_in_quebec",
    "adaptability",
)


def _years_before(d: _dt.date, years: int) -> _dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _read_noc(f: Fields, key: str) -> tuple[str, int]:
    code = f.string(key, required=True, max_len=10)
    p = join(f.path, key)
    if not (len(code) == 5 and code.isdigit()):
        raise invalid_value(p, None, f"'{p}' must be a 5-digit NOC 2021 code.", f"« {p} » doit être un code CNP 2021 à 5 chiffres.")
    teer = teer_of(code)
    if teer is None:
        raise invalid_value(p, None, f"'{p}' is not a NOC 2021 unit group.", f"« {p} » n’est pas un groupe de base de la CNP 2021.")
    return code, teer


def read_work(items: list, path: str, on_date: _dt.date) -> list[dict]:
    out = []
    for i, item in enumerate(items):
        f = Fields(item, join(path, i), WORK_KEYS)
        noc, teer = _read_noc(f, "noc")
        start = f.date("start", required=True)
        end = f.date("end") or on_date
        if end < start:
            raise RulesInputError("invalid_value", join(f.path, "end"), "'end' is before 'start'.", "« end » est avant « start ».")
        out.append(
            {
                "noc": noc,
                "teer": teer,
                "country": f.country("country", required=True),
                "start": start,
                "end": min(end, on_date),
                "hours": float(f.number("hours_per_week", default=30, lo=0, hi=168)),
                "self_employed": f.boolean("self_employed"),
                "student": f.boolean("while_full_time_student"),
            }
        )
    return out


def _hours(entries: list[dict], start: _dt.date, end: _dt.date, max_per_week: float) -> float:
    """Hours worked between start and end (inclusive), at most max_per_week in any week (counted per day)."""
    if not entries:
        return 0.0
    cap = max_per_week / 7.0
    daily: dict[int, float] = defaultdict(float)
    lo, hi = start.toordinal(), end.toordinal()
    for e in entries:
        a, b = max(e["start"].toordinal(), lo), min(e["end"].toordinal(), hi)
        per_day = e["hours"] / 7.0
        for d in range(a, b + 1):
            daily[d] += per_day
    return sum(min(h, cap) for h in daily.values())


def _runs(entries: list[dict]) -> list[list[dict]]:
    """Group entries of one occupation into continuous runs (no gap of more than one day)."""
    runs: list[list[dict]] = []
    for e in sorted(entries, key=lambda e: e["start"]):
        if runs and e["start"].toordinal() <= max(x["end"].toordinal() for x in runs[-1]) + 1:
            runs[-1].append(e)
        else:
            runs.append([e])
    return runs


def _job_offer(f: Fields | None) -> dict | None:
    if f is None:
        return None
    noc, teer = _read_noc(f, "noc")
    return {
        "noc": noc,
        "teer": teer,
        "full_time": f.boolean("full_time"),
        "non_seasonal": f.boolean("non_seasonal"),
        "duration_years": f.integer("duration_years", lo=0, hi=MAX_YEARS),
        "lmia_or_exempt": f.boolean("lmia_or_exempt"),
    }


def _is_trade(noc: str, teer: int, rules: dict) -> bool:
    return (
        teer in rules["trade_teer"]
        and any(noc.startswith(p) for p in rules["trade_prefixes"])
        and not any(noc.startswith(p) for p in rules["excluded_prefixes"])
    )


def programs(request: dict, on_date=None, lang: str = "en") -> dict:
    lang = check_lang(lang)
    on_date = check_date(on_date)
    f = root(request, CRS_KEYS + PROGRAM_KEYS)
    profile = read_profile(f)
    work = read_work(f.array("work_history", max_items=100), "work_history", on_date)
    funds = f.number("settlement_funds", default=0, lo=0, hi=10**12)
    family_size = f.integer("family_size", default=1 + (profile.spouse is not None), lo=1, hi=30)
    offer = _job_offer(f.obj("job_offer", JOB_OFFER_KEYS))
    authorized = f.boolean("authorized_to_work_in_canada")
    assessed = f.boolean("education_assessed")
    quebec = f.boolean("intends_to_live_in_quebec")
    ad = f.obj("adaptability", ADAPTABILITY_KEYS)
    adaptability = {k: (ad.boolean(k) if ad else False) for k in ADAPTABILITY_KEYS}

    R = lambda n: params.ref(f"programs.{n}", on_date)  # noqa: E731
    first = profile.first_language
    results = []

    def funds_reason() -> dict | None:
        pv = R("settlement_funds")
        table = pv.value
        need = table[min(family_size, 7)] + max(0, family_size - 7) * table["additional"]
        valid_offer = offer is not None and offer["full_time"] and offer["duration_years"] >= 1 and offer["lmia_or_exempt"]
        if authorized and valid_offer:
            return None
        if funds < need:
            return reason("insufficient_funds", f"Settlement funds of ${funds:,.0f} are below the ${need:,} required for a family of {family_size}.",
                          f"Les fonds d’établissement de {funds:,.0f} $ sont inférieurs aux {need:,} $ exigés pour une famille de {family_size} personne{'s' if family_size > 1 else ''}.".replace(",", "\u00a0"),
                          lang, required=need, reference=pv.reference)
        return None

    quebec_reason = reason("intends_to_live_in_quebec", "Quebec selects its own skilled workers: Express Entry programs are for people who plan to live outside Quebec.",
                           "Le Québec sélectionne ses propres travailleurs qualifiés : les programmes d’Entrée express visent les personnes qui prévoient vivre hors du Québec.", lang)

    # --- Federal Skilled Worker ---
    rules = R("fsw.minimums")
    fr = rules.value
    win_start = _years_before(on_date, fr["window_years"])
    skilled = [w for w in work if w["teer"] in fr["skilled_teer"]]
    by_noc = defaultdict(list)
    for w in skilled:
        by_noc[w["noc"]].append(w)
    continuous_ok = any(
        _hours(run, win_start, on_date, fr["max_hours_per_week"]) >= fr["hours"] for runs in by_noc.values() for run in _runs(runs)
    )
    skilled_years = int(_hours(skilled, win_start, on_date, fr["max_hours_per_week"]) // fr["hours"])
    reasons = []
    if first.minimum < fr["min_clb"]:
        reasons.append(reason("language_below_minimum", f"First official language must be CLB/NCLC {fr['min_clb']} in all four abilities (lowest is {first.minimum}).",
                              f"La première langue officielle doit être au niveau NCLC/CLB {fr['min_clb']} dans les quatre habiletés (le plus bas est {first.minimum}).", lang, reference=rules.reference))
    if not continuous_ok:
        reasons.append(reason("insufficient_work_experience", f"Needs one year ({fr['hours']} hours) of continuous skilled work (TEER 0-3) in one occupation within the last {fr['window_years']} years.",
                              f"Il faut un an ({fr['hours']} heures) de travail qualifié continu (FEER 0 à 3) dans une même profession au cours des {fr['window_years']} dernières années.", lang, reference=rules.reference))
    if profile.education == "less_than_secondary":
        reasons.append(reason("education_below_minimum", "Needs at least a secondary school diploma (or foreign equivalent).", "Il faut au moins un diplôme d’études secondaires (ou l’équivalent étranger).", lang, reference=rules.reference))
    elif not assessed:
        reasons.append(reason("education_not_assessed", "Needs a Canadian credential or an educational credential assessment (ECA) of the foreign credential.",
                              "Il faut un diplôme canadien ou une évaluation des diplômes d’études (EDE) du diplôme étranger.", lang, reference=rules.reference))
    arranged = offer is not None and offer["full_time"] and offer["non_seasonal"] and offer["duration_years"] >= 1 and offer["lmia_or_exempt"] and offer["teer"] <= 3
    grid = score_fsw(
        FswInput(profile.age, profile.education, first, profile.second_language, skilled_years, arranged, adaptability), on_date
    )
    if not grid["passes"]:
        reasons.append(reason("points_below_pass_mark", f"Selection grid: {grid['points']} points, below the pass mark of {grid['pass_mark']}.",
                              f"Grille de sélection : {grid['points']} points, sous la note de passage de {grid['pass_mark']}.", lang, points=grid["points"]))
    fr_funds = funds_reason()
    if fr_funds:
        reasons.append(fr_funds)
    if quebec:
        reasons.append(quebec_reason)
    results.append(("fsw", reasons))

    # --- Canadian Experience Class ---
    rules = R("cec.minimums")
    cr = rules.value
    win_start = _years_before(on_date, cr["window_years"])
    can = [w for w in work if w["country"] == "CA" and w["teer"] <= 3 and not w["self_employed"] and not w["student"]]
    h01 = _hours([w for w in can if w["teer"] <= 1], win_start, on_date, cr["max_hours_per_week"])
    h23 = _hours([w for w in can if w["teer"] >= 2], win_start, on_date, cr["max_hours_per_week"])
    hall = _hours(can, win_start, on_date, cr["max_hours_per_week"])
    reasons = []
    if hall < cr["hours"]:
        reasons.append(reason("insufficient_canadian_work_experience", f"Needs {cr['hours']} hours of skilled paid work in Canada (TEER 0-3, not self-employed, not while a full-time student) in the last {cr['window_years']} years; counted {hall:.0f}.",
                              f"Il faut {cr['hours']} heures de travail qualifié rémunéré au Canada (FEER 0 à 3, pas à son compte ni pendant des études à temps plein) au cours des {cr['window_years']} dernières années ; heures comptées : {hall:.0f}.", lang, hours=round(hall), reference=rules.reference))
    else:
        m = first.minimum
        ok = (h01 >= cr["hours"] and m >= cr["clb_teer_0_1"]) or (h23 >= cr["hours"] and m >= cr["clb_teer_2_3"]) or m >= cr["clb_teer_0_1"]
        if not ok:
            need = cr["clb_teer_2_3"] if h23 >= cr["hours"] else cr["clb_teer_0_1"]
            reasons.append(reason("language_below_minimum", f"First official language must be CLB/NCLC {need} in all four abilities for this experience (lowest is {m}).",
                                  f"La première langue officielle doit être au niveau NCLC/CLB {need} dans les quatre habiletés pour cette expérience (le plus bas est {m}).", lang, reference=rules.reference))
    if quebec:
        reasons.append(quebec_reason)
    results.append(("cec", reasons))

    # --- Federal Skilled Trades ---
    rules = R("fst.minimums")
    tr = rules.value
    win_start = _years_before(on_date, tr["window_years"])
    trades = defaultdict(list)
    for w in work:
        if _is_trade(w["noc"], w["teer"], tr):
            trades[w["noc"]].append(w)
    best = max((_hours(ws, win_start, on_date, tr["max_hours_per_week"]) for ws in trades.values()), default=0.0)
    reasons = []
    if best < tr["hours"]:
        reasons.append(reason("insufficient_trade_experience", f"Needs {tr['hours']} hours (2 years) of work in one skilled trade within the last {tr['window_years']} years; counted {best:.0f}.",
                              f"Il faut {tr['hours']} heures (2 ans) de travail dans un même métier spécialisé au cours des {tr['window_years']} dernières années ; heures comptées : {best:.0f}.", lang, hours=round(best), reference=rules.reference))
    levels = {a: getattr(first, a) for a in tr["clb"]}
    if any(levels[a] < tr["clb"][a] for a in tr["clb"]):
        reasons.append(reason("language_below_minimum", "First official language must be CLB/NCLC 5 for speaking and listening and 4 for reading and writing.",
                              "La première langue officielle doit être au niveau NCLC/CLB 5 en expression et compréhension orales et 4 en compréhension et expression écrites.", lang, reference=rules.reference))
    trade_offer = offer is not None and offer["full_time"] and offer["duration_years"] >= 1 and _is_trade(offer["noc"], offer["teer"], tr)
    if not trade_offer and not profile.certificate_of_qualification:
        reasons.append(reason("no_job_offer_or_certificate", "Needs a full-time job offer of at least one year in the trade, or a certificate of qualification from a Canadian province or territory.",
                              "Il faut une offre d’emploi à temps plein d’au moins un an dans le métier, ou un certificat de compétence d’une province ou d’un territoire canadien.", lang, reference=rules.reference))
    ft_funds = funds_reason()
    if ft_funds:
        reasons.append(ft_funds)
    if quebec:
        reasons.append(quebec_reason)
    results.append(("fst", reasons))

    out = []
    for prog, reasons in results:
        eligible = not reasons
        if eligible:
            names = {"fsw": ("Federal Skilled Worker Program", "Programme des travailleurs qualifiés (fédéral)"), "cec": ("Canadian Experience Class", "Catégorie de l’expérience canadienne"), "fst": ("Federal Skilled Trades Program", "Programme des travailleurs de métiers spécialisés (fédéral)")}[prog]
            reasons = [reason("meets_minimum_requirements", f"Meets the minimum requirements of the {names[0]}.", f"Satisfait aux exigences minimales du {names[1]}.", lang)]
        out.append({"program": prog, "eligible": eligible, "reasons": reasons})
    crs_result = crs_score(profile, on_date)
    return {
        "programs": out,
        "fsw_points": grid["points"],
        "crs_total": crs_result["total"],
        "counted": {"fsw_skilled_years": skilled_years, "cec_canadian_hours": round(hall), "fst_trade_hours": round(best)},
        "date": on_date.isoformat(),
    }
