"""Benchmark the analysis pipeline (normalise -> fingerprint -> match -> classify) in process.

Generates a 40-staff school and a few thousand ~100-word posts (fixed seed: a mix of staff and
school mentions, typos, nicknames and plain noise), then measures posts per second for
`Analyser.analyse` beside a naive baseline measured in the same run: rapidfuzz
`fuzz.partial_ratio` of every staff name against every post (what "just fuzzy-match the names"
costs, before it has even classified anything). Prints both, the ratio, and peak memory.

    .venv/bin/python bench/bench_pipeline.py [--posts N] [--staff N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _synthetic import FIRST, make_names, make_posts, school_yaml  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from config import Config, load_config_text  # noqa: E402
from pipelines.analyse import Analyser  # noqa: E402
from pipelines.normalise import normalise  # noqa: E402
from pipelines.post import Post  # noqa: E402

# The first 40 staff have realistic names; a trust's worth beyond that gets made-up surnames.
SURNAMES = """Okafor Price Thornton Ashworth Marsh Fitzgerald-Hughes Gallagher Raman Brennan
Adeyemi Whitfield Hargreaves Nakamura Kowalski Oyelaran Pemberton Castellano Blackwood Iqbal
Rutherford Szymanska Delacroix Montgomery Achterberg Lindqvist Fairbairn Chaudhry Ellwood
Kingsley Abernethy Moreau Haverford Quigley Tremayne Venkatesan Yardley Zielinski Osei
Loughran Featherstone""".split()
PHRASES = [
    "my son is being bullied",
    "nobody has replied to my emails",
    "huge thanks to all the staff",
    "well done everyone",
    "I'll kill whoever invented homework",
    "killer results this year",
    "police were called this afternoon",
    "not a complaint, but",
    "what a lovely assembly",
    "formal complaint to the governors",
]


def make_staff(rng: random.Random, n: int) -> list[tuple[str, str]]:
    staff = [(FIRST[i], SURNAMES[i]) for i in range(min(n, 40))]
    return staff + make_names(rng, n - len(staff), avoid=set(SURNAMES))


def make_config(rng: random.Random, n_staff: int) -> tuple[Config, list[tuple[str, str]]]:
    staff = make_staff(rng, n_staff)
    rng.shuffle(staff)
    return load_config_text(school_yaml(staff), name="<bench>"), staff


def run_pipeline(analyser: Analyser, posts: list[Post]) -> int:
    return sum(1 for p in posts if analyser.analyse(p).relevant)


def run_match_only(analyser: Analyser, posts: list[Post]) -> int:
    return sum(1 for p in posts if analyser.watchlist.find(normalise(p)))


def run_baseline(staff: list[tuple[str, str]], posts: list[Post]) -> int:
    names = [f"{f} {s}" for f, s in staff]
    return sum(1 for p in posts if any(fuzz.partial_ratio(name, p.text) >= 90 for name in names))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20250301)
    ap.add_argument("--staff", type=int, default=40, help="staff on the watchlist (default 40)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    cfg, staff = make_config(rng, max(1, args.staff))
    posts = make_posts(rng, args.posts, staff, phrases=PHRASES)
    words = sum(len(p.text.split()) for p in posts) / len(posts)

    t0 = time.perf_counter()
    analyser = Analyser(cfg)
    compile_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    relevant = run_pipeline(analyser, posts)
    pipe_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    run_match_only(analyser, posts)
    match_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    naive_hits = run_baseline(staff, posts)
    base_s = time.perf_counter() - t0

    tracemalloc.start()
    run_pipeline(Analyser(cfg), posts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":
        maxrss_kb //= 1024

    pipe_rate, base_rate = len(posts) / pipe_s, len(posts) / base_s
    match_rate = len(posts) / match_s
    print(f"posts: {len(posts)} (~{words:.0f} words each), staff: {len(staff)}, seed {args.seed}")
    print(f"compile watchlist+rules: {compile_s * 1000:.1f} ms")
    print(f"pipeline (normalise -> classify): {pipe_rate:10.0f} posts/s  relevant: {relevant}")
    print(f"match only (normalise + find):    {match_rate:10.0f} posts/s")
    print(f"naive partial_ratio baseline:     {base_rate:10.0f} posts/s  hits: {naive_hits}")
    print(f"ratio pipeline/baseline: {pipe_rate / base_rate:.2f}x; "
          f"match-only/baseline: {match_rate / base_rate:.2f}x")  # fmt: skip
    print(f"peak memory: tracemalloc {peak / 1e6:.1f} MB during a pipeline run; "
          f"ru_maxrss {maxrss_kb / 1024:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
