"""Reading feed bytes into Posts: RSS 0.9x/1.0/2.0 and Atom with feedparser, JSON Feed here.

feedparser 6.0 does not read JSON Feed (it reports an XML syntax error), so JSON Feed 1.0/1.1
is read with `json` in `read_json_feed`. No network here: the spider fetched the bytes.
"""

from __future__ import annotations

import codecs
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from crawler.spiders.extract import absolute_url, html_to_text, parse_date, unique
from pipelines.post import Post

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9._:-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._:-]+)[\"']")
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])", re.I)


class NotAFeed(Exception):
    """The body is something else (an HTML page, other JSON): error class `not_a_feed`."""


class FeedParseError(Exception):
    """The body looks like a feed but no entries could be read: error class `parse_error`."""


@dataclass
class FeedResult:
    format: str  # feedparser's version ("rss20", "atom10", ...) or "json1"/"json11"
    posts: list[Post] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_feed(
    body: bytes, url: str, headers: Mapping[str, str], source: str, fetched_at: datetime
) -> FeedResult:
    """Posts from a fetched feed. `headers` are the response headers (lower-case names)."""
    if not body.strip():
        raise FeedParseError(f"{url} answered with an empty body")
    ctype = headers.get("content-type", "").lower()
    if "json" in ctype or body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return read_json_feed(body, url, source, fetched_at)
    # Sniff the body, not the header: some servers send good RSS as text/html.
    if _HTML_START.match(body[:4096]):
        raise NotAFeed(_html_message(url, headers))
    parsed = feedparser.parse(
        body,
        response_headers={**headers, "content-location": url},
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.version and not parsed.entries:
        if "html" in ctype:
            raise NotAFeed(_html_message(url, headers))
        reason = f": {problem}" if problem else ""
        raise FeedParseError(f"{url} could not be read as RSS or Atom{reason}")
    if problem is not None and not parsed.entries:
        raise FeedParseError(f"{url}: the feed is broken and no entries could be read: {problem}")
    result = FeedResult(format=parsed.version or "unknown")
    mislabelled = _encoding_problem(body, ctype, parsed.get("encoding") or "?")
    if mislabelled:
        result.warnings.append(f"{url}: {mislabelled}")
    if problem is not None and not (mislabelled and "Encoding" in type(problem).__name__):
        result.warnings.append(
            f"{url}: {_bozo_kind(problem)}: {problem}; read {len(parsed.entries)} entries anyway"
        )
    for n, entry in enumerate(parsed.entries, start=1):
        try:
            result.posts.append(_post_from_entry(entry, url, source, fetched_at))
        except Exception as e:  # noqa: BLE001 - one odd entry must not lose the rest
            result.warnings.append(f"{url}: entry {n} skipped: {type(e).__name__}: {e}")
    return result


def _encoding_problem(body: bytes, ctype: str, used: str) -> str | None:
    """Whether the bytes fail to decode as declared (header charset, XML declaration, UTF-8)."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # a byte-order mark says UTF-16, whatever else is declared
    declared, where = "utf-8", "the XML default"
    header = _CHARSET.search(ctype)
    in_xml = _XML_ENCODING.match(body[:200])
    if header:
        declared, where = header.group(1), "the Content-Type header"
    elif in_xml:
        declared, where = in_xml.group(1).decode("ascii"), "the XML declaration"
    try:
        body.decode(declared)
    except (UnicodeDecodeError, LookupError) as e:
        return (
            f"character encoding: the bytes are not valid {declared} (declared by {where}: "
            f"{type(e).__name__}); decoded as {used}, check the text"
        )
    return None


def _bozo_kind(problem: BaseException) -> str:
    name = type(problem).__name__
    if "Encoding" in name:
        return "character encoding"
    if name == "NonXMLContentType":
        return "content type"
    return "not well-formed"


def _html_message(url: str, headers: Mapping[str, str]) -> str:
    what = headers.get("content-type") or "no content type"
    return (
        f"{url} served an HTML page ({what}), not RSS, Atom or JSON Feed; "
        "is the URL the page rather than its feed?"
    )


def _post_from_entry(entry: Any, feed_url: str, source: str, fetched_at: datetime) -> Post:
    link = absolute_url(feed_url, entry.get("link"))
    title = entry.get("title", "")
    if entry.get("title_detail", {}).get("type", "text/plain") in (
        "text/html",
        "application/xhtml+xml",
    ):
        title = html_to_text(title)
    contents = entry.get("content") or []
    body = contents[0].get("value", "") if contents else entry.get("summary", "")
    author = (entry.get("author_detail") or {}).get("name") or entry.get("author", "")
    parsed_time = entry.get("published_parsed") or entry.get("updated_parsed")
    return Post(
        text=html_to_text(body),
        id=entry.get("id") or link or None,
        title=title.strip(),
        author=author.strip(),
        url=link or feed_url,
        permalink=bool(link),
        source=source,
        published=_from_struct_time(parsed_time),
        images=_entry_images(entry, feed_url),
        fetched_at=fetched_at,
    )


def _from_struct_time(value: time.struct_time | None) -> datetime | None:
    # feedparser gives dates as UTC struct_time.
    return datetime(*value[:6], tzinfo=UTC) if value else None


def _entry_images(entry: Any, base: str) -> list[str]:
    urls: list[str] = []
    for enc in entry.get("enclosures") or []:
        href = enc.get("href") or enc.get("url")
        if str(enc.get("type", "")).startswith("image/") or (href and _IMAGE_EXT.search(href)):
            urls.append(absolute_url(base, href))
    for media in entry.get("media_content") or []:
        if media.get("medium") == "image" or str(media.get("type", "")).startswith("image/"):
            urls.append(absolute_url(base, media.get("url")))
    for thumb in entry.get("media_thumbnail") or []:
        urls.append(absolute_url(base, thumb.get("url")))
    return unique(urls)


def read_json_feed(body: bytes, url: str, source: str, fetched_at: datetime) -> FeedResult:
    """JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise FeedParseError(f"{url}: JSON Feed must be UTF-8: {e}") from None
    except json.JSONDecodeError as e:
        raise FeedParseError(
            f"{url}: not valid JSON at line {e.lineno} column {e.colno}: {e.msg}"
        ) from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION):
        raise NotAFeed(f"{url} served JSON that is not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedParseError(f"{url}: JSON Feed without an `items` list")
    result = FeedResult(format="json" + version[len(_JSON_FEED_VERSION) :].replace(".", ""))
    feed_authors = _json_authors(doc)
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            result.warnings.append(f"{url}: item {n} skipped: expected an object")
            continue
        try:
            result.posts.append(_post_from_json_item(item, url, source, fetched_at, feed_authors))
        except Exception as e:  # noqa: BLE001 - one odd item must not lose the rest
            result.warnings.append(f"{url}: item {n} skipped: {type(e).__name__}: {e}")
    return result


def _post_from_json_item(
    item: dict[str, Any], feed_url: str, source: str, fetched_at: datetime, feed_authors: list[str]
) -> Post:
    link = absolute_url(feed_url, _str(item.get("url")) or _str(item.get("external_url")))
    if item.get("content_html"):
        text = html_to_text(_str(item["content_html"]))
    else:
        text = _str(item.get("content_text")) or html_to_text(_str(item.get("summary")))
    date = _str(item.get("date_published")) or _str(item.get("date_modified"))
    images = [_str(item.get("image")), _str(item.get("banner_image"))]
    for att in item.get("attachments") or []:
        if isinstance(att, dict) and _str(att.get("mime_type")).startswith("image/"):
            images.append(_str(att.get("url")))
    authors = _json_authors(item) or feed_authors
    raw_id = item.get("id")
    return Post(
        text=text.strip(),
        id=str(raw_id) if raw_id not in (None, "") else (link or None),
        title=_str(item.get("title")).strip(),  # JSON Feed titles are plain text: kept as given
        author=", ".join(authors),
        url=link or feed_url,
        permalink=bool(link),
        source=source,
        published=parse_date(date) if date else None,
        images=unique([absolute_url(feed_url, i) for i in images]),
        fetched_at=fetched_at,
    )


def _json_authors(obj: dict[str, Any]) -> list[str]:
    found = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
    return [a["name"].strip() for a in found if isinstance(a, dict) and _str(a.get("name")).strip()]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
