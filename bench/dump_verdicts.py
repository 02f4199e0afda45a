"""Write every verdict of the classifier over the bench corpus and awkward variants, one a line,
so that a speed-up can be checked to change nothing (byte-identical verdicts).

The bench corpus at pads 0, 1, 3 and 10, and for pads 0 and 1 each post again: with 'İ' (which
lower() lengthens), emoji, capitals, no-break spaces, accents, line separators; the mention in
the title or the author instead; no mention; a long page that names the school twice. Each
through the plain classifier and through one with school phrases, an ignore list and moved
thresholds. Run it from the old and the new code under two hash seeds and compare the files:

    PYTHONHASHSEED=1 .venv/bin/python bench/dump_verdicts.py ROOT out.txt

ROOT is the source tree to import (a checkout of the old commit, or this one).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path


def main() -> None:
    root, out = Path(sys.argv[1]).resolve(), sys.argv[2]
    sys.path[:0] = [str(root), str(root / "bench")]
    import bench_classify as bc

    import pipelines
    from config import load_config
    from pipelines._rules import phrase_rule
    from pipelines.classify import Classifier, SchoolTuning
    from pipelines.post import Mention, Post
    from pipelines.training import EXAMPLE_CONFIG

    assert Path(pipelines.__file__).is_relative_to(root), pipelines.__file__

    def upper_ascii(s: str) -> str:
        return "".join(c.upper() if c.isascii() else c for c in s)

    def variants(posts: list[tuple[Post, list[Mention]]]) -> Iterator[tuple[Post, list[Mention]]]:
        for i, (p, ms) in enumerate(posts):
            t = p.text
            yield replace(p, text=t + " İ"), ms
            yield replace(p, text=t + " 🙄😂❤️ lol"), ms
            yield replace(p, text=upper_ascii(t)), ms
            yield replace(p, title=upper_ascii(p.title), text=t.replace(" ", "\xa0", 3)), ms
            yield replace(p, text=t.replace("e", "é", 2)), ms
            yield replace(p, text=t.replace(" ", "\u2028", 2).replace(".", "…", 1)), ms
            if ms and all(m.field == "text" for m in ms) and len(t) > 2:
                yield replace(p, text="İİ" + t[2:]), ms  # lower() moves the window's offsets
            if i % 3 == 0:
                m0 = ms[0]
                in_title = Mention(
                    m0.kind, m0.school, m0.name, m0.text, "title", 0, len(m0.text), 1
                )
                author = Mention(
                    "staff", m0.school, "Helen Okafor", "Helen Okafor", "author", 0, 12, 1
                )
                yield replace(p, title=m0.text), [in_title]
                yield replace(p, author="Helen Okafor"), [author]
                yield replace(p, author="Helen Okafor"), [author, *ms]
                yield p, []
            if i % 5 == 0 and ms and all(m.field == "text" for m in ms):
                pad = bc.FILLER * 30
                first, second = len(pad), 2 * len(pad) + len(t) + 1
                moved = [replace(m, start=m.start + k, end=m.end + k) for k in (first, second)
                         for m in ms]  # fmt: skip
                yield replace(p, text=f"{pad}{t} {pad}{t} {pad}"), moved

    posts = {pad: bc.corpus(pad) for pad in (0, 1, 3, 10)}
    work = [pm for pad in (0, 1, 3, 10) for pm in posts[pad]]
    work += [*variants(posts[0]), *variants(posts[1])]
    schools = [s.name for s in load_config(EXAMPLE_CONFIG).schools]
    ignore = re.compile(r"(?<!\w)(?:the bomb|killer)(?!\w)", re.I)
    phrases = (
        phrase_rule("positive", "sports day", ""),
        phrase_rule("safeguarding", "fire drill", ""),
        phrase_rule("parental_complaint", "car park", ""),
    )
    tuned = Classifier(
        schools={
            schools[0]: SchoolTuning(phrases, ignore, {"positive": 0.3, "safeguarding": 0.6}),
            schools[1]: SchoolTuning((), None, {"reputation_risk": 0.4}),
        }
    )
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for clf in (Classifier(), tuned):
            for p, ms in work:
                v = clf.classify(p, ms)
                f.write(repr((v.labels, list(v.scores.items()), v.severity, v.reasons)) + "\n")
                n += 1
    print(n, "verdicts ->", out)


if __name__ == "__main__":
    main()
