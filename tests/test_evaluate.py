"""`schoolwatch evaluate`: per-label scores, the severity table, the worst misses with reasons."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from config import load_config
from pipelines.examples import Example
from pipelines.post import Analysis, Post
from pipelines.scoring import score
from schoolwatch.cli import main
from schoolwatch.evaluate_cmd import run_evaluate

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "example" / "schoolwatch.yaml"
POSTS = [
    # A threat against a member of staff is reputation risk too (config/classifier/LABELLING.md).
    {"id": "threat", "text": "I'm going to hurt Mrs Okafor tomorrow",
     "labels": ["safeguarding", "reputation_risk"], "severity": "urgent"},
    {"id": "praise", "text": "Huge thanks to Mrs Marsh at Millbrook C of E Primary!",
     "labels": ["positive"], "severity": "low"},
    # Labelled wrongly on purpose: the pipeline will (rightly) disagree, and that is a miss.
    {"id": "wrong", "text": "Millbrook C of E Primary is a disgrace, avoid it",
     "labels": ["positive"], "severity": "low"},
    {"id": "elsewhere", "text": "Half price compost at Millbrook Garden Centre", "relevant": False,
     "labels": [], "severity": None},
]  # fmt: skip


def _file(tmp_path: Path, extra: list[str] = ()) -> Path:  # type: ignore[assignment]
    p = tmp_path / "labelled.jsonl"
    lines = [json.dumps(x) for x in POSTS] + list(extra)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_evaluate_prints_scores_confusion_and_worst_misses(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_evaluate(load_config(EXAMPLE), str(_file(tmp_path)), out, err) == 0
    text = out.getvalue()
    assert "4 labelled posts" in text
    assert "safeguarding" in text and "macro F1" in text
    assert "severity (rows: expected, columns: given)" in text
    assert "worst misses" in text and "- wrong:" in text
    assert "missed positive" in text and "wrongly gave reputation_risk" in text
    assert "because: reputation_risk" in text  # the pipeline's own reasons for the miss
    assert "== classifier alone" in text
    assert err.getvalue() == ""


def test_a_bad_line_is_named_and_the_rest_still_count(tmp_path: Path) -> None:
    bad = ["{not json", json.dumps({"id": "x", "text": "hi", "labels": ["gossip"]})]
    out, err = io.StringIO(), io.StringIO()
    status = run_evaluate(load_config(EXAMPLE), str(_file(tmp_path, bad)), out, err)
    assert status == 1
    assert "labelled.jsonl:5: not JSON" in err.getvalue()
    assert "labelled.jsonl:6: 'labels' must be a list of" in err.getvalue()
    assert "4 labelled posts" in out.getvalue()


def test_evaluate_as_json_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path)
    assert main(["evaluate", "--config", str(EXAMPLE), str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["all"]["posts"] == 4
    assert data["all"]["labels"]["safeguarding"]["recall"] == 1.0
    assert data["all"]["severity"]["urgent"]["urgent"] == 1
    assert data["all"]["relevance"] == {
        "support": 3, "tp": 3, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0,
    }  # fmt: skip
    assert [m["id"] for m in data["all"]["misses"]] == ["wrong"]
    assert data["held_kept"] == {"posts": 0, "relevant": 0}


def test_evaluate_counts_the_posts_found_only_through_a_held_mention(tmp_path: Path) -> None:
    held = [
        json.dumps({"id": "held", "text": "cant face st aidans again. nobody would notice if i "
                    "wasnt here anymore", "labels": ["safeguarding"], "severity": "urgent"}),
        json.dumps({"id": "dropped", "text": "St Aidans was mental today", "labels": [],
                    "severity": "low"}),
    ]  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    assert run_evaluate(load_config(EXAMPLE), str(_file(tmp_path, held)), out, err) == 0
    assert "held mentions kept, the post reading as safeguarding: 1 post(s), 1 of them" in (
        out.getvalue()
    )


def test_a_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--config", str(EXAMPLE), "/nonexistent/x.jsonl"]) == 2
    assert "/nonexistent/x.jsonl: cannot read" in capsys.readouterr().err


def test_scores_count_true_and_false_positives() -> None:
    def an(labels: list[str], severity: str | None, relevant: bool = True) -> Analysis:
        from pipelines.post import Mention

        m = [Mention("school", "S", "S", "S", "text", 0, 1, 100.0)] if relevant else []
        return Analysis(Post(text="t"), "", "f", m, labels, {}, severity)  # type: ignore[arg-type]

    pairs = [
        (Example("1", "t", labels=["safeguarding"], severity="urgent"),
         an(["safeguarding"], "urgent")),
        (Example("2", "t", labels=["safeguarding"], severity="high"), an([], "low")),
        (Example("3", "t", labels=[], severity="low"), an(["safeguarding"], "urgent")),
        (Example("4", "t", relevant=False, labels=[], severity=None), an([], None, False)),
    ]  # fmt: skip
    r = score(pairs)
    sg = r.labels["safeguarding"]
    assert (sg.tp, sg.fp, sg.fn) == (1, 1, 1)
    assert sg.precision == 0.5 and sg.recall == 0.5
    assert r.severity["high"]["low"] == 1 and r.severity["null"]["null"] == 1
    assert r.false_urgent == 1
    assert r.worst(1)[0].example.id == "2"  # a missed safeguarding post is the worst miss
