"""`schoolwatch train`: retrain the classifier's model on the school's corrections.

Trains on the shipped training examples plus the labelled feedback in the database (corrections
count FEEDBACK_WEIGHT times), holding back a fifth of the feedback (chosen by its id, so the same
rows every run) and the shipped test examples. Prints each held-back part's scores with the model
in use now ("before") and the new one ("after"), then writes the new model where the config says
(`classifier: {model: FILE}`, default classifier-model.json next to the config); classifying picks
it up from there. The shipped model is never overwritten. If the new model would find fewer of
the held-back safeguarding posts than the current one, nothing is written unless --force.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from config.loader import load_config
from config.schema import Config
from pipelines.analyse import Analyser
from pipelines.classify import Classifier, model_path
from pipelines.examples import SHIPPED_MODEL, SHIPPED_TEST, SHIPPED_TRAIN, Example, read_examples
from pipelines.model import LinearModel
from pipelines.scoring import Report, judge
from pipelines.training import EXAMPLE_CONFIG, featurise, fit

HOLD_BACK = 5  # one in this many feedback rows is held back to judge the new model
RECALL_SLACK = 0.02  # how much held-back safeguarding recall may fall before we refuse to save


def split_feedback(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(train, held back): a stable fifth held back, by a hash of the feedback id."""
    train: list[Example] = []
    held: list[Example] = []
    for ex in examples:
        (held if zlib.crc32(ex.id.encode()) % HOLD_BACK == 0 else train).append(ex)
    return train, held


def run_train(
    cfg: Config,
    stdout: IO[str],
    stderr: IO[str],
    *,
    out: str | None = None,
    use_feedback: bool = True,
    dry_run: bool = False,
    force: bool = False,
) -> int:
    target = Path(out) if out else model_path(cfg)
    if target.resolve() == SHIPPED_MODEL.resolve():
        print(f"schoolwatch train: will not overwrite the shipped model {target}", file=stderr)
        return 2
    feedback: list[Example] = []
    if use_feedback:
        from store.feedback import labelled_feedback
        from store.migrate import open_store

        factory = open_store(cfg.database_url)
        feedback, problems = labelled_feedback(factory, [s.name for s in cfg.schools])
        for p in problems:
            print(f"skipped {p}", file=stderr)
    fb_train, fb_held = split_feedback(feedback)
    example_cfg = load_config(EXAMPLE_CONFIG)
    rows, _ = featurise(read_examples(SHIPPED_TRAIN), example_cfg)
    fb_rows, fb_skipped = featurise(fb_train, cfg)
    print(
        f"training on {len(rows)} shipped examples and {len(fb_rows)} corrections "
        f"({len(fb_skipped)} corrections mention no configured school now and were left out); "
        f"held back: {len(fb_held)} corrections and the shipped test part",
        file=stdout,
    )
    new = fit([*rows, *fb_rows], meta={"trained_on": "shipped train + feedback",
                                       "feedback": len(fb_rows)})  # fmt: skip
    current = Classifier.from_config(cfg).model
    held_parts = [("shipped test part", example_cfg, read_examples(SHIPPED_TEST))]
    if fb_held:
        held_parts.append(("held-back corrections", cfg, fb_held))
    worse = False
    for name, part_cfg, examples in held_parts:
        before = _judge(part_cfg, current, examples)
        after = _judge(part_cfg, new, examples)
        print(f"\n{name} ({len(examples)} posts)", file=stdout)
        _table(before, after, stdout)
        sb = before.labels["safeguarding"].recall
        sa = after.labels["safeguarding"].recall
        worse = worse or sa < sb - RECALL_SLACK
    if worse and not force:
        print(
            "\nnot saved: the new model finds fewer held-back safeguarding posts "
            "(use --force to save it anyway)",
            file=stdout,
        )
        return 1
    if dry_run:
        print(f"\ndry run: not written (would write {target})", file=stdout)
        return 0
    new.save(target)
    print(f"\nwrote {target}; classifying uses it from now on", file=stdout)
    return 0


def _judge(cfg: Config, model: LinearModel, examples: Sequence[Example]) -> Report:
    analyser = Analyser(cfg)
    analyser.classifier = Classifier.from_config(cfg, model=model)
    return judge(analyser, examples)


def _table(before: Report, after: Report, stdout: IO[str]) -> None:
    print(f"  {'':22} {'before':>8} {'after':>8}", file=stdout)
    rows = [(f"{k} F1", before.labels[k].f1, after.labels[k].f1) for k in before.labels]
    rows += [
        ("safeguarding recall", before.labels["safeguarding"].recall,
         after.labels["safeguarding"].recall),
        ("macro F1", before.macro_f1, after.macro_f1),
        ("severity accuracy", before.severity_accuracy, after.severity_accuracy),
    ]  # fmt: skip
    for name, b, a in rows:
        print(f"  {name:22} {b:8.3f} {a:8.3f}", file=stdout)
    print(f"  {'false urgent':22} {before.false_urgent:8d} {after.false_urgent:8d}", file=stdout)


def run_correct(
    cfg: Config,
    item_id: int,
    labels: str,
    severity: str,
    stdout: IO[str],
    stderr: IO[str],
    *,
    by: str,
    note: str = "",
) -> int:
    """`schoolwatch correct ITEM`: record what an item's labels should have been."""
    from datetime import UTC, datetime

    from store.errors import StoreError
    from store.feedback import record_correction
    from store.migrate import open_store

    wanted = [x.strip() for x in labels.split(",") if x.strip() and x.strip() != "none"]
    try:
        fid = record_correction(
            open_store(cfg.database_url), item_id, labels=wanted, severity=severity, by=by,
            now=datetime.now(UTC), note=note,
        )  # fmt: skip
    except (ValueError, StoreError) as e:
        print(f"schoolwatch correct: {e}", file=stderr)
        return 2
    print(
        f"feedback #{fid}: item {item_id} is {', '.join(wanted) or 'no label'}, {severity}; "
        "`schoolwatch train` learns from it",
        file=stdout,
    )
    return 0
