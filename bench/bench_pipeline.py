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

from rapidfuzz import fuzz  # noqa: E402

from config import Config, load_config_text  # noqa: E402
from pipelines.analyse import Analyser  # noqa: E402
from pipelines.normalise import normalise  # noqa: E402
from pipelines.post import Post  # noqa: E402

FIRST = """Helen David Rebecca Jonathan Elizabeth Zoë Seán Priya Michael Grace Thomas Sarah
James Emma William Olivia Daniel Charlotte Matthew Amelia Samuel Sophie Andrew Hannah Richard
Lucy Peter Katherine Robert Margaret Christopher Victoria Anthony Jessica Nicholas Eleanor
Stephen Abigail Benjamin Rachel""".split()
SURNAMES = """Okafor Price Thornton Ashworth Marsh Fitzgerald-Hughes Gallagher Raman Brennan
Adeyemi Whitfield Hargreaves Nakamura Kowalski Oyelaran Pemberton Castellano Blackwood Iqbal
Rutherford Szymanska Delacroix Montgomery Achterberg Lindqvist Fairbairn Chaudhry Ellwood
Kingsley Abernethy Moreau Haverford Quigley Tremayne Venkatesan Yardley Zielinski Osei
Loughran Featherstone""".split()
NOISE = """the a of and to in is was for on that with as it at by this from be have are or an
they which you one we all there their has been if more when will would who so no out up what
about into than them can only other new some could time these two may then do first any my now
such like our over man me even most made after also did many before must through back years
where much your way well down should because each just those people how too little state good
very make world still own see men work long get here between both life being under never day
same another know while last might us great old year off come since against go came right used
take three council road weather traffic market football match rain bus shop garden price
sunday village park river bridge festival church library quiz concert pub walk""".split()
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
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr"]


def make_staff(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """40 hand-picked names, then made-up surnames (a trust's worth of staff) beyond that."""
    staff = [(FIRST[i], SURNAMES[i]) for i in range(min(n, 40))]
    syllables = ["ash", "brook", "cal", "dun", "el", "fen", "gar", "holm", "ing", "kel", "lor",
                 "mer", "nor", "ost", "pen", "rav", "sel", "tor", "ven", "wick"]  # fmt: skip
    made: set[str] = set(SURNAMES)
    while len(staff) < n:
        surname = "".join(rng.sample(syllables, 3)).capitalize()
        if surname not in made:
            made.add(surname)
            staff.append((rng.choice(FIRST), surname))
    return staff


def make_config(rng: random.Random, n_staff: int) -> tuple[Config, list[tuple[str, str]]]:
    staff = make_staff(rng, n_staff)
    rng.shuffle(staff)
    lines = [
        "schools:",
        "  - name: Hollybank Church of England Primary School",
        "    aliases: [Hollybank Primary, Hollybank C of E Primary, '#HollybankPrimary']",
        "    location_terms: [Wexcombe]",
        "    exclude: [Hollybank Garden Centre]",
        "    staff:",
        *(f"      - {{name: {f} {s}}}" for f, s in staff),
    ]
    return load_config_text("\n".join(lines) + "\n", name="<bench>"), staff


def mention(rng: random.Random, staff: list[tuple[str, str]]) -> str:
    first, last = rng.choice(staff)
    form = rng.randrange(6)
    if form == 0:
        return f"{first} {last}"
    if form == 1:
        return f"{rng.choice(TITLES)} {last}"
    if form == 2:
        return f"{first[0]}. {last}"
    if form == 3 and len(last) > 6:  # one typo
        i = rng.randrange(1, len(last) - 1)
        return f"{rng.choice(TITLES)} {last[:i]}{last[i + 1 :]}"
    if form == 4:
        return rng.choice(["Hollybank C of E Primary", "#HollybankPrimary", "Hollybank Primary"])
    return f"{first} {last}'s"


def make_posts(rng: random.Random, n: int, staff: list[tuple[str, str]]) -> list[Post]:
    posts = []
    for i in range(n):
        words = [rng.choice(NOISE) for _ in range(rng.randint(80, 120))]
        if rng.random() < 0.4:  # 40% mention someone or the school
            for _ in range(rng.randint(1, 3)):
                words.insert(rng.randrange(len(words)), mention(rng, staff))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(PHRASES))
        if rng.random() < 0.1:
            words.insert(0, "Wexcombe")
        text = " ".join(words)
        if rng.random() < 0.3:
            text = f"<p>{text[: len(text) // 2]}</p><p>{text[len(text) // 2 :]}&nbsp;</p>"
        posts.append(Post(text=text, id=str(i), title=" ".join(rng.sample(NOISE, 6))))
    return posts


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
    posts = make_posts(rng, args.posts, staff)
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
