"""E-mail over TLS, to a real SMTP server (aiosmtpd) with a certificate made for the test by a CA
made for the test (the openssl command): STARTTLS with a sign-in (`smtp+starttls://user:pass@…`),
TLS from the first byte (`smtps://`), the private CA trusted through PACT_MAIL_CA_FILE or OpenSSL's
SSL_CERT_FILE, and an untrusted certificate refused with a clear log line and the message kept
for a later try."""
from __future__ import annotations

import logging
import os
import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from pact.delivery.queue import drain, run_sweep
from pact.extensions import db
from pact.models import Beat, DeliveryState, MailDelivery, utcnow
from tests.realserver.harness import free_port
from tests.smtp_server import Inbox, text_of

# The tests make their CA with the openssl command (Debian's openssl package). Without it they skip
# on a developer's machine, and fail under CI, where a skip would hide that TLS went untested.
if shutil.which("openssl") is None and os.environ.get("CI"):
    pytest.fail("the TLS mail tests need the openssl command in CI (apt-get install openssl)", pytrace=False)
pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

USER, PASSWORD = "pact@force.example", "s3cret:pass"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA and a certificate for 127.0.0.1 signed by it, as PEM files."""
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=PACT test force CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1")
    (folder / "server.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                                       "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                       "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    return folder


class TlsInbox(Inbox):
    """Keeps, with each message, whether its session was encrypted and who signed in."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[tuple[bool, str | None]] = []

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login.decode() if session.authenticated else None
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.sessions.append((encrypted, login))
        return await super().handle_DATA(server, session, envelope)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, auth_data=auth_data)


def server_context(certificates) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    return context


@pytest.fixture
def tls_smtp(certificates):
    """Start an SMTP server on 127.0.0.1: `"starttls"` (STARTTLS required, sign-in required after
    it) or `"smtps"` (TLS from the first byte)."""
    started: list[Controller] = []

    def start(kind: str) -> tuple[str, TlsInbox]:
        inbox, port = TlsInbox(), free_port()
        if kind == "starttls":
            controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_context(certificates),
                                    require_starttls=True, authenticator=authenticator, auth_required=True)
            url = f"smtp+starttls://pact%40force.example:s3cret%3Apass@127.0.0.1:{port}"
        else:
            controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_context(certificates))
            url = f"smtps://127.0.0.1:{port}"
        controller.start()
        started.append(controller)
        return url, inbox

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "MAIL_QUEUE_PATH": str(tmp_path / "mail-queue.sqlite3"), "MAIL_RETRY_DELAY": 0.2,
            "BASE_URL": "https://pact.example.police.uk", "MAIL_FROM": "PACT Live <pact@example.police.uk>"}


def ask_for_mail(app, email: str) -> None:
    """A resident asks for the beat's e-mail: one confirmation message is due."""
    from pact.notifications import subscriptions

    with app.app_context():
        subscriptions.request_subscription(db.session.scalar(select(Beat)), email, [], now=utcnow())
        db.session.commit()


def deliver(app, wait: float = 0.0) -> None:
    run_sweep(app)
    drain(app, wait=wait)


@pytest.mark.parametrize("kind", ["starttls", "smtps"])
def test_mail_goes_over_tls_to_a_server_whose_ca_is_trusted_by_configuration(app, beat, tls_smtp, certificates,
                                                                              kind):
    url, inbox = tls_smtp(kind)
    app.config.update(MAIL_URL=url, MAIL_CA_FILE=str(certificates / "ca.pem"))
    ask_for_mail(app, "resident@example.org")
    deliver(app)
    [message] = inbox.wait_for(1)
    assert "resident@example.org" in message["X-Envelope-To"]
    assert "https://pact.example.police.uk/subscriptions/confirm/" in text_of(message)
    assert inbox.sessions == [(True, USER if kind == "starttls" else None)]


def test_the_ca_may_come_from_openssls_ssl_cert_file(app, beat, tls_smtp, certificates, monkeypatch):
    url, inbox = tls_smtp("smtps")
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    app.config.update(MAIL_URL=url, MAIL_CA_FILE=None)
    ask_for_mail(app, "resident@example.org")
    deliver(app)
    assert len(inbox.wait_for(1)) == 1


@pytest.mark.parametrize("kind", ["starttls", "smtps"])
def test_an_untrusted_certificate_is_refused_logged_clearly_and_the_message_kept_for_later(
        app, beat, tls_smtp, certificates, observer, caplog, kind):
    url, inbox = tls_smtp(kind)
    app.config.update(MAIL_URL=url, MAIL_CA_FILE=None)  # the system's store knows nothing of the test CA
    ask_for_mail(app, "resident@example.org")
    with caplog.at_level(logging.WARNING, logger="pact.delivery.dispatch"):
        deliver(app)
    assert inbox.messages == [] and inbox.sessions == []
    lines = [r.getMessage() for r in caplog.records if "deferred" in r.getMessage()]
    assert lines  # one per attempt so far (a slow machine may already have made the first retry)
    for line in lines:
        assert "not trusted" in line and "PACT_MAIL_CA_FILE" in line
        assert "resident@example.org" not in line and "r***@e***.org" in line  # masked, as every log line
    [delivery] = db.session.scalars(select(MailDelivery)).all()
    assert delivery.state is DeliveryState.PENDING and delivery.attempts == len(lines)
    assert "not trusted" in delivery.last_error

    app.config["MAIL_CA_FILE"] = str(certificates / "ca.pem")  # the operator trusts the force's CA
    drain(app, wait=10)  # the retry is a scheduled job (MAIL_RETRY_DELAY 0.2 s)
    [message] = inbox.wait_for(1)
    assert "resident@example.org" in message["X-Envelope-To"]
    db.session.expire_all()
    assert db.session.scalar(select(MailDelivery.state)) is DeliveryState.SENT
