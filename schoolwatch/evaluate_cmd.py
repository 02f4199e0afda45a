"""`schoolwatch evaluate LABELLED.jsonl`: how well the pipeline agrees with labelled posts.

Prints per-label precision, recall and F1 (and relevance), the severity confusion table and the
worst misses with the reasons the pipeline gave, first end to end (the matcher decides which
posts are relevant) and then for the classifier alone (only posts that are labelled relevant
and that the matcher found, so a missed mention does not count as a missed label twice).
The labelled file is `schoolwatch classify` input plus `relevant`, `labels` and `severity`
(pipelines.examples). A bad line is reported by line number and skipped; the exit status is 1.
"""

from __future__ import annotations

import json
from typing import IO

from config.schema import Config
from pipelines.analyse import KEPT_HELD, Analyser
from pipelines.examples import ExamplesError, read_examples_leniently
from pipelines.scoring import Counts, Report, format_report, score

EXIT_OK = 0
EXIT_BAD_LINES = 1
EXIT_NO_INPUT = 2


def run_evaluate(
    cfg: Config,
    path: str,
    stdout: IO[str],
    stderr: IO[str],
    *,
    worst: int = 10,
    as_json: bool = False,
) -> int:
    try:
        examples, problems = read_examples_leniently(path)
    except ExamplesError as e:
        print(f"schoolwatch evaluate: {e}", file=stderr)
        return EXIT_NO_INPUT
    for p in problems:
        print(f"skipped {p}", file=stderr)
    analyser = Analyser(cfg)
    pairs = [(ex, analyser.analyse(ex.post())) for ex in examples]
    everything = score(pairs)
    found = score([(ex, an) for ex, an in pairs if ex.relevant and an.relevant])
    # Posts found only through a held mention (pipelines.analyse): what that rule costs and buys.
    held = [ex for ex, an in pairs if KEPT_HELD in an.reasons]
    kept = {"posts": len(held), "relevant": sum(ex.relevant for ex in held)}
    if as_json:
        json.dump({"all": _as_json(everything), "classifier": _as_json(found), "held_kept": kept},
                  stdout, indent=1)  # fmt: skip
        stdout.write("\n")
    else:
        print(f"== end to end: {path}", file=stdout)
        print("\n".join(format_report(everything, worst)), file=stdout)
        print(f"held mentions kept, the post reading as safeguarding: {kept['posts']} post(s), "
              f"{kept['relevant']} of them labelled relevant", file=stdout)  # fmt: skip
        print("", file=stdout)
        print("== classifier alone: posts labelled relevant that the matcher found", file=stdout)
        print("\n".join(format_report(found, 0)), file=stdout)
    return EXIT_BAD_LINES if problems else EXIT_OK


def _as_json(r: Report) -> dict[str, object]:
    return {
        "posts": r.n,
        "relevance": _counts(r.relevance),
        "labels": {k: _counts(c) for k, c in r.labels.items()},
        "macro_f1": round(r.macro_f1, 4),
        "severity": r.severity,
        "severity_accuracy": round(r.severity_accuracy, 4),
        "false_urgent": r.false_urgent,
        "misses": [
            {"id": m.example.id, "what": m.what, "reasons": m.analysis.reasons}
            for m in r.worst(len(r.misses))
        ],
    }


def _counts(c: Counts) -> dict[str, object]:
    return {
        "support": c.support,
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
        "precision": round(c.precision, 4),
        "recall": round(c.recall, 4),
        "f1": round(c.f1, 4),
    }
