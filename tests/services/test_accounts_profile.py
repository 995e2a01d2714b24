"""Accounts service: password recovery, the representative's own account (profile,
password, email, language, security questions, name change and closure requests)
and access isolation between representatives."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AccountRequest, AuditEvent, AuthThrottle, Document
from rar_app.services.identity import accounts, enrolment, own_account, passwords, recovery, sessions, signin, throttle

from rar_app.models import EmailLink
from rar_app.services.identity import email_links
from rar_app.services.messaging import mailer
from tests.services.account_helpers import ANSWERS, PASSWORD, cheap_argon2, recovery_link  # noqa: F401  (autouse)


@pytest.fixture
def two_reps(migrated_db, portal_env):
    """Two active representatives: returns (lea_id, noah_id)."""
    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="true")
    ids = []
    for username, name, number in (("lea.gagnon", "Gagnon", "R509876"), ("noah.martin", "Martin", "R601234")):
        with session_scope() as db:
            ids.append(enrolment.enrol(db, enrolment.EnrolmentForm(
                family_name=name, given_names="Test", email=f"{username}@example.ca", phone="613 555 0100",
                business_name=f"{name} inc.", business_address="Ottawa", language="fr", regulatory_body="CICC",
                membership_number=number, questions=list(ANSWERS), username=username, password=PASSWORD,
                password_confirmation=PASSWORD)).account_id)
    return tuple(ids)


def audit_actions(action_prefix: str = "") -> list[str]:
    with session_scope() as db:
        return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)) if e.action.startswith(action_prefix)]


def new_document(owner_id: int, key: str) -> int:
    with session_scope() as db:
        doc = Document(owner_id=owner_id, storage_key=key, original_name="preuve.pdf", content_type="application/pdf")
        db.add(doc)
        db.flush()
        return doc.id


# --------------------------------------------------------------------------- recovery


def test_recovery_needs_the_link_and_all_three_answers_then_new_password(two_reps):
    lea, _ = two_reps
    token_before = signin.sign_in("lea.gagnon", PASSWORD).token
    link = recovery_link("Lea.Gagnon", ip="10.0.0.1")
    with session_scope() as db:
        row = db.exec(select(EmailLink)).one()
    assert row.token_hash == email_links.token_hash(link) != link, "only the hash is kept"
    assert row.purpose == "recovery" and row.account_id == lea
    with session_scope() as db:
        questions = recovery.link_questions(db, link)
    assert [q.key for q in questions] == [k for k, _ in ANSWERS]
    with session_scope() as db:
        token = recovery.verify_recovery_answers(db, link, ["pixel", "TROIS-RIVIERES", " sainte-marie "],
                                                 ip="10.0.0.1")
    with pytest.raises(accounts.RecoveryFailed) as exc:
        with session_scope() as db:
            recovery.verify_recovery_answers(db, link, [a for _, a in ANSWERS])
    assert exc.value.code == "recovery_link_invalid", "the link works once"
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            recovery.reset_password(db, token, "weakpass", "weakpass")
    assert set(exc.value.codes["new_password"]) == {"password_uppercase", "password_digit"}
    with session_scope() as db:
        recovery.reset_password(db, token, "Nouveau2027Xy", "Nouveau2027Xy", ip="10.0.0.1")
    assert sessions.lookup(token_before) is None, "every session ends with the reset"
    with pytest.raises(accounts.RecoveryFailed) as exc:
        with session_scope() as db:
            recovery.reset_password(db, token, "Autre2027Xyz", "Autre2027Xyz")
    assert exc.value.code == "recovery_expired", "a recovery token works once"
    with pytest.raises(accounts.AuthenticationFailed):
        signin.sign_in("lea.gagnon", PASSWORD)
    assert signin.sign_in("lea.gagnon", "Nouveau2027Xy").account_id == lea
    assert "account.password_reset" in audit_actions()


def test_the_answers_alone_are_not_enough(two_reps):
    """Without a link mailed to the account (or with a forged, spent, expired one or
    another account's), the right answers do nothing."""
    lea, noah = two_reps
    for forged in ("", "lea.gagnon", "x" * 43, email_links.token_hash("x")):
        with pytest.raises(accounts.RecoveryFailed) as exc:
            with session_scope() as db:
                recovery.verify_recovery_answers(db, forged, [a for _, a in ANSWERS])
        assert exc.value.code == "recovery_link_invalid"
        with pytest.raises(accounts.RecoveryFailed):
            with session_scope() as db:
                recovery.link_questions(db, forged)
    first = recovery_link("lea.gagnon")
    second = recovery_link("lea.gagnon")
    with pytest.raises(accounts.RecoveryFailed):
        with session_scope() as db:
            recovery.verify_recovery_answers(db, first, [a for _, a in ANSWERS])
    assert first != second, "a new link spends the earlier one"
    with session_scope() as db:
        db.exec(select(EmailLink)).all()
        for row in db.exec(select(EmailLink)):
            row.expires_at = row.expires_at - timedelta(days=1)
            db.add(row)
    with pytest.raises(accounts.RecoveryFailed) as exc:
        with session_scope() as db:
            recovery.verify_recovery_answers(db, second, [a for _, a in ANSWERS])
    assert exc.value.code == "recovery_link_invalid", "an expired link"
    # Wrong answers leave the link usable (until the slow-down); right ones spend it.
    third = recovery_link("lea.gagnon")
    with pytest.raises(accounts.RecoveryFailed) as exc:
        with session_scope() as db:
            recovery.verify_recovery_answers(db, third, {1: "Pixel", 2: "Trois-Rivières", 3: "wrong"})
    assert exc.value.code == "recovery_failed"
    with pytest.raises(accounts.RecoveryFailed):
        with session_scope() as db:
            recovery.verify_recovery_answers(db, third, ["Pixel", "Trois-Rivières"])
    with session_scope() as db:
        assert recovery.verify_recovery_answers(db, third, [a for _, a in ANSWERS])


def test_recovery_does_not_reveal_whether_a_username_exists(two_reps):
    with session_scope() as db:
        answer_unknown = recovery.send_recovery_link(db, "nobody.here", ip="10.0.0.7")
    with session_scope() as db:
        answer_known = recovery.send_recovery_link(db, "noah.martin", ip="10.0.0.7")
    assert answer_unknown is None and answer_known is None
    email_links.wait_sent()
    links = [m for m in mailer.read_outbox() if "?lien=" in m["body"]]  # (not the enrolment notices)
    assert [m["to"] for m in links] == ["noah.martin@example.ca"], "one link, to the existing account only"
    assert links[0]["subject"] == "Réinitialisation de votre mot de passe du Portail des RAR"
    with session_scope() as db:
        decoys = recovery.recovery_questions(db, "nobody.here")
        again = recovery.recovery_questions(db, "NOBODY.HERE")
    assert decoys == again and len({q.key for q in decoys}) == 3


def test_recovery_links_are_throttled_per_username_and_address(two_reps):
    for i in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        with session_scope() as db:
            recovery.send_recovery_link(db, "lea.gagnon", ip=f"10.8.0.{i}")
    with pytest.raises(accounts.Throttled):
        with session_scope() as db:
            recovery.send_recovery_link(db, "lea.gagnon", ip="10.8.0.99")
    with session_scope() as db:  # another username is not slowed down by it
        recovery.send_recovery_link(db, "noah.martin", ip="10.8.1.1")
    for i in range(throttle.MAX_FAILURES_PER_ADDRESS + 1):
        with session_scope() as db:
            try:
                recovery.send_recovery_link(db, f"someone{i}.here", ip="10.8.2.2")
            except accounts.Throttled:
                break
    else:
        pytest.fail("one address asking for links for many usernames is slowed down")


def test_recovery_failures_are_throttled(two_reps):
    link = recovery_link("lea.gagnon")
    for i in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(accounts.RecoveryFailed):
            with session_scope() as db:
                recovery.verify_recovery_answers(db, link, ["x", "y", "z"], ip=f"10.9.0.{i}")
    with pytest.raises(accounts.Throttled):
        with session_scope() as db:
            recovery.verify_recovery_answers(db, link, [a for _, a in ANSWERS], ip="10.9.0.99")


def test_recovery_token_expires_and_cannot_be_forged(two_reps, monkeypatch):
    with session_scope() as db:
        token = recovery.verify_recovery_answers(db, recovery_link("lea.gagnon"), [a for _, a in ANSWERS])
    account_id, expires, signature = token.split(".")
    for forged in (f"{account_id}.{int(expires) + 3600}.{signature}", f"{two_reps[1]}.{expires}.{signature}",
                   "garbage", ""):
        with pytest.raises(accounts.RecoveryFailed):
            with session_scope() as db:
                recovery.reset_password(db, forged, "Nouveau2027Xy", "Nouveau2027Xy")
    monkeypatch.setattr(recovery, "RECOVERY_TOKEN_LIFETIME", timedelta(seconds=-1))
    with session_scope() as db:
        expired = recovery.verify_recovery_answers(db, recovery_link("lea.gagnon"), [a for _, a in ANSWERS])
    with pytest.raises(accounts.RecoveryFailed):
        with session_scope() as db:
            recovery.reset_password(db, expired, "Nouveau2027Xy", "Nouveau2027Xy")


def test_closed_account_cannot_recover(two_reps):
    with session_scope() as db:
        db.get(Account, two_reps[0]).status = "closed"
    with pytest.raises(accounts.RecoveryFailed):
        with session_scope() as db:
            recovery.verify_recovery_answers(db, "lea.gagnon", [a for _, a in ANSWERS])


# --------------------------------------------------------------------------- profile


def test_profile_shows_enrolment_details(two_reps):
    lea, _ = two_reps
    with session_scope() as db:
        profile = own_account.get_profile(db, lea)
    assert profile.username == "lea.gagnon" and profile.family_name == "Gagnon"
    assert profile.regulatory_body == "CICC"
    assert profile.regulatory_body_name_fr == "Collège des consultants en immigration et en citoyenneté"
    assert profile.regulatory_body_name_en == "College of Immigration and Citizenship Consultants"
    assert profile.security_questions == tuple(k for k, _ in ANSWERS)
    assert not profile.partner_linked and profile.open_requests == ()
    assert not hasattr(profile, "password_hash")


def test_change_password(two_reps):
    lea, _ = two_reps
    keep = signin.sign_in("lea.gagnon", PASSWORD).token
    other = signin.sign_in("lea.gagnon", PASSWORD).token
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.change_password(db, lea, "Wrong2026Pass", "Nouveau2027Xy", "Nouveau2027Xy")
    assert exc.value.codes == {"current_password": ["current_password_wrong"]}
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.change_password(db, lea, PASSWORD, "Nouveau2027Xy", "Nouveau2027Xz")
    assert exc.value.codes == {"new_password_confirmation": ["password_mismatch"]}
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.change_password(db, lea, PASSWORD, PASSWORD, PASSWORD)
    assert exc.value.codes == {"new_password": ["password_reused"]}
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.change_password(db, lea, PASSWORD, "Gagnon2027Xy", "Gagnon2027Xy")
    assert exc.value.codes == {"new_password": ["password_username_sequence"]}
    with session_scope() as db:
        own_account.change_password(db, lea, PASSWORD, "Nouveau2027Xy", "Nouveau2027Xy", keep_session_token=keep)
    assert sessions.lookup(keep) is not None and sessions.lookup(other) is None
    assert signin.sign_in("lea.gagnon", "Nouveau2027Xy").account_id == lea
    with session_scope() as db:  # the wrong current password counted as a failure
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "account.password_check_failed")).first()


def test_wrong_current_password_is_throttled(two_reps):
    lea, _ = two_reps
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(accounts.ValidationFailed):
            with session_scope() as db:
                own_account.change_email(db, lea, "Wrong2026Pass", "new@example.ca")
    with pytest.raises(accounts.Throttled):
        with session_scope() as db:
            own_account.change_email(db, lea, PASSWORD, "new@example.ca")


def test_change_email_after_password(two_reps):
    lea, _ = two_reps
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.change_email(db, lea, PASSWORD, "not-an-email")
    assert exc.value.codes == {"email": ["email_format"]}
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.change_email(db, lea, PASSWORD, "LEA.GAGNON@EXAMPLE.CA")
    assert exc.value.codes == {"email": ["email_unchanged"]}
    with session_scope() as db:
        assert own_account.change_email(db, lea, PASSWORD, "Lea@Cabinet.CA") == "Lea@cabinet.ca"
    with session_scope() as db:
        assert own_account.get_profile(db, lea).email == "Lea@cabinet.ca"
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "account.email_changed")).one()
        assert json.loads(event.details)["old"] == "lea.gagnon@example.ca"


def test_language_preference(two_reps):
    lea, _ = two_reps
    with session_scope() as db:
        own_account.set_language(db, lea, "en")
    assert sessions.lookup(signin.sign_in("lea.gagnon", PASSWORD).token).language == "en"
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.set_language(db, lea, "es")
    assert exc.value.codes == {"language": ["language_invalid"]}


def test_change_security_questions(two_reps):
    lea, _ = two_reps
    new = [("first_car", "Civic"), ("first_street", "rue des Érables"), ("grandmother_name", "Jeanne")]
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.change_security_questions(db, lea, PASSWORD, [("first_car", "Civic")])
    assert exc.value.codes["question_2"] == ["required"]
    with session_scope() as db:
        own_account.change_security_questions(db, lea, PASSWORD, new)
    result = signin.sign_in("lea.gagnon", PASSWORD)
    question = signin.begin_challenge(result.token)
    assert question.key in dict(new)
    assert signin.answer_challenge(result.token, dict(new)[question.key].upper()).account_id == lea


def test_name_change_request_with_owned_document(two_reps):
    lea, noah = two_reps
    own = new_document(lea, "k-lea")
    foreign = new_document(noah, "k-noah")
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.request_name_change(db, lea, family_name="Gagnon-Roy", given_names="Léa")
    assert exc.value.codes == {"proof": ["proof_required"]}
    with pytest.raises(accounts.ValidationFailed) as exc:
        with session_scope() as db:
            own_account.request_name_change(db, lea, family_name="Gagnon-Roy", document_id=foreign)
    assert exc.value.codes == {"proof": ["proof_invalid"]}, "another representative's document is refused"
    with session_scope() as db:
        request_id = own_account.request_name_change(db, lea, family_name="Gagnon-Roy", given_names="Léa",
                                                  document_id=own)
    with session_scope() as db:
        request = db.get(AccountRequest, request_id)
        assert (request.kind, request.status, request.document_id) == ("name_change", "open", own)
        assert json.loads(request.details)["request_type"] == "technical_difficulties"
    with pytest.raises(accounts.RequestConflict):
        with session_scope() as db:
            own_account.request_name_change(db, lea, family_name="Autre", document_id=own)


def test_name_change_request_with_bytes_stored_by_callable(two_reps):
    lea, _ = two_reps
    stored = []

    def store_proof(db, owner_id, proof):
        stored.append((owner_id, proof.filename, proof.data))
        doc = Document(owner_id=owner_id, storage_key="k-proof", original_name=proof.filename,
                       content_type=proof.content_type, size_bytes=len(proof.data))
        db.add(doc)
        db.flush()
        return doc.id

    proof = own_account.ProofFile("certificat.pdf", "application/pdf", b"%PDF-1.4 ...")
    with session_scope() as db:
        request_id = own_account.request_name_change(db, lea, family_name="Roy", proof=proof, store_proof=store_proof)
    assert stored == [(lea, "certificat.pdf", b"%PDF-1.4 ...")]
    with session_scope() as db:
        assert db.get(Document, db.get(AccountRequest, request_id).document_id).owner_id == lea
        assert own_account.get_profile(db, lea).open_requests[0]["kind"] == "name_change"


def test_closure_request(two_reps):
    lea, _ = two_reps
    with session_scope() as db:
        request_id = own_account.request_closure(db, lea, reason="Retraite")
    with pytest.raises(accounts.RequestConflict):
        with session_scope() as db:
            own_account.request_closure(db, lea)
    with session_scope() as db:
        assert own_account.my_requests(db, lea)[0] == {**own_account.my_requests(db, lea)[0], "id": request_id,
                                                     "kind": "close", "status": "open"}
    assert signin.sign_in("lea.gagnon", PASSWORD).token, "still open until an administrator approves"


def test_update_details_path_prefills_a_new_enrolment(two_reps):
    lea, _ = two_reps
    with session_scope() as db:
        prefill = enrolment.enrolment_prefill(db, lea)
    assert prefill["already_enrolled"] is True and prefill["previous_username"] == "lea.gagnon"
    assert prefill["membership_number"] == "R509876" and "password" not in prefill


# --------------------------------------------------------------------------- access


def test_a_representative_never_reads_or_changes_another_account(two_reps):
    lea, noah = two_reps
    def snapshot():
        with session_scope() as db:
            from rar_app.models import SecurityQuestion
            return (db.get(Account, noah).model_dump(),
                    [q.model_dump() for q in db.exec(select(SecurityQuestion).where(SecurityQuestion.account_id == noah))],
                    own_account.my_requests(db, noah), sessions.lookup(noah_token) is not None)

    noah_token = signin.sign_in("noah.martin", PASSWORD).token
    before = snapshot()
    with pytest.raises(accounts.NotFound):
        with session_scope() as db:
            own_account.get_profile(db, lea, noah)
    # Every write acts on the actor's own account only: there is no way to name another one.
    with session_scope() as db:
        own_account.set_language(db, lea, "en")
        own_account.change_email(db, lea, PASSWORD, "lea.new@example.ca")
        own_account.change_password(db, lea, PASSWORD, "Nouveau2027Xy", "Nouveau2027Xy")
        own_account.change_security_questions(db, lea, "Nouveau2027Xy", [("first_car", "Civic"), ("first_street", "Elm"),
                                                                      ("grandmother_name", "Jeanne")])
        own_account.request_closure(db, lea)
    assert snapshot() == before


def test_inactive_or_unknown_actor_is_forbidden(two_reps):
    lea, _ = two_reps
    with session_scope() as db:
        db.get(Account, lea).status = "closed"
    for call in (lambda db: own_account.get_profile(db, lea), lambda db: own_account.set_language(db, lea, "en"),
                 lambda db: own_account.request_closure(db, lea), lambda db: own_account.get_profile(db, 999_999),
                 lambda db: own_account.get_profile(db, None)):
        with pytest.raises(accounts.Forbidden):
            with session_scope() as db:
                call(db)


def test_production_hash_parameters_are_argon2id(monkeypatch):
    monkeypatch.undo()  # the real hasher, not the test-sized one
    stored = passwords.hash_secret("Kayak2026Zz")
    assert stored.startswith("$argon2id$") and "m=65536" in stored
    assert passwords.verify_secret(stored, "Kayak2026Zz") and not passwords.verify_secret(stored, "kayak2026zz")
    assert passwords.verify_secret(None, "anything") is False
    assert not passwords.needs_rehash(stored)
    assert passwords.needs_rehash(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("x"))
