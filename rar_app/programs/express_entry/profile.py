"""Étape 2 – the « Profil d’Entrée express » task list: one form per section, prefilled
from the eligibility answers, and the mapping back to the rules (the pool's CRS is
recomputed from the profile as it is now)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping

from rar_app.i18n import t
from rar_app.programs.base import ProfileSection
from rar_app.programs.engine import Context, Field, Option, Problem, Step, Wizard, item_count
from rar_app.programs.express_entry import eligibility as el
from rar_app.programs.express_entry import requests as rq

K = "express_entry"
DOC_TYPES = tuple(Option(c, f"{K}.doc_{c}") for c in ("passport", "national_id", "travel_document"))
SEX = tuple(Option(c, f"{K}.sex_{c}") for c in ("female", "male", "another"))
CONTACT_LANGS = (Option("fr", f"{K}.contact_fr"), Option("en", f"{K}.contact_en"))


def _check_document(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    problems = []
    try:
        issued, expires = date.fromisoformat(clean["issued_on"]), date.fromisoformat(clean["expires_on"])
    except ValueError:
        return [Problem("expires_on", "wizard.error_date")]
    if issued > ctx.on_date:
        problems.append(Problem("issued_on", "wizard.error_date_future"))
    if expires <= issued:
        problems.append(Problem("expires_on", f"{K}.error_expiry_before_issue"))
    elif expires < ctx.on_date:
        problems.append(Problem("expires_on", f"{K}.error_document_expired"))
    return problems


def _check_contact(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", clean.get("email", "")):
        return [Problem("email", f"{K}.error_email")]
    return []


def _check_languages(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    taken = date.fromisoformat(clean["taken_on"])
    if not rq.test_date_valid(taken, ctx.on_date):
        return [Problem("taken_on", f"{K}.error_test_expired", {"years": rq.TEST_VALID_YEARS})]
    problems = []
    for a in rq.ABILITIES:
        p = rq.score_problem(clean["test"], a, clean.get(a, ""), ctx.on_date)
        if p is not None:
            problems.append(Problem(a, message_fr=p.fr, message_en=p.en))
    return problems


def _language_fields() -> tuple[Field, ...]:
    return (Field("test", "select", f"{K}.language_test", options=el.TESTS),
            Field("taken_on", "date", f"{K}.test_date", hint_key=f"{K}.test_date_hint"),
            *(el._score_field("first", a) for a in rq.ABILITIES),
            Field("other", "text", f"{K}.score_other", required=False, max_length=60))


def _section(id_: str, steps: tuple[Step, ...], prefill=None, shortcut_key: str = "") -> ProfileSection:
    return ProfileSection(id_, f"{K}.section_{id_.removeprefix('ee_sec_')}", Wizard(f"{K}_{id_}", steps, t), prefill,
                          shortcut_key)


def _copy(source: str, target: str, names: tuple[str, ...] | None = None):
    def prefill(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        values = dict(answers.get(source) or {})
        if names is not None:
            values = {k: v for k, v in values.items() if k in names}
        return {target: values} if values else {}
    return prefill


def _prefill_personal(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    born = (answers.get("ee_personal") or {}).get("date_of_birth")
    return {"ee_p_details": {"date_of_birth": born}} if born else {}


def _prefill_languages(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for test_step, date_step, results_step, target in (
        ("ee_language_test", "ee_language_date", "ee_language_results", "ee_l_first"),
        ("ee_second_test", "ee_second_date", "ee_second_results", "ee_l_second"),
    ):
        test = (answers.get(test_step) or {}).get("test")
        if test and test != "none":
            out[target] = {"test": test, **(answers.get(date_step) or {}), **(answers.get(results_step) or {})}
    if "ee_l_first" in out:
        out.setdefault("ee_l_second", {"has_second": "yes" if "ee_l_second" in out else "no"})
        out["ee_l_second"].setdefault("has_second", "yes")
    return out


def _prefill_work(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    if answers.get("ee_canadian_work"):
        out["ee_w_canada"] = dict(answers["ee_canadian_work"])
    if answers.get("ee_foreign_work"):
        out["ee_w_foreign"] = dict(answers["ee_foreign_work"])
    return out


def _prefill_family(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    p = answers.get("ee_personal") or {}
    if p:
        out["ee_f_family"] = {k: p[k] for k in ("marital_status", "spouse_citizen_or_pr", "spouse_accompanying") if k in p}
    if answers.get("ee_spouse"):
        out["ee_f_spouse"] = dict(answers["ee_spouse"])
    return out


def _check_second(ctx: Context, clean: dict[str, Any], n: int | None) -> list[Problem]:
    if clean.get("has_second") != "yes":
        return []
    problems = [Problem(f, "wizard.error_required") for f in ("test", "taken_on", *rq.ABILITIES) if not clean.get(f)]
    return problems or _check_languages(ctx, clean, n)


def _spouse_step_applies(ctx: Context, _n: int | None) -> bool:
    f = ctx.answers.get("ee_f_family") or {}
    return f.get("marital_status") in ("married", "common_law") and f.get("spouse_accompanying") == "yes" \
        and f.get("spouse_citizen_or_pr") != "yes"


SECTIONS: tuple[ProfileSection, ...] = (
    _section("ee_sec_personal", (
        Step("ee_p_details", f"{K}.step_p_details", (
            Field("family_name", "text", f"{K}.family_name"),
            Field("given_names", "text", f"{K}.given_names", required=False),
            Field("date_of_birth", "date", f"{K}.date_of_birth", hint_key=f"{K}.date_hint"),
            Field("sex", "select", f"{K}.sex", options=SEX),
            Field("country_of_birth", "text", f"{K}.country_of_birth", max_length=60),
            Field("citizenship", "text", f"{K}.citizenship", max_length=60),
        )),
        Step("ee_p_identity", f"{K}.step_p_identity", (
            Field("doc_type", "select", f"{K}.doc_type", options=DOC_TYPES),
            Field("number", "text", f"{K}.doc_number", max_length=30, pattern=r"[A-Za-z0-9 -]{3,30}"),
            Field("issuing_country", "text", f"{K}.doc_country", max_length=60),
            Field("issued_on", "date", f"{K}.doc_issued", hint_key=f"{K}.date_hint"),
            Field("expires_on", "date", f"{K}.doc_expires", hint_key=f"{K}.date_hint", allow_future=True),
        ), repeat=item_count("ee_p_identity"), items=True, intro_key=f"{K}.identity_help", check=_check_document),
    ), _prefill_personal),
    _section("ee_sec_family", (
        Step("ee_f_family", f"{K}.step_f_family", (
            Field("marital_status", "select", f"{K}.marital_status", options=el.MARITAL),
            Field("spouse_citizen_or_pr", "radio", f"{K}.spouse_citizen_or_pr", options=el.YES_NO, required=False),
            Field("spouse_accompanying", "radio", f"{K}.spouse_accompanying", options=el.YES_NO, required=False),
            Field("children", "number", f"{K}.children", minimum=0, maximum=20),
        ), check=lambda ctx, clean, n: el._check_personal(ctx, {**clean, "date_of_birth": "2000-01-01"}, n)),
        Step("ee_f_spouse", f"{K}.step_spouse", el.wizard().step("ee_spouse").fields, when=_spouse_step_applies),
    ), _prefill_family, shortcut_key=f"{K}.edit_family"),
    _section("ee_sec_education", (
        Step("ee_ed", f"{K}.step_education", el.wizard().step("ee_education").fields + (
            Field("institution", "text", f"{K}.institution", required=False, max_length=120),)),
    ), _copy("ee_education", "ee_ed")),
    _section("ee_sec_languages", (
        Step("ee_l_first", f"{K}.step_l_first", _language_fields(), check=_check_languages),
        Step("ee_l_second", f"{K}.step_l_second", (
            Field("has_second", "radio", f"{K}.has_second", options=el.YES_NO),
            *(Field(f.name, f.kind, f.label_key, required=False, max_length=f.max_length, pattern=f.pattern,
                    pattern_error_key=f.pattern_error_key, options=f.options, show_if=("has_second", "yes"))
              for f in _language_fields()),
        ), check=_check_second),
    ), _prefill_languages),
    _section("ee_sec_work", (
        Step("ee_w_canada", f"{K}.step_canadian_work", el.wizard().step("ee_canadian_work").fields,
             check=el._check_canadian),
        Step("ee_w_foreign", f"{K}.step_foreign_work", el.wizard().step("ee_foreign_work").fields, check=el._check_noc),
    ), _prefill_work),
    _section("ee_sec_offer", (
        Step("ee_o_offer", f"{K}.step_job_offer", el.wizard().step("ee_job_offer").fields, check=el._check_offer),
    ), _copy("ee_job_offer", "ee_o_offer")),
    _section("ee_sec_nomination", (
        Step("ee_n_nomination", f"{K}.step_nomination", el.wizard().step("ee_nomination").fields),
    ), _copy("ee_nomination", "ee_n_nomination")),
    _section("ee_sec_funds", (
        Step("ee_m_funds", f"{K}.step_funds", el.wizard().step("ee_funds").fields,
             check=lambda ctx, clean, n: el._check_funds(Context(ctx.on_date, eligibility_shape(ctx.answers)), clean, n)),
    ), _copy("ee_funds", "ee_m_funds")),
    _section("ee_sec_contact", (
        Step("ee_c_contact", f"{K}.step_contact", (
            Field("email", "text", f"{K}.email", max_length=120),
            Field("phone", "text", f"{K}.phone", max_length=30, pattern=r"[0-9 +().-]{7,30}"),
            Field("address", "text", f"{K}.address", max_length=200),
            Field("language", "radio", f"{K}.contact_language", options=CONTACT_LANGS),
        ), check=_check_contact),
    )),
)


def eligibility_shape(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The profile's answers in the eligibility steps' shape (profile values win), so the
    same rules request serves « Vos résultats » and the pool's recomputed CRS."""
    out = {k: dict(v) for k, v in answers.items() if isinstance(v, Mapping)}
    first = answers.get("ee_l_first")
    if first:
        out["ee_language_test"] = {"test": first.get("test")}
        out["ee_language_date"] = {"taken_on": first.get("taken_on")}
        out["ee_language_results"] = {a: first.get(a) for a in (*rq.ABILITIES, "other")}
    second = answers.get("ee_l_second")
    if second:
        if second.get("has_second") == "yes":
            out["ee_second_test"] = {"test": second.get("test")}
            out["ee_second_date"] = {"taken_on": second.get("taken_on")}
            out["ee_second_results"] = {a: second.get(a) for a in (*rq.ABILITIES, "other")}
        else:
            out["ee_second_test"] = {"test": "none"}
    for source, target in (("ee_w_canada", "ee_canadian_work"), ("ee_w_foreign", "ee_foreign_work"),
                           ("ee_o_offer", "ee_job_offer"), ("ee_n_nomination", "ee_nomination"),
                           ("ee_m_funds", "ee_funds"), ("ee_ed", "ee_education"), ("ee_f_spouse", "ee_spouse")):
        if answers.get(source):
            out[target] = dict(answers[source])
    personal = dict(out.get("ee_personal") or {})
    if answers.get("ee_p_details", {}).get("date_of_birth"):
        personal["date_of_birth"] = answers["ee_p_details"]["date_of_birth"]
    if answers.get("ee_f_family"):
        personal.update({k: v for k, v in answers["ee_f_family"].items() if k != "children"})
    if personal:
        out["ee_personal"] = personal
    return out


def applicants(ctx: Context) -> list:
    """The one person of a profile: the client, as « Détails personnels » names them (the
    date of birth from step 1 until then)."""
    from rar_app.programs.base import ApplicantData

    d = ctx.answers.get("ee_p_details") or {}
    born = d.get("date_of_birth") or (ctx.answers.get("ee_personal") or {}).get("date_of_birth") or ""
    return [ApplicantData(1, details_known=True, family_name=str(d.get("family_name") or "")[:100],
                          given_names=str(d.get("given_names") or "")[:100], date_of_birth=born,
                          application_type="express_entry")]
