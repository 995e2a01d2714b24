"""Takeovers need proof (issue 14, point 8): a merge of an earlier account is approved
only after control of it was shown — its password in the enrolment form, its own
session, or the single-use link e-mailed to its address. Without proof, nothing moves."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AccountRequest, Application, AuditEvent, AuthThrottle, EmailLink
from rar_app.services.casework import requests
from rar_app.services.identity import accounts, demo_accounts, email_links, enrolment, merge_proof
from rar_app.services.messaging import mailer
from tests.services.account_helpers import ANSWERS, PASSWORD, cheap_argon2, take_link_from_outbox  # noqa: F401


@pytest.fixture
def world(migrated_db, portal_env):
    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="true")
    with session_scope() as db:
        ids = demo_accounts.ensure_demo_accounts(db)
    with session_scope() as db:
        db.add(Application(representative_id=ids["demo.rep"]))
    return ids


def enrol(username: str, signed_in_account_id: int | None = None, **extra) -> enrolment.EnrolmentResult:
    with session_scope() as db:
        return enrolment.enrol(db, enrolment.EnrolmentForm(
            family_name="Gagnon", given_names="Léa", email=f"{username}@example.ca", phone="613 555 0100",
            business_name="Gagnon inc.", business_address="Ottawa", language="fr", regulatory_body="CICC",
            membership_number="R509876", questions=list(ANSWERS), username=username, password=PASSWORD,
            password_confirmation=PASSWORD, already_enrolled=True, **extra), ip="10.1.2.3",
            signed_in_account_id=signed_in_account_id)


def approve(world, request_id: int) -> requests.RequestView:
    with session_scope() as db:
        return requests.approve(db, world["demo.admin"], request_id)


def details(request_id: int) -> dict:
    with session_scope() as db:
        return json.loads(db.get(AccountRequest, request_id).details)


def nothing_moved(world) -> None:
    with session_scope() as db:
        rep = db.get(Account, world["demo.rep"])
        assert rep.status == "active" and rep.merged_into_id is None
        assert [a.representative_id for a in db.exec(select(Application))] == [world["demo.rep"]]


def test_a_merge_without_proof_does_nothing(world):
    result = enrol("taker.one", previous_username="demo.rep")
    assert "proven_account_id" not in details(result.merge_request_id)
    with pytest.raises(accounts.AccountError) as exc:
        approve(world, result.merge_request_id)
    assert exc.value.code == "merge_not_proven"
    nothing_moved(world)
    with session_scope() as db:
        assert db.get(AccountRequest, result.merge_request_id).status == "open"
        refused = [json.loads(e.details) for e in db.exec(select(AuditEvent).where(AuditEvent.action == "access.refused"))]
    assert any(d.get("reason") == "merge_not_proven" for d in refused)
    # The owner of demo.rep got the link, in their language, naming the new account.
    email_links.wait_sent()
    (mail,) = [m for m in mailer.read_outbox() if m["to"] == "demo.rep@example.invalid"]
    assert "taker.one" in mail["body"] and "demo.rep" in mail["body"] and "/fr/confirmer-fusion?lien=" in mail["body"]


def test_a_wrong_password_proves_nothing_and_counts_as_a_failure(world):
    result = enrol("taker.two", previous_username="demo.rep", previous_password="Devine2026Xy")
    assert result.merge_request_id and "proven_account_id" not in details(result.merge_request_id)
    with pytest.raises(accounts.AccountError):
        approve(world, result.merge_request_id)
    nothing_moved(world)
    with session_scope() as db:
        keys = {row.key: row.failures for row in db.exec(select(AuthThrottle))}
    assert keys.get("user:demo.rep") == 1, "like a failed sign-in on that account"
    assert take_link_from_outbox("demo.rep@example.invalid"), "the link still goes to the account's address"


def test_the_earlier_accounts_password_proves_control(world):
    result = enrol("owner.new", previous_username="demo.rep", previous_password=demo_accounts.DEMO_PASSWORD)
    assert details(result.merge_request_id)["proof"] == "password"
    approve(world, result.merge_request_id)
    with session_scope() as db:
        assert db.get(Account, world["demo.rep"]).merged_into_id == result.account_id
    email_links.wait_sent()
    assert not [m for m in mailer.read_outbox() if m["to"] == "demo.rep@example.invalid" and "lien=" in m["body"]]


def test_the_link_mailed_to_the_earlier_account_proves_control_once(world):
    result = enrol("owner.link", previous_username="demo.rep")
    token = take_link_from_outbox("demo.rep@example.invalid")
    with session_scope() as db:
        assert db.exec(select(EmailLink)).one().token_hash == email_links.token_hash(token)
        view = merge_proof.merge_link_view(db, token)
    assert (view.previous_username, view.new_username, view.new_name) == ("demo.rep", "owner.link", "Léa Gagnon")
    assert "proven_account_id" not in details(result.merge_request_id), "opening the page proves nothing"
    with session_scope() as db:
        merge_proof.confirm_merge_link(db, token, ip="10.0.0.5")
    assert details(result.merge_request_id)["proof"] == "email_link"
    with pytest.raises(accounts.AccountError) as exc:
        with session_scope() as db:
            merge_proof.confirm_merge_link(db, token)
    assert exc.value.code == "merge_link_invalid", "the link works once"
    approve(world, result.merge_request_id)
    with session_scope() as db:
        assert db.get(Account, world["demo.rep"]).status == "closed"


def test_bad_expired_or_stale_links_are_refused(world):
    for forged in ("", "x" * 43, "demo.rep"):
        with pytest.raises(accounts.AccountError):
            with session_scope() as db:
                merge_proof.confirm_merge_link(db, forged)
    result = enrol("owner.late", previous_username="demo.rep")
    token = take_link_from_outbox("demo.rep@example.invalid")
    with session_scope() as db:
        for row in db.exec(select(EmailLink)):
            row.expires_at = row.expires_at - timedelta(days=3)
            db.add(row)
    with pytest.raises(accounts.AccountError):
        with session_scope() as db:
            merge_proof.confirm_merge_link(db, token)
    # A link for a request that was refused meanwhile proves nothing either.
    again = enrol("owner.later", previous_username="demo.rep")
    token = take_link_from_outbox("demo.rep@example.invalid")
    with session_scope() as db:
        requests.refuse(db, world["demo.admin"], again.merge_request_id, reason="non")
    with pytest.raises(accounts.AccountError):
        with session_scope() as db:
            merge_proof.confirm_merge_link(db, token)
    assert "proven_account_id" not in details(result.merge_request_id)
    nothing_moved(world)


def test_the_session_of_the_earlier_account_proves_control_and_only_that_one(world):
    stranger = world["demo.staff"]
    result = enrol("update.self", previous_username="demo.rep", signed_in_account_id=stranger)
    assert "proven_account_id" not in details(result.merge_request_id), "another account's session proves nothing"
    result = enrol("update.self2", previous_username="demo.rep", signed_in_account_id=world["demo.rep"])
    assert details(result.merge_request_id)["proof"] == "session"


def test_an_unknown_earlier_account_answers_the_same_and_sends_nothing(world):
    result = enrol("owner.ghost", previous_username="nobody.here", previous_password="Devine2026Xy")
    assert result.merge_request_id
    email_links.wait_sent()
    assert not [m for m in mailer.read_outbox() if "lien=" in m["body"]]
    with session_scope() as db:
        assert db.exec(select(EmailLink)).all() == []


def test_the_back_office_outbox_hides_the_links(world):
    enrol("owner.masked", previous_username="demo.rep")
    email_links.wait_sent()
    (mail,) = [m for m in mailer.read_outbox() if m["to"] == "demo.rep@example.invalid"]
    masked = email_links.mask(mail["body"])
    assert "?lien=" in mail["body"] and "?lien=…" in masked
    token = mail["body"].split("?lien=", 1)[1].split()[0]
    assert len(token) > 20 and token not in masked
    assert "owner.masked" in masked, "the rest of the mail is shown"
