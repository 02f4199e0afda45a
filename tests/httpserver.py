"""A programmable HTTP server on 127.0.0.1 for tests: real sockets, no internet.

    with LoopbackServer() as server:
        server.route("/feed.xml", body, content_type="application/rss+xml", etag='"v1"')
        server.route("/slow", b"late", delay=5)        # sleeps before answering
        server.route("/t?page=2", page2)                # a route with a query matches exactly
        server.route("/huge", size=20 * 2**20)          # streams 20 MB of filler
        server.robots("User-agent: *\\nDisallow: /private/\\n")
        server.serve_folder("/", Path("config/example/site"))
        crawl(server.url("/feed.xml"))
        assert server.paths() == ["/robots.txt", "/feed.xml"]

Threaded, so a slow route does not hold up the others. Every request received is logged
(method, path, headers) before it is answered, including those that then get a 404.

Below the server: `write_config` (a test config pointing at it) and `run_crawl`/`run_crawls`
(real crawls in child processes, as production runs them).
"""

from __future__ import annotations

import json
import mimetypes
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

_CHUNK = 64 * 1024

# Content types for the files of a served folder where mimetypes guesses too vaguely.
_FOLDER_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    etag: str | None = None  # sent as ETag; a matching If-None-Match gets 304
    last_modified: str | None = None  # sent as Last-Modified; an equal If-Modified-Since gets 304
    size: int | None = None  # stream this many filler bytes instead of `body`
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass
class ReceivedRequest:
    method: str
    path: str  # path and query, as sent
    headers: dict[str, str]  # lower-case names

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class LoopbackServer:
    """An HTTP/1.0 server on 127.0.0.1 and a free port; routes can change while it runs."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._folders: list[tuple[str, Path]] = []
        self._lock = threading.Lock()
        self._requests: list[ReceivedRequest] = []
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes delayed handlers so shutdown does not wait for them
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- programming ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        etag: str | None = None,
        last_modified: str | None = None,
        size: int | None = None,
        send_length: bool = True,
    ) -> Route:
        data = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = dict(headers or {})
        if content_type:
            hdrs["Content-Type"] = content_type
        r = Route(data, status, hdrs, delay, etag, last_modified, size, send_length)
        with self._lock:
            self._routes[path] = r
        return r

    def robots(self, text: str) -> Route:
        return self.route("/robots.txt", text, content_type="text/plain; charset=utf-8")

    def serve_folder(self, prefix: str, folder: Path) -> None:
        """Serve the files under `folder` at `prefix` + their relative path (after routes)."""
        with self._lock:
            self._folders.append((prefix.rstrip("/") + "/", folder.resolve()))

    # -- inspection ----------------------------------------------------------------------------

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def requests_for(self, path: str) -> list[ReceivedRequest]:
        return [r for r in self.requests if urlsplit(r.path).path == path]

    # -- used by the handler -------------------------------------------------------------------

    def _record(self, req: ReceivedRequest) -> None:
        with self._lock:
            self._requests.append(req)

    def _find(self, path_and_query: str) -> Route | None:
        """The route for "/path?query" exactly, else for "/path", else a served file."""
        path = urlsplit(path_and_query).path
        with self._lock:
            route = self._routes.get(path_and_query) or self._routes.get(path)
            folders = list(self._folders)
        if route is not None:
            return route
        for prefix, folder in folders:
            if not path.startswith(prefix):
                continue
            target = (folder / path[len(prefix) :]).resolve()
            if target.is_relative_to(folder) and target.is_file():
                ctype = _FOLDER_TYPES.get(target.suffix) or (
                    mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                )
                return Route(target.read_bytes(), headers={"Content-Type": ctype})
        return None


def _filler(size: int) -> Iterator[bytes]:
    block = b"x" * _CHUNK
    left = size
    while left > 0:
        yield block[: min(left, _CHUNK)]
        left -= _CHUNK


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so a body without Content-Length is valid.
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, *, with_body: bool) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            server._record(ReceivedRequest(self.command, self.path, headers))
            route = server._find(self.path)
            if route is None:
                self._send(404, {"Content-Type": "text/plain"}, b"not found\n", with_body)
                return
            if route.delay and server._stopping.wait(route.delay):
                return  # shutting down: drop the connection unanswered
            if _not_modified(route, headers):
                validators = {"ETag": route.etag} if route.etag else {}
                self._send(304, validators, b"", with_body=False)
                return
            out = dict(route.headers)
            if route.etag:
                out["ETag"] = route.etag
            if route.last_modified:
                out["Last-Modified"] = route.last_modified
            if route.size is None:
                self._send(route.status, out, route.body, with_body, route.send_length)
                return
            self._stream(route, out, with_body)

        def _send(
            self,
            status: int,
            headers: dict[str, str],
            body: bytes,
            with_body: bool,
            send_length: bool = True,
        ) -> None:
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if send_length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body and body:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to do

        def _stream(self, route: Route, headers: dict[str, str], with_body: bool) -> None:
            assert route.size is not None
            try:
                self.send_response(route.status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if route.send_length:
                    self.send_header("Content-Length", str(route.size))
                self.end_headers()
                if with_body:
                    for chunk in _filler(route.size):
                        if server._stopping.is_set():
                            return
                        self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (a size-limit test): expected

        def log_message(self, format: str, *args: object) -> None:
            pass  # the request log above is the record; keep pytest output clean

    return Handler


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    inm = headers.get("if-none-match")
    if route.etag and inm is not None:
        return route.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = headers.get("if-modified-since")
    return bool(route.last_modified and ims == route.last_modified)


# -- running real crawls against it ------------------------------------------------------------
# A crawl runs as production runs it: `python -m scrapy crawl KIND -a source=NAME` in its own
# process (the Twisted reactor cannot restart inside pytest), from a scratch folder, with the
# project on PYTHONPATH and SCRAPY_SETTINGS_MODULE naming our settings.

REPO = Path(__file__).resolve().parent.parent
CRAWL_TIMEOUT = 90  # seconds: a hung crawl fails the test instead of hanging the suite


@dataclass
class CrawlRun:
    kind: str
    source: str
    returncode: int
    log: str  # the crawl's stderr (Scrapy logs there)
    exported: list[dict[str, object]]  # items written by `-O`, if an export was asked for


def run_crawl(
    kind: str,
    source: str,
    config: Path,
    *,
    workdir: Path,
    export: bool = True,
    pipelines: bool = True,
    settings: dict[str, str] | None = None,
) -> CrawlRun:
    """One crawl in a child process. `pipelines=False` exports the spider's raw Posts only."""
    out = workdir / f"{source}-{kind}-{threading.get_ident()}.jsonl"
    cmd = [sys.executable, "-m", "scrapy", "crawl", kind, "-a", f"source={source}"]
    cmd += ["-s", f"SCHOOLWATCH_CONFIG={config}"]
    if not pipelines:
        cmd += ["-s", "ITEM_PIPELINES={}"]
    for key, value in (settings or {}).items():
        cmd += ["-s", f"{key}={value}"]
    if export:
        cmd += ["-O", str(out)]
    env = dict(
        os.environ,
        SCRAPY_SETTINGS_MODULE="crawler.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    env.pop("SCHOOLWATCH_CONFIG", None)
    proc = subprocess.run(
        cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=CRAWL_TIMEOUT
    )
    exported: list[dict[str, object]] = []
    if export and out.exists():
        exported = [json.loads(line) for line in out.read_text("utf-8").splitlines() if line]
        out.unlink()
    return CrawlRun(kind, source, proc.returncode, proc.stderr, exported)


def run_crawls(
    jobs: list[tuple[str, str, Path]], *, workdir: Path, workers: int = 4, **kw: object
) -> dict[tuple[str, str], CrawlRun]:
    """Several (kind, source, config) crawls at once; the runs by (kind, source)."""

    def one(job: tuple[str, str, Path]) -> CrawlRun:
        kind, source, config = job
        return run_crawl(kind, source, config, workdir=workdir, **kw)  # type: ignore[arg-type]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {(run.kind, run.source): run for run in pool.map(one, jobs)}


TEST_SCHOOL = {
    "name": "Millbrook Church of England Primary School",
    "aliases": ["Millbrook Primary", "Millbrook C of E Primary"],
    "location_terms": ["Stroud"],
    "staff": [{"name": "Zoë Fitzgerald-Hughes", "role": "SENCo"}],
}


def write_config(
    path: Path,
    *,
    sources: list[dict[str, object]],
    database: Path,
    crawler: dict[str, object] | None = None,
    schools: list[dict[str, object]] | None = None,
) -> Path:
    """A schoolwatch config for tests (JSON is YAML): fast, polite-enough crawler settings."""
    fast = {"contact": "https://tests.example/contact", "download_delay": 0, "retries": 0}
    doc = {
        "schools": schools or [TEST_SCHOOL],
        "sources": sources,
        "storage": f"sqlite:///{database}",
        "crawler": {**fast, "timeout": 10, **(crawler or {})},
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
