"""Small extraction helpers shared by the spiders: HTML to text, dates, absolute URLs.

Extraction only: what the words mean is decided later, in pipelines/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

# Elements after which a line break belongs in the text, so that paragraphs do not run together.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table td th tr ul".split()
)
_DROP_TAGS = ("script", "style", "noscript", "template")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment: tags removed, paragraphs on their own lines."""
    if not html or not html.strip():
        return ""
    if "<" not in html and "&" not in html:
        return _tidy(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _tidy(html)
    for el in list(root.iter(*_DROP_TAGS)):
        el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def join_strings(parts: list[str]) -> str:
    """Strings from a `::text` or `::attr()` selector, as one line of text."""
    return _tidy(" ".join(p.strip() for p in parts if p and p.strip()))


def to_utc(dt: datetime, assume: tzinfo = UTC) -> datetime:
    """An aware UTC datetime; a naive one is read in `assume` (the school's time zone)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=assume)
    return dt.astimezone(UTC)


def parse_date(value: str, assume: tzinfo = UTC) -> datetime | None:
    """ISO 8601 (`2025-03-03T09:15:00Z`, `2025-03-03`) or RFC 2822 -> aware UTC; else None."""
    text = value.strip()
    if not text:
        return None
    try:
        return to_utc(datetime.fromisoformat(text), assume)
    except ValueError:
        pass
    try:
        return to_utc(parsedate_to_datetime(text), assume)
    except (TypeError, ValueError, IndexError):
        return None


def absolute_url(base: str, link: str | None) -> str:
    """`link` resolved against `base`; '' for a missing link or one that is not http(s)."""
    if not link or not link.strip():
        return ""
    url = urljoin(base, link.strip())
    return url if urlsplit(url).scheme in ("http", "https") else ""


def unique(values: list[str]) -> list[str]:
    """The non-empty values, first occurrence kept, order preserved."""
    return list(dict.fromkeys(v for v in values if v))
