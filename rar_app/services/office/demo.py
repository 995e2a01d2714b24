"""Demo data for `./run` and training decks: loaded when the database is empty
(`python -m rar_app.manage init`), restored by `python -m rar_app.manage reset-demo`
(and on a schedule with RAR_DEMO_RESET_HOURS, see services/simulation.py).

The world: the demo representative `demo.rep` with about twenty fictional clients whose
applications are in every state (drafts; submitted; biometrics requested; in review;
documents requested; approved; refused; closed with the issued document; a family of
three), account messages (enrolment follow-ups, "you linked an application", follow-ups
required), specimen documents; a second representative `demo.rep2` (to see that one
never sees the other's files); back-office staff `demo.staff`; a client account
`demo.client` who can take her file back from demo.rep with an IMM 5476; and paper
applications nobody holds yet, ready to link (PAPER_TO_LINK, PAPER_SEVERAL).

Every name is a fruit, herb or tree, every number starts with 9 after its letter, every
UCI starts with 00-0000, every e-mail ends in .invalid, every document says SPÉCIMEN:
all obviously fictional. The processing history is made with the back office's own
actions (so the audit log and the messages are real), then dated back.
"""

from __future__ import annotations

import io
import logging
import secrets
import string
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, SQLModel, select

from rar_app.models import (
    Account,
    Applicant,
    Application,
    AuditEvent,
    Client,
    Document,
    DocumentRequest,
    Message,
    SecurityQuestion,
    utcnow,
)
from rar_app.programs import registry
from rar_app.services import audit
from rar_app.services.office.search import write_processing

log = logging.getLogger(__name__)

from rar_app.services.identity import demo_accounts as _demo_accounts

# The demo accounts come from the accounts service (`ensure_demo_accounts`: demo.rep,
# demo.admin, demo.staff); this world adds demo.rep2 and demo.client with the same
# password and security answers.
DEMO_USERNAME = "demo.rep"
DEMO_PASSWORD = _demo_accounts.DEMO_PASSWORD
DEMO_SECURITY_ANSWERS: dict[str, str] = dict(_demo_accounts.DEMO_SECURITY_ANSWERS)  # question key → answer
DEMO_SECURITY_ANSWER = next(iter(DEMO_SECURITY_ANSWERS.values()))  # the first question's answer
DEMO_TOTP_SECRET = _demo_accounts.DEMO_TOTP_SECRET  # demo.admin and demo.staff, loopback only

DEMO_OTHER_REP = "demo.rep2"
DEMO_STAFF = "demo.staff"
DEMO_ADMIN = "demo.admin"
# In a training deployment others can reach, these get generated passwords (printed once).
PRIVILEGED_DEMO_ACCOUNTS = (DEMO_ADMIN, DEMO_STAFF)
GENERATED_KEY = "rar_demo_generated_passwords"
DEMO_CLIENT = "demo.client"

# The paper application ready to link (kind: online visitor visa by number, or "paper" by UCI).
PAPER_TO_LINK = dict(kind="visitor_visa", application_number="V900000190", family_name="Tilleul",
                     given_names="Gabriel", date_of_birth="1988-04-12", uci="00-0000-0190")
# Two paper files of the same client: linking by UCI ("Demande papier") finds both, links the newer.
PAPER_SEVERAL = dict(kind="paper", family_name="Vanille", given_names="Rose", date_of_birth="1992-09-30",
                     uci="00-0000-0191")
# demo.client's own file (held by demo.rep until she sends an IMM 5476).
CLIENT_TAKEOVER = dict(kind="visitor_visa", application_number="V900000121", family_name="Sureau",
                       given_names="Zoé", date_of_birth="1990-05-17", uci="00-0000-0121")

def database_is_empty(db: Session) -> bool:
    return db.exec(select(Account.id).limit(1)).first() is None


# ---------------------------------------------------------------------------
# Specimen documents


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def specimen_pdf(lines: list[str]) -> bytes:
    """A one-page PDF that says SPÉCIMEN and the given lines (Helvetica, WinAnsi)."""
    content = b"BT /F1 28 Tf 72 720 Td (" + _pdf_text("SPÉCIMEN — document fictif") + b") Tj ET\n"
    y = 680
    for line in ["Portail des RAR — environnement de formation / training sandbox", *lines]:
        content += b"BT /F1 12 Tf 72 %d Td (" % y + _pdf_text(line) + b") Tj ET\n"
        y -= 18
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


class _Documents:
    """Puts specimen PDFs in the configured store; remembers keys to delete on failure."""

    def __init__(self) -> None:
        self.store: Any = None
        self.keys: list[str] = []

    def add(self, db: Session, owner_id: int | None, app: Application, applicant: Applicant, slot: str,
            name: str, lines: list[str], when: datetime, status: str = "uploaded") -> Document:
        import hashlib

        from rar_app.storage import get_store, new_key

        if self.store is None:
            self.store = get_store()
        data = specimen_pdf(lines)
        key = new_key()
        self.store.put_stream(key, io.BytesIO(data), content_type="application/pdf")
        self.keys.append(key)
        doc = Document(owner_id=owner_id, application_id=app.id, applicant_id=applicant.id, slot_code=slot,
                       original_name=name, content_type="application/pdf", size_bytes=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), storage_key=key, status=status, uploaded_at=when)
        db.add(doc)
        db.flush()
        audit.record(db, "document.upload", actor_id=owner_id, actor_role="representative", object_type="document",
                     object_id=doc.id, application_id=app.id, applicant_id=applicant.id, slot=slot, name=name,
                     demo=True)
        return doc

    def discard(self) -> None:
        for key in self.keys:
            try:
                self.store.delete(key)
            except Exception:
                log.exception("demo: could not delete %s", key)


# ---------------------------------------------------------------------------
# Accounts


def _account(db: Session, like: Account, username: str, role: str, **details: Any) -> Account:
    """An extra demo account with the same password and security questions as `like`
    (the hashes are copied: argon2 is slow on purpose, and the secrets are the same)."""
    account = Account(role=role, status="active", username=username, password_hash=like.password_hash,
                      approved_at=utcnow(), **details)
    db.add(account)
    db.flush()
    for question in db.exec(select(SecurityQuestion).where(SecurityQuestion.account_id == like.id)
                            .order_by(SecurityQuestion.position)):
        db.add(SecurityQuestion(account_id=account.id, position=question.position, question=question.question,
                                answer_hash=question.answer_hash))
    audit.record(db, "account.demo_created", object_type="account", object_id=account.id, username=username,
                 role=role)
    return account


# ---------------------------------------------------------------------------
# Applications


# (family, given, date of birth, type, story, days since received)
# story: draft, submitted, biometrics_requested, in_review, documents_requested, approved, refused,
#        closed, closed_refused
REP_FILES: list[tuple[str, str, str, str, str, int]] = [
    ("Abricot", "Léa", "1994-02-11", "visitor_visa", "draft", 0),
    ("Bergamote", "Hugo", "2003-07-23", "study_permit", "draft", 0),
    ("Cannelle", "Amir", "1985-11-02", "work_permit", "draft", 0),
    ("Dattier", "Sofia", "1979-03-30", "visitor_visa", "submitted", 1),
    ("Estragon", "Malik", "2001-12-05", "study_permit", "submitted", 3),
    ("Figuier", "Chloé", "1990-08-14", "work_permit", "biometrics_requested", 6),
    ("Gingembre", "Noah", "1983-01-27", "visitor_visa", "biometrics_requested", 2),
    ("Houblon", "Inès", "2002-04-09", "study_permit", "in_review", 25),
    ("Iris", "Mateo", "1987-06-18", "work_permit", "in_review", 40),
    ("Jasmin", "Aïcha", "1975-10-03", "visitor_visa", "documents_requested", 8),
    ("Kumquat", "Liam", "2000-09-21", "study_permit", "documents_requested", 30),
    ("Lavande", "Emma", "1996-05-12", "visitor_visa", "approved", 12),
    ("Mandarine", "Yusuf", "1982-02-28", "work_permit", "approved", 55),
    ("Noisette", "Jade", "1998-12-19", "visitor_visa", "refused", 13),
    ("Olivier", "Lucas", "1970-07-07", "visitor_visa", "closed", 20),
    ("Pistache", "Maya", "2004-03-15", "study_permit", "closed", 62),
    ("Quetsche", "Omar", "1989-10-10", "visitor_visa", "closed_refused", 18),
    ("Sureau", "Zoé", "1990-05-17", "visitor_visa", "in_review", 9),
]
FAMILY = [("Romarin", "Élodie", "1984-06-01", False), ("Romarin", "Théo", "1983-09-09", False),
          ("Romarin", "Anaïs", "2015-02-14", True)]
OTHER_REP_FILES = [
    ("Ulmaire", "Nora", "1991-01-15", "visitor_visa", "in_review", 7),
    ("Verveine", "Paul", "1999-04-04", "study_permit", "approved", 50),
    ("Wasabi", "Kenji", "1986-08-08", "work_permit", "documents_requested", 21),
]
LETTERS = {"visitor_visa": "V", "study_permit": "S", "work_permit": "W", "open_work_permit": "W"}


class _World:
    def __init__(self, db: Session, today: date) -> None:
        from rar_app.services.office import backoffice

        self.db = db
        self.today = today
        self.docs = _Documents()
        self.bo = backoffice
        self.serial = 200

    def number(self, application_type: str) -> str:
        self.serial += 1
        return f"{LETTERS[application_type]}900000{self.serial:03d}"

    def at(self, days_ago: float, hour: int = 10) -> datetime:
        day = self.today - timedelta(days=int(days_ago))
        return datetime.combine(day, time(hour, 0), tzinfo=timezone.utc)

    def backdate(self, since_message: int, since_event: int, when: datetime) -> None:
        """Date the messages and audit entries just written by a back-office action."""
        self.db.flush()
        self.db.exec(update(Message).where(Message.id > since_message).values(created_at=when))
        self.db.exec(update(AuditEvent).where(AuditEvent.id > since_event).values(at=when))

    def marks(self) -> tuple[int, int]:
        self.db.flush()
        last_m = self.db.exec(select(Message.id).order_by(Message.id.desc()).limit(1)).first() or 0
        last_e = self.db.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).first() or 0
        return last_m, last_e

    def step(self, action: str, applicant: Applicant, when: datetime, **kwargs: Any) -> Any:
        m, e = self.marks()
        result = getattr(self.bo, action)(self.db, self.bo.SIMULATION, applicant.id, **kwargs)
        self.backdate(m, e, when)
        write_processing(self.db, applicant, status_changed_at=when)
        return result

    def client(self, rep: Account | None, family: str, given: str, dob: str, uci: str | None,
               country: str = "FR") -> Client:
        client = Client(representative_id=rep.id if rep else None, family_name=family, given_names=given,
                        date_of_birth=date.fromisoformat(dob), uci=uci, country_of_residence=country)
        self.db.add(client)
        self.db.flush()
        return client

    def application(self, rep: Account | None, people: list[tuple[Client, str, bool]], story: str, days: int,
                    *, file_number: str = "", paper: bool = False, numbers: list[str] | None = None
                    ) -> tuple[Application, list[Applicant]]:
        db = self.db
        created = self.at(days + 3, 9)
        # Always built as a draft, then marked submitted once complete (submission.py's guard).
        app = Application(representative_id=rep.id if rep else None, kind=registry.default().code,
                          status="draft", client_file_number=file_number,
                          is_paper=paper, created_at=created, updated_at=created)
        if story != "draft":
            app.signed_at = self.at(days, 9) if not paper else None
            app.submitted_at = self.at(days, 9 if not paper else 8)
            app.wizard_step = "" if paper else "submitted"
        else:
            app.wizard_step = "client_information"
        db.add(app)
        db.flush()
        applicants = []
        for position, (client, application_type, minor) in enumerate(people, start=1):
            applicant = Applicant(application_id=app.id, position=position, client_id=client.id,
                                  application_type=application_type, is_minor=minor,
                                  biometrics_option="exempt" if minor else "standard")
            if story != "draft":
                applicant.application_number = (numbers or [])[position - 1] if numbers else \
                    self.number(application_type)
                applicant.status = "submitted"
                applicant.processing_step = "submitted"
                applicant.date_received = self.today - timedelta(days=days)
                applicant.status_changed_at = app.submitted_at
            db.add(applicant)
            applicants.append(applicant)
        db.flush()
        if story != "draft":
            app.status = "submitted"
            db.add(app)
            db.flush()
            m, e = self.marks()
            audit.record(db, "application.submitted" if not paper else "backoffice.paper_entered",
                         actor_id=rep.id if rep and not paper else None,
                         actor_role="representative" if not paper else "staff", object_type="application",
                         object_id=app.id, demo=True)
            self.backdate(m, e, app.submitted_at)
        return app, applicants

    def documents(self, rep: Account, app: Application, applicant: Applicant, client: Client) -> None:
        when = app.submitted_at - timedelta(hours=1) if app.submitted_at else self.at(1)
        who = f"{client.given_names} {client.family_name}"
        self.docs.add(self.db, rep.id, app, applicant, "passport", f"Passeport-{client.family_name}-SPECIMEN.pdf",
                      [f"Passeport fictif — {who}", f"Né(e) le {client.date_of_birth}", "Numéro : ZZ0000000"], when)
        self.docs.add(self.db, rep.id, app, applicant, "proof_of_financial_support",
                      f"Preuve-de-fonds-{client.family_name}-SPECIMEN.pdf",
                      [f"Relevé bancaire fictif — {who}", "Banque Imaginaire du Canada", "Solde : 12 345,67 $"], when)

    def play(self, rep: Account, app: Application, applicant: Applicant, story: str, days: int) -> None:
        """Take one applicant from "submitted" to its story's status with the back office's actions."""
        if story in ("draft", "submitted"):
            if story == "submitted":
                applicant.biometrics_status = ""
            return
        t0 = days
        if story == "biometrics_requested":
            self.step("request_biometrics", applicant, self.at(max(t0 - 1, 0), 11))
            return
        if applicant.is_minor:
            self.step("start_review", applicant, self.at(max(t0 - 1, 0), 11))
        else:
            self.step("request_biometrics", applicant, self.at(max(t0 - 1, 0), 11))
            bio_day = max(t0 - 3, 0)
            self.step("record_biometrics", applicant, self.at(bio_day, 14),
                      on=self.today - timedelta(days=bio_day))
        if story == "in_review":
            return
        if story == "documents_requested":
            self.step("request_documents", applicant, self.at(max(t0 - 5, 0), 15),
                      label_fr="Preuve de moyens financiers des six derniers mois",
                      label_en="Proof of financial support for the last six months",
                      note_fr="Relevés bancaires au nom du client (documents fictifs acceptés).",
                      note_en="Bank statements in the client's name (fictional documents accepted).",
                      due_on=self.today + timedelta(days=30))
            return
        if story in ("refused", "closed_refused"):
            self.step("refuse", applicant, self.at(max(t0 - 8, 0), 16),
                      reason_fr="Le but de la visite n’a pas été démontré (décision fictive).",
                      reason_en="The purpose of the visit was not shown (fictional decision).")
            if story == "closed_refused":
                self.step("close", applicant, self.at(max(t0 - 9, 0), 16),
                          issued_at=self.today - timedelta(days=max(t0 - 9, 0)))
            return
        self.step("approve", applicant, self.at(max(t0 - 8, 0), 16))
        if story == "closed":
            close_day = max(t0 - 10, 0)
            self.step("close", applicant, self.at(close_day, 16), issued_at=self.today - timedelta(days=close_day))


def _inbox(db: Session, world: _World, rep: Account, linked: tuple[Application, Applicant, Client] | None) -> None:
    from rar_app.services.messaging import messages

    def post(template: str, days: float, *, read: bool, values: dict | None = None, **kw: Any) -> None:
        message = messages.post_template(db, template, values or {}, account_id=rep.id, notify=False, **kw)
        message.created_at = world.at(days, 8)
        message.read_at = message.created_at + timedelta(hours=2) if read else None
        db.add(message)

    post("enrolment_approved", 90, read=True, category="account", detail="information")
    post("enrolment_follow_up", 4, read=False, category="account", detail="follow_up")
    post("welcome_training", 89, read=True, category="account", detail="information")
    if linked:
        app, applicant, client = linked
        post("linked", 15, read=False, category=applicant.application_type, detail="updated",
             application_id=app.id, applicant_id=applicant.id,
             values={"number": applicant.application_number, "client": f"{client.given_names} {client.family_name}",
                     "category": messages.category_values(applicant.application_type),
                     "date": (world.today - timedelta(days=15)).isoformat()})


def generate_password(username: str = "") -> str:
    """16 random letters and digits (about 95 bits) that meet the password rules."""
    from rar_app.rules.password import check_password

    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        if check_password(username, candidate)["valid"]:
            return candidate


def _protect_privileged(db: Session, ids: dict[str, int], keep: dict[str, str] | None = None) -> dict[str, str]:
    """A training deployment others can reach (demo mode, non-loopback address): the
    administrator and staff accounts get generated passwords, so the published demo
    password opens them only on loopback. `keep` (username → hash) restores the ones
    printed at first start (a scheduled reset must not change them). Returns
    username → new password, for printing once."""
    from rar_app.services.identity.passwords import hash_secret
    from rar_app.settings import get_settings

    if not get_settings().training_reachable:
        # Loopback only: the published second factor, so trainers can sign in.
        from rar_app.services.identity import second_factor

        for username in PRIVILEGED_DEMO_ACCOUNTS:
            second_factor.seed_known_secret(db, db.get(Account, ids[username]), _demo_accounts.DEMO_TOTP_SECRET)
        return {}
    generated: dict[str, str] = {}
    for username in PRIVILEGED_DEMO_ACCOUNTS:
        account = db.get(Account, ids[username])
        if keep and keep.get(username):
            account.password_hash = keep[username]
        else:
            generated[username] = generate_password(username)
            account.password_hash = hash_secret(generated[username])
            audit.record(db, "account.demo_password_generated", object_type="account", object_id=account.id,
                         username=username)
        db.add(account)
    db.info[GENERATED_KEY] = generated
    return generated


def generated_passwords(db: Session) -> dict[str, str]:
    """The passwords generated by the last load in this transaction (username → password)."""
    return dict(db.info.get(GENERATED_KEY) or {})


def load_demo_world(db: Session, *, today: date | None = None, keep_hashes: dict[str, str] | None = None) -> Account:
    """Create the demo world in `db` (an empty database). Returns the demo representative.
    Never in production: the demo accounts have published passwords."""
    from rar_app.services.messaging import mailer
    from rar_app.settings import ConfigurationError, get_settings

    if get_settings().is_production:
        raise ConfigurationError("production mode never creates the demo accounts.")
    today = today or date.today()
    world = _World(db, today)
    try:
        ids = _demo_accounts.ensure_demo_accounts(db)  # demo.rep, demo.admin, demo.staff
        _protect_privileged(db, ids, keep_hashes)
        rep = db.get(Account, ids[DEMO_USERNAME])
        staff = db.get(Account, ids[DEMO_STAFF])
        rep2 = _account(db, rep, DEMO_OTHER_REP, "representative", family_name="Exemple-Autre", given_names="Alex",
                        email="alex.autre@example.invalid", phone="+1 604 555 0101", language="en",
                        business_name="Other Demo Immigration Ltd.", regulatory_body="CICC",
                        business_address="200 Fictional Street, Vancouver BC V5K 0A0", membership_number="R000001")
        client_account = _account(db, rep, DEMO_CLIENT, "client", family_name="Sureau", given_names="Zoé",
                                  email="zoe.sureau@example.invalid", language="fr")

        serial_uci = 100
        linked_example = None
        for family, given, dob, application_type, story, days in REP_FILES:
            serial_uci += 1
            uci = f"00-0000-0{serial_uci:03d}" if story != "draft" or serial_uci % 2 else None
            if family == CLIENT_TAKEOVER["family_name"]:
                uci = CLIENT_TAKEOVER["uci"]
            client = world.client(rep, family, given, dob, uci)
            number = [CLIENT_TAKEOVER["application_number"]] if family == "Sureau" else None
            app, (applicant,) = world.application(rep, [(client, application_type, False)], story, days,
                                                  file_number=f"DEMO-{serial_uci:04d}", numbers=number)
            if story != "draft":
                world.documents(rep, app, applicant, client)
            world.play(rep, app, applicant, story, days)
            if family == "Houblon":
                linked_example = (app, applicant, client)

        # A family of three in one application (principal and two dependants).
        people = []
        for i, (family, given, dob, minor) in enumerate(FAMILY):
            client = world.client(rep, family, given, dob, f"00-0000-01{50 + i}")
            people.append((client, "visitor_visa", minor))
        app, applicants = world.application(rep, people, "in_review", 10, file_number="DEMO-FAMILLE")
        for applicant, (client, _t, _m) in zip(applicants, people):
            world.documents(rep, app, applicant, client)
            world.play(rep, app, applicant, "in_review", 10)

        # The document request already answered (history shows the round trip).
        jasmin = db.exec(select(Applicant).join(Client, Applicant.client_id == Client.id)
                         .where(Client.family_name == "Jasmin")).one()
        jasmin_app = db.get(Application, jasmin.application_id)
        request = db.exec(select(DocumentRequest).where(DocumentRequest.applicant_id == jasmin.id)).first()
        if request is not None:
            world.docs.add(db, rep.id, jasmin_app, jasmin, f"request-{request.id}",
                           "Releves-bancaires-Jasmin-SPECIMEN.pdf",
                           ["Relevés bancaires fictifs — Aïcha Jasmin", "Banque Imaginaire du Canada"],
                           world.at(2, 12))
            # Answered, but another request stays open: she still shows "Suivi requis".
            request.status, request.answered_at = "received", world.at(2, 12)
            db.add(request)
            world.step("request_documents", jasmin, world.at(1, 9),
                       label_fr="Lettre d’invitation signée", label_en="Signed letter of invitation",
                       due_on=today + timedelta(days=30))

        # The other representative's files.
        for family, given, dob, application_type, story, days in OTHER_REP_FILES:
            serial_uci += 1
            client = world.client(rep2, family, given, dob, f"00-0000-0{serial_uci + 100:03d}", country="IN")
            app, (applicant,) = world.application(rep2, [(client, application_type, False)], story, days,
                                                  file_number=f"AUTRE-{serial_uci:04d}")
            world.documents(rep2, app, applicant, client)
            world.play(rep2, app, applicant, story, days)

        # Paper applications nobody holds yet.
        for spec, days, number in ((PAPER_TO_LINK, 5, PAPER_TO_LINK["application_number"]),):
            client = world.client(None, spec["family_name"], spec["given_names"], spec["date_of_birth"], spec["uci"])
            world.application(None, [(client, "visitor_visa", False)], "submitted", days, paper=True,
                              numbers=[number])
        for days, application_type, number in ((40, "study_permit", "S900000192"), (6, "visitor_visa", "V900000193")):
            client = world.client(None, PAPER_SEVERAL["family_name"], PAPER_SEVERAL["given_names"],
                                  PAPER_SEVERAL["date_of_birth"], PAPER_SEVERAL["uci"])
            world.application(None, [(client, application_type, False)], "submitted", days, paper=True,
                              numbers=[number])

        # Profiles in the pools (Express Entry…): demo_pools.py.
        from rar_app.services.office import demo_pools

        demo_pools.load(db, [rep, rep2], today)

        _inbox(db, world, rep, linked_example)
        _inbox(db, world, rep2, None)

        # Demo data sends no e-mail: what the loader "did" happened in the past.
        db.flush()
        db.exec(update(Message).where(Message.email_status == "pending")
                .values(email_status="none", email_next_attempt_at=None))
        db.info.pop(mailer._PENDING_KEY, None)
        # The representative has read what is older than a few days.
        db.exec(update(Message).where(Message.account_id.is_not(None), Message.created_at < world.at(4, 0),
                                      Message.read_at.is_(None)).values(read_at=world.at(4, 0)))

        # The fabricated history was dated back after it was written: seal the chain again.
        audit.rechain(db, 0)
        audit.record(db, "demo.loaded", object_type="account", object_id=rep.id, staff=staff.id,
                     client=client_account.id)
    except BaseException:
        world.docs.discard()
        raise
    return rep


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(role, username, password) for the printed demo sign-ins (on a training deployment
    others can reach, the administrator and staff passwords are the generated ones)."""
    from rar_app.settings import get_settings

    hidden = "(generated at first start)" if get_settings().training_reachable else DEMO_PASSWORD
    return [("representative", DEMO_USERNAME, DEMO_PASSWORD), ("representative", DEMO_OTHER_REP, DEMO_PASSWORD),
            ("staff", DEMO_STAFF, hidden), ("client", DEMO_CLIENT, DEMO_PASSWORD),
            ("admin", DEMO_ADMIN, hidden)]


def reset_demo_world(engine: Any = None) -> Account:
    """Empty every table (keeping the schema), delete the stored documents and the
    outbox, and load the demo world again. Everyone is signed out."""
    from rar_app.db import session_scope
    from rar_app.services.messaging import mailer
    from rar_app.storage import get_store

    with session_scope(engine) as db:
        keys = list(db.exec(select(Document.storage_key)))
        # The administrator and staff passwords printed at first start stay valid.
        keep = {a.username: a.password_hash
                for a in db.exec(select(Account).where(Account.username.in_(PRIVILEGED_DEMO_ACCOUNTS)))}
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name != "scheduler_lease":  # the worker resetting holds its lease
                db.exec(delete(table))
        rep = load_demo_world(db, keep_hashes=keep)
        audit.record(db, "demo.reset", object_type="account", object_id=rep.id, documents_deleted=len(keys))
    store = get_store()
    for key in keys:
        try:
            store.delete(key)
        except Exception:
            log.warning("demo reset: could not delete %s (the orphan report will list it)", key)
    outbox = mailer.outbox_dir()
    if outbox.is_dir():
        for path in outbox.glob("*.eml"):
            path.unlink(missing_ok=True)
    return rep
