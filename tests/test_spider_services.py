"""Every source kind against its service's response format, served on loopback, crawled as
production crawls (one child process per source, all into one database).

The payloads in tests/fixtures/feeds and tests/fixtures/pages are written in each service's
documented format ({{BASE}} becomes the test server's address). Each service kind's address is
replaced with `api_base` (or a `url` on the test server), so nothing here leaves 127.0.0.1.
Checked here: what each kind extracts, link unwrapping and tidying, following headline-only
entries to their pages, each failure class recorded as that class, robots.txt obeyed for every
kind, the "empty for too long" health rule, the admin alerts, images into the local cache, and
`schoolwatch sources` / `sources test`.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from httpserver import TEST_SCHOOL, CrawlRun, LoopbackServer, run_crawl, run_crawls, write_config
from sqlalchemy import select

from config.loader import load_config
from schoolwatch.sources_cmd import list_sources, try_source
from store import sources
from store.db import transaction
from store.migrate import open_store
from store.models import Outbox

FIXTURES = Path(__file__).parent / "fixtures"
ATOM = "application/atom+xml; charset=UTF-8"
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
# The smallest valid PNG (1x1, transparent): the cache must hold exactly these bytes.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
ADMIN = "it@millbrook.sch.uk"
KINDS = "feed google_alerts google_news reddit mastodon bluesky youtube forum article page".split()


def _fixture(name: str, base: str) -> bytes:
    return (FIXTURES / name).read_text("utf-8").replace("{{BASE}}", base).encode("utf-8")


def _serve(server: LoopbackServer) -> None:
    base = server.base_url
    server.robots("User-agent: *\nDisallow: /private/\n")
    server.route("/alerts/feeds/1/2", _fixture("feeds/google_alerts.xml", base), content_type=ATOM)
    server.route("/rss/search", _fixture("feeds/google_news.xml", base), content_type=RSS)
    # A Google News link that redirects to the article, and one that needs JavaScript.
    server.route(
        "/rss/articles/CBMiWkFVX3lxTE1", status=302, headers={"Location": "/news/ofsted.html"}
    )
    server.route(
        "/rss/articles/CBMiQ2h0dHBz", _fixture("pages/js-redirect.html", base), content_type=HTML
    )
    server.route("/r/Stroud/search.rss", _fixture("feeds/reddit.xml", base), content_type=ATOM)
    server.route("/feeds/videos.xml", _fixture("feeds/youtube.xml", base), content_type=ATOM)
    server.route("/empty/videos.xml", _fixture("feeds/youtube-empty.xml", base), content_type=ATOM)
    server.route(
        "/api/v1/timelines/tag/MillbrookPrimary",
        _fixture("feeds/mastodon_tag.json", base),
        content_type=JSON,
    )
    server.route(
        "/xrpc/app.bsky.feed.searchPosts",
        _fixture("feeds/bluesky_search.json", base),
        content_type=JSON,
    )
    thread = "/Talk/primary_education/5012345-millbrook-primary"
    server.route(thread, _fixture("pages/mumsnet-1.html", base), content_type=HTML)
    server.route(thread + "?page=2", _fixture("pages/mumsnet-2.html", base), content_type=HTML)
    server.route("/news/index.html", _fixture("pages/news-index.html", base), content_type=HTML)
    server.route("/news/ofsted.html", _fixture("pages/news-ofsted.html", base), content_type=HTML)
    server.route("/news/hospice.html", _fixture("pages/news-hospice.html", base), content_type=HTML)
    server.route("/media/cupcakes.png", PNG, content_type="image/png")
    server.route("/media/not-an-image.png", "<html>nope</html>", content_type=HTML)
    # Failures, one per class.
    server.route("/down/api/v1/timelines/tag/MillbrookPrimary", "oops", status=500)
    server.route(
        "/walled/xrpc/app.bsky.feed.searchPosts",
        "<html><title>Just a moment...</title></html>",
        status=403,
        content_type=HTML,
        headers={"cf-mitigated": "challenge"},
    )
    server.route("/limited/r/Stroud/search.rss", "Too Many Requests", status=429)
    server.route("/challenge.html", _fixture("pages/challenge.html", base), content_type=HTML)
    server.route("/badjson/xrpc/app.bsky.feed.searchPosts", "{not json", content_type=JSON)
    server.route(
        "/authwall/api/v1/timelines/tag/MillbrookPrimary",
        '{"error": "This API requires an authenticated user"}',
        content_type=JSON,
    )


def _sources(base: str) -> list[dict[str, object]]:
    thread = f"{base}/Talk/primary_education/5012345-millbrook-primary"
    comments = {
        "item": "div.comment",
        "text": "div.body",
        "author": "span.who::text",
        "date": "time::attr(datetime)",
        "link": "a.permalink::attr(href)",
    }
    good: list[dict[str, object]] = [
        {"name": "alerts", "kind": "google_alerts", "url": f"{base}/alerts/feeds/1/2"},
        {"name": "gnews", "kind": "google_news", "api_base": base, "query": "Millbrook Primary"},
        {"name": "reddit", "kind": "reddit", "api_base": base, "subreddit": "Stroud",
         "query": '"Millbrook Primary"'},
        {"name": "yt", "kind": "youtube", "api_base": base, "channel_id": "UCmillbrook"},
        {"name": "masto", "kind": "mastodon", "api_base": base, "hashtag": "#MillbrookPrimary"},
        {"name": "bsky", "kind": "bluesky", "api_base": base},
        {"name": "mumsnet", "kind": "forum", "url": thread},
        {"name": "news", "kind": "article", "url": f"{base}/news/index.html",
         "article_links": "h2 a", "comments": comments},
        {"name": "emptied", "kind": "feed", "url": f"{base}/empty/videos.xml"},
        {"name": "quiet", "kind": "feed", "url": f"{base}/empty/videos.xml"},
        {"name": "dryonly", "kind": "google_alerts", "url": f"{base}/alerts/feeds/1/2"},
    ]  # fmt: skip
    failing: list[dict[str, object]] = [
        {"name": "gone", "kind": "google_news", "api_base": f"{base}/gone"},
        {"name": "down", "kind": "mastodon", "api_base": f"{base}/down",
         "hashtag": "MillbrookPrimary"},
        {"name": "walled", "kind": "bluesky", "api_base": f"{base}/walled"},
        {"name": "limited", "kind": "reddit", "api_base": f"{base}/limited", "subreddit": "Stroud",
         "query": "x"},
        {"name": "challenge", "kind": "article", "url": f"{base}/challenge.html"},
        {"name": "badjson", "kind": "bluesky", "api_base": f"{base}/badjson"},
        {"name": "authwall", "kind": "mastodon", "api_base": f"{base}/authwall",
         "hashtag": "MillbrookPrimary"},
    ]  # fmt: skip
    robots: list[dict[str, object]] = []
    for kind in KINDS:
        src: dict[str, object] = {"name": f"robots-{kind}", "kind": kind}
        if kind in ("google_news", "reddit", "mastodon", "bluesky", "youtube"):
            src["api_base"] = f"{base}/private"
            src.update(
                {"mastodon": {"hashtag": "x"}, "youtube": {"channel_id": "UC1"}}.get(kind, {})
            )
        else:
            src["url"] = f"{base}/private/{kind}.html"
        if kind == "page":
            src["selectors"] = {"item": "p", "text": "p"}
        robots.append(src)
    return good + failing + robots


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    work = tmp_path_factory.mktemp("service-crawls")
    db = work / "crawl.db"
    factory = open_store(f"sqlite:///{db}")
    now = datetime.now(UTC)
    with transaction(factory) as session:  # two sources that used to have entries
        for name, ago in (("emptied", timedelta(days=10)), ("quiet", timedelta(hours=1))):
            sources.record_success(
                session, name, url="", items=5, etag='"old"', last_modified=None, now=now - ago
            )
    school = {**TEST_SCHOOL, "recipients": [{"email": ADMIN, "roles": ["admin"]}]}
    with LoopbackServer() as server:
        _serve(server)
        srcs = _sources(server.base_url)
        config = write_config(
            work / "schoolwatch.yaml",
            sources=srcs,
            database=db,
            schools=[school],
            crawler={"alert_after_failures": 1},
        )
        jobs = [(str(s["kind"]), str(s["name"]), config) for s in srcs if s["name"] != "dryonly"]
        runs = run_crawls(jobs, workdir=work, pipelines=False)
        # The image cache: the mastodon source again, with a logo to look for (so images are
        # wanted) and only the image pipeline on, into a database of its own.
        img_db = work / "images" / "img.db"
        img_db.parent.mkdir()
        img_config = write_config(
            work / "images.yaml",
            sources=[s for s in srcs if s["name"] == "masto"],
            database=img_db,
            schools=[{**TEST_SCHOOL, "logos": ["badge.png"]}],
        )
        images = run_crawl(
            "mastodon",
            "masto",
            img_config,
            workdir=work,
            settings={"ITEM_PIPELINES": '{"pipelines.itempipelines.ImageCachePipeline": 200}'},
        )
        tried = io.StringIO()
        tried_status = try_source(load_config(config), config, "dryonly", tried)
        requests = server.requests
    listing = io.StringIO()
    list_status = list_sources(load_config(config), listing)
    with transaction(factory) as session:
        states = {s.name: SimpleNamespace(**_columns(s)) for s in sources.all_states(session)}
        outbox = [(r.message_id, r.subject, r.recipients) for r in session.scalars(select(Outbox))]
    return SimpleNamespace(
        runs=runs,
        states=states,
        requests=requests,
        outbox=outbox,
        images=images,
        image_folder=work / "images" / "images",
        tried=tried.getvalue(),
        tried_status=tried_status,
        listing=listing.getvalue(),
        list_status=list_status,
    )


def _columns(state: object) -> dict[str, object]:
    names = "name url last_success_at last_items total_items consecutive_failures "
    names += "last_error last_error_class warnings etag"
    return {n: getattr(state, n) for n in names.split()}


def _ok(crawled: SimpleNamespace, kind: str, name: str) -> CrawlRun:
    run = crawled.runs[(kind, name)]
    assert run.returncode == 0, run.log[-3000:]
    return run


# -- what each kind extracts ------------------------------------------------------------------


def test_google_alerts_links_are_unwrapped_bold_stripped_and_headlines_followed(crawled) -> None:
    run = _ok(crawled, "google_alerts", "alerts")
    posts = {p["title"]: p for p in run.exported}
    hospice = posts["Millbrook Primary pupils raise £2,000 for hospice"]  # no <b> left
    assert hospice["url"].endswith("/news/hospice.html")  # the article, not google.com/url
    assert hospice["text"].startswith("Pupils at Millbrook Primary ran a sponsored walk")
    assert "planned the route" in hospice["text"] and "Related:" not in hospice["text"]
    assert "© Stroud Gazette" not in hospice["text"]
    assert hospice["author"] == "Amy Lockwood"  # from the article's JSON-LD
    assert hospice["images"] and hospice["images"][0].endswith("/img/hospice.jpg")
    choir = posts["Choir from Millbrook Primary sings at the cathedral"]
    assert choir["url"] == "https://parish.example.org/news/choir?id=7"  # q/url= decoded
    assert "four hundred people" in choir["text"]  # long enough: not followed
    parking = posts["Parking row outside Millbrook Primary"]
    assert parking["url"].endswith("/private/parking.html")  # the q= form
    assert "<b>" not in parking["text"] and parking["text"].startswith("Residents say")
    warnings = crawled.states["alerts"].warnings
    assert any("full text not fetched (robots)" in w and "parking.html" in w for w in warnings)


def test_google_news_headlines_split_publisher_and_follow_the_redirect(crawled) -> None:
    run = _ok(crawled, "google_news", "gnews")
    ofsted, classrooms = sorted(run.exported, key=lambda p: str(p["title"]))
    assert ofsted["title"] == "Millbrook Primary head praised by inspectors"
    assert ofsted["author"] == "Stroud News and Journal"  # the publisher, from the title
    assert ofsted["text"].startswith("Inspectors praised the leadership of Millbrook Primary")
    assert "cookies" not in ofsted["text"]
    # The JavaScript redirect page has no article: the headline stays the text.
    assert classrooms["text"] == "Millbrook Primary to get new classrooms"
    [request] = [r for r in crawled.requests if r.path.startswith("/rss/search")]
    assert "q=Millbrook+Primary" in request.path and "hl=en-GB" in request.path
    assert "ceid=GB%3Aen" in request.path


def test_reddit_entries_lose_the_submitted_by_footer(crawled) -> None:
    [post] = _ok(crawled, "reddit", "reddit").exported
    assert post["title"] == "Pick-up at Millbrook Primary"
    assert post["text"] == (
        "Anyone else finding pick-up at Millbrook Primary chaos since the road works started? "
        "We waited twenty minutes on Friday."
    )
    assert post["author"] == "u/stroud_parent"
    assert post["url"] == "https://www.reddit.com/r/Stroud/comments/1jt2abc/pickup_at_millbrook/"
    [request] = [r for r in crawled.requests if r.path.startswith("/r/Stroud/search.rss")]
    assert "restrict_sr=on" in request.path and "sort=new" in request.path


def test_youtube_videos_have_description_and_thumbnail(crawled) -> None:
    [video] = _ok(crawled, "youtube", "yt").exported
    assert video["title"] == "Millbrook Primary nativity 2024"
    assert video["text"] == "Year 2 perform the nativity at Millbrook Primary."
    assert video["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert video["images"] == [
        f"{video['images'][0].split('/vi/')[0]}/vi/dQw4w9WgXcQ/hqdefault.jpg"
    ]
    assert not [r for r in crawled.requests if "watch" in r.path]  # no full-text follow


def test_mastodon_statuses_skip_noindex_accounts_and_keep_content_warnings(crawled) -> None:
    police, cakes = sorted(_ok(crawled, "mastodon", "masto").exported, key=lambda p: str(p["text"]))
    assert (
        cakes["text"]
        == "Made 200 cupcakes for the #MillbrookPrimary cake sale. Sold out in an hour!"
    )
    assert cakes["author"] == "Stroud Baker"
    assert cakes["url"] == "https://mastodon.example/@stroudbaker/114299871234567890"
    assert cakes["published"].startswith("2025-04-07T07:45:12")
    assert len(cakes["images"]) == 3  # image attachments only, not the video
    assert police["text"].startswith("CW: school gate incident\nPolice were called")
    assert police["author"] == "gloucs_news"  # no display name: the account
    assert "private_person" not in json.dumps(crawled.runs[("mastodon", "masto")].exported)


def test_bluesky_search_posts_link_to_bsky_app_and_skip_opted_out_authors(crawled) -> None:
    link, sports = sorted(_ok(crawled, "bluesky", "bsky").exported, key=lambda p: str(p["text"]))
    assert sports["url"] == "https://bsky.app/profile/stroudmum.bsky.social/post/3lmc4xkz2ks2a"
    assert sports["id"] == "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lmc4xkz2ks2a"
    assert sports["author"] == "Stroud Mum"
    assert sports["images"][0].endswith("/img/feed_fullsize/sportsday.jpg")
    assert link["author"] == "stroudnews.bsky.social" and link["images"][0].endswith(
        "classrooms.jpg"
    )
    assert "opted out" not in json.dumps(crawled.runs[("bluesky", "bsky")].exported)
    [request] = [r for r in crawled.requests if r.path.startswith("/xrpc/")]
    assert "q=%22Millbrook+Church+of+England+Primary+School%22+OR+%22Millbrook+Primary%22" in (
        request.path
    )  # no query configured: the school's names


def test_forum_preset_reads_a_mumsnet_shaped_thread_page_by_page(crawled) -> None:
    run = _ok(crawled, "forum", "mumsnet")
    assert [p["author"] for p in run.exported] == [
        "Stroudmum1", "Valleysdad1", "Stroudmum2", "Valleysdad2"
    ]  # fmt: skip
    first = run.exported[0]
    assert (
        first["text"]
        == "Page 1: we are thinking about Millbrook Primary for September.\nAny views?"
    )
    assert first["url"].endswith("5012345-millbrook-primary?reply=11")
    assert first["published"].startswith("2025-04-01T10:00:00")


def test_article_index_is_followed_and_comments_become_posts(crawled) -> None:
    run = _ok(crawled, "article", "news")
    by_title = {}
    for post in run.exported:
        by_title.setdefault(post["title"], []).append(post)
    [ofsted] = by_title["Millbrook Primary head praised by inspectors"]
    assert ofsted["author"] == "Sam Reporter" and ofsted["published"].startswith("2025-04-07T06:00")
    assert "ParentOfTwo" not in ofsted["text"]  # the comments are not the article
    comments = by_title["Comment on: Millbrook Primary head praised by inspectors"]
    assert [c["author"] for c in comments] == ["ParentOfTwo", "Local"]
    assert comments[0]["text"] == "Well deserved, the staff at Millbrook Primary are brilliant."
    assert comments[0]["url"].endswith("/news/ofsted.html#c1")
    assert comments[0]["published"].startswith("2025-04-07T08:00:00")  # +01:00 -> UTC
    assert by_title["Millbrook Primary pupils raise £2,000 for hospice"]
    state = crawled.states["news"]
    assert state.last_error_class is None
    assert any("missing.html" in w and "not_found" in w for w in state.warnings)


# -- failures and health ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "error_class", "says"),
    [
        ("google_news", "gone", "not_found", "HTTP 404"),
        ("mastodon", "down", "server_error", "HTTP 500"),
        ("bluesky", "walled", "blocked", "cf-mitigated"),
        ("reddit", "limited", "blocked", "rate limited"),
        ("article", "challenge", "blocked", "bot protection page"),
        ("bluesky", "badjson", "parse_error", "not JSON"),
        ("mastodon", "authwall", "parse_error", "expected a JSON array"),
        ("feed", "emptied", "empty", "no entries since"),
    ],
)
def test_each_failure_is_recorded_with_its_class(
    crawled, kind: str, name: str, error_class: str, says: str
) -> None:
    run = crawled.runs[(kind, name)]
    assert run.returncode == 3, run.log[-3000:]
    state = crawled.states[name]
    assert state.last_error_class == error_class, state.last_error
    assert says in state.last_error
    assert state.consecutive_failures == 1


@pytest.mark.parametrize("kind", KINDS)
def test_robots_txt_is_obeyed_for_every_kind(crawled, kind: str) -> None:
    run = crawled.runs[(kind, f"robots-{kind}")]
    assert run.returncode == 3, run.log[-3000:]
    assert crawled.states[f"robots-{kind}"].last_error_class == "robots"


def test_nothing_under_a_disallowed_path_is_ever_requested(crawled) -> None:
    assert not [r.path for r in crawled.requests if r.path.startswith("/private/")]


def test_a_source_quiet_for_a_short_while_is_not_failing_and_drops_its_validators(crawled) -> None:
    quiet = crawled.states["quiet"]
    assert crawled.runs[("feed", "quiet")].returncode == 0
    assert quiet.consecutive_failures == 0 and quiet.last_error_class is None
    assert quiet.last_items == 0 and quiet.total_items == 5
    assert quiet.etag is None  # the next crawl fetches the body again rather than a 304
    assert "no entries, though it had 5 before" in crawled.runs[("feed", "quiet")].log  # monitor


def test_spidermon_reports_on_every_crawl(crawled) -> None:
    good = crawled.runs[("google_alerts", "alerts")].log
    assert "the source was read" in good and "FAIL" not in good.split("the source was read")[1][:80]
    bad = crawled.runs[("google_news", "gone")].log
    assert "the source was read" in bad and "not_found" in bad


def test_admins_get_one_email_per_failing_source(crawled) -> None:
    down = {mid: subject for mid, subject, _ in crawled.outbox}
    failing = [name for name, st in crawled.states.items() if st.consecutive_failures]
    assert len(crawled.outbox) == len(failing)  # one each, none for the healthy ones
    assert all(recipients == [ADMIN] for _, _, recipients in crawled.outbox)
    [gone] = [s for mid, s in down.items() if "source-down-gone-never" in mid]
    assert gone == "schoolwatch: source gone is failing (not_found)"
    assert any("source-down-emptied-" in mid and "never" not in mid for mid in down)


# -- images -------------------------------------------------------------------------------------


def test_post_images_are_cached_locally_obeying_robots_and_content_type(crawled) -> None:
    run = crawled.images
    assert run.returncode == 0, run.log[-3000:]
    [cakes] = [p for p in run.exported if "cupcakes" in str(p["text"])]
    [path] = cakes["images"]  # the PNG; robots-disallowed and not-an-image ones dropped
    assert Path(path).is_file() and Path(path).read_bytes() == PNG
    assert Path(path).is_relative_to(crawled.image_folder)  # default: next to the database
    assert "schoolwatch/images/failed': 2" in run.log
    assert "not-an-image.png is text/html" in run.log
    assert "ERROR" not in run.log  # routine image failures are warnings


# -- the commands -------------------------------------------------------------------------------


def test_sources_test_shows_what_would_be_extracted_and_stores_nothing(crawled) -> None:
    assert crawled.tried_status == 0, crawled.tried
    assert "ok, 3 entries read" in crawled.tried
    assert "Millbrook Primary pupils raise £2,000 for hospice" in crawled.tried
    assert "3 post(s) would be analysed" in crawled.tried
    assert "dryonly" not in crawled.states  # no state recorded


def test_sources_lists_every_source_with_its_health(crawled) -> None:
    lines = {line.split()[0]: line for line in crawled.listing.splitlines()[1:]}
    assert crawled.list_status == 1  # some are failing
    assert " ok " in lines["alerts"] and "3 entries last time" in lines["alerts"]
    assert " failing " in lines["gone"] and "not_found" in lines["gone"]
    assert " quiet " in lines["quiet"] and "no entries for 1h" in lines["quiet"]
    assert " never run " in lines["dryonly"]
