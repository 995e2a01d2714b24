"""The simulated office's automated decisions for the eTA and IFHP programs: every
decision path, the issued numbers and validity, the certificate PDF downloaded
through the secure route, the document requests, and the simulation's timing."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta, timezone

import pytest
from pypdf import PdfReader
from sqlmodel import select

from rar_app import rules
from rar_app.db import session_scope
from rar_app.models import (
    Account,
    Applicant,
    Application,
    AuditEvent,
    Client,
    Document,
    DocumentRequest,
    IssuedAuthorization,
    Message,
    utcnow,
)
from rar_app.programs.eta import program as eta_program
from rar_app.services.casework import document_links, documents
from rar_app.services.identity import sessions
from rar_app.services.office import automated, backoffice, decisions, search, simulation, travel_authorization
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401

TODAY = date.today()
ETA_ANSWERS = {
    "travel": {"citizenship": "FR", "canadian": "no", "us_lpr": "no", "holds_visa": "no", "travel_mode": "air"},
    "for_other": {"for_other": "yes"},
    "representative": {"i_am": "CICC", "rep_family_name": "Tremblay", "membership_number": "R123456",
                       "rep_email": "rep@example.invalid"},
    "rep_declaration": {"statements": ["truthful", "authorized", "informed"]},
    "passport": {"passport_country": "FR", "passport_number": "12AB34567", "nationality": "FR",
                 "family_name": "Martin", "given_names": "Claire", "date_of_birth": "1990-05-04",
                 "country_of_birth": "FR", "sex": "F", "passport_issued": "2022-01-10",
                 "passport_expiry": (TODAY + timedelta(days=3 * 365)).isoformat()},
    "contact": {"email": "claire@example.invalid", "language": "fr"},
    "employment": {"occupation": "retired"},
    "background": {"refused": "no", "criminal": "no", "tuberculosis": "no"},
}
IFHP_ANSWERS = {
    "questions": {"in_canada": "yes", "provincial_coverage": "no"},
    "coverage_type": {"group": "refugee_claimant"},
    "client": {"family_name": "Haddad", "given_names": "Samir", "date_of_birth": "1985-03-02", "nationality": "SY",
               "uci": "00-1234-5678"},
    "city": {"city": "Montréal (QC)"},
    "chosen_documents": {"documents": ["claimant_document", "photo_id"]},
}
_serial = iter(range(1, 10**6))


def make_submitted(db, rep: Account, kind: str, answers: dict, *, application_type: str | None = None):
    """A submitted application of program `kind` with its answers (built complete, then submitted)."""
    at = datetime.combine(TODAY, time(9, 0), tzinfo=timezone.utc)
    client = Client(representative_id=rep.id, family_name="Client", given_names="Test", date_of_birth=date(1990, 1, 1))
    db.add(client)
    app = Application(representative_id=rep.id, kind=kind, status="draft", submitted_at=at,
                      wizard_data=json.dumps({"v": 1, "answers": answers}))
    db.add(app)
    db.flush()
    applicant = Applicant(application_id=app.id, position=1, client_id=client.id,
                          application_type=application_type or kind, biometrics_option="none",
                          application_number=f"V{700000000 + next(_serial)}", status="submitted",
                          processing_step="submitted", date_received=TODAY, status_changed_at=at)
    db.add(applicant)
    db.flush()
    app.status = "submitted"
    db.add(app)
    db.flush()
    return app, applicant


@pytest.fixture
def rep(migrated_db):
    with session_scope() as db:
        return make_account(db).id


def _new(rep_id, kind, answers, application_type=None):
    with session_scope() as db:
        app, applicant = make_submitted(db, db.get(Account, rep_id), kind, answers, application_type=application_type)
        return app.id, applicant.id


def _advance(applicant_id, on=None):
    with session_scope() as db:
        return automated.advance(db, backoffice.SIMULATION, applicant_id)


def _applicant(applicant_id) -> Applicant:
    with session_scope() as db:
        return db.get(Applicant, applicant_id)


def _eta_id_not_reviewed(rep_id, answers=ETA_ANSWERS):
    """An eTA applicant the deterministic share does not send to further review."""
    for _ in range(50):
        app_id, applicant_id = _new(rep_id, "eta", answers)
        if not travel_authorization.selected_for_review(applicant_id, 0.15):
            return app_id, applicant_id
    raise AssertionError("no applicant outside the review share")


# -- eTA ---------------------------------------------------------------------------


def test_eta_approved_with_number_and_five_years_or_passport_expiry(rep):
    app_id, applicant_id = _eta_id_not_reviewed(rep)
    assert _advance(applicant_id) == "approved"
    a = _applicant(applicant_id)
    assert (a.status, a.decision, a.issued_at) == ("closed", "approved", TODAY)
    with session_scope() as db:
        issued = decisions.issued_for(db, applicant_id)
        assert issued.kind == "travel_authorization" and issued.number.startswith("E") and len(issued.number) == 10
        expiry = date.fromisoformat(ETA_ANSWERS["passport"]["passport_expiry"])
        assert issued.valid_until == expiry < rules.eta_valid_until(TODAY, None)[0]  # the passport expires first
        assert issued.number in a.issued_document
        message = db.exec(select(Message).where(Message.application_id == app_id, Message.account_id.is_(None))
                          .order_by(Message.id.desc())).first()
        assert issued.number in message.body_fr and expiry.isoformat() in message.body_en
        inbox = db.exec(select(Message).where(Message.account_id == rep, Message.application_id == app_id)).all()
        assert len(inbox) == 1  # one notice for the decision, not one per internal step
        actions = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.object_id == str(app_id))
                                             .order_by(AuditEvent.id))]
        assert actions == ["backoffice.start_review", "backoffice.approve", "backoffice.close", "office.eta_issued"]


def test_eta_valid_five_years_when_the_passport_outlives_it(rep):
    answers = json.loads(json.dumps(ETA_ANSWERS))
    answers["passport"]["passport_expiry"] = (TODAY + timedelta(days=9 * 365)).isoformat()
    _app, applicant_id = _eta_id_not_reviewed(rep, answers)
    assert _advance(applicant_id) == "approved"
    with session_scope() as db:
        assert decisions.issued_for(db, applicant_id).valid_until == rules.eta_valid_until(TODAY, None)[0]


def test_eta_background_yes_goes_to_further_review_then_approved_once_answered(rep):
    answers = json.loads(json.dumps(ETA_ANSWERS))
    answers["background"] = {"refused": "yes", "criminal": "no", "tuberculosis": "no", "details": "Visa US 2015"}
    app_id, applicant_id = _new(rep, "eta", answers)
    assert _advance(applicant_id) == "further_review"
    assert _applicant(applicant_id).status == "documents_requested"
    assert _advance(applicant_id) is None  # waits for the representative
    with session_scope() as db:
        request = db.exec(select(DocumentRequest).where(DocumentRequest.applicant_id == applicant_id)).one()
        assert "passeport" in request.label_fr and request.due_on == TODAY + timedelta(days=3)
        db.add(Document(owner_id=rep, application_id=app_id, applicant_id=applicant_id,
                        slot_code=f"request-{request.id}", original_name="p.pdf", content_type="application/pdf",
                        storage_key=f"k{request.id}x" * 4))
    with session_scope() as db:
        assert backoffice.answer_request(db, rep, request.id) is True  # back to review
    assert _advance(applicant_id) == "approved"
    assert _applicant(applicant_id).status == "closed"


def test_eta_review_share_is_deterministic_and_about_the_declared_share():
    picked = [travel_authorization.selected_for_review(i, 0.15) for i in range(1, 2001)]
    assert picked == [travel_authorization.selected_for_review(i, 0.15) for i in range(1, 2001)]
    assert 0.10 < sum(picked) / len(picked) < 0.20
    assert eta_program.PROGRAM.extra["review_share"] == 0.15


def test_eta_refused_when_the_rules_no_longer_allow_it(rep):
    answers = json.loads(json.dumps(ETA_ANSWERS))
    answers["passport"]["nationality"] = "IN"  # a visa-required nationality (the wizard refuses it; the office too)
    _app, applicant_id = _new(rep, "eta", answers)
    assert _advance(applicant_id) == "refused"
    a = _applicant(applicant_id)
    assert (a.status, a.decision) == ("refused", "refused")
    with session_scope() as db:
        assert decisions.issued_for(db, applicant_id) is None


def test_other_programs_keep_the_usual_status_machine(rep):
    _app, applicant_id = _new(rep, "visitor_study_work", {}, "visitor_visa")
    assert _advance(applicant_id) == "start_review"


# -- IFHP --------------------------------------------------------------------------


def _upload_checklist(rep_id, app_id, applicant_id, codes):
    with session_scope() as db:
        for n, code in enumerate(codes):
            db.add(Document(owner_id=rep_id, application_id=app_id, applicant_id=applicant_id, slot_code=code,
                            original_name=f"{code}.pdf", content_type="application/pdf",
                            storage_key=f"{code[:8]}{app_id:08d}{n:04d}"))


def _actor(account_id):
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, account_id), ip="127.0.0.1")
    return documents.Actor.from_session(sessions.lookup(token), ip="127.0.0.1")


def test_ifhp_certificate_issued_as_a_pdf_the_representative_downloads(rep):
    app_id, applicant_id = _new(rep, "ifhp", IFHP_ANSWERS)
    _upload_checklist(rep, app_id, applicant_id, ["claimant_document", "photo_id"])
    assert _advance(applicant_id) == "issued"
    a = _applicant(applicant_id)
    assert (a.status, a.decision) == ("closed", "approved")
    with session_scope() as db:
        issued = decisions.issued_for(db, applicant_id)
        assert issued.kind == "coverage_document" and issued.number.startswith("IFHC")
        assert issued.valid_from == TODAY
        assert (issued.valid_until - TODAY).days in range(720, 732)  # 24 months for a refugee claimant
        doc_id = issued.document_id
    actor = _actor(rep)
    token = document_links.issue_download_token(actor, doc_id)
    info, stream = document_links.open_with_token(token, actor)
    data = b"".join(stream)
    assert info.content_type == "application/pdf" and info.name.endswith(".pdf")
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert "fpdf2" in reader.metadata.producer
    text = reader.pages[0].extract_text()
    assert issued.number in text and "Samir Haddad" in text and "Montréal (QC)" in text
    assert issued.valid_until.isoformat() in text and "Demandeur d’asile" in text and "Refugee claimant" in text
    assert "Certificat d’admissibilité" in text and "certificate of eligibility" in text  # bilingual
    other = _actor(make_other_rep())
    with pytest.raises(documents.NotFound):
        document_links.issue_download_token(other, doc_id)
    with session_scope() as db:  # the status page shows the number, the validity and the download
        view = search.status_view(db, rep, a.application_number)
        assert view.authorization == {"number": issued.number, "valid_from": TODAY.isoformat(),
                                      "valid_until": issued.valid_until.isoformat(), "document_id": doc_id}
        assert issued.number in view.issued_document


def make_other_rep() -> int:
    with session_scope() as db:
        return make_account(db).id


def test_ifhp_missing_documents_are_requested_then_the_certificate_follows(rep):
    app_id, applicant_id = _new(rep, "ifhp", IFHP_ANSWERS)
    _upload_checklist(rep, app_id, applicant_id, ["photo_id"])
    assert _advance(applicant_id) == "documents_requested"
    with session_scope() as db:
        requests = db.exec(select(DocumentRequest).where(DocumentRequest.applicant_id == applicant_id)).all()
        assert len(requests) == 1 and "demandeur d’asile" in requests[0].label_fr
        db.add(Document(owner_id=rep, application_id=app_id, applicant_id=applicant_id,
                        slot_code=f"request-{requests[0].id}", original_name="dda.pdf",
                        content_type="application/pdf", storage_key=f"req{requests[0].id:029d}"))
    with session_scope() as db:
        assert backoffice.answer_request(db, rep, requests[0].id) is True
    assert _advance(applicant_id) == "issued"


def test_ifhp_refused_when_no_longer_eligible(rep):
    answers = json.loads(json.dumps(IFHP_ANSWERS))
    answers["questions"]["provincial_coverage"] = "yes"
    _app, applicant_id = _new(rep, "ifhp", answers)
    assert _advance(applicant_id) == "refused"
    with session_scope() as db:
        assert decisions.issued_for(db, applicant_id) is None
        assert db.exec(select(Document).where(Document.slot_code == "issued-ifhp-certificate")).first() is None


# -- simulation timing ---------------------------------------------------------------


def test_simulation_decides_an_eta_within_minutes_of_simulated_time(rep):
    _app, applicant_id = _eta_id_not_reviewed(rep)
    start = utcnow()
    with session_scope() as db:
        from rar_app.services.office import search

        search.write_processing(db, db.get(Applicant, applicant_id), status_changed_at=start)
    # speed 60: a simulated minute per real second; the program declares 5 minutes.
    assert simulation.tick(now=start + timedelta(seconds=4), speed=60) == {}
    assert _applicant(applicant_id).status == "submitted"
    done = simulation.tick(now=start + timedelta(seconds=6), speed=60)
    assert done == {"approved": 1}
    assert _applicant(applicant_id).status == "closed"
