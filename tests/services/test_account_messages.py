"""Account events reach "Messages pour le compte": enrolment and account-request
decisions, security notices (password, e-mail address, security questions) and
submitted applications. Each event posts exactly one message to the right inbox, in
both languages, and one e-mail notice in the representative's language (here to the
outbox; the real SMTP server is in tests/integration/test_smtp.py). Nobody else
gets anything."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, Document, Message
from rar_app.services.identity import accounts, demo_accounts, enrolment, own_account, passwords, recovery
from rar_app.services.messaging import mailer, messages
from rar_app.services.casework import requests, submission
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401
from tests.services.test_submission_drafts import ANSWER, make_draft, make_rep, new_session

from tests.services.account_helpers import ANSWERS, PASSWORD, cheap_argon2, recovery_link  # noqa: F401  (autouse)
SUBJECT = {"fr": "Nouveau message dans votre compte du Portail des RAR", "en": "New message in your APR Portal account"}


@pytest.fixture
def world(migrated_db, portal_env):
    """Manual approval; the demo admin, staff and representative; a bystander representative."""
    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="false")
    with session_scope() as db:
        ids = demo_accounts.ensure_demo_accounts(db)
        ids["bystander"] = make_account(db, email="bystander@example.invalid").id
    return ids


def enrol(username: str, *, language: str = "fr", number: str = "R509876", **extra) -> enrolment.EnrolmentResult:
    with session_scope() as db:
        return enrolment.enrol(db, enrolment.EnrolmentForm(
            family_name="Gagnon", given_names="Léa", email=f"{username}@example.ca", phone="613 555 0100",
            business_name="Gagnon inc.", business_address="Ottawa", language=language, regulatory_body="CICC",
            membership_number=number, questions=list(ANSWERS), username=username, password=PASSWORD,
            password_confirmation=PASSWORD, **extra))


def inbox(account_id: int) -> list[Message]:
    with session_scope() as db:
        return list(db.exec(select(Message).where(Message.account_id == account_id).order_by(Message.id)))


def all_messages() -> list[Message]:
    with session_scope() as db:
        return list(db.exec(select(Message).order_by(Message.id)))


def outbox() -> list[dict]:
    assert mailer.wait_until_idle(10)
    return mailer.read_outbox()


def expect_one(account_id: int, template: str, values: dict | None = None, *, detail: str = "updated",
               category: str = "account") -> Message:
    """Exactly one message in the inbox, from `template`, in both languages."""
    (m,) = inbox(account_id)
    rendered = messages.render(template, values)
    assert (m.subject_fr, m.subject_en, m.body_fr, m.body_en) == (
        rendered["subject_fr"], rendered["subject_en"], rendered["body_fr"], rendered["body_en"])
    assert (m.category, m.detail, m.read_at) == (category, detail, None)
    return m


def expect_one_notice(to: str, lang: str) -> dict:
    (mail,) = outbox()
    assert mail["to"] == to and mail["language"] == lang and mail["subject"] == SUBJECT[lang]
    return mail


def bystander_got_nothing(world) -> None:
    assert inbox(world["bystander"]) == []
    assert all("bystander" not in mail["to"] for mail in mailer.read_outbox())


def forget_messages() -> None:
    """Start a test's event from an empty inbox and outbox."""
    outbox()
    with session_scope() as db:
        for m in db.exec(select(Message)):
            db.delete(m)
    for mail in mailer.read_outbox():
        (mailer.outbox_dir() / mail["name"]).unlink()


def request_name_change(db, who: int) -> int:
    proof = Document(owner_id=who, storage_key=f"proof-{who}")
    db.add(proof)
    db.flush()
    return own_account.request_name_change(db, who, family_name="Tremblay", given_names="Camille", document_id=proof.id)


def account(account_id: int) -> Account:
    with session_scope() as db:
        return db.get(Account, account_id)


# --------------------------------------------------------------------------- enrolment


def test_approved_enrolment_tells_the_representative_in_their_language(world):
    result = enrol("sam.lee", language="en")
    assert inbox(result.account_id) == [] and outbox() == []  # nothing while pending
    with session_scope() as db:
        requests.approve(db, world["demo.admin"], result.enrolment_request_id)
    expect_one(result.account_id, "enrolment_approved")
    mail = expect_one_notice("sam.lee@example.ca", "en")
    assert "Category: Account" in mail["body"] and "/en/account-messages" in mail["body"]
    bystander_got_nothing(world)


def test_auto_approved_enrolment_gets_the_same_message(world, portal_env):
    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="true")
    result = enrol("lea.gagnon")
    assert result.status == "active"
    expect_one(result.account_id, "enrolment_approved")
    mail = expect_one_notice("lea.gagnon@example.ca", "fr")
    assert "Catégorie\u00a0: Compte" in mail["body"] and "Demande/profil mis à jour" in mail["body"]
    bystander_got_nothing(world)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_refused_enrolment_is_told_by_e_mail_without_an_invitation_to_sign_in(world, lang):
    result = enrol("lea.gagnon", language=lang)
    with session_scope() as db:
        requests.refuse(db, world["demo.admin"], result.enrolment_request_id, reason="Numéro de membre inconnu")
    m = expect_one(result.account_id, "enrolment_refused", {"reason": "Numéro de membre inconnu"},
                   detail="information")
    (mail,) = outbox()
    assert inbox(result.account_id)[-1].email_status == "sent" and m.id == inbox(result.account_id)[-1].id
    assert mail["to"] == "lea.gagnon@example.ca" and mail["language"] == lang
    assert mail["subject"] == {"fr": "Votre inscription au Portail des RAR a été refusée",
                               "en": "Your APR Portal enrolment was refused"}[lang]
    assert messages.ENROL_PATH[lang] in mail["body"] and messages.INBOX_PATH[lang] not in mail["body"]
    assert "Numéro de membre inconnu" not in mail["body"], "a notice carries no message content"
    bystander_got_nothing(world)


def test_a_refused_account_gets_no_other_notice(world):
    result = enrol("lea.gagnon")
    with session_scope() as db:
        requests.refuse(db, world["demo.admin"], result.enrolment_request_id, reason="Inconnu")
    forget_messages()
    with session_scope() as db:
        messages.post(db, account_id=result.account_id, category="study_permit", detail="follow_up",
                      subject_fr="S", subject_en="S", body_fr="B", body_en="B")
    (m,) = inbox(result.account_id)
    assert m.email_status == "none" and outbox() == []


def test_notice_paths_are_the_portal_pages():
    import rar_app.pages  # noqa: F401  (registers the routes)
    from rar_app import routes

    for lang in ("fr", "en"):
        assert messages.ENROL_PATH[lang] == routes.url("enrol", lang)
        assert messages.INBOX_PATH[lang] == routes.url("account_messages", lang)


# --------------------------------------------------------------------------- account requests


def test_approved_merge_tells_the_surviving_account_only(world):
    old = world["demo.rep"]
    result = enrol("lea.gagnon", already_enrolled=True, previous_username="demo.rep",
                   previous_password=demo_accounts.DEMO_PASSWORD)
    with session_scope() as db:
        requests.approve(db, world["demo.admin"], result.enrolment_request_id)
    before = {m.id for m in all_messages()}
    with session_scope() as db:
        requests.approve(db, world["demo.admin"], result.merge_request_id)
    (merged,) = [m for m in all_messages() if m.id not in before]
    assert merged.account_id == result.account_id
    assert merged.subject_fr == messages.render("merge_approved", {})["subject_fr"]
    assert "demo.rep" in merged.body_fr and "demo.rep" in merged.body_en
    assert inbox(old) == [] and account(old).status == "closed"
    mails = outbox()
    assert [m["to"] for m in mails] == ["lea.gagnon@example.ca"] * 2  # enrolment, then merge
    bystander_got_nothing(world)


@pytest.mark.parametrize("kind", ["merge", "name_change", "close"])
def test_refused_requests_say_why(world, kind):
    if kind == "merge":
        result = enrol("lea.gagnon", already_enrolled=True, previous_username="nobody.here")
        with session_scope() as db:
            requests.approve(db, world["demo.admin"], result.enrolment_request_id)
        who, request_id, address = result.account_id, result.merge_request_id, "lea.gagnon@example.ca"
        forget_messages()  # the enrolment's own message
    else:
        who, address = world["demo.rep"], account(world["demo.rep"]).email
        with session_scope() as db:
            if kind == "name_change":
                request_id = request_name_change(db, who)
            else:
                request_id = own_account.request_closure(db, who)
    with session_scope() as db:
        requests.refuse(db, world["demo.admin"], request_id, reason="Pièce justificative illisible")
    expect_one(who, f"{kind}_refused", {"reason": "Pièce justificative illisible"}, detail="information")
    expect_one_notice(address, account(who).language)
    bystander_got_nothing(world)


def test_approved_name_change_gives_the_new_name(world):
    rep = world["demo.rep"]
    with session_scope() as db:
        request_id = request_name_change(db, rep)
    with session_scope() as db:
        requests.approve(db, world["demo.admin"], request_id)
    m = expect_one(rep, "name_change_approved", {"name": "Camille Tremblay"})
    assert "Camille Tremblay" in m.body_en
    expect_one_notice(account(rep).email, account(rep).language)
    bystander_got_nothing(world)


# --------------------------------------------------------------------------- security notices


@pytest.fixture
def lea(world, portal_env):
    """An active English-speaking representative with nothing in the inbox yet."""
    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="true")
    result = enrol("lea.gagnon", language="en")
    forget_messages()  # the enrolment's own message
    return result.account_id


def test_password_change_sends_a_security_notice(world, lea):
    with session_scope() as db:
        own_account.change_password(db, lea, PASSWORD, "Nouveau2027Xy", "Nouveau2027Xy", ip="10.0.0.1")
    m = expect_one(lea, "password_changed")
    assert m.subject_en.startswith("Security notice") and m.subject_fr.startswith("Avis de sécurité")
    expect_one_notice("lea.gagnon@example.ca", "en")
    bystander_got_nothing(world)


def test_a_refused_password_change_sends_nothing(world, lea):
    with pytest.raises(accounts.ValidationFailed):
        with session_scope() as db:
            own_account.change_password(db, lea, "wrong password", "Nouveau2027Xy", "Nouveau2027Xy")
    assert inbox(lea) == [] and outbox() == []


def test_password_reset_by_recovery_sends_a_security_notice(world, lea):
    with session_scope() as db:
        token = recovery.verify_recovery_answers(db, recovery_link("lea.gagnon"), [a for _, a in ANSWERS])
    with session_scope() as db:
        recovery.reset_password(db, token, "Nouveau2027Xy", "Nouveau2027Xy")
    expect_one(lea, "password_reset")
    expect_one_notice("lea.gagnon@example.ca", "en")
    bystander_got_nothing(world)


def test_email_change_notice_goes_to_the_replaced_address(world, lea):
    with session_scope() as db:
        own_account.change_email(db, lea, PASSWORD, "lea@nouveau.example")
    m = expect_one(lea, "email_changed", {"email": "lea@nouveau.example"})
    assert m.email_to == "lea.gagnon@example.ca"
    expect_one_notice("lea.gagnon@example.ca", "en")
    bystander_got_nothing(world)
    with session_scope() as db:  # later notices go to the new address again
        own_account.change_password(db, lea, PASSWORD, "Nouveau2027Xy", "Nouveau2027Xy")
    assert sorted(mail["to"] for mail in outbox()) == ["lea.gagnon@example.ca", "lea@nouveau.example"]


def test_security_questions_change_sends_a_security_notice(world, lea):
    new = [("first_car", "Civic"), ("birth_city", "Gatineau"), ("primary_school", "Saint-Jean")]
    with session_scope() as db:
        own_account.change_security_questions(db, lea, PASSWORD, new)
    expect_one(lea, "security_questions_changed")
    expect_one_notice("lea.gagnon@example.ca", "en")
    bystander_got_nothing(world)


def test_a_language_change_is_not_a_security_event(world, lea):
    with session_scope() as db:
        own_account.set_language(db, lea, "fr")
    assert inbox(lea) == [] and outbox() == []


# --------------------------------------------------------------------------- submitted applications


def test_a_submitted_application_is_announced_once_in_the_inbox(world):
    rep = make_rep()
    with session_scope() as db:
        a = db.get(Account, rep)
        a.email, a.language = "rep.finish@example.invalid", "en"
        db.add(a)
    people = [{"given": f"Enfant{i}", "family": "Nguyen", "type": "visitor_visa", "fee": "exempt",
               "biometrics": "exempt"} for i in range(2)]
    draft = make_draft(rep, people)
    submission.sign(rep, new_session(rep), draft.application_id, agree="yes", given_names="Hélène",
                    family_name="Côté-Lévesque", answer=ANSWER)
    assert inbox(rep) == []  # signing is not submitting
    result = submission.submit_free(rep, draft.application_id)
    numbers = [x.application_number for x in result.view.applicants]
    submission.submit_free(rep, draft.application_id)  # a replay posts nothing more
    (m,) = inbox(rep)
    assert (m.category, m.detail, m.application_id) == ("visitor_visa", "updated", draft.application_id)
    assert numbers[0] in m.subject_fr and numbers[0] in m.subject_en
    assert all(n in m.body_fr and n in m.body_en for n in numbers)
    assert "Enfant0 Nguyen" in m.body_en and "Visitor visa" in m.body_en
    with session_scope() as db:
        (row,) = messages.inbox(db, rep, lang="en").rows
    assert row["application_number"] == numbers[0] and row["detail_label"] == "Application/profile updated"
    expect_one_notice("rep.finish@example.invalid", "en")
    bystander_got_nothing(world)
