"""Pieces the IEC wizards share: yes/no options, countries, French typography of the
rules engine's texts, and reading the eligibility answers back from a context."""

from __future__ import annotations

from typing import Any

from rar_app.i18n import t
from rar_app.programs.countries import country_field_options, country_name  # noqa: F401  (re-exported)
from rar_app.programs.engine import Context, Option
from rar_app.rules.common import fr_typography  # noqa: F401  (re-exported for the IEC modules)
from rar_app.rules.iec import CATEGORIES

CODE = "iec"
PERMIT_CODE = "iec_permit"

YES_NO = (Option("yes", "wizard.answer_yes"), Option("no", "wizard.answer_no"))
ACCEPT_REFUSE = (Option("accept", "iec.accept"), Option("refuse", "iec.refuse"))
CATEGORY_KEYS = {c: f"iec.category_{c}" for c in CATEGORIES}

# Eligibility answers (step ref, field) that a profile section repeats: changing them
# there means starting again (guide, Étape 2: « vous devrez recommencer complètement »).
ELIGIBILITY_FIELDS = {
    "passport_country": ("passport", "passport_country"),
    "residence_country": ("passport", "residence_country"),
    "date_of_birth": ("passport", "date_of_birth"),
}

# The portal's shared country list (the pages render it as reference data).
countries = country_field_options


def answer(ctx: Context, ref: str, name: str) -> Any:
    values = ctx.answers.get(ref)
    return values.get(name) if isinstance(values, dict) else None


def yes(ctx: Context, ref: str, name: str) -> bool | None:
    value = answer(ctx, ref, name)
    return None if value in (None, "") else value == "yes"


def eligibility_request(ctx: Context) -> dict[str, Any]:
    """The eligibility answers as the rules engine's `iec_assessment` input."""
    ro = answer(ctx, "organization_name", "organization") if yes(ctx, "organization", "has_letter") else None
    return {
        "passport_country": answer(ctx, "passport", "passport_country"),
        "residence_country": answer(ctx, "passport", "residence_country"),
        "date_of_birth": answer(ctx, "passport", "date_of_birth"),
        "recognized_organization": ro or None,
        "funds": yes(ctx, "funds", "funds"),
        "health_insurance": yes(ctx, "funds", "health_insurance"),
        "dependants_accompanying": yes(ctx, "family", "dependants_accompanying"),
        "job_offer": yes(ctx, "job", "job_offer"),
        "professional_development": yes(ctx, "job", "professional_development"),
        "post_secondary_student": yes(ctx, "studies", "post_secondary_student"),
        "criminal_record": yes(ctx, "admissibility", "criminal_record"),
        "medical_condition": yes(ctx, "admissibility", "medical_condition"),
    }


def label(key: str, lang: str, **values: Any) -> str:
    return t(key, lang, **values)
