"""Turn a raw post into clean text: HTML to text, entities, whitespace, Unicode NFC, canonical URL.

Everything downstream (fingerprints, match offsets, classifier phrases) works on the output of
`normalise`, so it must be deterministic and idempotent: normalising twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from config.schema import INVISIBLE_CHARS  # one list for posts and watched names
from pipelines.post import Post

# Tags whose content is never visible text.
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe"})
# Tags that end a line of text; anything else is inline and joins its neighbours.
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul", "td", "th", "title",
    }
)  # fmt: skip
# Looks like markup: a tag or a comment. "I <3 this" and "a < b" are not markup.
_LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)")
_HSPACE = re.compile(r"[^\S\n]+")  # whitespace other than newline (includes NBSP, tabs)
_MANY_NEWLINES = re.compile(r"\n{3,}")
_BLANK_LINES = re.compile(r"\n\s*\n")
_ANY_SPACE = re.compile(r"\s+")
# Lone surrogates (from a JSON "\\ud800" escape) cannot be encoded as UTF-8: the database, the
# fingerprint and the output would all fail on them, so each becomes U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")

# Query parameters that only track the click, never select content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "__hstc", "__hssc",
        "__hsfp", "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv",
        "rb_clickid", "s_cid", "wt.mc_id", "wt_mc_id", "ref_src", "ref_url", "spm", "scid",
        "sc_cid", "cmpid", "trk", "trkcampaign", "si", "share_id", "feature",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_", "ga_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre += 1
        if tag in _INVISIBLE:
            self._hidden += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self._hidden:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _INVISIBLE:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _INVISIBLE:  # <br/>, <img/>: same as an open tag that never closes
            self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            # In HTML a line break inside text is just a space; only <pre> keeps its lines.
            self.parts.append(data if self._pre else _ANY_SPACE.sub(" ", data))


def clean_text(s: str) -> str:
    """Entities decoded, NFC, invisible characters dropped, whitespace collapsed (no markup)."""
    s = html.unescape(s) if "&" in s else s
    s = _no_surrogates(s)
    s = unicodedata.normalize("NFC", s).translate(INVISIBLE_CHARS)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    lines = (_HSPACE.sub(" ", line).strip() for line in s.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def _no_surrogates(s: str) -> str:
    return _SURROGATE.sub("\ufffd", s)


def html_to_text(s: str) -> str:
    """Visible text of an HTML fragment (or plain text, which passes through), cleaned."""
    if not s:
        return ""
    if _LOOKS_LIKE_HTML.search(s):
        parser = _TextExtractor()
        parser.feed(s)
        parser.close()
        # Block tags each end a line; one line break between blocks is enough.
        s = _BLANK_LINES.sub("\n", "".join(parser.parts))
    return clean_text(s)


def _one_line(s: str) -> str:
    return " ".join(html_to_text(s).split())


def normalise(post: Post) -> Post:
    """A new Post whose title, text and author are clean text; other fields kept as given."""
    return dataclasses.replace(
        post,
        text=html_to_text(post.text or ""),
        title=_one_line(post.title or ""),
        author=_one_line(post.author or ""),
        url=_no_surrogates((post.url or "").strip()),
        images=list(post.images),
    )


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL two copies of one page share: no tracking parameters, lowercase scheme and host,
    no default port, no fragment, sorted query, '/' for an empty path.

    Anything that is not an http(s) URL with a host comes back stripped but otherwise unchanged.
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal: keep what we were given
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return url
    netloc = f"[{host}]" if ":" in host else host  # hostname drops IPv6 brackets
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
