"""E-mail notices without a network: the outbox (no SMTP host), after-commit delivery,
language, retry scheduling and giving up. The real SMTP server is in
tests/integration/test_smtp.py."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Message, utcnow
from rar_app.services.messaging import mailer, messages
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401


@pytest.fixture
def rep(migrated_db):
    with session_scope() as db:
        return make_account(db, email="rep.fr@example.invalid", language="fr").id


def post(account_id, notify=True):
    with session_scope() as db:
        return messages.post(db, account_id=account_id, category="account", detail="follow_up",
                             subject_fr="Sujet", subject_en="Subject", body_fr="Corps secret", body_en="Secret body",
                             notify=notify).id


def row(message_id):
    with session_scope() as db:
        return db.get(Message, message_id)


def test_without_smtp_host_notices_go_to_the_outbox_after_commit(rep):
    message_id = post(rep)
    assert mailer.wait_until_idle(10)
    assert row(message_id).email_status == "sent" and row(message_id).email_attempts == 1
    (mail,) = mailer.read_outbox()
    assert mail["to"] == "rep.fr@example.invalid" and mail["language"] == "fr"
    assert mail["subject"] == "Nouveau message dans votre compte du Portail des RAR"
    assert "Suivi requis" in mail["body"] and "/fr/messages-du-compte" in mail["body"]
    assert "Corps secret" not in mail["body"]  # the notice carries no content


def test_english_recipient_gets_english(migrated_db):
    with session_scope() as db:
        rep_en = make_account(db, language="en").id
    post(rep_en)
    assert mailer.wait_until_idle(10)
    (mail,) = mailer.read_outbox()
    assert mail["subject"] == "New message in your APR Portal account" and "Follow-up required" in mail["body"]
    assert "/en/account-messages" in mail["body"]


def test_rollback_sends_nothing(rep):
    with pytest.raises(RuntimeError):
        with session_scope() as db:
            messages.post(db, account_id=rep, subject_fr="x", subject_en="x")
            raise RuntimeError("boom")
    mailer.worker().stop()
    with session_scope() as db:
        assert db.exec(select(Message)).first() is None
    assert mailer.read_outbox() == []


def test_nothing_is_sent_before_the_commit(rep):
    sent = []
    with session_scope() as db:
        m = messages.post(db, account_id=rep, subject_fr="x", subject_en="x")
        # Inside the transaction another connection sees nothing to send.
        assert mailer.deliver_due(transport=sent.append).sent == 0
        assert m.email_status == "pending"
    assert sent == []


def test_failures_are_retried_later_then_given_up(rep, monkeypatch):
    mailer.worker().stop()
    with session_scope() as db:
        m = messages.post(db, account_id=rep, subject_fr="x", subject_en="x")
        mid = m.id
        db.info.pop(mailer._PENDING_KEY, None)  # drive delivery by hand in this test

    def down(_mail):
        raise ConnectionRefusedError(111, "Connection refused")

    now = utcnow()
    assert mailer.deliver_one(mid, now=now, transport=down) == "retrying"
    m = row(mid)
    assert m.email_status == "pending" and m.email_attempts == 1 and "Connection refused" in m.email_error
    assert timedelta(seconds=25) < m.email_next_attempt_at - now < timedelta(seconds=40)
    assert mailer.deliver_due(now=now, transport=down).sent == 0  # not due yet: skipped
    for attempt in range(2, mailer.MAX_ATTEMPTS):
        assert mailer.deliver_one(mid, now=row(mid).email_next_attempt_at, transport=down) == "retrying"
    assert mailer.deliver_one(mid, now=row(mid).email_next_attempt_at, transport=down) == "failed"
    m = row(mid)
    assert m.email_status == "failed" and m.email_attempts == mailer.MAX_ATTEMPTS and m.email_next_attempt_at is None


def test_permanent_refusal_is_not_retried(rep):
    mailer.worker().stop()
    with session_scope() as db:
        mid = messages.post(db, account_id=rep, subject_fr="x", subject_en="x").id
        db.info.pop(mailer._PENDING_KEY, None)

    def refuse(_mail):
        raise mailer.PermanentFailure("550 no such user")

    assert mailer.deliver_one(mid, transport=refuse) == "failed"
    assert row(mid).email_status == "failed" and row(mid).email_attempts == 1


def test_a_claimed_notice_is_sent_once(rep):
    mailer.worker().stop()
    with session_scope() as db:
        mid = messages.post(db, account_id=rep, subject_fr="x", subject_en="x").id
        db.info.pop(mailer._PENDING_KEY, None)
    sent = []
    assert mailer.deliver_one(mid, transport=sent.append) == "sent"
    assert mailer.deliver_one(mid, transport=sent.append) == "skipped"
    assert len(sent) == 1


def test_a_vanished_sender_leaves_a_lease_that_expires(rep):
    mailer.worker().stop()
    with session_scope() as db:
        mid = messages.post(db, account_id=rep, subject_fr="x", subject_en="x").id
        db.info.pop(mailer._PENDING_KEY, None)
    now = utcnow()
    with session_scope() as db:
        assert mailer._claim(db, mid, now)  # a worker claims it, then dies
    assert mailer.due_ids(now) == []
    later = now + mailer.LEASE + timedelta(seconds=1)
    assert mailer.due_ids(later) == [mid]
    assert mailer.deliver_one(mid, now=later, transport=lambda m: None) == "sent"


def test_smtp_errors_are_classified(rep):
    mailer.worker().stop()
    with session_scope() as db:
        mid = messages.post(db, account_id=rep, subject_fr="x", subject_en="x").id
        db.info.pop(mailer._PENDING_KEY, None)

    def busy(_mail):
        raise smtplib.SMTPServerDisconnected("gone")

    assert mailer.deliver_one(mid, transport=busy) == "retrying"


def test_notices_waiting_at_start_up_go_out_without_a_page(rep, monkeypatch):
    """The app's lifespan task starts the delivery thread: a notice queued before a
    restart is sent although nobody opens a page; shutting down stops the thread."""
    import asyncio

    monkeypatch.setattr(mailer.Worker, "kick", lambda self, engine=None: None)  # the process died before sending
    message_id = post(rep)
    assert row(message_id).email_status == "pending"
    monkeypatch.undo()
    assert not (mailer.worker()._thread and mailer.worker()._thread.is_alive())

    async def start_and_stop():
        async with mailer.delivery_at_startup():
            assert await asyncio.to_thread(mailer.wait_until_idle, 10)
            assert row(message_id).email_status == "sent"
        return mailer.worker()._thread

    assert asyncio.run(start_and_stop()) is None, "the thread is stopped at shutdown"
    (mail,) = mailer.read_outbox()
    assert mail["to"] == "rep.fr@example.invalid"
