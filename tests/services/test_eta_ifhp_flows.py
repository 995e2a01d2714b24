"""The eTA and IFHP lines end to end through the services the pages call: answers saved
step by step (program kind), signed, paid once however often « Transmettre et payer »
is pressed (eTA) or transmitted free (IFHP), numbered, and decided by the office."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, Applicant, Application, Document, Payment
from rar_app.services.casework import applications, documents, submission
from rar_app.services.identity import sessions
from rar_app.services.money import payment_methods, payments
from rar_app.services.money.payment_errors import AlreadySubmitted, PaymentInProgress
from rar_app.services.money.payment_providers import DemoGateway
from rar_app.services.office import automated, backoffice, decisions, travel_authorization
from tests.fixtures.documents import samples
from tests.services.test_office_eta_ifhp import ETA_ANSWERS, IFHP_ANSWERS
from tests.services.test_search_helpers import stop_mail_worker  # noqa: F401
from tests.services.test_submission_drafts import ANSWER, make_rep, new_session

TODAY = date.today()
ETA_ORDER = ("for_other", "representative", "rep_declaration", "passport", "contact", "employment", "background")
IFHP_ORDER = ("questions", "coverage_type", "client", "city", "chosen_documents")


def _card():
    return payment_methods.validate_card("Hélène Côté", "4242 4242 4242 4242", "12", str(TODAY.year + 2), "123",
                                         today=TODAY)


def _fill(rep: int, kind: str, order: tuple[str, ...], answers: dict, extra: dict | None = None) -> int:
    app_id = None
    for ref in order:
        raw = dict(answers[ref])
        if extra and ref in extra:
            raw.update(extra[ref])
        result = applications.save_step(rep, app_id, ref, raw, kind=kind)
        assert result.ok and not result.problems, (ref, result.problems)
        app_id = result.app_id
    assert result.goto == ("review" if order[-1] in ("background", "chosen_documents") else result.goto)
    return app_id


def _sign(rep: int, app_id: int, consent: dict) -> None:
    submission.sign(rep, new_session(rep), app_id, given_names="Hélène", family_name="Côté-Lévesque",
                    answer=ANSWER, consent=consent)


@pytest.fixture
def rep(migrated_db):
    return make_rep()


class SlowGateway(DemoGateway):
    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def charge(self, *args, **kwargs):
        self.calls += 1
        self.release.wait(5)
        return super().charge(*args, **kwargs)


def test_eta_paid_once_then_approved(rep):
    answers = {**ETA_ANSWERS, "representative": {**ETA_ANSWERS["representative"], "rep_family_name": "Côté-Lévesque"}}
    app_id = _fill(rep, "eta", ETA_ORDER, answers)
    with session_scope() as db:
        row = db.exec(select(Applicant).where(Applicant.application_id == app_id)).one()
        assert (row.application_type, row.fee_option, row.biometrics_option) == ("eta", "standard", "none")
    view = submission.view(rep, app_id)
    assert view.total_cents == 700 and view.missing_documents == []  # the eTA fee in force, no documents
    _sign(rep, app_id, {"consent": "accept"})
    # « Transmettre et payer » pressed five times at once, then replayed: one charge, one submission.
    gateway, key = SlowGateway(), payments.new_idempotency_key()
    results, errors = [], []

    def press():
        try:
            results.append(payments.pay(rep, app_id, _card(), key, provider=gateway))
        except (PaymentInProgress, AlreadySubmitted) as exc:
            errors.append(type(exc).__name__)

    threads = [threading.Thread(target=press) for _ in range(5)]
    for t in threads:
        t.start()
    threading.Timer(0.5, gateway.release.set).start()
    for t in threads:
        t.join()
    assert gateway.calls == 1
    assert payments.pay(rep, app_id, _card(), key, provider=gateway).status == "approved"
    with pytest.raises(AlreadySubmitted):
        payments.pay(rep, app_id, _card(), payments.new_idempotency_key(), provider=gateway)
    with session_scope() as db:
        paid = db.exec(select(Payment).where(Payment.application_id == app_id, Payment.status == "approved")).all()
        assert len(paid) == 1 and paid[0].amount_cents == 700
        applicant = db.exec(select(Applicant).where(Applicant.application_id == app_id)).one()
        assert db.get(Application, app_id).status == "submitted" and applicant.application_number.startswith("V")
        applicant_id = applicant.id
    # The office: further review for the deterministic share, else approved at once.
    if travel_authorization.selected_for_review(applicant_id, 0.15):
        pytest.skip("this applicant falls in the review share (covered by test_office_eta_ifhp)")
    with session_scope() as db:
        assert automated.advance(db, backoffice.SIMULATION, applicant_id) == "approved"
        assert decisions.issued_for(db, applicant_id).valid_until == date.fromisoformat(
            ETA_ANSWERS["passport"]["passport_expiry"])


def test_eta_bad_answers_are_refused_at_the_step_and_nothing_is_saved(rep):
    bad = {**ETA_ANSWERS["passport"], "passport_number": "12345", "nationality": "IN",
           "passport_expiry": (TODAY - timedelta(days=2)).isoformat()}
    app_id = _fill(rep, "eta", ETA_ORDER[:3], ETA_ANSWERS)
    result = applications.save_step(rep, app_id, "passport", bad)
    assert not result.ok and {p.field for p in result.problems} == {"passport_number", "nationality",
                                                                       "passport_expiry"}
    assert result.values["passport_number"] == "12345"  # what was typed comes back


def test_ifhp_uploaded_signed_transmitted_free_and_certificate_issued(rep):
    app_id = _fill(rep, "ifhp", IFHP_ORDER, IFHP_ANSWERS)
    view = submission.view(rep, app_id)
    assert view.total_cents == 0
    assert {item.code for _a, item in view.missing_documents} == {"claimant_document", "photo_id"}
    with pytest.raises(submission.FinishError) as exc:
        _sign(rep, app_id, {"agree": "accept"})
    assert exc.value.code == "documents_missing"
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, rep))
    actor = documents.Actor.from_session(sessions.lookup(token))
    applicant_id = submission.view(rep, app_id).applicants[0].id
    for code in ("claimant_document", "photo_id"):
        documents.upload(actor, app_id, applicant_id, code, f"{code}.pdf", io.BytesIO(samples.pdf(marker=code)))
    _sign(rep, app_id, {"agree": "accept"})
    first = submission.submit_free(rep, app_id)
    again = submission.submit_free(rep, app_id)  # « Transmettre » twice
    assert not first.replayed and again.replayed
    with session_scope() as db:
        assert automated.advance(db, backoffice.SIMULATION, applicant_id) == "issued"
        issued = decisions.issued_for(db, applicant_id)
        doc = db.get(Document, issued.document_id)
        assert doc.application_id == app_id and doc.content_type == "application/pdf"


def test_eta_steps_are_prefilled_from_the_account_and_the_eligibility_answers(rep):
    with session_scope() as db:
        account = db.get(Account, rep)
        account.regulatory_body, account.membership_number, account.email = "CICC", "R705123", "helene@example.invalid"
    start = applications.save_step(rep, None, "travel", ETA_ANSWERS["travel"], kind="eta")
    assert start.ok and start.goto == "results"
    app_id = start.app_id
    assert applications.save_step(rep, app_id, "for_other", {"for_other": "yes"}).ok
    values = applications.open_step(rep, app_id, "representative").values
    assert values == {"i_am": "CICC", "rep_family_name": "Côté-Lévesque", "rep_given_names": "Hélène",
                      "membership_number": "R705123", "rep_email": "helene@example.invalid"}
    rep_answers = {**values}
    assert applications.save_step(rep, app_id, "representative", rep_answers).ok
    assert applications.save_step(rep, app_id, "rep_declaration", ETA_ANSWERS["rep_declaration"]).ok
    passport = applications.open_step(rep, app_id, "passport").values
    assert passport["nationality"] == "FR" and passport["passport_country"] == "FR"


def test_eta_signature_is_the_name_alone_and_ifhp_keeps_the_security_question(rep):
    """The guide's eTA « Signature » asks the name only (Declaration.security_question=False);
    the IFHP declaration still asks the security question."""
    eta_id = _fill(rep, "eta", ETA_ORDER, ETA_ANSWERS)
    session = new_session(rep)
    with pytest.raises(submission.SignatureRefused) as refused:  # the names are still checked
        submission.sign(rep, session, eta_id, given_names="Hélène", family_name="Autre", answer="",
                        consent={"consent": "accept"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("family_name", "family_name_mismatch")]
    signed = submission.sign(rep, session, eta_id, given_names="Hélène", family_name="Côté-Lévesque", answer="",
                             consent={"consent": "accept"})
    assert signed.status == "signed"

    ifhp_id = _fill(rep, "ifhp", IFHP_ORDER, IFHP_ANSWERS)
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, rep))
    actor = documents.Actor.from_session(sessions.lookup(token))
    applicant_id = submission.view(rep, ifhp_id).applicants[0].id
    for code in ("claimant_document", "photo_id"):
        documents.upload(actor, ifhp_id, applicant_id, code, f"{code}.pdf", io.BytesIO(samples.pdf(marker=code)))
    with pytest.raises(submission.SignatureRefused) as refused:
        submission.sign(rep, session, ifhp_id, given_names="Hélène", family_name="Côté-Lévesque", answer="",
                        consent={"agree": "accept"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("answer", "answer_required")]


def test_a_paid_eta_is_found_by_search_with_its_confirmation_message(rep):
    """Once paid, the eTA is forwarded at once: found with the other applications by its
    number, the client's name and its category, the confirmation in its messages."""
    from rar_app.services.messaging import messages
    from rar_app.services.office import search

    app_id = _fill(rep, "eta", ETA_ORDER, ETA_ANSWERS)
    _sign(rep, app_id, {"consent": "accept"})
    assert payments.pay(rep, app_id, _card(), payments.new_idempotency_key(), provider=DemoGateway()).status \
        == "approved"
    with session_scope() as db:
        number = db.exec(select(Applicant).where(Applicant.application_id == app_id)).one().application_number
        assert "eta" in search.categories(db, rep)
        for criteria in (search.SearchCriteria(application_number=number.lower()),
                         search.SearchCriteria(family_name="martin", given_names="Cla"),
                         search.SearchCriteria(category="eta")):
            rows = search.search(db, rep, criteria).rows
            assert [(r.application_id, r.application_number, r.category, r.family_name) for r in rows] == \
                [(app_id, number, "eta", "Martin")], criteria
        assert search.search(db, rep, search.SearchCriteria(category="ifhp")).rows == []
        view = search.status_view(db, rep, number)
        assert view.category == "eta" and view.status == "submitted"
        assert any(number in (m["subject_fr"] + m["body_fr"]) and "AVE" in m["subject_fr"] and "forwarded" in m["subject_en"]
                   for m in view.messages), view.messages
        in_box = messages.application_messages(db, rep, app_id)
        assert in_box and any("eTA" in (m.subject_en + m.body_en) for m in in_box)
    with session_scope() as db:  # nobody else finds it
        other = make_rep("rep.other.eta")
        assert search.search(db, other, search.SearchCriteria(application_number=number)).rows == []
