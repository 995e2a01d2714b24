"""« Vos résultats » for Express Entry: the programs (FSW, CEC, FST) the client is
eligible for or not, each reason with its rule reference, the estimated CRS with its
breakdown, and — when nothing fits — what would change that."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from rar_app import rules
from rar_app.i18n import t
from rar_app.programs.base import Outcome, Reason
from rar_app.programs.engine import Context
from rar_app.programs.express_entry import requests as rq

K = "express_entry"
PROGRAMS = ("fsw", "cec", "fst")
# The legal basis of each program, for reasons the rules give without a reference.
PROGRAM_REFERENCE = {"fsw": "IRPR s. 75–76", "cec": "IRPR s. 87.1", "fst": "IRPR s. 87.2"}
QUEBEC_REFERENCE = "IRPR s. 75(1), 87.1(1), 87.2(2); Canada–Québec Accord"
ADVICE = {  # reason code -> catalogue key of what would change it
    "language_below_minimum": "advice_language",
    "insufficient_work_experience": "advice_work",
    "insufficient_canadian_work_experience": "advice_canadian_work",
    "insufficient_trade_experience": "advice_trade",
    "education_below_minimum": "advice_education",
    "education_not_assessed": "advice_eca",
    "points_below_pass_mark": "advice_points",
    "insufficient_funds": "advice_funds",
    "no_job_offer_or_certificate": "advice_certificate",
    "intends_to_live_in_quebec": "advice_quebec",
}


def _reason(program: str, r: Mapping[str, Any]) -> Reason:
    ref = r.get("reference") or (QUEBEC_REFERENCE if r["code"] == "intends_to_live_in_quebec" else PROGRAM_REFERENCE[program])
    return Reason(r["message_fr"], r["message_en"], ref)


def eligible_programs(assessment: Mapping[str, Any]) -> list[str]:
    return [p["program"] for p in assessment["programs"] if p["eligible"]]


def crs_details(crs: Mapping[str, Any], lang: str) -> tuple[tuple[str, str], ...]:
    """The breakdown as (label, points) rows: each line, then the four sections and the total."""
    rows = [(line["explanation_fr"] if lang == "fr" else line["explanation_en"], str(line["points"]))
            for line in crs["lines"] if line.get("points")]
    for section in ("core", "spouse", "transferability", "additional"):
        rows.append((t(f"{K}.crs_section_{section}", lang), str(crs[section])))
    rows.append((t(f"{K}.crs_total", lang), str(crs["total"])))
    return tuple(rows)


def outcome_from(assessment: Mapping[str, Any], lang: str) -> Outcome:
    results, refusals, advice_keys = [], [], []
    for p in assessment["programs"]:
        title = t(f"{K}.program_{p['program']}", lang)
        reasons = tuple(_reason(p["program"], r) for r in p["reasons"])
        (results if p["eligible"] else refusals).append((title, reasons))
        if not p["eligible"]:
            advice_keys.extend(ADVICE[r["code"]] for r in p["reasons"] if r["code"] in ADVICE)
    eligible = bool(results)
    advice: tuple[Reason, ...] = ()
    if not eligible:
        seen = list(dict.fromkeys(advice_keys))
        advice = tuple(Reason(t(f"{K}.{k}", "fr"), t(f"{K}.{k}", "en")) for k in seen)
    return Outcome(eligible=eligible, results=tuple(results), refusals=tuple(refusals), advice=advice,
                   details=crs_details(assessment["crs"], lang))


def outcome(ctx: Context, lang: str) -> Outcome:
    """The program's `outcome` hook: the eligibility answers through the rules."""
    try:
        assessment = rq.assess(ctx.answers, ctx.on_date)
    except (KeyError, ValueError, TypeError, rq.ScoreProblem):
        return Outcome(eligible=False, advice=(Reason(t(f"{K}.advice_incomplete", "fr"), t(f"{K}.advice_incomplete", "en")),))
    return outcome_from(assessment, lang)


def pool_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers the pool scores: the profile's sections (in the eligibility shape) over step 1's."""
    from rar_app.programs.express_entry import profile

    return profile.eligibility_shape(answers)


def streams(assessment: Mapping[str, Any], on: date) -> list[str]:
    """What a round may target: the eligible programs, and the categories the profile fits, as the
    dated parameter `programs.express_entry_categories` in force defines them (French-language
    proficiency: NCLC 7 in all four abilities since 2023-05-31; provincial nomination)."""
    out = eligible_programs(assessment)
    request = assessment["request"]
    categories = rules.parameter("programs.express_entry_categories", on).value
    if "french" in categories:
        french = [x for x in (request["first_language"], request.get("second_language")) if x and x.get("language") == "fr"]
        if any(min(x[a] for a in rq.ABILITIES) >= int(categories["french"]["min_nclc"]) for x in french):
            out.append("french")
    if "pnp" in categories and request.get("provincial_nomination"):
        out.append("pnp")
    return out


def pool_admission(ctx: Context) -> dict[str, Any]:
    """The program's `pool_admission` hook: {"score", "streams", "details"} of the profile as it is now.
    `details` keeps the CRS breakdown (both languages), the programs' decisions and the answers."""
    answers = pool_answers(ctx.answers)
    assessment = rq.assess(answers, ctx.on_date)
    crs = assessment["crs"]
    return {
        "score": crs["total"],
        "streams": streams(assessment, ctx.on_date),
        "details": {
            "crs": {k: crs[k] for k in ("total", "core", "spouse", "transferability", "additional")},
            # Ready bilingual rows for the status page (generic: label, points).
            "lines": [{"fr": ln["explanation_fr"], "en": ln["explanation_en"], "points": ln["points"]}
                      for ln in crs["lines"] if ln.get("points")],
            "sections": [{"fr": t(f"{K}.crs_section_{s}", "fr"), "en": t(f"{K}.crs_section_{s}", "en"), "points": crs[s]}
                         for s in ("core", "spouse", "transferability", "additional")],
            "programs": [{"program": p["program"], "eligible": p["eligible"]} for p in assessment["programs"]],
            "answers": answers,
            "on": ctx.on_date.isoformat(),
        },
    }
