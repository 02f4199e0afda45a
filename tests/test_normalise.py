"""normalise, html_to_text and canonical_url."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.normalise import canonical_url, html_to_text, normalise
from pipelines.post import Post


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<p>Hello <b>world</b></p>", "Hello world"),
        ("Fish &amp; chips &pound;5 &#8211; &quot;yum&quot;", 'Fish & chips £5 – "yum"'),
        ("<p>One</p><p>Two</p>", "One\nTwo"),
        ("line<br>break<br/>again", "line\nbreak\nagain"),
        ("<script>alert(1)</script><style>p{}</style>Visible", "Visible"),
        ("  lots \t of\u00a0\u00a0space  ", "lots of space"),
        ("a\r\n\r\n\r\n\r\nb", "a\n\nb"),
        ("I <3 Millbrook and 2 < 3", "I <3 Millbrook and 2 < 3"),
        ("Zoe\u0308 Mill\u200bbrook", "Zoë Millbrook"),  # NFC; zero-width space dropped
        ('<img src="x.png" alt="school crest"> logo', "school crest logo"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("", ""),
    ],
)
def test_html_to_text(raw: str, clean: str) -> None:
    assert html_to_text(raw) == clean


def test_html_to_text_is_idempotent() -> None:
    once = html_to_text("<div>Tom &amp; Jerry<br>   at  <i>school</i></div>")
    assert html_to_text(once) == once


def test_normalise_returns_a_new_clean_post() -> None:
    when = datetime(2025, 3, 1, 8, 30)
    raw = Post(
        text="<p>Hi&nbsp;there</p>",
        id="7",
        title="  <b>Big</b>\nnews ",
        author=" Mrs&nbsp;Okafor ",
        url=" https://example.com/x ",
        published=when,
        images=["a.png"],
    )
    clean = normalise(raw)
    assert clean is not raw
    assert (clean.text, clean.title, clean.author) == ("Hi there", "Big news", "Mrs Okafor")
    assert (clean.id, clean.url, clean.published, clean.images) == (
        "7",
        "https://example.com/x",
        when,
        ["a.png"],
    )
    assert raw.text == "<p>Hi&nbsp;there</p>"  # the raw post is untouched
    assert clean.images is not raw.images


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://WWW.Example.COM:443/news?utm_source=fb&utm_medium=x&b=2&a=1#comments",
            "https://www.example.com/news?a=1&b=2",
        ),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/p?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2", "https://example.com/p"),
        ("https://example.com/p?id=5&ref_src=twsrc", "https://example.com/p?id=5"),
        ("https://example.com/p?q=a+b&empty=", "https://example.com/p?empty=&q=a+b"),
        ("https://example.com./path/", "https://example.com/path/"),
        ("https://user@example.com/x", "https://user@example.com/x"),
        ("  https://example.com/x  ", "https://example.com/x"),
        ("mailto:head@school.example", "mailto:head@school.example"),
        ("not a url", "not a url"),
        ("http://[::1]:8000/a", "http://[::1]:8000/a"),
        ("http://example.com:notaport/", "http://example.com:notaport/"),
        ("", ""),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_canonical_url_same_page_same_url() -> None:
    a = canonical_url("https://news.example/story?id=9&utm_campaign=x#top")
    b = canonical_url("https://NEWS.example:443/story?fbclid=Z&id=9")
    assert a == b


def test_html_line_breaks_in_text_are_spaces_except_in_pre() -> None:
    assert html_to_text("<p>Millbrook\n   Church</p>") == "Millbrook Church"
    assert html_to_text("<pre>a\nb</pre>") == "a\nb"
    assert html_to_text("plain\ntext keeps lines") == "plain\ntext keeps lines"
