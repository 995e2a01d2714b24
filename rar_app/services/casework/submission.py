"""The end of the visitor visa / study permit / work permit wizard (issue 6, part B):
document checklist, solemn declaration and electronic signature, personal
checklist, transmission (free or after payment — see payments.py), application
numbers, and the read-only rule after submission. No Reflex here.

Life of an application (Application.status):

    draft ──sign()──▶ signed ──submit_free()──────────────────────▶ submitted
                        │  ▲                                            ▲
                        │  └── declined / failed payment ──┐            │
                        └──payments.pay()──▶ paying ───────┴─approved───┘

- `paying` exists only while one charge is in flight. Entering it is a
  compare-and-set (`UPDATE … WHERE status = 'signed'`), the first statement of
  its transaction, so of two tabs, two workers or a double click only one can
  start a charge (SQLite serialises writers; PostgreSQL re-checks the WHERE
  clause on the locked row). The same compare-and-set makes `submit_free` run once.
- Submitting sets Application.status = 'submitted' and submitted_at; every
  Applicant gets status 'submitted', date_received (Ottawa's date) and a unique
  application number: a letter for the line of business (V visitor visa,
  S study permit, W work permit) and nine digits, e.g. S301234567.
- After submission the application is read-only, whoever tries: a `before_flush`
  guard (installed when this module is imported, as the portal always does)
  refuses any change to its content or its applicants' content and raises
  `ReadOnlyApplication`. Processing fields (Applicant.status, processing_step,
  biometrics_*, decision, issued_*, status_changed_at) and who holds the file
  (Application.representative_id, client_account_id) stay writable. "Submitted"
  means: when the transaction first read it (an application created, or submitted,
  in the same transaction can still be completed in it).

Access: every public function takes the acting account id and answers `NotFound`
for an application that does not exist or is someone else's (same error, so
ids reveal nothing).

Errors carry a stable `code` (and `field` for form errors); pages turn codes into
catalogue texts (`submit.error_<code>`, `payment.error_<code>`).

Signing asks one of the representative's security questions, the same one for the
whole session (`AuthSession.signature_position`). A wrong answer counts on the
session (`AuthSession.signature_failures`); the third ends the session
(revoked, audited `application.signature_locked`): whoever is at the keyboard must sign in
again with the password and a security question.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import secrets
from typing import Any, Mapping

from sqlalchemy import update
from sqlmodel import Session, select

from rar_app import rules
from rar_app.db import session_scope
from rar_app.models import Account, Applicant, Application, AuthSession, SecurityQuestion, utcnow
from rar_app.programs import registry
from rar_app.programs.pool import PoolSpec
from rar_app.services.office import pool_guard
from rar_app.services import audit
from rar_app.services.casework import answers
from rar_app.services.casework.errors import (  # noqa: F401  (re-exported)
    FieldError,
    FinishError,
    NotEditable,
    NotFound,
    ReadOnlyApplication,
    SignatureLocked,
    SignatureRefused,
)
from rar_app.services.casework.finish_views import (  # noqa: F401  (re-exported: one import for the pages)
    applicants_of,
    ApplicantView,
    ApplicationView,
    as_id,
    cents,
    ChecklistItem,
    chosen_documents,
    _client_name,
    EDITABLE_STATUSES,
    ensure_editable,
    fee_lines,
    fee_request,
    fee_summary,
    FeeLine,
    application_fees,
    money,
    ottawa_today,
    owned_application,
    _rules_date,
    type_labels,
    _view,
    view,
)
from rar_app.services.casework.readonly import install_read_only_guard  # noqa: F401  (installs the guard)
from rar_app.services.identity.passwords import normalise_answer, verify_secret

log = logging.getLogger(__name__)

MAX_SIGNATURE_FAILURES = 3
APPLICATION_NUMBER_RE = re.compile(r"^[VSW][0-9]{9}$")
LINE_OF_BUSINESS = {"visitor_visa": "V", "study_permit": "S", "work_permit": "W", "open_work_permit": "W"}

# ---------------------------------------------------------------------------
# Signature


def normalise_name(name: str) -> str:
    """Names compare without case, accents, extra spaces or apostrophe variants."""
    name = (name or "").replace("\u2019", "'").replace("\u02bc", "'")
    return normalise_answer(name)


@dataclasses.dataclass(frozen=True)
class Question:
    position: int
    text_fr: str
    text_en: str
    attempts_left: int

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_fr


def _live_session(db: Session, account_id: int, session_id: int) -> AuthSession:
    row = db.get(AuthSession, session_id)
    if row is None or row.account_id != account_id or row.revoked_at is not None:
        raise NotFound()
    return row


def _question_for(db: Session, row: AuthSession) -> SecurityQuestion:
    questions = list(db.exec(select(SecurityQuestion).where(SecurityQuestion.account_id == row.account_id)
                             .order_by(SecurityQuestion.position)))
    if not questions:
        raise FinishError("no_security_questions")
    chosen = next((q for q in questions if q.position == row.signature_position), None)
    if chosen is None:  # chosen once per session: reloading does not offer an easier one
        chosen = secrets.choice(questions)
        row.signature_position = chosen.position
        db.add(row)
    return chosen


def _question_texts(key: str) -> tuple[str, str]:
    from rar_app.services.identity import accounts  # the catalogue of question keys lives there

    return accounts.question_text(key, "fr"), accounts.question_text(key, "en")


def signature_question(account_id: int, session_id: int, application_id: Any) -> Question:
    """The security question the signature page asks (the same for the whole session)."""
    with session_scope() as db:
        owned_application(db, account_id, application_id)
        row = _live_session(db, account_id, session_id)
        q = _question_for(db, row)
        fr, en = _question_texts(q.question)
        return Question(q.position, fr, en, MAX_SIGNATURE_FAILURES - row.signature_failures)


def _declaration_errors(program: Any, consent: Mapping[str, Any]) -> list[FieldError]:
    """The program's consent questions: each must be answered, the required ones accepted."""
    declaration = program.declaration if program is not None else None
    if declaration is None:
        return []
    errors = []
    for q in declaration.questions:
        value = str(consent.get(q.name) or "")
        if value not in {o.code for o in q.options}:  # type: ignore[union-attr]
            errors.append(FieldError(q.name, "agree_required"))
        elif q.name in declaration.required_accept and value != declaration.accept_code:
            errors.append(FieldError(q.name, "declaration_refused"))
    return errors


def sign(account_id: int, session_id: int, application_id: Any, *, agree: str | None = None, given_names: str,
         family_name: str, answer: str, ip: str = "", consent: Mapping[str, Any] | None = None) -> ApplicationView:
    """Sign the solemn declaration: the program's consent questions (`consent`, by question
    name; `agree` alone is the answer to a question named "agree": "yes" J'accepte, "no"
    Je refuse), the representative's names and the session's security question (unless the
    program's declaration has `security_question=False`: the names alone).

    The declaration is checked here (names against the account, the session's
    security question); the status change itself is part A's
    `answers.mark_signed` (draft → signed, questionnaire complete). Signing an
    application already signed checks the declaration again and changes nothing.

    Raises SignatureRefused (form errors; a wrong answer is counted and audited
    first), SignatureLocked (third wrong answer: session revoked), NotEditable,
    FinishError("documents_missing" | "questionnaire_incomplete" | "no_applicants"),
    NotFound."""
    with session_scope() as db:
        app = owned_application(db, account_id, application_id)
        ensure_editable(app)
        program = registry.find(app.kind)
        row = _live_session(db, account_id, session_id)
        account = db.get(Account, account_id)
        if account is None:
            raise NotFound()
        current = _view(db, app)
        if not current.applicants:
            raise FinishError("no_applicants")
        if pool_guard.application_lapsed(db, app.id):
            raise FinishError("application_lapsed")  # the invitation's period to apply has passed
        if current.missing_documents:
            raise FinishError("documents_missing")
        errors: list[FieldError] = []
        consent = dict(consent) if consent is not None else {"agree": agree}
        errors.extend(_declaration_errors(program, consent))
        if not (given_names or "").strip():
            errors.append(FieldError("given_names", "given_names_required"))
        elif normalise_name(given_names) != normalise_name(account.given_names):
            errors.append(FieldError("given_names", "given_names_mismatch"))
        if not (family_name or "").strip():
            errors.append(FieldError("family_name", "family_name_required"))
        elif normalise_name(family_name) != normalise_name(account.family_name):
            errors.append(FieldError("family_name", "family_name_mismatch"))
        # The program's declaration says whether its signature asks a security question (eTA: the name alone).
        asks_question = program is None or program.declaration is None or program.declaration.security_question
        q = _question_for(db, row) if asks_question else None
        if q is None:
            pass
        elif not (answer or "").strip():
            errors.append(FieldError("answer", "answer_required"))
        elif not verify_secret(q.answer_hash, normalise_answer(answer)):
            row.signature_failures += 1
            db.add(row)
            audit.record(db, "application.signature_failed", actor_id=account_id, actor_role=account.role, ip=ip,
                         object_type="application", object_id=app.id, position=q.position,
                         failures=row.signature_failures)
            if row.signature_failures >= MAX_SIGNATURE_FAILURES:
                row.revoked_at = utcnow()
                row.signature_failures = 0
                audit.record(db, "application.signature_locked", actor_id=account_id, actor_role=account.role,
                             ip=ip, object_type="application", object_id=app.id, session_id=row.id)
                audit.record(db, "auth.sign_out", actor_id=account_id, object_type="account",
                             object_id=account_id, ip=ip, reason="signature_locked")
                db.commit()
                raise SignatureLocked()
            errors.append(FieldError("answer", "answer_wrong",
                                     {"attempts_left": MAX_SIGNATURE_FAILURES - row.signature_failures}))
        if errors:
            db.commit()  # keep the failure count and its audit entry
            raise SignatureRefused(errors)
        row.signature_failures = 0
        db.add(row)
        already_signed = app.status == "signed"
        audit.record(db, "application.declaration_accepted", actor_id=account_id, actor_role=account.role, ip=ip,
                     object_type="application", object_id=app.id, position=q.position if q else None,
                     applicants=len(current.applicants), total_cents=current.total_cents)
    if not already_signed:  # its own transaction, after ours has released the database
        try:
            answers.mark_signed(account_id, app.id, ip=ip, consent=consent)
        except answers.NotEditable:
            if view(account_id, app.id).status == "signed":  # a second press signed it meanwhile
                return view(account_id, app.id)
            raise NotEditable() from None
        except answers.Incomplete as exc:
            raise FinishError("questionnaire_incomplete", goto=exc.goto) from None
        except answers.NotFound:
            raise NotFound() from None
    return view(account_id, app.id)


# ---------------------------------------------------------------------------
# Submission


def line_of_business(application_type: str, default: str = "") -> str:
    for entry in rules.APPLICATION_TYPES:
        if entry["code"] == application_type and entry.get("line_of_business"):
            return str(entry["line_of_business"])
    try:
        return LINE_OF_BUSINESS[application_type]
    except KeyError:
        if default:
            return default
        raise FinishError("unknown_application_type") from None


def new_application_number(db: Session, application_type: str, taken: set[str] | None = None, *,
                           prefix: str = "") -> str:
    """A fresh number: the line-of-business letter (the program's `number_prefix` for a
    type the rules do not know) and nine digits (first digit 1–9), checked against the
    database (the unique constraint is the backstop)."""
    letter = line_of_business(application_type, prefix)
    taken = taken if taken is not None else set()
    for _ in range(100):
        number = f"{letter}{100_000_000 + secrets.randbelow(900_000_000)}"
        if number in taken:
            continue
        if db.exec(select(Applicant.id).where(Applicant.application_number == number)).first() is None:
            taken.add(number)
            return number
    raise FinishError("no_application_number")  # pragma: no cover - 900 million numbers per letter


def claim(db: Session, account_id: int, application_id: int, from_status: str, to_status: str) -> bool:
    """Compare-and-set on the application's status; the caller's transaction should
    begin with it (it takes the write lock first). True if this caller won. Used
    here, by payments (`signed → paying`) and by applications.mark_submitted."""
    result = db.execute(
        update(Application)
        .where(Application.id == application_id, Application.representative_id == account_id,
               Application.status == from_status)
        .values(status=to_status, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


FEE_EXEMPTION_PROOF_SLOT = "fee_exemption_proof"


def _fee_exemptions_to_review(db: Session, app: Application, applicants: list, *, ip: str = "") -> None:
    """A fee declared « Dispensé des frais » is not taken on trust: each such applicant's
    exemption waits for staff (services/office/reviews.py), with its supporting document
    when one was uploaded in slot `fee_exemption_proof`; nothing is processed before."""
    from rar_app.models import Account, Document
    from rar_app.services.office import reviews

    representative = db.get(Account, app.representative_id) if app.representative_id else None
    if representative is None or not any(a.fee_option == "exempt" for a in applicants):
        return
    program = answers.program_of(app)
    people = program.applicants(answers.context(app)) if program.applicants else []
    reasons = {p.position: p.fee_exemption_reason for p in people}
    for a in applicants:
        if a.fee_option != "exempt":
            continue
        proof = db.exec(select(Document.id).where(Document.application_id == app.id, Document.applicant_id == a.id,
                                                  Document.slot_code == FEE_EXEMPTION_PROOF_SLOT,
                                                  Document.deleted_at.is_(None)).order_by(Document.id)).first()
        reviews.request_fee_exemption(db, representative, app, a, proof, reasons.get(a.position, ""), ip=ip)


def mark_submitted(db: Session, app: Application, *, actor_id: int, ip: str = "",
                   payment_id: int | None = None) -> None:
    """Inside the caller's transaction, with the application claimed by the caller:
    status 'submitted', numbers, date received, audit entries (one per applicant)."""
    now = utcnow()
    received = ottawa_today()
    taken: set[str] = set()
    applicants = applicants_of(db, app.id)
    program = registry.find(app.kind)
    prefix = program.number_prefix if program is not None else ""
    for a in applicants:
        if a.application_number is None:
            a.application_number = new_application_number(db, a.application_type, taken, prefix=prefix)
        a.status = "submitted"
        a.date_received = received
        db.add(a)
        audit.record(db, "applicant.submitted", actor_id=actor_id, actor_role="representative", ip=ip,
                     object_type="applicant", object_id=a.id, application_id=app.id,
                     application_number=a.application_number, application_type=a.application_type)
    from rar_app.services.office import receipt  # the simulated IRCC gives each client a UCI on receipt

    receipt.give_ucis(db, applicants, application_id=app.id)
    app.status = "submitted"
    app.submitted_at = now
    app.updated_at = now
    if app.reference is None:  # the portal's own reference (applications.mark_submitted may pass one)
        app.reference = _new_reference(db)
    db.add(app)
    audit.record(db, "application.submitted", actor_id=actor_id, actor_role="representative", ip=ip,
                 object_type="application", object_id=app.id, payment_id=payment_id, reference=app.reference,
                 numbers=[a.application_number for a in applicants])
    from rar_app.services.messaging import messages  # the representative's inbox (and its e-mail notice)

    messages.post_submitted(db, app, applicants)
    _fee_exemptions_to_review(db, app, applicants, ip=ip)
    notice = program.extra.get("submission_notice") if program is not None else None
    if notice:  # the program's confirmation in the application's own messages
        messages.post_submission_notice(db, app, applicants, notice)
    if program is not None and isinstance(program.extra.get("pool"), PoolSpec):
        _admit_to_pool(db, app)


def _admit_to_pool(db: Session, app: Application) -> None:
    """A profile enters its program's pool as it is submitted (the simulated IRCC back
    office: number, validation code, score, message and e-mail). Should the program's
    scoring fail, the profile stays submitted and the training loop admits it later."""
    from rar_app.services.office import pool_flow

    try:
        with db.begin_nested():
            pool_flow.admit_submitted(db, app)
    except Exception:
        log.exception("profile %s not admitted to its pool at submission", app.id)


def _new_reference(db: Session) -> str:
    for _ in range(100):
        reference = f"RAR{secrets.randbelow(10**9):09d}"
        if db.exec(select(Application.id).where(Application.reference == reference)).first() is None:
            return reference
    raise FinishError("no_reference")  # pragma: no cover


@dataclasses.dataclass(frozen=True)
class SubmissionResult:
    application_id: int
    replayed: bool  # it had already been submitted: nothing happened this time
    view: ApplicationView


def submit_free(account_id: int, application_id: Any, *, ip: str = "") -> SubmissionResult:
    """"Transmettre": submit a signed application that owes nothing. Runs once: a
    second call (double click, second tab) finds it submitted and says so (replayed).
    Raises NotFound, FinishError("not_signed" | "payment_required" | "payment_in_progress")."""
    app_id = as_id(application_id)
    with session_scope() as db:
        if claim(db, account_id, app_id, "signed", "submitting"):
            app = owned_application(db, account_id, app_id)
            db.refresh(app)
            applicants = applicants_of(db, app.id)
            _lines, total, _w = application_fees(app, applicants)
            if not applicants:
                raise FinishError("no_applicants")
            if pool_guard.application_lapsed(db, app.id):
                raise FinishError("application_lapsed")  # rolls the claim back
            if total > 0:
                raise FinishError("payment_required")  # rolls the claim back
            mark_submitted(db, app, actor_id=account_id, ip=ip)
            db.flush()
            return SubmissionResult(app.id, False, _view(db, app))
    with session_scope() as db:
        app = owned_application(db, account_id, app_id)
        if app.status == "submitted":
            return SubmissionResult(app.id, True, _view(db, app))
        if app.status in ("paying", "submitting"):
            raise FinishError("payment_in_progress")
        raise FinishError("not_signed")
