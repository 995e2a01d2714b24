"""Express Entry answers → the rules engine's `programs`/`crs` inputs, and the checks the
question pages need (each test's scale, CLB levels, test validity, funds threshold).

Pure: no database. The work history the `programs` rules need is built from the
eligibility answers: the Canadian experience as one period in Canada ending on the
rules date (TEER from the answer; a representative NOC 2021 unit group of that TEER
outside the skilled trades), the experience of the last 10 years before it with its
NOC code (country "ZZ": outside Canada, unspecified).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import date, timedelta
from typing import Any, Mapping

from rar_app import rules
from rar_app.rules.errors import RulesInputError
from rar_app.rules.language import FRENCH_TESTS, TEST_LABELS as _LABELS

ABILITIES = ("speaking", "listening", "reading", "writing")
TEST_LABELS = dict(_LABELS)
TEST_LANGUAGE = {code: ("fr" if code in FRENCH_TESTS else "en") for code in TEST_LABELS}
TEST_VALID_YEARS = 2  # IRCC: language test results are valid for two years
ABILITY_FR = {"speaking": "l’expression orale", "listening": "la compréhension orale",
              "reading": "la compréhension de l’écrit", "writing": "l’expression écrite"}


@dataclasses.dataclass
class ScoreProblem(Exception):
    fr: str
    en: str


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def test_date_valid(taken: date, on: date) -> bool:
    return years_before(on, TEST_VALID_YEARS) <= taken <= on


def _range(test: str, ability: str, on: date) -> dict:
    ranges = rules.parameter("language.score_ranges", on).value[test]
    return ranges[ability] if ability in ranges else ranges


def scale_text(test: str, ability: str, on: date, lang: str) -> str:
    r = _range(test, ability, on)
    step = r["step"]
    lo, hi = (f"{r['min']:g}", f"{r['max']:g}")
    if step == 1:
        return f"{lo} – {hi}" if lang == "en" else f"{lo} à {hi}"
    step_text = f"{step:g}" if lang == "en" else f"{step:g}".replace(".", ",")
    return f"{lo} – {hi}, by {step_text}" if lang == "en" else f"{lo} à {hi}, par tranches de {step_text}"


def score_problem(test: str, ability: str, raw: str, on: date) -> ScoreProblem | None:
    """The result is a number on the test's own scale (IELTS 0–9 by 0.5, TEF 0–699…)."""
    if test not in TEST_LABELS:
        return ScoreProblem("Choisissez d’abord l’examen.", "Choose the test first.")
    text = str(raw or "").strip().replace(",", ".")
    r = _range(test, ability, on)
    name = TEST_LABELS[test]
    try:
        value = float(text)
    except ValueError:
        value = None
    ok = value is not None and r["min"] <= value <= r["max"] and float(value / r["step"]).is_integer()
    if ok:
        return None
    return ScoreProblem(
        f"Le résultat pour {ABILITY_FR[ability]} doit être sur l’échelle de {name}\u00a0: {scale_text(test, ability, on, 'fr')}.",
        f"The {ability} result must be on the {name} scale: {scale_text(test, ability, on, 'en')}.")


def _number(raw: Any) -> float:
    return float(str(raw).strip().replace(",", "."))


def levels(test: str, scores: Mapping[str, Any], taken: date, on: date, *, check_scale: bool = True) -> dict:
    """{"speaking": CLB, …, "scale": "CLB"|"NCLC", "language": "en"|"fr", "lines": […]} from the rules."""
    request = {"test": test, "test_date": taken.isoformat()}
    for a in ABILITIES:
        value = _number(scores[a])
        request[a] = int(value) if value.is_integer() and test != "ielts" else value
    if not check_scale:
        r = {a: _range(test, a, on) for a in ABILITIES}
        request.update({a: (int(r[a]["min"]) if r[a]["step"] == 1 else float(r[a]["min"])) for a in ABILITIES})
    try:
        out = rules.clb(request, on, "fr")
    except RulesInputError as e:
        raise ScoreProblem(e.message_fr, e.message) from None
    out["language"] = TEST_LANGUAGE[test]
    return out


def level_of(test: str, ability: str, raw: Any, taken: date, on: date) -> tuple[str, int] | None:
    """The (scale, level) one result converts to, alone (the other abilities at the scale's
    minimum); None when the result is not on the test's scale or the test is unknown."""
    if test not in TEST_LABELS or score_problem(test, ability, raw, on) is not None:
        return None
    r = {a: _range(test, a, on) for a in ABILITIES}
    scores = {a: r[a]["min"] for a in ABILITIES} | {ability: raw}
    try:
        out = levels(test, scores, taken, on)
    except (ScoreProblem, ValueError, KeyError):
        return None
    return out["scale"], int(out[ability])


def money_amount(raw: Any) -> int | None:
    text = re.sub(r"[\s\u00a0\u202f$]", "", str(raw or "")).replace(",", "")
    if not re.fullmatch(r"[0-9]{1,10}(\.[0-9]{1,2})?", text):
        return None
    return int(float(text))


def money_text(amount: int, lang: str) -> str:
    text = f"{amount:,}"
    return text.replace(",", "\u00a0") + "\u00a0$" if lang == "fr" else f"${text}"


def _offer(answers: Mapping[str, Mapping[str, Any]]) -> dict | None:
    o = answers.get("ee_job_offer") or {}
    if o.get("has_offer") != "yes" or not o.get("noc"):
        return None
    return {"noc": o["noc"], "full_time": True, "non_seasonal": True, "duration_years": 1,
            "lmia_or_exempt": o.get("lmia") == "yes"}


def funds_needed(answers: Mapping[str, Mapping[str, Any]], family_size: int, on: date) -> dict | None:
    """The settlement funds the client must show, or None when none are needed: Canadian
    experience (CEC needs none), or authorized to work with a valid job offer (IRPR 76(1)(b)(i))."""
    can = answers.get("ee_canadian_work") or {}
    offer = _offer(answers)
    authorized = (answers.get("ee_job_offer") or {}).get("authorized") == "yes"
    if can.get("years") not in (None, "", "0"):
        return None
    if authorized and offer is not None and offer["lmia_or_exempt"]:
        return None
    pv = rules.parameter("programs.settlement_funds", on)
    table = pv.value
    need = table[min(family_size, 7)] + max(0, family_size - 7) * table["additional"]
    return {"amount": int(need), "reference": pv.reference}


@functools.lru_cache(maxsize=8)
def representative_noc(teer: int) -> str:
    """A NOC 2021 unit group of this TEER that is not a skilled trade (for the Canadian period)."""
    trades = ("72", "73", "82", "83", "92", "93", "6320", "62200")
    for entry in rules.noc_list():
        if entry["teer"] == teer and not entry["code"].startswith(trades):
            return entry["code"]
    raise LookupError(teer)


def _language(answers, test_step, date_step, results_step, on) -> dict | None:
    test = (answers.get(test_step) or {}).get("test")
    taken = (answers.get(date_step) or {}).get("taken_on")
    res = answers.get(results_step) or {}
    if not test or test == "none" or not taken or any(a not in res for a in ABILITIES):
        return None
    lv = levels(test, res, date.fromisoformat(taken), on)
    return {"language": lv["language"], **{a: lv[a] for a in ABILITIES}}


def build(answers: Mapping[str, Mapping[str, Any]], on: date) -> dict:
    """The `programs` request (a superset of the `crs` one) from the eligibility answers.
    Raises KeyError/ValueError/ScoreProblem when a needed answer is missing."""
    personal = answers["ee_personal"]
    education = answers["ee_education"]
    can = answers["ee_canadian_work"]
    foreign = answers["ee_foreign_work"]
    nomination = answers["ee_nomination"]
    funds = answers["ee_funds"]
    first = _language(answers, "ee_language_test", "ee_language_date", "ee_language_results", on)
    if first is None:
        raise KeyError("ee_language_results")
    second = _language(answers, "ee_second_test", "ee_second_date", "ee_second_results", on)
    can_years = int(can.get("years") or 0)
    foreign_years = int(foreign.get("years") or 0)
    history = []
    can_start = years_before(on, can_years)
    if can_years:
        history.append({"noc": representative_noc(int(can["teer"])), "country": "CA", "start": can_start.isoformat(),
                        "end": None, "hours_per_week": 37.5})
    if foreign_years:
        end = can_start - timedelta(days=1) if can_years else on
        history.append({"noc": foreign["noc"], "country": "ZZ", "start": years_before(end, foreign_years).isoformat(),
                        "end": end.isoformat(), "hours_per_week": 37.5})
    spouse = None
    s = answers.get("ee_spouse")
    if s and personal.get("marital_status") in ("married", "common_law") and personal.get("spouse_accompanying") == "yes" \
            and personal.get("spouse_citizen_or_pr") != "yes":
        lang = None
        if s.get("tested") == "yes" and all(s.get(f"clb_{a}") not in (None, "") for a in ABILITIES):
            lang = {a: int(s[f"clb_{a}"]) for a in ABILITIES}
        spouse = {"education": s["education"], "language": lang, "canadian_work_years": int(s.get("canadian_years") or 0)}
    offer = _offer(answers)
    arranged = None  # scored 0 since 2025-03-25; the rules decide by date
    if offer and offer["lmia_or_exempt"]:
        teer = rules.noc_entry(offer["noc"])["teer"]
        arranged = "noc_00" if offer["noc"].startswith("00") else ("teer_0_1_2_3" if teer <= 3 else None)
    request = {
        "age": age_on(date.fromisoformat(personal["date_of_birth"]), on),
        "education": education["level"],
        "first_language": first,
        "second_language": second if second and second["language"] != first["language"] else None,
        "canadian_work_years": can_years,
        "foreign_work_years": foreign_years,
        "certificate_of_qualification": nomination.get("certificate") == "yes",
        "spouse": spouse,
        "provincial_nomination": nomination.get("nominated") == "yes",
        "sibling_in_canada": nomination.get("sibling") == "yes",
        "canadian_education": education.get("canadian") or "none",
        "arranged_employment": arranged,
        "work_history": history,
        "settlement_funds": money_amount(funds.get("amount")) or 0,
        "family_size": int(funds.get("family_size") or 1),
        "job_offer": offer,
        "authorized_to_work_in_canada": (answers.get("ee_job_offer") or {}).get("authorized") == "yes",
        "education_assessed": education.get("assessed") == "yes" or (education.get("canadian") or "none") != "none",
        "intends_to_live_in_quebec": (answers.get("ee_province") or {}).get("province") == "QC",
    }
    return request


CRS_ONLY = ("age", "education", "first_language", "second_language", "canadian_work_years", "foreign_work_years",
            "certificate_of_qualification", "spouse", "provincial_nomination", "sibling_in_canada",
            "canadian_education", "arranged_employment")


def assess(answers: Mapping[str, Mapping[str, Any]], on: date) -> dict:
    """{"programs": [...], "crs": {...}, "request": {...}} — both languages kept on every reason and line."""
    request = build(answers, on)
    programs = rules.programs(request, on, "fr")
    crs = rules.crs({k: request[k] for k in CRS_ONLY}, on, "fr")
    return {"programs": programs["programs"], "crs": crs, "request": request, "fsw_points": programs["fsw_points"]}
