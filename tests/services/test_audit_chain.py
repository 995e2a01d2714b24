"""The audit log is a tamper-evident chain, checked by `manage verify-audit`."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import delete, update
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import AuditEvent
from rar_app.services import audit


def _write(n: int) -> None:
    for i in range(n):
        with session_scope() as db:
            audit.record(db, "test.action", actor_id=i, object_type="thing", object_id=i, ip="10.0.0.1", n=i)
            audit.record(db, "test.other", object_type="thing", object_id=i)


def _verify_cli() -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()}
    return subprocess.run([sys.executable, "-m", "rar_app.manage", "verify-audit"], env=env,
                          capture_output=True, text=True)


def test_entries_link_to_the_previous_one(migrated_db):
    _write(3)
    with session_scope() as db:
        events = list(db.exec(select(AuditEvent).order_by(AuditEvent.id)))
        assert events[0].prev_hash == audit.GENESIS
        for before, after in zip(events, events[1:]):
            assert after.prev_hash == before.entry_hash and len(after.entry_hash) == 64
        report = audit.verify_chain(db)
    assert report.intact and report.checked == 6
    result = _verify_cli()
    assert result.returncode == 0 and "intact: 6 entries" in result.stdout


def test_a_changed_entry_breaks_the_chain(migrated_db):
    _write(3)
    with session_scope() as db:
        third = db.exec(select(AuditEvent).order_by(AuditEvent.id).offset(2)).first()
        db.exec(update(AuditEvent).where(AuditEvent.id == third.id).values(ip="192.0.2.9"))
    with session_scope() as db:
        report = audit.verify_chain(db)
    assert report.first_break == third.id and "changed" in report.reason and report.checked == 2
    result = _verify_cli()
    assert result.returncode == 1 and f"BROKEN at entry {third.id}" in result.stderr


def test_a_removed_entry_breaks_the_chain(migrated_db):
    _write(3)
    with session_scope() as db:
        ids = list(db.exec(select(AuditEvent.id).order_by(AuditEvent.id)))
        db.exec(delete(AuditEvent).where(AuditEvent.id == ids[3]))
    with session_scope() as db:
        report = audit.verify_chain(db)
    assert report.first_break == ids[4] and "link" in report.reason


def test_a_rebuilt_chain_needs_the_secret_key(migrated_db):
    """Someone who rewrites an entry and recomputes plain SHA-256 hashes is still caught."""
    import hashlib

    _write(2)
    with session_scope() as db:
        events = list(db.exec(select(AuditEvent).order_by(AuditEvent.id)))
        events[0].details = '{"n": 99}'
        previous = audit.GENESIS
        for event in events:
            event.prev_hash = previous
            event.entry_hash = hashlib.sha256((previous + event.details).encode()).hexdigest()
            previous = event.entry_hash
            db.add(event)
    with session_scope() as db:
        assert audit.verify_chain(db).first_break == events[0].id


def test_a_rolled_back_transaction_leaves_no_gap(migrated_db):
    _write(1)
    try:
        with session_scope() as db:
            audit.record(db, "test.rolled_back")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    _write(1)
    with session_scope() as db:
        assert audit.verify_chain(db).intact


def test_refused_accesses_are_logged_even_when_the_transaction_rolls_back(migrated_db):
    import pytest

    from rar_app.services.office import demo, search

    with session_scope() as db:
        demo.load_demo_world(db)
    with session_scope() as db:
        from rar_app.models import Account, Applicant, Application

        rep2 = db.exec(select(Account).where(Account.username == "demo.rep2")).one()
        rep = db.exec(select(Account).where(Account.username == "demo.rep")).one()
        number = db.exec(select(Applicant.application_number).join(Application)
                         .where(Application.representative_id == rep.id,
                                Applicant.application_number.is_not(None))).first()
    with pytest.raises(search.NotFound):
        with session_scope() as db:
            search.status_view(db, rep2.id, number, ip="203.0.113.5")
    with session_scope() as db:
        refused = db.exec(select(AuditEvent).where(AuditEvent.action == "access.refused")
                          .order_by(AuditEvent.id.desc())).first()
        assert refused.actor_id == rep2.id and refused.object_id == number
        # The owner's read is logged as a read of personal information, with the address.
        search.status_view(db, rep.id, number, ip="198.51.100.7")
    with session_scope() as db:
        read = db.exec(select(AuditEvent).where(AuditEvent.action == "personal.read")
                       .order_by(AuditEvent.id.desc())).first()
        assert read.actor_id == rep.id and read.ip == "198.51.100.7"
        assert audit.verify_chain(db).intact
