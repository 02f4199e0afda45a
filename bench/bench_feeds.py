"""The feed spider over a folder of real-world feeds (good and malformed), served on loopback.

    .venv/bin/python bench/bench_feeds.py ../shared/eval-public/feeds [--workers 4]

Every file becomes a `feed` source served from 127.0.0.1 and is crawled the way production
crawls (one child process per source, all into one scratch SQLite database, in parallel).
Per file it prints the verdict:

    parsed    read, no warnings
    salvaged  read with warnings (a malformed feed whose entries could still be read)
    failed    recorded as a failure with its class (parse_error, not_a_feed, ...)
    CRASH     the crawl exited other than 0 or 3, or recorded no state: a bug

then the totals, whether any crawl crashed, whether every other source still got its state
recorded, the time per crawl and, for the parser alone (in this process, no network), the time
per file and the peak memory. Reads the folder; writes only to a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from httpserver import LoopbackServer, run_crawls, write_config  # noqa: E402

from crawler.spiders.feedformats import read_feed  # noqa: E402
from store import sources  # noqa: E402
from store.db import transaction  # noqa: E402
from store.migrate import open_store  # noqa: E402

_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".json": "application/feed+json",
    ".html": "text/html",
}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def _parser_only(files: list[Path]) -> tuple[float, float]:
    """Seconds per file and peak MB for read_feed alone (every file, failures included)."""
    tracemalloc.start()
    started = time.perf_counter()
    for path in files:
        ctype = _TYPES.get(path.suffix, "application/octet-stream")
        try:
            read_feed(path.read_bytes(), "http://127.0.0.1/f", {"content-type": ctype}, "b",
                      datetime.now(UTC))  # fmt: skip
        except Exception:  # noqa: BLE001, S110 - a named failure is a result here
            pass
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed / max(1, len(files)), peak / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folder", type=Path, help="e.g. ../shared/eval-public/feeds")
    ap.add_argument("--workers", type=int, default=4, help="crawl processes at once")
    args = ap.parse_args(argv)
    folder = args.folder.resolve()
    files = _files(folder)
    if not files:
        print(f"{folder}: no files", file=sys.stderr)
        return 2
    names = {f"f{n:03d}": path for n, path in enumerate(files)}
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp, LoopbackServer() as server:
        work = Path(tmp)
        db = work / "bench.db"
        factory = open_store(f"sqlite:///{db}")
        for name, path in names.items():
            ctype = _TYPES.get(path.suffix, "application/octet-stream")
            server.route(f"/{name}{path.suffix}", path.read_bytes(), content_type=ctype)
        srcs: list[dict[str, object]] = [
            {"name": name, "kind": "feed", "url": server.url(f"/{name}{path.suffix}"),
             "full_text": False}  # the feed parser is measured, not the article pages
            for name, path in names.items()
        ]  # fmt: skip
        config = write_config(work / "bench.yaml", sources=srcs, database=db)
        started = time.perf_counter()
        runs = run_crawls(
            [("feed", name, config) for name in names],
            workdir=work,
            workers=args.workers,
            pipelines=False,
            export=False,
        )
        crawl_seconds = time.perf_counter() - started
        with transaction(factory) as session:
            states = {s.name: s for s in sources.all_states(session)}
            verdicts: dict[str, int] = {"parsed": 0, "salvaged": 0, "failed": 0, "CRASH": 0}
            print(f"{'file':52} {'verdict':9} {'entries':>7}  detail")
            for name, path in names.items():
                run, state = runs[("feed", name)], states.get(name)
                rel = str(path.relative_to(folder))
                if state is None or run.returncode not in (0, 3):
                    verdict, detail, items = "CRASH", f"exit {run.returncode}", "-"
                elif state.consecutive_failures:
                    verdict, items = "failed", "-"
                    detail = f"{state.last_error_class}: {state.last_error or ''}"
                elif state.warnings:
                    verdict, items, detail = "salvaged", str(state.last_items), state.warnings[0]
                else:
                    verdict, items, detail = "parsed", str(state.last_items), ""
                verdicts[verdict] += 1
                detail = detail.replace(server.base_url, "")
                print(f"{rel[:52]:52} {verdict:9} {items:>7}  {detail[:110]}")
    per_file, peak = _parser_only(files)
    n = len(files)
    print(
        f"\n{n} files: {verdicts['parsed']} parsed, {verdicts['salvaged']} salvaged, "
        f"{verdicts['failed']} failed, {verdicts['CRASH']} crashed"
    )
    recorded = sum(1 for name in names if name in states)
    print(f"state recorded for {recorded}/{n} sources (a bad file must not stop the others)")
    print(
        f"crawls: {crawl_seconds:.1f} s for {n} ({crawl_seconds / n:.2f} s each with "
        f"{args.workers} workers, mostly process start-up)"
    )
    print(f"parser alone: {per_file * 1000:.1f} ms/file; peak {peak:.1f} MB")
    return 1 if verdicts["CRASH"] else 0


if __name__ == "__main__":
    sys.exit(main())
