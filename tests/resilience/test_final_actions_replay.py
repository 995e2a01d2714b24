"""Each final action, pressed twice at once (a double click, two tabs) and then replayed
(the same event sent again, as a reconnecting browser may): it acts once.

« Signer », « Transmettre » (IFHP: nothing to pay), « Transmettre et payer » (eTA), and an
invitation's « accepter » / « refuser » (Express Entry pool), through the services the
pages call, on the real database: counted by their audit entries, rows and messages."""

from __future__ import annotations

import io
import threading

import pytest
from sqlmodel import func, select

from rar_app.db import session_scope
from rar_app.models import Account, Applicant, Application, AuditEvent, Message, Payment
from rar_app.programs import registry
from rar_app.services.casework import documents, submission
from rar_app.services.identity import sessions
from rar_app.services.money import payments
from rar_app.services.money.payment_errors import AlreadySubmitted, PaymentInProgress
from rar_app.services.money.payment_providers import DemoGateway
from rar_app.services.office import pool_profile, pools
from tests.fixtures.documents import samples
from tests.services.test_eta_ifhp_flows import ETA_ORDER, IFHP_ORDER, _card, _fill, rep  # noqa: F401
from tests.services.test_express_entry_pool import entry_app, world  # noqa: F401
from tests.services.test_office_eta_ifhp import ETA_ANSWERS, IFHP_ANSWERS
from tests.services.test_search_helpers import stop_mail_worker  # noqa: F401
from tests.services.test_submission_drafts import ANSWER, new_session

pytestmark = pytest.mark.resilience


def twice_at_once(action) -> list:
    """Run `action` in two threads released together; each outcome (a result or the exception)."""
    start = threading.Barrier(2)
    outcomes: list = [None, None]

    def press(n: int) -> None:
        start.wait()
        try:
            outcomes[n] = action()
        except Exception as exc:  # noqa: BLE001 (the outcome is what the test looks at)
            outcomes[n] = exc

    threads = [threading.Thread(target=press, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def audits(action: str, object_id: int | None = None) -> int:
    with session_scope() as db:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        if object_id is not None:
            query = query.where(AuditEvent.object_id == str(object_id))
        return db.exec(query).one()


def _sign(rep_id: int, app_id: int, consent: dict, session_id: int):
    return submission.sign(rep_id, session_id, app_id, given_names="Hélène", family_name="Côté-Lévesque",
                           answer=ANSWER, consent=consent)


def test_signer_twice_at_once_and_replayed_signs_once(rep):  # noqa: F811
    app_id = _fill(rep, "eta", ETA_ORDER, ETA_ANSWERS)
    session_id = new_session(rep)
    outcomes = twice_at_once(lambda: _sign(rep, app_id, {"consent": "accept"}, session_id))
    assert all(getattr(o, "status", None) == "signed" for o in outcomes), outcomes
    assert _sign(rep, app_id, {"consent": "accept"}, session_id).status == "signed"  # replay: nothing changes
    assert audits("application.signed", app_id) == 1
    with session_scope() as db:
        assert db.get(Application, app_id).status == "signed"


def _ifhp_signed(rep_id: int) -> int:
    app_id = _fill(rep_id, "ifhp", IFHP_ORDER, IFHP_ANSWERS)
    with session_scope() as db:
        token = sessions.create(db, db.get(Account, rep_id))
    actor = documents.Actor.from_session(sessions.lookup(token))
    applicant_id = submission.view(rep_id, app_id).applicants[0].id
    for code in ("claimant_document", "photo_id"):
        documents.upload(actor, app_id, applicant_id, code, f"{code}.pdf", io.BytesIO(samples.pdf(marker=code)))
    _sign(rep_id, app_id, {"agree": "accept"}, new_session(rep_id))
    return app_id


def test_transmettre_twice_at_once_and_replayed_submits_once(rep):  # noqa: F811
    app_id = _ifhp_signed(rep)
    outcomes = twice_at_once(lambda: submission.submit_free(rep, app_id))
    results = [o for o in outcomes if isinstance(o, submission.SubmissionResult)]
    errors = [o for o in outcomes if not isinstance(o, submission.SubmissionResult)]
    # One press submits; the other finds it submitted (replayed) or still being submitted.
    assert [r.replayed for r in results].count(False) == 1, outcomes
    assert all(isinstance(e, submission.FinishError) and e.code == "payment_in_progress" for e in errors), errors
    assert submission.submit_free(rep, app_id).replayed
    assert audits("application.submitted", app_id) == 1
    with session_scope() as db:
        numbers = [a.application_number for a in db.exec(select(Applicant).where(Applicant.application_id == app_id))]
        assert len(numbers) == 1 and numbers[0]
        inbox = db.exec(select(func.count()).select_from(Message).where(Message.application_id == app_id,
                                                                          Message.account_id == rep)).one()
        assert inbox == 1  # one « Demande transmise » in the representative's inbox


def test_transmettre_et_payer_twice_at_once_and_replayed_charges_once(rep):  # noqa: F811
    app_id = _fill(rep, "eta", ETA_ORDER, ETA_ANSWERS)
    _sign(rep, app_id, {"consent": "accept"}, new_session(rep))

    class CountingGateway(DemoGateway):
        calls = 0

        def charge(self, *args, **kwargs):
            CountingGateway.calls += 1
            return super().charge(*args, **kwargs)

    gateway, key = CountingGateway(), payments.new_idempotency_key()  # the page's key for this payment
    outcomes = twice_at_once(lambda: payments.pay(rep, app_id, _card(), key, provider=gateway))
    assert [getattr(o, "status", None) for o in outcomes].count("approved") >= 1, outcomes
    # The other press is told the same payment is under way (the page waits for it) or done.
    assert all(getattr(o, "status", None) == "approved" or (getattr(o, "status", None) == "pending" and o.replayed)
               or isinstance(o, (PaymentInProgress, AlreadySubmitted)) for o in outcomes), outcomes
    assert payments.pay(rep, app_id, _card(), key, provider=gateway).status == "approved"  # replay: same answer
    with pytest.raises(AlreadySubmitted):  # a new attempt (a fresh key) on a paid application
        payments.pay(rep, app_id, _card(), payments.new_idempotency_key(), provider=gateway)
    assert CountingGateway.calls == 1
    assert audits("application.submitted", app_id) == 1
    with session_scope() as db:
        paid = db.exec(select(Payment).where(Payment.application_id == app_id)).all()
        assert [(p.status, p.amount_cents) for p in paid] == [("approved", 700)]
        forwarded = db.exec(select(func.count()).select_from(Message).where(
            Message.application_id == app_id, Message.account_id.is_(None))).one()
        assert forwarded == 1  # one « Demande d’AVE transmise » in the application's messages


def _invited(world) -> int:  # noqa: F811
    with session_scope() as db:
        pools.run_round(db, registry.get("express_entry").extra["pool"], size=1, actor_id=world["staff"])
    return entry_app(world["b"])


def test_accepting_an_invitation_twice_at_once_and_replayed_starts_one_application(world):  # noqa: F811
    profile = _invited(world)
    outcomes = twice_at_once(lambda: pool_profile.accept(world["rep"], profile))
    started = [o for o in outcomes if isinstance(o, int)]
    assert len(started) == 1, outcomes
    assert all(isinstance(o, pools.PoolError) for o in outcomes if not isinstance(o, int)), outcomes
    with pytest.raises(pools.PoolError):
        pool_profile.accept(world["rep"], profile)  # replay: the invitation is no longer open
    assert audits("pool.invitation_accepted") == 1
    with session_scope() as db:
        drafts = db.exec(select(Application).where(Application.kind == "express_entry_pr")).all()
        assert [a.id for a in drafts] == started


def test_refusing_an_invitation_twice_at_once_and_replayed_refuses_once(world):  # noqa: F811
    profile = _invited(world)
    outcomes = twice_at_once(lambda: pool_profile.decline(world["rep"], profile))
    assert outcomes.count(None) == 1, outcomes
    assert all(isinstance(o, pools.PoolError) for o in outcomes if o is not None), outcomes
    with pytest.raises(pools.PoolError):
        pool_profile.decline(world["rep"], profile)
    assert audits("pool.invitation_declined") == 1
    with session_scope() as db:
        assert db.exec(select(Application).where(Application.kind == "express_entry_pr")).all() == []
