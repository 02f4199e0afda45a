"""The comms queue: the clock, a reminder before the deadline, escalation to SLT after it, the
`schoolwatch queue` command, "not relevant" and corrected labels kept as feedback, sandboxed
reply drafts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alert_fixtures import COMMS, DEPUTY, HEAD, SCHOOL, add_item, config
from smtp_fixtures import body
from sqlalchemy import select

from alerts.digest import build_digest
from alerts.outbox import flush
from alerts.queue import QueueError, assign, relabel, remind_and_escalate, set_status
from alerts.replies import DraftError, draft_reply
from alerts.sink import SmtpSink
from alerts.urgent import route_new_items
from schoolwatch.cli import main
from store.db import transaction
from store.feedback import FEEDBACK_WEIGHT, labelled_feedback
from store.models import Feedback, Item, MentionRow, Outbox, QueueItem

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # due Wednesday 09:00 under the 48h policy


def _complaint(store, text: str = "Millbrook Primary ignored my email about the trip") -> int:  # noqa: ANN001
    with transaction(store) as s:
        return add_item(s, text, labels={"parental_complaint": 0.8}, seen_at=MONDAY)


def test_reminder_before_due_then_one_escalation_to_slt(store, sink: SmtpSink) -> None:
    cfg = config(sink.port, complaints={"remind_before": "4h"})
    _complaint(store)
    route_new_items(store, cfg, now=MONDAY)
    due = MONDAY + timedelta(hours=48)
    assert remind_and_escalate(store, cfg, now=due - timedelta(hours=5)).reminded == 0
    assert remind_and_escalate(store, cfg, now=due - timedelta(hours=3)).reminded == 1
    assert remind_and_escalate(store, cfg, now=due - timedelta(hours=2)).reminded == 0  # once
    flush(store, cfg.smtp, now=due)
    [reminder] = sink.messages
    assert reminder.rcpt_tos == [COMMS]
    assert "Reply due Wed 18 Nov 09:00" in str(reminder.message["Subject"])
    assert "schoolwatch queue draft" in body(reminder.message, "plain")
    assert "schoolwatch queue relabel 1 --labels" in body(reminder.message, "plain")
    report = remind_and_escalate(store, cfg, now=due + timedelta(minutes=1))
    assert report.escalated == 1
    assert remind_and_escalate(store, cfg, now=due + timedelta(hours=5)).escalated == 0
    flush(store, cfg.smtp, now=due + timedelta(hours=5))
    escalation = sink.messages[1]
    assert escalation.rcpt_tos == [HEAD, DEPUTY]
    assert str(escalation.message["Subject"]).startswith("OVERDUE")
    assert len(sink.messages) == 2
    # The digest lists it as overdue.
    with store() as s:
        content = build_digest(s, cfg, SCHOOL, now=due + timedelta(hours=6))
    assert [(o.status, o.owner) for o in content.overdue] == [("escalated", COMMS)]


def test_an_answered_complaint_is_not_escalated(store, sink: SmtpSink) -> None:
    cfg = config(sink.port)
    _complaint(store)
    route_new_items(store, cfg, now=MONDAY)
    with transaction(store) as s:
        [row] = s.scalars(select(QueueItem)).all()
    set_status(store, row.id, "replied", by="office", now=MONDAY + timedelta(hours=1))
    assert remind_and_escalate(store, cfg, now=MONDAY + timedelta(days=5)).escalated == 0
    with pytest.raises(QueueError, match="unknown status 'done'"):
        set_status(store, row.id, "done", by="office", now=MONDAY)
    with pytest.raises(QueueError, match="no comms queue item #999"):
        set_status(store, 999, "closed", by="office", now=MONDAY)


def _write_config(tmp_path: Path) -> Path:
    doc = {
        "schools": [school.model_dump(exclude_none=True) for school in config().schools],
        "storage": f"sqlite:///{tmp_path / 'sw.db'}",
    }
    path = tmp_path / "sw.yaml"
    path.write_text(json.dumps(doc))
    return path


def test_queue_command_lists_assigns_updates_and_keeps_not_relevant_as_feedback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from config import load_config
    from store.migrate import open_store

    path = _write_config(tmp_path)
    cfg = load_config(path)
    factory = open_store(cfg.database_url)
    item_id = _complaint(factory)
    route_new_items(factory, cfg, now=MONDAY)
    assert main(["queue", "list", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "#1" in out and "new" in out and COMMS in out and "OVERDUE" in out  # real clock
    assert main(["queue", "assign", "1", "comms@x.example", "--config", str(path)]) == 0
    assert (
        main(
            [
                "queue",
                "status",
                "1",
                "not-relevant",
                "--note",
                "another Millbrook",
                "--by",
                "pat",
                "--config",
                str(path),
            ]
        )
        == 0
    )
    assert "kept as feedback" in capsys.readouterr().out
    assert main(["queue", "list", "--config", str(path)]) == 0
    assert "the comms queue is empty" in capsys.readouterr().out
    assert main(["queue", "list", "--all", "--config", str(path)]) == 0
    assert "not_relevant" in capsys.readouterr().out
    assert main(["queue", "status", "7", "closed", "--config", str(path)]) == 1
    assert "no comms queue item #7" in capsys.readouterr().err
    with transaction(factory) as s:
        [fb] = s.scalars(select(Feedback)).all()
        assert (fb.item_id, fb.school, fb.relevant, fb.created_by) == (
            item_id,
            SCHOOL,
            False,
            "pat",
        )
        assert fb.note == "another Millbrook" and "trip" in fb.text
        [row] = s.scalars(select(QueueItem)).all()
        assert row.owner == "comms@x.example"
    assert main(["queue", "draft", "1", "--config", str(path)]) == 0
    assert "complaints procedure" in capsys.readouterr().out


def test_reply_draft_follows_the_policy_and_asks_to_remove_posts_naming_staff(store) -> None:
    cfg = config(
        complaints={
            "procedure_url": "https://millbrook.example.sch.uk/complaints",
            "contact": "Mrs Raman in the school office",
        }
    )
    item_id = _complaint(store, "Mrs Okafor at Millbrook Primary is useless")
    with transaction(store) as s:
        s.add(
            MentionRow(
                item_id=item_id,
                kind="staff",
                school=SCHOOL,
                name="Helen Okafor",
                text="Mrs Okafor",
                field="text",
                start=0,
                end=10,
                score=97,
            )
        )
    with store() as s:
        item = s.get(Item, item_id)
        draft = draft_reply(cfg, SCHOOL, item)
        item.mentions = [m for m in item.mentions if m.kind != "staff"]
        plain = draft_reply(cfg, SCHOOL, item)
    assert "Thank you for getting in touch" in draft  # acknowledge
    assert "contact\nMrs Raman in the school office" in draft  # talk in person
    assert "https://millbrook.example.sch.uk/complaints" in draft  # the procedure
    assert "names a member of our staff" in draft and "remove it" in draft
    assert "names a member of our staff" not in plain
    assert "useless" not in draft  # the post is never quoted back


def test_admin_templates_are_sandboxed_and_errors_name_the_line(store, tmp_path: Path) -> None:
    folder = tmp_path / "replies"
    folder.mkdir()
    (folder / "reply.txt.j2").write_text("Dear parent, from {{ school }}.\n")
    (folder / "evil.txt.j2").write_text("{{ school.__class__.__mro__[1].__subclasses__() }}\n")
    (folder / "broken.txt.j2").write_text("line one\n{% if %}\n")
    cfg = config(complaints={"reply_templates": str(folder)})
    item_id = _complaint(store)
    with store() as s:
        item = s.get(Item, item_id)
        assert draft_reply(cfg, SCHOOL, item) == f"Dear parent, from {SCHOOL}.\n"
        with pytest.raises(DraftError, match="evil.txt.j2: reply template error"):
            draft_reply(cfg, SCHOOL, item, "evil.txt.j2")
        with pytest.raises(DraftError, match=r"broken.txt.j2:2: reply template syntax error"):
            draft_reply(cfg, SCHOOL, item, "broken.txt.j2")


def test_an_owner_that_is_not_an_email_address_is_refused(store) -> None:  # noqa: ANN001
    cfg = config(2525)
    _complaint(store)
    route_new_items(store, cfg, now=MONDAY)
    with pytest.raises(QueueError, match="expected the owner's email address, got 'pat'"):
        assign(store, 1, "pat", by="admin", now=MONDAY)  # the reminder would bounce later
    with transaction(store) as s:
        assert s.get(QueueItem, 1).owner == COMMS  # unchanged
    assert assign(store, 1, " pat@x.example ", by="admin", now=MONDAY).owner == "pat@x.example"


def test_the_flush_command_routes_what_a_crawl_stored(
    tmp_path: Path, sink: SmtpSink, capsys: pytest.CaptureFixture[str]
) -> None:
    """`schoolwatch crawl` then `schoolwatch flush`, with no `schoolwatch run`: the alert goes."""
    from alert_fixtures import DSL

    from config import load_config
    from store.migrate import open_store

    path = tmp_path / "sw.yaml"
    doc = json.loads(_write_config(tmp_path).read_text())
    doc["smtp"] = config(sink.port).smtp.model_dump(by_alias=True)
    path.write_text(json.dumps(doc))
    factory = open_store(load_config(path).database_url)
    with transaction(factory) as s:
        add_item(
            s,
            "I'm going to hurt someone at Millbrook Primary tomorrow",
            labels={"safeguarding": 0.95},
            severity="urgent",
            seen_at=datetime.now(UTC),
        )
    assert main(["flush", "--config", str(path)]) == 0
    assert "routed 1 new item(s): 1 alert(s) queued" in capsys.readouterr().out
    assert [m.rcpt_tos for m in sink.messages] == [[DSL]]


def _queued(store) -> int:  # noqa: ANN001
    """One complaint, routed into the queue; its queue id."""
    _complaint(store)
    route_new_items(store, config(2525), now=MONDAY)
    with transaction(store) as s:
        [row] = s.scalars(select(QueueItem)).all()
        return row.id


def test_relabel_keeps_the_correction_as_a_training_example(store) -> None:  # noqa: ANN001
    qid = _queued(store)
    done = relabel(
        store, qid, ["parental_complaint", "safeguarding"], "high", by="pat",
        now=MONDAY + timedelta(hours=1), note="mentions a child at risk",
    )  # fmt: skip
    assert (done.labels, done.severity, done.closed, done.safeguarding_added) == (
        ["safeguarding", "parental_complaint"],
        "high",
        False,
        True,  # the pipeline said parental_complaint only: nobody told the DSL
    )
    with transaction(store) as s:
        [fb] = s.scalars(select(Feedback)).all()
        assert fb.id == done.feedback_id
        assert (fb.school, fb.relevant, fb.labels, fb.severity, fb.created_by) == (
            SCHOOL, True, ["safeguarding", "parental_complaint"], "high", "pat",
        )  # fmt: skip
        assert (
            "trip" in fb.text and fb.author == "A Parent" and fb.note == "mentions a child at risk"
        )
        row = s.get(QueueItem, qid)
        assert row.status == "new" and row.updated_by == "pat"  # still a complaint: on the clock
        assert row.note == (
            "labels corrected to safeguarding, parental_complaint (high) by pat; "
            "note: mentions a child at risk"
        )
    examples, problems = labelled_feedback(store, [SCHOOL])
    assert problems == []
    assert [(e.labels, e.severity, e.weight) for e in examples] == [
        (["safeguarding", "parental_complaint"], "high", FEEDBACK_WEIGHT)
    ]
    # Correcting again: the latest correction is the one training uses.
    relabel(store, qid, ["parental_complaint"], "normal", by="pat", now=MONDAY + timedelta(hours=2))
    assert [(e.labels, e.severity) for e in labelled_feedback(store)[0]] == [
        (["parental_complaint"], "normal")
    ]


def test_relabel_without_parental_complaint_takes_it_off_the_clock(store, sink: SmtpSink) -> None:  # noqa: ANN001
    cfg = config(sink.port, complaints={"remind_before": "4h"})
    qid = _queued(store)
    done = relabel(store, qid, ["reputation_risk"], "normal", by="pat", now=MONDAY)
    assert done.closed and not done.safeguarding_added
    with transaction(store) as s:
        row = s.get(QueueItem, qid)
        assert row.status == "closed"
        assert row.note == (
            "labels corrected to reputation_risk (normal) by pat; closed: not a parental complaint"
        )
    due = MONDAY + timedelta(hours=48)
    assert remind_and_escalate(store, cfg, now=due - timedelta(hours=3)).reminded == 0
    assert remind_and_escalate(store, cfg, now=due + timedelta(hours=1)).escalated == 0
    with transaction(store) as s:
        assert s.scalars(select(Outbox)).all() == []
        content = build_digest(s, cfg, SCHOOL, now=due + timedelta(hours=6))
    assert content.overdue == []
    # No label at all is a relevant post with no label (a plain mention) for training.
    relabel(store, qid, [], "low", by="pat", now=MONDAY + timedelta(hours=1))
    assert [(e.labels, e.severity) for e in labelled_feedback(store)[0]] == [([], "low")]


def test_relabel_of_an_answered_item_keeps_its_status(store) -> None:  # noqa: ANN001
    qid = _queued(store)
    set_status(store, qid, "replied", by="office", now=MONDAY)
    done = relabel(store, qid, ["positive"], "low", by="pat", now=MONDAY)
    assert not done.closed and done.row.status == "replied"
    assert done.row.note.endswith("by pat; not a parental complaint")


def test_a_bad_relabel_changes_nothing(store, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    qid = _queued(store)
    with pytest.raises(QueueError, match="unknown label 'gossip'; expected some of safeguarding"):
        relabel(store, qid, ["gossip"], "high", by="pat", now=MONDAY)
    with pytest.raises(QueueError, match="unknown severity 'meh'; expected one of urgent"):
        relabel(store, qid, ["parental_complaint"], "meh", by="pat", now=MONDAY)
    with pytest.raises(QueueError, match="no comms queue item #999"):
        relabel(store, 999, ["parental_complaint"], "high", by="pat", now=MONDAY)

    # A failure after the feedback row was added rolls the whole correction back.
    def boom(row: QueueItem) -> bool:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("alerts.queue.is_open", boom)
    with pytest.raises(RuntimeError):
        relabel(store, qid, ["reputation_risk"], "high", by="pat", now=MONDAY)
    with transaction(store) as s:
        assert s.scalars(select(Feedback)).all() == []
        row = s.get(QueueItem, qid)
        assert (row.status, row.note, row.updated_by) == ("new", "", "schoolwatch")


def _cli_config(tmp_path: Path, storage: str) -> Path:
    doc = json.loads(_write_config(tmp_path).read_text())
    doc["storage"] = storage
    path = tmp_path / "sw-relabel.yaml"
    path.write_text(json.dumps(doc))
    return path


def test_queue_relabel_command(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from config import load_config
    from store.migrate import open_store

    path = _cli_config(tmp_path, db_url)
    factory = open_store(load_config(path).database_url)
    qid = _queued(factory)
    cfg = ["--config", str(path)]

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["queue", *args, *cfg])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = run("show", str(qid))
    assert code == 0 and "labels: parental_complaint 0.80; severity normal" in out
    assert "corrected:" not in out
    code, out, err = run(
        "relabel", str(qid), "--labels", "safeguarding, parental_complaint", "--severity", "high",
        "--by", "pat", "--note", "a child at risk",
    )  # fmt: skip
    assert code == 0
    assert out == (
        f"#{qid}: labels corrected to safeguarding, parental_complaint, high "
        "(feedback #1; `schoolwatch train` learns from it)\n"
    )
    assert "WARNING" in err and "has NOT alerted the DSL" in err and len(err.splitlines()) == 1
    code, out, err = run("show", str(qid))
    assert code == 0
    assert "corrected: safeguarding, parental_complaint; severity high (by pat, " in out
    assert out.count("a child at risk") == 2  # the correction's note, and the item's
    assert "labels corrected to safeguarding, parental_complaint (high) by pat" in out  # notes

    for bad, problem in [
        (["--labels", "gossip", "--severity", "high"], "unknown label 'gossip'"),
        (["--labels", "parental_complaint", "--severity", "meh"], "unknown severity 'meh'"),
    ]:
        code, out, err = run("relabel", str(qid), *bad)
        assert (code, out) == (2, "")
        assert err.startswith(f"schoolwatch queue: {problem}") and len(err.splitlines()) == 1
    code, out, err = run("relabel", "77", "--labels", "none", "--severity", "low")
    assert (code, out, err) == (2, "", "schoolwatch queue: no comms queue item #77\n")
    with transaction(factory) as s:
        assert len(s.scalars(select(Feedback)).all()) == 1  # the refused ones left nothing

    code, out, err = run("relabel", str(qid), "--labels", "", "--severity", "low", "--by", "pat")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"#{qid}: labels corrected to no label, low "
        "(feedback #2; `schoolwatch train` learns from it)",
        f"#{qid} is now closed: not a parental complaint, so no reminder or escalation",
    ]
    code, out, err = run("list")
    assert "the comms queue is empty" in out
    code, out, err = run("show", str(qid))
    assert "closed" in out and "corrected: no label; severity low (by pat, " in out


@pytest.mark.parametrize(
    "storage",
    ["sqlite:///{tmp}/no/such/folder/sw.db", "postgresql+psycopg://nobody@127.0.0.1:1/nowhere"],
)
def test_queue_relabel_with_the_database_unreachable(
    tmp_path: Path, storage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _cli_config(tmp_path, storage.format(tmp=tmp_path))
    argv = ["queue", "relabel", "1", "--labels", "none", "--severity", "low"]
    assert main([*argv, "--config", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("schoolwatch queue: database error: cannot open the database at ")
    assert len(err.splitlines()) == 1
