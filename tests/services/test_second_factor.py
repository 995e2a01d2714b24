"""The second factor (issue 14, point 3): TOTP (RFC 6238) required for administrators and
staff, offered to representatives; recovery codes single use and hashed; a notice on every
change; sign-in asks the code after the password."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AuditEvent, AuthSession, Message, RecoveryCode
from rar_app.services.identity import accounts, second_factor, sessions, signin
from rar_app.services.identity.accounts import _store_questions
from rar_app.services.identity.passwords import hash_secret
from tests.services.account_helpers import ANSWERS, PASSWORD, cheap_argon2  # noqa: F401  (autouse)


def _account(username: str, role: str) -> int:
    with session_scope() as db:
        account = Account(username=username, password_hash=hash_secret(PASSWORD), status="active", role=role,
                          given_names="Test", family_name=role.title(), email=f"{username}@example.ca")
        db.add(account)
        db.flush()
        _store_questions(db, account.id, ANSWERS)
        return account.id


def _past_question(username: str, browser_key: str = "tab") -> signin.ChallengePassed:
    result = signin.sign_in(username, PASSWORD, ip="10.0.0.5", browser_key=browser_key)
    assert result.stage == "challenge" and result.next_page == "challenge"
    question = signin.begin_challenge(result.token)
    return signin.answer_challenge(result.token, dict(ANSWERS)[question.key], ip="10.0.0.5", browser_key=browser_key)


def _notices(account_id: int) -> list[str]:
    with session_scope() as db:
        return [m.subject_en for m in db.exec(select(Message).where(Message.account_id == account_id)
                                              .order_by(Message.id))]


def _actions() -> list[str]:
    with session_scope() as db:
        return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _enrol_admin(username: str = "ada.admin") -> tuple[int, str, list[str]]:
    account_id = _account(username, "admin")
    passed = _past_question(username)
    details, enrolled = second_factor.setup_for_session(passed.token)
    codes = second_factor.confirm_for_session(passed.token, _code(details.secret), ip="10.0.0.5")
    second_factor.finish_setup(passed.token, browser_key="tab")
    return account_id, details.secret, codes


def test_an_administrator_must_enrol_before_anything_else(migrated_db):
    account_id = _account("ada.admin", "admin")
    passed = _past_question("ada.admin")
    assert passed.next_page == "totp_setup" and passed.ticket
    info = sessions.lookup(passed.token)
    assert info.stage == "totp_setup" and not info.is_complete and sessions.full_session(passed.token) is None
    details, enrolled = second_factor.setup_for_session(passed.token)
    assert not enrolled and len(details.secret) == 32
    assert details.qr_data_uri.startswith("data:image/svg+xml") and details.uri.startswith("otpauth://totp/")
    assert second_factor.setup_for_session(passed.token)[0].secret == details.secret, "the same secret on reload"
    with pytest.raises(second_factor.SecondFactorError) as not_yet:
        second_factor.finish_setup(passed.token, browser_key="tab")
    assert not_yet.value.code == "not_enrolled"
    with pytest.raises(second_factor.SecondFactorError) as wrong:
        second_factor.confirm_for_session(passed.token, "000000" if _code(details.secret) != "000000" else "111111")
    assert wrong.value.code == "code_wrong" and wrong.value.message("fr") and wrong.value.message("en")
    codes = second_factor.confirm_for_session(passed.token, _code(details.secret), ip="10.0.0.5")
    assert len(codes) == 10 and len(set(codes)) == 10
    with session_scope() as db:
        account = db.get(Account, account_id)
        assert account.totp_enabled_at is not None and account.totp_pending_enc is None
        assert details.secret not in (account.totp_secret_enc or ""), "stored encrypted"
        stored = db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account_id)).all()
        assert len(stored) == 10 and all(c.code_hash.startswith("$argon2id$") for c in stored)
        assert not any(code.replace("-", "") in row.code_hash for code in codes for row in stored)
    done = second_factor.finish_setup(passed.token, browser_key="tab")
    assert sessions.lookup(passed.token) is None, "the set-up session is replaced"
    assert sessions.full_session(done.token).account_id == account_id and done.ticket and done.role == "admin"
    assert _notices(account_id) == ["Multi-factor authentication turned on"]
    assert "auth.totp_enabled" in _actions() and "auth.totp_setup_failed" in _actions()


def test_once_enrolled_sign_in_asks_the_code_after_the_password(migrated_db):
    account_id, secret, _codes = _enrol_admin()
    result = signin.sign_in("ada.admin", PASSWORD, ip="10.0.0.5", browser_key="tab")
    assert result.stage == "totp" and result.next_page == "totp_verify"
    assert sessions.full_session(result.token) is None
    with pytest.raises(accounts.SessionInvalid):
        signin.begin_challenge(result.token)  # no security question for this session
    used_at_setup = _code(secret)
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.answer_code(result.token, used_at_setup, browser_key="tab")  # a code works once
    passed = second_factor.answer_code(result.token, _code(secret, 1), ip="10.0.0.5", browser_key="tab")
    assert sessions.full_session(passed.token).account_id == account_id and sessions.lookup(result.token) is None
    assert sessions.redeem_ticket(passed.ticket, "tab") == passed.token
    again = signin.sign_in("ada.admin", PASSWORD, browser_key="tab")
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.answer_code(again.token, _code(secret, 1), browser_key="tab")  # that step is used now


def test_recovery_codes_work_once_and_send_a_notice(migrated_db):
    account_id, _secret, codes = _enrol_admin()
    result = signin.sign_in("ada.admin", PASSWORD, browser_key="tab")
    passed = second_factor.answer_code(result.token, "  " + codes[3].upper() + " ", browser_key="tab")
    assert sessions.full_session(passed.token) is not None
    again = signin.sign_in("ada.admin", PASSWORD, browser_key="tab")
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.answer_code(again.token, codes[3], browser_key="tab")
    assert _notices(account_id)[-1] == "Recovery code used"
    with session_scope() as db:
        assert second_factor.remaining_recovery_codes(db, account_id) == 9


def test_wrong_codes_end_the_sign_in(migrated_db):
    _account_id, secret, _codes = _enrol_admin()
    result = signin.sign_in("ada.admin", PASSWORD, browser_key="tab")
    wrong = "123456" if _code(secret) != "123456" else "654321"
    failures = []
    for _ in range(second_factor.MAX_CODE_FAILURES):
        with pytest.raises(second_factor.SecondFactorError) as refused:
            second_factor.answer_code(result.token, wrong, browser_key="tab")
        failures.append(refused.value.code)
    assert failures[-1] == "locked" and set(failures[:-1]) == {"code_wrong"}
    with session_scope() as db:
        assert db.exec(select(AuthSession).where(AuthSession.stage == "totp")).one().revoked_at is not None
    with pytest.raises((accounts.SessionInvalid, accounts.Throttled)):
        second_factor.answer_code(result.token, _code(secret, 1), browser_key="tab")


def test_representatives_are_offered_it_and_may_turn_it_off(migrated_db):
    account_id = _account("rita.rep", "representative")
    passed = _past_question("rita.rep")
    assert passed.next_page == "" and sessions.full_session(passed.token) is not None, "not forced on representatives"
    details, enrolled = second_factor.setup_for_session(passed.token)
    assert not enrolled
    second_factor.confirm_for_session(passed.token, _code(details.secret))
    assert signin.sign_in("rita.rep", PASSWORD).stage == "totp"
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.disable_for(account_id, "000000" if _code(details.secret, 1) != "000000" else "111111")
    second_factor.disable_for(account_id, _code(details.secret, 1))
    assert signin.sign_in("rita.rep", PASSWORD).stage == "challenge"
    assert _notices(account_id) == ["Multi-factor authentication turned on", "Multi-factor authentication turned off"]
    assert "auth.totp_disabled" in _actions()


def test_staff_cannot_turn_it_off(migrated_db):
    account_id, secret, _codes = _enrol_admin("sam.staff")
    with session_scope() as db:
        db.get(Account, account_id).role = "staff"
    with pytest.raises(second_factor.SecondFactorError) as refused:
        second_factor.disable_for(account_id, _code(secret, 1))
    assert refused.value.code == "required"


def test_a_signed_out_or_foreign_token_gets_nothing(migrated_db):
    _account("ada.admin", "admin")
    for token in (None, "", "not-a-session"):
        with pytest.raises(accounts.SessionInvalid):
            second_factor.setup_for_session(token)
        with pytest.raises(accounts.SessionInvalid):
            second_factor.answer_code(token, "123456")
    result = signin.sign_in("ada.admin", PASSWORD)  # stage "challenge": no enrolment before the question
    with pytest.raises(accounts.SessionInvalid):
        second_factor.setup_for_session(result.token)
