"""The daily SLT digest: what is new about a school since its last digest, and source health.

- `build_digest` reads the items a school has not had in a digest yet (store.digests) and turns
  them into plain values: grouped by severity, then by label, each with its sources, time,
  a snippet around the first mention with the matched words marked, the reasons and a link.
- `render_digest` renders those values with Jinja2 (HTML autoescaped, text plain) into a
  subject, an HTML body and a text body.
- `queue_digests` does both for every school with SLT recipients and, in ONE transaction per
  school, writes the ledger (Digest + DigestItem rows) and the outbox message. So an item is in a
  digest exactly when a message carrying it is queued; the outbox delivers it (alerts.outbox).
- `preview_digest` renders the same digests and writes nothing.

Post text is attacker-controlled: it reaches the HTML only through autoescaped template
variables; highlights are applied by splitting the text at the stored offsets into spans and
letting the template wrap the marked ones, so no markup is ever built from post text. Links are
kept only for http(s) URLs.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from alerts import lanes, mail
from alerts.outbox import enqueue_email
from config.schema import Config
from pipelines.post import LABELS, SEVERITIES
from store import digests as digest_store
from store import outbox as outbox_store
from store.db import transaction
from store.models import Item, MentionRow

log = logging.getLogger(__name__)

CHART_DAYS = 14
CHART_CID = "mentions-chart@schoolwatch"
MAX_ITEMS = 200  # per digest; the rest wait for the next one, most severe first
SNIPPET_BEFORE = 120  # characters of context before the first mention
SNIPPET_AFTER = 240  # ... and after it
TITLE_MAX = 200
REASONS_MAX = 8
REASON_MAX = 300
ERROR_MAX = 200

LABEL_TITLES = {
    "safeguarding": "Safeguarding",
    "reputation_risk": "Reputation risk",
    "parental_complaint": "Parent complaints",
    "staff_conduct": "Staff conduct",
    "positive": "Positive",
}
NO_LABEL_TITLE = "Other mentions"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # not %a: that follows the locale
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    """A piece of post text; `mark`: it is (part of) a matched watchlist entry."""

    text: str
    mark: bool = False


@dataclass(frozen=True)
class DigestEntry:
    item_id: int
    severity: str
    label: str | None  # the label the item is grouped under (its highest-scoring one)
    labels: list[str]
    title: list[Span]
    snippet: list[Span]
    sources: list[str]
    seen_at: datetime
    published_at: datetime | None
    link: str | None
    matched: list[str]  # watchlist names, e.g. "Helen Okafor (staff)"
    reasons: list[str]


@dataclass(frozen=True)
class LabelGroup:
    label: str | None
    title: str
    entries: list[DigestEntry]


@dataclass(frozen=True)
class SeveritySection:
    severity: str
    groups: list[LabelGroup]

    @property
    def count(self) -> int:
        return sum(len(g.entries) for g in self.groups)


@dataclass(frozen=True)
class SourceHealth:
    name: str
    status: str  # ok, failing, never run
    last_success_at: datetime | None
    consecutive_failures: int
    last_error: str | None


@dataclass(frozen=True)
class Withheld:
    """Items whose lane keeps their content out of the SLT digest: only the count is shown."""

    label: str
    title: str
    count: int
    went_to: str  # "the DSL"


@dataclass(frozen=True)
class Trend:
    label: str
    title: str
    this_week: int
    last_week: int


@dataclass(frozen=True)
class OverdueComplaint:
    queue_id: int
    title: str
    due: datetime
    owner: str
    status: str


@dataclass(frozen=True)
class FailedMail:
    subject: str
    recipients: list[str]
    error: str
    created_at: datetime


@dataclass(frozen=True)
class DigestContent:
    school: str
    generated_at: datetime
    timezone: str
    entries: list[DigestEntry]  # shown in full: the severity sections and the good news
    sections: list[SeveritySection]
    counts: dict[str, int]  # severity -> number of items (shown in full or as a count)
    health: list[SourceHealth]
    more_waiting: bool = False  # more items than MAX_ITEMS: the rest go in the next digest
    good_news: list[DigestEntry] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    ledger_ids: list[int] = field(default_factory=list)  # every item this digest accounts for
    trends: list[Trend] = field(default_factory=list)
    overdue: list[OverdueComplaint] = field(default_factory=list)
    failed_mail: list[FailedMail] = field(default_factory=list)
    chart: bytes | None = None  # PNG, mentions per day by label over CHART_DAYS

    @property
    def item_ids(self) -> list[int]:
        return [e.item_id for e in self.entries]

    @property
    def withheld_count(self) -> int:
        return sum(w.count for w in self.withheld)

    @property
    def is_empty(self) -> bool:
        """Nothing new at all: the digest is only a heartbeat."""
        return not self.ledger_ids

    @property
    def sources_checked(self) -> int:
        return sum(1 for h in self.health if h.status != "never run")

    @property
    def sources_failing(self) -> int:
        return sum(1 for h in self.health if h.status == "failing")

    @property
    def sources_never_run(self) -> int:
        return sum(1 for h in self.health if h.status == "never run")


@dataclass(frozen=True)
class DigestPreview:
    school: str
    subject: str
    html: str
    text: str
    message: EmailMessage


class DigestError(Exception):
    """Some schools' digests could not be queued; `queued` holds the outbox ids that were."""

    def __init__(self, message: str, queued: list[int]) -> None:
        super().__init__(message)
        self.queued = queued


# ----------------------------------------------------------------------------- building


def build_digest(
    session: Session, cfg: Config, school_name: str, *, now: datetime
) -> DigestContent:
    """The digest for `school_name` as of `now`: read-only."""
    school = cfg.school(school_name)
    items = digest_store.pending_items(session, school_name, limit=MAX_ITEMS + 1)
    more_waiting = len(items) > MAX_ITEMS
    entries: list[DigestEntry] = []
    withheld: dict[str, int] = {}
    severities: list[str] = []
    for item in items[:MAX_ITEMS]:
        labels = [row.label for row in item.labels]
        mode = lanes.route(school, labels, item.severity).digest
        if mode == "none":
            continue  # e.g. staff conduct: the head's alone, not even counted here
        severities.append(_severity(item.severity))
        if mode == "count":
            label = next(lb for lb in labels if lanes.lanes_for(school)[lb].digest == "count")
            withheld[label] = withheld.get(label, 0) + 1
            continue
        entries.append(_entry(item, school_name))
    good = [e for e in entries if e.label == "positive"]
    counts: dict[str, int] = {sev: severities.count(sev) for sev in SEVERITIES}
    return DigestContent(
        school=school_name,
        generated_at=now,
        timezone=cfg.digest.timezone,
        entries=entries,
        sections=_sections([e for e in entries if e.label != "positive"]),
        counts=counts,
        health=_health(session, cfg),
        more_waiting=more_waiting,
        good_news=good,
        withheld=[
            Withheld(lb, label_title(lb), n, lanes.count_phrase(lb, school))
            for lb, n in sorted(withheld.items(), key=lambda kv: _label_rank(kv[0]))
        ],
        ledger_ids=[item.id for item in items[:MAX_ITEMS]],
        trends=_trends(session, cfg, school_name, now),
        overdue=_overdue(session, school_name, now),
        failed_mail=_failed_mail(session, cfg, school_name, now),
        chart=_chart(session, cfg, school_name, now),
    )


def _visible_labels(cfg: Config, school_name: str) -> list[str]:
    """Labels SLT may see counted (a `none` lane is not even counted for them)."""
    lane_map = lanes.lanes_for(cfg.school(school_name))
    return [lb for lb in LABELS if lane_map[lb].digest != "none"]


def _trends(session: Session, cfg: Config, school_name: str, now: datetime) -> list[Trend]:
    rows = digest_store.labelled_since(session, school_name, now - timedelta(days=14))
    week_ago = now - timedelta(days=7)
    trends = []
    for label in _visible_labels(cfg, school_name):
        this = sum(1 for at, lbs in rows if label in lbs and at >= week_ago)
        last = sum(1 for at, lbs in rows if label in lbs and at < week_ago)
        if this or last:
            trends.append(Trend(label, label_title(label), this, last))
    return trends


def _chart(session: Session, cfg: Config, school_name: str, now: datetime) -> bytes | None:
    tz = cfg.digest.tzinfo
    today = now.astimezone(tz).date()
    first = today - timedelta(days=CHART_DAYS - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    rows = digest_store.labelled_since(session, school_name, start.astimezone(UTC))
    visible = _visible_labels(cfg, school_name)
    days: dict[date, dict[str, int]] = {first + timedelta(days=i): {} for i in range(CHART_DAYS)}
    for at, labels in rows:
        counts = days.get(at.astimezone(tz).date())
        if counts is None:
            continue
        shown = [lb for lb in labels if lb in visible] or (["other"] if not labels else [])
        for label in shown[:1]:  # each item once, under its first visible label
            counts[label] = counts.get(label, 0) + 1
    if not any(days.values()):
        return None
    from alerts.chart import DayCounts, render_chart

    return render_chart([DayCounts(d, c) for d, c in days.items()], [*visible, "other"])


def _overdue(session: Session, school_name: str, now: datetime) -> list[OverdueComplaint]:
    from store import queue as queue_store

    result = []
    for row in queue_store.overdue(session, school_name, now):
        item = session.get(Item, row.item_id)
        title = _clean((item.title or item.text) if item else "(purged)")
        result.append(OverdueComplaint(row.id, _cut(title, 120), row.due_at, row.owner, row.status))
    return result


def _failed_mail(
    session: Session, cfg: Config, school_name: str, now: datetime
) -> list[FailedMail]:
    """Email given up on since this school's last digest, to this school's own recipients only
    (a subject may quote another school's post)."""
    since = digest_store.last_digest_at(session, school_name) or now - timedelta(days=7)
    ours = {r.email for r in cfg.school(school_name).recipients}
    return [
        FailedMail(
            _clean(row.subject),
            list(row.recipients),
            _cut(_clean(row.last_error or ""), ERROR_MAX),
            row.created_at,
        )
        for row in outbox_store.failed_since(session, since)
        if ours.intersection(row.recipients)
    ]


def entry_for(item: Item, school: str) -> DigestEntry:
    """An item as display values (cleaned, snippet, marks, safe link): digests and alerts."""
    return _entry(item, school)


def _entry(item: Item, school: str) -> DigestEntry:
    mentions = [m for m in item.mentions if m.school == school]
    label_rows = sorted(item.labels, key=lambda row: (-row.score, _label_rank(row.label)))
    labels = [row.label for row in label_rows]
    reasons = item.reasons if isinstance(item.reasons, list) else [item.reasons]
    matched: dict[str, None] = {}
    for m in mentions:
        matched.setdefault(f"{_clean(m.name)} ({m.kind})", None)
    return DigestEntry(
        item_id=item.id,
        severity=_severity(item.severity),
        label=labels[0] if labels else None,
        labels=labels,
        title=_title_spans(item.title or "", mentions),
        snippet=_snippet_spans(item.text or "", mentions),
        sources=list(dict.fromkeys(_clean(s.source) for s in item.sightings)),
        seen_at=item.first_seen_at,
        published_at=item.published_at,
        link=_safe_link(item.url) or _safe_link(item.canonical_url),
        matched=list(matched),
        reasons=[_cut(_clean(str(r)), REASON_MAX) for r in reasons if r][:REASONS_MAX],
    )


def _severity(value: str | None) -> str:
    # An unknown value (a newer classifier?) is shown as normal rather than hidden at the bottom.
    if value in SEVERITIES:
        return str(value)
    return "low" if not value else "normal"


def _label_rank(label: str | None) -> int:
    return LABELS.index(label) if label in LABELS else len(LABELS)  # type: ignore[arg-type]


def _sections(entries: Sequence[DigestEntry]) -> list[SeveritySection]:
    sections = []
    for severity in SEVERITIES:
        in_severity = [e for e in entries if e.severity == severity]
        if not in_severity:
            continue
        labels = sorted(
            {e.label for e in in_severity}, key=lambda lb: (lb is None, _label_rank(lb), lb or "")
        )
        groups = [
            LabelGroup(
                label=lb,
                title=label_title(lb),
                entries=[e for e in in_severity if e.label == lb],
            )
            for lb in labels
        ]
        sections.append(SeveritySection(severity=severity, groups=groups))
    return sections


def label_title(label: str | None) -> str:
    if label is None:
        return NO_LABEL_TITLE
    return LABEL_TITLES.get(label, label.replace("_", " ").capitalize())


def _health(session: Session, cfg: Config) -> list[SourceHealth]:
    sources = [s for s in cfg.sources if s.enabled]
    states = digest_store.source_states(session, [s.name for s in sources])
    health = []
    for source in sources:
        state = states.get(source.name)
        if state is None or state.last_attempt_at is None:
            health.append(SourceHealth(source.name, "never run", None, 0, None))
            continue
        failing = state.consecutive_failures > 0
        error = state.last_error if failing else None
        if error and state.last_error_class:
            error = f"{state.last_error_class}: {error}"
        health.append(
            SourceHealth(
                name=source.name,
                status="failing" if failing else "ok",
                last_success_at=state.last_success_at,
                consecutive_failures=state.consecutive_failures,
                last_error=_cut(_clean(error), ERROR_MAX) if error else None,
            )
        )
    return health


# ----------------------------------------------------------------------------- text pieces


def _clean(text: str) -> str:
    """Post text for display: control and format characters gone, whitespace collapsed (a post
    must not be able to fake an email's layout with line breaks or bidi overrides)."""
    return _SPACES.sub(" ", "".join(mail.replace_unsafe(ch) for ch in text))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ranges(text: str, mentions: Sequence[MentionRow], field_name: str) -> list[tuple[int, int]]:
    """The (start, end) of each mention in this field, checked against the text and merged.

    Stored offsets are trusted only if they point at the mention's text; otherwise the text is
    looked for, and a mention that cannot be placed is not highlighted rather than misplaced.
    """
    found: list[tuple[int, int]] = []
    for m in mentions:
        if m.field != field_name:
            continue
        start, end = m.start, m.end
        valid = 0 <= start < end <= len(text)
        if not valid or (m.text and text[start:end] != m.text):
            at = text.find(m.text) if m.text else -1
            if at < 0:
                continue
            start, end = at, at + len(m.text)
        found.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _spans(text: str, ranges: Sequence[tuple[int, int]], lo: int, hi: int) -> list[Span]:
    """text[lo:hi] cut into plain and marked spans, each cleaned for display."""
    spans: list[Span] = []
    pos = lo
    for start, end in ranges:
        start, end = max(start, lo), min(end, hi)
        if start >= end:
            continue
        if start > pos:
            spans.append(Span(_clean(text[pos:start])))
        spans.append(Span(_clean(text[start:end]), mark=True))
        pos = end
    if pos < hi:
        spans.append(Span(_clean(text[pos:hi])))
    return [s for s in spans if s.text]


def _title_spans(title: str, mentions: Sequence[MentionRow]) -> list[Span]:
    hi = min(len(title), TITLE_MAX)
    spans = _spans(title, _ranges(title, mentions, "title"), 0, hi)
    if hi < len(title):
        spans.append(Span("…"))
    return spans


def _snippet_spans(text: str, mentions: Sequence[MentionRow]) -> list[Span]:
    """A window of the text around the first mention in it (or its start), cut at spaces."""
    ranges = _ranges(text, mentions, "text")
    if ranges:
        first_start, first_end = ranges[0]
        lo = max(0, first_start - SNIPPET_BEFORE)
        hi = min(len(text), first_end + SNIPPET_AFTER)
    else:
        lo, hi = 0, min(len(text), SNIPPET_BEFORE + SNIPPET_AFTER)
    if lo > 0:
        space = text.find(" ", lo, ranges[0][0] if ranges else hi)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", ranges[0][1] if ranges else lo, hi)
        hi = space if space > 0 else hi
    spans = _spans(text, ranges, lo, hi)
    if spans and lo > 0:
        spans.insert(0, Span("… "))
    if spans and hi < len(text):
        spans.append(Span(" …"))
    return spans


def _safe_link(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link (never javascript:, data: ...), else None."""
    if not url or len(url) > 2048:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(unicodedata.category(ch) in _UNSAFE or ch.isspace() for ch in url):
        return None
    return url


# ----------------------------------------------------------------------------- rendering

_env = Environment(
    loader=PackageLoader("alerts", "templates"),
    # HTML is escaped; the plain-text part must not be (it would show "&amp;"). Any other
    # template name is escaped too: the safe side.
    autoescape=select_autoescape(
        enabled_extensions=("html", "html.j2"),
        disabled_extensions=("txt", "txt.j2"),
        default=True,
    ),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(template: str, context: dict[str, object]) -> str:
    """Render one of the bundled templates (HTML ones autoescaped)."""
    return _env.get_template(template).render(context)


def local_when(dt: datetime | None, tz: ZoneInfo) -> str:
    """'Fri 20 Nov 07:30' in `tz`, or 'unknown'."""
    if dt is None:
        return "unknown"
    at = dt.astimezone(tz)
    return f"{_day(at)} {at:%H:%M}"


def _day(dt: datetime) -> str:
    return f"{_DAYS[dt.weekday()]} {dt.day} {_MONTHS[dt.month - 1]}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(content: DigestContent) -> str:
    """'3 new (1 urgent)' or 'nothing new; 4 sources checked, 1 failing'."""
    shown = len(content.entries) + content.withheld_count
    if not shown:
        return (
            f"nothing new; {_plural(content.sources_checked, 'source')} checked, "
            f"{content.sources_failing} failing"
        )
    serious = [f"{content.counts[s]} {s}" for s in ("urgent", "high") if content.counts.get(s)]
    more = "+" if content.more_waiting else ""
    return f"{shown}{more} new" + (f" ({', '.join(serious)})" if serious else "")


def render_digest(content: DigestContent, cfg: Config) -> tuple[str, str, str]:
    """(subject, html, text) for `content`."""
    tz = ZoneInfo(content.timezone or cfg.digest.timezone)
    local = content.generated_at.astimezone(tz)

    def when(dt: datetime | None) -> str:
        if dt is None:
            return "unknown"
        at = dt.astimezone(tz)
        return f"{_day(at)} {at:%H:%M}"

    subject = mail.clean_header(
        f"{content.school} — schoolwatch digest, {_day(local)}: {summary_line(content)}"
    )
    context = {
        "content": content,
        "subject": subject,
        "date": _day(local),
        "summary": summary_line(content),
        "when": when,
        "max_items": MAX_ITEMS,
        "chart_cid": CHART_CID if content.chart else None,
        "chart_days": CHART_DAYS,
        "plural": _plural,
    }
    html = _env.get_template("digest.html.j2").render(context)
    text = _env.get_template("digest.txt.j2").render(context)
    return subject, html, text


# ----------------------------------------------------------------------------- queueing


def _slt(cfg: Config, school_name: str) -> list[str]:
    return list(dict.fromkeys(cfg.school(school_name).recipients_for("slt")))


def _message(
    cfg: Config, content: DigestContent, recipients: list[str], key: str
) -> tuple[str, str, str, EmailMessage]:
    subject, html, text = render_digest(content, cfg)
    msg = mail.build_message(
        from_addr=cfg.smtp.from_,
        to=recipients,
        subject=subject,
        text=text,
        html=html,
        key=key,
        date=content.generated_at,
        images={CHART_CID: content.chart} if content.chart else None,
    )
    return subject, html, text, msg


def _had_digest_today(session: Session, cfg: Config, school_name: str, now: datetime) -> bool:
    tz = cfg.digest.tzinfo
    midnight = datetime.combine(now.astimezone(tz).date(), datetime.min.time(), tzinfo=tz)
    return digest_store.digests_since(session, school_name, midnight.astimezone(UTC)) > 0


def queue_digests(factory: sessionmaker[Session], cfg: Config, *, now: datetime) -> list[int]:
    """Queue today's digest for every school with SLT recipients; the outbox ids, in order.

    Each school is one transaction: its pending items, the ledger rows and the outbox message
    commit together or not at all. A school whose digest fails is logged and the others still
    go; `DigestError` is raised at the end, carrying the ids that were queued.
    """
    queued: list[int] = []
    failed: list[str] = []
    for school in cfg.schools:
        recipients = _slt(cfg, school.name)
        if not recipients:
            log.info("no slt recipients for %s: no digest", school.name)
            continue
        try:
            with transaction(factory) as session:
                content = build_digest(session, cfg, school.name, now=now)
                if content.is_empty and _had_digest_today(session, cfg, school.name, now):
                    # One "nothing new" heartbeat per school per local day, however many
                    # times the digest is run (by hand and by the scheduler).
                    log.info("nothing new for %s and it had a digest today: none", school.name)
                    continue
                digest = digest_store.record_digest(
                    session, school=school.name, item_ids=content.ledger_ids, now=now
                )
                key = f"digest-{digest.id}-{now.astimezone(UTC):%Y%m%dT%H%M%S}"
                subject, _, _, msg = _message(cfg, content, recipients, key)
                row = enqueue_email(session, msg, kind="digest", recipients=recipients, now=now)
                digest_store.attach_outbox(session, digest, row.id)
            queued.append(row.id)
        except IntegrityError:
            # Another digest run committed some of these items first: they are in its digest.
            log.warning("digest for %s lost a race with another run; skipped", school.name)
        except Exception:
            log.exception("digest for %s could not be queued", school.name)
            failed.append(school.name)
    if failed:
        raise DigestError(f"digest not queued for: {', '.join(failed)}", queued)
    return queued


def preview_digest(
    factory: sessionmaker[Session], cfg: Config, *, now: datetime
) -> list[DigestPreview]:
    """What `queue_digests` would send now, for every school with SLT recipients. Writes
    nothing: the session is rolled back."""
    previews = []
    with factory() as session:
        try:
            for school in cfg.schools:
                recipients = _slt(cfg, school.name)
                if not recipients:
                    continue
                content = build_digest(session, cfg, school.name, now=now)
                key = f"preview-{school.name}-{now.astimezone(UTC):%Y%m%dT%H%M%S}"
                subject, html, text, msg = _message(cfg, content, recipients, key)
                previews.append(DigestPreview(school.name, subject, html, text, msg))
        finally:
            session.rollback()
    return previews
