"""After an accepted IPD: the temporary residence (work permit) application — form,
the IEC document checklist of the invited category, fees in force, to be submitted
within the application period (`iec.application_days`) of the acceptance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rar_app.i18n import t
from rar_app.programs.base import ApplicantData, FeeLine
from rar_app.programs.engine import Context, Field, Option, Problem, Step, Wizard
from rar_app.programs.iec.common import YES_NO, answer, fr_typography
from rar_app.rules.iec import CATEGORIES
from rar_app.rules.iec_program import iec_documents, iec_fees

PROVINCES = ("ab", "bc", "mb", "nb", "nl", "ns", "nt", "nu", "on", "pe", "qc", "sk", "yt")
OFFER_PATTERN = r"[A-Za-z][0-9]{7}"
# Where the acceptance stores what the invitation was for (the pool service writes it).
INVITATION_REF = "invitation"


def category(ctx: Context) -> str:
    """The category the invitation was for: its stream (``FR-YP``), or a category code."""
    c = answer(ctx, INVITATION_REF, "category")
    if c in CATEGORIES:
        return c
    stream = str(answer(ctx, INVITATION_REF, "stream") or "")
    code = stream.rsplit("-", 1)[-1] if stream else ""
    found = {"WH": "working_holiday", "YP": "young_professionals", "CO": "international_coop"}.get(code)
    if found:
        return found
    # Before an invitation (the profile's « what to gather »): the first category chosen.
    details = answer(ctx, INVITATION_REF, "details") or {}
    chosen = [c for c in (details.get("categories") or []) if c in CATEGORIES] if isinstance(details, dict) else []
    return chosen[0] if chosen else "working_holiday"


def _employer_specific(ctx: Context, _index: int | None) -> bool:
    return category(ctx) in ("young_professionals", "international_coop")


def _check_travel(_ctx: Context, clean: dict[str, Any], _index: int | None) -> list[Problem]:
    return [] if clean.get("insurance_confirmed") == "yes" else [Problem("insurance_confirmed", "iec.error_insurance")]


PERMIT = Wizard(
    id="iec_permit",
    translate=t,
    steps=(
        Step("employment", "iec.permit_step_employment", when=_employer_specific, fields=(
            Field("employer_name", "text", "iec.employer_name", max_length=200),
            Field("offer_number", "text", "iec.offer_number", max_length=8, pattern=OFFER_PATTERN,
                  hint_key="iec.offer_number_hint", pattern_error_key="iec.offer_number_error"),
        )),
        Step("travel", "iec.permit_step_travel", check=_check_travel, fields=(
            Field("intended_province", "select", "iec.intended_province",
                  options=tuple(Option(p, f"iec.province_{p}") for p in PROVINCES)),
            Field("insurance_confirmed", "radio", "iec.insurance_confirmed", options=YES_NO),
            Field("biometrics_needed", "radio", "iec.biometrics_needed", options=YES_NO, help_key="iec.biometrics_needed_help"),
        )),
    ),
)


def _cents(amount: str) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def fees(ctx: Context) -> list[FeeLine]:
    """Participation fee, open work permit holder fee (Working Holiday) and biometrics."""
    biometrics = answer(ctx, "travel", "biometrics_needed") != "no"
    summary = iec_fees(category(ctx), ctx.on_date, biometrics=biometrics)
    return [FeeLine(fr_typography(line["explanation_fr"]), line["explanation_en"], _cents(line["amount"]), applicant=1, reference=line["reference"])
            for line in summary["lines"]]


def checklist(ctx: Context, _n: int | None) -> list[dict]:
    stream = str(answer(ctx, INVITATION_REF, "stream") or "")
    ro = bool(answer(ctx, INVITATION_REF, "recognized_organization")) or stream.startswith("RO-")
    return iec_documents(category(ctx), ctx.on_date, recognized_organization=ro)


def fee_summary(ctx: Context, lang: str) -> dict:
    """The rules engine's fee summary of the invited category (French typography applied)."""
    biometrics = answer(ctx, "travel", "biometrics_needed") != "no"
    summary = iec_fees(category(ctx), ctx.on_date, biometrics=biometrics, lang=lang)
    for line in summary["lines"]:
        line["explanation_fr"] = fr_typography(line["explanation_fr"])
        if lang == "fr":
            line["explanation"] = line["explanation_fr"]
    return summary


def applicants(ctx: Context) -> list[ApplicantData]:
    """The one participant: the invited category's application type and the biometrics answer."""
    biometrics = "none" if answer(ctx, "travel", "biometrics_needed") == "no" else "standard"
    return [ApplicantData(position=1, application_type=f"iec_{category(ctx)}", biometrics_option=biometrics)]
