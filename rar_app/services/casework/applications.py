"""Applications: drafts, the visitor visa / study permit / work permit questionnaire,
and the status changes of signature and submission. No Reflex here.

Access: every public function takes the acting representative's account id and
finds applications only through `_owned`, the one helper that scopes a query
to its owner. Unknown, deleted and foreign ids all raise `NotFound`.

Where things live:
- `Application.wizard_data` (JSON): ``{"v": 1, "answers": {step ref: values}}`` —
  every answer of the questionnaire, as saved at each step;
- `Application.wizard_step`: where the draft resumes (a step reference of the
  questionnaire, or a later position such as ``"documents"`` set by the
  signature/payment pages through `set_position`);
- `Applicant` rows (+ one `Client` row each): kept in step with the answers after
  every save — type, minor, Student Direct Stream, fee and biometric options.

The questionnaire itself is data (`VSW_WIZARD`), driven by `rar_app.programs.engine`.

Part B (checklist, signature, payment, receipt) uses: `get_application`,
`document_checklist`, `fee_summary`, `questionnaire_complete`, `set_position`,
`mark_signed`, `reopen`, `mark_submitted`. Statuses: ``draft`` (answers may change)
→ ``signed`` (frozen; `reopen` goes back to draft) → ``submitted``.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from sqlalchemy import func
from sqlmodel import Session, select

from rar_app import rules
from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.models import Applicant, Application, Client, Document, Payment, utcnow
from rar_app.rules.common import fmt_money
from rar_app.services import audit
from rar_app.services.casework import submission
from rar_app.programs import engine
from rar_app.programs.engine import Context, Field, Option, Problem, ReviewLine, Step, Wizard
from rar_app.settings import get_settings

KIND_VSW = "visitor_study_work"
MAX_APPLICANTS = 10
PAGE_SIZE = 10
EDITABLE = ("draft",)
UNSUBMITTED = ("draft", "signed", "paying")  # listed under "Poursuivre une demande que vous n'avez pas soumise"
# Rules-engine fee warnings that make the fees wrong (blocked at "Suivant");
# the others (overpayment, a family rate that costs more) are shown as warnings.
BLOCKING_FEE_WARNINGS = {
    "family_exempt_without_family_rate",
    "family_rate_not_principal",
    "family_rate_too_few",
    "family_rate_not_offered",
    "biometrics_not_applicable",
}


class NotFound(Exception):
    """Unknown, deleted or another representative's application — indistinguishable."""


class NotEditable(Exception):
    """The application is signed or submitted: its answers are frozen."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


class Incomplete(Exception):
    """The questionnaire has a step still to answer (`goto`)."""

    def __init__(self, goto: str):
        super().__init__(goto)
        self.goto = goto


# ---------------------------------------------------------------------------
# Reference data: countries (ISO 3166-1, names from Debian's iso-codes)


@lru_cache(maxsize=1)
def countries() -> list[dict[str, str]]:
    with (Path(__file__).resolve().parent.parent / "data" / "countries.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _sort_key(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


def country_options(lang: str) -> list[dict[str, str]]:
    """[{code, label}] sorted by name in `lang`."""
    key = "name_fr" if lang == "fr" else "name_en"
    return sorted(({"code": c["iso2"], "label": c[key]} for c in countries()), key=lambda o: _sort_key(o["label"]))


def country_name(code: str, lang: str) -> str:
    for c in countries():
        if c["iso2"] == code:
            return c["name_fr" if lang == "fr" else "name_en"]
    return code


# ---------------------------------------------------------------------------
# The questionnaire as data


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


@lru_cache(maxsize=1)
def _all_country_options() -> tuple[Option, ...]:
    # Built once: the list is static and validating a client's step checks against it.
    return tuple(Option(c["iso2"], label_fr=c["name_fr"], label_en=c["name_en"]) for c in countries())


def _country_options(_ctx: Context, _n: int | None) -> tuple[Option, ...]:
    return _all_country_options()


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


# -- fees: one choice per applicant, so the step validates itself ------------------


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
    summary = rules.fee_summary(_fee_request(ctx, clean), ctx.on_date, "fr")
    for w in summary["warnings"]:
        if w["code"] in BLOCKING_FEE_WARNINGS:
            n = w["applicant"] + 1
            field = fee_field_ids(n)[0 if w["item"] == "processing" else 2]
            problems.append(Problem(field, message_fr=w["message_fr"], message_en=w["message_en"]))
    return clean, problems


def _fee_request(ctx: Context, choices: Mapping[str, Any]) -> list[dict]:
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
        group = _client_group(ctx, n, lang)
        opts = rules.fee_options(_app_type(ctx, n), ctx.on_date)
        processing = [Option(o["code"], label_fr=o["label_fr"], label_en=o["label_en"]) for o in opts["processing"]]
        biometrics = [Option(o["code"], label_fr=o["label_fr"], label_en=o["label_en"]) for o in opts["biometrics"]]
        lines.append(ReviewLine(t("fees.fee_type", lang), _option_label(processing, clean.get(fee_id, ""), lang), "fees", fee_id, group))
        needed = clean.get(needed_id) == "yes"
        lines.append(ReviewLine(t("fees.bio_needed", lang), t("wizard.answer_yes" if needed else "wizard.answer_no", lang), "fees", needed_id, group))
        if needed:
            lines.append(ReviewLine(t("fees.bio_option", lang), _option_label(biometrics, clean.get(bio_id, ""), lang), "fees", bio_id, group))
    return lines


VSW_WIZARD = Wizard(
    id=KIND_VSW,
    translate=t,
    steps=(
        Step("file_number", "wizard.step_file_number", fields=(
            Field("file_number", "text", "wizard.file_number", max_length=60, pattern=FILE_NUMBER_PATTERN,
                  pattern_error_key="wizard.error_file_number_format", help_key="wizard.file_number_help",
                  hint_key="wizard.file_number_hint", required_error_key="wizard.error_file_number_required"),
        )),
        Step("applicants", "wizard.step_applicants", fields=(
            Field("count", "number", "wizard.applicant_count", minimum=1, maximum=MAX_APPLICANTS,
                  help_key="wizard.applicant_count_help", hint_key="wizard.applicant_count_hint"),
        )),
        Step("client", "wizard.step_client", repeat=_count, group=_client_group, check=_check_client, fields=(
            Field("family_name", "text", "wizard.family_name", max_length=100, help_key="wizard.family_name_help"),
            Field("given_names", "text", "wizard.given_names", max_length=100, required=False,
                  hint_key="wizard.given_names_hint"),
            Field("date_of_birth", "date", "wizard.date_of_birth", hint_key="wizard.date_hint"),
            Field("country", "select", "wizard.country", options=_country_options, help_key="wizard.country_help"),
            Field("application_type", "radio", "wizard.application_type", options=_type_options),
            Field("minor", "radio", "wizard.minor", options=YES_NO, help_key="wizard.minor_help"),
        )),
        Step("sds", "wizard.step_sds", repeat=_count, when=_sds_applies, group=_client_group, check=_check_sds, fields=(
            Field("apply_sds", "radio", "wizard.sds_apply", options=YES_NO, help_key="wizard.sds_help"),
            Field("sds_gic", "radio", "wizard.sds_gic", options=YES_NO, show_if=("apply_sds", "yes")),
            Field("sds_tuition", "radio", "wizard.sds_tuition", options=YES_NO, show_if=("apply_sds", "yes")),
            Field("sds_language", "radio", "wizard.sds_language", options=YES_NO, show_if=("apply_sds", "yes")),
        )),
        Step("documents", "wizard.step_documents", repeat=_count, group=_client_group, review=_review_documents, fields=(
            Field("documents", "checkboxes", "wizard.documents_additional", required=False,
                  options=_optional_document_options),
        )),
        Step("fees", "wizard.step_fees", validate=_validate_fees, review=_review_fees),
    ),
)

WIZARDS = {KIND_VSW: VSW_WIZARD}


# ---------------------------------------------------------------------------
# Storage helpers


def _as_id(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not 0 < value < 2**63:
        raise NotFound()
    return value


def _owned(db: Session, account_id: int, app_id: Any, *, lock: bool = False) -> Application:
    """The one place access is decided: the acting representative's own, live application."""
    query = select(Application).where(Application.id == _as_id(app_id),
                                      Application.representative_id == account_id,
                                      Application.status != "deleted")
    if lock:
        query = query.with_for_update()
    app = db.exec(query).first()
    if app is None or account_id is None:
        raise NotFound()
    return app


def _answers(app: Application) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(app.wizard_data or "{}")
    except ValueError:
        data = {}
    answers = data.get("answers") if isinstance(data, dict) else None
    return answers if isinstance(answers, dict) else {}


def _store(app: Application, answers: dict[str, dict[str, Any]]) -> None:
    app.wizard_data = json.dumps({"v": 1, "answers": answers}, ensure_ascii=False, sort_keys=True)
    app.updated_at = utcnow()


def _on_date(on_date: date | None = None) -> date:
    return on_date or get_settings().rules_on()


def _ctx(app: Application, on_date: date | None = None) -> Context:
    return Context(on_date=_on_date(on_date), answers=_answers(app))


def _wizard(app: Application) -> Wizard:
    return WIZARDS.get(app.kind, VSW_WIZARD)


def _clean(wiz: Wizard, ctx: Context, ref: str) -> dict[str, Any] | None:
    saved = ctx.answers.get(ref)
    if saved is None:
        return None
    clean, problems = engine.validate(wiz, ref, saved, ctx)
    return None if problems else clean


def _sync_rows(db: Session, app: Application, ctx: Context) -> None:
    """Applicant (+ Client) rows follow the answers: one per client, with the
    type, minor, SDS and fee options of the steps that are complete."""
    wiz = _wizard(app)
    count = _count(ctx) if _clean(wiz, ctx, "applicants") is not None else 0
    rows = {a.position: a for a in db.exec(select(Applicant).where(Applicant.application_id == app.id))}
    for position, row in list(rows.items()):
        if position > count:
            _drop_applicant(db, row)
            del rows[position]
    fees = _clean(wiz, ctx, "fees") or {}
    for n in range(1, count + 1):
        row = rows.get(n)
        if row is None:
            client = Client(representative_id=app.representative_id)
            db.add(client)
            db.flush()
            row = Applicant(application_id=app.id, position=n, client_id=client.id)
            db.add(row)
        details = _clean(wiz, ctx, f"client.{n}")
        if details is not None:
            client = db.get(Client, row.client_id) if row.client_id else None
            if client is not None:
                client.family_name = details["family_name"]
                client.given_names = details.get("given_names", "")
                client.date_of_birth = date.fromisoformat(details["date_of_birth"])
                client.country_of_residence = details["country"]
                db.add(client)
            row.application_type = details["application_type"]
            row.is_minor = details["minor"] == "yes"
        row.sds = _sds_chosen(ctx, n)
        fee_id, _needed, bio_id = fee_field_ids(n)
        row.fee_option = fees.get(fee_id, "standard")
        row.biometrics_option = fees.get(bio_id, "none")
        db.add(row)


def _drop_applicant(db: Session, row: Applicant) -> None:
    now = utcnow()
    for doc in db.exec(select(Document).where(Document.applicant_id == row.id)):
        # Uploaded files of a client no longer in the application: the row is kept
        # (soft-deleted) for the audit trail; documents.find_orphans reports the object.
        doc.applicant_id = None
        doc.deleted_at = doc.deleted_at or now
        db.add(doc)
    client_id = row.client_id
    db.delete(row)
    db.flush()
    if client_id is not None:
        still_used = db.exec(select(Applicant.id).where(Applicant.client_id == client_id)).first()
        if still_used is None:
            client = db.get(Client, client_id)
            if client is not None:
                db.delete(client)


# ---------------------------------------------------------------------------
# The questionnaire, step by step


@dataclasses.dataclass(frozen=True)
class StepView:
    """What a step page shows: the saved values of the step, and where it sits."""

    app_id: int
    ref: str
    step_id: str
    index: int | None
    values: dict[str, Any]
    position: int
    total: int
    previous: str | None
    client_file_number: str


@dataclasses.dataclass(frozen=True)
class SaveResult:
    app_id: int | None
    ok: bool
    goto: str | None  # the step to show next (None: stay, or leave the questionnaire)
    problems: tuple[Problem, ...] = ()
    values: dict[str, Any] = dataclasses.field(default_factory=dict)


def open_step(account_id: int, app_id: Any, ref: str, *, on_date: date | None = None) -> StepView:
    """The saved values of one step of a draft. Raises NotFound, NotEditable,
    or Incomplete(goto) when the step is not (or no longer) reachable."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        wiz = _wizard(app)
        ctx = _ctx(app, on_date)
        try:
            engine.parse_ref(ref)
        except ValueError:
            raise Incomplete(engine.first_incomplete(wiz, ctx)) from None
        if not engine.reachable(wiz, ref, ctx):
            raise Incomplete(engine.first_incomplete(wiz, ctx))
        step_id, index = engine.parse_ref(ref)
        position, total = engine.progress(wiz, ref, ctx)
        return StepView(app.id, ref, step_id, index, dict(ctx.answers.get(ref) or {}), position, total,
                        engine.previous_ref(wiz, ref, ctx), app.client_file_number)


def step_context(account_id: int, app_id: Any, *, on_date: date | None = None) -> Context:
    """The answers of an owned draft as the engine sees them (for options that depend on them)."""
    with session_scope() as db:
        return _ctx(_owned(db, account_id, app_id), on_date)


def save_step(account_id: int, app_id: Any, ref: str, raw: Mapping[str, Any], *, action: str = "next",
              from_review: bool = False, ip: str = "", on_date: date | None = None) -> SaveResult:
    """Save one step of the questionnaire.

    - ``next`` ("Suivant"): validate; on problems nothing is saved and they are
      returned; else the clean values are saved and `goto` is the next step.
    - ``previous`` ("Précédent") and ``exit`` ("Quitter le questionnaire"): what was
      typed is saved as is, without validation (the step stays incomplete until
      it validates), and `goto` is the previous step (or None to leave).

    `app_id` None with ref ``file_number`` starts a new draft (audited), on
    "Suivant" with a valid number, or on "Quitter" when something was typed."""
    if action not in ("next", "previous", "exit"):
        raise ValueError(action)
    if app_id in (None, "", 0):
        return _start(account_id, ref, raw, action=action, ip=ip, on_date=on_date)
    with session_scope() as db:
        app = _owned(db, account_id, app_id, lock=True)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        wiz = _wizard(app)
        ctx = _ctx(app, on_date)
        if not engine.reachable(wiz, ref, ctx) or ref == engine.REVIEW:
            raise Incomplete(engine.first_incomplete(wiz, ctx))
        step_id, _index = engine.parse_ref(ref)
        if action == "next":
            clean, problems = engine.validate(wiz, ref, raw, ctx)
            if problems:
                return SaveResult(app.id, False, None, tuple(problems), dict(raw))
            ctx.answers[ref] = clean
            _prune(wiz, ctx, ref)
            goto = engine.next_ref(wiz, ref, ctx, from_review=from_review)
        else:
            ctx.answers[ref] = engine.raw_copy(wiz.step(step_id), raw, _dynamic_keys(ctx, step_id))
            goto = engine.previous_ref(wiz, ref, ctx) if action == "previous" else None
            clean = ctx.answers[ref]
        if step_id == "file_number" and "file_number" in clean:
            app.client_file_number = str(clean["file_number"])[:60]
        _store(app, ctx.answers)
        app.wizard_step = goto or ref
        db.add(app)
        _sync_rows(db, app, ctx)
        return SaveResult(app.id, True, goto, (), clean)


def _dynamic_keys(ctx: Context, step_id: str) -> list[str]:
    if step_id != "fees":
        return []
    return [k for n in range(1, _count(ctx) + 1) for k in fee_field_ids(n)]


def _prune(wiz: Wizard, ctx: Context, saved_ref: str) -> None:
    """After a valid answer that shrinks the flow, the answers it made pointless go:
    clients beyond a smaller number of applicants, the SDS answers of a client who
    no longer qualifies. (Only then: a step saved unfinished never erases others.)"""
    step_id, index = engine.parse_ref(saved_ref)
    if step_id == "applicants":
        count = _count(ctx)
        for ref in list(ctx.answers):
            _sid, n = engine.parse_ref(ref)
            if n is not None and n > count:
                del ctx.answers[ref]
    elif step_id == "client" and not _sds_applies(ctx, index):
        ctx.answers.pop(f"sds.{index}", None)


def _start(account_id: int, ref: str, raw: Mapping[str, Any], *, action: str, ip: str,
           on_date: date | None) -> SaveResult:
    if ref != "file_number":
        raise NotFound()
    wiz = VSW_WIZARD
    ctx = Context(on_date=_on_date(on_date), answers={})
    clean, problems = engine.validate(wiz, ref, raw, ctx)
    if action == "next" and problems:
        return SaveResult(None, False, None, tuple(problems), dict(raw))
    if action != "next":
        typed = engine.raw_copy(wiz.step(ref), raw)
        if not typed.get("file_number"):
            return SaveResult(None, True, None)  # nothing to keep: just leave
        clean = typed
    with session_scope() as db:
        app = Application(representative_id=account_id, kind=KIND_VSW, status="draft",
                          client_file_number=str(clean["file_number"])[:60])
        db.add(app)
        db.flush()
        ctx.answers[ref] = clean
        goto = engine.next_ref(wiz, ref, ctx) if action == "next" else None
        _store(app, ctx.answers)
        app.wizard_step = goto or ref
        db.add(app)
        audit.record(db, "application.created", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip, kind=KIND_VSW)
        return SaveResult(app.id, True, goto, (), clean)


def resume_ref(account_id: int, app_id: Any, *, on_date: date | None = None) -> str:
    """Where "continue" takes a draft: its saved position when still reachable,
    else the first step left to answer. Positions set by later pages (see
    `set_position`) are returned as they are."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        tried = db.exec(select(Payment.id).where(Payment.application_id == app.id)).first() is not None
        return _resume(app, on_date, payment_tried=tried)


def _resume(app: Application, on_date: date | None = None, *, payment_tried: bool = False) -> str:
    if app.status in ("signed", "paying"):
        # Signed: on to "Transmettre (et payer)"; straight to the payment page once a
        # payment was tried (declined, failed, or still in flight).
        return "payment" if payment_tried or app.status == "paying" else "signature"
    wiz = _wizard(app)
    ctx = _ctx(app, on_date)
    pos = app.wizard_step or ""
    try:
        step_id, index = engine.parse_ref(pos)
        known = step_id == engine.REVIEW or any(
            s.id == step_id and (s.repeat is None) == (index is None) for s in wiz.steps)
    except ValueError:
        known = False
    if pos and not known:
        # A later position (documents, signature…): valid only while the questionnaire is complete.
        return pos if engine.first_incomplete(wiz, ctx) == engine.REVIEW else engine.first_incomplete(wiz, ctx)
    if pos and engine.reachable(wiz, pos, ctx):
        return pos
    return engine.first_incomplete(wiz, ctx)


# ---------------------------------------------------------------------------
# Review, restart, delete


@dataclasses.dataclass(frozen=True)
class ReviewView:
    app_id: int
    client_file_number: str
    lines: list[ReviewLine]
    complete: bool
    goto: str  # first incomplete step ("review" when complete)
    fees: dict | None  # rules.fee_summary of the saved options


def review(account_id: int, app_id: Any, lang: str, *, on_date: date | None = None) -> ReviewView:
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        wiz = _wizard(app)
        ctx = _ctx(app, on_date)
        goto = engine.first_incomplete(wiz, ctx)
        fees_clean = _clean(wiz, ctx, "fees")
        summary = rules.fee_summary(_fee_request(ctx, fees_clean), ctx.on_date, lang) if fees_clean else None
        return ReviewView(app.id, app.client_file_number, engine.review(wiz, ctx, lang), goto == engine.REVIEW, goto, summary)


def restart(account_id: int, app_id: Any, *, ip: str = "") -> int:
    """"Recommencer": every answer is erased (applicants too) and the draft starts at the first step."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id, lock=True)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        _store(app, {})
        app.client_file_number = ""
        app.wizard_step = _wizard(app).steps[0].id
        db.add(app)
        _sync_rows(db, app, _ctx(app))
        audit.record(db, "application.restarted", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip)
        return app.id


def delete_draft(account_id: int, app_id: Any, *, ip: str = "") -> None:
    """Delete a draft (never a signed or submitted application): its applicants and
    their client rows go; if files or payments point at it, the row stays marked
    'deleted' so their history holds."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id, lock=True)
        if app.status not in EDITABLE:
            raise NotEditable(app.status)
        file_number = app.client_file_number
        for row in db.exec(select(Applicant).where(Applicant.application_id == app.id)):
            _drop_applicant(db, row)
        has_history = (db.exec(select(Document.id).where(Document.application_id == app.id)).first() is not None
                       or db.exec(select(Payment.id).where(Payment.application_id == app.id)).first() is not None)
        audit.record(db, "application.deleted", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip, client_file_number=file_number)
        if has_history:
            now = utcnow()
            for doc in db.exec(select(Document).where(Document.application_id == app.id, Document.deleted_at.is_(None))):
                doc.deleted_at = now
                db.add(doc)
            app.status = "deleted"
            _store(app, {})
            db.add(app)
        else:
            db.delete(app)


# ---------------------------------------------------------------------------
# Lists


@dataclasses.dataclass(frozen=True)
class DraftRow:
    id: int
    kind: str
    client_file_number: str
    applicant_names: list[str]
    applicant_count: int
    updated_at: datetime
    resume: str  # step reference or later position
    deletable: bool = True  # a signed or paying application is not deleted from the home page


@dataclasses.dataclass(frozen=True)
class DraftPage:
    rows: list[DraftRow]
    total: int
    page: int
    pages: int


def list_drafts(account_id: int, *, page: int = 1, page_size: int = PAGE_SIZE) -> DraftPage:
    """The representative's unsubmitted applications (draft, signed, or paying: a
    payment started and not approved), newest change first, one page."""
    page_size = max(1, min(int(page_size), 50))
    with session_scope() as db:
        where = (Application.representative_id == account_id, Application.status.in_(UNSUBMITTED))
        total = db.exec(select(func.count()).select_from(Application).where(*where)).one()
        pages = max(1, -(-total // page_size))
        page = max(1, min(int(page), pages))
        apps = list(db.exec(select(Application).where(*where)
                            .order_by(Application.updated_at.desc(), Application.id.desc())
                            .offset((page - 1) * page_size).limit(page_size)))
        names = _names(db, [a.id for a in apps])
        tried = set(db.exec(select(Payment.application_id).where(Payment.application_id.in_([a.id for a in apps]))))
        rows = [DraftRow(a.id, a.kind, a.client_file_number, names.get(a.id, []), len(names.get(a.id, [])),
                         a.updated_at, _resume(a, payment_tried=a.id in tried), a.status in EDITABLE)
                for a in apps]
        return DraftPage(rows, total, page, pages)


def _names(db: Session, app_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not app_ids:
        return out
    query = (select(Applicant.application_id, Applicant.position, Client.family_name, Client.given_names)
             .join(Client, Client.id == Applicant.client_id, isouter=True)
             .where(Applicant.application_id.in_(app_ids)).order_by(Applicant.application_id, Applicant.position))
    for app_id, _pos, family, given in db.exec(query):
        name = " ".join(x for x in (given or "", family or "") if x)
        if name:
            out.setdefault(app_id, []).append(name)
    return out


@dataclasses.dataclass(frozen=True)
class ApplicationSummary:
    id: int
    kind: str
    status: str
    client_file_number: str
    reference: str | None
    updated_at: datetime


def search(account_id: int, *, file_number: str = "", statuses: Iterable[str] | None = None,
           limit: int = 50) -> list[ApplicationSummary]:
    """The representative's applications whose client file number contains `file_number` (any case)."""
    text = (file_number or "").strip()[:60]
    with session_scope() as db:
        query = select(Application).where(Application.representative_id == account_id, Application.status != "deleted")
        if text:
            escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(func.lower(Application.client_file_number).like(f"%{escaped}%", escape="\\"))
        if statuses:
            query = query.where(Application.status.in_(list(statuses)))
        query = query.order_by(Application.updated_at.desc()).limit(max(1, min(int(limit), 200)))
        return [ApplicationSummary(a.id, a.kind, a.status, a.client_file_number, a.reference, a.updated_at)
                for a in db.exec(query)]


# ---------------------------------------------------------------------------
# For the pages after the review (part B): read, sign, submit


@dataclasses.dataclass(frozen=True)
class ApplicantView:
    id: int
    position: int
    family_name: str
    given_names: str
    date_of_birth: date | None
    country_of_residence: str | None
    application_type: str
    is_minor: bool
    sds: bool
    fee_option: str
    biometrics_option: str
    application_number: str | None
    selected_documents: list[str]  # checklist codes: the required ones + the additional ones picked


@dataclasses.dataclass(frozen=True)
class ApplicationView:
    id: int
    kind: str
    status: str
    client_file_number: str
    wizard_step: str
    reference: str | None
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None
    submitted_at: datetime | None
    questionnaire_complete: bool
    applicants: list[ApplicantView]


def get_application(account_id: int, app_id: Any, *, on_date: date | None = None) -> ApplicationView:
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        ctx = _ctx(app, on_date)
        wiz = _wizard(app)
        rows = list(db.exec(select(Applicant).where(Applicant.application_id == app.id).order_by(Applicant.position)))
        applicants = []
        for row in rows:
            client = db.get(Client, row.client_id) if row.client_id else None
            applicants.append(ApplicantView(
                row.id, row.position, client.family_name if client else "", client.given_names if client else "",
                client.date_of_birth if client else None, client.country_of_residence if client else None,
                row.application_type, row.is_minor, row.sds, row.fee_option, row.biometrics_option,
                row.application_number, _selected_codes(wiz, ctx, row.position)))
        return ApplicationView(app.id, app.kind, app.status, app.client_file_number, app.wizard_step, app.reference,
                               app.created_at, app.updated_at, app.signed_at, app.submitted_at,
                               engine.first_incomplete(wiz, ctx) == engine.REVIEW, applicants)


def _selected_codes(wiz: Wizard, ctx: Context, n: int) -> list[str]:
    if _clean(wiz, ctx, f"client.{n}") is None:
        return []
    picked = set((_clean(wiz, ctx, f"documents.{n}") or {}).get("documents") or [])
    return [d["code"] for d in checklist(ctx, n) if d["required"] or d["code"] in picked]


def document_checklist(account_id: int, app_id: Any, *, on_date: date | None = None) -> list[dict]:
    """Per applicant, the documents to upload: ``[{applicant_id, position, name,
    documents: [{code, label_fr, label_en, help_fr, help_en, required, reference}]}]``
    — the required items of the rules engine's checklist and the additional ones picked."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        ctx = _ctx(app, on_date)
        wiz = _wizard(app)
        out = []
        for row in db.exec(select(Applicant).where(Applicant.application_id == app.id).order_by(Applicant.position)):
            client = db.get(Client, row.client_id) if row.client_id else None
            codes = set(_selected_codes(wiz, ctx, row.position))
            out.append({
                "applicant_id": row.id,
                "position": row.position,
                "name": " ".join(x for x in ((client.given_names if client else ""), (client.family_name if client else "")) if x),
                "documents": [d for d in checklist(ctx, row.position) if d["code"] in codes],
            })
        return out


def fee_summary(account_id: int, app_id: Any, lang: str = "fr", *, on_date: date | None = None) -> dict:
    """`rules.fee_summary` of the saved fee options (lines, total, warnings, cheapest)."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        ctx = _ctx(app, on_date)
        fees = _clean(_wizard(app), ctx, "fees")
        if fees is None:
            raise Incomplete("fees")
        return rules.fee_summary(_fee_request(ctx, fees), ctx.on_date, lang)


def questionnaire_complete(account_id: int, app_id: Any, *, on_date: date | None = None) -> bool:
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        return engine.first_incomplete(_wizard(app), _ctx(app, on_date)) == engine.REVIEW


def set_position(account_id: int, app_id: Any, position: str, *, on_date: date | None = None) -> None:
    """Record where the draft resumes after the review (e.g. ``"documents"``,
    ``"signature"``). Refused (Incomplete) while a question is unanswered."""
    if not isinstance(position, str) or not 0 < len(position) <= 60:
        raise ValueError("position")
    with session_scope() as db:
        app = _owned(db, account_id, app_id, lock=True)
        if app.status == "submitted":
            raise NotEditable(app.status)
        goto = engine.first_incomplete(_wizard(app), _ctx(app, on_date))
        if goto != engine.REVIEW:
            raise Incomplete(goto)
        app.wizard_step = position
        app.updated_at = utcnow()
        db.add(app)


def mark_signed(account_id: int, app_id: Any, *, ip: str = "", on_date: date | None = None) -> datetime:
    """draft -> signed (answers frozen). Needs a complete questionnaire."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id, lock=True)
        if app.status != "draft":
            raise NotEditable(app.status)
        goto = engine.first_incomplete(_wizard(app), _ctx(app, on_date))
        if goto != engine.REVIEW:
            raise Incomplete(goto)
        app.status = "signed"
        app.signed_at = utcnow()
        app.updated_at = app.signed_at
        db.add(app)
        audit.record(db, "application.signed", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip)
        return app.signed_at


def reopen(account_id: int, app_id: Any, *, ip: str = "") -> None:
    """signed -> draft (the signature is withdrawn so answers can change)."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id, lock=True)
        if app.status != "signed":
            raise NotEditable(app.status)
        app.status = "draft"
        app.signed_at = None
        app.updated_at = utcnow()
        db.add(app)
        audit.record(db, "application.reopened", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip)


def mark_submitted(account_id: int, app_id: Any, *, ip: str = "", reference: str | None = None) -> ApplicationView:
    """signed -> submitted, whatever the fees (the pages submit through
    `submission.submit_free` and `payments.pay`). One implementation: the same
    compare-and-set claim (`signed -> submitting`) as a free submission, then
    `submission.mark_submitted` (each applicant's application number — line of
    business letter + 9 digits —, 'submitted', date received, the reference, audit).
    Returns the updated view."""
    app_id = _as_id(app_id)
    with session_scope() as db:
        if not submission.claim(db, account_id, app_id, "signed", "submitting"):
            raise NotEditable(_owned(db, account_id, app_id).status)
        app = _owned(db, account_id, app_id)
        db.refresh(app)
        if reference:
            app.reference = reference
        submission.mark_submitted(db, app, actor_id=account_id, ip=ip)
    return get_application(account_id, app_id)


def money(amount: str | Decimal, lang: str) -> str:
    return fmt_money(Decimal(str(amount)), lang)


# ---------------------------------------------------------------------------
# What the step pages show besides the saved values


def step_options(account_id: int, app_id: Any, ref: str, lang: str, *, on_date: date | None = None) -> dict[str, list[dict]]:
    """Choices of the step's fields that depend on the rules or on other answers:
    ``{field: [{code, label, help}]}`` in `lang` (static choices are in the page)."""
    with session_scope() as db:
        app = _owned(db, account_id, app_id)
        wiz = _wizard(app)
        ctx = _ctx(app, on_date)
    step_id, index = engine.parse_ref(ref)
    out: dict[str, list[dict]] = {}
    for f in wiz.step(step_id).fields:
        if callable(f.options) and f.name != "country":
            out[f.name] = [{"code": o.code, "label": o.label(lang, t), "help": o.help_fr if lang == "fr" else o.help_en}
                           for o in f.choices(ctx, index)]
    return out


def application_type_options(lang: str, *, on_date: date | None = None) -> list[dict]:
    return [{"code": x["code"], "label": x["label_fr" if lang == "fr" else "label_en"]}
            for x in rules.application_types(_on_date(on_date))]


def client_checklist(account_id: int, app_id: Any, n: int, lang: str, *, on_date: date | None = None) -> list[dict]:
    """Client n's documents as the rules engine lists them: [{code, label, help, required}]."""
    with session_scope() as db:
        ctx = _ctx(_owned(db, account_id, app_id), on_date)
    key = "_fr" if lang == "fr" else "_en"
    return [{"code": d["code"], "label": d["label" + key], "help": d["help" + key], "required": d["required"]}
            for d in checklist(ctx, n)]


def client_heading(account_id: int, app_id: Any, n: int, lang: str) -> str:
    with session_scope() as db:
        ctx = _ctx(_owned(db, account_id, app_id))
    return _client_group(ctx, n, lang)


def fee_preview(account_id: int, app_id: Any, choices: Mapping[str, Any], lang: str, *,
                on_date: date | None = None) -> dict:
    """The fee step's live view: for each client the options they may choose (with
    help texts and amounts) and the rules engine's fee summary of `choices`
    (unanswered or unknown choices count as the standard fee / no biometrics)."""
    with session_scope() as db:
        ctx = _ctx(_owned(db, account_id, app_id), on_date)
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
                    "amount": money(amounts.get((kind, o.code), "0"), lang)}

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
