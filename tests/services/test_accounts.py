"""Accounts service: enrolment and its validation, demo accounts, sign-in with the
portal's credential, throttling and the security-question challenge."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from sqlmodel import select

from rar_app import rules
from rar_app.db import session_scope
from rar_app.models import Account, AccountRequest, AuditEvent, AuthSession, AuthThrottle, SecurityQuestion
from rar_app.services.identity import accounts, demo_accounts, enrolment, housekeeping, passwords, sessions, signin, throttle
from rar_app.services.identity.passwords import normalise_answer
from tests.services.account_helpers import ANSWERS, PASSWORD, cheap_argon2  # noqa: F401  (autouse)


def form(**overrides) -> enrolment.EnrolmentForm:
    data = dict(family_name="Gagnon", given_names="Léa", email="lea.gagnon@example.ca", phone="(514) 555-0142",
                business_name="Gagnon Immigration inc.", business_address="12, rue Saint-Paul, Montréal (Québec)",
                language="fr", regulatory_body="CICC", membership_number="R509876", questions=list(ANSWERS),
                username="lea.gagnon", password=PASSWORD, password_confirmation=PASSWORD)
    data.update(overrides)
    return enrolment.EnrolmentForm(**data)


def enrol(**overrides) -> enrolment.EnrolmentResult:
    with session_scope() as db:
        return enrolment.enrol(db, form(**overrides), ip="10.0.0.1")


def codes(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.codes


def audit_actions() -> list[str]:
    with session_scope() as db:
        return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture
def auto(migrated_db, portal_env):
    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="true")
    return migrated_db


@pytest.fixture
def manual(migrated_db, portal_env):
    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="false")
    return migrated_db


def full_sign_in(username="lea.gagnon", password=PASSWORD, ip="10.0.0.1") -> signin.ChallengePassed:
    result = signin.sign_in(username, password, ip=ip)
    question = signin.begin_challenge(result.token)
    return signin.answer_challenge(result.token, dict(ANSWERS)[question.key], ip=ip)


# --------------------------------------------------------------------------- enrolment


def test_enrolment_pending_until_approved(manual):
    result = enrol()
    assert result.status == "pending" and result.merge_request_id is None
    with session_scope() as db:
        account = db.get(Account, result.account_id)
        assert account.username == "lea.gagnon" and account.role == "representative"
        assert account.password_hash.startswith("$argon2id$")
        assert account.regulatory_body == "CICC" and account.membership_number == "R509876"
        questions = db.exec(select(SecurityQuestion).where(SecurityQuestion.account_id == account.id)).all()
        assert [q.question for q in questions] == ["first_pet", "birth_city", "primary_school"]
        assert all(q.answer_hash.startswith("$argon2id$") and "Pixel" not in q.answer_hash for q in questions)
        request = db.get(AccountRequest, result.enrolment_request_id)
        assert (request.kind, request.status) == ("enrolment", "open")
    with pytest.raises(accounts.AccountPending) as exc:
        signin.sign_in("lea.gagnon", PASSWORD)
    assert exc.value.code == "account_pending"
    assert "account.enrolled" in audit_actions()


def test_demo_deployment_auto_approves(auto):
    result = enrol()
    assert result.status == "active"
    with session_scope() as db:
        assert db.get(AccountRequest, result.enrolment_request_id).status == "approved"
        assert db.get(Account, result.account_id).approved_at is not None
    assert "account.enrolment_auto_approved" in audit_actions()
    assert full_sign_in().account_id == result.account_id


def test_enrolment_with_previous_account_creates_merge_request(auto):
    result = enrol(already_enrolled=True, previous_username=" Old.User ", previous_membership_number="r 509876")
    with session_scope() as db:
        merge = db.get(AccountRequest, result.merge_request_id)
        assert (merge.kind, merge.status, merge.account_id) == ("merge", "open", result.account_id)
        assert json.loads(merge.details) == {"previous_username": "old.user", "previous_membership_number": "R509876"}


def test_required_fields_all_reported_at_once(auto):
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            enrolment.enrol(db, enrolment.EnrolmentForm(language="de", already_enrolled=True))
    found = codes(exc)
    for field in ("family_name", "email", "phone", "business_name", "business_address", "regulatory_body",
                  "membership_number", "question_1", "answer_1", "question_3", "answer_3", "username", "password"):
        assert found[field] == ["required"], field
    assert found["language"] == ["language_invalid"]
    assert found["previous_account"] == ["previous_account_required"]
    assert "given_names" not in found  # one-name people exist
    assert exc.value.errors[0].message_en and exc.value.errors[0].message_fr


@pytest.mark.parametrize("field,value,code", [
    ("email", "lea.gagnon@example", "email_format"),
    ("email", "lea gagnon@example.ca", "email_format"),
    ("email", "@example.ca", "email_format"),
    ("phone", "555-0142", "phone_format"),
    ("phone", "514-555-CALL", "phone_format"),
    ("phone", "+1 514 555 0142 0142 0142", "phone_format"),
    ("regulatory_body", "XYZ", "regulatory_body_invalid"),
    ("membership_number", "R50#876", "membership_number_format"),
    ("membership_number", "ABCDEF", "membership_number_format"),
    ("username", "ab", "username_format"),
    ("username", "lea gagnon", "username_format"),
    ("username", ".leagagnon", "username_format"),
    ("family_name", "x" * 101, "too_long"),
])
def test_field_format_errors(auto, field, value, code):
    with pytest.raises(accounts.ValidationFailed) as exc:
        enrol(**{field: value})
    assert codes(exc) == {field: [code]}


@pytest.mark.parametrize("field,value", [
    ("email", "Lea.Gagnon+rar@Example.CA"), ("phone", "+1 514 555 0142"), ("phone", "514.555.0142 poste 12"),
    ("regulatory_body", "cnq"), ("regulatory_body", "LSO-P"), ("membership_number", "lso-12345"),
    ("given_names", ""),
])
def test_field_formats_accepted(auto, field, value):
    enrol(**{field: value})


def test_every_regulatory_body_of_the_data_file_is_accepted():
    bodies = accounts.regulatory_bodies()
    assert len(bodies) == 16
    assert {"CICC", "CNQ", "BQ", "LSO", "LSO-P"} <= {b.code for b in bodies}
    assert accounts.regulatory_body("cnq").name("fr") == "Chambre des notaires du Québec"
    assert accounts.regulatory_body("LSBC").name("fr") == "Law Society of British Columbia"  # no official French name


def test_security_question_rules(auto):
    with pytest.raises(accounts.ValidationFailed) as exc:
        enrol(questions=[("first_pet", "ab"), ("first_pet", "Québec"), ("my own question", "x" * 101)])
    assert codes(exc) == {"answer_1": ["answer_too_short"], "question_2": ["question_duplicate"],
                          "question_3": ["question_invalid"], "answer_3": ["answer_too_long"]}


def test_a_taken_username_gets_the_same_answer_and_its_owner_a_notice(auto):
    """Issue 14, point 7: enrolment does not reveal whether a username exists."""
    first = enrol()
    again = enrol(username="Lea.Gagnon", email="other@example.ca")  # case does not matter
    assert again.status == first.status == "active" and again.merge_request_id is None
    with session_scope() as db:
        assert len(db.exec(select(Account)).all()) == 1, "nothing created"
        from rar_app.models import Message

        notices = db.exec(select(Message).where(Message.account_id == first.account_id)).all()
        assert any("username" in m.subject_en for m in notices)
    assert "account.enrolment_username_in_use" in audit_actions()
    with session_scope() as db:
        assert enrolment.validate_enrolment(db, form(username="lea.gagnon")) == []


def test_enrolment_is_throttled_per_address(auto):
    for n in range(throttle.MAX_FAILURES_PER_ADDRESS):
        with session_scope() as db:
            enrolment.enrol(db, form(username=f"rep.number{n}", email=f"r{n}@example.ca"), ip="10.9.9.9")
    with pytest.raises(accounts.Throttled):
        with session_scope() as db:
            enrolment.enrol(db, form(username="rep.onemore", email="x@example.ca"), ip="10.9.9.9")
    with session_scope() as db:  # another address is not affected
        enrolment.enrol(db, form(username="rep.elsewhere", email="y@example.ca"), ip="10.9.9.10")


@pytest.mark.parametrize("password,expected", [
    ("Short1a", ["password_length"]),
    ("Waytoolongpassword2026", ["password_length"]),
    ("kayak2026zz", ["password_uppercase"]),
    ("KAYAK2026ZZ", ["password_lowercase"]),
    ("KayakKayakZz", ["password_digit"]),
    ("Gagnon2026Zz", ["password_username_sequence"]),  # "gag"/"agn"/... are in lea.gagnon
    ("Password1", ["password_common"]),
])
def test_password_rules_come_from_the_rules_engine(auto, password, expected):
    with pytest.raises(accounts.ValidationFailed) as exc:
        enrol(password=password, password_confirmation=password)
    assert codes(exc) == {"password": expected}


def test_password_confirmation_must_match(auto):
    with pytest.raises(accounts.ValidationFailed) as exc:
        enrol(password_confirmation=PASSWORD + "x")
    assert codes(exc) == {"password_confirmation": ["password_mismatch"]}


@hsettings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=20))
def test_password_errors_agree_with_the_rules_engine(password):
    found = {e.code for e in accounts.password_errors("lea.gagnon", password)}
    if not password:
        assert found == {"required"}
        return
    expected = {f"password_{v}" for v in rules.check_password("lea.gagnon", password)["violations"]}
    if rules.is_common_password(password):
        expected.add("password_common")
    assert found == expected


def test_validation_of_one_step_only(auto):
    with session_scope() as db:
        errors = enrolment.validate_enrolment(db, enrolment.EnrolmentForm(email="bad"), fields=["email", "phone"])
    assert {(e.field, e.code) for e in errors} == {("email", "email_format"), ("phone", "required")}


def test_demo_accounts_idempotent_and_usable(migrated_db):
    with session_scope() as db:
        first = demo_accounts.ensure_demo_accounts(db)
    with session_scope() as db:
        assert demo_accounts.ensure_demo_accounts(db) == first
        roles = {a.username: (a.role, a.status) for a in db.exec(select(Account))}
    assert roles == {"demo.rep": ("representative", "active"), "demo.admin": ("admin", "active"),
                     "demo.staff": ("staff", "active")}
    for username in first:
        assert rules.check_password(username, demo_accounts.DEMO_PASSWORD)["valid"]
    assert not rules.is_common_password(demo_accounts.DEMO_PASSWORD)
    result = signin.sign_in("demo.rep", demo_accounts.DEMO_PASSWORD)
    question = signin.begin_challenge(result.token)
    answer = dict(demo_accounts.DEMO_SECURITY_ANSWERS)[question.key].upper()  # case does not matter
    assert signin.answer_challenge(result.token, answer).account_id == first["demo.rep"]


# --------------------------------------------------------------------------- sign-in and throttling


def test_sign_in_gives_challenge_session_then_full_with_new_id(auto):
    account_id = enrol().account_id
    result = signin.sign_in(" LEA.GAGNON ", PASSWORD, ip="10.0.0.1", user_agent="pytest", browser_key="tab-1")
    assert sessions.redeem_ticket(result.ticket, "tab-1") == result.token
    info = sessions.lookup(result.token)
    assert info.stage == "challenge" and not info.is_complete and sessions.full_session(result.token) is None
    question = signin.begin_challenge(result.token)
    assert signin.begin_challenge(result.token) == question, "the same question on reload"
    assert question.key in dict(ANSWERS) and question.text_fr and question.text_en and question.attempts_left == 3
    passed = signin.answer_challenge(result.token, "  " + normalise_answer(dict(ANSWERS)[question.key]).upper(),
                                     browser_key="tab-1")
    assert passed.token != result.token and passed.account_id == account_id
    assert sessions.lookup(result.token) is None
    assert sessions.redeem_ticket(passed.ticket, "tab-2") is None, "bound to the browser that signed in"
    assert sessions.redeem_ticket(passed.ticket, "tab-1") is None, "and burnt by the wrong one"
    assert sessions.full_session(passed.token).account_id == account_id
    with pytest.raises(accounts.SessionInvalid):
        signin.begin_challenge(passed.token)  # a full session has no challenge


def test_challenge_session_is_short_lived(auto):
    enrol()
    result = signin.sign_in("lea.gagnon", PASSWORD)
    with session_scope() as db:
        row = db.exec(select(AuthSession)).one()
        assert row.expires_at - row.created_at <= sessions.CHALLENGE_LIFETIME
        row.expires_at = row.created_at
        db.add(row)
    with pytest.raises(accounts.SessionInvalid):
        signin.begin_challenge(result.token)


def test_three_wrong_answers_revoke_the_session(auto):
    account_id = enrol().account_id
    result = signin.sign_in("lea.gagnon", PASSWORD, ip="10.0.0.2")
    with pytest.raises(accounts.ChallengeFailed) as exc:
        signin.answer_challenge(result.token, "wrong", ip="10.0.0.2")
    assert (exc.value.code, exc.value.attempts_left, exc.value.field) == ("challenge_wrong", 2, "answer")
    with pytest.raises(accounts.ChallengeFailed):
        signin.answer_challenge(result.token, "wrong again", ip="10.0.0.2")
    with pytest.raises(accounts.ChallengeLocked) as exc:
        signin.answer_challenge(result.token, "still wrong", ip="10.0.0.2")
    assert exc.value.code == "challenge_locked"
    assert sessions.lookup(result.token) is None
    with pytest.raises(accounts.SessionInvalid):
        signin.answer_challenge(result.token, dict(ANSWERS)["first_pet"])
    actions = audit_actions()
    assert actions.count("auth.challenge_failed") == 3 and "auth.challenge_locked" in actions
    with session_scope() as db:
        locked = db.exec(select(AuditEvent).where(AuditEvent.action == "auth.challenge_locked")).one()
        assert locked.object_id == str(account_id) and locked.ip == "10.0.0.2"


def test_wrong_password_and_unknown_user_look_the_same(auto):
    enrol()
    errors = []
    for username in ("lea.gagnon", "nobody.here"):
        with pytest.raises(accounts.AuthenticationFailed) as exc:
            signin.sign_in(username, "Wrong2026Pass", ip="10.0.0.3")
        errors.append((type(exc.value), exc.value.code, exc.value.message_fr, exc.value.message_en))
    assert errors[0] == errors[1] and errors[0][1] == "invalid_credentials"


def test_five_failures_slow_the_username_down(auto):
    enrol()
    for i in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(accounts.AuthenticationFailed) as exc:
            signin.sign_in("lea.gagnon", f"Wrong{i}Pass", ip=f"10.1.0.{i}")
        assert exc.value.code == "invalid_credentials"
    with pytest.raises(accounts.Throttled) as exc:
        signin.sign_in("lea.gagnon", PASSWORD, ip="10.1.0.99")  # even the right password, from elsewhere
    assert exc.value.code == "throttled" and 0 < exc.value.retry_after_seconds <= 5
    assert exc.value.message("fr") == "Trop de tentatives infructueuses. Réessayez dans 4\u00a0secondes."
    assert exc.value.message("en") == "Too many unsuccessful attempts. Try again in 4 seconds."
    assert "auth.slowed_down" in audit_actions() and "auth.throttled" in audit_actions()
    # Once the wait is over, the right password works.
    with session_scope() as db:
        for row in db.exec(select(AuthThrottle)):
            if row.locked_until:
                row.locked_until -= timedelta(minutes=15)
                db.add(row)
    assert full_sign_in().account_id


def test_unknown_usernames_are_throttled_too(auto):
    for i in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(accounts.AuthenticationFailed):
            signin.sign_in("ghost.user", "Wrong2026Pass", ip=f"10.2.0.{i}")
    with pytest.raises(accounts.Throttled):
        signin.sign_in("ghost.user", "Wrong2026Pass", ip="10.2.0.99")


def test_address_is_throttled_across_usernames(auto):
    enrol()
    for i in range(throttle.MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(accounts.AuthenticationFailed) as exc:
            signin.sign_in(f"guess.{i:03d}", "Wrong2026Pass", ip="192.0.2.7")
        assert exc.value.code == "invalid_credentials"
    with pytest.raises(accounts.Throttled):
        signin.sign_in("lea.gagnon", PASSWORD, ip="192.0.2.7")
    assert signin.sign_in("lea.gagnon", PASSWORD, ip="192.0.2.8").token  # another address is fine


def test_wrong_challenge_answers_count_towards_the_account_lock(auto):
    enrol()
    for attempt in range(2):  # 2 sessions x 3 wrong answers > 5 failures
        result = signin.sign_in("lea.gagnon", PASSWORD, ip="10.3.0.1")
        for _ in range(3):
            try:
                signin.answer_challenge(result.token, "nope", ip="10.3.0.1")
            except accounts.Throttled:
                break
            except accounts.ChallengeFailed:
                pass
    with pytest.raises(accounts.Throttled):
        signin.sign_in("lea.gagnon", PASSWORD, ip="10.3.0.2")


def test_successful_challenge_clears_the_account_counter(auto):
    enrol()
    for i in range(throttle.MAX_FAILURES_PER_ACCOUNT - 1):
        with pytest.raises(accounts.AuthenticationFailed):
            signin.sign_in("lea.gagnon", f"Wrong{i}Pass", ip="10.4.0.1")
    full_sign_in(ip="10.4.0.2")
    for i in range(throttle.MAX_FAILURES_PER_ACCOUNT - 1):
        with pytest.raises(accounts.AuthenticationFailed) as exc:
            signin.sign_in("lea.gagnon", f"Wrong{i}Pass", ip="10.4.0.3")
        assert exc.value.code == "invalid_credentials"


def test_failures_survive_the_callers_rollback(auto):
    """authenticate() inside the caller's transaction: the failure is recorded even
    though the exception rolls the caller's transaction back."""
    enrol()
    with pytest.raises(accounts.AuthenticationFailed):
        with session_scope() as db:
            signin.authenticate(db, "lea.gagnon", "Wrong2026Pass", ip="10.5.0.1")
    with session_scope() as db:
        assert db.exec(select(AuthThrottle).where(AuthThrottle.key == "user:lea.gagnon")).one().failures == 1
    assert "auth.sign_in_failed" in audit_actions()


def test_closed_account_refused_with_its_own_code_only_with_the_right_password(auto):
    account_id = enrol().account_id
    with session_scope() as db:
        db.get(Account, account_id).status = "closed"
    with pytest.raises(accounts.AuthenticationFailed) as exc:
        signin.sign_in("lea.gagnon", "Wrong2026Pass")
    assert exc.value.code == "invalid_credentials"
    with pytest.raises(accounts.AccountClosed) as exc:
        signin.sign_in("lea.gagnon", PASSWORD)
    assert exc.value.code == "account_closed"


def test_account_without_questions_cannot_finish_sign_in(auto):
    account_id = enrol().account_id
    with session_scope() as db:
        for q in db.exec(select(SecurityQuestion).where(SecurityQuestion.account_id == account_id)):
            db.delete(q)
    with pytest.raises(accounts.AccountError) as exc:
        signin.sign_in("lea.gagnon", PASSWORD)
    assert exc.value.code == "no_security_questions"
    with session_scope() as db:
        assert db.exec(select(AuthSession)).first() is None


def test_housekeeping_forgets_spent_counters(auto):
    with pytest.raises(accounts.AuthenticationFailed):
        signin.sign_in("ghost.user", "Wrong2026Pass", ip="10.6.0.1")
    with session_scope() as db:
        assert housekeeping.housekeeping(db) == {"sessions": 0, "throttles": 0, "oidc_logins": 0, "demo_partner_codes": 0}
        for row in db.exec(select(AuthThrottle)):
            row.window_started_at -= timedelta(minutes=16)
            db.add(row)
    with session_scope() as db:
        # the username, the address, and the username from that address
        assert housekeeping.housekeeping(db)["throttles"] == 3


def test_the_wait_doubles_but_a_username_is_never_locked_out_by_others(auto):
    """Failures from many addresses slow a username down to an attempt a minute at most;
    the address (and the username from that address) wait longer, up to THROTTLE_LOCK."""
    enrol()

    def age_waits() -> None:
        with session_scope() as db:
            for row in db.exec(select(AuthThrottle)):
                if row.locked_until:
                    row.locked_until -= timedelta(hours=1)
                    db.add(row)

    waits = []
    for i in range(12):
        age_waits()
        with pytest.raises(accounts.AuthenticationFailed):
            signin.sign_in("lea.gagnon", f"Wrong{i}Pass", ip=f"10.9.{i}.1")  # a new address each time
        with session_scope() as db:
            waits.append(throttle.throttle_status(db, [throttle._user_key("lea.gagnon")]))
    assert waits[:4] == [0, 0, 0, 0]
    assert 0 < waits[4] < waits[5] < waits[6] and waits[5] >= 2 * waits[4] - 1
    assert max(waits) <= 61, "never more than a minute for the username from elsewhere"
    age_waits()
    assert full_sign_in(ip="10.8.0.1").account_id  # the owner signs in once the short wait is over
    # One address hammering one username waits up to fifteen minutes.
    for i in range(12):
        age_waits()
        with pytest.raises(accounts.AuthenticationFailed):
            signin.sign_in("other.name", f"Wrong{i}Pass", ip="192.0.2.50")
    with session_scope() as db:
        pair = db.exec(select(AuthThrottle).where(AuthThrottle.key.startswith("pair:"),
                                                  AuthThrottle.key.contains("192.0.2.50"))).one()
        assert throttle.slow_down(pair.key, pair.failures) > timedelta(minutes=2)
