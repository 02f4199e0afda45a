"""`schoolwatch classify`: the analysis pipeline on a JSON Lines file of posts (DESIGN.md contract).

One JSON object out per non-blank input line, in order. A bad line becomes
`{"id": ..., "error": "..."}` in its place plus a stderr message naming the line; the rest are
still processed, and the exit status says that something was wrong.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from config.schema import Config
from pipelines.analyse import Analyser
from pipelines.post import Post

EXIT_OK = 0
EXIT_BAD_LINES = 1
EXIT_NO_INPUT = 2
_OPTIONAL_STRINGS = ("title", "author", "url", "source")


class LineError(ValueError):
    """What is wrong with one input line; str() is the message printed for it."""


def run_classify(
    cfg: Config,
    input: str | None,
    stdout: IO[str],
    stderr: IO[str],
    *,
    stdin: IO[bytes] | IO[str] | None = None,
) -> int:
    """Classify INPUT (a path; None or '-' for standard input). Returns the exit status."""
    name = "<stdin>" if input in (None, "-") else str(input)
    base = Path.cwd() if input in (None, "-") else Path(str(input)).resolve().parent
    try:
        analyser = Analyser(cfg)
    except Exception as e:  # a nickname file named in the config is broken: say which, stop
        print(f"schoolwatch classify: {e}", file=stderr)
        return EXIT_NO_INPUT
    try:
        if input in (None, "-"):
            source = stdin if stdin is not None else sys.stdin.buffer
            return _run(analyser, _lines(source), name, base, stdout, stderr)
        with open(str(input), "rb") as f:
            return _run(analyser, _lines(f), name, base, stdout, stderr)
    except BrokenPipeError:
        raise  # the reader of our output has gone (`| head`): not a problem with the input
    except OSError as e:
        print(f"{name}: cannot read: {e.strerror or e}", file=stderr)
        return EXIT_NO_INPUT


def _lines(source: IO[bytes] | IO[str]) -> Iterator[bytes | str]:
    yield from source


def _run(
    analyser: Analyser,
    lines: Iterator[bytes | str],
    name: str,
    base: Path,
    stdout: IO[str],
    stderr: IO[str],
) -> int:
    status = EXIT_OK
    for number, line in enumerate(lines, 1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as e:
                status = _bad(stdout, stderr, name, number, None, f"not UTF-8 text ({e.reason})")
                continue
        if not line.strip():
            continue
        raw_id: Any = None
        try:
            obj = _parse(line)
            raw_id = obj.get("id")
            post = post_from_json(obj, base)
            result = analyser.analyse(post).as_json()
        except LineError as e:
            status = _bad(stdout, stderr, name, number, raw_id, str(e))
            continue
        except Exception as e:  # a bug on one post must not lose the others
            msg = f"internal error while analysing: {type(e).__name__}: {e}"
            status = _bad(stdout, stderr, name, number, raw_id, msg)
            continue
        result["id"] = raw_id  # echo the caller's id exactly (a number stays a number)
        stdout.write(_json_line(result))
    stdout.flush()
    return status


def _bad(stdout: IO[str], stderr: IO[str], name: str, number: int, raw_id: Any, msg: str) -> int:
    stdout.write(_json_line({"id": _jsonable_id(raw_id), "error": msg}))
    print(f"{name}:{number}: {msg}", file=stderr)
    return EXIT_BAD_LINES


def _json_line(obj: dict[str, Any]) -> str:
    out = json.dumps(obj, ensure_ascii=False)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (an id like "\\ud800"): echo it escaped
        out = json.dumps(obj)
    return out + "\n"


def _jsonable_id(raw_id: Any) -> Any:
    return raw_id if isinstance(raw_id, str | int | float) or raw_id is None else str(raw_id)


def _parse(line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise LineError(f"not valid JSON: {e.msg} at column {e.colno}") from None
    if not isinstance(obj, dict):
        raise LineError(f"expected a JSON object {{...}}, got {type(obj).__name__}")
    return obj


def post_from_json(obj: dict[str, Any], base: Path) -> Post:
    """A Post from one input object; LineError names the field that is wrong."""
    if "id" not in obj or obj["id"] is None or obj["id"] == "":
        raise LineError("field 'id': required but missing")
    if isinstance(obj["id"], bool) or not isinstance(obj["id"], str | int):
        raise LineError("field 'id': expected a string or a number")
    text = obj.get("text")
    if text is None:
        raise LineError("field 'text': required but missing")
    if not isinstance(text, str):
        raise LineError(f"field 'text': expected a string, got {type(text).__name__}")
    extra: dict[str, Any] = {}
    for key in _OPTIONAL_STRINGS:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise LineError(f"field {key!r}: expected a string, got {type(value).__name__}")
        extra[key] = value
    published = obj.get("published")
    if published is not None:
        extra["published"] = _parse_time(published)
    images = obj.get("images")
    if images is not None:
        if not isinstance(images, list) or not all(isinstance(p, str) for p in images):
            raise LineError("field 'images': expected a list of file paths")
        extra["images"] = [str(p if Path(p).is_absolute() else base / p) for p in images]
    return Post(text=text, id=str(obj["id"]), **extra)


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise LineError("field 'published': expected an ISO 8601 date-time string")
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise LineError(
            f"field 'published': expected an ISO 8601 date-time like "
            f"2025-03-01T08:30:00Z, got {value!r}"
        ) from None
