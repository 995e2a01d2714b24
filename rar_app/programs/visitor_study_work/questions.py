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


def parental_consent(ctx: Context, n: int | None) -> dict:
    """The rules' answer (with its explanation) on client n's parental consent letter."""
    adults = sum(1 for i in range(1, _count(ctx) + 1) if _client(ctx, i).get("minor") == "no")
    return rules.services.parental_consent_rule(minor=_is_minor(ctx, n),
                                                both_parents_answer=_client(ctx, n).get("both_parents") == "yes",
                                                adults_in_application=adults)


def checklist(ctx: Context, n: int | None) -> list[dict]:
    """The rules engine's document list for client n, given their answers so far."""
    both_parents = _is_minor(ctx, n) and not parental_consent(ctx, n)["needed"]
    return rules.required_documents(_app_type(ctx, n), minor=_is_minor(ctx, n), sds=_sds_chosen(ctx, n),
                                    on_date=ctx.on_date, both_parents=both_parents)


# « Aucun document additionnel n’est requis pour ce client » (guide, step 7): a choice of its own,
# instead of the additional documents (never with them).
NO_ADDITIONAL = "none"


def _optional_document_options(ctx: Context, n: int | None) -> list[Option]:
    return [Option(d["code"], label_fr=d["label_fr"], label_en=d["label_en"], help_fr=d["help_fr"], help_en=d["help_en"])
            for d in checklist(ctx, n) if not d["required"]] + [Option(NO_ADDITIONAL, "wizard.documents_none")]


def check_documents(_ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    chosen = clean.get("documents") or []
    if NO_ADDITIONAL in chosen and len(chosen) > 1:
        return [Problem("documents", "wizard.error_documents_none_and_some")]
    return []


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
    picked = clean.get("documents") or []
    chosen = [d[key] for d in items if not d["required"] and d["code"] in picked]
    if NO_ADDITIONAL in picked:
        chosen = [t("wizard.documents_none", lang)]
    ref = f"documents.{n}"
    group = _client_group(ctx, n, lang)
    return [
        ReviewLine(t("wizard.documents_required", lang), required, ref, "documents", group, editable=False),
        ReviewLine(t("wizard.documents_additional", lang), "; ".join(chosen) if chosen else t("wizard.review_none", lang),
                   ref, "documents", group),
    ]


def documents_panel(ctx: Context, n: int | None, _choices: Mapping[str, Any], lang: str) -> list[dict]:
    """The document step's widget: client n's documents as the rules engine lists them,
    [{code, label, help, required}] in `lang`."""
    key = "_fr" if lang == "fr" else "_en"
    return [{"code": d["code"], "label": d["label" + key], "help": d["help" + key], "required": d["required"]}
            for d in checklist(ctx, n or 1)] + [
        {"code": NO_ADDITIONAL, "label": t("wizard.documents_none", lang), "help": "", "required": False}]


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


def prefill(known: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Clients 2–N start with client 1's family name and country (a family applies together);
    each stays editable, and nothing is prefilled once a client's page has been saved."""
    answers = known.get("answers") or {}
    first = answers.get("client.1") or {}
    shared = {k: first[k] for k in ("family_name", "country") if first.get(k)}
    if not shared:
        return {}
    return {f"client.{n}": dict(shared) for n in range(2, MAX_APPLICANTS + 1)}
