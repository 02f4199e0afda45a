"""End to end: `schoolwatch classify` finds a school's badge in a post's local image."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import logo_scenes as scenes

from config import load_config_text
from schoolwatch.classify_cmd import run_classify


def test_classify_reports_a_logo_mention_from_an_image_beside_the_input(tmp_path: Path) -> None:
    refs = scenes.write_references(tmp_path / "logos")
    cfg = load_config_text(
        f"schools:\n  - name: Millbrook Primary School\n    logos: [{refs[0]}, {refs[1]}]\n",
        name=str(tmp_path / "sw.yaml"),
        base_dir=tmp_path,
    )
    posts = tmp_path / "posts"
    posts.mkdir()
    cv2.imwrite(str(posts / "fete.jpg"), scenes.scene(scenes.millbrook_badge(), "coffee", 0.2, 4))
    cv2.imwrite(str(posts / "other.jpg"), scenes.scene(scenes.other_badge(), "coffee", 0.2, 4))
    lines = [
        {"id": "a", "text": "What a day at the fete!", "images": ["fete.jpg"]},
        {"id": "b", "text": "What a day at the fete!", "images": ["other.jpg", "gone.jpg"]},
    ]
    src = posts / "in.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out, err = io.StringIO(), io.StringIO()
    assert run_classify(cfg, str(src), out, err) == 0, err.getvalue()
    a, b = (json.loads(x) for x in out.getvalue().splitlines())
    assert a["relevant"] is True
    [m] = a["mentions"]
    assert m["kind"] == "logo"
    assert m["school"] == m["name"] == "Millbrook Primary School"
    assert Path(m["text"]).name == "fete.jpg" and m["score"] >= 60
    assert b["relevant"] is False and b["mentions"] == []
    assert any("gone.jpg: no such image file" in r for r in b["reasons"])
