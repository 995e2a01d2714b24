"""Administrators' decisions on account requests: enrolment approval or refusal,
merge of a previous account (nothing lost, both audited), name change, closure."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AccountRequest, Application, AuditEvent, Client, Document
from rar_app.services.identity import accounts, demo_accounts, enrolment, own_account, passwords, sessions, signin
from rar_app.services.casework import requests

from rar_app.services.identity import merge_proof
from tests.services.account_helpers import ANSWERS, PASSWORD, cheap_argon2, take_link_from_outbox  # noqa: F401


@pytest.fixture
def world(migrated_db, portal_env):
    """Manual approval; demo admin/staff/rep exist. Returns the demo ids."""
    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="false")
    with session_scope() as db:
        return demo_accounts.ensure_demo_accounts(db)


def enrol(username: str, *, number: str = "R509876", **extra) -> enrolment.EnrolmentResult:
    with session_scope() as db:
        return enrolment.enrol(db, enrolment.EnrolmentForm(
            family_name="Gagnon", given_names="Léa", email=f"{username}@example.ca", phone="613 555 0100",
            business_name="Gagnon inc.", business_address="Ottawa", language="fr", regulatory_body="CICC",
            membership_number=number, questions=list(ANSWERS), username=username, password=PASSWORD,
            password_confirmation=PASSWORD, **extra))


def approve(admin_id: int, request_id: int, **kwargs) -> requests.RequestView:
    with session_scope() as db:
        return requests.approve(db, admin_id, request_id, **kwargs)


def events(object_id: int) -> list[AuditEvent]:
    with session_scope() as db:
        return list(db.exec(select(AuditEvent).where(AuditEvent.object_type == "account",
                                                     AuditEvent.object_id == str(object_id)).order_by(AuditEvent.id)))


def test_only_administrators_decide(world):
    result = enrol("lea.gagnon")
    for actor in (world["demo.rep"], world["demo.staff"], result.account_id, 999_999):
        for call in (lambda db: requests.list_open(db, actor),
                     lambda db: requests.get_request(db, actor, result.enrolment_request_id),
                     lambda db: requests.approve(db, actor, result.enrolment_request_id),
                     lambda db: requests.refuse(db, actor, result.enrolment_request_id)):
            with pytest.raises(accounts.Forbidden):
                with session_scope() as db:
                    call(db)
    with session_scope() as db:
        assert db.get(AccountRequest, result.enrolment_request_id).status == "open"


def test_approve_enrolment(world):
    result = enrol("lea.gagnon")
    with session_scope() as db:
        listed = requests.list_open(db, world["demo.admin"])
    assert [(r.request_id, r.kind, r.account.username) for r in listed] == [
        (result.enrolment_request_id, "enrolment", "lea.gagnon")]
    view = approve(world["demo.admin"], result.enrolment_request_id, ip="10.0.0.9")
    assert view.status == "approved" and view.decided_by_id == world["demo.admin"]
    assert signin.sign_in("lea.gagnon", PASSWORD).account_id == result.account_id
    with pytest.raises(accounts.AccountError) as exc:
        approve(world["demo.admin"], result.enrolment_request_id)
    assert exc.value.code == "request_not_open"
    event = [e for e in events(result.account_id) if e.action == "account.enrolment_approved"][0]
    assert event.actor_id == world["demo.admin"] and event.ip == "10.0.0.9"


def test_refuse_enrolment(world):
    result = enrol("lea.gagnon")
    with session_scope() as db:
        requests.refuse(db, world["demo.admin"], result.enrolment_request_id, reason="Numéro de membre inconnu")
    with pytest.raises(accounts.EnrolmentRefused) as exc:
        signin.sign_in("lea.gagnon", PASSWORD)
    assert exc.value.code == "enrolment_refused"
    with session_scope() as db:
        details = json.loads(db.get(AccountRequest, result.enrolment_request_id).details)
    assert details["refusal_reason"] == "Numéro de membre inconnu"


def test_merge_moves_everything_and_closes_the_previous_account(world):
    old = world["demo.rep"]
    with session_scope() as db:
        old_account = db.get(Account, old)
        old_account.oidc_issuer, old_account.oidc_subject = "https://partner.example", "sub-123"
        client = Client(representative_id=old, family_name="Nguyen")
        app1, app2 = Application(representative_id=old), Application(representative_id=old)
        db.add_all([client, app1, app2])
        db.flush()
        db.add(Document(owner_id=old, application_id=app1.id, storage_key="k1"))
        db.add(Document(owner_id=old, application_id=app2.id, storage_key="k2"))
        other_rep = Account(username="someone.else", status="active")
        db.add(other_rep)
        db.flush()
        db.add(Application(representative_id=other_rep.id))
    old_token = signin.sign_in("demo.rep", demo_accounts.DEMO_PASSWORD).token

    new = enrol("camille.new", number="R700001", already_enrolled=True, previous_username="demo.rep",
                previous_password=demo_accounts.DEMO_PASSWORD)
    with pytest.raises(accounts.AccountError) as exc:
        approve(world["demo.admin"], new.merge_request_id)
    assert exc.value.code == "enrolment_not_approved"
    approve(world["demo.admin"], new.enrolment_request_id)
    with session_scope() as db:
        view = requests.get_request(db, world["demo.admin"], new.merge_request_id)
    assert [c.account_id for c in view.merge_candidates] == [old]
    view = approve(world["demo.admin"], new.merge_request_id)
    assert view.details["moved"] == {"applications": 2, "clients": 1, "documents": 2}

    with session_scope() as db:
        assert {a.representative_id for a in db.exec(select(Application))} == {new.account_id, other_rep.id}
        assert db.exec(select(Application).where(Application.representative_id == new.account_id)).all().__len__() == 2
        assert db.get(Client, client.id).representative_id == new.account_id
        assert {d.owner_id for d in db.exec(select(Document))} == {new.account_id}
        previous = db.get(Account, old)
        assert previous.status == "closed" and previous.merged_into_id == new.account_id and previous.closed_at
        assert previous.oidc_subject is None
        assert db.get(Account, new.account_id).oidc_subject == "sub-123", "the partner link follows"
    assert sessions.lookup(old_token) is None
    with pytest.raises(accounts.AccountClosed):
        signin.sign_in("demo.rep", demo_accounts.DEMO_PASSWORD)
    old_events = [e for e in events(old) if e.action == "account.merged_into"]
    new_events = [e for e in events(new.account_id) if e.action == "account.merged_from"]
    assert len(old_events) == len(new_events) == 1
    assert json.loads(old_events[0].details)["into_account_id"] == new.account_id
    assert json.loads(new_events[0].details)["from_account_id"] == old
    assert json.loads(new_events[0].details)["applications"] == 2


def test_merge_by_membership_number_and_ambiguity(world):
    first = enrol("first.acct", number="R123456")
    second = enrol("second.acct", number="R123456")
    new = enrol("third.acct", number="R123456", already_enrolled=True, previous_membership_number="r123456")
    for r in (first, second, new):
        approve(world["demo.admin"], r.enrolment_request_id)
    with pytest.raises(accounts.AccountError) as exc:
        approve(world["demo.admin"], new.merge_request_id)
    assert exc.value.code == "merge_ambiguous"
    with pytest.raises(accounts.AccountError) as exc:
        approve(world["demo.admin"], new.merge_request_id, previous_account_id=world["demo.admin"])
    assert exc.value.code == "merge_target_not_found", "only the candidates named by the request"
    with pytest.raises(accounts.AccountError) as exc:
        approve(world["demo.admin"], new.merge_request_id, previous_account_id=new.account_id)
    assert exc.value.code == "merge_same_account"
    with pytest.raises(accounts.AccountError) as exc:
        approve(world["demo.admin"], new.merge_request_id, previous_account_id=second.account_id)
    assert exc.value.code == "merge_not_proven", "a membership number proves nothing"
    # Both accounts with that number got a link; the second one's owner follows it.
    link = take_link_from_outbox("second.acct@example.ca")
    take_link_from_outbox("first.acct@example.ca")
    with session_scope() as db:
        merge_proof.confirm_merge_link(db, link)
    with pytest.raises(accounts.AccountError) as exc:
        approve(world["demo.admin"], new.merge_request_id, previous_account_id=first.account_id)
    assert exc.value.code == "merge_not_proven", "the proof is for the second account only"
    approve(world["demo.admin"], new.merge_request_id, previous_account_id=second.account_id)
    with session_scope() as db:
        assert db.get(Account, second.account_id).status == "closed"
        assert db.get(Account, first.account_id).status == "active"


def test_merge_target_not_found_then_refused(world):
    new = enrol("lea.gagnon", already_enrolled=True, previous_username="never.existed")
    approve(world["demo.admin"], new.enrolment_request_id)
    with pytest.raises(accounts.AccountError) as exc:
        approve(world["demo.admin"], new.merge_request_id)
    assert exc.value.code == "merge_target_not_found"
    with session_scope() as db:
        requests.refuse(db, world["demo.admin"], new.merge_request_id, reason="Compte introuvable")
        assert db.get(Account, new.account_id).status == "active", "refusing a merge changes nothing"


def test_name_change_approved(world):
    rep = world["demo.rep"]
    with session_scope() as db:
        doc = Document(owner_id=rep, storage_key="proof")
        db.add(doc)
        db.flush()
        request_id = own_account.request_name_change(db, rep, family_name="Tremblay", given_names="Camille",
                                                  document_id=doc.id)
    with session_scope() as db:
        view = requests.list_open(db, world["demo.admin"], kind="name_change")[0]
    assert view.document_id == doc.id and view.details["family_name"] == "Tremblay"
    approve(world["demo.admin"], request_id)
    with session_scope() as db:
        assert own_account.get_profile(db, rep).family_name == "Tremblay"
    event = [e for e in events(rep) if e.action == "account.name_changed"][0]
    assert json.loads(event.details)["old"]["family_name"] == "Démo"


def test_closure_approved_refuses_sign_in(world):
    rep = world["demo.rep"]
    token = signin.sign_in("demo.rep", demo_accounts.DEMO_PASSWORD).token
    with session_scope() as db:
        request_id = own_account.request_closure(db, rep)
    approve(world["demo.admin"], request_id)
    assert sessions.lookup(token) is None
    with pytest.raises(accounts.AccountClosed) as exc:
        signin.sign_in("demo.rep", demo_accounts.DEMO_PASSWORD)
    assert exc.value.code == "account_closed"
    assert "account.closed" in [e.action for e in events(rep)]


def test_an_administrator_cannot_decide_about_their_own_account(world):
    admin = world["demo.admin"]
    with session_scope() as db:
        other = Account(role="admin", status="active", username="second.admin", password_hash="x")
        db.add(other)
        db.flush()
        other_id = other.id
        close_id = own_account.request_closure(db, admin, reason="Départ")
    for call in (lambda db: requests.approve(db, admin, close_id, ip="10.1.1.1"),
                 lambda db: requests.refuse(db, admin, close_id, reason="non")):
        with pytest.raises(accounts.AccountError) as exc:
            with session_scope() as db:
                call(db)
        assert exc.value.code == "own_request"
        assert "propre compte" in exc.value.message("fr") and "own account" in exc.value.message("en")
    with session_scope() as db:
        assert db.get(AccountRequest, close_id).status == "open"
        assert db.get(Account, admin).status == "active"
        refused = db.exec(select(AuditEvent).where(AuditEvent.action == "access.refused",
                                                   AuditEvent.object_type == "account_request")).all()
        assert len(refused) == 2 and refused[0].actor_id == admin
    # Another administrator may.
    approve(other_id, close_id)
    with session_scope() as db:
        assert db.get(Account, admin).status == "closed"
