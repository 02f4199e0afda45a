"""A local SMTP server that keeps what it receives: for tests and `schoolwatch demo`.

It binds 127.0.0.1 only (never a public interface), on a free port by default, records every
message (envelope and raw bytes, exactly as received) in memory and, if given a folder, writes
each one there as an .eml file to open in a mail client.

    with SmtpSink() as sink:
        cfg.smtp.port = sink.port
        ...
        sink.messages[0].message["Subject"]
"""

from __future__ import annotations

import hashlib
import os
import ssl
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # the DATA section as received (CRLF line ends, dot-unstuffed)

    @property
    def message(self) -> EmailMessage:
        """The data parsed as a modern EmailMessage."""
        return cast(EmailMessage, message_from_bytes(self.data, policy=policy.default))


class RecordingHandler:
    """aiosmtpd handler that accepts everything and records it. Subclass and override
    `handle_RCPT` / `handle_DATA` to make a server that refuses."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.messages: list[ReceivedMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "surrogateescape")
        received = ReceivedMessage(
            mail_from=str(envelope.mail_from or ""),
            rcpt_tos=[str(r) for r in envelope.rcpt_tos],
            data=data,
        )
        with self._lock:
            self.messages.append(received)
            number = len(self.messages)
        if self.folder is not None:
            self._write(number, data)
        return "250 Message accepted for delivery"

    def _write(self, number: int, data: bytes) -> None:
        # The name comes from a counter and a hash, never from the message: its headers are
        # whatever the sender wrote.
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{number:04d}-{hashlib.sha256(data).hexdigest()[:12]}.eml"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, self.folder / name)


class _FreePortController(Controller):
    """aiosmtpd's Controller, able to bind port 0: it must learn the real port before it
    connects to itself to check that the server is up."""

    def _trigger_server(self) -> None:
        server = cast(Any, self.server)  # an asyncio.Server, typed as AbstractServer
        if self.port == 0 and server is not None:
            self.port = server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    """An SMTP server on 127.0.0.1 recording what it receives; a context manager.

    `port=0` picks a free port (read it from `.port` once started). `ssl_context` makes it an
    implicit-TLS server; `tls_context` offers STARTTLS (`require_starttls` to insist on it);
    `authenticator` enables AUTH (see aiosmtpd's documentation). `handler` replaces the
    recording handler, e.g. with a subclass that refuses some recipients.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        folder: Path | str | None = None,
        handler: RecordingHandler | None = None,
        ssl_context: ssl.SSLContext | None = None,
        tls_context: ssl.SSLContext | None = None,
        require_starttls: bool = False,
        authenticator: Any = None,
        auth_require_tls: bool = True,
    ) -> None:
        self.host = "127.0.0.1"
        self.handler = handler or RecordingHandler(Path(folder) if folder is not None else None)
        smtp_options: dict[str, Any] = {}
        if tls_context is not None:
            smtp_options.update(tls_context=tls_context, require_starttls=require_starttls)
        if authenticator is not None:
            smtp_options.update(authenticator=authenticator, auth_require_tls=auth_require_tls)
        self._controller = _FreePortController(
            self.handler,
            hostname=self.host,
            port=port,
            ssl_context=ssl_context,
            server_hostname="schoolwatch-sink",  # do not look up this machine's name
            **smtp_options,
        )
        self._running = False

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def messages(self) -> list[ReceivedMessage]:
        """A snapshot of the messages received so far, in order."""
        with self.handler._lock:
            return list(self.handler.messages)

    def start(self) -> SmtpSink:
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._controller.stop()
            self._running = False

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
