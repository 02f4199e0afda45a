"""Benchmark the matcher: held-out accuracy, and speed against a naive fuzzy baseline.

    .venv/bin/python bench/bench_match.py accuracy [--data DIR] [--show-errors]
    .venv/bin/python bench/bench_match.py speed [--posts N] [--names 40,200,2000]

`accuracy` scores `Watchlist.find` on a labelled set (default bench/data/match_accuracy: a
made-up trust and 330 posts, a third of them namesakes and near-misses). The set was written
before the matcher it measures and is never used to tune it. Scoring is per post and per distinct
(kind, school-or-staff) entry: a post that names Mrs Whitlock twice is one true positive.
Prints mention precision, recall and F1 overall and per kind, and the errors with --show-errors.

`speed` times `Watchlist.find` (and, apart, normalise + find) on ~100-word posts (fixed
seed) for one school with N
staff, beside the naive baseline measured in the same run: rapidfuzz `partial_ratio` of every
watchlist name against every post. Prints posts/s, the ratio, the growth in cost per post from
the smallest to the largest watchlist, and peak memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _synthetic import make_names, make_posts, school_yaml  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from config import load_config, load_config_text  # noqa: E402
from pipelines.match import Watchlist  # noqa: E402
from pipelines.normalise import normalise  # noqa: E402
from pipelines.post import Post  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "match_accuracy"

# -- accuracy ------------------------------------------------------------------------------


def load_labelled(folder: Path) -> tuple[Watchlist, list[dict[str, object]], dict[str, str]]:
    cfg = load_config(folder / "trust.yaml")
    short = {"".join(w[0] for w in s.name.replace("'", "").split()[:2]).upper(): s.name
             for s in cfg.schools}  # fmt: skip
    posts = []
    for n, line in enumerate((folder / "posts.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                posts.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{folder / 'posts.jsonl'}:{n}: not JSON: {e.msg}") from None
    return Watchlist.from_config(cfg), posts, short


def expected_of(post: dict[str, object], short: dict[str, str]) -> set[tuple[str, str]]:
    out = set()
    for e in post["expect"]:  # type: ignore[attr-defined]
        kind, _, name = str(e).partition(":")
        out.add((kind, short.get(name, name)))
    return out


def run_accuracy(folder: Path, show_errors: bool) -> None:
    wl, posts, short = load_labelled(folder)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors = []
    for obj in posts:
        post = normalise(
            Post(
                text=str(obj["text"]),
                id=str(obj["id"]),
                title=str(obj.get("title", "")),
                author=str(obj.get("author", "")),
            )  # fmt: skip
        )
        found = {(m.kind, m.name) for m in wl.find(post)}
        want = expected_of(obj, short)
        for kind, _ in found & want:
            tp[kind] += 1
        for kind, name in found - want:
            fp[kind] += 1
            errors.append(f"FP {obj['id']} [{obj['cat']}] {kind} {name!r}: {obj['text']}")
        for kind, name in want - found:
            fn[kind] += 1
            errors.append(f"FN {obj['id']} [{obj['cat']}] {kind} {name!r}: {obj['text']}")
    cats = Counter(str(o["cat"]) for o in posts)
    print(f"posts: {len(posts)} ({', '.join(f'{k} {v}' for k, v in sorted(cats.items()))})")
    for label, kinds in (("all mentions", ("school", "staff")), ("school", ("school",)),
                         ("staff", ("staff",))):  # fmt: skip
        t = sum(tp[k] for k in kinds)
        p = t / max(1, t + sum(fp[k] for k in kinds))
        r = t / max(1, t + sum(fn[k] for k in kinds))
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        nfp, nfn = sum(fp[k] for k in kinds), sum(fn[k] for k in kinds)
        print(f"{label:13s} precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}  "
              f"(tp {t}, fp {nfp}, fn {nfn})")  # fmt: skip
    if show_errors:
        print("\n".join(errors) or "no errors")


# -- speed ---------------------------------------------------------------------------------


def make_watchlist(names: list[tuple[str, str]]) -> Watchlist:
    return Watchlist.from_config(load_config_text(school_yaml(names), name="<bench>"))


def best_of(runs: int, fn: object, *args: object) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn(*args)  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best, result


def match_all(wl: Watchlist, posts: list[Post]) -> int:
    return sum(1 for p in posts if wl.find(p))


def normalise_and_match(wl: Watchlist, posts: list[Post]) -> int:
    return sum(1 for p in posts if wl.find(normalise(p)))


def naive(names: list[str], posts: list[Post]) -> int:
    return sum(1 for p in posts if any(fuzz.partial_ratio(n, p.text) >= 90 for n in names))


def run_speed(n_posts: int, sizes: list[int], seed: int, baseline_posts: int) -> None:
    rng = random.Random(seed)
    all_names = make_names(rng, max(sizes))
    posts = make_posts(rng, n_posts, all_names[: min(sizes)])
    clean = [normalise(p) for p in posts]  # normalising is not matching: timed apart
    words = sum(len(p.text.split()) for p in posts) / len(posts)
    print(f"posts: {len(posts)} (~{words:.0f} words each), seed {seed}; one core, best of 3")
    per_post: dict[int, float] = {}
    for n in sizes:
        names = all_names[:n]
        t0 = time.perf_counter()
        wl = make_watchlist(names)
        compile_ms = (time.perf_counter() - t0) * 1000
        match_all(wl, clean[:200])  # warm the per-word caches the way a long crawl would
        secs, hits = best_of(3, match_all, wl, clean)
        rate = len(posts) / secs
        per_post[n] = secs / len(posts)
        with_norm_s, _ = best_of(3, normalise_and_match, wl, posts)
        sub = posts[:baseline_posts]
        labels = [f"{f} {s}" for f, s in names] + ["Hollybank Church of England Primary School"]
        base_s, _ = best_of(1, naive, labels, sub)
        base_rate = len(sub) / base_s
        print(f"{n:5d} names: match {rate:7.0f} posts/s (with normalise "
              f"{len(posts) / with_norm_s:6.0f}); naive partial_ratio {base_rate:6.0f} posts/s; "
              f"ratio {rate / base_rate:6.1f}x; posts matched {hits}; "
              f"compile {compile_ms:.0f} ms")  # fmt: skip
    lo, hi = min(sizes), max(sizes)
    print(f"cost growth per post {lo} -> {hi} names: {per_post[hi] / per_post[lo]:.2f}x")
    tracemalloc.start()
    match_all(make_watchlist(all_names[:hi]), clean)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: tracemalloc {peak / 1e6:.1f} MB matching at {hi} names; "
          f"ru_maxrss {rss:.0f} MB")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    acc = sub.add_parser("accuracy", help="precision/recall/F1 on the held-out labelled set")
    acc.add_argument("--data", type=Path, default=DATA, help="folder with trust.yaml, posts.jsonl")
    acc.add_argument("--show-errors", action="store_true")
    sp = sub.add_parser("speed", help="posts/s beside the naive baseline")
    sp.add_argument("--posts", type=int, default=3000)
    sp.add_argument("--names", default="40,200,2000", help="watchlist sizes, comma-separated")
    sp.add_argument("--baseline-posts", type=int, default=300, help="posts timed for the baseline")
    sp.add_argument("--seed", type=int, default=20261121)
    args = ap.parse_args()
    if args.mode == "accuracy":
        run_accuracy(args.data, args.show_errors)
    else:
        sizes = sorted(int(s) for s in args.names.split(","))
        run_speed(args.posts, sizes, args.seed, args.baseline_posts)


if __name__ == "__main__":
    main()
