"""bench/agreement.py: a second annotator's labels scored against the shipped ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "agreement.py"


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(*args: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120
    )


FIRST = [
    {"id": "a", "text": "x", "relevant": True, "labels": ["safeguarding"], "severity": "urgent"},
    {"id": "b", "text": "y", "relevant": True, "labels": ["positive"], "severity": "low"},
]


def test_agreement_scores_the_second_labelling(tmp_path: Path) -> None:
    first = _write(tmp_path / "first.jsonl", FIRST)
    second = _write(tmp_path / "second.jsonl", [
        {"id": "a", "relevant": True, "labels": ["safeguarding"], "severity": "urgent"},
        {"id": "b", "relevant": True, "labels": [], "severity": "low"},
        {"id": "zzz", "relevant": True, "labels": [], "severity": "low"},
    ])  # fmt: skip
    out = _run(first, second)
    assert out.returncode == 0, out.stderr
    assert "second labelling of 2 posts (1 not in" in out.stdout
    safeguarding = next(ln for ln in out.stdout.splitlines() if ln.startswith("safeguarding"))
    assert safeguarding.split()[2:5] == ["1.000", "1.000", "1.000"]
    positive = next(ln for ln in out.stdout.splitlines() if ln.startswith("positive"))
    assert positive.split()[3] == "0.000"  # recall: the one positive post was missed


def test_a_bad_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    first = _write(tmp_path / "first.jsonl", FIRST)
    second = tmp_path / "second.jsonl"
    second.write_text(
        json.dumps({"id": "a", "relevant": True, "labels": [], "severity": "low"})
        + "\n{not json\n",
        encoding="utf-8",
    )
    out = _run(first, second)
    assert out.returncode != 0
    assert f"{second}:2:" in out.stderr
    unknown = _write(tmp_path / "third.jsonl", [
        {"id": "a", "relevant": True, "labels": ["gossip"], "severity": "low"},
    ])  # fmt: skip
    out = _run(first, unknown)
    assert f"{unknown}:1:" in out.stderr and "gossip" in out.stderr
