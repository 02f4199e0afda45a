"""Labelled posts: what the classifier is trained on and judged against.

A labelled file is JSON Lines, one post per line, in the `schoolwatch classify` input shape plus
the expected answer: `id` and `text` required; `title`, `author` optional; `relevant` (bool,
default true), `labels` (a subset of the five labels) and `severity` (urgent|high|normal|low, or
null when not relevant). The shipped examples (config/classifier/train.jsonl and test.jsonl; how
they are labelled and where they came from: config/classifier/LABELLING.md) are in this shape,
and so is what `store.feedback` hands to training.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.post import LABELS, SEVERITIES, Label, Post, Severity

SHIPPED = Path(__file__).resolve().parent.parent / "config" / "classifier"
SHIPPED_TRAIN = SHIPPED / "train.jsonl"
# The held-out part: written blind (by someone who had seen neither the rules nor the other
# examples), never trained on, never tuned to; read to report how well the classifier does.
SHIPPED_TEST = SHIPPED / "test.jsonl"
SHIPPED_MODEL = SHIPPED / "model.json"


class ExamplesError(ValueError):
    """A labelled file cannot be used; str() names the file and line."""


@dataclass
class Example:
    id: str
    text: str
    title: str = ""
    author: str = ""
    relevant: bool = True
    labels: list[Label] = field(default_factory=list)
    severity: Severity | None = "low"
    weight: float = 1.0  # feedback from the school counts more than the shipped examples
    origin: str = ""  # "FILE:LINE" or "feedback #ID", for messages

    def post(self) -> Post:
        return Post(text=self.text, id=self.id, title=self.title, author=self.author)


def parse_example(obj: object, origin: str) -> Example:
    """One labelled post from a decoded JSON object; ExamplesError names `origin` if bad."""
    if not isinstance(obj, dict):
        raise ExamplesError(f"{origin}: expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ExamplesError(f"{origin}: 'text' is required and must be a non-empty string")
    for key in ("title", "author"):
        if not isinstance(obj.get(key, ""), str):
            raise ExamplesError(f"{origin}: {key!r} must be a string")
    relevant = obj.get("relevant", True)
    if not isinstance(relevant, bool):
        raise ExamplesError(f"{origin}: 'relevant' must be true or false")
    labels = obj.get("labels", [])
    if not isinstance(labels, list) or any(lb not in LABELS for lb in labels):
        raise ExamplesError(f"{origin}: 'labels' must be a list of {', '.join(LABELS)}")
    severity = obj.get("severity", "low" if relevant else None)
    if severity is not None and severity not in SEVERITIES:
        raise ExamplesError(f"{origin}: 'severity' must be one of {', '.join(SEVERITIES)} or null")
    if not relevant and (labels or severity is not None):
        raise ExamplesError(f"{origin}: a post that is not relevant has no labels or severity")
    return Example(
        id=str(obj.get("id") or origin),
        text=text,
        title=obj.get("title", "") or "",
        author=obj.get("author", "") or "",
        relevant=relevant,
        labels=[lb for lb in LABELS if lb in labels],
        severity=severity,
        origin=origin,
    )


def read_examples(path: str | Path) -> list[Example]:
    """Every labelled post in a JSON Lines file; the first bad line raises, naming FILE:LINE."""
    examples, problems = read_examples_leniently(path)
    if problems:
        raise ExamplesError(problems[0])
    return examples


def read_examples_leniently(path: str | Path) -> tuple[list[Example], list[str]]:
    """The good lines of a labelled file, and a message naming FILE:LINE for each bad one.

    Raises ExamplesError only when the file cannot be read or holds no labelled post at all.
    """
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ExamplesError(f"{p}: cannot read: {e}") from None
    out, problems = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(parse_example(json.loads(line), f"{p}:{n}"))
        except json.JSONDecodeError as e:
            problems.append(f"{p}:{n}: not JSON: {e.msg}")
        except ExamplesError as e:
            problems.append(str(e))
    if not out:
        raise ExamplesError(problems[0] if problems else f"{p}: no labelled posts in the file")
    return out, problems


def write_examples(examples: Iterable[Example], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for ex in examples:
            row: dict[str, object] = {"id": ex.id, "text": ex.text}
            if ex.title:
                row["title"] = ex.title
            if ex.author:
                row["author"] = ex.author
            row.update(relevant=ex.relevant, labels=list(ex.labels), severity=ex.severity)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


_WORDS = re.compile(r"\w+")
# Two posts this alike (rapidfuzz `fuzz.ratio` of their words) are one post for the purpose of
# keeping a test part out of training: writers who never saw each other's work still land on
# the same joke.
NEAR_COPY = 90


def same_words(ex: Example) -> str:
    """A post as its words only: a copy with other case, spacing or punctuation is the same."""
    return " ".join(_WORDS.findall(f"{ex.title} {ex.text}".casefold()))


def near_copies(
    new: Sequence[Example], earlier: Sequence[tuple[str, str]], *, within: bool = True
) -> list[tuple[Example, str]]:
    """Each post of `new` that repeats or nearly copies (NEAR_COPY) one of `earlier` (pairs of
    a name and `same_words`) or, `within`, a post before it in `new`; with the name of what it
    copies."""
    from rapidfuzz import fuzz, process

    names = [name for name, _ in earlier]
    pool = [words for _, words in earlier]
    out = []
    for ex in new:
        words = same_words(ex)
        hit = process.extractOne(words, pool, scorer=fuzz.ratio, score_cutoff=NEAR_COPY)
        if hit is not None:
            out.append((ex, names[hit[2]]))
        if within:
            names.append(f"{ex.id} in the same part")
            pool.append(words)
    return out
