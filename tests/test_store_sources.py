"""store.sources: validators and health per source, through success, 304 and failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from store.sources import (
    ERROR_CLASSES,
    all_states,
    get_state,
    record_failure,
    record_not_modified,
    record_success,
)

T0 = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
URL = "https://oakfield.example/feed.xml"


def test_unknown_source_has_no_state(store: sessionmaker[Session]) -> None:
    with store() as session:
        assert get_state(session, "news") is None
        assert all_states(session) == []


def test_success_then_failures_then_304_then_success(store: sessionmaker[Session]) -> None:
    with store() as session, session.begin():
        state = record_success(
            session,
            "news",
            url=URL,
            items=7,
            etag='"abc"',
            last_modified="Mon, 03 Mar 2025 05:00:00 GMT",
            warnings=["bozo: not well-formed (line 3)"],
            now=T0,
        )
        assert (state.last_items, state.total_items, state.consecutive_failures) == (7, 7, 0)

    t1 = T0 + timedelta(hours=1)
    for n in (1, 2):
        with store() as session, session.begin():
            state = record_failure(
                session, "news", url=URL, error_class="timeout", message=f"timed out {n}", now=t1
            )
    with store() as session:
        got = get_state(session, "news")
        assert got is not None
        state = got
        assert state.consecutive_failures == 2
        assert (state.last_error_class, state.last_error, state.last_error_at) == (
            "timeout",
            "timed out 2",
            t1,
        )
        assert state.last_attempt_at == t1
        # A failure keeps what the last good fetch left.
        assert state.last_success_at == T0
        assert (state.etag, state.last_modified) == ('"abc"', "Mon, 03 Mar 2025 05:00:00 GMT")
        assert state.warnings == ["bozo: not well-formed (line 3)"]

    t2 = T0 + timedelta(hours=2)
    with store() as session, session.begin():
        state = record_not_modified(session, "news", url=URL, now=t2)
    with store() as session:
        got = get_state(session, "news")
        assert got is not None
        state = got
        assert (state.consecutive_failures, state.last_items, state.total_items) == (0, 0, 7)
        assert state.last_success_at == state.last_attempt_at == t2
        assert state.etag == '"abc"'
        # The error of the past stays visible as history; the counter says it is over.
        assert state.last_error_class == "timeout"

    t3 = T0 + timedelta(hours=3)
    with store() as session, session.begin():
        record_success(session, "news", url=URL, items=2, etag=None, last_modified=None, now=t3)
    with store() as session:
        got = get_state(session, "news")
        assert got is not None
        state = got
        assert (state.last_items, state.total_items) == (2, 9)
        # New validators replace the old ones, even when the server sent none.
        assert (state.etag, state.last_modified) == (None, None)
        assert state.warnings == []
        assert state.last_success_at == t3


def test_first_use_may_be_a_failure(store: sessionmaker[Session]) -> None:
    with store() as session, session.begin():
        record_failure(session, "blog", url=URL, error_class="robots", message="disallowed", now=T0)
    with store() as session:
        state = get_state(session, "blog")
        assert state is not None
        assert state.consecutive_failures == 1 and state.last_success_at is None
        assert state.total_items == 0 and state.warnings == [] and state.url == URL


def test_all_states_lists_every_source_by_name(store: sessionmaker[Session]) -> None:
    with store() as session, session.begin():
        for name in ("zeta", "alpha", "mid"):
            record_not_modified(session, name, url=URL, now=T0)
    with store() as session:
        assert [s.name for s in all_states(session)] == ["alpha", "mid", "zeta"]


def test_url_change_is_recorded(store: sessionmaker[Session]) -> None:
    with store() as session, session.begin():
        record_not_modified(session, "news", url=URL, now=T0)
        record_not_modified(session, "news", url="https://new.example/feed", now=T0)
    with store() as session:
        assert get_state(session, "news").url == "https://new.example/feed"  # type: ignore[union-attr]


def test_error_class_is_a_free_string(store: sessionmaker[Session]) -> None:
    # every class the spiders record is listed once (crawler/spiders/base.py)
    recorded = {
        "http_error",
        "timeout",
        "too_large",
        "robots",
        "dns",
        "connection",
        "parse_error",
        "not_a_feed",
        "offsite",
        "interrupted",
        "error",
    }
    assert recorded <= set(ERROR_CLASSES) and len(set(ERROR_CLASSES)) == len(ERROR_CLASSES)
    with store() as session, session.begin():
        state = record_failure(
            session, "x", url=URL, error_class="tls_error", message="bad cert\x00", now=T0
        )
        assert (state.last_error_class, state.last_error) == ("tls_error", "bad cert")


def test_bad_arguments_name_the_source(store: sessionmaker[Session]) -> None:
    with store() as session, session.begin():
        with pytest.raises(ValueError, match="'news': items must not be negative"):
            record_success(
                session, "news", url=URL, items=-1, etag=None, last_modified=None, now=T0
            )
        with pytest.raises(ValueError, match="source name must not be empty"):
            record_not_modified(session, "", url=URL, now=T0)
        with pytest.raises(ValueError, match="longer than 200"):
            record_not_modified(session, "n" * 201, url=URL, now=T0)
    with store() as session:
        assert all_states(session) == []
