"""Visitor visa / study permit / work permit: the answers the questionnaire's rules
depend on (number of applicants, each client's type, minor, Student Direct Stream),
the per-client document checklist, and the checks of the client step."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from rar_app import rules
from rar_app.i18n import t
from rar_app.programs.engine import Context, Option, Problem, ReviewLine

MAX_APPLICANTS = 10
YES_NO = (Option("yes", "wizard.answer_yes"), Option("no", "wizard.answer_no"))
FILE_NUMBER_PATTERN = r"[0-9A-Za-zÀ-ÖØ-öø-ÿ][0-9A-Za-zÀ-ÖØ-öø-ÿ _./#-]*"


def _count(ctx: Context) -> int:
    raw = (ctx.answers.get("applicants") or {}).get("count")
    try:
        n = int(str(raw).strip())
    except (TypeError, ValueError):
        return 0
    return n if 1 <= n <= MAX_APPLICANTS else 0


def _client(ctx: Context, n: int | None) -> dict[str, Any]:
    return dict(ctx.answers.get(f"client.{n}") or {})


def _sds_applies(ctx: Context, n: int | None) -> bool:
    c = _client(ctx, n)
    country = str(c.get("country") or "")
    return c.get("application_type") == "study_permit" and bool(country) and rules.sds_open(country, ctx.on_date)


def _sds_chosen(ctx: Context, n: int | None) -> bool:
    return _sds_applies(ctx, n) and (ctx.answers.get(f"sds.{n}") or {}).get("apply_sds") == "yes"


def _is_minor(ctx: Context, n: int | None) -> bool:
    return _client(ctx, n).get("minor") == "yes"


def _app_type(ctx: Context, n: int | None) -> str:
    value = _client(ctx, n).get("application_type") or "visitor_visa"
    return value if value in rules.services.WIZARD_TYPES else "visitor_visa"


def _type_options(ctx: Context, _n: int | None) -> list[Option]:
    return [Option(x["code"], label_fr=x["label_fr"], label_en=x["label_en"]) for x in rules.application_types(ctx.on_date)]


def checklist(ctx: Context, n: int | None) -> list[dict]:
    """The rules engine's document list for client n, given their answers so far."""
    return rules.required_documents(_app_type(ctx, n), minor=_is_minor(ctx, n), sds=_sds_chosen(ctx, n), on_date=ctx.on_date)


def _optional_document_options(ctx: Context, n: int | None) -> list[Option]:
    return [Option(d["code"], label_fr=d["label_fr"], label_en=d["label_en"], help_fr=d["help_fr"], help_en=d["help_en"])
            for d in checklist(ctx, n) if not d["required"]]


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _check_client(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    born = date.fromisoformat(clean["date_of_birth"])
    age = _age(born, ctx.on_date)
    # The age of majority is 18 or 19 depending on the province: only clear contradictions are refused.
    if clean["minor"] == "yes" and age >= 19:
        return [Problem("minor", "wizard.error_minor_adult", {"age": age})]
    if clean["minor"] == "no" and age < 18:
        return [Problem("minor", "wizard.error_minor_child", {"age": age})]
    return []


def _check_sds(_ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    if clean.get("apply_sds") != "yes":
        return []
    return [Problem(name, "wizard.error_sds_requirement") for name in ("sds_gic", "sds_tuition", "sds_language")
            if clean.get(name) != "yes"]


def _client_group(ctx: Context, n: int | None, lang: str) -> str:
    c = _client(ctx, n)
    name = " ".join(x for x in (str(c.get("given_names") or ""), str(c.get("family_name") or "")) if x)
    return t("wizard.client_heading_named", lang, n=n, name=name) if name else t("wizard.client_heading", lang, n=n)


def _review_documents(ctx: Context, clean: dict[str, Any], n: int | None, lang: str) -> list[ReviewLine]:
    items = checklist(ctx, n)
    key = "label_fr" if lang == "fr" else "label_en"
    required = "; ".join(d[key] for d in items if d["required"])
    chosen = [d[key] for d in items if not d["required"] and d["code"] in (clean.get("documents") or [])]
    ref = f"documents.{n}"
    group = _client_group(ctx, n, lang)
    return [
        ReviewLine(t("wizard.documents_required", lang), required, ref, "documents", group),
        ReviewLine(t("wizard.documents_additional", lang), "; ".join(chosen) if chosen else t("wizard.review_none", lang),
                   ref, "documents", group),
    ]


def documents_panel(ctx: Context, n: int | None, _choices: Mapping[str, Any], lang: str) -> list[dict]:
    """The document step's widget: client n's documents as the rules engine lists them,
    [{code, label, help, required}] in `lang`."""
    key = "_fr" if lang == "fr" else "_en"
    return [{"code": d["code"], "label": d["label" + key], "help": d["help" + key], "required": d["required"]}
            for d in checklist(ctx, n or 1)]


def prune(ctx: Context, saved_ref: str) -> None:
    """After a valid answer that shrinks the flow, the answers it made pointless go:
    clients beyond a smaller number of applicants, the SDS answers of a client who
    no longer qualifies. (Only then: a step saved unfinished never erases others.)"""
    step_id, _sep, rest = saved_ref.partition(".")
    index = int(rest) if rest.isdigit() else None
    if step_id == "applicants":
        count = _count(ctx)
        for ref in list(ctx.answers):
            _sid, _s, n = ref.partition(".")
            if n.isdigit() and int(n) > count:
                del ctx.answers[ref]
    elif step_id == "client" and not _sds_applies(ctx, index):
        ctx.answers.pop(f"sds.{index}", None)
