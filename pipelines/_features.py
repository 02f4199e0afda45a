"""What the statistical model sees of a post: words near the mention, the rules that fired, cues.

Training (`pipelines.training`) and classifying (`pipelines.classify`) both call `features`, so
the two can never drift apart. Feature names are readable because they are shown to people as
reasons ("'no reply'", "rule: threat of violence"):

    w:WORD       a word (lower-cased, apostrophes dropped, "soooo" -> "soo", digits -> <n>)
    b:WORD WORD  two words in a row
    r:KEY        a phrase rule fired (value: how near the mention, 0.55..1; pipelines._rules)
    x:CUE        a cue: sarcasm, negated, hyperbole, caps, staff_author, staff, school

Target-aware: the school or staff member is replaced by a placeholder (`__school__`,
`__staff__`) so the model learns "__staff__ is useless", not one school's name, and on a long
page only the words within WINDOW characters of a mention are read.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Container, Iterable, Sequence
from functools import cache
from typing import NamedTuple

from pipelines._prefilter import Quick
from pipelines.post import Mention, Post

WINDOW = 400  # characters either side of a mention in the text that the model reads
HEAD = 1500  # characters of text read when the mention is in the title or author only
_TOKEN = re.compile(r"__(?:school|staff)__|[a-z]+|<n>|[\U0001F300-\U0001FAFF☀-➿]")
_DIGITS = re.compile(r"\d+")
_REPEAT = re.compile(r"([a-z])\1{2,}")
# Words that say nothing about a label on their own ("at", "the", "my"): without them a model
# trained on a few hundred posts learns that "in" means safeguarding. Kept inside word pairs
# ("not good", "my son"), dropped alone and from pairs of two of them.
STOPWORDS = frozenset(
    """a an the and or but if so of to in on at by for from with about as into than then there
    this that these those it its is are was were be been being am do does did have has had will
    would can could should shall may might must i me my we us our you your he him his she her
    they them their who whom which what when where how just also too very up out over again
    all any some such only own same other s t d ll m re ve y o <n> __school__ __staff__""".split()
)
_ANY_CAPS = Quick(re.compile(r"[A-Z]{2}"), r"[A-Z]{2}")
# A letter three times over ("soooo"): _REPEAT can only match where this does.
_LETTER_x3 = Quick(_REPEAT, "|".join(c * 3 for c in "abcdefghijklmnopqrstuvwxyz"))
_SHOUTED = re.compile(r"\b[A-Z][A-Z']+\b")  # a word in capitals ("DISGRACE"), two letters or more


def regions(post: Post, mentions: Sequence[Mention]) -> list[str]:
    """The title and the parts of the text the model reads, with mentions as placeholders."""
    out = []
    for fld in ("title", "text"):
        s: str = getattr(post, fld) or ""
        if not s:
            continue
        here = sorted((m for m in mentions if m.field == fld), key=lambda m: m.start)
        if fld == "title":
            out.append(_placeholders(s, here, 0, len(s)))
        elif not here:
            out.append(s[:HEAD])
        else:
            out.extend(_placeholders(s, here, a, b) for a, b in _windows(here, len(s)))
    return out


def _windows(mentions: Sequence[Mention], length: int) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for m in mentions:
        a, b = max(0, m.start - WINDOW), min(length, m.end + WINDOW)
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _placeholders(s: str, mentions: Sequence[Mention], start: int, end: int) -> str:
    parts, at = [], start
    for m in mentions:
        if m.start < at or m.end > end:  # overlapping or outside this window
            continue
        parts.append(s[at : m.start])
        parts.append(" __staff__ " if m.kind == "staff" else " __school__ ")
        at = m.end
    parts.append(s[at:end])
    return "".join(parts)


# ASCII text is split by bytes.translate + str.split, several times quicker than _TOKEN.findall
# and the same words: letters stay, a digit becomes "0" (and a run of them one "<n>"), "_" stays
# for the placeholders, and every other character, which no token can hold, becomes a space.
_ASCII_SPLIT = bytes(
    c if c in b"abcdefghijklmnopqrstuvwxyz_" else b"0"[0] if c in b"0123456789" else b" "[0]
    for c in range(256)
)
_ZEROS = re.compile("00*")  # not "0+": a pattern that starts with a literal is searched faster


def tokens(s: str) -> list[str]:
    low = s.lower().replace("'", "")  # "can't" -> "cant", "Okafor's" -> "okafors"
    if low.isascii():
        b = low.encode("ascii")
        if _LETTER_x3.found(low, b):
            low = _REPEAT.sub(r"\1\1", low)
            b = low.encode("ascii")
        if b"<" not in b:  # (a "<" may be a literal "<n>": the plain way then)
            t = b.translate(_ASCII_SPLIT).decode("ascii")
            if "0" in t:
                t = _ZEROS.sub(" <n> ", t)
            # Every "_" is in a placeholder with a space either side (as `regions` writes
            # them): split keeps each placeholder whole and leaves no other "_". Else the
            # plain way.
            underscores = t.count("_")
            if not underscores or underscores == 4 * (
                t.count(" __school__ ") + t.count(" __staff__ ")
            ):
                return t.split()
    elif _LETTER_x3.found(low):
        low = _REPEAT.sub(r"\1\1", low)
    # ASCII without a digit has nothing for _DIGITS: the pass is skipped.
    if not low.isascii() or any(d in low for d in "0123456789"):
        low = _DIGITS.sub(" <n> ", low)
    return _TOKEN.findall(low)


class Vocabulary(NamedTuple):
    """The words and word pairs a model knows: features it has no weight for are not built."""

    words: frozenset[str]  # "okafor", for the feature "w:okafor"
    firsts: frozenset[str]  # the first word of every known pair
    # Every known pair that `features` would build ("b:no reply" -> ("no", "reply")): only
    # these are turned into feature names when classifying.
    pairs: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, names: Iterable[str]) -> Vocabulary:
        names = list(names)
        words = frozenset(n[2:] for n in names if n.startswith("w:"))
        firsts = frozenset(n[2:].split(" ", 1)[0] for n in names if n.startswith("b:"))
        split = (n[2:].split(" ", 1) for n in names if n.startswith("b:") and " " in n)
        pairs = frozenset((a, b) for a, b in split if a not in STOPWORDS or b not in STOPWORDS)
        return cls(words, firsts, pairs)


@cache
def _names(known: Vocabulary) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Each known word and pair -> its feature name ("no" -> "w:no", ("no", "reply") -> "b:no
    reply"), built once per vocabulary instead of once per post."""
    # Interned, as the model's own names are (pipelines.model.LinearModel): its look-ups then
    # find these by identity.
    intern = sys.intern
    words = {w: intern("w:" + w) for w in known.words}
    return words, {p: intern(f"b:{p[0]} {p[1]}") for p in known.pairs}


def features(
    post: Post,
    mentions: Sequence[Mention],
    rules: Iterable[tuple[str, float]] = (),
    cues: Iterable[str] = (),
    known: Vocabulary | None = None,
) -> dict[str, float]:
    """The model's input for a post: {feature name: value}; see the module docstring.

    With `known` (classifying), words and pairs the model has no weight for are left out: the
    model's answer is the same and the classifier does not build strings it will throw away.
    """
    feats: dict[str, float] = {}
    words = shouted = 0
    names = _names(known) if known is not None and known.pairs else None
    for region in regions(post, mentions):
        toks = tokens(region.replace("’", "'"))
        if names is not None:
            # The known words, then the known pairs, by their feature names: map and filter
            # run in C, one look-up each (a name is never empty: None marks the unknown), and
            # no name is built per post. This is the classifier's hottest spot.
            word_names, pair_names = names
            feats.update(dict.fromkeys(filter(None, map(word_names.get, toks)), 1.0))
            pairs = zip(toks, toks[1:])  # noqa: B905 - one shorter by design
            feats.update(dict.fromkeys(filter(None, map(pair_names.get, pairs)), 1.0))
        else:
            # Comprehensions and dict.fromkeys, not a loop.
            firsts: Container[str]
            if known is None:
                ws = [t for t in toks if t not in STOPWORDS]
                firsts = toks
            else:
                ws = [t for t in toks if t in known.words]
                firsts = known.firsts
            feats.update(dict.fromkeys(["w:" + t for t in ws], 1.0))
            feats.update(
                dict.fromkeys(
                    [
                        f"b:{a} {b}"
                        for a, b in zip(toks, toks[1:])  # noqa: B905 - one shorter by design
                        if a in firsts and (a not in STOPWORDS or b not in STOPWORDS)
                    ],
                    1.0,
                )
            )
        words += len(toks)
        if _ANY_CAPS.found(region):
            shouted += len(_SHOUTED.findall(region))
    if shouted >= 3 and shouted >= 0.6 * words:
        feats["x:caps"] = 1.0
    for key, value in rules:
        name = "r:" + key
        feats[name] = max(feats.get(name, 0.0), value)
    for cue in cues:
        feats["x:" + cue] = 1.0
    # Who is mentioned where, in one walk over the mentions.
    staff_fields = {m.field == "author" for m in mentions if m.kind == "staff"}
    if True in staff_fields:
        feats["x:staff_author"] = 1.0
    if False in staff_fields:
        feats["x:staff"] = 1.0
    if any(m.kind == "school" for m in mentions):
        feats["x:school"] = 1.0
    return feats


@cache  # (a model's feature names: a few per reason, from a vocabulary of thousands)
def describe(name: str) -> str:
    """A feature name as a person reads it in a reason."""
    kind, _, what = name.partition(":")
    if kind in ("w", "b"):
        return repr(what)
    if kind == "r":
        return f"rule {what}"
    return {
        "caps": "written in capitals",
        "staff_author": "written by a member of staff",
        "staff": "names a member of staff",
        "school": "names the school",
        "sarcasm": "sarcasm",
        "negated": "a negated phrase",
        "hyperbole": "a figure of speech",
        "asking": "a question asking for information",
        "lost_found": "a lost-or-found notice",
    }.get(what, what)
