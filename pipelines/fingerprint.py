"""A stable identity for a post's words, so one post carried by many sources is stored once.

Two copies of a post that differ only in markup, whitespace, case, punctuation, Unicode
composition or HTML entities get the same fingerprint; any change of wording gives a new one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pipelines.normalise import html_to_text
from pipelines.post import Post

# Bump when the recipe changes, so stored fingerprints from the old recipe never collide.
_VERSION = b"sw1\x00"
_NOT_WORD = re.compile(r"[\W_]+")


def _words(s: str) -> str:
    s = unicodedata.normalize("NFKC", html_to_text(s)).casefold()
    return " ".join(_NOT_WORD.sub(" ", s).split())


def fingerprint(post: Post) -> str:
    """sha256 hex (64 chars) of the case-folded, punctuation-stripped title and text."""
    title, text = _words(post.title or ""), _words(post.text or "")
    payload = _VERSION + title.encode("utf-8") + b"\x1f" + text.encode("utf-8")
    return hashlib.sha256(payload).hexdigest()
