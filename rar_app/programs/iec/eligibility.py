"""Étape 1 – Vérifier l'admissibilité du client: the questions (one page each, « Suivant »)
and « Vos résultats » (the categories, with reasons and references)."""

from __future__ import annotations

from decimal import Decimal

from rar_app.i18n import t
from rar_app.programs.base import Outcome, Reason
from rar_app.programs.engine import Context, Field, Option, Step, Wizard
from rar_app.programs.iec.common import CATEGORY_KEYS, YES_NO, countries, eligibility_request, fr_typography, yes
from rar_app.rules import params
from rar_app.rules.common import fmt_money
from rar_app.rules.errors import RulesInputError
from rar_app.rules.iec import CATEGORIES
from rar_app.rules.iec_program import iec_assessment, iec_recognized_organizations


def _organizations(ctx: Context, _index: int | None) -> list[Option]:
    return [Option(o["code"], label_fr=o["name"], label_en=o["name"]) for o in iec_recognized_organizations(ctx.on_date)]


def _funds_options(ctx: Context, _index: int | None) -> list[Option]:
    """Oui/Non with the amount in force (a dated parameter), in both languages."""
    amount = Decimal(params.value("iec.funds_minimum", ctx.on_date))
    fr, en = fmt_money(amount, "fr"), fmt_money(amount, "en")
    return [Option("yes", label_fr=f"Oui, au moins {fr}", label_en=f"Yes, at least {en}"),
            Option("no", label_fr=f"Non, moins de {fr}", label_en=f"No, less than {en}")]


def offered(ctx: Context) -> list[str]:
    """Categories the country agreement or the organization opens, before the other
    conditions (all three while the first answers are missing)."""
    req = eligibility_request(ctx)
    if not req["passport_country"] or not req["date_of_birth"]:
        return list(CATEGORIES)
    try:
        base = iec_assessment({k: req[k] for k in ("passport_country", "residence_country", "date_of_birth", "recognized_organization")},
                              ctx.on_date, "en")
    except RulesInputError:
        return list(CATEGORIES)
    return base["eligible"]


def _job_applies(ctx: Context, _index: int | None) -> bool:
    return any(c in offered(ctx) for c in ("young_professionals", "international_coop"))


def _studies_apply(ctx: Context, _index: int | None) -> bool:
    return "international_coop" in offered(ctx)


def _organization_applies(ctx: Context, _index: int | None) -> bool:
    return bool(yes(ctx, "organization", "has_letter"))


ELIGIBILITY = Wizard(
    id="iec_eligibility",
    translate=t,
    steps=(
        Step("passport", "iec.step_passport", fields=(
            Field("passport_country", "select", "iec.passport_country", options=countries, help_key="iec.passport_country_help"),
            Field("residence_country", "select", "iec.residence_country", options=countries, help_key="iec.residence_country_help"),
            Field("date_of_birth", "date", "iec.date_of_birth", hint_key="wizard.date_hint"),
        )),
        Step("organization", "iec.step_organization", fields=(
            Field("has_letter", "radio", "iec.has_organization_letter", options=YES_NO, help_key="iec.has_organization_letter_help"),
        )),
        Step("organization_name", "iec.step_organization_name", when=_organization_applies, fields=(
            Field("organization", "select", "iec.organization", options=_organizations, hint_key="iec.organization_hint"),
        )),
        Step("funds", "iec.step_funds", fields=(
            Field("funds", "radio", "iec.funds", options=_funds_options),
            Field("health_insurance", "radio", "iec.health_insurance", options=YES_NO),
        )),
        Step("family", "iec.step_family", fields=(
            Field("dependants_accompanying", "radio", "iec.dependants_accompanying", options=YES_NO,
                  help_key="iec.dependants_accompanying_help"),
        )),
        Step("job", "iec.step_job", when=_job_applies, fields=(
            Field("job_offer", "radio", "iec.job_offer", options=YES_NO),
            Field("professional_development", "radio", "iec.professional_development", options=YES_NO,
                  show_if=("job_offer", "yes"), help_key="iec.professional_development_help"),
        )),
        Step("studies", "iec.step_job", when=_studies_apply, fields=(
            Field("post_secondary_student", "radio", "iec.post_secondary_student", options=YES_NO,
                  help_key="iec.post_secondary_student_help"),
        )),
        Step("admissibility", "iec.step_admissibility", fields=(
            Field("criminal_record", "radio", "iec.criminal_record", options=YES_NO),
            Field("medical_condition", "radio", "iec.medical_condition", options=YES_NO),
        )),
    ),
)


def _reason(r: dict) -> Reason:
    return Reason(fr_typography(r["message_fr"]), r["message_en"], r.get("reference", ""))


def assessment(ctx: Context) -> dict:
    req = eligibility_request(ctx)
    if req.get("job_offer") is False:
        req["professional_development"] = None
    return iec_assessment(req, ctx.on_date, "en")


def eligible_categories(ctx: Context) -> list[str]:
    try:
        return assessment(ctx)["eligible"]
    except RulesInputError:
        return []


def outcome(ctx: Context, lang: str) -> Outcome:
    """« Vos résultats »: the categories the client can apply in, and why not the others."""
    try:
        a = assessment(ctx)
    except RulesInputError as e:
        return Outcome(eligible=False, advice=(Reason(fr_typography(e.message_fr), e.message_en, ""),))
    results = tuple((CATEGORY_KEYS[c], tuple(_reason(r) for r in a["categories"][c]["reasons"]))
                    for c in CATEGORIES if a["categories"][c]["eligible"])
    refusals = tuple((CATEGORY_KEYS[c], tuple(_reason(r) for r in a["categories"][c]["reasons"]))
                     for c in CATEGORIES if not a["categories"][c]["eligible"])
    advice = [_reason(r) for r in a["general"]] + [_reason(r) for r in a["advice"]]
    if any(r["code"] == "not_partner_country" for r in a["general"]):
        advice.append(Reason(t("iec.advice_partner", "fr"), t("iec.advice_partner", "en"),
                             params.ref("iec.recognized_organizations", ctx.on_date).reference))
    return Outcome(eligible=bool(a["eligible"]), results=results, refusals=refusals, advice=tuple(advice))
