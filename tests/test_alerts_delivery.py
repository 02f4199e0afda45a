"""The delivery guarantee with a real kill: a flush process killed (SIGKILL) after the SMTP
server accepted a message but before it was marked sent. Documented guarantee (alerts.outbox,
README): at-least-once with a stable Message-ID — the next flush sends the same bytes again,
with the same Message-ID, and nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alert_fixtures import DSL, add_item, config
from sqlalchemy import select

from alerts.outbox import flush, lease_for
from alerts.sink import SmtpSink
from alerts.urgent import route_new_items
from store.db import transaction
from store.models import Outbox

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

# The child: one real flush whose sender kills the process the moment the server has said 250.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime
    from alerts import smtp
    from alerts.outbox import flush
    from config.schema import Smtp
    from store.db import make_engine, session_factory

    def send_then_die(cfg, message, recipients):
        smtp.send(cfg, message, recipients)
        os.kill(os.getpid(), signal.SIGKILL)

    factory = session_factory(make_engine(sys.argv[1]))
    cfg = Smtp.model_validate({"host": "127.0.0.1", "port": int(sys.argv[2]), "timeout": 5})
    flush(factory, cfg, now=datetime.fromisoformat(sys.argv[3]), sender=send_then_die)
    """
)


def test_killed_between_send_and_mark_the_alert_is_resent_with_the_same_message_id(
    db_url: str, store, sink: SmtpSink
) -> None:
    cfg = config(sink.port)
    with transaction(store) as s:
        add_item(
            s,
            "Photos of Millbrook Primary pupils shared",
            labels={"safeguarding": 0.9},
            severity="urgent",
            seen_at=NOW,
        )
    assert route_new_items(store, cfg, now=NOW).alerts == 1
    child = subprocess.run(
        [sys.executable, "-c", CHILD, db_url, str(sink.port), NOW.isoformat()],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert len(sink.messages) == 1  # the server has it...
    with transaction(store) as s:
        [row] = s.scalars(select(Outbox)).all()
        assert (row.status, row.attempts) == ("pending", 1)  # ...but it was never marked sent
    # Until the claim's lease runs out nobody resends (the first sender might still be busy).
    assert flush(store, cfg.smtp, now=NOW + timedelta(minutes=1)).sent == 0
    assert flush(store, cfg.smtp, now=NOW + lease_for(cfg.smtp)).sent == 1
    first, second = sink.messages
    assert first.rcpt_tos == second.rcpt_tos == [DSL]
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert first.data == second.data
    assert flush(store, cfg.smtp, now=NOW + timedelta(days=1)).sent == 0
    assert len(sink.messages) == 2


def test_a_permanent_failure_is_reported_to_admins_once(store) -> None:
    from alert_fixtures import ADMIN

    from alerts.failures import notify_admins
    from alerts.sink import RecordingHandler

    class RefuseDsl(RecordingHandler):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001, ANN201
            if address == DSL:
                return "550 5.1.1 mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    with SmtpSink(handler=RefuseDsl()) as sink:
        cfg = config(sink.port)
        with transaction(store) as s:
            add_item(
                s,
                "Photos of Millbrook Primary pupils shared",
                labels={"safeguarding": 0.9},
                severity="urgent",
                seen_at=NOW,
            )
        route_new_items(store, cfg, now=NOW)
        assert flush(store, cfg.smtp, now=NOW).failed == 1
        assert notify_admins(store, cfg, now=NOW) == 1
        assert notify_admins(store, cfg, now=NOW + timedelta(minutes=1)) == 0  # once
        assert flush(store, cfg.smtp, now=NOW).sent == 1
        [notice] = sink.messages
        assert notice.rcpt_tos == [ADMIN]
        assert "550 5.1.1 mailbox unavailable" in notice.message.get_content()
