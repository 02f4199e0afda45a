"""The `schoolwatch` command: one entry point, a subcommand per task, --help on each."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from config.loader import ENV_VAR, ConfigError, default_config_path, load_config
from config.schema import Config
from store.errors import StoreError, masked_url

if TYPE_CHECKING:
    from alerts.outbox import FlushReport

STARTER = Path(__file__).resolve().parent.parent / "config" / "starter.yaml"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Migration, SMTP-sink and job-registration chatter is not news to the person at the
    # terminal; their warnings and errors still show.
    for noisy in ("alembic", "mail.log", "apscheduler.scheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except ConfigError as e:
        print(f"schoolwatch: config error\n{e}", file=sys.stderr)
        return 2
    except (StoreError, SQLAlchemyError) as e:
        # Unreachable, read-only, locked or deleted mid-command: say which database and why.
        print(f"schoolwatch: database error\n{_database_problem(args, e)}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `schoolwatch classify posts.jsonl | head`: the reader has gone; not an error of ours.
        # Point stdout at /dev/null so that the interpreter's final flush cannot fail again.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass  # not a real file (a test's captured output)
        return 141


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="FILE",
        help=f"config file (default: ${ENV_VAR}, else ./schoolwatch.yaml)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="more logging")

    p = argparse.ArgumentParser(
        prog="schoolwatch",
        description="Watch the public web for what is said about a school; tell the right person.",
        parents=[common],
    )
    sub = p.add_subparsers(metavar="COMMAND")

    def add(name: str, func: object, help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, parents=[common], help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    sp = add("init", cmd_init, "write a commented starter config")
    sp.add_argument("path", nargs="?", default="schoolwatch.yaml", help="where to write it")
    sp.add_argument("--force", action="store_true", help="overwrite an existing file")

    add("check-config", cmd_check_config, "validate the config and print a summary")

    sp = add("crawl", cmd_crawl, "run the configured crawls once, now")
    sp.add_argument("--source", metavar="NAME", help="only this source")
    sp.add_argument("--parallel", type=int, default=2, help="crawl processes at once (default 2)")

    sp = add("sources", cmd_sources, "sources and their health; `sources test NAME` tries one")
    sp.add_argument("action", nargs="?", choices=["test"], help="test: fetch once, store nothing")
    sp.add_argument("name", nargs="?", help="the source to test")

    sp = add("classify", cmd_classify, "analyse posts from a JSON Lines file (DESIGN.md contract)")
    sp.add_argument("input", nargs="?", default=None, help="JSON Lines file, or - for stdin")

    sp = add("explain", cmd_explain, "show every match candidate in one post and why it counted")
    sp.add_argument("text", nargs="?", default=None, help="the post's text")
    sp.add_argument("--title", default="", help="the post's title")
    sp.add_argument("--author", default="", help="the post's author")
    sp.add_argument("--image", action="append", default=[], help="a local image file (repeatable)")
    sp.add_argument("--input", metavar="FILE", help="posts in the classify JSON Lines format")
    sp.add_argument("--id", dest="post_id", help="with --input: only the post with this id")

    sp = add("evaluate", cmd_evaluate, "score the pipeline on labelled posts (JSON Lines)")
    sp.add_argument("labelled", help="posts with their expected relevant, labels and severity")
    sp.add_argument("--worst", type=int, default=10, help="how many worst misses to show")
    sp.add_argument("--json", action="store_true", help="the scores as JSON")

    sp = add("train", cmd_train, "retrain the classifier on the school's corrections")
    sp.add_argument("--out", metavar="FILE", help="where to write the model (default: config)")
    sp.add_argument("--no-feedback", action="store_true", help="the shipped examples only")
    sp.add_argument("--dry-run", action="store_true", help="print the scores, write nothing")
    sp.add_argument("--force", action="store_true", help="save even if safeguarding recall falls")

    sp = add("correct", cmd_correct, "record what a stored item's labels should have been")
    sp.add_argument("item", type=int, help="the item's id")
    sp.add_argument("--labels", required=True, help="comma-separated labels, or none")
    sp.add_argument("--severity", required=True, choices=["urgent", "high", "normal", "low"])
    sp.add_argument("--by", default="admin", help="who made the correction")
    sp.add_argument("--note", default="", help="why")

    sp = add("digest", cmd_digest, "build the SLT digest: preview it or send it")
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--preview", metavar="FILE", help="write the digest as HTML (and .eml) only")
    g.add_argument("--send", action="store_true", help="queue and send the digest now")

    add("flush", cmd_flush, "send queued email now")
    add("run", cmd_run, "run the scheduler: crawls, digests, email (until SIGTERM/SIGINT)")

    from schoolwatch.queue_cmd import add_arguments as add_queue_arguments

    add_queue_arguments(add("queue", cmd_queue, "the comms queue: list, assign, update, drafts"))

    sp = add("demo", cmd_demo, "run one full cycle on the bundled example school, offline")
    sp.add_argument("--out", default="schoolwatch-demo", help="folder for the demo's output")
    return p


def _config(args: argparse.Namespace) -> tuple[Config, Path]:
    path = default_config_path(args.config)
    cfg = load_config(path)
    args.database_url = cfg.database_url  # named if the database fails later
    return cfg, path


def _database_problem(args: argparse.Namespace, e: Exception) -> str:
    if isinstance(e, StoreError):
        return str(e)  # already names the database and the cause
    from store.migrate import _cause

    url = getattr(args, "database_url", None)
    where = f"the database at {masked_url(url)}" if url else "the database"
    return f"{where}: {_cause(e)}"


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.path)
    if target.exists() and not args.force:
        print(f"schoolwatch: {target} exists; use --force to overwrite", file=sys.stderr)
        return 1
    shutil.copyfile(STARTER, target)
    print(f"wrote {target}: edit it, then run `schoolwatch check-config --config {target}`")
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    from pipelines._school import weak_aliases
    from pipelines.match import Watchlist

    cfg, path = _config(args)
    Watchlist.from_config(cfg)  # nickname files, and entries that would match everything
    print(f"{path}: OK")
    for school in cfg.schools:
        roles = sorted({r for rec in school.recipients for r in rec.roles})
        print(
            f"  school {school.name!r}: {len(school.aliases)} aliases, {len(school.staff)} staff, "
            f"{len(school.recipients)} recipients ({', '.join(roles) or 'none'})"
        )
        for missing in [p for p in cfg.logo_paths(school) if not p.is_file()]:
            print(f"    warning: logo file not found: {missing}")
        if not school.recipients_for("slt"):
            print("    warning: no recipient has the slt role, so no digest will be sent")
        weak = weak_aliases(school.name, school.aliases) if school.location_terms else []
        if weak:
            print(
                '    note: these aliases count only with school life beside them ("St Aidans '
                'year 9") or, if longer than one word, a location term: '
                f"{', '.join(map(repr, weak))}"
            )
    for s in cfg.sources:
        state = "" if s.enabled else " (disabled)"
        print(f"  source {s.name}: {s.kind} {s.url} every {s.every // 60}m{state}")
    d = cfg.digest
    print(f"  digest: {d.time:%H:%M} {d.timezone} on {', '.join(d.days)}")
    print(f"  smtp: {cfg.smtp.host}:{cfg.smtp.port} tls={cfg.smtp.tls} from {cfg.smtp.from_}")
    print(f"  storage: {_masked(cfg.database_url)}; retention {cfg.retention_days} days")
    return 0


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_sources(args: argparse.Namespace) -> int:
    from schoolwatch.sources_cmd import list_sources, try_source

    cfg, path = _config(args)
    if args.action == "test":
        if not args.name:
            print("schoolwatch: say which source: schoolwatch sources test NAME", file=sys.stderr)
            return 2
        return try_source(cfg, path, args.name, sys.stdout)
    return list_sources(cfg, sys.stdout)


def cmd_crawl(args: argparse.Namespace) -> int:
    from schoolwatch.crawl_report import crawl_with_progress

    cfg, path = _config(args)
    return crawl_with_progress(cfg, path, args.source, parallel=args.parallel)


def cmd_explain(args: argparse.Namespace) -> int:
    from schoolwatch.explain_cmd import run_explain

    cfg, _ = _config(args)
    return run_explain(
        cfg, args.text, sys.stdout, sys.stderr, title=args.title, author=args.author,
        images=args.image, input=args.input, post_id=args.post_id,
    )  # fmt: skip


def cmd_classify(args: argparse.Namespace) -> int:
    from schoolwatch.classify_cmd import run_classify

    cfg, _ = _config(args)
    return run_classify(cfg, args.input, sys.stdout, sys.stderr)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from schoolwatch.evaluate_cmd import run_evaluate

    cfg, _ = _config(args)
    return run_evaluate(
        cfg, args.labelled, sys.stdout, sys.stderr, worst=args.worst, as_json=args.json
    )


def cmd_train(args: argparse.Namespace) -> int:
    from schoolwatch.train_cmd import run_train

    cfg, _ = _config(args)
    return run_train(
        cfg, sys.stdout, sys.stderr, out=args.out, use_feedback=not args.no_feedback,
        dry_run=args.dry_run, force=args.force,
    )  # fmt: skip


def cmd_correct(args: argparse.Namespace) -> int:
    from schoolwatch.train_cmd import run_correct

    cfg, _ = _config(args)
    return run_correct(
        cfg, args.item, args.labels, args.severity, sys.stdout, sys.stderr, by=args.by,
        note=args.note,
    )  # fmt: skip


def cmd_digest(args: argparse.Namespace) -> int:
    from store.migrate import open_store

    cfg, _ = _config(args)
    factory = open_store(cfg.database_url)
    now = datetime.now(UTC)
    if args.preview:
        from schoolwatch.digest_files import write_previews

        try:
            written = write_previews(factory, cfg, Path(args.preview), now=now)
        except OSError as e:  # a folder that cannot be made, a path that is a file ...
            print(f"schoolwatch digest: cannot write the preview: {e}", file=sys.stderr)
            return 1
        for path in written:
            print(f"wrote {path}")
        return 0
    from alerts.digest import queue_digests
    from alerts.outbox import flush

    ids = queue_digests(factory, cfg, now=now)
    report = flush(factory, cfg.smtp, now=now)
    print(f"digest: {len(ids)} queued; {_flushed(report)}")
    return 0 if not report.failed and not report.retried else 1


def cmd_flush(args: argparse.Namespace) -> int:
    from alerts.failures import notify_admins
    from alerts.outbox import flush
    from alerts.queue import remind_and_escalate
    from alerts.urgent import route_new_items
    from store.migrate import open_store

    cfg, _ = _config(args)
    factory = open_store(cfg.database_url)
    # What the scheduler's flush does every minute: after `schoolwatch crawl` without a
    # running `schoolwatch run`, the alerts for what was stored would otherwise never go.
    routed = route_new_items(factory, cfg)
    remind_and_escalate(factory, cfg)
    notify_admins(factory, cfg)
    if routed.routed:
        print(f"routed {routed.routed} new item(s): {routed.alerts} alert(s) queued")
    report = flush(factory, cfg.smtp)
    print(f"outbox: {_flushed(report)}")
    return 0 if not report.failed and not report.retried else 1


def _flushed(report: FlushReport) -> str:
    text = f"{report.sent} sent, {report.retried} to retry, {report.failed} failed"
    if report.deferred:  # not tried: the server was unreachable; still queued
        text += f", {report.deferred} not tried (the SMTP server is unreachable; still queued)"
    return text


def cmd_queue(args: argparse.Namespace) -> int:
    from schoolwatch.queue_cmd import run_queue

    cfg, _ = _config(args)
    return run_queue(cfg, args, sys.stdout, sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from schoolwatch.scheduler import run_forever

    cfg, path = _config(args)
    return run_forever(cfg, path)


def cmd_demo(args: argparse.Namespace) -> int:
    from schoolwatch.demo import run_demo

    return run_demo(Path(args.out))


if __name__ == "__main__":
    sys.exit(main())
