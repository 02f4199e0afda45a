"""The SLT digest end to end: stored rows -> digest -> outbox -> a real SMTP server on loopback
(alerts.digest, store.digests, templates)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from smtp_fixtures import body, closed_port, smtp_config
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts import digest as alerts_digest
from alerts.digest import (
    DigestError,
    Span,
    Withheld,
    build_digest,
    entry_for,
    preview_digest,
    queue_digests,
    render_digest,
)
from alerts.outbox import flush
from alerts.sink import SmtpSink
from config.schema import Config
from store.db import transaction
from store.models import (
    Digest,
    DigestItem,
    Item,
    LabelRow,
    MentionRow,
    Outbox,
    Sighting,
    SourceState,
)

NOW = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # a Friday
MILLBROOK = "Millbrook Primary School"
AIDANS = "St Aidan's Academy"
SLT = ["head@millbrook.example.sch.uk", "deputy@millbrook.example.sch.uk"]


def _config(port: int = 25) -> Config:
    return Config.model_validate(
        {
            "schools": [
                {
                    "name": MILLBROOK,
                    "aliases": ["Millbrook Primary"],
                    "staff": [{"name": "Helen Okafor"}],
                    "recipients": [
                        {"email": SLT[0], "roles": ["slt", "head"]},
                        {"email": SLT[1], "roles": ["slt"]},
                        {"email": "dsl@millbrook.example.sch.uk", "roles": ["dsl"]},
                    ],
                },
                {
                    "name": AIDANS,
                    "recipients": [
                        {"email": "principal@staidans.example.sch.uk", "roles": ["slt"]}
                    ],
                },
                {
                    "name": "Quiet School",  # no slt recipient: no digest
                    "recipients": [{"email": "office@quiet.example.sch.uk", "roles": ["admin"]}],
                },
            ],
            "sources": [
                {"name": "stroud-news", "kind": "feed", "url": "http://127.0.0.1:9/news.xml"},
                {"name": "parents-json", "kind": "feed", "url": "http://127.0.0.1:9/p.json"},
                {"name": "council-atom", "kind": "feed", "url": "http://127.0.0.1:9/c.xml"},
            ],
            "smtp": smtp_config(port).model_dump(by_alias=True),
        }
    )


def _add_item(
    session: Session,
    *,
    title: str = "",
    text: str,
    mentions: list[tuple[str, str, str, str]],  # (school, field, matched text, kind)
    labels: dict[str, float] | None = None,
    severity: str | None = "normal",
    sources: tuple[str, ...] = ("stroud-news",),
    url: str = "https://news.example.org/post",
    seen_at: datetime = NOW - timedelta(hours=3),
    reasons: list[str] | None = None,
    offsets: tuple[int, int] | None = None,
) -> int:
    digest_of = hashlib.sha256(f"{title}\x00{text}".encode()).hexdigest()
    item = Item(
        canonical_url=f"{url}#{digest_of[:8]}",
        fingerprint=digest_of,
        title=title,
        text=text,
        author="A Parent",
        url=url,
        published_at=seen_at - timedelta(minutes=30),
        first_seen_at=seen_at,
        relevant=True,
        severity=severity,
        reasons=reasons or ["mentions the school"],
    )
    session.add(item)
    session.flush()
    for school, field_name, matched, kind in mentions:
        field_text = title if field_name == "title" else text
        start = field_text.find(matched)
        start, end = offsets if offsets else (start, start + len(matched))
        session.add(
            MentionRow(
                item_id=item.id,
                kind=kind,
                school=school,
                name=matched,
                text=matched,
                field=field_name,
                start=start,
                end=end,
                score=95.0,
            )
        )
    for label, score in (labels or {}).items():
        session.add(LabelRow(item_id=item.id, label=label, score=score))
    for source in sources:
        session.add(Sighting(item_id=item.id, source=source, url=url, seen_at=seen_at))
    session.flush()
    return item.id


def _school(
    school: str = MILLBROOK, matched: str = "Millbrook Primary"
) -> tuple[str, str, str, str]:
    return (school, "text", matched, "school")


@pytest.fixture
def items(store: sessionmaker[Session]) -> dict[str, int]:
    """A morning's worth of items for two schools, and source health."""
    with transaction(store) as s:
        ids = {
            "low_positive": _add_item(
                s,
                title="Sports day",
                text="Well done Millbrook Primary on a great sports day!",
                mentions=[_school()],
                labels={"positive": 0.9},
                severity="low",
            ),
            "urgent": _add_item(
                s,
                title="Photo of pupils",
                severity="urgent",
                text="Someone posted a photo of Millbrook Primary pupils with their names.",
                mentions=[_school()],
                labels={"safeguarding": 0.95},
                sources=("stroud-news", "parents-json"),
                reasons=["names of pupils with a photo", "safeguarding score 0.95"],
            ),
            "complaint": _add_item(
                s,
                title="Ignored again",
                severity="high",
                text="Mrs Okafor at Millbrook Primary ignored my complaint for a month.",
                mentions=[_school(), (MILLBROOK, "text", "Mrs Okafor", "staff")],
                labels={"parental_complaint": 0.8, "staff_conduct": 0.6},
            ),
            "conduct": _add_item(
                s,
                title="Shouting",
                severity="high",
                text="A teacher at Millbrook Primary shouted at the children in the car park.",
                mentions=[_school()],
                labels={"staff_conduct": 0.7},
            ),
            "unlabelled": _add_item(
                s,
                title="Road works",
                text="Road works near Millbrook Primary next week.",
                mentions=[_school()],
            ),
            "aidans_only": _add_item(
                s,
                title="St Aidan's fete",
                text="St Aidan's Academy summer fete raised £2,000.",
                mentions=[_school(AIDANS, "St Aidan's Academy")],
                labels={"positive": 0.8},
                severity="low",
            ),
            "both": _add_item(
                s,
                title="Football",
                text="Millbrook Primary beat St Aidan's Academy 3-1.",
                mentions=[_school(), _school(AIDANS, "St Aidan's Academy")],
                labels={"positive": 0.6},
                severity="low",
            ),
        }
        s.add_all(
            [
                SourceState(
                    name="stroud-news",
                    last_attempt_at=NOW - timedelta(minutes=20),
                    last_success_at=NOW - timedelta(minutes=20),
                    consecutive_failures=0,
                ),
                SourceState(
                    name="parents-json",
                    last_attempt_at=NOW - timedelta(minutes=10),
                    last_success_at=NOW - timedelta(days=2),
                    consecutive_failures=3,
                    last_error="HTTP 503 <b>Service Unavailable</b>",
                    last_error_class="http",
                ),
            ]
        )
    return ids


def _flat(spans: list[Span], open_: str = "[[", close: str = "]]") -> str:
    return "".join(f"{open_}{s.text}{close}" if s.mark else s.text for s in spans)


# --------------------------------------------------------------------------- content


def test_build_digest_groups_by_severity_then_label(store, items) -> None:
    with store() as session:
        content = build_digest(session, _config(), MILLBROOK, now=NOW)
    layout = [
        (section.severity, [(g.label, [e.item_id for e in g.entries]) for g in section.groups])
        for section in content.sections
    ]
    # Lanes (issue 5): safeguarding is only counted (it went to the DSL); staff conduct is the
    # head's alone, so neither the conduct item nor the complaint that is also labelled staff
    # conduct is shown; positive items are the good-news section.
    assert layout == [("normal", [(None, [items["unlabelled"]])])]
    assert [e.item_id for e in content.good_news] == [items["low_positive"], items["both"]]
    assert content.withheld == [Withheld("safeguarding", "Safeguarding", 1, "the DSL")]
    assert content.counts == {"urgent": 1, "high": 0, "normal": 1, "low": 2}
    assert sorted(content.ledger_ids) == sorted(
        i for name, i in items.items() if name != "aidans_only"
    )
    assert items["aidans_only"] not in content.item_ids
    with store() as session:
        urgent = entry_for(session.get(Item, items["urgent"]), MILLBROOK)
        complaint = entry_for(session.get(Item, items["complaint"]), MILLBROOK)
    assert urgent.sources == ["stroud-news", "parents-json"]
    assert urgent.reasons == ["names of pupils with a photo", "safeguarding score 0.95"]
    assert urgent.link == "https://news.example.org/post"
    assert _flat(urgent.snippet) == (
        "Someone posted a photo of [[Millbrook Primary]] pupils with their names."
    )
    assert _flat(complaint.snippet).startswith("[[Mrs Okafor]] at [[Millbrook Primary]] ignored")
    assert complaint.labels == ["parental_complaint", "staff_conduct"]
    assert complaint.matched == ["Millbrook Primary (school)", "Mrs Okafor (staff)"]


def test_source_health_lists_each_configured_source(store, items) -> None:
    with store() as session:
        health = build_digest(session, _config(), MILLBROOK, now=NOW).health
    assert [(h.name, h.status, h.consecutive_failures) for h in health] == [
        ("stroud-news", "ok", 0),
        ("parents-json", "failing", 3),
        ("council-atom", "never run", 0),
    ]
    assert health[1].last_error == "http: HTTP 503 <b>Service Unavailable</b>"
    assert health[1].last_success_at == NOW - timedelta(days=2)


def test_snippet_is_a_window_around_the_first_mention(store) -> None:
    text = ("word " * 200) + "Millbrook Primary is mentioned here " + ("tail " * 200)
    with transaction(store) as s:
        _add_item(s, text=text, mentions=[_school()])
    with store() as session:
        [entry] = build_digest(session, _config(), MILLBROOK, now=NOW).entries
    flat = _flat(entry.snippet)
    assert flat.startswith("… word ") and flat.endswith("tail …")
    assert "[[Millbrook Primary]] is mentioned here" in flat
    assert len(flat) < 400


def test_bad_offsets_are_repaired_or_ignored_never_misplaced(store) -> None:
    with transaction(store) as s:
        # Offsets past the end: the mention's text is found instead.
        _add_item(
            s, title="a", text="Hello Millbrook Primary", mentions=[_school()], offsets=(500, 517)
        )
        # Offsets pointing at other words, and the text is nowhere: nothing is marked.
        _add_item(
            s,
            title="b",
            text="Nothing to see here at all",
            mentions=[(MILLBROOK, "text", "Millbrook", "school")],
            offsets=(0, 7),
        )
    with store() as session:
        first, second = build_digest(session, _config(), MILLBROOK, now=NOW).entries
    assert _flat(first.snippet) == "Hello [[Millbrook Primary]]"
    assert _flat(second.snippet) == "Nothing to see here at all"


def test_title_mentions_are_marked_and_control_characters_flattened(store) -> None:
    with transaction(store) as s:
        _add_item(
            s,
            title="Millbrook Primary\r\nBcc: attacker@evil.example",
            text="body",
            mentions=[(MILLBROOK, "title", "Millbrook Primary", "school")],
        )
    with store() as session:
        [entry] = build_digest(session, _config(), MILLBROOK, now=NOW).entries
    assert _flat(entry.title) == "[[Millbrook Primary]] Bcc: attacker@evil.example"


# --------------------------------------------------------------------------- rendering


def test_subject_and_summary(store, items) -> None:
    cfg = _config()
    with store() as session:
        subject, html, text = render_digest(build_digest(session, cfg, MILLBROOK, now=NOW), cfg)
        quiet, _, quiet_text = render_digest(
            build_digest(session, cfg, "Quiet School", now=NOW), cfg
        )
    assert subject == f"{MILLBROOK} — schoolwatch digest, Fri 20 Nov: 4 new (1 urgent)"
    assert quiet == (
        "Quiet School — schoolwatch digest, Fri 20 Nov: nothing new; 2 sources checked, 1 failing"
    )
    assert "Nothing new has been found" in quiet_text
    assert "council-atom: never run" in quiet_text
    # Times are shown in the digest's time zone (London is on GMT in November).
    assert "seen Fri 20 Nov 04:30" in text


def test_post_html_and_script_are_escaped_and_bad_links_dropped(store) -> None:
    with transaction(store) as s:
        _add_item(
            s,
            title="<script>alert('t')</script> Millbrook Primary",
            text='<img src=x onerror="alert(1)"> Millbrook Primary & <a href="http://evil">x</a>',
            mentions=[_school()],
            url="javascript:alert(document.cookie)",
            reasons=["<iframe src=//evil>"],
        )
        _add_item(
            s,
            title="data",
            text="Millbrook Primary data link",
            mentions=[_school()],
            url="data:text/html,<script>alert(1)</script>",
        )
    cfg = _config()
    with store() as session:
        _, html, text = render_digest(build_digest(session, cfg, MILLBROOK, now=NOW), cfg)
    # Our own chart is the one image, inline by Content-ID; nothing from the post may add one.
    assert html.count("<img") == 1
    html = re.sub(r'<img src="cid:[^"]+"[^>]*>', "", html)
    lowered = html.lower()
    for raw in ("<script", "<img", "<iframe", "javascript:", "data:text", 'href="http://evil'):
        assert raw not in lowered
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "<mark" in html and "&amp;" in html
    assert "src=" not in html.replace("&lt;img src=", "").replace("&lt;iframe src=", "")
    assert "Open the post" not in html  # neither link is http(s)
    assert "<script>alert('t')</script> Millbrook Primary" in text  # plain text stays plain


# --------------------------------------------------------------------------- end to end


def _by_school(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {m["To"]: m for m in messages}


def test_digest_is_received_multipart_grouped_and_each_item_only_once(
    store,
    items,
    sink: SmtpSink,
) -> None:
    cfg = _config(sink.port)
    ids = queue_digests(store, cfg, now=NOW)
    assert len(ids) == 2  # Quiet School has no slt recipient
    report = flush(store, cfg.smtp, now=NOW)
    assert (report.sent, report.retried, report.failed) == (2, 0, 0)

    received = {tuple(m.rcpt_tos): m for m in sink.messages}
    millbrook = received[tuple(SLT)].message
    assert millbrook.get_content_type() == "multipart/alternative"
    plain, related = millbrook.iter_parts()
    assert plain.get_content_type() == "text/plain"
    # The HTML and its chart travel together: the image is inline, named by Content-ID.
    assert [p.get_content_type() for p in related.iter_parts()] == ["text/html", "image/png"]
    chart = list(related.iter_parts())[1]
    assert chart["Content-ID"] == "<mentions-chart@schoolwatch>"
    assert chart.get_content().startswith(b"\x89PNG")
    assert 'src="cid:mentions-chart@schoolwatch"' in body(millbrook, "html")
    assert millbrook["Subject"].strip() == (
        f"{MILLBROOK} — schoolwatch digest, Fri 20 Nov: 4 new (1 urgent)"
    )
    html = body(millbrook, "html")
    text = body(millbrook, "plain")
    order = ["Road works", "Good news", "Sports day", "Football"]
    assert sorted(order, key=html.index) == order
    text_order = ["Road works", "GOOD NEWS", "Sports day", "Football"]
    assert sorted(text_order, key=text.index) == text_order
    # Safeguarding content went to the DSL only: SLT see a count, never the post.
    for hidden in ("Photo of pupils", "their names", "Ignored again", "Shouting"):
        assert hidden not in html and hidden not in text
    assert "1 safeguarding item went to the DSL" in text
    assert "1 safeguarding item went to the DSL" in html
    assert "St Aidan&#39;s fete" not in html
    assert "<mark" in html and "[[Millbrook Primary]]" in text
    assert "parents-json: failing (3 in a row)" in text

    aidans = received[("principal@staidans.example.sch.uk",)].message
    aidans_text = body(aidans, "plain")
    assert "St Aidan's fete" in aidans_text and "Football" in aidans_text
    assert "Photo of pupils" not in aidans_text

    # The next run finds nothing new: each item is in exactly one digest per school.
    later = NOW + timedelta(days=1)
    assert len(queue_digests(store, cfg, now=later)) == 2
    flush(store, cfg.smtp, now=later)
    assert len(sink.messages) == 4
    for m in sink.messages[2:]:
        assert "nothing new; 2 sources checked, 1 failing" in m.message["Subject"]
    with store() as session:
        pairs = session.execute(select(DigestItem.school, DigestItem.item_id)).all()
    assert len(pairs) == len(set(pairs)) == 6 + 2
    assert {i for school, i in pairs if school == MILLBROOK} == set(items.values()) - {
        items["aidans_only"]
    }

    # A new item goes into the next digest, alone.
    with transaction(store) as s:
        new_id = _add_item(
            s, title="New post", text="Millbrook Primary again", mentions=[_school()], seen_at=later
        )
    with store() as session:
        assert build_digest(session, cfg, MILLBROOK, now=later).item_ids == [new_id]


def test_a_crlf_title_cannot_inject_a_header_into_the_digest(store, sink: SmtpSink) -> None:
    with transaction(store) as s:
        _add_item(
            s,
            title="Millbrook Primary\r\nBcc: attacker@evil.example\r\n\r\nhi",
            text="Millbrook Primary",
            mentions=[_school()],
        )
    cfg = _config(sink.port)
    queue_digests(store, cfg, now=NOW)
    flush(store, cfg.smtp, now=NOW)
    for received in sink.messages:
        assert "attacker@evil.example" not in received.rcpt_tos
        headers = received.data.split(b"\r\n\r\n", 1)[0].lower()
        assert b"\r\nbcc:" not in headers and not headers.startswith(b"bcc:")
    millbrook = next(m for m in sink.messages if m.rcpt_tos == SLT).message
    assert "Bcc: attacker@evil.example hi" in body(millbrook, "plain")


def test_smtp_down_then_up_delivers_the_digest_once(store, items) -> None:
    port = closed_port()
    cfg = _config(port)
    queue_digests(store, cfg, now=NOW)
    report = flush(store, cfg.smtp, now=NOW)
    assert report.sent == 0
    with store() as session:
        assert session.scalar(select(func.count()).where(Outbox.status == "sent")) == 0
    with SmtpSink(port=port) as server:
        flush(store, cfg.smtp, now=NOW + timedelta(minutes=5))
        flush(store, cfg.smtp, now=NOW + timedelta(hours=5))
        assert len(server.messages) == 2


def test_digest_ledger_and_message_commit_together(
    store, items, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_enqueue = alerts_digest.outbox_store.enqueue

    def fail_for_aidans(session, **kw):  # type: ignore[no-untyped-def]
        if kw["recipients"] == ["principal@staidans.example.sch.uk"]:
            raise RuntimeError("disk full")
        return real_enqueue(session, **kw)

    monkeypatch.setattr(alerts_digest.outbox_store, "enqueue", fail_for_aidans)
    with pytest.raises(DigestError, match="St Aidan's Academy") as caught:
        queue_digests(store, _config(), now=NOW)
    assert len(caught.value.queued) == 1  # Millbrook's still went
    with store() as session:
        assert session.scalars(select(Digest.school)).all() == [MILLBROOK]
        assert (
            session.scalar(
                select(func.count()).select_from(DigestItem).where(DigestItem.school == AIDANS)
            )
            == 0
        )
        digest = session.scalars(select(Digest)).one()
        assert digest.outbox_id == caught.value.queued[0] and digest.item_count == 6
    # St Aidan's items are still pending for the next run.
    monkeypatch.setattr(alerts_digest.outbox_store, "enqueue", real_enqueue)
    with store() as session:
        assert set(build_digest(session, _config(), AIDANS, now=NOW).item_ids) == {
            items["aidans_only"],
            items["both"],
        }


def test_the_unique_constraint_stops_an_item_going_into_two_digests(
    store, items, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _config()
    assert len(queue_digests(store, cfg, now=NOW)) == 2
    # A racing run that read the pending items before the first run committed its ledger.
    real_pending = alerts_digest.digest_store.pending_items
    with store() as session:
        stale = {school: [i.id for i in real_pending(session, school)] for school in (MILLBROOK,)}
    assert stale[MILLBROOK] == []  # the real query already knows they are taken...
    with store() as session:
        everything = {i.id for i in session.scalars(select(Item))}

    def stale_pending(session, school, limit=None):  # type: ignore[no-untyped-def]
        # ...so hand back what a run that read before that commit would have seen.
        rows = session.scalars(select(Item).where(Item.id.in_(everything))).all()
        return [i for i in rows if any(m.school == school for m in i.mentions)]

    monkeypatch.setattr(alerts_digest.digest_store, "pending_items", stale_pending)
    assert queue_digests(store, cfg, now=NOW + timedelta(hours=1)) == []
    with store() as session:
        assert session.scalar(select(func.count()).select_from(Outbox)) == 2
        assert session.scalar(select(func.count()).select_from(Digest)) == 2


def test_preview_writes_nothing(store, items) -> None:
    previews = preview_digest(store, _config(), now=NOW)
    assert [p.school for p in previews] == [MILLBROOK, AIDANS]
    first = previews[0]
    assert first.subject.endswith("4 new (1 urgent)")
    assert "<mark" in first.html and "[[Millbrook Primary]]" in first.text
    assert first.message["Subject"] == first.subject
    assert bytes(first.message).startswith(b"Message-ID: <preview-")
    with store() as session:
        for table in (Digest, DigestItem, Outbox):
            assert session.scalar(select(func.count()).select_from(table)) == 0
