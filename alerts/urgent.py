"""Immediate alerts: route newly stored items to the right people, once, without flooding them.

`route_new_items` runs before every outbox flush (the scheduler's flush job), so an item stored
by a crawl reaches its recipients at the next flush. For each school, in ONE transaction:

1. every item that mentions the school and has not been routed for it gets a RoutedItem row
   (the ledger; unique per school and item, so nothing is routed twice), a comms-queue entry if
   its lane says so, and an AlertDelivery row per recipient its lanes name (alerts.lanes);
2. each waiting delivery is compared with the alerts that recipient has had about the school in
   the last `alerts.group_window`: a near-duplicate (word-set Jaccard similarity at least
   `alerts.group_similarity`, links, handles and "RT" ignored) is recorded as `grouped` into
   that alert and not sent — 500 copies of one viral post are one alert;
3. the rest are written to the outbox, one message per alert, unless the recipient has had
   `rate_limit.count` alert messages in `rate_limit.per`: then the last free message carries
   all the remaining alerts together, and with none free they are `held` and go out together
   when the window allows. Nothing is dropped.

Because the ledger, the deliveries and the outbox rows commit together, an alert is queued
exactly when its item is marked routed; delivery is then the outbox's at-least-once guarantee.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from alerts import calendar, lanes, mail
from alerts.digest import entry_for, label_title, local_when, render
from alerts.outbox import enqueue_email
from config.schema import Config, School
from store import queue as queue_store
from store.db import transaction
from store.models import AlertDelivery, Item, QueueItem, RoutedItem

log = logging.getLogger(__name__)

# Items first seen longer ago than this are not routed at all (no alert, no queue entry; the
# digest still shows them): after a long outage, or on upgrading a store full of old items, a
# flood of stale "urgent" mail and already-overdue complaints helps no one.
ALERT_WINDOW = timedelta(days=3)
ROUTE_BATCH = 2000  # items per school per pass; the rest wait for the next flush

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"[@#]\w+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_NOISE = frozenset({"rt", "via", "amp"})


@dataclass
class RouteReport:
    routed: int = 0
    queued: int = 0  # comms-queue entries made
    alerts: int = 0  # outbox messages written
    grouped: int = 0
    held: int = 0
    errors: list[str] = field(default_factory=list)


def words(text: str) -> frozenset[str]:
    """The words that say what a post is: lower case, without links, handles and 'RT'."""
    text = _HANDLE.sub(" ", _URL.sub(" ", text.lower()))
    return frozenset(w for w in _WORD.findall(text) if w not in _NOISE)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _item_words(item: Item) -> frozenset[str]:
    return words(f"{item.title}\n{item.text}")


def route_new_items(
    factory: sessionmaker[Session], cfg: Config, *, now: datetime | None = None
) -> RouteReport:
    """Route everything stored since the last pass, school by school. A school that fails is
    logged and retried at the next pass; the others go on."""
    report = RouteReport()
    for school in cfg.schools:
        at = now or datetime.now(UTC)
        try:
            with transaction(factory) as session:
                _route_school(session, cfg, school, at, report)
        except IntegrityError:
            # Another flush routed some of these items first: they are its responsibility.
            log.warning(
                "routing for %s lost a race with another flush; retried next time", school.name
            )
        except Exception as e:
            log.exception("routing alerts for %s failed; retried at the next flush", school.name)
            report.errors.append(f"{school.name}: {type(e).__name__}: {e}")
    return report


def _route_school(
    session: Session, cfg: Config, school: School, now: datetime, report: RouteReport
) -> None:
    since = now - ALERT_WINDOW
    for item in queue_store.unrouted_items(session, school.name, since=since, limit=ROUTE_BATCH):
        labels = [row.label for row in sorted(item.labels, key=lambda r: -r.score)]
        decision = lanes.route(school, labels, item.severity)
        session.add(RoutedItem(school=school.name, item_id=item.id, labels=labels, routed_at=now))
        report.routed += 1
        if decision.queue:
            _add_to_queue(session, cfg, school, item, now)
            report.queued += 1
        for address in decision.alert_to:
            session.add(
                AlertDelivery(
                    school=school.name,
                    item_id=item.id,
                    recipient=address,
                    labels=decision.alert_labels,
                    status="new",
                    created_at=now,
                )
            )
    session.flush()
    _deliver(session, cfg, school, now, report)


def _add_to_queue(session: Session, cfg: Config, school: School, item: Item, now: datetime) -> None:
    owners = school.recipients_for("comms")
    session.add(
        QueueItem(
            school=school.name,
            item_id=item.id,
            owner=owners[0] if owners else "",
            status="new",
            found_at=item.first_seen_at,
            due_at=calendar.complaint_due(cfg, item.first_seen_at),
            reminders_sent=0,
            updated_at=now,
            updated_by="schoolwatch",
            note="",
        )
    )


@dataclass
class _Group:
    lead: AlertDelivery
    words: frozenset[str]
    copies: int = 1  # deliveries (items) it stands for, the lead included


def _deliver(
    session: Session, cfg: Config, school: School, now: datetime, report: RouteReport
) -> None:
    waiting = queue_store.waiting_deliveries(session, school.name)
    if not waiting:
        return
    by_recipient: dict[str, list[AlertDelivery]] = {}
    for d in waiting:
        by_recipient.setdefault(d.recipient, []).append(d)
    window_start = now - timedelta(seconds=cfg.alerts.group_window)
    for recipient, deliveries in by_recipient.items():
        recent = queue_store.recent_sent(session, school.name, recipient, window_start)
        items = queue_store.items_by_id(
            session, [d.item_id for d in recent] + [d.item_id for d in deliveries]
        )
        groups = [_Group(d, _item_words(items[d.item_id])) for d in recent if d.item_id in items]
        fresh: list[_Group] = []
        for d in deliveries:
            item = items.get(d.item_id)
            if item is None:  # purged meanwhile: nothing left to tell
                d.status = "grouped"
                continue
            w = _item_words(item)
            match = next(
                (g for g in groups if similarity(g.words, w) >= cfg.alerts.group_similarity), None
            )
            if match is not None:
                d.status, d.group_id = "grouped", match.lead.id
                match.copies += 1
                report.grouped += 1
                continue
            group = _Group(d, w)
            groups.append(group)
            fresh.append(group)
        if not fresh:
            continue
        limit = cfg.alerts.rate_limit
        used = queue_store.messages_sent_to(session, recipient, now - timedelta(seconds=limit.per))
        free = limit.count - used
        if free <= 0:
            for g in fresh:
                g.lead.status = "held"
            report.held += len(fresh)
            log.warning("alerts to %s held: %d in the last %ds", recipient, used, limit.per)
            continue
        singles, combined = (
            (fresh, []) if len(fresh) <= free else (fresh[: free - 1], fresh[free - 1 :])
        )
        for g in singles:
            _send(session, cfg, school, recipient, [g], items, now)
            report.alerts += 1
        if combined:
            _send(session, cfg, school, recipient, combined, items, now)
            report.alerts += 1


def _send(
    session: Session,
    cfg: Config,
    school: School,
    recipient: str,
    groups: Sequence[_Group],
    items: dict[int, Item],
    now: datetime,
) -> None:
    entries = [(entry_for(items[g.lead.item_id], school.name), g) for g in groups]
    labels = list(dict.fromkeys(label for g in groups for label in g.lead.labels))
    first = entries[0][0]
    if len(entries) == 1:
        head = " ".join(s.text for s in first.title) or " ".join(s.text for s in first.snippet)
        subject = f"[{first.severity.upper()}] {_labels_text(labels)}: {school.name} — {head}"
    else:
        subject = f"{len(entries)} alerts ({_labels_text(labels)}): {school.name}"
    tz = cfg.digest.tzinfo
    context = {
        "school": school.name,
        "subject": mail.clean_header(subject),
        "entries": [{"entry": e, "copies": g.copies} for e, g in entries],
        "labels": labels,
        "label_title": label_title,
        "when": lambda dt: local_when(dt, tz),
        "timezone": cfg.digest.timezone,
    }
    key = f"alert-{school.name}-{recipient}-{groups[0].lead.id}"
    msg = mail.build_message(
        from_addr=cfg.smtp.from_,
        to=[recipient],
        subject=subject,
        text=render("alert.txt.j2", context),
        html=render("alert.html.j2", context),
        key=key,
        date=now,
    )
    if any(e.severity == "urgent" for e, _ in entries):
        msg["Importance"] = "high"
    row = enqueue_email(session, msg, kind="alert", recipients=[recipient], now=now)
    for g in groups:
        g.lead.status, g.lead.outbox_id, g.lead.sent_at = "sent", row.id, now


def _labels_text(labels: Sequence[str]) -> str:
    return ", ".join(label_title(label) for label in labels) or "Alert"
