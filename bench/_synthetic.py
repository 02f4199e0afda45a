"""Generated posts and watchlists shared by the benchmarks (fixed seeds: repeatable figures).

A made-up primary school ("Hollybank") with N staff, and ~100-word posts of plain noise of which
40% mention a staff member or the school in one of the forms people write them: full name,
title + surname, initial + surname, a one-letter typo, a possessive, an alias or hashtag.
"""

from __future__ import annotations

import random

from pipelines.post import Post

FIRST = """Helen David Rebecca Jonathan Elizabeth Zoë Seán Priya Michael Grace Thomas Sarah James
Emma William Olivia Daniel Charlotte Matthew Amelia Samuel Sophie Andrew Hannah Richard Lucy Peter
Katherine Robert Margaret Christopher Victoria Anthony Jessica Nicholas Eleanor Stephen Abigail
Benjamin Rachel""".split()
SYLLABLES = """ash brook cal dun el fen gar holm ing kel lor mer nor ost pen rav sel tor ven wick
bar cot dal hur lin mor pel quin ros tan""".split()
NOISE = """the a of and to in is was for on that with as it at by this from be have are or an they
which you one we all there their has been if more when will would who so no out up what about
into than them can only other new some could time these two may then do first any my now such
like our over man me even most made after also did many before must through back years where much
your way well down should because each just those people how too little state good very make
world still own see men work long get here between both life being under never day same another
know while last might us great old year off come since against go came right used take three
council road weather traffic market football match rain bus shop garden price sunday village park
river bridge festival church library quiz concert pub walk school teacher class parents""".split()
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr"]
ALIASES = ["Hollybank C of E Primary", "#HollybankPrimary", "Hollybank Primary"]


def make_names(
    rng: random.Random, n: int, *, avoid: set[str] | None = None
) -> list[tuple[str, str]]:
    """`n` (first name, made-up surname) pairs with distinct surnames."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set(avoid or ())
    while len(out) < n:
        surname = "".join(rng.sample(SYLLABLES, 3)).capitalize()
        if surname not in seen:
            seen.add(surname)
            out.append((rng.choice(FIRST), surname))
    return out


def school_yaml(staff: list[tuple[str, str]]) -> str:
    """A config with one school (aliases, a location term, an exclusion) and these staff."""
    lines = [
        "schools:",
        "  - name: Hollybank Church of England Primary School",
        f"    aliases: [{', '.join(repr(a) for a in ALIASES)}]",
        "    location_terms: [Wexcombe]",
        "    exclude: [Hollybank Garden Centre]",
        "    staff:",
        *(f"      - {{name: {f} {s}}}" for f, s in staff),
    ]
    return "\n".join(lines) + "\n"


def mention(rng: random.Random, staff: list[tuple[str, str]]) -> str:
    first, last = rng.choice(staff)
    form = rng.randrange(6)
    if form == 0:
        return f"{first} {last}"
    if form == 1:
        return f"{rng.choice(TITLES)} {last}"
    if form == 2:
        return f"{first[0]}. {last}"
    if form == 3 and len(last) > 6:  # one typo: the matcher forgives one in a long surname
        i = rng.randrange(1, len(last) - 1)
        return f"{rng.choice(TITLES)} {last[:i]}{last[i + 1 :]}"
    if form == 4:
        return rng.choice(ALIASES)
    return f"{first} {last}'s"


def make_posts(
    rng: random.Random,
    n: int,
    staff: list[tuple[str, str]],
    *,
    phrases: list[str] | None = None,
) -> list[Post]:
    """`n` posts; with `phrases`, 30% also carry one of them (for the classifier's sake)."""
    posts = []
    for i in range(n):
        words = [rng.choice(NOISE) for _ in range(rng.randint(80, 120))]
        if rng.random() < 0.4:  # 40% mention someone or the school
            for _ in range(rng.randint(1, 3)):
                words.insert(rng.randrange(len(words)), mention(rng, staff))
        if phrases and rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(phrases))
        if phrases and rng.random() < 0.1:
            words.insert(0, "Wexcombe")
        text = " ".join(words)
        if rng.random() < 0.3:
            text = f"<p>{text[: len(text) // 2]}</p><p>{text[len(text) // 2 :]}&nbsp;</p>"
        posts.append(Post(text=text, id=str(i), title=" ".join(rng.sample(NOISE, 6))))
    return posts
