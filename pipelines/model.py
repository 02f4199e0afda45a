"""The statistical half of the classifier: a linear model kept as readable JSON, not a pickle.

One weight per (feature, head): five label heads (each a logistic regression: the chance the
label applies) and four severity heads (a softmax over urgent/high/normal/low). Loading a model
is reading numbers, so a model file from anywhere cannot run code, and a person can open it
and see what "no reply" is worth. `pipelines.training` fits it with scikit-learn; classifying
needs only numpy.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import numpy as np

from pipelines._features import Vocabulary
from pipelines.post import LABELS, SEVERITIES, Label, Severity

FORMAT = "schoolwatch-linear/1"
HEADS: tuple[str, ...] = (*LABELS, *(f"severity:{s}" for s in SEVERITIES))
_NL = len(LABELS)
_HEAD_AT = {h: i for i, h in enumerate(HEADS)}
_FLOOR = 0.05  # a feature's contribution must be over this to be named among the strongest


class ModelError(ValueError):
    """A model file cannot be used; str() names the file and what is wrong."""


@dataclass
class Prediction:
    labels: dict[Label, float]  # label -> 0..1
    severity: dict[Severity, float]  # severity -> 0..1, summing to 1
    names: list[str]  # the features the model knew, in the order of `contrib` rows
    contrib: np.ndarray  # (len(names), len(HEADS)): weight x value


@dataclass
class LinearModel:
    index: dict[str, int]  # feature name -> row of `weights`
    weights: np.ndarray  # (n_features, len(HEADS)), float32
    bias: np.ndarray  # (len(HEADS),)
    meta: dict[str, Any] = field(default_factory=dict)  # how and on what it was trained

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The words and pairs this model weighs (pipelines._features.features(known=...))."""
        return Vocabulary.of(self.index)

    def __post_init__(self) -> None:
        # Feature names interned, as `pipelines._features` interns the names it builds: a
        # look-up then finds its key by identity, without reading the stored string (on a
        # model of ~11k features each such read is a likely cache miss).
        self.index = {sys.intern(k): v for k, v in self.index.items()}

    def predict(self, feats: dict[str, float]) -> Prediction:
        # One look-up per feature (a row, or None for a name the model does not know).
        found = list(map(self.index.get, feats))
        rows: list[int]
        if None in found:
            names = [n for n, r in zip(feats, found) if r is not None]  # noqa: B905 - same length
            rows = [r for r in found if r is not None]
            values = list(map(feats.__getitem__, names))
        else:
            names, values = list(feats), list(feats.values())
            rows = cast(list[int], found)  # (no None in it)
        if names:
            # Few numpy calls (each costs more than the arithmetic on ~50 rows), the same
            # arithmetic: the rows of `weights` times each value (float32), summed in order.
            contrib = self.weights.take(rows, axis=0)
            if values.count(1.0) != len(values):  # a row times 1.0 is the row: most are 1.0
                for k, v in enumerate(values):
                    if v != 1.0:
                        contrib[k] *= np.float32(v)
            z = self.bias + np.add.reduce(contrib, 0)  # contrib.sum(axis=0), one call less
        else:
            contrib = np.zeros((0, len(HEADS)), dtype=np.float32)
            z = self.bias
        zl = z.tolist()
        exp = math.exp
        # The logistic sigmoid, inline (five calls per post add up), stable for large |v|.
        labels = {
            lb: 1.0 / (1.0 + exp(-v)) if v >= 0 else (e := exp(v)) / (1.0 + e)
            for lb, v in zip(LABELS, zl)  # noqa: B905 - the label heads come first
        }
        top = max(zl[_NL:])
        exps = [exp(v - top) for v in zl[_NL:]]
        total = sum(exps)
        severity = {s: e / total for s, e in zip(SEVERITIES, exps, strict=True)}
        return Prediction(labels, severity, names, contrib)

    def strongest(self, pred: Prediction, head: str, n: int = 3) -> list[tuple[str, float]]:
        """The features that pushed `head` up most in this prediction, strongest first."""
        names = pred.names
        if not names or n <= 0:
            return []
        col = pred.contrib[:, _HEAD_AT[head]]
        # The n largest over 0.05, ties in feature order: what sorted(..., reverse=True)[:n]
        # of those gives. A stable argsort of the negated column orders them the same way (the
        # negation is exact), in C; only the first n are read into Python, and compared there
        # with 0.05 as before (a Python float, not rounded to float32).
        top = (-col).argsort(kind="stable")[:n].tolist()  # (np.argsort: a Python frame more)
        out: list[tuple[str, float]] = []
        for k, c in zip(top, col.take(top).tolist(), strict=True):
            if not c > _FLOOR:
                break  # the rest are no larger
            out.append((names[k], c))
        return out

    # -- files -------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        names = sorted(self.index, key=self.index.__getitem__)
        return {
            "format": FORMAT,
            "heads": list(HEADS),
            "meta": self.meta,
            "bias": [round(float(v), 5) for v in self.bias],
            "weights": {
                name: [round(float(v), 5) for v in self.weights[self.index[name]]] for name in names
            },
        }

    def save(self, path: str | Path) -> None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=0), encoding="utf-8")
        tmp.replace(p)  # a crash mid-write never leaves half a model where the old one was

    @classmethod
    def from_json(cls, data: Any, where: str = "<model>") -> LinearModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{where}: not a schoolwatch model (expected format {FORMAT!r})")
        if data.get("heads") != list(HEADS):
            raise ModelError(f"{where}: heads {data.get('heads')!r} differ from {list(HEADS)!r}")
        weights = data.get("weights")
        bias = data.get("bias")
        if not isinstance(weights, dict) or not isinstance(bias, list) or len(bias) != len(HEADS):
            raise ModelError(f"{where}: 'weights' must be an object and 'bias' a list")
        index: dict[str, int] = {}
        rows: list[list[float]] = []
        for name, row in weights.items():
            if not isinstance(row, list) or len(row) != len(HEADS):
                raise ModelError(f"{where}: weights[{name!r}] must list {len(HEADS)} numbers")
            index[name] = len(rows)
            rows.append(row)
        try:
            w = np.asarray(rows, dtype=np.float32).reshape(len(rows), len(HEADS))
            b = np.asarray(bias, dtype=np.float32)
        except (TypeError, ValueError) as e:
            raise ModelError(f"{where}: weights must be numbers: {e}") from None
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise ModelError(f"{where}: weights must be finite numbers")
        meta: dict[str, Any] = data["meta"] if isinstance(data.get("meta"), dict) else {}
        return cls(index, w, b, meta)

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{p}: no such model file") from None
        except (OSError, UnicodeDecodeError) as e:
            raise ModelError(f"{p}: cannot read: {e}") from None
        except json.JSONDecodeError as e:
            raise ModelError(f"{p}:{e.lineno}: not JSON: {e.msg}") from None
        return cls.from_json(data, str(p))
