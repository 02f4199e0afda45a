"""`schoolwatch queue`: the comms queue from the command line.

schoolwatch queue list [--all] [--school NAME]
schoolwatch queue show ID
schoolwatch queue assign ID EMAIL
schoolwatch queue status ID STATUS [--note TEXT]    (new, acknowledged, replied,
                                                     escalated, closed, not_relevant)
schoolwatch queue draft ID [--template NAME]
schoolwatch queue relabel ID --labels L1,L2|none --severity SEV [--note TEXT]
    (what the labels should have been, kept as feedback for `schoolwatch train`; an item that is
    no longer a parental complaint is closed; errors exit 2)
"""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from alerts.mail import clean_header
from config.schema import Config
from pipelines.post import LABELS, SEVERITIES
from store.queue import OPEN_STATUSES, QUEUE_STATUSES

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from store.models import Feedback, Item


def add_arguments(sp: argparse.ArgumentParser) -> None:
    sub = sp.add_subparsers(dest="queue_action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="open items, soonest due first")
    ls.add_argument("--all", action="store_true", help="include replied, closed, not relevant")
    ls.add_argument("--school", metavar="NAME", help="only this school")
    show = sub.add_parser("show", help="one item in full")
    show.add_argument("id", type=int)
    assign = sub.add_parser("assign", help="give an item an owner")
    assign.add_argument("id", type=int)
    assign.add_argument("owner", help="the owner's email address")
    status = sub.add_parser("status", help="change an item's status")
    status.add_argument("id", type=int)
    status.add_argument("status", help=", ".join(QUEUE_STATUSES))
    status.add_argument("--note", default="", help="why (kept with the item)")
    draft = sub.add_parser("draft", help="print a reply draft from the school's template")
    draft.add_argument("id", type=int)
    draft.add_argument("--template", default=None, help="template name (default reply.txt.j2)")
    relabel = sub.add_parser("relabel", help="correct an item's labels (feedback for training)")
    relabel.add_argument("id", type=int)
    relabel.add_argument(
        "--labels", required=True, help=f"comma-separated, or none: {', '.join(LABELS)}"
    )
    relabel.add_argument("--severity", required=True, help=", ".join(SEVERITIES))
    relabel.add_argument("--note", default="", help="why (kept with the item and the feedback)")
    for p in (ls, show, assign, status, draft, relabel):
        p.add_argument("--by", default=None, help="who is making the change (default: $USER)")
        # Accepted after the action too; SUPPRESS keeps a value given before it.
        p.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="config file")
        p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS)


def run_queue(cfg: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.queue_action == "relabel":
        return _relabel(cfg, args, out, err)
    from alerts import queue as comms
    from alerts.digest import local_when
    from alerts.replies import DEFAULT_TEMPLATE, DraftError, draft_reply
    from store import queue as queue_store
    from store.db import transaction
    from store.migrate import open_store
    from store.models import Item

    factory = open_store(cfg.database_url)
    now = datetime.now(UTC)
    by = args.by or getpass.getuser()
    tz = cfg.digest.tzinfo
    action = args.queue_action
    try:
        if action == "list":
            statuses = None if args.all else OPEN_STATUSES
            with transaction(factory) as s:
                rows = queue_store.queue_items(s, school=args.school, statuses=statuses)
                if not rows:
                    print("the comms queue is empty", file=out)
                for row in rows:
                    item = s.get(Item, row.item_id)
                    late = " OVERDUE" if row.due_at < now and comms.is_open(row) else ""
                    title = clean_header(item.title or item.text if item else "(purged)", 70)
                    due = local_when(row.due_at, tz)
                    owner = row.owner or "(no owner)"
                    print(
                        f"#{row.id:<5} {row.status:<13} due {due}{late}  {owner}  "
                        f"{row.school}: {title}",
                        file=out,
                    )
            return 0
        if action == "show":
            with transaction(factory) as s:
                row = comms.get(s, args.id)
                item = s.get(Item, row.item_id)
                print(
                    f"#{row.id} {row.school}: {row.status}, owner {row.owner or 'nobody'}", file=out
                )
                found = local_when(row.found_at, tz)
                due = local_when(row.due_at, tz)
                print(f"found {found}, due {due} ({cfg.digest.timezone})", file=out)
                if item is not None:
                    print(f"labels: {_labels(item)}", file=out)
                fb = comms.latest_correction(s, row)
                if fb is not None:
                    print(f"corrected: {_correction(fb, tz)}", file=out)
                if item is not None:
                    print(f"{item.url}\n\n{item.title}\n{item.text}", file=out)
                if row.note:
                    print(f"\nnotes:\n{row.note}", file=out)
            return 0
        if action == "assign":
            row = comms.assign(factory, args.id, args.owner, by=by, now=now)
            print(f"#{row.id} is now owned by {row.owner}", file=out)
            return 0
        if action == "status":
            row = comms.set_status(factory, args.id, args.status, by=by, now=now, note=args.note)
            extra = " (kept as feedback for the matcher)" if row.status == "not_relevant" else ""
            print(f"#{row.id} is now {row.status}{extra}", file=out)
            return 0
        if action == "draft":
            with transaction(factory) as s:
                draft_row = comms.get(s, args.id)
                item = s.get(Item, draft_row.item_id)
                if item is None:
                    raise comms.QueueError(f"#{args.id}: its post has been purged")
                text = draft_reply(cfg, draft_row.school, item, args.template or DEFAULT_TEMPLATE)
            out.write(text)
            return 0
    except (comms.QueueError, DraftError) as e:
        print(f"schoolwatch queue: {e}", file=err)
        return 1
    raise AssertionError(action)


def _labels(item: Item) -> str:
    """The pipeline's labels and severity: 'parental_complaint 0.80; severity normal'."""
    found = ", ".join(f"{lb.label} {lb.score:.2f}" for lb in item.labels) or "none"
    return f"{found}; severity {item.severity or 'none'} (as classified)"


def _correction(fb: Feedback, tz: ZoneInfo) -> str:
    from alerts.digest import local_when

    if fb.labels is None:
        what = "not relevant" if fb.relevant is False else "relevant"
    else:
        what = f"{', '.join(fb.labels) or 'no label'}; severity {fb.severity}"
    text = f"{what} (by {fb.created_by or 'unknown'}, {local_when(fb.created_at, tz)})"
    return text + (f": {fb.note}" if fb.note else "")


def _relabel(cfg: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`schoolwatch queue relabel`: every problem is one line on stderr and exit code 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from alerts import queue as comms
    from store.errors import StoreError, masked_url
    from store.migrate import _cause, open_store

    raw = args.labels.strip().lower()
    labels = [] if raw == "none" else [x.strip() for x in raw.split(",") if x.strip()]
    severity = args.severity.strip().lower()
    by = args.by or getpass.getuser()
    try:
        factory = open_store(cfg.database_url)
        done = comms.relabel(
            factory, args.id, labels, severity, by=by, now=datetime.now(UTC), note=args.note
        )
    except comms.QueueError as e:
        print(f"schoolwatch queue: {e}", file=err)
        return 2
    except StoreError as e:  # already names the database (password masked) and the cause
        problem = (str(e).strip().splitlines() or [_cause(e)])[0]
        print(f"schoolwatch queue: database error: {problem}", file=err)
        return 2
    except SQLAlchemyError as e:
        where = masked_url(cfg.database_url)
        print(f"schoolwatch queue: database error: the database at {where}: {_cause(e)}", file=err)
        return 2
    row = done.row
    print(
        f"#{row.id}: labels corrected to {', '.join(done.labels) or 'no label'}, "
        f"{done.severity} (feedback #{done.feedback_id}; `schoolwatch train` learns from it)",
        file=out,
    )
    if done.closed:
        print(
            f"#{row.id} is now closed: not a parental complaint, so no reminder or escalation",
            file=out,
        )
    if done.safeguarding_added:
        print(
            f"schoolwatch queue: WARNING: #{row.id} is now labelled safeguarding, which it was "
            "not classified as, and this command has NOT alerted the DSL: unless they already "
            "know, tell the designated safeguarding lead yourself now",
            file=err,
        )
    return 0
