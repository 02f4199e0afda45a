"""`schoolwatch sources`: every configured source with its health; `sources test NAME`:
fetch one source once and show what would be extracted, storing nothing.

The test fetch is a real crawl (`scrapy crawl KIND -a source=NAME -a dry_run=1`) in a child
process, like every crawl, with the item pipelines off: no database is opened, no state is
recorded, no image is cached, no conditional GET is sent (the whole body is wanted).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from config.schema import Config, Source
from schoolwatch.crawl import PROJECT_ROOT, CrawlRunner
from store.models import SourceState

TEST_TIMEOUT = 300  # seconds


@dataclass
class Health:
    name: str
    status: str  # ok, failing, quiet (empty for a while), never run, disabled
    detail: str


def health_of(source: Source, state: SourceState | None, now: datetime) -> Health:
    if not source.enabled:
        return Health(source.name, "disabled", "")
    if state is None or state.last_attempt_at is None:
        return Health(source.name, "never run", "")
    if state.consecutive_failures:
        return Health(
            source.name,
            "failing",
            f"{state.consecutive_failures} in a row; {state.last_error_class}: {state.last_error}",
        )
    if state.last_items == 0 and state.total_items and state.last_success_at:
        since = now - state.last_success_at
        return Health(source.name, "quiet", f"no entries for {_ago(since.total_seconds())}")
    warned = f"; {len(state.warnings)} warning(s)" if state.warnings else ""
    return Health(source.name, "ok", f"{state.last_items} entries last time{warned}")


def _ago(seconds: float) -> str:
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


def list_sources(cfg: Config, out: TextIO, *, now: datetime | None = None) -> int:
    """One line per configured source; the exit status is 1 when any enabled one is failing."""
    from store import sources
    from store.db import transaction
    from store.migrate import open_store

    now = now or datetime.now(UTC)
    if not cfg.sources:
        print("no sources configured", file=out)
        return 0
    with transaction(open_store(cfg.database_url)) as session:
        states = {s.name: s for s in sources.all_states(session)}
        rows = [(s, states.get(s.name)) for s in cfg.sources]
        header = f"{'source':24} {'kind':13} {'status':9} {'last success':16} {'total':>7}  detail"
        print(header, file=out)
        failing = False
        for source, state in rows:
            h = health_of(source, state, now)
            failing = failing or h.status == "failing"
            total = str(state.total_items) if state else "-"
            last = _when(state.last_success_at if state else None)
            print(
                f"{source.name[:24]:24} {source.kind:13} {h.status:9} {last:16} {total:>7}  "
                f"{h.detail[:160]}",
                file=out,
            )
    return 1 if failing else 0


def try_source(cfg: Config, config_path: Path, name: str, out: TextIO) -> int:
    """Fetch `name` once and print what would be extracted. Exit status as `scrapy crawl`."""
    try:
        source = cfg.source(name)
    except KeyError:
        known = ", ".join(s.name for s in cfg.sources) or "none configured"
        print(f"schoolwatch: no source named {name!r} (known: {known})", file=sys.stderr)
        return 2
    command = CrawlRunner(config_path).command(source)
    with tempfile.TemporaryDirectory(prefix="schoolwatch-test-") as tmp:
        export = Path(tmp) / "posts.jsonl"
        command += ["-a", "dry_run=1", "-s", "ITEM_PIPELINES={}", "-O", str(export)]
        env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
        )
        print(f"fetching {source.url} ({source.kind}) once; nothing is stored", file=out)
        proc = subprocess.run(
            command, cwd=tmp, env=env, capture_output=True, text=True, timeout=TEST_TIMEOUT
        )
        posts = [json.loads(line) for line in _lines(export)]
    for line in proc.stderr.splitlines():
        if f"source {name}:" in line:  # the spider's own verdict and warnings
            print(line.split(f"source {name}:", 1)[1].strip(), file=out)
    if proc.returncode not in (0, 3):
        print("\n".join(proc.stderr.splitlines()[-15:]), file=out)
    for n, post in enumerate(posts, start=1):
        print(f"\n[{n}] {post.get('title') or '(no title)'}", file=out)
        for key in ("url", "author", "published"):
            if post.get(key):
                print(f"    {key}: {post[key]}", file=out)
        if post.get("images"):
            print(f"    images: {', '.join(post['images'][:4])}", file=out)
        text = str(post.get("text") or "")
        print("    " + (text[:400] + ("…" if len(text) > 400 else "")).replace("\n", " "), file=out)
    print(f"\n{len(posts)} post(s) would be analysed", file=out)
    return proc.returncode


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text("utf-8").splitlines() if line.strip()]
