"""Start crawls: one OS process per source (DESIGN.md), a few at a time.

The Twisted reactor cannot restart inside one process, and a crawl that crashes or leaks
must not take the caller (the scheduler, or `schoolwatch crawl`) down with it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from config.schema import Config, Source

# A crawl that runs longer than this is stopped: a stuck source must not block its next run.
DEFAULT_CRAWL_TIMEOUT = 30 * 60
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CrawlResult:
    source: str
    returncode: int
    seconds: float
    log_tail: list[str] = field(default_factory=list)
    # The log's own ERROR lines and the exceptions they end in (what went wrong and where), so
    # that a failure is not hidden behind the monitors' report at the end of the log.
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def problem_lines(self, limit: int = 8) -> list[str]:
        return self.errors[:limit] if self.errors else self.log_tail[-limit:]


# "2026-01-01 10:00:00 [name] ERROR: message", or the last line of a traceback.
_ERROR_LINE = re.compile(r"^\S+ \S+ \[[^\]]+\] (?:ERROR|CRITICAL): (?!\[Spidermon\])")
_EXCEPTION_LINE = re.compile(r"^(?!AssertionError)[A-Za-z_][\w.]*(?:Error|Exception): ")
_MAX_ERRORS = 20


class CrawlRunner:
    """Runs `python -m scrapy crawl <kind> -a source=<name>` child processes.

    Children are tracked so that a stopping scheduler can terminate them cleanly.
    """

    def __init__(self, config_path: Path, *, timeout: float = DEFAULT_CRAWL_TIMEOUT):
        self.config_path = config_path.resolve()
        self.timeout = timeout
        self._children: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self._stopping = False

    def command(self, source: Source) -> list[str]:
        return [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            source.kind,
            "-a",
            f"source={source.name}",
            "-s",
            f"SCHOOLWATCH_CONFIG={self.config_path}",
        ]

    def run_one(self, source: Source) -> CrawlResult:
        env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings")
        # The child must import this project's packages even when it runs from a checkout
        # that was not pip-installed.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
        )
        env.setdefault("PYTHONUNBUFFERED", "1")
        started = time.monotonic()
        tail: deque[str] = deque(maxlen=30)
        errors: list[str] = []
        with self._lock:
            if self._stopping:
                return CrawlResult(source.name, -1, 0.0, ["not started: shutting down"])
            proc = subprocess.Popen(
                self.command(source),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                errors="replace",
                env=env,
            )
            self._children.add(proc)
        timer = threading.Timer(self.timeout, proc.kill)
        timer.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                line = line.rstrip("\n")
                tail.append(line)
                if len(errors) < _MAX_ERRORS and (
                    _ERROR_LINE.match(line) or _EXCEPTION_LINE.match(line)
                ):
                    errors.append(line)
            rc = proc.wait()
        finally:
            timer.cancel()
            with self._lock:
                self._children.discard(proc)
        return CrawlResult(source.name, rc, time.monotonic() - started, list(tail), errors)

    def run_many(
        self,
        sources: Iterable[Source],
        *,
        parallel: int = 2,
        on_done: Callable[[CrawlResult], None] | None = None,
    ) -> list[CrawlResult]:
        todo = list(sources)
        results: list[CrawlResult] = []
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            for result in pool.map(self.run_one, todo):
                results.append(result)
                if on_done:
                    on_done(result)
        return results

    def stop(self, grace: float = 20.0) -> None:
        """Ask running crawls to stop (Scrapy finishes in-flight items on SIGTERM), then kill."""
        with self._lock:
            self._stopping = True
            children = list(self._children)
        for proc in children:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + grace
        for proc in children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


def selected_sources(cfg: Config, name: str | None) -> list[Source]:
    if name is None:
        return [s for s in cfg.sources if s.enabled]
    try:
        return [cfg.source(name)]
    except KeyError:
        known = ", ".join(s.name for s in cfg.sources) or "none configured"
        raise SystemExit(f"schoolwatch: no source named {name!r} (known: {known})") from None
