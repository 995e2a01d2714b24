"""E-mail notices against a real SMTP server on loopback (aiosmtpd): delivery in the
recipient's language, authentication, retry while the server is down, permanent refusal."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy

import pytest

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from rar_app.db import session_scope
from rar_app.models import Message
from rar_app.services.messaging import mailer, messages
from tests.services.test_search_helpers import make_account, stop_mail_worker  # noqa: F401


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self, refuse: bool = False):
        self.envelopes = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port: int, handler: Recorder, **kwargs):
        self.controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        self.handler = handler

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture
def smtp_env(migrated_db, portal_env):
    port = free_port()
    portal_env(RAR_SMTP_HOST="127.0.0.1", RAR_SMTP_PORT=str(port), RAR_MAIL_FROM="portail@rar.example.invalid",
               RAR_PUBLIC_URL="https://rar.example.invalid")
    from rar_app import migrate
    from rar_app.settings import get_settings

    migrate.upgrade(get_settings().database_url)
    return port


def post(language: str = "fr", email: str = "rep@example.invalid") -> int:
    with session_scope() as db:
        rep = make_account(db, email=email, language=language)
        return messages.post(db, account_id=rep.id, category="visitor_visa", detail="updated",
                             subject_fr="Sujet", subject_en="Subject").id


def status(message_id: int) -> Message:
    with session_scope() as db:
        return db.get(Message, message_id)


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("language, subject, link", [
    ("fr", "Nouveau message dans votre compte du Portail des RAR", "https://rar.example.invalid/fr/messages-du-compte"),
    ("en", "New message in your APR Portal account", "https://rar.example.invalid/en/account-messages"),
])
def test_notice_is_delivered_after_commit_in_the_recipients_language(smtp_env, language, subject, link):
    with SMTPServer(smtp_env, Recorder()) as server:
        mid = post(language)
        assert wait_for(lambda: status(mid).email_status == "sent")
        (envelope,) = server.handler.envelopes
    assert envelope.mail_from == "portail@rar.example.invalid" and envelope.rcpt_tos == ["rep@example.invalid"]
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["Subject"] == subject and mail["Content-Language"] == language
    assert link in mail.get_body().get_content()
    assert status(mid).email_attempts == 1 and status(mid).email_error == ""


def test_retried_while_the_server_is_down_then_sent_once(smtp_env):
    mid = post()
    assert wait_for(lambda: status(mid).email_attempts >= 1)
    m = status(mid)
    assert m.email_status == "pending" and "refused" in m.email_error.lower()
    first_retry = m.email_next_attempt_at
    mailer.worker().stop()
    with SMTPServer(smtp_env, Recorder()) as server:
        # Not due yet: nothing leaves before the scheduled retry.
        assert mailer.deliver_due().sent == 0 and server.handler.envelopes == []
        report = mailer.deliver_due(now=first_retry)
        assert report.sent == 1 and len(server.handler.envelopes) == 1
        assert mailer.deliver_due(now=first_retry).sent == 0
    m = status(mid)
    assert m.email_status == "sent" and m.email_attempts == 2 and m.email_next_attempt_at is None


def test_the_background_thread_retries_by_itself(smtp_env, monkeypatch):
    monkeypatch.setattr(mailer, "RETRY_DELAYS", (0.3,) * 7)
    mid = post()
    assert wait_for(lambda: status(mid).email_attempts >= 1)
    with SMTPServer(smtp_env, Recorder()) as server:
        assert wait_for(lambda: status(mid).email_status == "sent", timeout=15)
        assert len(server.handler.envelopes) == 1


def test_authentication(smtp_env, portal_env):
    portal_env(RAR_SMTP_USER="rar", RAR_SMTP_PASSWORD="s3cret")
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"rar", b"s3cret")
        seen.append(ok)
        return AuthResult(success=ok)

    with SMTPServer(smtp_env, Recorder(), authenticator=authenticator, auth_required=True,
                    auth_require_tls=False) as server:
        mid = post()
        assert wait_for(lambda: status(mid).email_status == "sent")
        assert seen == [True] and len(server.handler.envelopes) == 1


def test_wrong_password_is_retried_not_lost(smtp_env, portal_env, monkeypatch):
    monkeypatch.setattr(mailer, "SMTP_TIMEOUT", 2.0)  # aiosmtpd stalls after a failed AUTH
    portal_env(RAR_SMTP_USER="rar", RAR_SMTP_PASSWORD="wrong")
    with SMTPServer(smtp_env, Recorder(), authenticator=lambda *a: AuthResult(success=False), auth_required=True,
                    auth_require_tls=False):
        mid = post()
        assert wait_for(lambda: status(mid).email_attempts >= 1)
    m = status(mid)
    # A refused login is the portal's settings, not the recipient: keep the notice and try again.
    assert m.email_status == "pending" and m.email_error


def test_recipient_refused_for_good_is_not_retried(smtp_env):
    with SMTPServer(smtp_env, Recorder(refuse=True)):
        mid = post()
        assert wait_for(lambda: status(mid).email_status == "failed")
    assert "550" in status(mid).email_error and status(mid).email_attempts == 1


# --------------------------------------------------------------------------- TLS (STARTTLS and implicit)


@pytest.fixture
def tls_files(tmp_path, monkeypatch):
    """A throwaway certificate for 127.0.0.1, trusted by this process only (SSL_CERT_FILE)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    return cert_path, key_path


def _server_context(cert_path, key_path):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


def test_starttls_with_authentication(smtp_env, portal_env, tls_files):
    portal_env(RAR_SMTP_TLS="starttls", RAR_SMTP_USER="rar", RAR_SMTP_PASSWORD="s3cret")
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((session.ssl is not None, auth_data.login))
        return AuthResult(success=auth_data.password == b"s3cret")

    with SMTPServer(smtp_env, Recorder(), tls_context=_server_context(*tls_files), require_starttls=True,
                    authenticator=authenticator, auth_required=True) as server:
        mid = post()
        assert wait_for(lambda: status(mid).email_status == "sent"), status(mid).email_error
        assert seen == [(True, b"rar")] and len(server.handler.envelopes) == 1


def test_implicit_tls(smtp_env, portal_env, tls_files):
    portal_env(RAR_SMTP_TLS="ssl")
    with SMTPServer(smtp_env, Recorder(), ssl_context=_server_context(*tls_files)) as server:
        mid = post()
        assert wait_for(lambda: status(mid).email_status == "sent"), status(mid).email_error
        assert len(server.handler.envelopes) == 1


def test_an_untrusted_certificate_is_refused_and_retried(smtp_env, portal_env, tls_files, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    portal_env(RAR_SMTP_TLS="starttls")
    with SMTPServer(smtp_env, Recorder(), tls_context=_server_context(*tls_files), require_starttls=True) as server:
        mid = post()
        assert wait_for(lambda: status(mid).email_attempts >= 1)
        assert server.handler.envelopes == []
    m = status(mid)
    assert m.email_status == "pending" and "certificate" in m.email_error.lower()


def test_account_events_reach_the_real_server_in_the_representatives_language(smtp_env, portal_env):
    """Enrolment approved, password changed, e-mail address changed (to the replaced
    address): one notice each, in English for an English-speaking representative;
    a bystander gets nothing."""
    from rar_app.services.identity import enrolment, own_account
    from tests.services.test_account_messages import ANSWERS, PASSWORD

    portal_env(RAR_AUTO_APPROVE_ENROLMENTS="true")
    with session_scope() as db:
        make_account(db, email="bystander@example.invalid")
    with SMTPServer(smtp_env, Recorder()) as server:
        with session_scope() as db:
            sam = enrolment.enrol(db, enrolment.EnrolmentForm(
                family_name="Lee", given_names="Sam", email="sam.lee@example.invalid", phone="613 555 0100",
                business_name="Lee inc.", business_address="Ottawa", language="en", regulatory_body="CICC",
                membership_number="R509876", questions=list(ANSWERS), username="sam.lee", password=PASSWORD,
                password_confirmation=PASSWORD)).account_id
        assert wait_for(lambda: len(server.handler.envelopes) == 1)
        with session_scope() as db:
            own_account.change_password(db, sam, PASSWORD, "Nouveau2027Xy", "Nouveau2027Xy")
        assert wait_for(lambda: len(server.handler.envelopes) == 2)
        with session_scope() as db:
            own_account.change_email(db, sam, "Nouveau2027Xy", "sam@new.example.invalid")
        assert wait_for(lambda: len(server.handler.envelopes) == 3)
        assert mailer.wait_until_idle(10)
        envelopes = list(server.handler.envelopes)
    assert [e.rcpt_tos for e in envelopes] == [["sam.lee@example.invalid"]] * 3
    for envelope in envelopes:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert mail["Subject"] == "New message in your APR Portal account" and mail["Content-Language"] == "en"
    with session_scope() as db:
        from sqlmodel import select

        inbox = list(db.exec(select(Message).where(Message.account_id == sam).order_by(Message.id)))
        assert [m.subject_en for m in inbox] == [
            "Your APR Portal enrolment is approved", "Security notice: your password was changed",
            "Security notice: your email address was changed"]
        assert all(m.email_status == "sent" for m in inbox)
        assert db.exec(select(Message).where(Message.account_id != sam)).first() is None
