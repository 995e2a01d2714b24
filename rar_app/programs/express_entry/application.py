"""After « Invitation à présenter une demande (IPD) »: the permanent residence application.

A program-framework application (its own `Program`, created when the invitation is
accepted, never offered on the home page): a few question pages, the document
checklist the profile calls for, the fees in force (dated parameters of
`permanent_residence.yaml`, with their sources), then the generic signature, payment and
submission. The profile's answers are copied into the application's answers under
`profile` when it is created (services/casework/express_entry.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from rar_app import rules
from rar_app.i18n import t, tn
from rar_app.programs.base import FeeLine
from rar_app.programs.engine import Context, Field, Option, Problem, Step, Wizard
from rar_app.programs.express_entry import eligibility as el

K = "express_entry"


def _profile(ctx: Context) -> Mapping[str, Any]:
    """The profile's answers: copied with the invitation (`invitation.details.answers`, see
    services/office/pool_flow.py) or, in tests, under `profile`."""
    invitation = ctx.answers.get("invitation") or {}
    return (invitation.get("details") or {}).get("answers") or ctx.answers.get("profile") or {}


def _check_members(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    return []


WIZARD = Wizard("express_entry_pr", (
    Step("pr_confirm", f"{K}.step_pr_confirm", (
        Field("unchanged", "radio", f"{K}.pr_unchanged", options=el.YES_NO, help_key=f"{K}.pr_unchanged_help"),
    )),
    Step("pr_family", f"{K}.step_pr_family", (
        Field("spouse_included", "radio", f"{K}.pr_spouse_included", options=el.YES_NO),
        Field("children", "number", f"{K}.children", minimum=0, maximum=20),
    ), check=_check_members),
    Step("pr_history", f"{K}.step_pr_history", (
        Field("police_countries", "text", f"{K}.pr_police_countries", max_length=200, help_key=f"{K}.pr_police_help"),
        Field("medical_done", "radio", f"{K}.pr_medical_done", options=el.YES_NO),
    )),
), t)


def _money(value: str) -> int:
    return int(Decimal(value) * 100)


def fees(ctx: Context) -> list[FeeLine]:
    """Processing and right-of-permanent-residence fees for the principal applicant and an
    included spouse, the dependent child fee, biometrics (family maximum) — as in force on ctx.on_date."""
    family = ctx.answers.get("pr_family") or {}
    spouse = family.get("spouse_included") == "yes"
    children = int(family.get("children") or 0)
    on = ctx.on_date
    P = lambda name: rules.parameter(f"permanent_residence.{name}", on)  # noqa: E731
    lines: list[FeeLine] = []
    adults = [(1, "principal")] + ([(2, "spouse")] if spouse else [])
    for n, who in adults:
        pv = P("economic.processing")
        lines.append(FeeLine(t(f"{K}.fee_processing_{who}", "fr"), t(f"{K}.fee_processing_{who}", "en"),
                             _money(pv.value), n, pv.reference))
        pv = P("right_of_permanent_residence")
        lines.append(FeeLine(t(f"{K}.fee_rprf_{who}", "fr"), t(f"{K}.fee_rprf_{who}", "en"), _money(pv.value), n,
                             pv.reference))
    for i in range(children):
        pv = P("economic.dependent_child")
        lines.append(FeeLine(t(f"{K}.fee_child", "fr", n=i + 1), t(f"{K}.fee_child", "en", n=i + 1),
                             _money(pv.value), len(adults) + i + 1, pv.reference))
    people = len(adults) + children
    each, cap = P("biometrics.individual"), P("biometrics.family_maximum")
    amount = min(_money(each.value) * people, _money(cap.value))
    lines.append(FeeLine(tn(f"{K}.fee_biometrics", "fr", people, n=people), tn(f"{K}.fee_biometrics", "en", people, n=people), amount,
                         None, f"{each.reference}; {cap.reference}"))
    return lines


DOCUMENTS = (  # code, condition on the profile's answers, reference
    ("passport", None, "IRPR s. 50(1)"),
    ("language_results", None, "IRPR s. 74; Ministerial Instructions (Express Entry)"),
    ("eca", "foreign_education", "IRPR s. 75(2.1), 73 (educational credential assessment)"),
    ("work_reference", "has_work", "IRPR s. 75(2)(a), 87.1(2), 87.2(3) (proof of work experience)"),
    ("police_certificate", None, "IRPA s. 36; IRPR s. 16 (police certificates)"),
    ("medical_exam", None, "IRPR s. 30(1)(a) (immigration medical examination)"),
    ("photos", None, "IRPR s. 10(1); IRCC photo specifications"),
    ("proof_of_funds", "needs_funds", "IRPR s. 76(1)(b)(i) (settlement funds)"),
    ("job_offer_letter", "has_offer", "IRPR s. 82 (arranged employment)"),
    ("nomination_certificate", "nominated", "IRPR s. 87 (provincial nomination)"),
    ("marriage_certificate", "married", "IRPR s. 1(1), 117 (spouse or common-law partner)"),
    ("birth_certificates", "children", "IRPR s. 2 (dependent child)"),
)


def _conditions(ctx: Context) -> dict[str, bool]:
    from rar_app.programs.express_entry import profile as pf
    from rar_app.programs.express_entry import requests as rq

    prof = pf.eligibility_shape(_profile(ctx))
    family = ctx.answers.get("pr_family") or {}
    ed = prof.get("ee_education") or {}
    funds = prof.get("ee_funds") or {}
    try:
        needs_funds = rq.funds_needed(prof, int(funds.get("family_size") or 1), ctx.on_date) is not None
    except (KeyError, ValueError):
        needs_funds = True
    return {
        "foreign_education": (ed.get("canadian") or "none") == "none",
        "has_work": any((prof.get(s) or {}).get("years") not in (None, "", "0") for s in ("ee_canadian_work", "ee_foreign_work")),
        "needs_funds": needs_funds,
        "has_offer": (prof.get("ee_job_offer") or {}).get("has_offer") == "yes",
        "nominated": (prof.get("ee_nomination") or {}).get("nominated") == "yes",
        "married": (prof.get("ee_personal") or {}).get("marital_status") in ("married", "common_law"),
        "children": int(family.get("children") or 0) > 0,
    }


def checklist(ctx: Context, _n: int | None = None) -> list[dict]:
    """The documents the profile calls for: [{code, label_fr, label_en, help_fr, help_en, required, reference}]."""
    cond = _conditions(ctx)
    out = []
    for code, when, reference in DOCUMENTS:
        if when is not None and not cond[when]:
            continue
        out.append({"code": f"pr_{code}", "label_fr": t(f"{K}.doc_pr_{code}", "fr"), "label_en": t(f"{K}.doc_pr_{code}", "en"),
                    "help_fr": "", "help_en": "", "required": True, "reference": reference})
    return out


def applicants(ctx: Context) -> list:
    """The principal applicant (from the profile the invitation came with), and the spouse and
    children included — their fees and biometrics come from `fees`."""
    from rar_app.programs.base import ApplicantData

    prof = _profile(ctx)
    d = prof.get("ee_p_details") or {}
    return [ApplicantData(1, details_known=bool(d.get("family_name")), family_name=str(d.get("family_name") or "")[:100],
                          given_names=str(d.get("given_names") or "")[:100], date_of_birth=d.get("date_of_birth") or "",
                          application_type="express_entry_pr")]
