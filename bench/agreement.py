"""How far two people's labels of the same posts agree: the ceiling a classifier can be held to.

A second annotator labels posts from LABELLING.md alone, without seeing the first labels, and
writes JSON Lines of `{"id", "relevant", "labels", "severity"}`. This script scores the second
labelling against the first with the same table `schoolwatch evaluate` prints (per-label
precision, recall and F1, the severity confusion table): where annotators agree at F1 0.95 and
the classifier reaches 0.80, the classifier is the limit, not the labels.

    .venv/bin/python bench/agreement.py config/classifier/train.jsonl second-1.jsonl [...]

Posts in the second files that the first does not hold are counted and left out; a bad line
stops the run with its file and line named.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.examples import read_examples  # noqa: E402
from pipelines.post import LABELS, SEVERITIES, Analysis, Mention, Post  # noqa: E402
from pipelines.scoring import format_report, score  # noqa: E402

# A stand-in mention: Analysis.relevant is "has a mention", and the second annotator said only
# whether the post is relevant.
_RELEVANT = [Mention("school", "", "", "", "text", 0, 0, 100)]


def read_labelling(path: Path) -> dict[str, Analysis]:
    out: dict[str, Analysis] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            labels = list(obj["labels"])
            relevant = bool(obj["relevant"])
            severity = obj["severity"]
            if not set(labels) <= set(LABELS) or (severity not in (*SEVERITIES, None)):
                raise ValueError(f"labels {labels} or severity {severity!r} not known")
        except (ValueError, KeyError, TypeError) as e:
            raise SystemExit(f"{path}:{n}: {e}") from None
        out[str(obj["id"])] = Analysis(
            Post(text=""), "", "", _RELEVANT if relevant else [], labels, {}, severity
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("first", type=Path, help="the labelled posts (train.jsonl or test.jsonl)")
    ap.add_argument("second", type=Path, nargs="+", help="a second annotator's labels")
    args = ap.parse_args()
    first = {ex.id: ex for ex in read_examples(args.first)}
    second: dict[str, Analysis] = {}
    for p in args.second:
        second.update(read_labelling(p))
    pairs = [(first[i], an) for i, an in second.items() if i in first]
    unknown = len(second) - len(pairs)
    print(f"second labelling of {len(pairs)} posts" + (f" ({unknown} not in {args.first})"
          if unknown else ""))  # fmt: skip
    print("\n".join(format_report(score(pairs), worst=0)))


if __name__ == "__main__":
    main()
