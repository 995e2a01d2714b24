"""Database tables (SQLModel). Alembic migrations in rar_app/migrations follow these.

Amounts are integer cents; times are timezone-aware UTC (`utcnow()`): SQLModel's
UTCDateTime stores them as UTC on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Account(SQLModel, table=True):
    """A person who signs in: a representative (the portal's users), an
    administrator, back-office staff, or (later) a client."""

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(default="representative", max_length=20, index=True)
    status: str = Field(default="pending", max_length=20, index=True)  # pending, active, closed
    username: str | None = Field(default=None, max_length=64, unique=True)
    password_hash: str | None = Field(default=None, max_length=255)
    oidc_issuer: str | None = Field(default=None, max_length=255)
    oidc_subject: str | None = Field(default=None, max_length=255)
    family_name: str = Field(default="", max_length=100)
    given_names: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    business_name: str = Field(default="", max_length=200)
    business_address: str = Field(default="", max_length=400)
    language: str = Field(default="fr", max_length=2)
    regulatory_body: str | None = Field(default=None, max_length=10)
    membership_number: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
    approved_at: datetime | None = None
    closed_at: datetime | None = None
    merged_into_id: int | None = Field(default=None, foreign_key="account.id")
    # Second factor (TOTP, RFC 6238): the shared secret encrypted with the portal's key;
    # `totp_pending_enc` while enrolment awaits its first code; the last time step
    # accepted (a code works once).
    totp_secret_enc: str | None = Field(default=None, max_length=255)
    totp_pending_enc: str | None = Field(default=None, max_length=255)
    totp_enabled_at: datetime | None = None
    totp_last_step: int | None = None

    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_account_oidc"),)


class RecoveryCode(SQLModel, table=True):
    """A single-use recovery code for the second factor, stored as an argon2id hash."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    code_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    used_at: datetime | None = None


class EmailLink(SQLModel, table=True):
    """A single-use link sent to an account's e-mail address (password recovery, proof
    of control before a merge): only the token's SHA-256 is kept."""

    __tablename__ = "email_link"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    purpose: str = Field(max_length=30)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class SecurityQuestion(SQLModel, table=True):
    __tablename__ = "security_question"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    position: int  # 1..3
    question: str = Field(max_length=200)
    answer_hash: str = Field(max_length=255)  # argon2id of the normalised answer


class AuthSession(SQLModel, table=True):
    """Server-side session. The browser holds only the opaque token; the table
    keeps its SHA-256, so a database leak gives no usable cookie."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    stage: str = Field(default="full", max_length=20)  # "challenge" until the security question is answered
    challenge_position: int | None = None
    challenge_failures: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)
    # Signing an application asks one security question (services/submission.py): the
    # one chosen for this session, and the wrong answers so far (3 end the session).
    signature_position: int | None = None
    signature_failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LoginTicket(SQLModel, table=True):
    """One-time, short-lived ticket that turns a sign-in done over the websocket
    into an HttpOnly cookie set by a plain HTTP response."""

    __tablename__ = "login_ticket"

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(max_length=64, unique=True)
    session_token_hash: str = Field(max_length=64)
    session_token_enc: str = Field(default="", max_length=255)  # masked by a pad drawn from the ticket
    browser_hash: str = Field(default="", max_length=64)  # SHA-256 of the pre-sign-in cookie
    expires_at: datetime
    used_at: datetime | None = None


class OidcLogin(SQLModel, table=True):
    """A Sign-In Partner (OpenID Connect) sign-in under way, kept server-side.

    `state_hash` finds it on the callback; `browser_hash` ties it to the browser
    that started it (SHA-256 of the value in the short-lived `rar_oidc` cookie), so
    a callback replayed in another browser fails. nonce and code_verifier stay in
    clear (the ID token check and the token exchange need them); they live ten
    minutes and work once. When the
    verified identity is linked to no account, it waits here (`identity`, JSON) for
    the enrolment form, found by `enrolment_ticket_hash` (cookie `rar_partner`)."""

    __tablename__ = "oidc_login"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    browser_hash: str = Field(max_length=64)
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    redirect_uri: str = Field(max_length=500)
    language: str = Field(default="fr", max_length=2)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    identity: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    enrolment_ticket_hash: str | None = Field(default=None, max_length=64, unique=True)
    enrolment_expires_at: datetime | None = None
    enrolled_account_id: int | None = Field(default=None, foreign_key="account.id")


class AuthThrottle(SQLModel, table=True):
    """Failed sign-in counters, per account and per address."""

    __tablename__ = "auth_throttle"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # "user:<name>" or "ip:<addr>"
    failures: int = 0
    window_started_at: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None


class AccountRequest(SQLModel, table=True):
    """Requests an administrator decides: enrolment approval, merge, name change, closure."""

    __tablename__ = "account_request"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = Field(max_length=30)  # enrolment, merge, name_change, close
    status: str = Field(default="open", max_length=20, index=True)  # open, approved, refused
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    document_id: int | None = Field(default=None, foreign_key="document.id")
    created_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="account.id")
    decided_at: datetime | None = None


class Client(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    representative_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    family_name: str = Field(default="", max_length=100, index=True)
    given_names: str = Field(default="", max_length=100)
    date_of_birth: date | None = None
    uci: str | None = Field(default=None, max_length=20, index=True)
    country_of_residence: str | None = Field(default=None, max_length=2)
    created_at: datetime = Field(default_factory=utcnow)
    # Search keys (filled on every ORM insert/update, see `_client_search_keys`): upper case,
    # no accents, no spaces/hyphens/apostrophes; the UCI as digits only.
    family_name_key: str = Field(default="", max_length=100, index=True, sa_column_kwargs={"server_default": ""})
    uci_key: str = Field(default="", max_length=20, index=True, sa_column_kwargs={"server_default": ""})


class Application(SQLModel, table=True):
    """One online application (possibly for a family or group of applicants)."""

    id: int | None = Field(default=None, primary_key=True)
    representative_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    kind: str = Field(default="visitor_study_work", max_length=40, index=True)
    status: str = Field(default="draft", max_length=20, index=True)  # draft, submitted, ...
    client_file_number: str = Field(default="", max_length=60, index=True)
    wizard_step: str = Field(default="", max_length=60)
    wizard_data: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    reference: str | None = Field(default=None, max_length=30, unique=True)
    is_paper: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    signed_at: datetime | None = None
    submitted_at: datetime | None = None
    # The client's own account once they took the file over (IMM 5476 removing the representative).
    client_account_id: int | None = Field(default=None, foreign_key="account.id", index=True)

    # Search: one representative's submitted applications, newest first (keyset paging).
    __table_args__ = (Index("ix_application_rep_submitted", "representative_id", "submitted_at", "id"),)


class Applicant(SQLModel, table=True):
    """One client inside an application, with their own fees, documents and file number."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    position: int = 1  # 1 is the principal applicant
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    application_type: str = Field(default="visitor_visa", max_length=40, index=True)
    is_minor: bool = False
    sds: bool = False
    fee_option: str = Field(default="standard", max_length=30)
    biometrics_option: str = Field(default="none", max_length=30)
    application_number: str | None = Field(default=None, max_length=12, unique=True)
    status: str = Field(default="draft", max_length=30, index=True)
    processing_step: str = Field(default="", max_length=40)
    date_received: date | None = None
    biometrics_status: str = Field(default="", max_length=30)
    decision: str | None = Field(default=None, max_length=20)
    issued_document: str | None = Field(default=None, max_length=100)
    issued_at: date | None = None
    biometrics_at: date | None = None  # when the biometrics were recorded
    status_changed_at: datetime | None = None  # last processing change (the simulation's clock)


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    applicant_id: int | None = Field(default=None, foreign_key="applicant.id", index=True)
    slot_code: str = Field(default="", max_length=60)
    original_name: str = Field(default="", max_length=255)
    content_type: str = Field(default="", max_length=100)
    size_bytes: int = 0
    sha256: str = Field(default="", max_length=64, index=True)
    storage_key: str = Field(max_length=100, unique=True)
    status: str = Field(default="uploaded", max_length=20)  # uploaded, replaced, refused, accepted, requested
    uploaded_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class Message(SQLModel, table=True):
    """An account message (inbox) or an application message (application_id set)."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    applicant_id: int | None = Field(default=None, foreign_key="applicant.id")
    category: str = Field(default="", max_length=40, index=True)
    detail: str = Field(default="", max_length=40, index=True)
    subject_fr: str = Field(default="", max_length=200)
    subject_en: str = Field(default="", max_length=200)
    body_fr: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body_en: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    read_at: datetime | None = None
    email_status: str = Field(default="none", max_length=20)  # none, pending, sending, sent, failed
    email_attempts: int = 0
    email_next_attempt_at: datetime | None = None
    email_error: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    email_to: str | None = Field(default=None, max_length=320)  # notice address when not the recipient's own

    __table_args__ = (
        Index("ix_message_account_created", "account_id", "created_at"),
        Index("ix_message_email_due", "email_status", "email_next_attempt_at"),
    )


class DocumentRequest(SQLModel, table=True):
    """Back office asks for a document ("Suivi requis"); the representative answers by
    uploading into slot `request-<id>` of the application (services/backoffice.py)."""

    __tablename__ = "document_request"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    applicant_id: int | None = Field(default=None, foreign_key="applicant.id")
    label_fr: str = Field(default="", max_length=200)
    label_en: str = Field(default="", max_length=200)
    note_fr: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    note_en: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="open", max_length=20)  # open, received, cancelled
    requested_by_id: int | None = Field(default=None, foreign_key="account.id")
    requested_at: datetime = Field(default_factory=utcnow)
    due_on: date | None = None
    answered_at: datetime | None = None


class StaffReview(SQLModel, table=True):
    """Something a representative or client asked that takes effect only once back-office
    staff have looked at its proof (services/office/reviews.py): a fee exemption
    (`fee_exemption`: reason + supporting document) or the removal of a representative by
    the client's IMM 5476 (`representative_removal`). open → approved | refused."""

    __tablename__ = "staff_review"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, index=True)
    status: str = Field(default="open", max_length=20, index=True)  # open, approved, refused, withdrawn
    application_id: int = Field(foreign_key="application.id", index=True)
    applicant_id: int | None = Field(default=None, foreign_key="applicant.id")
    requested_by_id: int = Field(foreign_key="account.id", index=True)
    document_id: int | None = Field(default=None, foreign_key="document.id")
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    created_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="account.id")
    decided_at: datetime | None = None
    decision_note: str = Field(default="", max_length=500)


class Payment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    amount_cents: int
    currency: str = Field(default="CAD", max_length=3)
    method: str = Field(max_length=20)  # card, interac
    provider: str = Field(default="demo", max_length=30)
    status: str = Field(default="pending", max_length=20)  # pending, approved, declined, failed
    card_brand: str | None = Field(default=None, max_length=20)
    card_last4: str | None = Field(default=None, max_length=4)
    transaction_number: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None
    # Who paid, why a charge did not go through, the Interac institution, and the fee
    # lines charged (JSON snapshot for the receipt). Never a card number or security code.
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    failure_code: str | None = Field(default=None, max_length=40)
    institution: str | None = Field(default=None, max_length=40)
    fee_lines: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]", server_default="[]"))


class IssuedAuthorization(SQLModel, table=True):
    """What the (simulated) office issued for one applicant: an eTA or an IFHP certificate
    of eligibility, with its number and validity, and the issued document when there is
    one (a PDF in `document`, downloaded through the portal's secure route)."""

    __tablename__ = "issued_authorization"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    applicant_id: int = Field(foreign_key="applicant.id", unique=True)
    kind: str = Field(max_length=30)  # the program's office decision: travel_authorization, coverage_document
    number: str = Field(max_length=30, unique=True)
    valid_from: date
    valid_until: date
    document_id: int | None = Field(default=None, foreign_key="document.id")
    issued_at: datetime = Field(default_factory=utcnow)


class SchedulerLease(SQLModel, table=True):
    """Who runs a background job (the training simulation, the scheduled demo reset)
    when several workers could: taken and renewed by conditional writes
    (services/lease.py), free again once `expires_at` has passed."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=120)
    expires_at: datetime
    acquired_at: datetime


class PoolEntry(SQLModel, table=True):
    """A submitted profile waiting in a pool for an invitation (Express Entry, IEC…),
    program-neutral (services/casework/pools.py). `pool` is the pool's code; `streams` the
    codes the profile is eligible under, comma-wrapped (",a,b,") so a round can filter on
    one; `entered_at` (the pool date) never changes; `submitted_at` breaks score ties."""

    __tablename__ = "pool_entry"

    id: int | None = Field(default=None, primary_key=True)
    pool: str = Field(max_length=40)
    application_id: int = Field(foreign_key="application.id", unique=True)
    profile_number: str = Field(max_length=20, unique=True)
    validation_code: str = Field(default="", max_length=20)
    status: str = Field(default="active", max_length=20)  # active, invited, accepted, withdrawn, expired
    score: int = 0
    streams: str = Field(default=",", max_length=200)
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    submitted_at: datetime
    entered_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (Index("ix_pool_entry_rank", "pool", "status", "score", "submitted_at"),)


class PoolScore(SQLModel, table=True):
    """Every score a pool entry had: on admission and after each update."""

    __tablename__ = "pool_score"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="pool_entry.id", index=True)
    score: int
    streams: str = Field(default=",", max_length=200)
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    reason: str = Field(default="", max_length=40)  # admitted, updated
    at: datetime = Field(default_factory=utcnow)


class PoolRound(SQLModel, table=True):
    """A round of invitations: which entries (all, one stream), how many, how chosen,
    the cut-off score. `slot` makes an automatic round happen once (unique)."""

    __tablename__ = "pool_round"

    id: int | None = Field(default=None, primary_key=True)
    pool: str = Field(max_length=40, index=True)
    stream: str = Field(default="", max_length=40)
    selection: str = Field(default="ranked", max_length=20)  # ranked, random
    size: int = 0
    invited: int = 0
    cut_off: int | None = None
    tie_break_at: datetime | None = None  # submission time of the last one invited at the cut-off
    held_at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    slot: str | None = Field(default=None, max_length=60)

    __table_args__ = (UniqueConstraint("pool", "slot", name="uq_pool_round_slot"),)


class PoolInvitation(SQLModel, table=True):
    """An invitation to apply: open until `deadline_at` (end of a day in Toronto), then
    accepted, declined (back to the pool) or expired (marked once)."""

    __tablename__ = "pool_invitation"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="pool_entry.id", index=True)
    round_id: int = Field(foreign_key="pool_round.id", index=True)
    score: int = 0
    state: str = Field(default="open", max_length=20)  # open, accepted, declined, expired
    issued_at: datetime = Field(default_factory=utcnow)
    deadline_at: datetime
    answered_at: datetime | None = None
    application_id: int | None = Field(default=None, foreign_key="application.id")  # what acceptance started
    # When the pool gives a period to submit after accepting (`PoolSpec.application_days`):
    # the last moment to submit the application acceptance started; past it the invitation lapses.
    apply_by: datetime | None = None

    __table_args__ = (Index("ix_pool_invitation_due", "state", "deadline_at"),)


class PoolReminder(SQLModel, table=True):
    """A deadline reminder sent (e-mail + message), once per invitation, deadline kind
    (`answer`: accept or decline; `apply`: submit the application) and days before."""

    __tablename__ = "pool_reminder"

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="pool_invitation.id", index=True)
    kind: str = Field(max_length=10)
    days: int
    sent_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (UniqueConstraint("invitation_id", "kind", "days", name="uq_pool_reminder"),)


class AuditEvent(SQLModel, table=True):
    """Append-only record of who did what to which object, when and from where."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, index=True)
    actor_role: str = Field(default="", max_length=20)
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=40)
    ip: str = Field(default="", max_length=64)
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    # Tamper-evident chain (services/audit.py): the previous entry's hash, and this one's.
    prev_hash: str = Field(default="", max_length=64)
    entry_hash: str = Field(default="", max_length=64)

    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)


# -- search keys ------------------------------------------------------------------------


def name_key(text: str | None) -> str:
    """A name as search compares it: no accents, upper case, letters and digits only
    ("Côté-D'Amours" → "COTEDAMOURS")."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).upper()


def uci_key(text: str | None) -> str:
    """A UCI as search compares it: digits only ("00-0000-0001" → "0000000001")."""
    return "".join(c for c in (text or "") if c.isdigit())


def _client_search_keys(_mapper, _connection, target: Client) -> None:
    target.family_name_key = name_key(target.family_name)[:100]
    target.uci_key = uci_key(target.uci)[:20]


from sqlalchemy import event as _sa_event  # noqa: E402

_sa_event.listen(Client, "before_insert", _client_search_keys)
_sa_event.listen(Client, "before_update", _client_search_keys)


class DemoPartnerCode(SQLModel, table=True):
    """An authorization code of the embedded demo Sign-In Partner (demo mode only,
    `services/identity/demo_partner.py`): shared by every worker through the database,
    used once, ten minutes at most. Only its SHA-256 is kept."""

    __tablename__ = "demo_partner_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    client_id: str = Field(max_length=100)
    redirect_uri: str = Field(max_length=500)
    scope: str = Field(default="", max_length=200)
    nonce: str = Field(default="", max_length=200)
    code_challenge: str = Field(default="", max_length=200)
    code_challenge_method: str = Field(default="", max_length=10)
    subject: str = Field(max_length=100)
    auth_time: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
