"""Building messages and handing them to a real SMTP server on loopback (alerts.mail, alerts.smtp,
alerts.sink)."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from smtp_fixtures import FROM, body, closed_port, smtp_config

from alerts.mail import (
    build_message,
    clean_header,
    domain_of,
    make_message_id,
    message_bytes,
)
from alerts.sink import RecordingHandler, SmtpSink
from alerts.smtp import (
    PermanentSmtpError,
    SmtpConfigError,
    TemporarySmtpError,
    credentials,
    send,
)

NOW = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
TO = ["head@millbrook.example.sch.uk", "deputy@millbrook.example.sch.uk"]


def _message(subject: str = "Digest", key: str = "digest-1") -> bytes:
    msg = build_message(
        from_addr=FROM,
        to=TO,
        subject=subject,
        text="Plain body with ünïcode\n",
        html="<p>HTML body</p>\n",
        key=key,
        date=NOW,
    )
    return message_bytes(msg)


# --------------------------------------------------------------------------- headers, ids


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Complaint\r\nBcc: attacker@evil.example", "Complaint Bcc: attacker@evil.example"),
        ("a\nb\rc\x00d\x1be", "a b c d e"),
        ("line\u2028separator\u0085next", "line separator next"),
        ("evil\u202etxt.exe", "eviltxt.exe"),  # a bidi override cannot reverse the subject
        ("  many   \t spaces  ", "many spaces"),
    ],
)
def test_clean_header_removes_line_breaks_and_controls(raw: str, expected: str) -> None:
    assert clean_header(raw) == expected


def test_clean_header_cuts_long_values() -> None:
    cleaned = clean_header("x" * 500)
    assert len(cleaned) == 200 and cleaned.endswith("…")


def test_message_id_is_stable_per_key_and_uses_the_from_domain() -> None:
    a = make_message_id("digest-7-20261120T073000", FROM)
    assert a == make_message_id("digest-7-20261120T073000", FROM)
    assert a != make_message_id("digest-8-20261120T073000", FROM)
    assert a.startswith("<digest-7-20261120T073000.") and a.endswith("@millbrook.example.sch.uk>")
    # Keys that differ only in characters the readable part drops still give different ids.
    assert make_message_id("digest 1", FROM) != make_message_id("digest/1", FROM)


@pytest.mark.parametrize(
    "from_header, domain",
    [
        ("sw@School.Example", "school.example"),
        ("Schoolwatch <sw@millbrook.example.sch.uk>", "millbrook.example.sch.uk"),
        ("no-at-sign", "localhost"),
        ("sw@under_score.example", "localhost"),
    ],
)
def test_domain_of(from_header: str, domain: str) -> None:
    assert domain_of(from_header) == domain


def test_build_message_is_multipart_alternative_with_text_and_html() -> None:
    parsed = message_from_bytes(_message(), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in parsed.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert parsed["To"] == ", ".join(TO)
    assert parsed["Date"] == "Fri, 20 Nov 2026 07:30:00 +0000"
    text = body(parsed, "plain")
    assert text.replace("\r\n", "\n") == "Plain body with ünïcode\n"
    # 7-bit on the wire: any relay can carry it.
    _message().decode("ascii")


def test_build_message_refuses_a_naive_date() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_message(
            from_addr=FROM,
            to=TO,
            subject="s",
            text="t",
            html=None,
            key="k",
            date=datetime(2026, 11, 20, 7, 30),
        )


def test_a_title_with_crlf_cannot_inject_a_header_as_received(sink: SmtpSink) -> None:
    evil = "Great school!\r\nBcc: attacker@evil.example\r\nX-Injected: yes\r\n\r\nfake body"
    send(smtp_config(sink.port), _message(subject=f"New post: {evil}"), TO)
    [received] = sink.messages
    assert received.rcpt_tos == TO
    header_block = received.data.split(b"\r\n\r\n", 1)[0]
    header_lines = header_block.split(b"\r\n")
    names = [line.split(b":", 1)[0].lower() for line in header_lines if not line[:1].isspace()]
    assert b"bcc" not in names and b"x-injected" not in names
    assert received.message["Subject"].strip() == (
        "New post: Great school! Bcc: attacker@evil.example X-Injected: yes fake body"
    )


# --------------------------------------------------------------------------- delivery


def test_send_plain_delivers_the_exact_bytes_with_envelope(sink: SmtpSink) -> None:
    data = _message()
    delivery = send(smtp_config(sink.port), data, TO)
    assert delivery.accepted == TO and delivery.refused == {}
    [received] = sink.messages
    assert received.mail_from == "schoolwatch@millbrook.example.sch.uk"
    assert received.rcpt_tos == TO
    assert received.data.rstrip(b"\r\n") == data.rstrip(b"\r\n")


def test_send_accepts_str_messages(sink: SmtpSink) -> None:
    send(smtp_config(sink.port), _message().decode("ascii"), TO[:1])
    assert sink.messages[0].message["Message-ID"].startswith("<digest-1.")


def test_starttls_with_auth_from_environment(
    tls_cert,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    seen: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        assert isinstance(auth_data, LoginPassword)
        seen.append((auth_data.login, auth_data.password))
        ok = auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    monkeypatch.setenv("SW_TEST_USER", "digest-bot")
    monkeypatch.setenv("SW_TEST_PASS", "s3cret")
    server = SmtpSink(
        tls_context=tls_cert.server_context(), require_starttls=True, authenticator=authenticator
    )
    with server:
        cfg = smtp_config(
            server.port, tls="starttls", username_env="SW_TEST_USER", password_env="SW_TEST_PASS"
        )
        send(cfg, _message(), TO, ssl_context=tls_cert.client_context())
        assert seen == [(b"digest-bot", b"s3cret")]
        assert len(server.messages) == 1

        monkeypatch.setenv("SW_TEST_PASS", "wrong")
        with pytest.raises(PermanentSmtpError, match="refused the login: 535"):
            send(cfg, _message(), TO, ssl_context=tls_cert.client_context())
        assert len(server.messages) == 1


def test_implicit_tls(tls_cert) -> None:
    with SmtpSink(ssl_context=tls_cert.server_context()) as server:
        send(
            smtp_config(server.port, tls="ssl"),
            _message(),
            TO,
            ssl_context=tls_cert.client_context(),
        )
        assert len(server.messages) == 1


def test_an_untrusted_certificate_is_a_permanent_error(tls_cert) -> None:
    with SmtpSink(ssl_context=tls_cert.server_context()) as server:
        # The default context trusts the system store, which has never heard of this cert.
        with pytest.raises(PermanentSmtpError, match="did not verify"):
            send(smtp_config(server.port, tls="ssl"), _message(), TO)
        assert server.messages == []


def test_starttls_required_but_not_offered_is_permanent(sink: SmtpSink) -> None:
    with pytest.raises(PermanentSmtpError):
        send(smtp_config(sink.port, tls="starttls"), _message(), TO)
    assert sink.messages == []


def test_connection_refused_is_temporary_and_unreachable() -> None:
    with pytest.raises(TemporarySmtpError) as caught:
        send(smtp_config(closed_port()), _message(), TO)
    assert caught.value.unreachable
    assert "refused the connection" in str(caught.value)


class _Refusing(RecordingHandler):
    """Refuses RCPT for addresses starting with 'gone' (550) or 'busy' (450); DATA per `data`."""

    def __init__(self, data_reply: str | None = None) -> None:
        super().__init__()
        self.data_reply = data_reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.startswith("gone"):
            return "550 5.1.1 No such user"
        if address.startswith("busy"):
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.data_reply:
            return self.data_reply
        return await super().handle_DATA(server, session, envelope)


def test_partial_refusal_is_returned_not_raised() -> None:
    with SmtpSink(handler=_Refusing()) as server:
        delivery = send(smtp_config(server.port), _message(), [TO[0], "gone@example.org"])
        assert delivery.accepted == [TO[0]]
        assert delivery.refused == {"gone@example.org": "550 5.1.1 No such user"}
        assert server.messages[0].rcpt_tos == [TO[0]]


def test_every_recipient_refused_5xx_is_permanent() -> None:
    with SmtpSink(handler=_Refusing()) as server:
        with pytest.raises(PermanentSmtpError, match="refused every recipient") as caught:
            send(smtp_config(server.port), _message(), ["gone@a.org", "gone@b.org"])
        assert caught.value.code == 550


def test_every_recipient_refused_with_a_4xx_among_them_is_temporary() -> None:
    with SmtpSink(handler=_Refusing()) as server:
        with pytest.raises(TemporarySmtpError) as caught:
            send(smtp_config(server.port), _message(), ["gone@a.org", "busy@b.org"])
        assert caught.value.code == 450 and not caught.value.unreachable


@pytest.mark.parametrize(
    "reply, kind",
    [
        ("451 4.3.0 Local error, try again", TemporarySmtpError),
        ("554 5.7.1 Message rejected as spam", PermanentSmtpError),
    ],
)
def test_data_reply_code_decides_the_kind(reply: str, kind: type[Exception]) -> None:
    with SmtpSink(handler=_Refusing(data_reply=reply)) as server:
        with pytest.raises(kind, match=reply.split()[0]):
            send(smtp_config(server.port), _message(), TO)


# --------------------------------------------------------------------------- credentials


def test_a_named_but_unset_variable_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SW_MISSING_PASSWORD", raising=False)
    monkeypatch.setenv("SW_USER", "bot")
    cfg = smtp_config(1, username_env="SW_USER", password_env="SW_MISSING_PASSWORD")
    with pytest.raises(SmtpConfigError, match="SW_MISSING_PASSWORD.*is not set"):
        send(cfg, _message(), TO)


def test_only_one_credential_variable_is_a_config_error() -> None:
    with pytest.raises(SmtpConfigError, match="set both or neither"):
        credentials(smtp_config(1, password_env="SW_PASS"), {"SW_PASS": "x"})


def test_credentials_never_go_unencrypted_to_a_remote_host() -> None:
    env = {"U": "bot", "P": "pw"}
    remote = smtp_config(25, host="mail.example.org", username_env="U", password_env="P")
    with pytest.raises(SmtpConfigError, match="unencrypted to mail.example.org"):
        credentials(remote, env)
    assert credentials(smtp_config(25, username_env="U", password_env="P"), env) == ("bot", "pw")
    assert credentials(smtp_config(25), env) is None


# --------------------------------------------------------------------------- the sink


def test_sink_writes_eml_files_named_by_counter_not_by_headers(tmp_path: Path) -> None:
    with SmtpSink(folder=tmp_path / "mail") as server:
        send(smtp_config(server.port), _message(subject="../../etc/passwd"), TO)
        send(smtp_config(server.port), _message(key="digest-2"), TO)
    files = sorted(p.name for p in (tmp_path / "mail").iterdir())
    assert [f[:5] for f in files] == ["0001-", "0002-"] and all(f.endswith(".eml") for f in files)
    parsed = message_from_bytes((tmp_path / "mail" / files[0]).read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "../../etc/passwd"


def test_sink_on_a_given_port() -> None:
    port = closed_port()
    with SmtpSink(port=port) as server:
        assert server.port == port
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            assert client.noop()[0] == 250
