"""How well the article extractor finds titles and bylines on real pages.

    .venv/bin/python bench/bench_extract.py ../shared/eval-public/html/readability

Each case folder holds `source.html` and `expected-metadata.json` (Mozilla Readability's test
pages: the title and byline Readability itself finds). A title or byline counts as right when
it equals the expected one after whitespace and quote normalisation; "contained" counts the
near misses where one holds the other. Prints one line per case, the totals, the time per page
and the peak memory. Reads the folder; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.articletext import extract_article  # noqa: E402

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})


def _norm(value: object) -> str:
    text = str(value or "").translate(_QUOTES)
    text = re.sub(r"^\s*by\s+", "", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip().casefold()


def _grade(found: str, expected: object) -> str:
    if expected is None:  # Readability found none: right only if we found none either
        return "right" if not found else "wrong"
    want, got = _norm(expected), _norm(found)
    if got == want:
        return "right"
    if got and want and (got in want or want in got):
        return "contained"
    return "wrong"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folder", type=Path, help="e.g. ../shared/eval-public/html/readability")
    args = ap.parse_args(argv)
    cases = sorted(p.parent for p in args.folder.glob("*/expected-metadata.json"))
    if not cases:
        print(f"{args.folder}: no */expected-metadata.json found", file=sys.stderr)
        return 2
    totals = {f: {"right": 0, "contained": 0, "wrong": 0} for f in ("title", "byline")}
    tracemalloc.start()
    started = time.perf_counter()
    print(f"{'case':32} {'title':10} {'byline':10} found byline / expected")
    for case in cases:
        expected = json.loads((case / "expected-metadata.json").read_text("utf-8"))
        article = extract_article((case / "source.html").read_bytes(), "http://fakehost/test/")
        t = _grade(article.title, expected.get("title"))
        b = _grade(article.byline, expected.get("byline"))
        totals["title"][t] += 1
        totals["byline"][b] += 1
        print(
            f"{case.name[:32]:32} {t:10} {b:10} {article.byline[:30]!r} / "
            f"{str(expected.get('byline'))[:30]!r}"
        )
        if t != "right":
            print(
                f"{'':32} title: {article.title[:70]!r}\n{'':32}  want: {expected.get('title')!r}"
            )
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    n = len(cases)
    for what, counts in totals.items():
        print(
            f"{what}: {counts['right']}/{n} right ({counts['right'] / n:.0%}), "
            f"{counts['contained']} contained, {counts['wrong']} wrong"
        )
    print(
        f"{n} pages in {elapsed:.2f} s ({elapsed / n * 1000:.1f} ms/page); "
        f"peak {peak / 2**20:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
