"""What the pages after the review show about one application, for any program: the
look-ups and access check (`owned_application`), each applicant's document checklist
with the files uploaded, and the fees (the program's, see `application_fees`). No Reflex here.
`submission` (signature, transmission) builds on it and re-exports it."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from rar_app import rules
from rar_app.db import session_scope
from rar_app.models import Applicant, Application, Client, Document
from rar_app.programs import registry
from rar_app.services import audit
from rar_app.services.casework import answers
from rar_app.services.casework.errors import FinishError, NotEditable, NotFound
from rar_app.services.office import pool_guard
from rar_app.settings import get_settings

EDITABLE_STATUSES = ("draft", "signed")


# ---------------------------------------------------------------------------
# Look-ups and access


def as_id(value: Any) -> int:
    """An id from an int or a string of ASCII digits; anything else is NotFound."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not 0 < value < 2**63:
        raise NotFound()
    return value


def owned_application(db: Session, account_id: int, application_id: Any, *, lock: bool = False) -> Application:
    """The application if it exists and `account_id` represents it; NotFound otherwise."""
    query = select(Application).where(Application.id == as_id(application_id), Application.status != "deleted")
    if lock:
        query = query.with_for_update()
    app = db.exec(query).first()
    if app is None or app.representative_id is None or app.representative_id != account_id:
        audit.note_refusal(db, actor_id=account_id, actor_role="representative", object_type="application",
                           object_id=str(application_id)[:40], check="owned_application")
        raise NotFound()
    return app


def applicants_of(db: Session, application_id: int) -> list[Applicant]:
    return list(db.exec(select(Applicant).where(Applicant.application_id == application_id)
                        .order_by(Applicant.position, Applicant.id)))


def ensure_editable(app: Application) -> None:
    """For any service about to change a draft (part A's wizard included)."""
    if app.status not in EDITABLE_STATUSES:
        raise NotEditable(details_status=app.status)


def _rules_date() -> date:
    return get_settings().rules_on()


def ottawa_today() -> date:
    """The date in Ottawa (IRCC's date of receipt)."""
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("America/Toronto")).date()
    except Exception:  # pragma: no cover - no time-zone database
        return datetime.now(timezone.utc).date()


# ---------------------------------------------------------------------------
# What the pages show


def type_labels(application_type: str) -> tuple[str, str]:
    for entry in rules.APPLICATION_TYPES:
        if entry["code"] == application_type:
            return entry["label_fr"], entry["label_en"]
    from rar_app.programs import registry  # noqa: PLC0415

    return (registry.program_label(application_type, "fr") or application_type,
            registry.program_label(application_type, "en") or application_type)


def _client_name(db: Session, applicant: Applicant) -> tuple[str, str, date | None]:
    client = db.get(Client, applicant.client_id) if applicant.client_id else None
    if client is None:
        return "", "", None
    return client.given_names, client.family_name, client.date_of_birth


def chosen_documents(app: Application) -> dict[int, list[dict[str, Any]]]:
    """Per applicant id, the documents to provide: part A's checklist (the rules
    engine's required items and the additional ones picked in the questionnaire)."""
    try:
        entries = answers.document_checklist(app.representative_id, app.id)
    except answers.NotFound:
        raise NotFound() from None
    return {e["applicant_id"]: list(e["documents"]) for e in entries}


def fee_request(applicants: list[Applicant]) -> list[dict[str, str]]:
    return [{"application": a.application_type, "fee": a.fee_option, "biometrics": a.biometrics_option}
            for a in applicants]


def fee_summary(applicants: list[Applicant], lang: str = "fr") -> dict[str, Any]:
    """rules.fee_summary of the applicants' chosen options (client order = position)."""
    if not applicants:
        return {"lines": [], "total": "0.00", "currency": "CAD", "warnings": []}
    try:
        return rules.fee_summary(fee_request(applicants), on_date=_rules_date(), lang=lang)
    except rules.RulesInputError as exc:
        raise FinishError("fees_unavailable") from exc


def cents(amount: str | Decimal) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_value())


def money(cents_value: int, lang: str) -> str:
    """12345 → "123,45 $" (fr) / "$123.45" (en)."""
    whole, part = divmod(abs(int(cents_value)), 100)
    if lang == "fr":
        grouped = f"{whole:,}".replace(",", "\u00a0")
        text = f"{grouped},{part:02d}\u00a0$"
    else:
        text = f"${whole:,}.{part:02d}"
    return ("-" if cents_value < 0 else "") + text


@dataclasses.dataclass(frozen=True)
class FeeLine:
    applicant_index: int  # 0-based, in position order
    item: str
    option: str
    amount_cents: int
    explanation_fr: str
    explanation_en: str

    def explanation(self, lang: str) -> str:
        return self.explanation_en if lang == "en" else self.explanation_fr

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def application_fees(app: Application, applicants: list[Applicant]) -> tuple[list[FeeLine], int, list[dict[str, str]]]:
    """The fees of an application — what its Signature page shows and what its payment
    charges: the program's own (`Program.fee_summary` per applicant, else `Program.fees` on
    its answers), none when its program declares no fee. Never `fee_lines` alone: that is
    the per-applicant summary only some programs use."""
    program = registry.find(app.kind)
    if not applicants or program is None:
        return [], 0, []
    if program.fee_summary is not None:  # per applicant, from the rules engine (their rows hold the options)
        return fee_lines(applicants)
    summary = program.fee_view(answers.context(app), "fr") if program.fees is not None else None
    if summary is None:
        return [], 0, []
    lines = [FeeLine(int(ln["applicant"]), ln["item"], ln.get("option", ""), cents(ln["amount"]),
                     ln["explanation_fr"], ln["explanation_en"]) for ln in summary["lines"]]
    return lines, cents(summary["total"]), []


def fee_lines(applicants: list[Applicant]) -> tuple[list[FeeLine], int, list[dict[str, str]]]:
    """The fee lines (both languages), the total in cents, and the warnings (both languages)."""
    summary = fee_summary(applicants, "fr")
    lines = [FeeLine(int(ln["applicant"]), ln["item"], ln.get("option", ""), cents(ln["amount"]),
                     ln["explanation_fr"], ln["explanation_en"]) for ln in summary["lines"]]
    warnings = [{"fr": w["message_fr"], "en": w["message_en"]} for w in summary.get("warnings", [])]
    return lines, cents(summary["total"]), warnings


@dataclasses.dataclass(frozen=True)
class ChecklistItem:
    code: str
    label_fr: str
    label_en: str
    help_fr: str
    help_en: str
    required: bool
    files: tuple[str, ...]  # names of the live documents uploaded for it

    @property
    def provided(self) -> bool:
        return bool(self.files)


@dataclasses.dataclass(frozen=True)
class ApplicantView:
    id: int
    position: int
    given_names: str
    family_name: str
    date_of_birth: date | None
    application_type: str
    type_fr: str
    type_en: str
    fee_option: str
    biometrics_option: str
    is_minor: bool
    sds: bool
    status: str
    application_number: str | None
    date_received: date | None
    checklist: tuple[ChecklistItem, ...]

    @property
    def name(self) -> str:
        return " ".join(x for x in (self.given_names, self.family_name) if x)

    def missing_required(self) -> list[ChecklistItem]:
        return [i for i in self.checklist if i.required and not i.provided]


@dataclasses.dataclass(frozen=True)
class ApplicationView:
    id: int
    status: str
    client_file_number: str
    reference: str | None
    signed_at: datetime | None
    submitted_at: datetime | None
    applicants: tuple[ApplicantView, ...]
    fee_lines: tuple[FeeLine, ...]
    total_cents: int
    fee_warnings: tuple[dict[str, str], ...]
    # An accepted invitation's period to apply has passed: it can no longer be paid for or submitted.
    lapsed: bool = False

    @property
    def amount_due_cents(self) -> int:
        return 0 if self.status == "submitted" else self.total_cents

    @property
    def missing_documents(self) -> list[tuple[ApplicantView, ChecklistItem]]:
        return [(a, i) for a in self.applicants for i in a.missing_required()]


def _view(db: Session, app: Application) -> ApplicationView:
    applicants = applicants_of(db, app.id)
    docs = list(db.exec(select(Document).where(Document.application_id == app.id, Document.deleted_at.is_(None))
                        .order_by(Document.uploaded_at, Document.id)))
    chosen = chosen_documents(app) if applicants else {}
    views = []
    for a in applicants:
        given, family, born = _client_name(db, a)
        fr, en = type_labels(a.application_type)
        checklist = tuple(
            ChecklistItem(i["code"], i["label_fr"], i["label_en"], i["help_fr"], i["help_en"], bool(i["required"]),
                          tuple(d.original_name for d in docs if d.applicant_id == a.id and d.slot_code == i["code"]))
            for i in chosen.get(a.id, [])
        )
        views.append(ApplicantView(a.id, a.position, given, family, born, a.application_type, fr, en, a.fee_option,
                                   a.biometrics_option, a.is_minor, a.sds, a.status, a.application_number,
                                   a.date_received, checklist))
    lines, total, warnings = application_fees(app, applicants)
    lapsed = app.status != "submitted" and pool_guard.application_lapsed(db, app.id)
    return ApplicationView(app.id, app.status, app.client_file_number, app.reference, app.signed_at, app.submitted_at,
                           tuple(views), tuple(lines), total, tuple(warnings), lapsed)


def view(account_id: int, application_id: Any) -> ApplicationView:
    """Everything steps 8 to 14 show about one application."""
    with session_scope() as db:
        return _view(db, owned_application(db, account_id, application_id))


