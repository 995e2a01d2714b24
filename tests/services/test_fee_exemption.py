"""Fee exemptions are not self-declared (issue 14, point 6): « Dispensé des frais » is
offered only for the types the dated parameter `fees.exemption.allowed` names (with its
legal source); a submitted exemption opens a staff review, the back office cannot
process the applicant before staff decide, and a refusal refuses the applicant and
tells the representative. Everything is audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rar_app import rules
from rar_app.i18n import t
from rar_app.db import session_scope
from rar_app.models import Applicant, AuditEvent, Message, StaffReview
from rar_app.services.casework import submission
from rar_app.services.office import backoffice, reviews
from rar_app.services.office.backoffice import TransitionError
from rar_app.services.office.search import NotFound
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401
from tests.services.test_submission_drafts import ANSWER, make_draft, make_rep, new_session


def test_the_rule_offers_exempt_only_where_the_parameter_allows_it():
    from datetime import date

    parameter = rules.parameter("fees.exemption.allowed", date(2026, 12, 1))
    assert "296(2)" in parameter.reference and "visitor_visa" in parameter.value
    for kind in ("visitor_visa", "study_permit", "work_permit", "open_work_permit"):
        assert "exempt" in [o["code"] for o in rules.fee_options(kind)["processing"]], kind
    for kind in ("eta", "iec_working_holiday", "iec_young_professionals", "iec_international_coop"):
        assert "exempt" not in [o["code"] for o in rules.fee_options(kind)["processing"]], kind


@pytest.fixture
def submitted(migrated_db):
    rep = make_rep()
    draft = make_draft(rep, [{"given": "Lina", "family": "Haddad", "type": "visitor_visa", "fee": "exempt"}])
    submission.sign(rep, new_session(rep), draft.application_id, agree="yes", given_names="Hélène",
                    family_name="Côté-Lévesque", answer=ANSWER)
    submission.submit_free(rep, draft.application_id)
    with session_scope() as db:
        staff = make_account(db, "staff").id
        review = db.exec(select(StaffReview)).one()
    return dict(rep=rep, staff=staff, app=draft.application_id, applicant=draft.applicant_ids[0], review=review)


def test_exempt_needs_a_reason_named_in_its_error(migrated_db):
    """« Dispensé des frais » without its reason is refused at « Suivant », the error naming the field."""
    from rar_app.services.casework import applications

    rep = make_rep()
    draft = make_draft(rep, [{"given": "Lina", "family": "Haddad", "type": "visitor_visa"}])
    result = applications.save_step(rep, draft.application_id, "fees",
                                    {"fee-1": "exempt", "bio_needed-1": "no", "fee_reason-1": "   "})
    assert not result.ok
    problem = next(p for p in result.problems if p.field == "fee_reason-1")
    assert problem.message("fr", t) == "Motif de la dispense des frais (client 1)\u00a0: ce champ est obligatoire."
    assert problem.message("en", t).startswith("Reason for the fee exemption (client 1): ")
    result = applications.save_step(rep, draft.application_id, "fees",
                                    {"fee-1": "exempt", "bio_needed-1": "no", "fee_reason-1": "x" * 501})
    assert not result.ok and any(p.field == "fee_reason-1" for p in result.problems)
    # A standard fee needs no reason; an exempt one with its reason passes, and the checklist asks its proof.
    assert applications.save_step(rep, draft.application_id, "fees", {"fee-1": "standard", "bio_needed-1": "no"}).ok
    checklist = applications.document_checklist(rep, draft.application_id)[0]["documents"]
    assert "fee_exemption_proof" not in [d["code"] for d in checklist]
    assert applications.save_step(rep, draft.application_id, "fees", {"fee-1": "exempt", "bio_needed-1": "no",
                                                                      "fee_reason-1": "  Note   diplomatique "}).ok
    proof = next(d for d in applications.document_checklist(rep, draft.application_id)[0]["documents"]
                 if d["code"] == "fee_exemption_proof")
    assert proof["required"] and proof["label_fr"] == "Pièce justificative de la dispense des frais"
    assert "296" in proof["reference"]
    view = submission.view(rep, draft.application_id)
    assert [item.code for _a, item in view.missing_documents] == ["fee_exemption_proof"], \
        "nothing can be signed before the supporting document is uploaded"


def test_the_review_carries_the_reason_and_the_document_for_staff(submitted):
    from rar_app.services.casework import document_links
    from rar_app.services.casework.documents import Actor, NotFound as DocumentNotFound

    s = submitted
    with session_scope() as db:
        rows, _more = reviews.queue(db, s["staff"])
        opened = db.exec(select(AuditEvent).where(AuditEvent.action == "review.opened")).one()
    row = next(r for r in rows if r.id == s["review"].id)
    assert row.reason == "Statut diplomatique : note de l’ambassade jointe"
    assert row.document_id and row.document_name == "fee_exemption_proof.pdf"
    assert '"document_id": %d' % row.document_id in opened.details
    # Staff download it through the access-checked path; another representative cannot.
    assert document_links.issue_download_token(Actor(s["staff"], "staff", session_id=1), row.document_id)
    with session_scope() as db:
        other = make_account(db).id
    with pytest.raises(DocumentNotFound):
        document_links.issue_download_token(Actor(other, "representative", session_id=1), row.document_id)


def _status(applicant_id):
    with session_scope() as db:
        return db.get(Applicant, applicant_id).status


def test_submission_opens_a_review_that_blocks_processing(submitted):
    s = submitted
    assert s["review"].kind == "fee_exemption" and s["review"].status == "open"
    assert s["review"].applicant_id == s["applicant"] and s["review"].requested_by_id == s["rep"]
    with pytest.raises(TransitionError) as caught, session_scope() as db:
        backoffice.start_review(db, backoffice.staff_actor(db, s["staff"]), s["applicant"])
    assert caught.value.code == "fee_exemption_pending" and _status(s["applicant"]) == "submitted"
    with pytest.raises(NotFound), session_scope() as db:  # the representative cannot approve their own claim
        reviews.decide(db, s["rep"], s["review"].id, True)
    with session_scope() as db:
        assert reviews.decide(db, s["staff"], s["review"].id, True) == "approved"
    with session_scope() as db:
        backoffice.start_review(db, backoffice.staff_actor(db, s["staff"]), s["applicant"])
    assert _status(s["applicant"]) == "in_review"
    with session_scope() as db:
        actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "review.opened" in actions and "review.approved" in actions


def test_a_refused_exemption_refuses_the_applicant_and_tells_the_representative(submitted):
    s = submitted
    with session_scope() as db:
        assert reviews.decide(db, s["staff"], s["review"].id, False, "Aucune preuve de statut diplomatique") == "refused"
    assert _status(s["applicant"]) == "refused"
    with session_scope() as db:
        told = [m for m in db.exec(select(Message).where(Message.account_id == s["rep"]))]
        assert any("Dispense des frais refusée" in m.subject_fr and "diplomatique" in m.body_fr for m in told)
