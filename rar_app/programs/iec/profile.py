"""Étape 2 – Remplir la demande du client: the profile's forms (task list), prefilled from
the eligibility answers; « Détails de ma demande » (Oui/Non per category); the declaration."""

from __future__ import annotations

from typing import Any, Mapping

from rar_app.i18n import t
from rar_app.programs.base import ApplicantData, Declaration, ProfileSection
from rar_app.programs.engine import Context, Field, Option, Problem, Step, Wizard
from rar_app.programs.iec.common import ACCEPT_REFUSE, CATEGORY_KEYS, ELIGIBILITY_FIELDS, YES_NO, answer, countries
from rar_app.programs.iec.eligibility import eligible_categories
from rar_app.rules.iec import CATEGORIES

EMAIL_PATTERN = r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}"
PASSPORT_PATTERN = r"[A-Za-z0-9]{1,20}"
SEX = (Option("F", "iec.sex_female"), Option("M", "iec.sex_male"), Option("X", "iec.sex_another"))


def _locked(ctx: Context, clean: dict[str, Any], names: tuple[str, ...]) -> list[Problem]:
    """A field that repeats an eligibility answer may not change here: changing it means
    starting again (the page says so next to the field and offers « Recommencer »)."""
    problems = []
    for name in names:
        ref, field = ELIGIBILITY_FIELDS[name]
        before = answer(ctx, ref, field)
        if before not in (None, "") and clean.get(name) not in (None, "") and clean.get(name) != before:
            problems.append(Problem(name, "iec.error_eligibility_changed"))
    return problems


def _check_personal(ctx: Context, clean: dict[str, Any], _index: int | None) -> list[Problem]:
    return _locked(ctx, clean, ("date_of_birth", "passport_country"))


def _check_contact(ctx: Context, clean: dict[str, Any], _index: int | None) -> list[Problem]:
    return _locked(ctx, clean, ("residence_country",))


def _check_details(ctx: Context, clean: dict[str, Any], _index: int | None) -> list[Problem]:
    eligible = eligible_categories(ctx)
    problems = []
    for c in CATEGORIES:
        value = clean.get(f"want_{c}") or ""
        if c in eligible and not value:
            problems.append(Problem(f"want_{c}", "iec.error_category_required"))
        elif c not in eligible and value == "yes":
            problems.append(Problem(f"want_{c}", "iec.error_category_not_eligible"))
    if not problems and not any(clean.get(f"want_{c}") == "yes" for c in CATEGORIES):
        problems.append(Problem(f"want_{eligible[0] if eligible else CATEGORIES[0]}", "iec.error_no_category"))
    return problems


def chosen_categories(ctx: Context) -> list[str]:
    """The categories the profile enters the pool for: eligible and answered Oui."""
    eligible = eligible_categories(ctx)
    return [c for c in CATEGORIES if c in eligible and answer(ctx, "details", f"want_{c}") == "yes"]


def _wizard(step: Step) -> Wizard:
    return Wizard(id=f"iec_{step.id}", steps=(step,), translate=t)


PERSONAL = _wizard(Step("personal", "iec.section_personal", check=_check_personal, fields=(
    Field("family_name", "text", "iec.family_name", max_length=100),
    Field("given_names", "text", "iec.given_names", max_length=100, required=False),
    Field("sex", "radio", "iec.sex", options=SEX),
    Field("date_of_birth", "date", "iec.date_of_birth", hint_key="iec.eligibility_locked"),
    Field("passport_country", "select", "iec.passport_country", options=countries, hint_key="iec.eligibility_locked"),
    Field("passport_number", "text", "iec.passport_number", max_length=20, pattern=PASSPORT_PATTERN,
          hint_key="iec.passport_number_hint", pattern_error_key="iec.passport_number_hint"),
)))

CONTACT = _wizard(Step("contact", "iec.section_contact", check=_check_contact, fields=(
    Field("email", "text", "iec.email", max_length=254, pattern=EMAIL_PATTERN, pattern_error_key="iec.email_error"),
    Field("address", "text", "iec.address", max_length=300),
    Field("residence_country", "select", "iec.residence_country", options=countries, hint_key="iec.eligibility_locked"),
)))

DETAILS = _wizard(Step("details", "iec.section_details", check=_check_details, fields=tuple(
    Field(f"want_{c}", "radio", f"iec.want_{c}", options=YES_NO, required=False, hint_key="iec.details_warning")
    for c in CATEGORIES
)))


def _prefill_personal(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    p = answers.get("passport") or {}
    return {"personal": {k: p[k] for k in ("date_of_birth", "passport_country") if p.get(k)}}


def _prefill_contact(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    p = answers.get("passport") or {}
    return {"contact": {"residence_country": p["residence_country"]}} if p.get("residence_country") else {}


SECTIONS = (
    ProfileSection("personal", "iec.section_personal", PERSONAL, prefill=_prefill_personal),
    ProfileSection("contact", "iec.section_contact", CONTACT, prefill=_prefill_contact),
    ProfileSection("details", "iec.section_details", DETAILS),
)

DECLARATION = Declaration(
    text_keys=("iec.declaration_intro", "iec.privacy_text", "iec.disclosure_text"),
    questions=(
        Field("agree_privacy", "radio", "iec.agree_privacy", options=ACCEPT_REFUSE),
        Field("agree_disclosure", "radio", "iec.agree_disclosure", options=ACCEPT_REFUSE),
    ),
    required_accept=("agree_privacy", "agree_disclosure"),
)

def applicants(ctx: Context) -> list[ApplicantData]:
    """The one person of a profile: the client as « Renseignements personnels » names them
    (the date of birth and country from step 1 until then)."""
    p = ctx.answers.get("personal") or {}
    first = ctx.answers.get("passport") or {}
    chosen = chosen_categories(ctx)
    return [ApplicantData(1, details_known=True, family_name=str(p.get("family_name") or "")[:100],
                          given_names=str(p.get("given_names") or "")[:100],
                          date_of_birth=str(p.get("date_of_birth") or first.get("date_of_birth") or ""),
                          country_of_residence=str(first.get("residence_country") or ""),
                          application_type=f"iec_{chosen[0] if chosen else 'working_holiday'}")]


__all__ = ["CATEGORY_KEYS", "DECLARATION", "SECTIONS", "chosen_categories"]
