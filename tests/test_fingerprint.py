"""The dedupe fingerprint: same words, same fingerprint; different words, different one."""

from __future__ import annotations

import re

from pipelines.fingerprint import fingerprint
from pipelines.normalise import normalise
from pipelines.post import Post

BASE = Post(text="Millbrook Primary's sports day is on Friday. Bring water!", title="Sports day")


def test_fingerprint_is_hex_and_stable() -> None:
    fp = fingerprint(BASE)
    assert re.fullmatch(r"[0-9a-f]{64}", fp)
    assert fingerprint(Post(text=BASE.text, title=BASE.title)) == fp


def test_republished_with_other_markup_and_spacing_is_the_same() -> None:
    copies = [
        Post(
            text="<p>Millbrook   Primary&#8217;s <b>sports day</b> is on Friday.</p>"
            "<p>Bring water!</p>",
            title="<h1>Sports day</h1>",
        ),
        Post(text="MILLBROOK PRIMARY'S SPORTS DAY IS ON FRIDAY -- BRING WATER", title="SPORTS DAY"),
        Post(
            text="millbrook primary’s sports day is on friday\n\nbring water!!!",
            title="sports day.",
        ),
        normalise(BASE),
    ]
    for post in copies:
        assert fingerprint(post) == fingerprint(BASE)


def test_other_fields_do_not_change_it() -> None:
    moved = Post(
        text=BASE.text, title=BASE.title, id="other", url="https://x.example/1", author="Someone"
    )
    assert fingerprint(moved) == fingerprint(BASE)


def test_different_words_give_a_different_fingerprint() -> None:
    assert fingerprint(Post(text=BASE.text.replace("Friday", "Monday"), title=BASE.title)) != (
        fingerprint(BASE)
    )
    assert fingerprint(Post(text=BASE.text, title="Sports day moved")) != fingerprint(BASE)


def test_title_and_text_are_kept_apart() -> None:
    assert fingerprint(Post(title="a b", text="c")) != fingerprint(Post(title="a", text="b c"))


def test_composed_and_decomposed_unicode_agree() -> None:
    assert fingerprint(Post(text="Zoe\u0308 said hi")) == fingerprint(Post(text="Zo\u00eb said hi"))
