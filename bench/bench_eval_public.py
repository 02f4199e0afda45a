"""Yardstick: the whole pipeline on real third-party labelled sets (../shared/eval-public).

NOT a target: nothing in the classifier is tuned to these figures, and the data is only read from
the folder given, never copied into the project. Each post is turned into a post about the
bundled example school by putting the school where the post names its target: a leading
@mention (or the first @USER / @handle) becomes the school's handle @MillbrookCofE, and a post
that names no one is addressed to it ("@MillbrookCofE <post>"); Formspring questions and the
Wikipedia comments, which talk to "you", are addressed to a member of staff ("Mrs Okafor, ...").
Then, per set:

- abuse (OLID, Davidson, Jigsaw): is offensive/toxic text flagged `reputation_risk` or
  `safeguarding` (P/R/F1), and how often is harmless text flagged;
- bullying: cyberbullying tweets, `safeguarding` P/R/F1; Formspring (2+ of 3 annotators saying
  bullying), addressed to a member of staff, so abuse of staff: `reputation_risk` or
  `safeguarding`;
- Social Sentinel (a commercial school monitor's alerts against the same users' other tweets):
  how often we alert (urgent, or any safeguarding) on what it flagged and on what it did not;
- Stormfront: `safeguarding` on hate sentences against the rest (radicalisation is safeguarding).

    .venv/bin/python bench/bench_eval_public.py /work/shared/eval-public [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import html
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import load_config  # noqa: E402
from pipelines.analyse import Analyser  # noqa: E402
from pipelines.post import Analysis, Post  # noqa: E402
from pipelines.training import EXAMPLE_CONFIG  # noqa: E402

HANDLE = "@MillbrookCofE"
STAFF = "Mrs Okafor"
_AT = re.compile(r"@\w+")
csv.field_size_limit(10**7)


@dataclass
class Row:
    text: str
    gold: bool  # the set's positive class (offensive, bullying, flagged, hate)
    group: str  # the set's own class name, for per-class rates


def at_school(text: str) -> str:
    """The post with its target replaced by the school's handle, or addressed to it."""
    if _AT.search(text):
        return _AT.sub(HANDLE, text, count=1)
    return f"{HANDLE} {text}"


def to_staff(text: str) -> str:
    return f"{STAFF}, {text}"


def _read(path: Path) -> Iterator[dict[str, str]]:
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        yield from csv.DictReader(f)


def olid(root: Path) -> list[Row]:
    return [
        Row(at_school(r["tweet"]), r["subtask_a"] == "OFF",
            f"{r['subtask_a']}/{r['subtask_b']}/{r['subtask_c']}".replace("/NULL", ""))
        for r in _read(root / "abuse" / "olid_test_gold.csv")
    ]  # fmt: skip


def davidson(root: Path) -> list[Row]:
    names = {"0": "hate", "1": "offensive", "2": "neither"}
    return [
        Row(at_school(r["tweet"]), r["class"] != "2", names[r["class"]])
        for r in _read(root / "abuse" / "davidson_labeled_data_sample.csv")
    ]


def jigsaw(root: Path) -> list[Row]:
    return [
        Row(to_staff(r["comment_text"]), r["toxic"] == "1", "toxic" if r["toxic"] == "1" else "ok")
        for r in _read(root / "abuse" / "jigsaw_toxic_test_examples.csv")
    ]


def cyberbullying(root: Path) -> list[Row]:
    return [
        Row(at_school(r["tweet_text"]), r["cyberbullying_type"] != "not_cyberbullying",
            r["cyberbullying_type"])
        for r in _read(root / "safeguarding" / "cyberbullying_tweets_sample.csv")
    ]  # fmt: skip


def formspring(root: Path) -> list[Row]:
    out = []
    for r in _read(root / "safeguarding" / "formspring_cyberbullying_sample.csv"):
        text = html.unescape(r["post"].replace("<br>", "\n"))
        n = int(r["n_yes"] or 0)
        if n == 1:
            continue  # annotators split: neither bullying nor not
        out.append(Row(to_staff(text), n >= 2, f"{n} of 3 say bullying"))
    return out


def sentinel(root: Path) -> list[Row]:
    return [
        Row(at_school(r["text"]), r["flag"] == "flagged", r["flag"])
        for r in _read(root / "safeguarding" / "social_sentinel_flagged_vs_unflagged_tweets.csv")
    ]


def stormfront(root: Path) -> list[Row]:
    return [
        Row(at_school(r["text"]), r["label"] == "hate", r["label"])
        for r in _read(root / "safeguarding" / "stormfront_hate_speech_sentences_sample.csv")
    ]


def abusive(a: Analysis) -> bool:
    return "reputation_risk" in a.labels or "safeguarding" in a.labels


def safeguarding(a: Analysis) -> bool:
    return "safeguarding" in a.labels


SETS: list[tuple[str, Callable[[Path], list[Row]], Callable[[Analysis], bool], str]] = [
    ("OLID test (offensive)", olid, abusive, "reputation_risk or safeguarding"),
    ("Davidson (hate+offensive)", davidson, abusive, "reputation_risk or safeguarding"),
    ("Jigsaw sample (toxic)", jigsaw, abusive, "reputation_risk or safeguarding"),
    ("Cyberbullying tweets", cyberbullying, safeguarding, "safeguarding"),
    ("Formspring (2+ of 3 say bullying)", formspring, abusive, "reputation_risk or safeguarding"),
    ("Social Sentinel (flagged)", sentinel, safeguarding, "safeguarding"),
    ("Stormfront (hate)", stormfront, safeguarding, "safeguarding"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("root", type=Path, help="the eval-public folder (read only)")
    ap.add_argument("--limit", type=int, default=3000, help="rows per set, sampled (seed 4)")
    args = ap.parse_args()
    analyser = Analyser(load_config(EXAMPLE_CONFIG))
    rng = random.Random(4)
    print("yardstick only: nothing is tuned to these sets\n")
    for name, load, flagged, what in SETS:
        try:
            rows = load(args.root)
        except (OSError, KeyError) as e:
            print(f"{name}: cannot read ({e}); skipped\n")
            continue
        if len(rows) > args.limit:
            rows = rng.sample(rows, args.limit)
        t0 = time.perf_counter()
        results = [(r, analyser.analyse(Post(text=r.text))) for r in rows]
        secs = time.perf_counter() - t0
        relevant = sum(a.relevant for _, a in results)
        tp = sum(r.gold and flagged(a) for r, a in results)
        fp = sum(not r.gold and flagged(a) for r, a in results)
        fn = sum(r.gold and not flagged(a) for r, a in results)
        p = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        print(f"{name}: {len(rows)} posts ({relevant} matched the school), {secs:.1f}s")
        print(f"  '{what}' against the set's positive class: P {p:.3f}  R {rec:.3f}  F1 {f1:.3f}")
        groups = sorted({r.group for r, _ in results})
        for g in groups:
            mine = [a for r, a in results if r.group == g]
            rate = sum(flagged(a) for a in mine) / len(mine)
            urgent = sum(a.severity == "urgent" for a in mine) / len(mine)
            print(f"    {g:28} n={len(mine):5d}  flagged {rate:6.1%}  urgent {urgent:6.1%}")
        print()


if __name__ == "__main__":
    main()
