"""The classifier's shortcuts give exactly what the plain way gives (pipelines._prefilter Finder
and Quick, the tokeniser's skipped passes and split, the sentence splitter, the model's pair
vocabulary, `predict` and `strongest`)."""

from __future__ import annotations

import heapq
import math
import random
import re
from operator import itemgetter

import numpy as np

from pipelines._features import _DIGITS, _REPEAT, _TOKEN, features, tokens
from pipelines._prefilter import search_bytes
from pipelines._rules import (
    ASKING,
    ASKING_AT,
    CHILDREN,
    CHILDREN_AT,
    DEBUNKED,
    DEBUNKED_AT,
    FINDERS,
    GATED,
    NAME_LIST,
    NAME_LIST_AT,
    STAFF_NEGATIVE,
    STAFF_NEGATIVE_AT,
    STAFF_SOCIAL,
    STAFF_SOCIAL_AT,
    STAFF_WORD,
    STAFF_WORD_AT,
    WORK_TALK,
    WORK_TALK_AT,
)
from pipelines.classify import _BODY, _BODY_GATE, _SENTENCE_END, _search, shipped_model
from pipelines.examples import SHIPPED_TEST, read_examples
from pipelines.model import HEADS, LinearModel, Prediction
from pipelines.post import LABELS, SEVERITIES, Mention, Post

_PHRASES = [
    "my son was bullied again",
    "i'm going to kill him",
    "i'll kill mr price lol",
    "bring a knife to school",
    "nobody replied to my email",
    "formal complaint to the governors",
    "taken to court",
    "oh great, another inset day",
    "well done for losing another coat",
    "killer results",
    "keep it a secret",
    "asked her for photos",
    "we will be escalating this",
    "brilliant teachers, thank you",
    "couldn't find her",
    "panic over, it was the ocado driver",
    "turns out it's fine",
    "her.",
    "the car park and the bus",
    "year 6 trip",
    "Does anyone know if the school does a breakfast club?",
    "which day? is there",
    "HATE MY CLASS",
    "my class",
    "the TA",
    "teachers",
    "can't stand the kids",
    "Year 10s",
]
_GAPS = [" ", "  ", "\n", "\t", "\x0b", "\x1c", "\x1f", "\x0c", ", ", ". ", "'", "-", ""]


def _texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = " ".join(rng.choice(_PHRASES) for _ in range(rng.randint(1, 8))).split(" ")
        out.append("".join(w + rng.choice(_GAPS) for w in words))
    return out


def test_finder_gives_what_finditer_gives() -> None:
    texts = _texts(300)
    for finder, rx in zip(FINDERS, GATED, strict=True):
        for t in texts:
            want = [m.span() for m in rx.finditer(t)]
            got = [m.span() for m in finder.matches(rx, t, t.encode("ascii"))]
            assert got == want, (rx.pattern[:60], t)


def test_finder_gives_what_finditer_gives_on_any_text() -> None:
    # Not ASCII: RE2's byte offsets in UTF-8 turned into character offsets, and Python's other
    # whitespace (no-break space, line separator, \x85) between the words.
    rng = random.Random(14)
    gaps = [*_GAPS, "\xa0", "\u2028", "\x85", " 🙄 ", "é", "’", "ß", "£", "İ", "\u3000", "ﬁ"]
    texts = []
    for t in _texts(300, seed=15):
        texts.append("".join(c if c != " " else rng.choice(gaps) for c in t))
    texts += ["é", "🙄again", "again🙄", "£5 each", "my\x85son", "bring\u2028a knife", "x\xa0"]
    for finder, rx in zip(FINDERS, GATED, strict=True):
        for t in texts:
            want = [m.span() for m in rx.finditer(t)]
            got = [m.span() for m in finder.matches(rx, t, t.encode())]
            assert got == want, (rx.pattern[:60], t)
            assert finder.spans(rx, t, t.encode()) == want, (rx.pattern[:60], t)


def test_finder_spans_give_what_finditer_gives() -> None:
    # RE2's exact spans (no `re` at all) where a rule's pattern allows, else `matches`: at the
    # text's ends, after apostrophes and words, and with a phrase's last character a non-word.
    texts = _texts(300, seed=12) + ["", "'", "x", "again", "again!", "x'again", "'again'", "1:1"]
    texts += [t + end for t in _texts(100, seed=13) for end in ("!", "'", " again", "x", "🙄")]
    exact = 0
    for finder, rx in zip(FINDERS, GATED, strict=True):
        exact += finder._exact is not None
        for t in texts:
            want = [m.span() for m in rx.finditer(t)]
            b = t.encode("ascii") if t.isascii() else None
            assert finder.spans(rx, t, b) == want, (rx.pattern[:60], t)
    assert exact >= len(GATED) // 2  # most rules have an exact form


def test_finder_search_gives_what_search_gives() -> None:
    # The whole-post searches (case-insensitive, some anchored at the start of the text).
    texts = _texts(400, seed=8) + ["", "?", "Which?", "x\nwhere is it?", "Hi, which one?"]
    pairs = [(ASKING_AT, ASKING), (WORK_TALK_AT, WORK_TALK), (STAFF_NEGATIVE_AT, STAFF_NEGATIVE),
             (STAFF_WORD_AT, STAFF_WORD)]  # fmt: skip
    for finder, rx in pairs:
        for t in texts:
            for s in (t, t.upper(), t.title()):
                want = rx.search(s)
                got = finder.search(rx, s, s.encode("ascii"))
                assert (got and got.span()) == (want and want.span()), (rx.pattern[:60], s)


_SEARCHES = [(ASKING_AT, ASKING), (WORK_TALK_AT, WORK_TALK), (STAFF_NEGATIVE_AT, STAFF_NEGATIVE),
             (STAFF_WORD_AT, STAFF_WORD), (STAFF_SOCIAL_AT, STAFF_SOCIAL),
             (NAME_LIST_AT, NAME_LIST), (CHILDREN_AT, CHILDREN),
             (DEBUNKED_AT, DEBUNKED)]  # fmt: skip


def test_finder_search_gives_what_search_gives_on_any_text() -> None:
    # Not ASCII: in UTF-8 when search_bytes allows (characters without case beside ASCII),
    # else `re` alone; letters that Python's re.I takes as ASCII ones among them.
    rng = random.Random(16)
    odd = ["£", "—", " 🙄 ", "😂", "\xa0", "\u2028", "\x85", "’", "é", "İ", "ı", "ſ", "\u212a", "ß",
           "Ā", "\u3000"]  # fmt: skip
    names = "Amy Lee, Tom Hall and Sam Fry; Ben Ash (Year 6) & Ana Roe, Jo Kay"
    texts = [
        names,
        names.replace(" ", "\xa0"),
        names.replace(",", " 🙄,"),
        "İsa Fox, Ali Ray and Al Ek",
    ]
    for t in _texts(300, seed=17) + [names] * 20:
        texts.append("".join(c if c != " " else rng.choice([" ", *odd]) for c in t))
    used = 0
    for finder, rx in _SEARCHES:
        for t in texts:
            for s in (t, t.upper(), t.title()):
                want = rx.search(s)
                b = search_bytes(s)
                used += b is not None and not s.isascii()
                got = finder.search(rx, s, b)
                assert (got and got.span()) == (want and want.span()), (rx.pattern[:60], s)
    assert used > 1000  # the UTF-8 way was taken


def test_body_gate_gives_what_search_gives() -> None:
    # The gate in front of the whole-post searches (Python's other whitespace between words
    # included: \\v, \\x1c-\\x1f, \\x85), on ASCII text and on text in UTF-8.
    rng = random.Random(18)
    names = "Amy Lee, Tom Hall and Sam Fry; Ben Ash (Year 6) & Ana Roe, the kids"
    texts = _texts(400, seed=19) + [names, names.replace(" ", "\x1c"), "", "?", "Which?"]
    texts += ["the TA added him on snapchat", "Mr Price\x1con Discord 🙄", "instagram, the teacher"]
    texts += ["kill them all on Fortnite", "ZOMBIES!", "the xbox\x85ps5", "roblox's chat"]
    texts += ["".join(c if c != " " else rng.choice([" ", "£", " 😂 ", "\x85", "\xa0"]) for c in t)
              for t in _texts(200, seed=20) + [names] * 10]  # fmt: skip
    texts += ["False alarm\x85panic over", "turns out it was the dad", "found\xa0safe 😂"]
    assert len(_BODY) == 9
    for t in texts:
        for s in (t, t.upper(), t.title()):
            b = search_bytes(s)
            maybe = _BODY_GATE.candidates(b) if b is not None else None
            for k, (_, rx) in enumerate(_BODY):
                want = rx.search(s)
                got = _search(k, maybe, s, b)
                assert (got and got.span()) == (want and want.span()), (rx.pattern[:60], s)


def test_search_bytes_lets_through_only_what_both_engines_read_alike() -> None:
    # Every character search_bytes lets through beside ASCII is one that neither Python's
    # re.I nor RE2's case folding takes as an ASCII letter (or as anything but itself).
    import re2

    caseless = "".join(
        c for c in map(chr, range(0x80, 0x110000))
        if not 0xD800 <= ord(c) < 0xE000 and search_bytes(c) is not None
    )  # fmt: skip
    assert search_bytes("a" + caseless) is not None
    assert not re.findall("(?i)[a-z]", caseless)
    assert not re2.findall("(?i)[a-z]", caseless)
    for odd in ("İ", "ı", "ſ", "\u212a", "é", "ß", "\ud800"):
        assert search_bytes("teacher " + odd) is None, odd
    assert search_bytes("ok £5 😂") == "ok £5 😂".encode()


def _tokens_before(s: str) -> list[str]:
    low = s.lower().replace("'", "")
    if re.search(r"(.)\1\1", low) and _REPEAT.search(low):
        low = _REPEAT.sub(r"\1\1", low)
    return list(_TOKEN.findall(_DIGITS.sub(" <n> ", low)))


def test_tokens_unchanged_on_awkward_text() -> None:
    cases = [
        "soooo GOOOOD", "aaa", "a\n\n\nb", "Year 6 and 2024!", "١٢٣ days", "x² ①", "ab12cd",
        "can't won't", "lone \ud800 surrogate 99", "🙄🙄🙄 OK", "__school__ 3 __staff__", "",
        "ÉCOLE", "İstanbul 7", "zzz", "zz z", "...", "5",
    ]  # fmt: skip
    cases += _texts(100)
    for s in cases:
        assert tokens(s) == _tokens_before(s), s


def test_tokens_split_like_the_pattern() -> None:
    # The ASCII split against the pattern, on the characters where they could part: the
    # placeholders (whole, glued, overlapping), digits, "<n>" written out, "<", "_", spacing.
    parts = [
        "a", "Bc", "__school__", "__staff__", " __school__ ", " __staff__ ", "_", "__", "0", "42",
        "<n>", "<", ">", " ", ".", "'", "’", "\n", "\x0b", "\x1c", "-", "é", "🙄", "١", "ooo",
        "AAA",
    ]  # fmt: skip
    rng = random.Random(11)
    for _ in range(20000):
        s = "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        assert tokens(s) == _tokens_before(s), repr(s)


def test_sentence_ends_unchanged() -> None:
    plain = re.compile(r"[.!?…]+(?=\s|$)|\n+")
    rng = random.Random(5)
    chars = list("ab .!?…\n\t\u2028\xa0x")
    for _ in range(20000):
        s = "".join(rng.choice(chars) for _ in range(rng.randint(0, 14)))
        want = [m.span() for m in plain.finditer(s)]
        assert [m.span() for m in _SENTENCE_END.finditer(s)] == want, repr(s)


def test_pair_vocabulary_gives_the_model_the_same_features() -> None:
    model = shipped_model()
    post = Post(
        title="Millbrook again",
        text="No reply again from Millbrook. Not good enough, my son was bullied and "
        "nobody replied to my email. Thank you for nothing! Year 6 trip cancelled.",
    )
    at = post.text.index("Millbrook")
    mentions = [Mention("school", "Millbrook", "Millbrook", "Millbrook", "text", at, at + 9, 1.0)]
    full = features(post, mentions)
    fast = features(post, mentions, known=model.vocabulary)
    assert [f for f in fast if f in model.index] == [f for f in full if f in model.index]
    a, b = model.predict(full), model.predict(fast)
    assert a.names == b.names and a.labels == b.labels and a.severity == b.severity


def _strongest_before(pred: Prediction, head: int, n: int) -> list[tuple[str, float]]:
    col = pred.contrib[:, head].tolist()
    ranked = heapq.nlargest(n, zip(pred.names, col, strict=True), key=itemgetter(1))
    return [(name, c) for name, c in ranked if c > 0.05]


def test_strongest_unchanged() -> None:
    rng = np.random.default_rng(3)
    model = LinearModel({}, np.zeros((0, len(HEADS)), np.float32), np.zeros(len(HEADS), np.float32))
    for k in range(300):
        size = int(rng.integers(0, 12))
        # Coarse values: many ties, and values at and around 0.05.
        contrib = (rng.integers(-3, 5, (size, len(HEADS))) * 0.025).astype(np.float32)
        names = [f"w:f{i}" for i in range(size)]
        pred = Prediction({}, {}, names, contrib)  # type: ignore[arg-type]
        for h, head in enumerate(HEADS):
            for n in (1, 2, 3, 5):
                assert model.strongest(pred, head, n) == _strongest_before(pred, h, n), k


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _predict_before(model: LinearModel, feats: dict[str, float]) -> Prediction:
    """LinearModel.predict as it was: one numpy array of values, multiplied and summed."""
    names = [f for f in feats if f in model.index]
    if names:
        rows = [model.index[f] for f in names]
        values = np.array([feats[f] for f in names], dtype=np.float32)
        contrib = model.weights[rows] * values[:, None]
        z = model.bias + contrib.sum(axis=0)
    else:
        contrib = np.zeros((0, len(HEADS)), dtype=np.float32)
        z = model.bias
    zl = z.tolist()
    labels = {lb: _sigmoid(zl[i]) for i, lb in enumerate(LABELS)}
    top = max(zl[len(LABELS) :])
    exp = [math.exp(v - top) for v in zl[len(LABELS) :]]
    total = sum(exp)
    severity = {s: e / total for s, e in zip(SEVERITIES, exp, strict=True)}
    return Prediction(labels, severity, names, contrib)  # type: ignore[arg-type]


def test_predict_gives_what_the_plain_numpy_way_gives() -> None:
    model = shipped_model()
    known = list(model.index)
    rng = random.Random(9)
    values = [1.0, 1.0, 1.0, 0.55, 0.8, 0.5, 0.3333, 2.0, 0.0]
    for _ in range(500):
        names = rng.sample(known, rng.randint(0, 80)) + ["w:unknown", "r:nothing"]
        rng.shuffle(names)
        feats = {n: rng.choice(values) for n in names}
        got, want = model.predict(feats), _predict_before(model, feats)
        assert got.names == want.names
        assert got.labels == want.labels and got.severity == want.severity
        assert got.contrib.dtype == want.contrib.dtype
        assert np.array_equal(got.contrib, want.contrib)


def test_rule_gate_lets_through_python_whitespace() -> None:
    # Python's `\s` also takes \v, \x1c-\x1f and \x85, which RE2's does not: the rules' gate must
    # not hold back a rule whose words are separated by them (a direct Classifier call sees such
    # text; normalise() turns them into spaces before the pipeline's). Both of the gate's ways:
    # the atoms (each within a word, so spaces never matter) and the union automaton (used
    # where the binding has no FilteredRE2), whose patterns are widened for them.
    from pipelines._prefilter import _union, gate_form
    from pipelines._rules import GATE, GATED

    rng = random.Random(21)
    texts = [t.lower() for t in _texts(300, seed=22)]
    texts = ["".join(c if c != " " else rng.choice([" ", "\x85", "\x0b", "\x1c", "\x1f"])
                     for c in t) for t in texts]  # fmt: skip
    union = _union([gate_form(p.pattern, True) for p in GATED])
    narrow = _union([gate_form(p.pattern, False) for p in GATED])  # RE2's own \s
    held_back = 0
    for t in texts:
        want = {i for i, p in enumerate(GATED) if p.search(t)}
        assert want <= GATE.candidates(t.encode()), t
        assert want <= set(union(t.encode()) or ()), t
        held_back += not want <= set(narrow(t.encode()) or ())
    assert held_back  # the texts do hold what RE2's own \s would miss


def test_rule_gate_reads_atoms_and_lets_fewer_through() -> None:
    # The gate reads the atoms (FilteredRE2) where the binding has them, as this one does: on
    # the shipped posts it lets through every rule that matches, and well under all of them.
    from pipelines._rules import GATE, GATED

    assert GATE.always == set()
    texts = [ex.text.lower() for ex in read_examples(SHIPPED_TEST)][:300]
    through = 0
    for t in texts:
        may = GATE.candidates(t.encode())
        assert {i for i, p in enumerate(GATED) if p.search(t)} <= may, t
        through += len(may)
    assert through < 0.5 * len(GATED) * len(texts)


def test_rule_gate_starts_a_rule_only_where_python_can() -> None:
    # The gate follows a rule only from the start of the text or after a character that is
    # not an ASCII word character (pipelines._prefilter.gate_form): it must still let through
    # every rule that matches, after punctuation, emoji, apostrophes and letters beyond ASCII.
    from pipelines._prefilter import _NON_WORD_BEFORE, gate_form
    from pipelines._rules import GATE, GATED

    rng = random.Random(23)
    befores = ["", " ", "é", "ß", "🙄", "'", "’", "x'", "-", "\n", "£", "\u2028", "1", "_"]
    texts = []
    for t in _texts(300, seed=24):
        words = t.lower().split(" ")
        texts.append("".join(rng.choice(befores) + w + " " for w in words))
    texts += ["❤", "x❤", "é❤", "'legend", "é'legend", "kms", "xkms"]
    for t in texts:
        want = {i for i, p in enumerate(GATED) if p.search(t)}
        assert want <= GATE.candidates(t.encode()), t
    started = [gate_form(p.pattern, True).startswith(_NON_WORD_BEFORE) for p in GATED]
    assert sum(started) == len(GATED) - 1  # all but the figures of speech, which are branches


def test_gate_alternatives_match_where_the_whole_form_does() -> None:
    # The gate reads each rule as its top-level alternatives (pipelines._prefilter.alternatives):
    # a text matches the whole form exactly when it matches one of them.
    import re2

    from pipelines._prefilter import alternatives, gate_form
    from pipelines._rules import GATED

    texts = [t.lower() for t in _texts(200, seed=31)]
    split = 0
    for p in GATED:
        form = gate_form(p.pattern, True)
        alts = alternatives(form)
        split += len(alts) > 1
        whole = re2.compile(form)
        parts = [re2.compile(a) for a in alts]
        for t in texts:
            assert (whole.search(t) is not None) == any(a.search(t) for a in parts), (form, t)
    assert split >= len(GATED) - 3  # nearly every rule is a list of alternatives
    assert alternatives("(?i)(?:^|[^A-Za-z0-9_])(?:ab|c(?:d|e))") == [
        "(?i)(?:^|[^A-Za-z0-9_])(?:ab)",
        "(?i)(?:^|[^A-Za-z0-9_])(?:c(?:d|e))",
    ]
    assert alternatives("(?:^|[^A-Za-z0-9_])ab|cd") == ["(?:^|[^A-Za-z0-9_])ab|cd"]
