"""bench/check_part.py: a new part checked without printing its posts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipelines.examples import read_examples

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "check_part.py"

SHEEP = "Millbrook nativity was lovely, my son was a sheep and baa'd all the way through"
OLD = {"id": "o-1", "text": SHEEP, "relevant": True, "labels": ["positive"], "severity": "low"}
NEW = [
    {"id": "n-1", "text": "Secret text A about the St Aidan's bus being late every single day",
     "relevant": True, "labels": ["parental_complaint"], "severity": "normal"},
    {"id": "o-1", "text": "An id already used elsewhere", "relevant": True, "labels": [],
     "severity": "low"},
    {"id": "n-2", "text": SHEEP.upper().replace("'", "") + "!", "relevant": True,
     "labels": ["positive"], "severity": "low"},
    {"id": "n-3", "text": "Secret text A about the St Aidans bus being late every single day!!",
     "relevant": True, "labels": ["parental_complaint"], "severity": "normal"},
    {"id": "n-4", "text": "Millbrook Garden Centre scones", "relevant": False, "labels": [],
     "severity": None},
]  # fmt: skip


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


def test_check_part_keeps_new_posts_and_never_prints_one(tmp_path: Path) -> None:
    old = _write(tmp_path / "old.jsonl", [OLD])
    new = _write(tmp_path / "new.jsonl", NEW)
    out = tmp_path / "kept.jsonl"
    run = _run(str(new), "--against", str(old), "--write", str(out))
    assert run.returncode == 0, run.stderr
    said = run.stdout
    assert "5 posts, 2 kept" in said
    assert "id already used: o-1" in said
    assert "n-2: repeats or nearly copies old.jsonl o-1" in said
    assert "n-3: repeats or nearly copies n-1 in the same part" in said
    assert "relevant 1, not relevant 1" in said and "parental_complaint 1" in said
    assert "Secret text" not in said + run.stderr  # the posts stay unread
    assert [ex.id for ex in read_examples(out)] == ["n-1", "n-4"]


def test_check_part_names_the_bad_line(tmp_path: Path) -> None:
    old = _write(tmp_path / "old.jsonl", [OLD])
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps(NEW[0]) + "\n{not json\n", encoding="utf-8")
    run = _run(str(new), "--against", str(old))
    assert run.returncode == 1
    assert f"{new}:2: not JSON" in run.stderr


def test_check_part_names_an_empty_part_it_must_not_repeat(tmp_path: Path) -> None:
    # Met on 2026-12-05: an empty next-test.jsonl named with --against stopped the check; it
    # must say which file is empty, and write nothing.
    empty = tmp_path / "next-test.jsonl"
    empty.write_text("", encoding="utf-8")
    new = _write(tmp_path / "new.jsonl", NEW[:1])
    out = tmp_path / "kept.jsonl"
    run = _run(str(new), "--against", str(empty), "--write", str(out))
    assert run.returncode != 0
    assert f"{empty}: no labelled posts in the file" in run.stderr
    assert not out.exists()
