"""Visitor visa, study permit and/or work permit (« Faire une demande : Visa de visiteur,
permis d'études et/ou permis de travail »): the questionnaire (`wizard.py`), its fee step
(`fees.py`), the per-client document checklist and the solemn declaration. Submission
produces an application whose applicants each get a number (V, S or W + 9 digits)."""

from __future__ import annotations

from rar_app.i18n import t
from rar_app.programs import registry
from rar_app.programs.base import ApplicantData, Declaration, Program
from rar_app.programs import engine
from rar_app.programs.engine import Context, Field, Option, Wizard
from rar_app.programs.visitor_study_work import fees, questions
from rar_app.programs.visitor_study_work.wizard import STEPS

CODE = "visitor_study_work"

WIZARD = Wizard(id=CODE, translate=t, steps=STEPS)


def applicants(ctx: Context) -> list[ApplicantData]:
    """One row per client: their details once the client step validates, SDS, fee options."""
    complete = engine.is_complete(WIZARD, "applicants", ctx)
    count = questions._count(ctx) if complete else 0
    fee_answers = ctx.answers.get("fees")
    fee_clean = fee_answers if fee_answers is not None and engine.is_complete(WIZARD, "fees", ctx) else {}
    out = []
    for n in range(1, count + 1):
        ref = f"client.{n}"
        details = engine.validate(WIZARD, ref, ctx.answers.get(ref) or {}, ctx)[0] if engine.is_complete(WIZARD, ref, ctx) else None
        fee_id, _needed, bio_id = fees.fee_field_ids(n)
        common = dict(sds=questions._sds_chosen(ctx, n), fee_option=fee_clean.get(fee_id, "standard"),
                      biometrics_option=fee_clean.get(bio_id, "none"),
                      fee_exemption_reason=fee_clean.get(fees.reason_field_id(n), ""))
        if details is None:
            out.append(ApplicantData(n, **common))
            continue
        out.append(ApplicantData(
            n, True, details["family_name"], details.get("given_names", ""), details["date_of_birth"],
            details["country"], details["application_type"], details["minor"] == "yes", **common))
    return out


def chosen_documents(ctx: Context, n: int | None) -> list[dict]:
    """Client n's documents to upload: the rules' required items and the additional ones picked."""
    if n is None or not engine.is_complete(WIZARD, f"client.{n}", ctx):
        return []
    ref = f"documents.{n}"
    picked = set((engine.validate(WIZARD, ref, ctx.answers.get(ref) or {}, ctx)[0].get("documents") or [])
                 if engine.is_complete(WIZARD, ref, ctx) else ())
    chosen = [d for d in questions.checklist(ctx, n) if d["required"] or d["code"] in picked]
    if _fee_of(ctx, n) == "exempt":  # the exemption's supporting document (staff review it)
        chosen.append(fees.exemption_proof(ctx, n))
    return chosen


def _fee_of(ctx: Context, n: int) -> str:
    """Client n's validated processing-fee choice ("" while the fee step is not complete)."""
    if ctx.answers.get("fees") is None or not engine.is_complete(WIZARD, "fees", ctx):
        return ""
    return str(engine.validate(WIZARD, "fees", ctx.answers["fees"], ctx)[0].get(fees.fee_field_ids(n)[0], ""))


def fee_summary(ctx: Context, lang: str) -> dict | None:
    if not engine.is_complete(WIZARD, "fees", ctx):
        return None
    return fees.summary(ctx, engine.validate(WIZARD, "fees", ctx.answers["fees"], ctx)[0], lang)


DECLARATION = Declaration(
    text_keys=("submit.declaration_intro",),
    questions=(Field("agree", "radio", "submit.agree_legend",
                     options=(Option("yes", "submit.agree_yes"), Option("no", "submit.agree_no"))),),
    required_accept=("agree",),
    accept_code="yes",
    sections=(("submit.privacy_title", ("submit.privacy_1", "submit.privacy_2")),
              ("submit.statement_title", ("submit.statement_1", "submit.statement_2", "submit.statement_3"))),
)

PROGRAM = registry.register(Program(
    code=CODE,
    title_key="wizard.title",
    home_key="home.apply_vsw",
    drafts_key="wizard.drafts_kind_vsw",
    slug_fr="visa-visiteur-permis-etudes-travail",
    slug_en="visitor-visa-study-work-permit",
    application=WIZARD,
    declaration=DECLARATION,
    checklist=chosen_documents,
    fee_summary=fee_summary,
    number_prefix="V",  # V, S or W by application type: see submission.line_of_business
    catalogues=("wizard", "fees", "submit", "payment"),
    order=10,
    step_slugs={
        "applicants": ("nombre-de-demandeurs", "number-of-applicants"),
        "client": ("client", "client"),
        "sds": ("volet-direct-pour-les-etudes", "student-direct-stream"),
        "documents": ("information-relative-au-client", "client-information"),
        "fees": ("types-de-frais", "fee-types"),
    },
    file_number=("file_number", "file_number"),
    applicants=applicants,
    prune=questions.prune,
    prefill=questions.prefill,
    extra_keys=fees.extra_keys,
    step_panels={"documents": questions.documents_panel, "fees": fees.fee_panel},
    max_applicants=questions.MAX_APPLICANTS,
))
