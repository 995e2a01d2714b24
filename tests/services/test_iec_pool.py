"""IEC after « Transmettre »: admission to the pool of each chosen country-and-category
stream, random rounds per stream, the 10-day IPD with reminders 3 days and 1 day before,
refusal back to the pool, expiry once (profile removed), acceptance starting the work permit
application with its 20-day deadline, the lapse past it, and the « Échéances » list.
The clock is frozen: every call takes `now`."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Applicant, Application, AuditEvent, Client, Message, PoolEntry, PoolInvitation, PoolReminder
from rar_app.programs import registry
from rar_app.services.office import pool_deadlines, pool_flow, pools
from rar_app.services.office.search import NotFound
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401

# 2026-12-04 14:00 UTC = 09:00 in Toronto (EST, UTC-5).
T0 = datetime(2026, 12, 4, 14, 0, tzinfo=timezone.utc)
SPEC = registry.get("iec").extra["pool"]


def _answers(country="FR", categories=("working_holiday", "young_professionals"), ro=None):
    return {
        "passport": {"passport_country": country, "residence_country": country, "date_of_birth": "1999-04-02"},
        "organization": {"has_letter": "yes" if ro else "no"},
        **({"organization_name": {"organization": ro}} if ro else {}),
        "funds": {"funds": "yes", "health_insurance": "yes"},
        "family": {"dependants_accompanying": "no"},
        "job": {"job_offer": "yes", "professional_development": "yes"},
        "studies": {"post_secondary_student": "no"},
        "admissibility": {"criminal_record": "no", "medical_condition": "no"},
        "personal": {"family_name": "Martin", "given_names": "Léa", "sex": "F", "date_of_birth": "1999-04-02",
                     "passport_country": country, "passport_number": "AB123456"},
        "details": {f"want_{c}": ("yes" if c in categories else "no")
                    for c in ("working_holiday", "young_professionals", "international_coop")},
    }


def _profile(db, rep, **kw):
    client = Client(representative_id=rep.id, family_name="Martin", given_names="Léa", date_of_birth=date(1999, 4, 2))
    db.add(client)
    app = Application(representative_id=rep.id, kind="iec", status="draft",
                      wizard_data=json.dumps({"v": 1, "answers": _answers(**kw)}))
    db.add(app)
    db.flush()
    db.add(Applicant(application_id=app.id, position=1, client_id=client.id, application_type="iec_working_holiday"))
    db.flush()
    app.status, app.submitted_at = "submitted", T0
    db.add(app)
    db.flush()
    return app


@pytest.fixture
def world(migrated_db, stop_mail_worker):  # noqa: F811
    with session_scope() as db:
        rep, other, staff = make_account(db), make_account(db), make_account(db, "staff")
        fr = _profile(db, rep)
        jp = _profile(db, rep, country="JP", categories=("working_holiday",))
        return dict(rep=rep.id, other=other.id, staff=staff.id, fr=fr.id, jp=jp.id)


def _admit_all(now=T0):
    return pool_flow.admit_pending([SPEC], now=now)


def _invite(world, stream="FR-WH", now=T0 + timedelta(days=1)):
    with session_scope() as db:
        pools.run_round(db, SPEC, size=5, stream=stream, actor_id=world["staff"], now=now, rng=random.Random(1))
    with session_scope() as db:
        entry = pools.entry_of(db, world["fr"] if stream.startswith("FR") else world["jp"])
        return pools.open_invitation(db, entry.id)


def test_admission_to_the_chosen_country_and_category_pools_with_a_message_and_email(world):
    assert _admit_all() == 2
    assert _admit_all() == 0  # once
    with session_scope() as db:
        fr = pools.entry_of(db, world["fr"])
        assert fr.streams == ",FR-WH,FR-YP," and fr.profile_number.startswith("I")
        assert pools.entry_of(db, world["jp"]).streams == ",JP-WH,"
        notes = db.exec(select(Message).where(Message.application_id == world["fr"], Message.account_id == world["rep"])).all()
        assert len(notes) == 1 and "bassin de candidats" in notes[0].body_fr and notes[0].email_status != "none"


def test_rounds_are_per_stream_and_random(world):
    _admit_all()
    with session_scope() as db:
        with pytest.raises(pools.PoolError) as e:
            pools.run_round(db, SPEC, size=5, actor_id=world["staff"], now=T0)  # no stream: refused
        assert e.value.code == "stream"
    invitation = _invite(world, "JP-WH")
    assert invitation is not None
    with session_scope() as db:
        assert pools.entry_of(db, world["fr"]).status == "active"  # another stream: not invited
        body = db.exec(select(Message.body_fr).where(Message.application_id == world["jp"],
                                                     Message.subject_fr.contains("IPD"))).first()
        assert "Japon – Vacances-travail" in body and "10 jours" in body


def test_ten_days_to_answer_in_toronto_time_with_days_and_hours_left(world):
    _admit_all()
    invitation = _invite(world)
    # Issued 2026-12-05 (Toronto); ten days: 2026-12-15 23:59:59 EST = 2026-12-16 04:59:59 UTC.
    assert invitation.deadline_at == datetime(2026, 12, 16, 4, 59, 59, tzinfo=timezone.utc)
    with session_scope() as db:
        (d,) = pool_deadlines.deadlines_for(db, world["rep"], now=datetime(2026, 12, 13, 4, 59, 59, tzinfo=timezone.utc))
        assert (d.kind, d.days, d.hours, d.application_id) == ("answer", 3, 0, world["fr"])
        assert d.when["fr"] == "2026-12-15 à 23 h 59" and d.when["en"] == "2026-12-15 at 11:59 p.m."
        assert pool_deadlines.deadlines_for(db, world["other"], now=T0) == []


def test_reminders_three_days_and_one_day_before_each_once(world):
    _admit_all()
    invitation = _invite(world)
    deadline = invitation.deadline_at
    assert pool_deadlines.remind_due([SPEC], now=deadline - timedelta(days=5)) == 0
    assert pool_deadlines.remind_due([SPEC], now=deadline - timedelta(days=3)) == 1
    assert pool_deadlines.remind_due([SPEC], now=deadline - timedelta(days=3)) == 0  # once
    assert pool_deadlines.remind_due([SPEC], now=deadline - timedelta(days=2)) == 0
    assert pool_deadlines.remind_due([SPEC], now=deadline - timedelta(hours=20)) == 1  # the 1-day reminder
    assert pool_deadlines.remind_due([SPEC], now=deadline - timedelta(hours=2)) == 0
    with session_scope() as db:
        sent = db.exec(select(PoolReminder.days).where(PoolReminder.invitation_id == invitation.id)).all()
        assert sorted(sent) == [1, 3]
        mails = db.exec(select(Message).where(Message.account_id == world["rep"], Message.subject_fr.contains("Rappel"))).all()
        assert len(mails) == 2 and all(m.email_status != "none" for m in mails)  # each with its e-mail notice
        assert "heure de Toronto" in mails[0].body_fr


def test_refusing_puts_the_profile_back_in_the_pool_of_that_category(world):
    _admit_all()
    invitation = _invite(world)
    with session_scope() as db:
        with pytest.raises(NotFound):
            pool_flow.refuse(db, world["other"], invitation.id, now=T0 + timedelta(days=2))
    with session_scope() as db:
        pool_flow.refuse(db, world["rep"], invitation.id, now=T0 + timedelta(days=2))
    with session_scope() as db:
        entry = pools.entry_of(db, world["fr"])
        assert entry.status == "active" and "FR-WH" in entry.streams
        assert db.get(PoolInvitation, invitation.id).state == "declined"
    # Back in the pool: a later round of that stream can invite it again.
    again = _invite(world, now=T0 + timedelta(days=3))
    assert again is not None and again.id != invitation.id


def test_no_action_expiry_removes_the_profile_exactly_once(world):
    _admit_all()
    invitation = _invite(world)
    deadline = invitation.deadline_at
    assert pools.expire_due([SPEC], now=deadline) == 0
    assert pools.expire_due([SPEC], now=deadline + timedelta(seconds=1)) == 1
    assert pools.expire_due([SPEC], now=deadline + timedelta(seconds=1)) == 0  # a second worker, a restart
    with session_scope() as db:
        assert pools.entry_of(db, world["fr"]).status == "invitation_expired"
        bodies = db.exec(select(Message.body_fr).where(Message.application_id == world["fr"],
                                                       Message.account_id == world["rep"],
                                                       Message.subject_fr.contains("expirée"))).all()
        assert len(bodies) == 1 and "nouveau profil" in bodies[0]
        assert len(db.exec(select(AuditEvent).where(AuditEvent.action == "pool.invitation_expired")).all()) == 1
        with pytest.raises(pools.PoolError):
            pool_flow.accept_and_start(db, world["rep"], invitation.id, now=deadline + timedelta(seconds=2))
    # Removed from the pool: rounds no longer reach it.
    assert _invite(world, now=deadline + timedelta(days=1)) is None


def test_accepting_starts_the_work_permit_application_with_twenty_days(world):
    _admit_all()
    invitation = _invite(world, "FR-YP")
    accepted_at = T0 + timedelta(days=2)  # 2026-12-06 09:00 Toronto
    with session_scope() as db:
        with pytest.raises(NotFound):
            pool_flow.accept_and_start(db, world["other"], invitation.id, now=accepted_at)
    with session_scope() as db:
        app = pool_flow.accept_and_start(db, world["rep"], invitation.id, now=accepted_at)
        app_id = app.id
    with session_scope() as db:
        app = db.get(Application, app_id)
        assert app.kind == "iec_permit" and app.status == "draft" and app.representative_id == world["rep"]
        answers = json.loads(app.wizard_data)["answers"]
        assert answers["invitation"]["stream"] == "FR-YP"
        (person,) = db.exec(select(Applicant).where(Applicant.application_id == app_id)).all()
        assert person.application_type == "iec_young_professionals" and person.client_id is not None
        inv = db.get(PoolInvitation, invitation.id)
        assert inv.state == "accepted" and inv.application_id == app_id
        # 20 days after 2026-12-06 (Toronto): 2026-12-26 23:59:59 EST.
        assert inv.apply_by == datetime(2026, 12, 27, 4, 59, 59, tzinfo=timezone.utc)
        (d,) = pool_deadlines.deadlines_for(db, world["rep"], now=accepted_at)
        assert (d.kind, d.application_id, d.days) == ("apply", app_id, 20)
        pool_deadlines.check_can_submit(db, app_id, now=inv.apply_by - timedelta(seconds=1))
        with pytest.raises(pools.PoolError) as e:
            pool_deadlines.check_can_submit(db, app_id, now=inv.apply_by + timedelta(seconds=1))
        assert e.value.code == "application_lapsed"
    # The program's checklist and fees follow the invited category.
    permit = registry.get("iec_permit")
    ctx = pool_flow._context(app)
    assert "offer_of_employment" in {x["code"] for x in permit.checklist(ctx, 1)}
    assert [f.amount_cents for f in permit.fees(ctx)] == [18475, 8500]
    # Reminders before the application deadline, then the lapse, once.
    apply_by = datetime(2026, 12, 27, 4, 59, 59, tzinfo=timezone.utc)
    assert pool_deadlines.remind_due([SPEC], now=apply_by - timedelta(days=3)) == 1
    assert pool_deadlines.lapse_due([SPEC], now=apply_by) == 0
    assert pool_deadlines.lapse_due([SPEC], now=apply_by + timedelta(seconds=1)) == 1
    assert pool_deadlines.lapse_due([SPEC], now=apply_by + timedelta(seconds=1)) == 0
    with session_scope() as db:
        assert db.get(PoolInvitation, invitation.id).state == "lapsed"
        assert pool_deadlines.deadlines_for(db, world["rep"], now=apply_by + timedelta(seconds=2)) == []


def test_a_submitted_application_stops_the_apply_deadline(world):
    _admit_all()
    invitation = _invite(world)
    with session_scope() as db:
        app_id = pool_flow.accept_and_start(db, world["rep"], invitation.id, now=T0 + timedelta(days=2)).id
    with session_scope() as db:
        app = db.get(Application, app_id)
        app.status, app.submitted_at = "submitted", T0 + timedelta(days=5)
        db.add(app)
    with session_scope() as db:
        assert pool_deadlines.deadlines_for(db, world["rep"], now=T0 + timedelta(days=6)) == []
    assert pool_deadlines.lapse_due([SPEC], now=T0 + timedelta(days=40)) == 0


def test_deadlines_list_soonest_first_across_clients(world):
    _admit_all()
    jp = _invite(world, "JP-WH", now=T0)
    fr = _invite(world, "FR-WH", now=T0 + timedelta(days=2))
    with session_scope() as db:
        rows = pool_deadlines.deadlines_for(db, world["rep"], now=T0 + timedelta(days=3))
    assert [r.invitation_id for r in rows] == [jp.id, fr.id]
    assert rows[0].client == "Léa Martin"


def test_training_rounds_run_per_stream_once(world):
    _admit_all()
    now = T0 + timedelta(days=1)
    first = pools.auto_rounds([SPEC], speed=86400 * 7, now=now)  # a round per stream every second
    again = pools.auto_rounds([SPEC], speed=86400 * 7, now=now)
    assert len(first) == 3 and again == []  # FR-WH, FR-YP, JP-WH


def test_a_lapsed_invitation_blocks_the_submission(world):
    from rar_app.services.casework import submission

    _admit_all()
    invitation = _invite(world)
    with session_scope() as db:
        app_id = pool_flow.accept_and_start(db, world["rep"], invitation.id, now=T0 + timedelta(days=2)).id
    with session_scope() as db:
        apply_by = db.get(PoolInvitation, invitation.id).apply_by
    assert pool_deadlines.lapse_due([SPEC], now=apply_by + timedelta(seconds=1)) == 1
    with session_scope() as db:
        app = db.get(Application, app_id)
        app.status = "signed"
        db.add(app)
    with pytest.raises(submission.FinishError) as e:
        submission.submit_free(world["rep"], app_id)
    assert e.value.code == "application_lapsed"
    with session_scope() as db:
        assert db.get(Application, app_id).status == "signed"  # the claim rolled back
