"""The `schoolwatch` command: one entry point, a subcommand per task, --help on each."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from config.loader import ENV_VAR, ConfigError, default_config_path, load_config
from config.schema import Config

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
    # Migration and SMTP-sink chatter is not news to the person at the terminal.
    for noisy in ("alembic", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except ConfigError as e:
        print(f"schoolwatch: config error\n{e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


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

    sp = add("classify", cmd_classify, "analyse posts from a JSON Lines file (DESIGN.md contract)")
    sp.add_argument("input", nargs="?", default=None, help="JSON Lines file, or - for stdin")

    sp = add("digest", cmd_digest, "build the SLT digest: preview it or send it")
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--preview", metavar="FILE", help="write the digest as HTML (and .eml) only")
    g.add_argument("--send", action="store_true", help="queue and send the digest now")

    add("flush", cmd_flush, "send queued email now")
    add("run", cmd_run, "run the scheduler: crawls, digests, email (until SIGTERM/SIGINT)")

    sp = add("demo", cmd_demo, "run one full cycle on the bundled example school, offline")
    sp.add_argument("--out", default="schoolwatch-demo", help="folder for the demo's output")
    return p


def _config(args: argparse.Namespace) -> tuple[Config, Path]:
    path = default_config_path(args.config)
    return load_config(path), path


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.path)
    if target.exists() and not args.force:
        print(f"schoolwatch: {target} exists; use --force to overwrite", file=sys.stderr)
        return 1
    shutil.copyfile(STARTER, target)
    print(f"wrote {target}: edit it, then run `schoolwatch check-config --config {target}`")
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    cfg, path = _config(args)
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


def cmd_crawl(args: argparse.Namespace) -> int:
    from schoolwatch.crawl_report import crawl_with_progress

    cfg, path = _config(args)
    return crawl_with_progress(cfg, path, args.source, parallel=args.parallel)


def cmd_classify(args: argparse.Namespace) -> int:
    from schoolwatch.classify_cmd import run_classify

    cfg, _ = _config(args)
    return run_classify(cfg, args.input, sys.stdout, sys.stderr)


def cmd_digest(args: argparse.Namespace) -> int:
    from store.migrate import open_store

    cfg, _ = _config(args)
    factory = open_store(cfg.database_url)
    now = datetime.now(UTC)
    if args.preview:
        from schoolwatch.digest_files import write_previews

        for written in write_previews(factory, cfg, Path(args.preview), now=now):
            print(f"wrote {written}")
        return 0
    from alerts.digest import queue_digests
    from alerts.outbox import flush

    ids = queue_digests(factory, cfg, now=now)
    report = flush(factory, cfg.smtp, now=now)
    print(
        f"digest: {len(ids)} queued; {report.sent} sent, {report.retried} to retry, "
        f"{report.failed} failed"
    )
    return 0 if not report.failed and not report.retried else 1


def cmd_flush(args: argparse.Namespace) -> int:
    from alerts.outbox import flush
    from store.migrate import open_store

    cfg, _ = _config(args)
    report = flush(open_store(cfg.database_url), cfg.smtp)
    print(f"outbox: {report.sent} sent, {report.retried} to retry, {report.failed} failed")
    return 0 if not report.failed and not report.retried else 1


def cmd_run(args: argparse.Namespace) -> int:
    from schoolwatch.scheduler import run_forever

    cfg, path = _config(args)
    return run_forever(cfg, path)


def cmd_demo(args: argparse.Namespace) -> int:
    from schoolwatch.demo import run_demo

    return run_demo(Path(args.out))


if __name__ == "__main__":
    sys.exit(main())
