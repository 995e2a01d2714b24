"""« Demande au titre du Programme fédéral de santé intérimaire (PFSI) » (guide, steps 1–19).

Questions → « Choisissez le type de demande de couverture » (the beneficiary groups of
the dated parameter ``ifhp.beneficiary_groups``, each with a plain explanation; the
rules engine's `ifhp` decides eligibility) → the client → « la ville où il vit, ou
encore la ville la plus près » → the documents to upload → review (pen icon) →
« Continuer » → the « sommaire des quatre étapes » → upload → « J'accepte », name,
security question, « Signer » → Signature → « Transmettre » → « Félicitations! ». No fee.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from rar_app import rules
from rar_app.i18n import t
from rar_app.programs import engine
from rar_app.programs.countries import country_field_options
from rar_app.programs.base import ApplicantData, Declaration, Program, StatusStep
from rar_app.programs.engine import Context, Field, Option, Problem, ReviewLine, Step, Wizard

CODE = "ifhp"
APPLICATION_TYPE = "ifhp"
YES_NO = (Option("yes", "wizard.answer_yes"), Option("no", "wizard.answer_no"))
NAME_PATTERN = r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ '’.-]*"
NO_GROUP = "none"  # the rules engine's code for « none of these groups »
UCI_PATTERN = r"[0-9]{4}-?[0-9]{4}|[0-9]{2}-?[0-9]{4}-?[0-9]{4}"


def _group_options(ctx: Context, _n: int | None) -> list[Option]:
    out = [Option(g["code"], label_fr=g["label_fr"], label_en=g["label_en"], help_fr=g["help_fr"],
                  help_en=g["help_en"]) for g in rules.ifhp_groups(ctx.on_date)]
    return out + [Option(NO_GROUP, "ifhp.group_none")]


def city_name(city: Mapping[str, str]) -> str:
    """How a city is shown, typed and stored: « Trois-Rivières (QC) » (official name, province)."""
    return f"{city['name']} ({city['province']})"


def _city_options(ctx: Context, _n: int | None) -> list[Option]:
    # The reference list (rules parameter ifhp.cities, Statistics Canada names): the same in both languages.
    return [Option(city_name(c), label_fr=city_name(c), label_en=city_name(c)) for c in rules.ifhp_cities(ctx.on_date)]


def rules_request(answers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    questions = dict(answers.get("questions") or {})
    return {"group": (answers.get("coverage_type") or {}).get("group") or "none",
            "in_canada": questions.get("in_canada") == "yes",
            "provincial_coverage": questions.get("provincial_coverage") == "yes"}


def eligibility(ctx: Context, lang: str = "fr") -> dict[str, Any]:
    return rules.ifhp(rules_request(ctx.answers), ctx.on_date, lang)


def _check_group(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    answers = {**ctx.answers, "coverage_type": clean}
    res = rules.ifhp(rules_request(answers), ctx.on_date, "fr")
    if res["eligible"]:
        return []
    en = rules.ifhp(rules_request(answers), ctx.on_date, "en")["reason"]["message"]
    return [Problem("group", message_fr=res["reason"]["message"], message_en=en)]


def _eligible(ctx: Context, _n: int | None) -> bool:
    group = (ctx.answers.get("coverage_type") or {}).get("group")
    return bool(group) and eligibility(ctx)["eligible"]


def checklist(ctx: Context, _n: int | None = None) -> list[dict]:
    """The documents of the chosen group (all required), from the rules engine."""
    if not _eligible(ctx, None):
        return []
    ref = rules.parameter("ifhp.beneficiary_groups", ctx.on_date).reference
    return [{**d, "help_fr": "", "help_en": "", "required": True, "reference": ref} for d in eligibility(ctx)["documents"]]


def _document_options(ctx: Context, _n: int | None) -> list[Option]:
    return [Option(d["code"], label_fr=d["label_fr"], label_en=d["label_en"]) for d in checklist(ctx)]


def _check_documents(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    missing = [d for d in checklist(ctx) if d["code"] not in (clean.get("documents") or [])]
    return [Problem("documents", "ifhp.error_documents")] if missing else []


def _check_client(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    if date.fromisoformat(clean["date_of_birth"]).year < ctx.on_date.year - 120:
        return [Problem("date_of_birth", "ifhp.error_birth_too_old")]
    return []


def _review_group(ctx: Context, clean: dict[str, Any], _n: int | None, lang: str) -> list[ReviewLine]:
    res = eligibility(Context(ctx.on_date, {**ctx.answers, "coverage_type": clean}), lang)
    label = next((o.label(lang, t) for o in _group_options(ctx, None) if o.code == clean.get("group")), "")
    return [ReviewLine(t("ifhp.group", lang), label, "coverage_type", "group"),
            ReviewLine(t("ifhp.eligibility", lang), res["reason"]["message"], "coverage_type", "group",
                       editable=False)]


APPLICATION = Wizard(
    id="ifhp_application",
    translate=t,
    steps=(
        Step("questions", "ifhp.step_questions", fields=(
            Field("in_canada", "radio", "ifhp.in_canada", options=YES_NO, help_key="ifhp.in_canada_help"),
            Field("provincial_coverage", "radio", "ifhp.provincial_coverage", options=YES_NO,
                  help_key="ifhp.provincial_coverage_help"),
        )),
        Step("coverage_type", "ifhp.step_coverage_type", check=_check_group, review=_review_group, fields=(
            Field("group", "radio", "ifhp.group", options=_group_options, help_key="ifhp.group_help",
                  required_error_key="ifhp.error_group"),
        )),
        Step("client", "ifhp.step_client", when=_eligible, check=_check_client, fields=(
            Field("family_name", "text", "ifhp.family_name", pattern=NAME_PATTERN, pattern_error_key="ifhp.error_name"),
            Field("given_names", "text", "ifhp.given_names", required=False, pattern=NAME_PATTERN,
                  pattern_error_key="ifhp.error_name"),
            Field("date_of_birth", "date", "ifhp.date_of_birth", hint_key="wizard.date_hint"),
            Field("nationality", "select", "ifhp.nationality", options=country_field_options),
            Field("uci", "text", "ifhp.uci", required=False, max_length=12, pattern=UCI_PATTERN,
                  pattern_error_key="ifhp.error_uci", hint_key="ifhp.uci_hint"),
        )),
        Step("city", "ifhp.step_city", when=_eligible, fields=(
            # A text box that filters the reference list as one types (datalist); checked against it here.
            Field("city", "search", "ifhp.city", options=_city_options, help_key="ifhp.city_help",
                  hint_key="ifhp.city_hint", max_length=80, required_error_key="ifhp.error_city",
                  pattern_error_key="ifhp.error_city_unknown"),
        )),
        Step("chosen_documents", "ifhp.step_documents", when=_eligible, check=_check_documents, fields=(
            Field("documents", "checkboxes", "ifhp.documents", options=_document_options,
                  help_key="ifhp.documents_help", required_error_key="ifhp.error_documents"),
        )),
    ),
)

DECLARATION = Declaration(
    text_keys=("ifhp.declaration_text",),
    questions=(Field("agree", "radio", "ifhp.agree", options=(Option("accept", "ifhp.i_accept"),)),),
    required_accept=("agree",),
)


def applicants(ctx: Context) -> list[ApplicantData]:
    """One client: the IFHP type, and the name and birth once the client page is answered."""
    details = (engine.validate(APPLICATION, "client", ctx.answers["client"], ctx)[0]
               if _eligible(ctx, None) and engine.is_complete(APPLICATION, "client", ctx) else {})
    return [ApplicantData(1, True, details.get("family_name", ""), details.get("given_names", ""),
                          details.get("date_of_birth", ""), "", APPLICATION_TYPE)]


def prefill(known: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The city the same representative gave for this client before (`known_clients`)."""
    client = dict(known.get("client") or {})
    return {"city": {"city": client["city"]}} if client.get("city") else {}


def client_details(answers: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The client as this request describes them (`Program.client_details`)."""
    client = dict(answers.get("client") or {})
    out = {k: client.get(k) for k in ("family_name", "given_names", "date_of_birth", "uci", "nationality")}
    out["city"] = (answers.get("city") or {}).get("city")
    return {k: str(v) for k, v in out.items() if v}


def facts(answers: Mapping[str, Mapping[str, Any]], on_date: date) -> dict[str, Any]:
    """What the back office reads from a submitted request."""
    client = dict(answers.get("client") or {})
    city = (answers.get("city") or {}).get("city") or ""
    return {
        "rules_request": rules_request(answers),
        "documents": list((answers.get("chosen_documents") or {}).get("documents") or []),
        "family_name": client.get("family_name") or "",
        "given_names": client.get("given_names") or "",
        "date_of_birth": client.get("date_of_birth") or "",
        "uci": client.get("uci") or "",
        "city": city,
    }


PROGRAM = Program(
    code=CODE,
    title_key="ifhp.title",
    home_key="home.apply_ifhp",
    slug_fr="programme-federal-de-sante-interimaire",
    slug_en="interim-federal-health-program",
    application=APPLICATION,
    declaration=DECLARATION,
    fees=None,
    checklist=checklist,
    applicants=applicants,
    prefill=prefill,
    client_details=client_details,
    client_steps=("city",),
    number_prefix="V",
    status_steps=(StatusStep("submitted", "ifhp.status_submitted"), StatusStep("review", "ifhp.status_review"),
                  StatusStep("decision", "ifhp.status_decision")),
    catalogues=("ifhp",),
    order=50,
    step_slugs={
        "questions": ("questions", "questions"),
        "coverage_type": ("type-de-couverture", "coverage-type"),
        "client": ("client", "client"),
        "city": ("ville", "city"),
        "chosen_documents": ("documents-a-televerser", "documents-to-upload"),
    },
    page_slugs={"summary": ("sommaire-des-quatre-etapes", "four-step-summary")},
    # Guide steps 10–17: review → « Continuer » → the « sommaire des quatre étapes » → upload →
    # « J'accepte », name, security question, « Signer » → Signature → « Transmettre ».
    finish_pages=("review", "summary", "document_checklist", "declaration", "signature"),
    summary_keys=("ifhp.summary_heading", "ifhp.summary_intro", "ifhp.summary_step1", "ifhp.summary_step2",
                  "ifhp.summary_step3", "ifhp.summary_step4"),
    extra={
        "application_type": APPLICATION_TYPE,
        "facts": facts,
        "office": "coverage_document",  # services/office issues the coverage document or asks for documents
        "decision_minutes": 60,
    },
)
