"""`schoolwatch queue`: the comms queue from the command line.

schoolwatch queue list [--all] [--school NAME]
schoolwatch queue show ID
schoolwatch queue assign ID EMAIL
schoolwatch queue status ID STATUS [--note TEXT]    (new, acknowledged, replied,
                                                     escalated, closed, not_relevant)
schoolwatch queue draft ID [--template NAME]
"""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime
from typing import TextIO

from alerts.mail import clean_header
from config.schema import Config
from store.queue import OPEN_STATUSES, QUEUE_STATUSES


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
    for p in (ls, show, assign, status, draft):
        p.add_argument("--by", default=None, help="who is making the change (default: $USER)")
        # Accepted after the action too; SUPPRESS keeps a value given before it.
        p.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="config file")
        p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS)


def run_queue(cfg: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
