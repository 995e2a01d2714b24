"""Visitor visa / study permit / work permit: the fee step (one processing and one
biometric choice per client, validated by the rules engine) and its live panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Mapping

from rar_app import rules
from rar_app.i18n import t
from rar_app.programs.engine import Context, Option, Problem, ReviewLine
from rar_app.programs.visitor_study_work.questions import _app_type, _client_group, _count
from rar_app.rules.common import fmt_money

# Rules-engine fee warnings that make the fees wrong (blocked at "Suivant");
# the others (overpayment, a family rate that costs more) are shown as warnings.
BLOCKING_FEE_WARNINGS = {
    "family_exempt_without_family_rate",
    "family_rate_not_principal",
    "family_rate_too_few",
    "family_rate_not_offered",
    "biometrics_not_applicable",
}


def _money(amount: str | Decimal, lang: str) -> str:
    return fmt_money(Decimal(str(amount)), lang)


def fee_choices(ctx: Context, n: int) -> tuple[list[Option], list[Option]]:
    """(processing options, biometric options except 'none') that client n may choose.

    The family rate is paid by client 1 only, and only when the application has
    enough people (rules parameter fees.family_rate.minimum_people); the others
    may then be covered by it ("… – Tarif familial – Dispensé des frais")."""
    opts = rules.fee_options(_app_type(ctx, n), ctx.on_date)
    count = _count(ctx)
    minimum = int(rules.parameter("fees.family_rate.minimum_people", ctx.on_date).value)
    family_ok = count >= minimum

    def allowed(code: str) -> bool:
        if code == "family_rate":
            return n == 1 and family_ok
        if code == "family_rate_exempt":
            return n != 1 and family_ok
        return True

    def option(o: dict) -> Option:
        return Option(o["code"], label_fr=o["label_fr"], label_en=o["label_en"], help_fr=o["help_fr"], help_en=o["help_en"])

    processing = [option(o) for o in opts["processing"] if allowed(o["code"])]
    biometrics = [option(o) for o in opts["biometrics"] if o["code"] != "none" and allowed(o["code"])]
    return processing, biometrics


def fee_field_ids(n: int) -> tuple[str, str, str]:
    return f"fee-{n}", f"bio_needed-{n}", f"bio-{n}"


# « Dispensé des frais » is not taken on trust (issue 14, point 6): the reason, here, and a
# supporting document in the checklist (slot EXEMPTION_PROOF); staff review both before processing.
REASON_MAX = 500
EXEMPTION_PROOF = "fee_exemption_proof"


def reason_field_id(n: int) -> str:
    return f"fee_reason-{n}"


def exemption_proof(ctx: Context, n: int) -> dict:
    """The checklist item of client n's fee exemption proof (required)."""
    reference = rules.parameter("fees.exemption.allowed", ctx.on_date).reference
    return {"code": EXEMPTION_PROOF, "label_fr": t("fees.exemption_proof", "fr"), "label_en": t("fees.exemption_proof", "en"),
            "help_fr": t("fees.exemption_proof_help", "fr"), "help_en": t("fees.exemption_proof_help", "en"),
            "required": True, "reference": reference}


def _validate_fees(ctx: Context, raw: Mapping[str, Any], _index: int | None) -> tuple[dict[str, Any], list[Problem]]:
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    count = _count(ctx)
    for n in range(1, count + 1):
        fee_id, needed_id, bio_id = fee_field_ids(n)
        processing, biometrics = fee_choices(ctx, n)
        fee = str(raw.get(fee_id) or "").strip()
        if not fee:
            problems.append(Problem(fee_id, "wizard.error_fee_required", {"n": n}))
        elif fee not in {o.code for o in processing}:
            problems.append(Problem(fee_id, "wizard.error_fee_not_allowed", {"n": n}))
        else:
            clean[fee_id] = fee
        if fee == "exempt":  # the reason is required, and goes to staff with the document
            reason = " ".join(str(raw.get(reason_field_id(n)) or "").split())
            if not reason:
                problems.append(Problem(reason_field_id(n), "wizard.error_fee_reason_required", {"n": n}))
            elif len(reason) > REASON_MAX:
                problems.append(Problem(reason_field_id(n), "wizard.error_fee_reason_too_long",
                                        {"n": n, "max": REASON_MAX}))
            else:
                clean[reason_field_id(n)] = reason
        needed = str(raw.get(needed_id) or "").strip()
        if not biometrics:
            clean[needed_id], clean[bio_id] = "no", "none"
            continue
        if needed not in ("yes", "no"):
            problems.append(Problem(needed_id, "wizard.error_bio_needed", {"n": n}))
            continue
        clean[needed_id] = needed
        if needed == "no":
            clean[bio_id] = "none"
            continue
        bio = str(raw.get(bio_id) or "").strip()
        if not bio:
            problems.append(Problem(bio_id, "wizard.error_bio_required", {"n": n}))
        elif bio not in {o.code for o in biometrics}:
            problems.append(Problem(bio_id, "wizard.error_fee_not_allowed", {"n": n}))
        else:
            clean[bio_id] = bio
    if problems or count == 0:
        return clean, problems or [Problem("fees", "wizard.error_no_applicants")]
    summary = rules.fee_summary(fee_request(ctx, clean), ctx.on_date, "fr")
    for w in summary["warnings"]:
        if w["code"] in BLOCKING_FEE_WARNINGS:
            n = w["applicant"] + 1
            field = fee_field_ids(n)[0 if w["item"] == "processing" else 2]
            problems.append(Problem(field, message_fr=w["message_fr"], message_en=w["message_en"]))
    return clean, problems


def fee_request(ctx: Context, choices: Mapping[str, Any]) -> list[dict]:
    out = []
    for n in range(1, _count(ctx) + 1):
        fee_id, _needed_id, bio_id = fee_field_ids(n)
        out.append({"application": _app_type(ctx, n), "fee": choices.get(fee_id) or "standard",
                    "biometrics": choices.get(bio_id) or "none"})
    return out


def _option_label(options: Iterable[Option], code: str, lang: str) -> str:
    for o in options:
        if o.code == code:
            return o.label(lang, t)
    return code


def _review_fees(ctx: Context, clean: dict[str, Any], _index: int | None, lang: str) -> list[ReviewLine]:
    lines = []
    for n in range(1, _count(ctx) + 1):
        fee_id, needed_id, bio_id = fee_field_ids(n)
        # One « Frais » section on the review; each line says whose fee it is.
        client = _client_group(ctx, n, lang)
        group = t("fees.review_group", lang)
        opts = rules.fee_options(_app_type(ctx, n), ctx.on_date)
        processing = [Option(o["code"], label_fr=o["label_fr"], label_en=o["label_en"]) for o in opts["processing"]]
        biometrics = [Option(o["code"], label_fr=o["label_fr"], label_en=o["label_en"]) for o in opts["biometrics"]]
        lines.append(ReviewLine(f'{t("fees.fee_type", lang)} ({client})', _option_label(processing, clean.get(fee_id, ""), lang),
                                "fees", fee_id, group))
        if clean.get(fee_id) == "exempt":
            lines.append(ReviewLine(f'{t("fees.exemption_reason", lang)} ({client})', clean.get(reason_field_id(n), ""),
                                    "fees", reason_field_id(n), group))
        needed = clean.get(needed_id) == "yes"
        lines.append(ReviewLine(f'{t("fees.bio_needed", lang)} ({client})',
                                t("wizard.answer_yes" if needed else "wizard.answer_no", lang), "fees", needed_id, group))
        if needed:
            lines.append(ReviewLine(f'{t("fees.bio_option", lang)} ({client})',
                                    _option_label(biometrics, clean.get(bio_id, ""), lang), "fees", bio_id, group))
    return lines


def fee_panel(ctx: Context, _index: int | None, choices: Mapping[str, Any], lang: str) -> dict:
    """The fee step's live view (widget "fee_selector"): for each client the options they
    may choose (with help texts and amounts) and the rules engine's fee summary of
    `choices` (unanswered or unknown choices count as the standard fee / no biometrics).
    ``{rows, summary, cheapest}``."""
    rows = []
    request = []
    types = {x["code"]: x for x in rules.application_types(ctx.on_date)}
    for n in range(1, _count(ctx) + 1):
        processing, biometrics = fee_choices(ctx, n)
        opts = rules.fee_options(_app_type(ctx, n), ctx.on_date)
        amounts = {("p", o["code"]): o["amount"] for o in opts["processing"]}
        amounts.update({("b", o["code"]): o["amount"] for o in opts["biometrics"]})

        def view(o: Option, kind: str) -> dict:
            return {"code": o.code, "label": o.label(lang, t), "help": o.help_fr if lang == "fr" else o.help_en,
                    "amount": _money(amounts.get((kind, o.code), "0"), lang)}

        fee_id, needed_id, bio_id = fee_field_ids(n)
        app_type = _app_type(ctx, n)
        rows.append({
            "position": n,
            "heading": _client_group(ctx, n, lang),
            "type_label": types.get(app_type, {}).get("label_fr" if lang == "fr" else "label_en", app_type),
            "fee_options": [view(o, "p") for o in processing],
            "bio_options": [view(o, "b") for o in biometrics],
        })
        fee = str(choices.get(fee_id) or "")
        bio = str(choices.get(bio_id) or "") if choices.get(needed_id) == "yes" else "none"
        request.append({"application": app_type,
                        "fee": fee if fee in rules.fees.FEE_OPTIONS else "standard",
                        "biometrics": bio if bio in rules.fees.BIOMETRIC_OPTIONS else "none"})
    summary = rules.fee_summary(request, ctx.on_date, lang) if request else None
    cheapest = {}
    if summary:
        for n, a in enumerate(summary["cheapest"]["applicants"], start=1):
            fee_id, needed_id, bio_id = fee_field_ids(n)
            cheapest[fee_id] = a["fee"]
            cheapest[needed_id] = "yes" if a["biometrics"] != "none" else "no"
            cheapest[bio_id] = a["biometrics"] if a["biometrics"] != "none" else ""
    return {"rows": rows, "summary": summary, "cheapest": cheapest}


def summary(ctx: Context, choices: Mapping[str, Any] | None, lang: str) -> dict | None:
    """`rules.fee_summary` of saved fee answers (None while the fee step is unanswered)."""
    return rules.fee_summary(fee_request(ctx, choices), ctx.on_date, lang) if choices is not None else None


def extra_keys(ctx: Context, step_id: str) -> list[str]:
    """The fee step's field names (one set per client) kept on an unfinished save."""
    if step_id != "fees":
        return []
    return [k for n in range(1, _count(ctx) + 1) for k in (*fee_field_ids(n), reason_field_id(n))]
