"""Where messages go: an SMTP server from PACT_MAIL_URL, or .eml files in instance/outbox/.

- `smtp://host:25` — plain (a relay on the same network, or a test server)
- `smtp+starttls://user:pass@host:587` — submission with STARTTLS (the usual for a force's server)
- `smtps://user:pass@host:465` — TLS from the first byte

Over TLS the server's certificate is verified against the system's trust store (or OpenSSL's
`SSL_CERT_FILE`), plus `PACT_MAIL_CA_FILE` for a force's private CA. An untrusted certificate is a
temporary failure: logged with what to set, and the batch is tried again later, never dropped.
"""
from __future__ import annotations

import os
import smtplib
import ssl
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class TemporaryFailure(Exception):
    """Worth trying again later: connection refused, timeout, a 4xx answer."""


class PermanentFailure(Exception):
    """The server refused this message or recipient for good (a 5xx answer)."""


class Transport(Protocol):
    """Where a batch's messages go: `send` each one, then `close`."""

    def send(self, message: bytes, *, sender: str, to: str, key: str) -> None:
        """Hand one message over; raises TemporaryFailure (try again later) or PermanentFailure (never)."""

    def close(self) -> None:
        """End the batch (the SMTP connection, if one is open)."""


def parse_mail_url(url: str) -> dict:
    """PACT_MAIL_URL's parts (scheme, host, port, user, password); ValueError for any other shape."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError("PACT_MAIL_URL must look like smtp://host:port, smtp+starttls://user:pass@host:587 "
                         "or smtps://user:pass@host:465")
    return {"scheme": parts.scheme, "host": parts.hostname, "port": parts.port or SCHEMES[parts.scheme],
            "user": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None}


_contexts: dict[tuple, ssl.SSLContext] = {}


def trusted_context(ca_file: str | None = None) -> ssl.SSLContext:
    """The context every TLS connection to the mail server uses: certificates verified, host name
    checked. The system's trust store (or OpenSSL's SSL_CERT_FILE / SSL_CERT_DIR), plus
    PACT_MAIL_CA_FILE: a force's private CA, in PEM. Built once per process (loading the store
    costs tens of milliseconds)."""
    key = (ca_file, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _contexts.get(key)
    if context is None:
        context = ssl.create_default_context()
        if ca_file:
            try:
                context.load_verify_locations(cafile=ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise ValueError(f"PACT_MAIL_CA_FILE: cannot read {ca_file!r} as PEM certificates ({exc})") from None
        _contexts[key] = context
    return context


def _tls_refused(exc: ssl.SSLError, host: str) -> TemporaryFailure:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TemporaryFailure(f"the certificate of the SMTP server {host} is not trusted "
                                f"({exc.verify_message}); if it is signed by the force's own CA, set "
                                "PACT_MAIL_CA_FILE to that CA's certificate (PEM)")
    return TemporaryFailure(f"TLS with the SMTP server {host} failed ({exc.reason or exc.__class__.__name__})")


class SmtpTransport:
    """One SMTP connection for a batch; opened on the first message."""

    def __init__(self, url: str, *, timeout: float, tls_context: ssl.SSLContext | None = None) -> None:
        self.settings = parse_mail_url(url)
        self.timeout = timeout
        self.tls_context = tls_context if tls_context is not None else trusted_context()
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s["scheme"] == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s["host"], s["port"], timeout=self.timeout,
                                                      context=self.tls_context)
            else:
                smtp = smtplib.SMTP(s["host"], s["port"], timeout=self.timeout)
                if s["scheme"] == "smtp+starttls":
                    smtp.starttls(context=self.tls_context)
            if s["user"]:
                smtp.login(s["user"], s["password"] or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise TemporaryFailure(f"SMTP sign-in refused ({exc.smtp_code})") from exc
        except smtplib.SMTPResponseException as exc:
            raise TemporaryFailure(f"SMTP server answered {exc.smtp_code} on connect") from exc
        except ssl.SSLError as exc:
            raise _tls_refused(exc, s["host"]) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"cannot reach the SMTP server: {exc.__class__.__name__}") from exc
        return smtp

    def send(self, message: bytes, *, sender: str, to: str, key: str) -> None:
        """Send one message (bytes with CRLF line ends, as `Prefab.personalise` makes them) on the
        batch's connection (opened on first use).

        A recipient or message refused with a 5xx is a PermanentFailure; a 4xx, a refused sender or a
        broken connection a TemporaryFailure (the connection is reset or closed)."""
        if self._smtp is None:
            self._smtp = self._connect()
        options: tuple[str, ...] = ()
        if not to.isascii():  # an address in Unicode (RFC 6531) needs a server that takes it
            if not self._smtp.has_extn("smtputf8"):
                raise PermanentFailure("the mail server does not take addresses in Unicode (SMTPUTF8)")
            options = ("SMTPUTF8", "BODY=8BITMIME")
        try:
            self._smtp.sendmail(sender, [to], message, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            self._smtp_reset()
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused ({codes[0]})") from exc
            raise TemporaryFailure(f"recipient deferred ({codes[0]})") from exc
        except smtplib.SMTPResponseException as exc:
            self._smtp_reset()
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPSenderRefused):
                raise PermanentFailure(f"message refused ({exc.smtp_code})") from exc
            raise TemporaryFailure(f"message deferred ({exc.smtp_code})") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TemporaryFailure(f"SMTP connection failed: {exc.__class__.__name__}") from exc

    def _smtp_reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        """QUIT the connection, if open (errors ignored: the batch is done)."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None


class OutboxTransport:
    """Development without a mail server: each message is written to `<outbox>/<time>-<key>.eml`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: bytes, *, sender: str, to: str, key: str) -> None:
        """Write the message as `<outbox>/<time>-<key>.eml`, whole (via a temporary file)."""
        key = "".join(c if c.isalnum() or c in "-_" else "-" for c in key or "message")[:80]
        path = self.folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{key}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(message)
        tmp.replace(path)  # whole files only: a reader never sees half a message

    def close(self) -> None:
        """Nothing to close: each message is its own file."""


def outbox_folder(config: dict, instance_path: str) -> Path:
    """Where `.eml` files go without PACT_MAIL_URL: MAIL_OUTBOX, else `instance/outbox/`."""
    return Path(config.get("MAIL_OUTBOX") or Path(instance_path) / "outbox")


def open_transport(config: dict, instance_path: str) -> Transport:
    """The transport the configuration names: SMTP when PACT_MAIL_URL is set, else the outbox folder."""
    url = config.get("MAIL_URL")
    if url:
        return SmtpTransport(url, timeout=float(config.get("MAIL_TIMEOUT", 30.0)),
                             tls_context=trusted_context(config.get("MAIL_CA_FILE") or None))
    return OutboxTransport(outbox_folder(config, instance_path))
