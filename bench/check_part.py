"""Check a newly written part of labelled posts without reading it, and keep what may be used.

A blind part is only blind while nobody reads it, so this prints no post: only its counts per
label and severity, and the ids of the posts it drops. It drops a post whose id is taken, or
that repeats or nearly copies (pipelines.examples.NEAR_COPY) a post of the shipped training,
test or next-test parts, or one earlier in the same part. A bad line stops the run with its
file and line named. With --write, the posts kept go to that file, ready to be appended to
next-test.jsonl (a blind part) or train.jsonl (a training part); config/classifier/WRITING.md
says how parts are written.

    .venv/bin/python bench/check_part.py NEW.jsonl [--write OUT.jsonl]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.examples import (  # noqa: E402
    SHIPPED_TEST,
    SHIPPED_TRAIN,
    ExamplesError,
    near_copies,
    read_examples,
    same_words,
    write_examples,
)

NEXT_TEST = SHIPPED_TEST.with_name("next-test.jsonl")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("part", type=Path, help="the new part (JSON Lines, LABELLING.md's shape)")
    ap.add_argument("--against", type=Path, nargs="*",
                    default=[p for p in (SHIPPED_TRAIN, SHIPPED_TEST, NEXT_TEST) if p.exists()],
                    help="parts it must not repeat (default: the shipped ones)")  # fmt: skip
    ap.add_argument("--write", type=Path, help="write the posts kept here")
    args = ap.parse_args(argv)
    try:
        new = read_examples(args.part)
        earlier = [(f"{p.name} {ex.id}", ex) for p in args.against for ex in read_examples(p)]
    except ExamplesError as e:
        print(f"check_part: {e}", file=sys.stderr)
        return 1
    taken = {ex.id for _, ex in earlier}
    seen: set[str] = set()
    reused = []
    for ex in new:
        if ex.id in taken or ex.id in seen:
            reused.append(ex.id)
        seen.add(ex.id)
    copies = near_copies(new, [(name, same_words(ex)) for name, ex in earlier])
    dropped = set(reused) | {ex.id for ex, _ in copies}
    kept = [ex for ex in new if ex.id not in dropped]
    print(f"{args.part}: {len(new)} posts, {len(kept)} kept")
    if reused:
        print(f"  id already used: {', '.join(reused)}")
    for ex, what in copies:
        print(f"  {ex.id}: repeats or nearly copies {what}")
    relevant = [ex for ex in kept if ex.relevant]
    labels = Counter(lb for ex in relevant for lb in ex.labels)
    severity = Counter(ex.severity for ex in relevant)
    print(f"  relevant {len(relevant)}, not relevant {len(kept) - len(relevant)}, "
          f"relevant with no label {sum(not ex.labels for ex in relevant)}")  # fmt: skip
    print("  labels: " + ", ".join(f"{k} {v}" for k, v in labels.most_common()))
    print("  severity: " + ", ".join(f"{k} {v}" for k, v in severity.most_common()))
    if args.write is not None:
        write_examples(kept, args.write)
        print(f"  wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
