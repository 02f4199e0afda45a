"""The main text, title, byline, date and images of an article page: a small readability.

Metadata first, because publishers state it for search engines and link previews: JSON-LD
(`NewsArticle`, `Article`, ...), Open Graph and Twitter cards, Dublin Core and the plain
`<meta name="author">`; the page's own markup (`<h1>`, `rel=author`, a `byline` class,
`<time datetime>`) only where the metadata is silent.

The main text is found the way Arc90's Readability did it: every paragraph gives its parent a
score for its length and commas, the parent's class and id push the score up ("article",
"content", "story") or down ("comment", "sidebar", "share"), a link-heavy block is discounted,
and the best-scoring block's paragraphs are the text. Pure lxml; no network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import lxml.etree
import lxml.html

from crawler.spiders.extract import absolute_url, html_to_text, parse_date, unique

_NEGATIVE = re.compile(
    r"comment|meta|footer|footnote|foot|masthead|sidebar|sponsor|share|social|promo|related|"
    r"nav|menu|breadcrumb|outbrain|taboola|advert|\bad-|cookie|newsletter|subscribe|popup|modal",
    re.I,
)
_POSITIVE = re.compile(r"article|body|content|entry|main|page|post|story|text|blog", re.I)
_DROP = ("script", "style", "noscript", "template", "form", "iframe", "svg", "button", "select")
_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre")
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—»:]|::)\s+")
_BY = re.compile(r"^\s*(?:by|written by|posted by)\s+", re.I)
_ARTICLE_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle BlogPosting "
    "SocialMediaPosting LiveBlogPosting WebPage Report ScholarlyArticle TechArticle".split()
)


@dataclass
class Article:
    title: str = ""
    byline: str = ""
    published: datetime | None = None
    text: str = ""
    site_name: str = ""
    lang: str = ""
    images: list[str] = field(default_factory=list)


def extract_article(html: str | bytes, url: str) -> Article:
    """What a reader of the page at `url` would call its article. Never raises on odd HTML."""
    if not html or not (html.strip() if isinstance(html, str) else html.strip()):
        return Article()
    try:
        doc = lxml.html.document_fromstring(decode_html(html) if isinstance(html, bytes) else html)
    except (lxml.etree.ParserError, ValueError):
        return Article()
    meta = _meta(doc)
    ld = _json_ld(doc)
    article = Article(
        title=_title(doc, meta, ld),
        byline=_byline(doc, meta, ld),
        published=_published(doc, meta, ld),
        site_name=meta.get("og:site_name", "") or _ld_name(ld.get("publisher")),
        lang=(doc.get("lang") or "").strip(),
    )
    article.images = _images(doc, meta, ld, url)
    article.text = main_text(doc)
    return article


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9._:-]+)""", re.I)


def decode_html(body: bytes, declared: str | None = None) -> str:
    """HTML bytes as text: the declared charset (header, then <meta>), else UTF-8, else
    Windows-1252 (what browsers assume for undeclared Western pages)."""
    found = _META_CHARSET.search(body[:4096])
    for charset in (declared, found.group(1).decode("ascii") if found else None, "utf-8"):
        if not charset:
            continue
        try:
            return body.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1252", errors="replace")


# -- metadata --------------------------------------------------------------------------------


def _meta(doc: lxml.html.HtmlElement) -> dict[str, str]:
    """<meta> values by lower-case name/property (the first of each wins)."""
    found: dict[str, str] = {}
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return found


def _json_ld(doc: lxml.html.HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object that describes an article (top level or inside @graph)."""
    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for obj in _ld_objects(data):
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k in _ARTICLE_TYPES for k in kinds):
                return obj
    return {}


def _ld_objects(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [o for item in data for o in _ld_objects(item)]
    if isinstance(data, dict):
        graph = data.get("@graph")
        return [data, *_ld_objects(graph)] if graph else [data]
    return []


def _ld_name(value: Any) -> str:
    """A name from a JSON-LD Person/Organization, or a list of them ("A and B")."""
    if isinstance(value, str):
        return "" if value.startswith(("http://", "https://")) else value.strip()
    if isinstance(value, dict):
        return _ld_name(value.get("name", ""))
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(unique(names))
    return ""


def _title(doc: lxml.html.HtmlElement, meta: dict[str, str], ld: dict[str, Any]) -> str:
    for candidate in (
        meta.get("og:title"),
        meta.get("twitter:title"),
        ld.get("headline") if isinstance(ld.get("headline"), str) else None,
        meta.get("dc.title") or meta.get("dcterms.title"),
    ):
        if candidate and candidate.strip():
            return _clean(candidate)
    raw = _clean(doc.findtext(".//title") or "")
    h1s = [_clean(h.text_content()) for h in doc.iter("h1")]
    h1s = [h for h in h1s if h]
    if len(h1s) == 1 and (not raw or h1s[0] in raw):
        return h1s[0]
    parts = _TITLE_SEPARATORS.split(raw)
    if len(parts) > 1:  # "Headline | Site" or "Site - Headline": keep the longer side
        longest = max(parts, key=lambda p: len(p.split()))
        if len(longest.split()) >= 3:
            return longest.strip()
    return raw


def _byline(doc: lxml.html.HtmlElement, meta: dict[str, str], ld: dict[str, Any]) -> str:
    name = _ld_name(ld.get("author"))
    if name:
        return name
    for key in ("author", "dc.creator", "dcterms.creator", "article:author", "sailthru.author"):
        value = meta.get(key, "")
        if value and not value.startswith(("http://", "https://")):
            return _clean(_BY.sub("", value))
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if (
            el.get("rel") == "author"
            or el.get("itemprop") == "author"
            or re.search(
                r"\bbyline\b|\bauthor\b", f"{el.get('class', '')} {el.get('id', '')}", re.I
            )
        ):
            text = _clean(_BY.sub("", el.text_content()))
            if 0 < len(text) <= 100:
                return text
    return ""


def _published(
    doc: lxml.html.HtmlElement, meta: dict[str, str], ld: dict[str, Any]
) -> datetime | None:
    candidates = [
        ld.get("datePublished"),
        meta.get("article:published_time"),
        meta.get("og:published_time"),
        meta.get("date"),
        meta.get("dc.date") or meta.get("dcterms.created"),
        meta.get("pubdate"),
    ]
    candidates += [t.get("datetime") for t in doc.iter("time")]
    for value in candidates:
        if isinstance(value, str) and (parsed := parse_date(value)) is not None:
            return parsed
    return None


def _images(
    doc: lxml.html.HtmlElement, meta: dict[str, str], ld: dict[str, Any], url: str
) -> list[str]:
    found = [meta.get("og:image", ""), meta.get("twitter:image", "")]
    image = ld.get("image")
    for value in image if isinstance(image, list) else [image]:
        found.append(value.get("url", "") if isinstance(value, dict) else value or "")
    return unique([absolute_url(url, u) for u in found if isinstance(u, str)])


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# -- main text -------------------------------------------------------------------------------


def main_text(doc: lxml.html.HtmlElement) -> str:
    """The paragraphs of the best-scoring block, or '' when the page has no paragraph text."""
    body = doc.find("body")
    if body is None:
        return ""
    for el in list(body.iter(*_DROP)):
        el.drop_tree()
    for el in list(body.iter("nav", "header", "footer", "aside")):
        el.drop_tree()
    scores: dict[lxml.html.HtmlElement, float] = {}
    for p in body.iter("p", "pre", "td", "blockquote"):
        text = _clean(p.text_content())
        if len(text) < 25:
            continue
        points = 1 + text.count(",") + min(len(text) // 100, 3)
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + points
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + points / 2
    if not scores:
        return ""
    best = max(scores, key=lambda el: scores[el] * _class_weight(el) * (1 - _link_density(el)))
    blocks = [
        t
        for el in best.iter(*_BLOCKS)
        if not _inside_negative(el, best) and (t := _clean(el.text_content()))
    ]
    if not blocks:
        return html_to_text(lxml.html.tostring(best, encoding="unicode"))
    return "\n".join(unique(blocks))


def _class_weight(el: lxml.html.HtmlElement) -> float:
    names = f"{el.get('class', '')} {el.get('id', '')}"
    weight = 1.0
    if _NEGATIVE.search(names):
        weight *= 0.3
    if _POSITIVE.search(names) or el.tag in ("article", "main"):
        weight *= 1.5
    return weight


def _link_density(el: lxml.html.HtmlElement) -> float:
    total = len(_clean(el.text_content())) or 1
    linked = sum(len(_clean(a.text_content())) for a in el.iter("a"))
    return min(linked / total, 0.95)


def _inside_negative(el: lxml.html.HtmlElement, stop: lxml.html.HtmlElement) -> bool:
    """Whether a comment box, share bar or the like sits between `el` and the chosen block."""
    node = el
    while node is not None and node is not stop:
        if _NEGATIVE.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
        node = node.getparent()
    return False
