"""Handing one finished message to the configured SMTP server (stdlib smtplib).

Errors come out as two kinds the outbox can act on:

- `TemporarySmtpError`: try again later. The server could not be reached (refused, timeout,
  dropped connection, TLS handshake cut), or it answered 4xx.
- `PermanentSmtpError`: trying again will not help. A 5xx answer (sender refused, every recipient
  refused, message refused), failed authentication, a server without STARTTLS when the config
  asks for it, a certificate that does not verify.

`SmtpConfigError` (a permanent error) is raised before connecting when the configuration itself
cannot work, e.g. a credentials variable that is named but not set. The outbox checks this first
and leaves every message queued, because nothing about the messages is wrong.

When the server accepts the message for some recipients and refuses others, `send` returns the
refusals in a `Delivery` instead of raising: the accepted copies are delivered, and retrying the
whole message would send them twice.
"""

from __future__ import annotations

import ipaddress
import os
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from alerts.mail import address_of
from config.schema import Smtp


class SmtpError(Exception):
    """Delivery failed; `code` is the SMTP reply code when the server gave one."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class TemporarySmtpError(SmtpError):
    """Worth retrying later. `unreachable`: no conversation with the server happened at all, so
    the other queued messages would fail the same way."""

    def __init__(self, message: str, code: int | None = None, *, unreachable: bool = False):
        super().__init__(message, code)
        self.unreachable = unreachable


class PermanentSmtpError(SmtpError):
    """Retrying the same message to the same server will not help."""


class SmtpConfigError(PermanentSmtpError):
    """The SMTP settings cannot work as written; fix the config or the environment."""


@dataclass(frozen=True)
class Delivery:
    """What the server accepted: all recipients except those in `refused` (address -> reply)."""

    accepted: list[str]
    refused: dict[str, str] = field(default_factory=dict)


def credentials(smtp_cfg: Smtp, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(username, password) from the environment variables the config names, or None.

    Raises `SmtpConfigError` naming the variable when one is named but not set, and when
    credentials would cross the network unencrypted.
    """
    env = os.environ if environ is None else environ
    if smtp_cfg.username_env is None and smtp_cfg.password_env is None:
        return None
    values: list[str] = []
    for key in ("username_env", "password_env"):
        name = getattr(smtp_cfg, key)
        if name is None:
            other = "password_env" if key == "username_env" else "username_env"
            raise SmtpConfigError(f"smtp.{other} is set but smtp.{key} is not; set both or neither")
        value = env.get(name)
        if value is None or value == "":
            raise SmtpConfigError(
                f"smtp.{key} names the environment variable {name}, but {name} is not set"
            )
        values.append(value)
    if smtp_cfg.tls == "none" and not _is_loopback(smtp_cfg.host):
        raise SmtpConfigError(
            f"refusing to send the SMTP password unencrypted to {smtp_cfg.host}: "
            "set smtp.tls to starttls or ssl"
        )
    return values[0], values[1]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def send(
    smtp_cfg: Smtp,
    message: bytes | str,
    recipients: Sequence[str],
    *,
    ssl_context: ssl.SSLContext | None = None,
    environ: Mapping[str, str] | None = None,
) -> Delivery:
    """Send `message` (complete RFC 5322 text) to `recipients` with the envelope sender taken
    from smtp.from. `ssl_context` defaults to the system trust store with hostname checking."""
    if not recipients:
        raise PermanentSmtpError("no recipients")
    login = credentials(smtp_cfg, environ)
    data = message.encode("utf-8") if isinstance(message, str) else message
    sender = address_of(smtp_cfg.from_)
    context = ssl_context or ssl.create_default_context()
    where = f"{smtp_cfg.host}:{smtp_cfg.port}"
    try:
        client = _connect(smtp_cfg, context)
    except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as e:
        raise _classify(e, where) from e
    except (OSError, smtplib.SMTPException) as e:
        raise _classify(e, where, unreachable=True) from e
    try:
        if smtp_cfg.tls == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if login is not None:
            client.login(*login)
        refused = client.sendmail(sender, list(recipients), data)
    except (OSError, smtplib.SMTPException) as e:
        client.close()
        raise _classify(e, where) from e
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        pass  # the server has accepted the message: a failed goodbye must not cause a resend
    finally:
        client.close()
    refusals = {addr: f"{code} {_text(reply)}" for addr, (code, reply) in refused.items()}
    return Delivery(accepted=[r for r in recipients if r not in refusals], refused=refusals)


def _connect(smtp_cfg: Smtp, context: ssl.SSLContext) -> smtplib.SMTP:
    if smtp_cfg.tls == "ssl":
        return smtplib.SMTP_SSL(
            smtp_cfg.host, smtp_cfg.port, timeout=smtp_cfg.timeout, context=context
        )
    return smtplib.SMTP(smtp_cfg.host, smtp_cfg.port, timeout=smtp_cfg.timeout)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _by_code(message: str, code: int | None) -> SmtpError:
    if code is not None and 500 <= code < 600:
        return PermanentSmtpError(message, code)
    return TemporarySmtpError(message, code)


def _classify(e: BaseException, where: str, *, unreachable: bool = False) -> SmtpError:
    """The smtplib / socket exception `e` as a temporary or permanent error naming the server."""
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        replies = {a: f"{c} {_text(r)}" for a, (c, r) in e.recipients.items()}
        detail = "; ".join(f"{a}: {r}" for a, r in replies.items())
        codes = [c for c, _ in e.recipients.values()]
        msg = f"{where} refused every recipient: {detail}"
        if codes and all(500 <= c < 600 for c in codes):
            return PermanentSmtpError(msg, codes[0])
        return TemporarySmtpError(msg, next((c for c in codes if c < 500), None))
    if isinstance(e, smtplib.SMTPAuthenticationError):
        msg = f"{where} refused the login: {e.smtp_code} {_text(e.smtp_error)}"
        if 400 <= e.smtp_code < 500:
            return TemporarySmtpError(msg, e.smtp_code)
        return PermanentSmtpError(msg, e.smtp_code)
    if isinstance(e, smtplib.SMTPSenderRefused):
        return _by_code(
            f"{where} refused the sender {e.sender}: {e.smtp_code} {_text(e.smtp_error)}",
            e.smtp_code,
        )
    if isinstance(e, smtplib.SMTPResponseException):  # data, connect, helo errors
        return _by_code(f"{where} answered {e.smtp_code} {_text(e.smtp_error)}", e.smtp_code)
    if isinstance(e, smtplib.SMTPNotSupportedError):
        return PermanentSmtpError(f"{where} does not support what the config asks: {e}")
    if isinstance(e, ssl.SSLCertVerificationError):
        return PermanentSmtpError(f"{where}: the server's TLS certificate did not verify: {e}")
    if isinstance(e, TimeoutError):
        return TemporarySmtpError(f"{where} timed out: {e}", unreachable=unreachable)
    if isinstance(e, ConnectionRefusedError):
        return TemporarySmtpError(f"{where} refused the connection", unreachable=True)
    if isinstance(e, socket.gaierror):
        return TemporarySmtpError(f"cannot resolve {where}: {e}", unreachable=True)
    name = type(e).__name__
    return TemporarySmtpError(f"{where}: {name}: {e}", unreachable=unreachable)
