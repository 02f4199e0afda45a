"""Corrections in the feedback table (store.feedback) and `schoolwatch train` learning from them."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from config import load_config
from pipelines.analyse import Analyser
from pipelines.classify import Classifier, model_path, shipped_model
from pipelines.examples import SHIPPED_MODEL, SHIPPED_TEST
from pipelines.post import Post
from schoolwatch.cli import main
from schoolwatch.train_cmd import run_train, split_feedback
from store.db import transaction
from store.errors import StoreError
from store.feedback import FEEDBACK_WEIGHT, labelled_feedback, record_correction
from store.items import save_analysis
from store.migrate import open_store
from store.models import Feedback

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "example" / "schoolwatch.yaml"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# A complaint the shipped examples never saw, in words of its own.
GRUMBLES = [
    "The wraparound waiting list at Millbrook C of E Primary is now {n} weeks long.",
    "Week {n} on the wraparound waiting list at Millbrook C of E Primary.",
    "Millbrook C of E Primary wraparound waiting list, week {n}, and counting.",
    "{n} families on the wraparound waiting list at Millbrook C of E Primary this term.",
]


def _store_post(factory: sessionmaker[Session], analyser: Analyser, text: str, n: int) -> int:
    analysis = analyser.analyse(Post(text=text, url=f"https://forum.example/t/{n}"))
    with transaction(factory) as session:
        return save_analysis(session, analysis, source="forum", seen_at=T0).item_id


def test_corrections_become_examples_latest_first(store: sessionmaker[Session]) -> None:
    analyser = Analyser(load_config(EXAMPLE))
    a = _store_post(store, analyser, "Millbrook C of E Primary lost my son's coat again", 1)
    b = _store_post(store, analyser, "Mrs Okafor ran a lovely assembly", 2)
    record_correction(store, a, labels=["positive"], severity="low", by="comms", now=T0)
    record_correction(
        store, a, labels=["parental_complaint"], severity="normal", by="comms",
        now=T0 + timedelta(minutes=5), school="Millbrook Church of England Primary School",
    )  # fmt: skip
    record_correction(store, b, labels=["positive"], severity="low", by="comms", now=T0)
    with transaction(store) as session:  # the queue's "not relevant": for the matcher only
        session.add(Feedback(item_id=b, relevant=False, labels=None, text="x", created_at=T0))
    examples, problems = labelled_feedback(store)
    assert problems == []
    assert [(e.text, e.labels, e.severity) for e in examples] == [
        ("Millbrook C of E Primary lost my son's coat again", ["parental_complaint"], "normal"),
        ("Mrs Okafor ran a lovely assembly", ["positive"], "low"),
    ]
    assert all(e.weight == FEEDBACK_WEIGHT for e in examples)
    only_other = labelled_feedback(store, ["St Aidan's Catholic Academy"])[0]
    assert [e.text for e in only_other] == ["Mrs Okafor ran a lovely assembly"]  # school unset


def test_a_bad_correction_is_refused_or_reported(store: sessionmaker[Session]) -> None:
    analyser = Analyser(load_config(EXAMPLE))
    a = _store_post(store, analyser, "Mrs Okafor said hello", 1)
    with pytest.raises(ValueError, match="unknown label 'gossip'"):
        record_correction(store, a, labels=["gossip"], severity="low", by="x", now=T0)
    with pytest.raises(ValueError, match="unknown severity"):
        record_correction(store, a, labels=[], severity="meh", by="x", now=T0)
    with pytest.raises(StoreError, match="no item 999"):
        record_correction(store, 999, labels=[], severity="low", by="x", now=T0)
    with transaction(store) as session:  # written by hand, badly: reported, others kept
        session.add(Feedback(item_id=None, labels=["gossip"], text="t", created_at=T0))
        session.add(Feedback(item_id=None, labels=["positive"], text="fine", created_at=T0))
    examples, problems = labelled_feedback(store)
    assert [e.text for e in examples] == ["fine"]
    assert len(problems) == 1 and problems[0].startswith("feedback #")


def test_held_back_corrections_are_the_same_every_run() -> None:
    from pipelines.examples import Example

    exs = [Example(id=f"feedback #{i}", text="t") for i in range(200)]
    train, held = split_feedback(exs)
    assert 20 <= len(held) <= 60 and len(train) + len(held) == 200
    assert split_feedback(exs) == (train, held)


@pytest.fixture
def school(tmp_path: Path) -> Path:
    cfg = tmp_path / "schoolwatch.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "storage: sqlite:///schoolwatch-demo.db", "storage: sqlite:///school.db"
    )
    cfg.write_text(text, encoding="utf-8")
    return cfg


def test_train_learns_the_schools_corrections_and_says_before_and_after(school: Path) -> None:
    cfg = load_config(school)
    factory = open_store(cfg.database_url)
    analyser = Analyser(cfg)
    new_post = Post(text="The wraparound waiting list at Millbrook C of E Primary is 12 weeks.")
    assert "parental_complaint" not in analyser.analyse(new_post).labels
    for n in range(24):
        text = GRUMBLES[n % len(GRUMBLES)].format(n=n + 3)
        item = _store_post(factory, analyser, text, n)
        record_correction(
            factory, item, labels=["parental_complaint"], severity="normal", by="comms", now=T0
        )

    out, err = io.StringIO(), io.StringIO()
    assert run_train(cfg, out, err) == 0, out.getvalue() + err.getvalue()
    said = out.getvalue()
    shipped = len(SHIPPED_TEST.read_text(encoding="utf-8").splitlines())
    assert f"shipped test part ({shipped} posts)" in said and "held-back corrections" in said
    assert "before" in said and "after" in said and "safeguarding recall" in said
    written = model_path(cfg)
    assert written == school.parent / "classifier-model.json" and written.is_file()
    assert f"wrote {written}" in said

    retrained = Analyser(load_config(school))
    assert retrained.classifier.model is not shipped_model()
    assert "parental_complaint" in retrained.analyse(new_post).labels
    # Safeguarding is not unlearnt by a school's complaints.
    threat = Post(text="I'm going to hurt Mrs Okafor tomorrow")
    assert retrained.analyse(threat).severity == "urgent"


def test_train_never_overwrites_the_shipped_model(school: Path) -> None:
    cfg = load_config(school)
    before = SHIPPED_MODEL.read_bytes()
    err = io.StringIO()
    status = run_train(cfg, io.StringIO(), err, out=str(SHIPPED_MODEL), use_feedback=False)
    assert status == 2 and "will not overwrite the shipped model" in err.getvalue()
    assert SHIPPED_MODEL.read_bytes() == before


def test_train_from_the_command_line_dry_run_and_configured_path(
    school: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = school.read_text(encoding="utf-8") + "classifier: {model: models/ours.json}\n"
    school.write_text(text, encoding="utf-8")
    assert main(["train", "--config", str(school), "--no-feedback", "--dry-run"]) == 0
    assert "dry run: not written" in capsys.readouterr().out
    assert not (school.parent / "models" / "ours.json").exists()
    assert main(["train", "--config", str(school), "--no-feedback"]) == 0
    assert (school.parent / "models" / "ours.json").is_file()
    assert Classifier.from_config(load_config(school)).model is not shipped_model()


def test_correct_from_the_command_line(school: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = load_config(school)
    factory = open_store(cfg.database_url)
    item = _store_post(factory, Analyser(cfg), "Mrs Okafor changed the pick-up time again", 1)
    args = ["correct", "--config", str(school), str(item), "--labels", "parental_complaint",
            "--severity", "normal", "--by", "office"]  # fmt: skip
    assert main(args) == 0
    assert f"item {item} is parental_complaint, normal" in capsys.readouterr().out
    examples, _ = labelled_feedback(factory)
    assert [(e.labels, e.severity) for e in examples] == [(["parental_complaint"], "normal")]
    assert main([*args[:4], "--labels", "gossip", "--severity", "low"]) == 2
    assert "unknown label 'gossip'" in capsys.readouterr().err
