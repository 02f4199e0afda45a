"""run_classify: the `schoolwatch classify` contract (DESIGN.md) on good and bad lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from config import Config, load_config, load_config_text
from schoolwatch.classify_cmd import run_classify

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "example" / "schoolwatch.yaml"


@pytest.fixture(scope="module")
def cfg() -> Config:
    return load_config(EXAMPLE)


def _run(cfg: Config, path: str | None, stdin: bytes = b"") -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    status = run_classify(cfg, path, out, err, stdin=io.BytesIO(stdin))
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def _write(tmp_path: Path, lines: list[str | bytes]) -> Path:
    p = tmp_path / "posts.jsonl"
    p.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines))
    return p


def test_good_lines_give_one_object_each_in_order(cfg: Config, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "I'm going to hurt Mrs Okafor tomorrow"}),
        "",
        json.dumps(
            {"id": 2, "text": "Lovely weather in Stroud", "published": "2025-03-01T08:30:00Z"}
        ),
        json.dumps(
            {
                "id": "c",
                "title": "Millbrook CofE Primary School",
                "text": "Huge thanks to all the staff!",
                "author": "A parent",
                "url": "https://example.com/x?utm_source=y",
                "source": "stroud-news",
                "images": ["pics/crest.png"],
            }
        ),
    ]
    status, objs, err = _run(cfg, str(_write(tmp_path, lines)))
    assert status == 0 and err == ""
    assert [o["id"] for o in objs] == ["a", 2, "c"]  # blank line skipped; ids echoed as given
    first, second, third = objs
    assert set(first) == {"id", "relevant", "mentions", "labels", "scores", "severity", "reasons"}
    assert first["relevant"] and first["severity"] == "urgent"
    assert "safeguarding" in first["labels"]  # reputation risk too: a threat against staff
    [m] = first["mentions"]
    assert (m["kind"], m["name"], m["text"], m["field"]) == (
        "staff",
        "Helen Okafor",
        "Mrs Okafor",
        "text",
    )
    assert (m["start"], m["end"]) == (18, 28) and 0 <= m["score"] <= 100
    assert second["relevant"] is False and second["severity"] is None and second["labels"] == []
    assert third["mentions"][0]["field"] == "title" and third["labels"] == ["positive"]
    assert third["severity"] == "low"


def test_bad_lines_are_reported_in_place_and_others_processed(cfg: Config, tmp_path: Path) -> None:
    lines: list[str | bytes] = [
        "{not json",
        "[1, 2]",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "bad-date", "text": "hi", "published": "last Tuesday"}),
        json.dumps({"id": "ok", "text": "Mrs Okafor said hello"}),
        json.dumps({"text": "no id here"}),
        json.dumps({"id": "bad-title", "text": "x", "title": 5}),
        json.dumps({"id": "bad-images", "text": "x", "images": "a.png"}),
        b'{"id": "latin1", "text": "caf\xe9"}',
        json.dumps({"id": "text-not-string", "text": ["a"]}),
    ]
    path = _write(tmp_path, lines)
    status, objs, err = _run(cfg, str(path))
    assert status != 0
    assert len(objs) == len(lines)
    errors = {i + 1: o for i, o in enumerate(objs) if "error" in o}
    assert sorted(errors) == [1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert objs[4]["id"] == "ok" and objs[4]["relevant"] is True
    assert errors[1] == {"id": None, "error": errors[1]["error"]}
    assert "not valid JSON" in errors[1]["error"]
    assert "expected a JSON object" in errors[2]["error"]
    assert errors[3]["id"] == "no-text" and "'text'" in errors[3]["error"]
    assert errors[4]["id"] == "bad-date" and "'published'" in errors[4]["error"]
    assert "'id'" in errors[6]["error"]
    assert "'title'" in errors[7]["error"] and "'images'" in errors[8]["error"]
    assert "UTF-8" in errors[9]["error"]
    err_lines = err.splitlines()
    assert len(err_lines) == 9
    for n in errors:
        assert any(line.startswith(f"{path}:{n}: ") for line in err_lines)


def test_stdin_and_dash_read_standard_input(cfg: Config) -> None:
    data = (json.dumps({"id": "s", "text": "Mr Ashworth took the register"}) + "\n").encode()
    for arg in (None, "-"):
        status, objs, err = _run(cfg, arg, stdin=data)
        assert status == 0 and err == ""
        assert objs[0]["id"] == "s" and objs[0]["mentions"][0]["name"] == "Jonathan Ashworth"


def test_bad_line_on_stdin_names_stdin(cfg: Config) -> None:
    status, objs, err = _run(cfg, "-", stdin=b"oops\n")
    assert status != 0 and "error" in objs[0]
    assert err.startswith("<stdin>:1: ")


def test_missing_input_file_is_an_error(cfg: Config, tmp_path: Path) -> None:
    status, objs, err = _run(cfg, str(tmp_path / "nope.jsonl"))
    assert status != 0 and objs == []
    assert "nope.jsonl" in err


def test_image_paths_resolve_against_the_input_folder(cfg: Config, tmp_path: Path) -> None:
    from pipelines.post import Post
    from schoolwatch.classify_cmd import post_from_json

    post = post_from_json(
        {"id": "1", "text": "x", "images": ["pics/a.png", "/abs/b.png"]}, tmp_path
    )
    assert isinstance(post, Post)
    assert post.images == [str(tmp_path / "pics" / "a.png"), "/abs/b.png"]


def test_broken_nickname_file_stops_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "nick.txt").write_text("no colon here\n")
    cfg = load_config_text(
        "schools:\n  - name: Oakfield School\n    nicknames_file: nick.txt\n",
        name=str(tmp_path / "sw.yaml"),
        base_dir=tmp_path,
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_classify(cfg, "-", out, err, stdin=io.BytesIO(b"")) != 0
    assert "nick.txt:1:" in err.getvalue()


def test_output_closed_early_is_not_blamed_on_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from schoolwatch.cli import main

    class ClosedPipe(io.StringIO):  # `schoolwatch classify posts.jsonl | head -1`
        def write(self, s: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    src = _write(tmp_path, [json.dumps({"id": 1, "text": "Mrs Okafor at Millbrook Primary"})])
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["classify", "--config", str(EXAMPLE), str(src)]) == 141
    assert "cannot read" not in capsys.readouterr().err
