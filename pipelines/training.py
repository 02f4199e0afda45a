"""Fit the classifier's linear model (pipelines.model) on labelled posts with scikit-learn.

Each labelled post goes through the same matcher and rules as a live post (`Classifier.evidence`),
so the model learns from exactly the features it will see. One logistic regression per label
(balanced class weights: safeguarding posts are rare and must not be outvoted) and one
multinomial logistic regression for severity. The settings are fixed here, chosen once by
cross-validation on the shipped training part; the shipped test part is never used to choose
anything. Fitting is deterministic: the same examples give the same model.

    .venv/bin/python -m pipelines.training       # rebuild config/classifier/model.json
    .venv/bin/python -m pipelines.training --cv  # 5-fold cross-validation on the training part

Changes to rules, features or settings are judged by the cross-validation, which reads only the
training part; the test parts are read once, after, to report.
"""

from __future__ import annotations

import argparse
import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from config.loader import load_config
from config.schema import Config
from pipelines._rules import RULES
from pipelines.classify import Classifier, SchoolTuning
from pipelines.examples import SHIPPED_MODEL, SHIPPED_TRAIN, Example, read_examples
from pipelines.match import Watchlist
from pipelines.model import HEADS, LinearModel
from pipelines.normalise import normalise
from pipelines.post import LABELS, SEVERITIES, Analysis
from pipelines.scoring import Report, format_report, score

C = 1.0  # inverse regularisation strength (cross-validated on the shipped training part)
FOLDS = 5  # cross-validation folds over the training part
MIN_COUNT = 2  # a word or word pair must appear in this many posts to get a weight
EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "config" / "example" / "schoolwatch.yaml"


@dataclass
class Row:
    features: dict[str, float]
    example: Example


def featurise(examples: Sequence[Example], cfg: Config) -> tuple[list[Row], list[Example]]:
    """Features of the relevant examples the matcher finds; the others are returned apart.

    The classifier only ever sees posts that mention a school, so a post the matcher does not
    find (or that is labelled not relevant) teaches it nothing.
    """
    watchlist = Watchlist.from_config(cfg)
    empty = LinearModel({}, np.zeros((0, len(HEADS)), np.float32), np.zeros(len(HEADS), np.float32))
    reader = Classifier.from_config(cfg, model=empty)  # evidence() reads; no model is asked
    rows, skipped = [], []
    for ex in examples:
        clean = normalise(ex.post())
        mentions, _ = watchlist.find_explained(clean)
        if not ex.relevant or not mentions:
            skipped.append(ex)
            continue
        rows.append(Row(reader.evidence(clean, mentions).features, ex))
    return rows, skipped


def fit(rows: Sequence[Row], *, c: float = C, meta: dict[str, object] | None = None) -> LinearModel:
    """A LinearModel fitted on `rows` (scikit-learn is needed here only)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if not rows:
        raise ValueError("no labelled posts to train on")
    seen = Counter(f for r in rows for f in r.features)
    keep = [
        {f: v for f, v in r.features.items() if f[0] in "rx" or seen[f] >= MIN_COUNT} for r in rows
    ]
    vec = DictVectorizer(sort=True)
    x = vec.fit_transform(keep).tocsr()
    x.indices = x.indices.astype(np.int32)  # liblinear takes 32-bit indices only
    x.indptr = x.indptr.astype(np.int32)
    names: list[str] = list(vec.get_feature_names_out())
    sw = np.asarray([r.example.weight for r in rows], dtype=np.float64)
    weights = np.zeros((len(names), len(HEADS)), dtype=np.float64)
    bias = np.zeros(len(HEADS), dtype=np.float64)
    for i, label in enumerate(LABELS):
        y = np.asarray([label in r.example.labels for r in rows])
        if y.all() or not y.any():  # nothing to learn: the prior, smoothed
            bias[i] = _logit((y.sum() + 0.5) / (len(y) + 1.0))
            continue
        lr = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=1000)
        lr.fit(x, y, sample_weight=sw)
        weights[:, i] = lr.coef_[0]
        bias[i] = lr.intercept_[0]
    sev = [r.example.severity or "low" for r in rows]
    present = sorted(set(sev), key=SEVERITIES.index)
    base = len(LABELS)
    bias[base:] = -10.0  # a severity never seen in training is never predicted
    if len(present) == 1:
        bias[base + SEVERITIES.index(present[0])] = 0.0
    else:
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        lr.fit(x, sev, sample_weight=sw)
        coef, icpt = lr.coef_, lr.intercept_
        if len(present) == 2:  # binary: one row for the second class against the first
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            icpt = np.asarray([-icpt[0] / 2, icpt[0] / 2])
        for k, s in enumerate(lr.classes_):
            weights[:, base + SEVERITIES.index(s)] = coef[k]
            bias[base + SEVERITIES.index(s)] = icpt[k]
    useful = np.abs(weights).max(axis=1) >= 1e-4
    kept = [n for n, u in zip(names, useful, strict=True) if u]
    index = {n: i for i, n in enumerate(kept)}
    info: dict[str, object] = {
        "examples": len(rows),
        "features": len(kept),
        "C": c,
        "min_count": MIN_COUNT,
        # The rules the model has weights for: a school's model trained before a rule existed
        # works without it, and classifying says so (pipelines.classify.rules_unknown_to).
        "rules": sorted(r.key for r in RULES),
    }
    info.update(meta or {})
    return LinearModel(index, weights[useful].astype(np.float32), bias.astype(np.float32), info)


def train_shipped(out: Path = SHIPPED_MODEL) -> LinearModel:
    """Rebuild the shipped model from the shipped training part, on the bundled example school."""
    cfg = load_config(EXAMPLE_CONFIG)
    rows, _ = featurise(read_examples(SHIPPED_TRAIN), cfg)
    model = fit(rows, meta={"trained_on": "config/classifier/train.jsonl"})
    model.save(out)
    return model


def part_of(example_id: str) -> str:
    """The part a shipped example came from: its id's prefix ("trB" of "trB-0042"), one
    writer or one brief each (config/classifier/LABELLING.md)."""
    return example_id.split("-", 1)[0]


def cross_validate(
    examples: Sequence[Example], cfg: Config, folds: int = FOLDS, *, by_part: bool = False
) -> Report:
    """The whole classifier (rules + model) scored on each fold by a model fitted on the others.

    Folds are fixed by a hash of each post's id, so a run is repeatable and comparable with the
    last; or, `by_part`, each part is a fold (leave one part out). Posts of one part share a
    writer and a brief, so a hashed fold still has the part's siblings in training and flatters
    the classifier; a part left out is scored as a new writer's posts would be, as a blind test
    part is. Only relevant posts the matcher finds are scored (the classifier alone).
    """
    rows, _ = featurise(examples, cfg)
    watchlist = Watchlist.from_config(cfg)
    tuning = {s.name: SchoolTuning.from_school(s) for s in cfg.schools}
    if by_part:
        parts = sorted({part_of(r.example.id) for r in rows})
        fold_of = [parts.index(part_of(r.example.id)) for r in rows]
        folds = len(parts)
    else:
        fold_of = [zlib.crc32(r.example.id.encode()) % folds for r in rows]
    pairs: list[tuple[Example, Analysis]] = []
    for k in range(folds):
        model = fit([r for r, f in zip(rows, fold_of, strict=True) if f != k])
        clf = Classifier(model, schools=tuning)
        for r, f in zip(rows, fold_of, strict=True):
            if f != k:
                continue
            clean = normalise(r.example.post())
            mentions, _ = watchlist.find_explained(clean)
            v = clf.classify(clean, mentions)
            an = Analysis(clean, "", "", mentions, v.labels, v.scores, v.severity, v.reasons)
            pairs.append((r.example, an))
    return score(pairs)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m pipelines.training",
        description="rebuild the shipped model, or cross-validate on the shipped training part",
    )
    ap.add_argument("model", nargs="?", type=Path, default=SHIPPED_MODEL,
                    help=f"where to write the model (default: {SHIPPED_MODEL})")  # fmt: skip
    ap.add_argument("--cv", nargs="?", type=int, const=0, default=None, metavar="WORST",
                    help="5-fold cross-validation instead; show WORST of the misses")  # fmt: skip
    ap.add_argument("--by-part", action="store_true",
                    help="with --cv: leave out one writer's part at a time")  # fmt: skip
    args = ap.parse_args(argv)
    if args.by_part and args.cv is None:
        ap.error("--by-part goes with --cv")
    if args.cv is not None:
        report = cross_validate(
            read_examples(SHIPPED_TRAIN), load_config(EXAMPLE_CONFIG), by_part=args.by_part
        )
        print("\n".join(format_report(report, args.cv)))
        return
    m = train_shipped(args.model)
    print(f"wrote {args.model}: {m.meta}")


if __name__ == "__main__":
    main()
