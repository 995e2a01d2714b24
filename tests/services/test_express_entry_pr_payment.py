"""The permanent residence application an Express Entry invitation starts, paid through the
services the payment page calls: its fees are the program's own (`Program.fees`: dated
parameters), not the per-applicant visitor fee rows — the charge is the amount the Signature
page showed, the application is submitted, numbered, and its invitation stays accepted."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, Application, Payment, PoolEntry, PoolInvitation, utcnow
from rar_app.programs import registry
from rar_app.services.casework import applications, documents, submission
from rar_app.services.identity import sessions
from rar_app.services.money import payment_methods, payments
from rar_app.services.office import pool_profile, pools
from tests.fixtures.documents import samples
from tests.services.test_express_entry_pool import _profile_answers, _submit
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401
from tests.services.test_submission_drafts import ANSWER, make_rep, new_session


class _Rep:
    def __init__(self, account_id: int):
        self.id = account_id


def _card():
    today = utcnow().date()
    return payment_methods.validate_card("Hélène Côté", "4242 4242 4242 4242", "12", str(today.year + 2), "123",
                                         today=today)


def _signed_permanent_residence_application(rep: int) -> int:
    """A profile in the pool, invited by a round of one, the invitation accepted, the
    application answered (no spouse, no child), its documents uploaded, signed."""
    with session_scope() as db:
        staff = make_account(db, "staff").id
        answers = _profile_answers()
        answers["ee_p_details"] = {**answers.get("ee_p_details", {}), "family_name": "Demo", "given_names": "Camille"}
        entry = _submit(db, _Rep(rep), answers, utcnow() - timedelta(days=3))
        entry_id, profile_id = entry.id, entry.application_id
    with session_scope() as db:
        pools.run_round(db, registry.get("express_entry").extra["pool"], size=1, actor_id=staff)
    pr_id = pool_profile.accept(rep, profile_id)
    for ref, raw in (("pr_confirm", {"unchanged": "yes"}), ("pr_family", {"spouse_included": "no", "children": "0"}),
                     ("pr_history", {"police_countries": "France", "medical_done": "yes"})):
        result = applications.save_step(rep, pr_id, ref, raw)
        assert result.ok and not result.problems, (ref, result.problems)
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, rep))
    actor = documents.Actor.from_session(sessions.lookup(token))
    view = submission.view(rep, pr_id)
    for applicant, item in view.missing_documents:
        documents.upload(actor, pr_id, applicant.id, item.code, f"{item.code}.pdf",
                         io.BytesIO(samples.pdf(marker=item.code)))
    assert submission.view(rep, pr_id).missing_documents == []
    signed = submission.sign(rep, new_session(rep), pr_id, given_names="Hélène", family_name="Côté-Lévesque",
                             answer=ANSWER, consent={"privacy": "accept", "research": "refuse"})
    assert signed.status == "signed"
    return pr_id, entry_id, profile_id


def test_the_permanent_residence_application_is_paid_at_its_own_fees_and_submitted(migrated_db, portal_env):
    portal_env(RAR_RULES_DATE=utcnow().date().isoformat())
    rep = make_rep()
    pr_id, entry_id, profile_id = _signed_permanent_residence_application(rep)
    before = pool_profile.status(rep, profile_id, "fr")
    assert before["status_label"] == "Demande commencée" and not before["invitation"]["submitted"]
    view = submission.view(rep, pr_id)
    assert view.total_cents == (950 + 575 + 85) * 100  # what the Signature page shows
    outcome = payments.pay(rep, pr_id, _card(), payments.new_idempotency_key())
    assert outcome.status == "approved" and outcome.submitted, outcome
    assert outcome.amount_cents == view.total_cents
    with session_scope() as db:
        app = db.get(Application, pr_id)
        assert app.kind == "express_entry_pr" and app.status == "submitted" and app.reference
        paid = db.exec(select(Payment).where(Payment.application_id == pr_id)).one()
        assert paid.status == "approved" and paid.amount_cents == view.total_cents
        assert sum(int(ln["amount_cents"]) for ln in json.loads(paid.fee_lines)) == view.total_cents
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.application_id == pr_id)).one()
        assert invitation.state == "accepted"
        assert db.get(PoolEntry, entry_id).entered_at is not None
    receipt = payments.receipt(rep, pr_id)
    assert receipt.amount_cents == view.total_cents
    assert sum(ln.amount_cents for c in receipt.clients for ln in c.lines) == view.total_cents
    applicant = submission.view(rep, pr_id).applicants[0]
    assert applicant.application_type == "express_entry_pr" and applicant.family_name == "Demo"
    assert applicant.application_number.startswith("E")


def test_a_lapsed_invitation_is_not_charged(migrated_db, portal_env):
    """Past the invitation's period to apply, « Traiter la transaction » charges nothing: the
    application stays signed and the page can say why (submit.error_application_lapsed)."""
    portal_env(RAR_RULES_DATE=utcnow().date().isoformat())
    rep = make_rep()
    pr_id, _entry_id, _profile_id = _signed_permanent_residence_application(rep)
    with session_scope() as db:
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.application_id == pr_id)).one()
        invitation.apply_by = utcnow() - timedelta(minutes=1)
        db.add(invitation)
    with pytest.raises(submission.FinishError) as refused:
        payments.pay(rep, pr_id, _card(), payments.new_idempotency_key())
    assert refused.value.code == "application_lapsed"
    with session_scope() as db:
        assert db.get(Application, pr_id).status == "signed"
        assert db.exec(select(Payment).where(Payment.application_id == pr_id)).all() == []


def test_the_status_page_data_says_the_application_is_in_once_paid(migrated_db, portal_env):
    """« État du profil Entrée express » after the payment: the program's « applied » status,
    the portal reference and the submission date, no deadline to apply any more."""
    portal_env(RAR_RULES_DATE=utcnow().date().isoformat())
    rep = make_rep()
    pr_id, _entry_id, profile_id = _signed_permanent_residence_application(rep)
    assert payments.pay(rep, pr_id, _card(), payments.new_idempotency_key()).submitted
    with session_scope() as db:
        reference = db.get(Application, pr_id).reference
    data = pool_profile.status(rep, profile_id, "fr")
    assert data["status_label"] == "Demande de résidence permanente soumise"
    inv = data["invitation"]
    assert inv["submitted"] and inv["reference"] == reference and inv["follow_up"] == "express_entry_pr"
    assert inv["submitted_on"] and inv["application_id"] == pr_id
    assert pool_profile.status(rep, profile_id, "en")["status_label"] == "Permanent residence application submitted"


def test_the_application_is_due_by_the_invitations_own_deadline(migrated_db, portal_env):
    """IRCC's ITA gives 60 days to submit the complete application (not only to answer):
    once accepted, the application is due by the invitation's deadline; a second before it
    the application is open, at it the invitation has lapsed and payment is refused."""
    from rar_app.services.office import pool_guard

    portal_env(RAR_RULES_DATE=utcnow().date().isoformat())
    rep = make_rep()
    pr_id, _entry_id, profile_id = _signed_permanent_residence_application(rep)
    with session_scope() as db:
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.application_id == pr_id)).one()
        assert invitation.apply_by == invitation.deadline_at
        due = invitation.deadline_at
        assert not pool_guard.application_lapsed(db, pr_id, now=due - timedelta(seconds=1))
        assert pool_guard.application_lapsed(db, pr_id, now=due)
    data = pool_profile.status(rep, profile_id, "fr")
    assert data["invitation"]["apply_by"] and data["invitation"]["apply_left"][0] >= 59
    with session_scope() as db:
        invitation = db.exec(select(PoolInvitation).where(PoolInvitation.application_id == pr_id)).one()
        invitation.deadline_at = invitation.apply_by = utcnow() - timedelta(seconds=1)
        db.add(invitation)
    with pytest.raises(submission.FinishError) as refused:
        payments.pay(rep, pr_id, _card(), payments.new_idempotency_key())
    assert refused.value.code == "application_lapsed"
