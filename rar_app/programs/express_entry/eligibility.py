"""Express Entry, Étape 1 – « Vérifier l’admissibilité du client »: the question pages.

The guide's order: province or territory; first official-language test (which test, its
date, the four results and any other result); the same, optional, for a second-language
test; Canadian skilled experience in the last 3 years and its TEER; skilled experience in
the last 10 years with its NOC 2021 code (« Trouver la CNP »); then what the rules still
need (age, education, job offer, nomination, spouse, funds, sibling).
Scores are checked against each test's own scale (`language.score_ranges`), test dates
within the last two years, NOC codes against the NOC 2021 list, funds against the
settlement-funds table when the client needs them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from rar_app import rules
from rar_app.i18n import t, tn
from rar_app.programs.engine import Context, Field, Option, Problem, ReviewLine, Step, Wizard
from rar_app.programs.express_entry import requests as rq
from rar_app.rules.common import EDUCATION_LEVELS

K = "express_entry"


def _opt(code: str, key: str | None = None) -> Option:
    return Option(code, f"{K}.{key or 'opt_' + code}")


YES_NO = (_opt("yes"), _opt("no"))
PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
YEARS_3 = tuple(_opt(c, f"years_{c}") for c in ("0", "1", "2", "3"))
TEER = tuple(_opt(c, f"teer_{c}") for c in ("0", "1", "2", "3"))
EDUCATION = tuple(_opt(c, f"edu_{c}") for c in EDUCATION_LEVELS)
CANADIAN_EDUCATION = tuple(_opt(c, f"canedu_{c}") for c in ("none", "one_or_two_year", "three_year_or_more"))
MARITAL = tuple(_opt(c, f"marital_{c}") for c in ("single", "married", "common_law", "divorced", "widowed"))
TESTS = tuple(Option(code, label_fr=label, label_en=label) for code, label in rq.TEST_LABELS.items())
LEVELS = tuple(Option(str(n), label_fr=str(n), label_en=str(n)) for n in range(0, 13))
ABILITIES = rq.ABILITIES


def _second_tests(ctx: Context, _n: int | None) -> list[Option]:
    """A second-language test is in the other official language."""
    first = (ctx.answers.get("ee_language_test") or {}).get("test")
    lang = rq.TEST_LANGUAGE.get(first or "", "")
    return [Option("none", f"{K}.second_test_none")] + [o for o in TESTS if rq.TEST_LANGUAGE[o.code] != lang]


def _score_field(prefix: str, ability: str) -> Field:
    return Field(f"{ability}", "text", f"{K}.score_{ability}", max_length=6, pattern=r"[0-9]{1,3}([.,][05])?",
                 pattern_error_key=f"{K}.error_score_format", note=_level_note(ability))


def _level_note(ability: str):
    """« Équivaut au niveau NCLC 9 » under a result as it is typed (issue 11: show the CLB)."""
    def note(facts: Mapping[str, Any], raw: str, lang: str) -> str:
        try:
            taken, on = date.fromisoformat(facts["taken_on"]), date.fromisoformat(facts["on_date"])
        except (KeyError, TypeError, ValueError):
            return ""
        found = rq.level_of(str(facts.get("test") or ""), ability, raw, taken, on) if raw.strip() else None
        return t(f"{K}.level_note", lang, scale=found[0], level=found[1]) if found else ""
    return note


def _results_facts(test_step: str, date_step: str):
    def facts(ctx: Context, _n: int | None) -> dict[str, Any]:
        return {"test": (ctx.answers.get(test_step) or {}).get("test", ""), "on_date": ctx.on_date.isoformat(),
                "taken_on": (ctx.answers.get(date_step) or {}).get("taken_on", "")}
    return facts


def _date_check(test_step: str):
    def check(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
        taken = date.fromisoformat(clean["taken_on"])
        if not rq.test_date_valid(taken, ctx.on_date):
            return [Problem("taken_on", f"{K}.error_test_expired", {"years": rq.TEST_VALID_YEARS})]
        test = (ctx.answers.get(test_step) or {}).get("test", "")
        try:
            rq.levels(test, {"speaking": 0, "listening": 0, "reading": 0, "writing": 0}, taken, ctx.on_date,
                      check_scale=False)
        except rq.ScoreProblem as e:
            return [Problem("taken_on", message_fr=e.fr, message_en=e.en)]
        return []
    return check


def _results_check(test_step: str, date_step: str):
    def check(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
        test = (ctx.answers.get(test_step) or {}).get("test", "")
        taken = (ctx.answers.get(date_step) or {}).get("taken_on")
        problems = []
        for ability in ABILITIES:
            problem = rq.score_problem(test, ability, clean.get(ability, ""), ctx.on_date)
            if problem is not None:
                problems.append(Problem(ability, message_fr=problem.fr, message_en=problem.en))
        if not problems and taken:
            try:
                rq.levels(test, {a: clean[a] for a in ABILITIES}, date.fromisoformat(taken), ctx.on_date)
            except rq.ScoreProblem as e:
                problems.append(Problem("speaking", message_fr=e.fr, message_en=e.en))
        return problems
    return check


def _results_review(test_step: str, date_step: str):
    """Each result with the CLB/NCLC level it converts to."""
    def review(ctx: Context, clean: dict[str, Any], index: int | None, lang: str) -> list[ReviewLine]:
        test = (ctx.answers.get(test_step) or {}).get("test", "")
        taken = (ctx.answers.get(date_step) or {}).get("taken_on")
        ref = test_step.replace("_test", "_results")
        try:
            lv = rq.levels(test, {a: clean[a] for a in ABILITIES}, date.fromisoformat(taken), ctx.on_date)
        except (rq.ScoreProblem, KeyError, TypeError, ValueError):
            lv = None
        lines = []
        for a in ABILITIES:
            if a not in clean:
                continue
            shown = clean[a] if lv is None else t(f"{K}.score_with_level", lang, score=clean[a], scale=lv["scale"],
                                                   level=lv[a])
            lines.append(ReviewLine(t(f"{K}.score_{a}", lang), shown, ref, a))
        if clean.get("other"):
            lines.append(ReviewLine(t(f"{K}.score_other", lang), clean["other"], ref, "other"))
        return lines
    return review


def _has_second(ctx: Context, _n: int | None) -> bool:
    return (ctx.answers.get("ee_second_test") or {}).get("test", "none") not in ("", "none")


def _check_canadian(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    if clean.get("years") != "0" and not clean.get("teer"):
        return [Problem("teer", "wizard.error_choose")]
    return []


def _check_noc(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    if clean.get("years") == "0":
        return []
    code = (clean.get("noc") or "").strip()
    if not code:
        return [Problem("noc", f"{K}.error_noc_required")]
    if rules.noc_entry(code) is None:
        return [Problem("noc", f"{K}.error_noc_unknown", {"code": code})]
    return []


def _check_personal(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    born = date.fromisoformat(clean["date_of_birth"])
    age = rq.age_on(born, ctx.on_date)
    if age < 16 or age > 100:
        return [Problem("date_of_birth", f"{K}.error_age", {"age": age})]
    problems = []
    if clean.get("marital_status") in ("married", "common_law"):
        for name in ("spouse_citizen_or_pr", "spouse_accompanying"):
            if not clean.get(name):
                problems.append(Problem(name, "wizard.error_choose"))
    return problems


def _check_offer(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    if clean.get("has_offer") != "yes":
        return []
    code = (clean.get("noc") or "").strip()
    if not code:
        return [Problem("noc", f"{K}.error_noc_required")]
    if rules.noc_entry(code) is None:
        return [Problem("noc", f"{K}.error_noc_unknown", {"code": code})]
    return []


def _check_funds(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    amount = rq.money_amount(clean.get("amount", ""))
    if amount is None:
        return [Problem("amount", f"{K}.error_amount")]
    need = rq.funds_needed(ctx.answers, int(clean["family_size"]), ctx.on_date)
    if need is not None and amount < need["amount"]:
        values = {"size": clean["family_size"], "reference": need["reference"]}
        return [Problem("amount", message_fr=tn(f"{K}.error_funds_below", "fr", int(values["size"]), need=rq.money_text(need["amount"], "fr"), **values),
                        message_en=tn(f"{K}.error_funds_below", "en", int(values["size"]), need=rq.money_text(need["amount"], "en"), **values))]
    return []


def _spouse_comes(ctx: Context, _n: int | None) -> bool:
    p = ctx.answers.get("ee_personal") or {}
    return p.get("marital_status") in ("married", "common_law") and p.get("spouse_accompanying") == "yes" \
        and p.get("spouse_citizen_or_pr") != "yes"


def wizard() -> Wizard:
    lang_steps = []
    for prefix, test_step, date_step, results_step, when in (
        ("first", "ee_language_test", "ee_language_date", "ee_language_results", None),
        ("second", "ee_second_test", "ee_second_date", "ee_second_results", _has_second),
    ):
        if prefix == "first":
            lang_steps.append(Step(test_step, f"{K}.step_language_test", (
                Field("test", "select", f"{K}.language_test", options=TESTS, help_key=f"{K}.language_test_help"),)))
        else:
            lang_steps.append(Step(test_step, f"{K}.step_second_test", (
                Field("test", "select", f"{K}.second_test", options=_second_tests),)))
        lang_steps.append(Step(date_step, f"{K}.step_{prefix}_date", (
            Field("taken_on", "date", f"{K}.test_date", hint_key=f"{K}.test_date_hint"),), when=when,
            check=_date_check(test_step)))
        lang_steps.append(Step(results_step, f"{K}.step_{prefix}_results", tuple(
            _score_field(prefix, a) for a in ABILITIES) + (
            Field("other", "text", f"{K}.score_other", required=False, max_length=60),), when=when,
            check=_results_check(test_step, date_step), review=_results_review(test_step, date_step),
            note_facts=_results_facts(test_step, date_step)))
    steps = (
        Step("ee_province", f"{K}.step_province", (
            Field("province", "select", f"{K}.province", options=tuple(_opt(p, f"prov_{p}") for p in PROVINCES),
                  help_key=f"{K}.province_quebec_help"),)),
        *lang_steps,
        Step("ee_canadian_work", f"{K}.step_canadian_work", (
            Field("years", "radio", f"{K}.canadian_years", options=YEARS_3),
            Field("teer", "select", f"{K}.canadian_teer", options=TEER, required=False),
        ), check=_check_canadian),
        Step("ee_foreign_work", f"{K}.step_foreign_work", (
            Field("years", "radio", f"{K}.foreign_years", options=YEARS_3),
            Field("noc", "text", f"{K}.noc_code", required=False, max_length=5, pattern=r"[0-9]{5}",
                  pattern_error_key=f"{K}.error_noc_format", help_key=f"{K}.noc_help", finder="noc"),
        ), check=_check_noc),
        Step("ee_personal", f"{K}.step_personal", (
            Field("date_of_birth", "date", f"{K}.date_of_birth", hint_key=f"{K}.date_hint"),
            Field("marital_status", "select", f"{K}.marital_status", options=MARITAL),
            Field("spouse_citizen_or_pr", "radio", f"{K}.spouse_citizen_or_pr", options=YES_NO, required=False),
            Field("spouse_accompanying", "radio", f"{K}.spouse_accompanying", options=YES_NO, required=False),
        ), check=_check_personal),
        Step("ee_education", f"{K}.step_education", (
            Field("level", "select", f"{K}.education_level", options=EDUCATION),
            Field("canadian", "select", f"{K}.canadian_education", options=CANADIAN_EDUCATION),
            Field("assessed", "radio", f"{K}.education_assessed", options=YES_NO, help_key=f"{K}.eca_help"),
        )),
        Step("ee_job_offer", f"{K}.step_job_offer", (
            Field("has_offer", "radio", f"{K}.has_offer", options=YES_NO),
            Field("noc", "text", f"{K}.offer_noc", required=False, max_length=5, pattern=r"[0-9]{5}",
                  pattern_error_key=f"{K}.error_noc_format", show_if=("has_offer", "yes"), finder="noc"),
            Field("lmia", "radio", f"{K}.offer_lmia", options=YES_NO, required=False, show_if=("has_offer", "yes")),
            Field("authorized", "radio", f"{K}.authorized_to_work", options=YES_NO),
        ), check=_check_offer),
        Step("ee_nomination", f"{K}.step_nomination", (
            Field("nominated", "radio", f"{K}.nominated", options=YES_NO),
            Field("certificate", "radio", f"{K}.certificate", options=YES_NO),
            Field("sibling", "radio", f"{K}.sibling", options=YES_NO),
        )),
        Step("ee_spouse", f"{K}.step_spouse", (
            Field("education", "select", f"{K}.spouse_education", options=EDUCATION),
            Field("canadian_years", "radio", f"{K}.spouse_canadian_years", options=YEARS_3),
            Field("tested", "radio", f"{K}.spouse_tested", options=YES_NO),
            *(Field(f"clb_{a}", "select", f"{K}.spouse_clb_{a}", options=LEVELS, required=False,
                    show_if=("tested", "yes")) for a in ABILITIES),
        ), when=_spouse_comes),
        Step("ee_funds", f"{K}.step_funds", (
            Field("family_size", "number", f"{K}.family_size", minimum=1, maximum=30),
            Field("amount", "text", f"{K}.funds_amount", max_length=14, help_key=f"{K}.funds_help"),
        ), check=_check_funds),
    )
    return Wizard("express_entry_eligibility", steps, t)

