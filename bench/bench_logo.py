"""Benchmark the logo matcher on generated scenes: recall by badge size, the negative case, speed.

    .venv/bin/python bench/bench_logo.py [--per-size N] [--seed S]

Scenes (tests/logo_scenes.py): the drawn school badge pasted into scikit-image's bundled real
photographs (1600 px wide) at 8-40 % of the width, rotated up to 15 degrees, in perspective,
partly covered, greyscale one time in three, JPEG quality 40-90; and a different badge in the
same colours and shield (must never match). Prints recall (sure logo, and sure-or-possible) per
badge share, the negative case, milliseconds per 1600 px image beside the cost of only decoding
the JPEG (measured in the same run), and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import cv2  # noqa: E402
import logo_scenes as scenes  # noqa: E402
import numpy as np  # noqa: E402

from pipelines.logo import POSSIBLE, SURE, LogoMatcher, describe_reference  # noqa: E402

SHARES = (0.08, 0.10, 0.12, 0.16, 0.20, 0.30, 0.40)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-size", type=int, default=24, help="scenes per badge share")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        refs = scenes.write_references(tmp)
        matcher = LogoMatcher([describe_reference("Millbrook", Path(p)) for p in refs])
    print(f"references: {len(refs)}; sure >= {SURE}, possible >= {POSSIBLE}; photos: "
          f"{', '.join(scenes.PHOTOS)}")  # fmt: skip
    seed = args.seed
    times: list[float] = []
    decode: list[float] = []
    big_sure = big_total = 0
    negatives: list[float] = []
    for share in SHARES:
        sure = possible = 0
        for k in range(args.per_size):
            seed += 1
            photo = scenes.PHOTOS[k % len(scenes.PHOTOS)]
            img = scenes.scene(scenes.millbrook_badge(), photo, share, seed)
            ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
            t0 = time.perf_counter()
            grey = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)
            t1 = time.perf_counter()
            hits = matcher.find_in(grey)
            t2 = time.perf_counter()
            decode.append(t1 - t0)
            times.append(t2 - t1)
            conf = max((h.confidence for h in hits), default=0.0)
            sure += conf >= SURE
            possible += conf >= POSSIBLE
            neg = scenes.scene(scenes.other_badge(), photo, share, seed)
            ngrey = cv2.cvtColor(neg, cv2.COLOR_BGR2GRAY)
            negatives.append(max((h.confidence for h in matcher.find_in(ngrey)), default=0.0))
        if share >= 0.12:
            big_sure += sure
            big_total += args.per_size
        n = args.per_size
        print(f"badge {share:4.0%} of width: recall sure {sure / n:.3f}, "
              f"sure-or-possible {possible / n:.3f} ({n} scenes)")  # fmt: skip
    print(f"recall (sure) where the badge is >= 12% of the width: {big_sure / big_total:.3f}")
    sure_neg = sum(c >= SURE for c in negatives)
    poss_neg = sum(POSSIBLE <= c < SURE for c in negatives)
    print(f"different badge, same colours: {sure_neg} sure and {poss_neg} possible matches in "
          f"{len(negatives)} scenes (max confidence {max(negatives):.2f})")  # fmt: skip
    ms = [t * 1000 for t in times]
    print(f"time per 1600 px image: mean {statistics.mean(ms):.1f} ms, p95 "
          f"{np.percentile(ms, 95):.1f} ms, max {max(ms):.1f} ms; JPEG decode alone "
          f"{statistics.mean(decode) * 1000:.1f} ms")  # fmt: skip
    one = cv2.cvtColor(scenes.scene(scenes.millbrook_badge(), "coffee", 0.2, 7), cv2.COLOR_BGR2GRAY)
    tracemalloc.start()
    matcher.find_in(one)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: tracemalloc {peak / 1e6:.1f} MB for one image; ru_maxrss {rss:.0f} MB")


if __name__ == "__main__":
    main()
